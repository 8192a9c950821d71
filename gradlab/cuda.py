"""``torch.cuda``: gradlab has no GPU, so ``is_available()`` is False, as on a CPU-only PyTorch."""


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0
