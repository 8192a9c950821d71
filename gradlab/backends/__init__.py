"""``torch.backends``: the flags reproducibility recipes set (``torch.backends.cudnn.deterministic
= True``). gradlab has no cuDNN, so they change nothing, as on a CPU-only PyTorch."""
from . import cudnn  # noqa: F401
