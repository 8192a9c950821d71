"""The functional ops of ``gradlab`` (``torch.matmul``, ``cat``, ``stack``, ``where``), the
argument checks they share with the Tensor methods (broadcasting, dtypes, matrix shapes), each
raising PyTorch's error, and the Tensor methods that front a function (``%``, ``norm``,
``softmax``, ``multinomial``).
"""
from __future__ import annotations

import functools
import numbers
import warnings

import numpy as np

from . import _dtype, linalg, ops
from ._record import autograd_first, record as apply, specialised
from .errors import error

_sum_all, _mean_all = specialised(ops.sum_all), specialised(ops.mean_all)

from . import _tensor as _t  # noqa: E402  (Tensor itself: imported while _tensor loads)


class MinMax(tuple):
    """``torch.return_types.max`` / ``min``: a (values, indices) pair that prints like PyTorch's."""

    def __new__(cls, which, values, indices):
        self = super().__new__(cls, (values, indices))
        self._which = which
        return self

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]

    def __repr__(self):
        return f"torch.return_types.{self._which}(\nvalues={self[0]!r},\nindices={self[1]!r})"



def _check_sub(a, b):
    """PyTorch refuses ``-`` when either side is a bool (a bool tensor or a Python bool)."""
    if getattr(a, "_data", None) is not None and a._data.dtype.kind == "f" and (
            type(b) is float or getattr(b, "_data", None) is not None and b._data.dtype.kind == "f"):
        return  # the common case: numbers on both sides
    bools = [x.dtype is _dtype.bool_ if isinstance(x, _t.Tensor) else isinstance(x, bool) for x in (a, b)]
    if all(bools):
        raise error("sub_bool_both")
    if any(bools):
        raise error("sub_bool_one")



def _broadcast_shape(a, b, a_name="a", b_name="b", target=False):
    """The broadcast shape of ``a`` and ``b``, or PyTorch's error naming the first clash."""
    n = max(len(a), len(b))
    out = []
    for i in reversed(range(n)):  # PyTorch compares from the right and names the first clash there
        x = a[i - n + len(a)] if i - n + len(a) >= 0 else 1
        y = b[i - n + len(b)] if i - n + len(b) >= 0 else 1
        if x != y and x != 1 and y != 1:
            if target:
                raise error("expand_size", new=y, existing=x, dim=i, target=list(b), sizes=list(a))
            raise error("broadcast", a=x, b=y, dim=i, shape_a=tuple(a), shape_b=tuple(b))
        out.append(max(x, y) if x and y else 0)
    return tuple(reversed(out))


def _check_divisor(dividend, divisor, floor=False):
    """An integer division by zero raises (PyTorch's ZeroDivisionError); floats give inf/nan."""
    def is_float(x):
        return x.dtype.is_floating_point if isinstance(x, _t.Tensor) else isinstance(x, float)
    if is_float(dividend) or is_float(divisor):
        return
    if not (divisor._data.all() if isinstance(divisor, _t.Tensor) else divisor != 0):
        raise error("integer_floor_divide_zero" if floor else "integer_modulo_zero",
                    dividend if isinstance(dividend, _t.Tensor) else divisor)


def _check_broadcast(a, b):
    if a._data.shape != b._data.shape:
        _broadcast_shape(a._data.shape, b._data.shape)


def _same_dtype(a, b, what="m1 and m2"):
    if a.dtype is not b.dtype:
        raise error("same_dtype", what=what, a=_dtype.C_NAMES[a.dtype], b=_dtype.C_NAMES[b.dtype])


def _check_matrices(a, b, name):
    if a.ndim != 2:
        raise error("mm_not_matrix", a, which="self")
    if b.ndim != 2:
        raise error("mm_not_matrix", b, which="mat2")
    if a.shape[1] != b.shape[0]:
        raise error("mm_shapes", m=a.shape[0], k1=a.shape[1], k2=b.shape[0], n=b.shape[1])
    _same_dtype(a, b)  # PyTorch's mm says "expected m1 and m2 to have the same dtype"


