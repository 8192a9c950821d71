"""``torch.all`` / ``torch.any`` (and the methods): is every / some element true (nonzero)?

Over the whole tensor, or along ``dim`` (an int or a tuple of ints) with ``keepdim``. The result
is a bool tensor whatever the input's dtype, as in PyTorch for float, int and bool inputs. No
graph: a truth value has no gradient.
"""
from __future__ import annotations

import numpy as np


def _reduce(fn, input, dim, keepdim):
    from ._tensor import Tensor
    if dim is None:
        return Tensor._make(np.asarray(fn(input._data)))
    axes = input._dims(dim) if input.ndim else ()
    return Tensor._make(np.asarray(fn(input._data, axis=axes, keepdims=keepdim)))


def all(input, dim=None, keepdim=False):
    return _reduce(np.all, input, dim, keepdim)


def any(input, dim=None, keepdim=False):
    return _reduce(np.any, input, dim, keepdim)
