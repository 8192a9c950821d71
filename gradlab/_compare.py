"""Comparisons and logical ops: Tensor methods with no gradient (their results are bool tensors,
or Python bools for ``equal``/``allclose``), broadcasting as PyTorch does; and ``torch.all`` /
``torch.any``, the logical reductions."""
from __future__ import annotations

import numbers

import numpy as np

from . import _dtype
from ._functional import _check_broadcast

from . import _tensor as _t  # noqa: E402  (Tensor itself: imported while _tensor loads)


class ComparisonMethods:
    __slots__ = ()

    def _compare(self, other, fn):
        if not isinstance(other, (_t.Tensor, numbers.Number)):
            return NotImplemented
        o = other._data if isinstance(other, _t.Tensor) else other
        if isinstance(other, _t.Tensor):
            _check_broadcast(self, other)
        return self._make(np.asarray(fn(self._data, o)))

    def __eq__(self, other):
        return self._compare(other, np.equal)

    def __ne__(self, other):
        return self._compare(other, np.not_equal)

    def __lt__(self, other):
        return self._compare(other, np.less)

    def __le__(self, other):
        return self._compare(other, np.less_equal)

    def __gt__(self, other):
        return self._compare(other, np.greater)

    def __ge__(self, other):
        return self._compare(other, np.greater_equal)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def __and__(self, other):
        return self._compare(other, np.logical_and if self.dtype is _dtype.bool_ else np.bitwise_and)

    def __or__(self, other):
        return self._compare(other, np.logical_or if self.dtype is _dtype.bool_ else np.bitwise_or)

    def __invert__(self):
        return self._make(~self._data)

    def all(self, dim=None, keepdim=False):
        return all(self, dim, keepdim)

    def any(self, dim=None, keepdim=False):
        return any(self, dim, keepdim)

    def logical_not(self):
        return self._make(np.logical_not(self._data))

    def isfinite(self):
        return self._make(np.isfinite(self._data))

    def equal(self, other) -> bool:
        return self.shape == other.shape and bool(np.array_equal(self._data, other._data))

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
        return bool(np.allclose(self._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        """Elementwise ``|a − b| ≤ atol + rtol·|b|`` (allclose asks it of every element)."""
        return self._make(np.isclose(self._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


# -- all / any: is every / some element true (nonzero)? -----------------------------------------
# Over the whole tensor, or along ``dim`` (an int or a tuple) with ``keepdim``; a bool tensor
# whatever the input's dtype, as in PyTorch. No graph: a truth value has no gradient.

def _truth(fn, input, dim, keepdim):
    if dim is None:
        return _t.Tensor._make(np.asarray(fn(input._data)))
    axes = input._dims(dim) if input.ndim else ()
    return _t.Tensor._make(np.asarray(fn(input._data, axis=axes, keepdims=keepdim)))


def all(input, dim=None, keepdim=False):
    return _truth(np.all, input, dim, keepdim)


def any(input, dim=None, keepdim=False):
    return _truth(np.any, input, dim, keepdim)