def matmul(a, b):
    """``torch.matmul``: picks dot, mv, mm or bmm, and records what PyTorch records."""
    if a.ndim == 0 or b.ndim == 0:
        raise error("matmul_0d", a=a.ndim, b=b.ndim)
    if a.ndim == 1 and b.ndim == 1:
        return a.dot(b)
    if a.ndim == 2 and b.ndim == 1:
        return a.mv(b)
    if a.ndim == 1 and b.ndim == 2:
        if a.shape[0] != b.shape[0]:
            raise error("mm_shapes", m=1, k1=a.shape[0], k2=b.shape[0], n=b.shape[1])
        out = apply(ops.squeeze_matmul, a.unsqueeze(0).mm(b), dim=(0,))
        out._bump()
        return out
    if a.ndim == 2 and b.ndim == 2:
        return a.mm(b)
    if a.ndim == 3 and b.ndim == 3:  # a batch of one that requires grad: PyTorch squeezes it
        if a.shape[0] == 1 and b.shape[0] != 1 and a._requires_grad:
            a = a.squeeze(0)
        elif b.shape[0] == 1 and a.shape[0] != 1 and b._requires_grad:
            b = b.squeeze(0)
    if _should_fold(a, b):
        return _folded(a, b)
    return _batched(a, b)


def _should_fold(a, b):
    """PyTorch's choice (``should_fold`` in its matmul): fold the batch dims of the larger tensor
    into matrix rows and call mm/mv, when that needs no copy or the smaller one requires grad."""
    big, small = (a, b) if a.ndim >= b.ndim else (b.mT, a)
    if not (big.ndim >= 3 and small.ndim <= 2):
        return False
    if small._requires_grad:
        return True
    if a.ndim == 2:
        return False
    if big._data.size == 0:
        return True
    shape, strides = big._data.shape, big._data.strides
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(big.ndim - 1))


def _folded(a, b):
    transpose = b.ndim > a.ndim
    t1 = b.mT if transpose else a
    t2 = (a.t() if a.ndim == 2 else a) if transpose else b
    shape = t1.shape[:-1]
    rows = numel_of(shape)
    folded = t1.reshape(rows, t1.shape[-1])
    if t2.ndim == 2:
        out = apply(ops.unsafe_view, folded.mm(t2), shape=(*shape, t2.shape[1]))
        return out.mT.contiguous() if transpose else out
    return apply(ops.unsafe_view, folded.mv(t2), shape=tuple(shape))


def _batched(a, b):
    """Batches on both sides (or a vector/matrix against a batch that can't fold): expand both
    to the broadcast batch shape, flatten the batch, bmm, view back (PyTorch's steps)."""
    n = a.shape[-2] if a.ndim > 1 else 1
    m1 = a.shape[-1]
    m2 = b.shape[-2] if b.ndim > 1 else b.shape[0]
    p = b.shape[-1] if b.ndim > 1 else 1
    batch = _broadcast_shape(a.shape[:max(a.ndim - 2, 0)], b.shape[:max(b.ndim - 2, 0)])
    count = numel_of(batch)
    a3 = a.expand(*batch, n, m1).reshape(count, n, m1)
    if b.ndim == 1:
        b3 = b.expand(*batch, m2).reshape(count, m2).unsqueeze(2)
    else:
        b3 = b.expand(*batch, m2, p).reshape(count, m2, p)
    shape = batch + ((n,) if a.ndim > 1 else ()) + ((p,) if b.ndim > 1 else ())
    out = a3.bmm(b3)
    if b.ndim == 1:
        out = out.squeeze(-1)
    return apply(ops.unsafe_view, out, shape=shape)


