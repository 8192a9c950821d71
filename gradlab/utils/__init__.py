"""``gradlab.utils``: as ``torch.utils``, the home of ``data`` (datasets and data loaders)."""
from . import data

__all__ = ["data"]
