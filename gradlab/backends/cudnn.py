"""``torch.backends.cudnn``: no cuDNN here; the flags keep PyTorch's defaults and may be set."""

enabled = True
deterministic = False
benchmark = False


def is_available() -> bool:
    return False