def numel_of(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _tensor_list(tensors, name):
    if isinstance(tensors, _t.Tensor):
        raise error("tensors_not_sequence", fn=name, type="Tensor")
    tensors = list(tensors)
    if not tensors:
        raise error("stack_empty") if name == "stack" else error("empty_tensor_list", fn=name)
    for t in tensors:
        if not isinstance(t, _t.Tensor):
            raise error("tensor_list_item", index=tensors.index(t), type=type(t).__name__)
    return tensors


def cat(tensors, dim=0):
    """``torch.cat``: join tensors along an existing dimension (``CatBackward0``). As PyTorch's
    legacy rule has it, a 1-D empty tensor joins anything: it is skipped, though still an input."""
    tensors = _tensor_list(tensors, "cat")
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise error("cat_0d", index=i)
    joined = [(i, t) for i, t in enumerate(tensors) if t.shape != (0,)] or [(0, tensors[0])]
    first = joined[0][1]
    d = first._dim(dim)
    for i, t in joined[1:]:
        if t.ndim != first.ndim:
            raise error("cat_ndim", a=first.ndim, b=t.ndim)
        for axis, (a, b) in enumerate(zip(first.shape, t.shape)):
            if axis != d and a != b:
                raise error("cat_sizes", dim=d, a=a, b=b, index=i, axis=axis)
    return apply(ops.cat, *tensors, dim=d)


def stack(tensors, dim=0):
    """``torch.stack``: join tensors along a new dimension (``StackBackward0``)."""
    tensors = _tensor_list(tensors, "stack")
    for i, t in enumerate(tensors[1:], start=1):
        if t.shape != tensors[0].shape:
            raise error("stack_sizes", first=list(tensors[0].shape), other=list(t.shape), index=i)
    ndim = tensors[0].ndim + 1
    if not -ndim <= dim < ndim:
        raise error("dim_out_of_range", tensors[0], low=-ndim, high=ndim - 1, dim=dim)
    return apply(ops.stack, *tensors, dim=dim % ndim)


def where(condition, input, other):
    """``torch.where(condition, input, other)``: elementwise choice (``WhereBackward0``)."""
    if not isinstance(condition, _t.Tensor) or condition.dtype is not _dtype.bool_:
        raise error("where_condition", legacy=_dtype.LEGACY_NAMES[condition.dtype]
                    if isinstance(condition, _t.Tensor) else type(condition).__name__)
    shapes = [x._data.shape for x in (condition, input, other) if isinstance(x, _t.Tensor)]
    shape = functools.reduce(_broadcast_shape, shapes)
    return apply(ops.where, input, other, condition=np.broadcast_to(condition._data, shape))


class FunctionalMethods:
    """Tensor methods that front a function: reductions, matrix products, remainder/fmod (``%``),
    norm, softmax, multinomial."""

    __slots__ = ()

    def _modulo(self, other, by_scalar, by_tensor, floor=False):
        if isinstance(other, _t.Tensor):
            _check_broadcast(self, other)
            _check_divisor(self, other, floor)
            return apply(by_tensor, self, other)
        if not isinstance(other, numbers.Number):
            return NotImplemented
        _check_divisor(self, other, floor)
        return apply(by_scalar, self, other=other)

    def _reversed(self, number, op, floor):
        """``number % tensor``, ``number // tensor``: a node without a derivative in PyTorch."""
        if not isinstance(number, numbers.Number):
            return NotImplemented
        _check_divisor(number, self, floor)
        return apply(op, self, base=number)

    def remainder(self, other):
        """``a % b``, with the sign of b (Python's and PyTorch's ``%``)."""
        return self._modulo(other, ops.remainder_scalar, ops.remainder)

    __mod__ = remainder

    def __rmod__(self, other):
        return self._reversed(other, ops.rremainder, floor=False)

    def floor_divide(self, other):
        """``a // b``: a / b rounded down (Python's ``//``). PyTorch records it, with no gradient."""
        if isinstance(other, _t.Tensor) and self.dtype is _dtype.bool_ and other.dtype is _dtype.bool_:
            raise error("floor_divide_bool", self)
        return self._modulo(other, ops.floor_divide_scalar, ops.floor_divide, floor=True)

    __floordiv__ = floor_divide

    def __rfloordiv__(self, other):
        return self._reversed(other, ops.rfloor_divide, floor=True)

    def fmod(self, other):
        """The remainder with the sign of a (C's fmod)."""
        return self._modulo(other, ops.fmod_scalar, ops.fmod)

    def multinomial(self, num_samples, replacement=False, *, generator=None):
        from .random import multinomial
        return multinomial(self, num_samples, replacement, generator=generator)

    def softmax(self, dim=None, dtype=None):
        if dim is None:  # the method has no implicit dim (F.softmax warns and picks one)
            raise error("softmax_dim", name="softmax")
        from .nn.functional import softmax
        return softmax(self, dim, dtype=dtype)

    def log_softmax(self, dim=None, dtype=None):
        if dim is None:
            raise error("softmax_dim", name="log_softmax")
        from .nn.functional import log_softmax
        return log_softmax(self, dim, dtype=dtype)

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        return linalg.tensor_norm(self, p, dim, keepdim, dtype)

    # -- reductions ----------------------------------------------------------------------------
    def _dims(self, dim):
        """A reduction's dims, sorted: PyTorch's errors for a repeat; a 0-d tensor takes dim 0 or
        -1 and reduces nothing (its result is itself); ``dim=()`` reduces every dim."""
        dims = (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
        found = []
        for d in dims:
            d = self._dim(d)
            if d in found:
                raise error("dim_repeated", self, dim=d)
            found.append(d)
        if not self._data.ndim:
            return ()
        return tuple(sorted(found)) if found else tuple(range(self._data.ndim))

    def sum(self, dim=None, keepdim=False, dtype=None):
        t = self if dtype is None else self.to(dtype)
        if dim is None:
            return _sum_all(t)
        return apply(ops.sum_dim, t, dim=t._dims(dim), keepdim=keepdim)

    def mean(self, dim=None, keepdim=False, dtype=None):
        t = self if dtype is None else self.to(dtype)
        if not t.dtype.is_floating_point:
            raise error("mean_int", self, legacy=_dtype.LEGACY_NAMES[t.dtype])
        if dim is None:
            return _mean_all(t)
        return apply(ops.mean_dim, t, dim=t._dims(dim), keepdim=keepdim)

    def cumsum(self, dim, dtype=None):
        """The running sum along ``dim`` (``CumsumBackward0``)."""
        return apply(ops.cumsum, self, dim=self._dim(dim), dtype=None if dtype is None else dtype.np)

    def flip(self, *dims):
        """The order reversed along each of ``dims`` (a copy, as in PyTorch: ``FlipBackward0``)."""
        if len(dims) == 1 and isinstance(dims[0], (list, tuple)):
            dims = tuple(dims[0])
        return apply(ops.flip, self, dims=self._dims(dims) if dims else ())

    def outer(self, vec2):
        """The outer product of two vectors: PyTorch's ``self.reshape(-1, 1) * vec2``."""
        for name, v in (("self", self), ("vec2", vec2)):
            if v.ndim != 1:
                raise error("outer_1d", v, arg=name, ndim=v.ndim)
        return self.reshape(-1, 1) * vec2

    def narrow(self, dim, start, length):
        """``length`` elements from ``start`` along ``dim``: a view (PyTorch records a slice)."""
        d = self._dim(dim)
        size = self._data.shape[d]
        if length < 0:
            raise error("narrow_length", self)
        if not -size <= start <= size:
            raise error("narrow_start", self, low=-size, high=size, start=start, size=size, dim=d)
        if start < 0:
            start += size
        if start + length > size:
            raise error("narrow_end", self, start=start, length=length, size=size, dim=d,
                        room=size - start)
        return self[(slice(None),) * d + (slice(start, start + length),)]

    def tril(self, diagonal=0):
        return self._triangle(ops.tril, diagonal)

    def triu(self, diagonal=0):
        return self._triangle(ops.triu, diagonal)

    def _triangle(self, op, diagonal):
        if self._data.ndim < 2:
            raise error("tril_dims", self, name=op.name, ndim=self._data.ndim)
        return apply(op, self, diagonal=int(diagonal))

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return self._spread(ops.var, dim, unbiased, keepdim, correction)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return self._spread(ops.std, dim, unbiased, keepdim, correction)

    def _spread(self, op, dim, unbiased, keepdim, correction):
        """var/std's signatures: ``(unbiased)``, ``(dim, unbiased, keepdim)``, ``correction=``;
        unbiased (the default) is correction=1, Bessel's; dim=None reduces every dimension."""
        if isinstance(dim, bool):  # x.var(False): the unbiased flag, not a dim
            dim, unbiased = None, dim
        if correction is None:
            correction = 0 if unbiased is False else 1
        if not self.dtype.is_floating_point:
            raise error("var_int", self)
        dims = tuple(range(self._data.ndim)) if dim is None else self._dims(dim)
        n = int(np.prod([self._data.shape[d] for d in dims]))
        if n - correction <= 0:
            warnings.warn(f"{op.name}(): degrees of freedom is <= 0. Correction should be strictly less than "
                          "the reduction factor (input numel divided by output numel).", UserWarning, stacklevel=3)
        return apply(op, self, dim=dims, correction=correction, keepdim=keepdim)

    def data_ptr(self) -> int:
        """The address of the first element (views of one tensor share its memory)."""
        return self._data.__array_interface__["data"][0]

    def _extreme(self, dim, keepdim, which):
        if isinstance(dim, _t.Tensor):
            return self.maximum(dim) if which == "max" else self.minimum(dim)
        if dim is None:
            if self._data.size == 0:
                raise error("reduce_empty", self, op=which)
            return apply(ops.max_all if which == "max" else ops.min_all, self)
        d = self._nonempty(which, dim)
        find = np.argmax if which == "max" else np.argmin
        if self._data.ndim == 0:  # a 0-d tensor is its own max over dim 0, at index 0
            indices, keepdim = np.zeros((), np.int64), False
        else:
            indices = find(self._data, axis=d)
        values = apply(ops.max_dim if which == "max" else ops.min_dim, self, dim=d, keepdim=keepdim,
                       indices=indices)
        idx = _t.Tensor._make(np.expand_dims(indices, d) if keepdim else indices)
        return MinMax(which, values, idx)

    def amax(self, dim=(), keepdim=False):
        """The largest value over ``dim`` (every dim when ``()``); ties share the gradient."""
        return self._amax_amin(dim, keepdim, ops.amax)

    def amin(self, dim=(), keepdim=False):
        return self._amax_amin(dim, keepdim, ops.amin)

    def _amax_amin(self, dim, keepdim, op):
        given = (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
        dims = self._dims(given)
        if self._data.size == 0:
            if not given:
                raise error("reduce_empty", self, op=op.name)
            for d in given:  # (PyTorch names the dim as it was passed)
                if self._data.shape[self._dim(d)] == 0:
                    raise error("reduce_empty_dim", self, op=op.name, dim=d)
        return apply(op, self, dim=dims, keepdim=keepdim)

    def max(self, dim=None, keepdim=False):
        return self._extreme(dim, keepdim, "max")

    def min(self, dim=None, keepdim=False):
        return self._extreme(dim, keepdim, "min")

    def _nonempty(self, which, dim):
        """PyTorch's IndexError for an arg/max/min over an empty dim (or all of an empty tensor)."""
        if dim is None:
            if self._data.size == 0:
                raise error("arg_reduce_empty", self, op=which)
            return None
        d = self._dim(dim)
        if self._data.ndim and self._data.shape[d] == 0:
            raise error("reduce_empty_dim", self, op=which, dim=d)
        return d

    def argmax(self, dim=None, keepdim=False):
        if self._nonempty("argmax", dim) is None:
            return _t.Tensor._make(np.asarray(np.argmax(self._data)))
        return _t.Tensor._make(np.argmax(self._data, axis=self._dim(dim), keepdims=keepdim))

    def argmin(self, dim=None, keepdim=False):
        if self._nonempty("argmin", dim) is None:
            return _t.Tensor._make(np.asarray(np.argmin(self._data)))
        return _t.Tensor._make(np.argmin(self._data, axis=self._dim(dim), keepdims=keepdim))

    # -- matrix products -----------------------------------------------------------------------
    def matmul(self, other):
        return matmul(self, other)

    def mm(self, other):
        autograd_first(ops.mm, self, other)
        _check_matrices(self, other, "mm")
        return apply(ops.mm, self, other)

    def mv(self, vec):
        autograd_first(ops.mv, self, vec)
        if self.ndim != 2 or vec.ndim != 1:
            raise error("mv_dims", self, a=self.ndim, b=vec.ndim)
        if self.shape[1] != vec.shape[0]:
            raise error("mv_size", self, m=self.shape[0], k=self.shape[1], n=vec.shape[0])
        if self.dtype is not vec.dtype:  # PyTorch's mv is addmv(vec-typed input, mat, vec)
            raise error("addmv_dtype", self, a=_dtype.LEGACY_NAMES[vec.dtype],
                        b=_dtype.LEGACY_NAMES[self.dtype])
        return apply(ops.mv, self, vec)

    def dot(self, other):
        autograd_first(ops.dot, self, other)
        if self.ndim != 1 or other.ndim != 1:
            raise error("dot_dims", self, a=self.ndim, b=other.ndim)
        if self.dtype is _dtype.bool_ and other.dtype is _dtype.bool_:
            raise error("dot_bool", self)
        if self.dtype is not other.dtype:
            raise error("dot_dtype", self, a=_dtype.LEGACY_NAMES[self.dtype], b=_dtype.LEGACY_NAMES[other.dtype])
        if self.shape[0] != other.shape[0]:
            raise error("dot_size", self, a=self.shape[0], b=other.shape[0])
        return apply(ops.dot, self, other)

    def bmm(self, other):
        autograd_first(ops.bmm, self, other)
        if self.ndim != 3:
            raise error("bmm_not_3d", self, which="batch1", ndim=self.ndim)
        if other.ndim != 3:
            raise error("bmm_not_3d", other, which="batch2", ndim=other.ndim)
        if other.shape[0] != self.shape[0] or other.shape[1] != self.shape[2]:
            raise error("bmm_sizes", batch=self.shape[0], k=self.shape[2], got=other.shape[1],
                        got_batch=other.shape[0])
        if self.dtype is not other.dtype:
            raise error("scalar_type", self, a=_dtype.LEGACY_NAMES[self.dtype],
                        b=_dtype.LEGACY_NAMES[other.dtype])
        return apply(ops.bmm, self, other)
