"""Views and in-place writes: the Tensor methods whose result shares memory with the tensor.

Views (indexing, ``view``/``reshape``, ``expand``, ``transpose``, ...) share their base's data and
version counter (``gradlab._record`` links them); in-place ops (``add_``, ``x[i] = v``, ...)
compute out of place, write the result into the tensor's memory, bump the version and rebase the
tensor's history as PyTorch does, including a write through a view into its base.
"""
from __future__ import annotations

import builtins
import numbers
import warnings

import numpy as np

from . import _dtype, ops
from ._functional import _broadcast_shape, _check_divisor, _check_sub
from ._record import record as apply
from .autograd.grad_mode import _state
from .autograd.graph import make_node
from .errors import error

from . import _tensor as _t  # noqa: E402  (Tensor itself: imported while _tensor loads)


class ViewMethods:
    """Tensor methods that make views (and ``clone``/``reshape``, which may not)."""

    __slots__ = ()

    def _shape_arg(self, shape):
        if len(shape) == 1 and not isinstance(shape[0], numbers.Integral):
            shape = tuple(shape[0])
        shape = tuple(int(s) for s in shape)
        if shape.count(-1) > 1:
            raise error("one_inferred_dim", self)
        known = int(np.prod([s for s in shape if s != -1]))
        n = self._data.size
        if -1 in shape:
            if n == 0 and known == 0:
                raise error("reshape_ambiguous", self, target=list(shape))
            if known == 0 or n % known:
                raise error("shape_invalid", self, target=list(shape), numel=n)
            shape = tuple(n // known if s == -1 else s for s in shape)
        elif known != n:
            raise error("shape_invalid", self, target=list(shape), numel=n)
        return shape

    def view(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
            raise error("view_dtype", self)
        if len(shape) == 1 and isinstance(shape[0], float):
            raise error("view_float", self)
        shape = self._shape_arg(shape)
        if not self._data.flags.c_contiguous and self._data.size > 1 and shape != self.shape:
            try:  # PyTorch views whenever the strides fit the new shape
                np.reshape(self._data, shape, copy=False)
            except ValueError:
                raise error("view_noncontiguous", self) from None
        return apply(ops.view, self, shape=shape)

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], float):
            raise error("shape_not_ints", self, fn="reshape", type="float")
        shape = self._shape_arg(shape)
        if self._data.flags.c_contiguous or self._data.size <= 1:
            return apply(ops.view, self, shape=shape)
        try:  # strides that fit the new shape: PyTorch makes another view, _reshape_alias
            np.reshape(self._data, shape, copy=False)
        except ValueError:
            return apply(ops.unsafe_view, self.clone(), shape=shape)  # PyTorch: clone, then view
        return apply(ops.reshape_alias, self, shape=shape)

    def flatten(self, start_dim=0, end_dim=-1):
        if self._data.ndim == 0:
            return self.reshape(1)
        s, e = self._dim(start_dim), self._dim(end_dim)
        shape = self.shape
        return self.reshape(*shape[:s], -1, *shape[e + 1:]) if s < e else self

    def view_as(self, other):
        return self.view(other.shape)

    def reshape_as(self, other):
        return self.reshape(other.shape)

    def expand(self, *shape):
        if len(shape) == 1 and not isinstance(shape[0], numbers.Integral):
            shape = tuple(shape[0])
        lead = len(shape) - self._data.ndim
        if lead < 0:
            raise error("expand_fewer_sizes", self, legacy=_dtype.LEGACY_NAMES[self.dtype],
                        sizes=list(self.shape), size=list(shape), nsizes=len(shape), ndim=self._data.ndim)
        for i, s in enumerate(shape[:lead]):
            if s == -1:
                raise error("expand_leading_minus_one", self, dim=i)
        shape = tuple(self._data.shape[i - lead] if s == -1 and i >= lead else s
                      for i, s in enumerate(shape))
        for i, s in enumerate(shape):
            if s < 0 and (i < lead or self._data.shape[i - lead] == 1):
                raise error("expand_negative", self, size=list(shape))
        _broadcast_shape(self._data.shape, shape, "expanded size", "existing size", target=True)
        return apply(ops.expand, self, shape=shape)

    def expand_as(self, other):
        return self.expand(other.shape)

    def transpose(self, dim0, dim1):
        return apply(ops.transpose, self, dim0=self._dim(dim0), dim1=self._dim(dim1))

    def t(self):
        if self._data.ndim > 2:
            raise error("t_ndim", self, ndim=self._data.ndim)
        return apply(ops.t, self)

    @property
    def T(self):
        return self.permute(tuple(reversed(range(self._data.ndim))))

    @property
    def mT(self):
        if self._data.ndim < 2:
            if self._data.ndim == 0:
                return apply(ops.alias, self)
            raise error("mT_ndim", self, ndim=self._data.ndim)
        return self.transpose(-2, -1)

    def permute(self, *dims):
        if len(dims) == 1 and not isinstance(dims[0], numbers.Integral):
            dims = tuple(dims[0])
        if len(dims) != self._data.ndim:
            raise error("permute_ndim", self, ndim=self._data.ndim, n=len(dims))
        dims = tuple(self._dim(d) for d in dims)
        if len(set(dims)) != len(dims):
            raise error("permute_repeated", self)
        return apply(ops.permute, self, dims=dims)

    def unsqueeze(self, dim):
        ndim = self._data.ndim + 1
        if not -ndim <= dim < ndim:
            raise error("dim_out_of_range", self, low=-ndim, high=ndim - 1, dim=dim)
        return apply(ops.unsqueeze, self, dim=dim % ndim)

    def squeeze(self, dim=None):
        if dim is None:
            dims = tuple(i for i, s in enumerate(self._data.shape) if s == 1)
        else:
            d = self._dim(dim)
            dims = (d,) if self._data.ndim and self._data.shape[d] == 1 else ()
            return apply(ops.squeeze, self, dim=dims)
        return apply(ops.squeeze_all, self, dim=dims)

    def clone(self):
        if self._counter is None and not _state.inference:
            # An inference tensor's clone outside the mode is PyTorch's empty_like + copy_: a normal
            # tensor, at version 1, whose copy_ is recorded (CopyBackwards) when grad is wanted.
            return _t.Tensor._make(np.empty_like(self._data)).copy_(self)
        return apply(ops.clone, self)

    def split(self, split_size_or_sections, dim=0):
        """Pieces of ``split_size`` along ``dim`` (the last one shorter), or of the given sizes."""
        d = self._dim(dim)
        length = self._data.shape[d]
        if isinstance(split_size_or_sections, numbers.Integral):
            size = int(split_size_or_sections)
            if size < 0:
                raise error("split_size_negative", self, size=size)
            if size == 0 and length:
                raise error("split_size_zero", self, length=length)
            sizes = [min(size, length - start) for start in range(0, length, size)] if size else [0]
            return self._pieces(ops.split, sizes, d)
        sizes = [int(s) for s in split_size_or_sections]
        if any(s < 0 for s in sizes):
            raise error("split_sizes_negative", self, sizes=sizes)
        if sum(sizes) != length:
            raise error("split_sizes_sum", self, sizes=sizes, dim=d, length=length)
        return self._pieces(ops.split_with_sizes, sizes, d)

    def chunk(self, chunks, dim=0):
        """``chunks`` pieces of equal size along ``dim`` (the last may be smaller, or fewer pieces)."""
        if chunks <= 0:
            raise error("chunk_count", self, chunks=chunks)
        d = self._dim(dim)
        length = self._data.shape[d]
        if length == 0:  # PyTorch: that many empty pieces
            return self._pieces(ops.split, [0] * chunks, d)
        return self.split(-(-length // chunks), d)

    def _pieces(self, op, sizes, d):
        pieces, start = [], 0
        for size in sizes:
            pieces.append(apply(op, self, key=(slice(None),) * d + (slice(start, start + size),)))
            start += size
        return tuple(pieces)

    # -- indexing ---------------------------------------------------------------------------------
    def __getitem__(self, key):
        key = _ranges_as_lists(key)
        if isinstance(key, slice):  # a lone slice is always recorded, even a full one
            return self._slice(key, 0)
        if not isinstance(key, tuple):
            key = (key,)
        _check_key(key)
        if any(_is_advanced(k) for k in key):
            return self._index(_as_index(key))
        if self._data.ndim == 0 and any(isinstance(k, numbers.Integral) for k in key):
            raise error("index_0d", self)
        t, dim = self, 0
        expanded = _expand_ellipsis(key, self._data.ndim)
        # PyTorch's out-of-range message names the integer's position in the key, not a tensor dim
        positions = iter([p for p, k in enumerate(key)
                          if k is not None and k is not Ellipsis and not isinstance(k, slice)])
        for k in expanded:
            if k is None:
                t = apply(ops.unsqueeze, t, dim=dim)
                dim += 1
            elif isinstance(k, slice):
                size = t._data.shape[dim]
                start, stop, step = k.indices(size)
                # a no-op slice is skipped; on an empty dim PyTorch still records one from 1:
                if (start, stop, step) != (0, size, 1) or (size == 0 and k.start not in (None, 0)):
                    t = t._slice(k, dim)
                dim += 1
            else:
                i, position = int(k), next(positions)
                size = t._data.shape[dim]
                if not -size <= i < size:
                    raise error("index_out_of_bounds", self, index=i, dim=position, size=size, last=size - 1)
                t = apply(ops.select, t, key=(slice(None),) * dim + (i,))
        return apply(ops.alias, t) if t is self else t  # every index was a no-op

    def _slice(self, k, dim):
        if self._data.ndim == 0:
            raise error("slice_0d", self)
        if k.step == 0:
            raise error("slice_step_zero", self)
        if k.step is not None and k.step <= 0:
            raise error("slice_step", self)
        return apply(ops.slice, self, key=(slice(None),) * dim + (k,))

    def _index(self, key):
        """Advanced indexing (integer arrays, boolean masks): ``IndexBackward0``."""
        _check_masks(self, key)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                np.empty(self._data.shape, dtype=bool)[key]
        except IndexError as e:
            raise error("advanced_index", self, message=str(e).replace("axis", "dimension")) from None
        return apply(ops.index, self, key=key)


class InPlaceMethods:
    """Tensor methods that write into the tensor's own memory."""

    __slots__ = ()

    def __setitem__(self, key, value):
        key = _ranges_as_lists(key)
        _check_key(key if isinstance(key, tuple) else (key,))
        if not isinstance(value, (_t.Tensor, numbers.Number)):
            raise error("assign_type", self, type=type(value).__name__,
                        legacy=_dtype.LEGACY_NAMES[self.dtype])
        if (_state.enabled and self.grad_fn is None and self._requires_grad
                and getattr(self, "_creation", None) is None):
            parts = key if isinstance(key, tuple) else (key,)  # only `:`, `...`, indices: no view
            viewless = all((_is_advanced(k) and not _makes_view(k)) or k is Ellipsis
                           or k == slice(None) for k in parts)
            raise error("leaf_inplace" if viewless else "leaf_view_inplace", self)
        parts = key if isinstance(key, tuple) else (key,)
        if all(k is Ellipsis or (isinstance(k, slice) and k == slice(None)) for k in parts):
            if isinstance(value, _t.Tensor):  # all of self is written: copy_, as in PyTorch
                shape = _broadcast_shape(value._data.shape, self._data.shape, target=True)
                if shape != self._data.shape:
                    raise error("inplace_shape", self, out=list(self.shape), broadcast=list(shape))
                return self._inplace(ops.copy, value)
            return self._inplace(ops.fill_tensor, value=value, copies_a_number=True)
        if _state.enabled and self._requires_grad and getattr(self, "_creation", None) is not None:
            written = _written_through(self._data.shape, parts)
            if written is not None:  # a view of this view, made in grad mode, is what changes
                raise _t.view_rebase_error(self._creation, "is being", written)
        if type(self._counter) is _t.DetachedInference and not _state.inference and (
                not _is_index_put(key) or any(_makes_view(k) for k in parts)):
            raise error("inference_inplace", self)  # PyTorch writes through a view: an inference tensor
        op = ops.index_put if _is_index_put(key) else ops.copy_slices
        if op is ops.copy_slices and self._base is not None and _overlaps(self._data) and not any(
                _is_advanced(k) for k in parts):
            # A view that repeats elements (expand): write only the region, as PyTorch does
            # (self[key].copy_(value)): the region itself may repeat none.
            region = self[key]
            if isinstance(value, _t.Tensor):
                return region.copy_(value)
            return region._inplace(ops.fill, value=value, copies_a_number=True)
        key = _as_index(key)
        if op is ops.copy_slices and isinstance(value, _t.Tensor) and not any(
                _is_advanced(k) for k in (key if isinstance(key, tuple) else (key,))):
            if _partial_overlap(self._data[key], value._data):  # PyTorch: self[key].copy_(value)
                raise error("partial_overlap")
        try:
            target = np.empty(self._data.shape, dtype=bool)[key].shape
        except IndexError as e:
            raise error("advanced_index", self, message=str(e).replace("axis", "dimension")) from None
        if isinstance(value, _t.Tensor) and value._data.ndim > 0:
            vshape = value._data.shape
            if op is ops.index_put:
                try:
                    np.broadcast_shapes(vshape, target)
                except ValueError:
                    raise error("index_put_shape", self, value=list(vshape),
                                result=list(target)) from None
            else:  # PyTorch drops the value's leading 1s, then expands it to the slice
                while len(vshape) > len(target) and vshape[0] == 1:
                    vshape = vshape[1:]
                if len(vshape) > len(target):
                    raise error("expand_fewer_sizes", value, legacy=_dtype.LEGACY_NAMES[value.dtype],
                                sizes=list(vshape), size=list(target), nsizes=len(target),
                                ndim=len(vshape))
                _broadcast_shape(vshape, target, target=True)
        self._inplace(op, value, key=key)

    def _inplace(self, op, *others, copies_a_number=False, **params):
        """Compute ``op`` out of place, write the result into this tensor's memory, and (when
        recording) make the new node this tensor's ``grad_fn``, as PyTorch rebases history.
        ``copies_a_number``: ``t[key] = number``, which PyTorch writes with copy_, and copy_
        (unlike fill_) refuses a tensor that repeats elements."""
        if len(others) == 1 and not params and self._write_plainly(op, others[0]):
            return self
        # PyTorch writes into an inference tensor outside inference_mode, then refuses
        outside = self._counter is None and not _state.inference
        recording = _state.enabled and (self._requires_grad or any(
            isinstance(o, _t.Tensor) and o._requires_grad for o in others))
        base = self._base
        if recording:  # PyTorch's check_inplace
            if base is not None:
                if self._creation is not None:
                    raise _t.view_rebase_error(self._creation, "is being", self.grad_fn)
                if self._requires_grad and base.grad_fn is None:
                    raise error("leaf_view_inplace", self)
            elif self.grad_fn is None and self._requires_grad:
                raise error("leaf_inplace", self)
        region = None  # where to write, when not everywhere
        if ((op not in _FILLS or copies_a_number) and not (op is ops.copy and others[0] is self)
                and (base is not None or self._data.flags.writeable) and _overlaps(self._data)):
            if op is not ops.index_put:  # (one value everywhere is well defined: PyTorch fills)
                raise error("overlapping_write")  # (gradlab's read-only gradients are copied below)
            region = params["key"]  # PyTorch writes just the indexed elements, and warns
            _warn_expanded_index_put(region, others[0])
        if op is not ops.copy_slices and op is not ops.index_put:  # (setitem checks its region)
            for o in others:
                if isinstance(o, _t.Tensor) and _partial_overlap(self._data, o._data):
                    raise error("partial_overlap")
        if not self._data.flags.writeable and base is None:
            self._data = self._data.copy()  # a gradient's broadcast array: its own memory now
        if not recording:
            base = None
        if not recording and op.inplace_ufunc and self._write_into(op, others):
            if outside:
                raise error("inference_inplace", self)
            return self
        before = self
        if recording and "self" in op.saves:  # the rule needs the old value: keep a copy of it
            before = _t.Tensor._make(self._data.copy(), self._requires_grad, self.grad_fn)
            before._accumulator = self._accumulator
        if base is not None and self._requires_grad:
            # PyTorch's CopySlices sends the gradient of the view's elements to the base's history,
            # not through the view's own nodes (whose hooks, a retained grad, never run then).
            before = _t.Tensor._make(before._data, True)
            before.grad_fn = make_node(ops.as_strided, (base,), before, {"chain": self._view_chain})
        result = apply(op, before, *others, **params)
        if not np.can_cast(result._data.dtype, self._data.dtype, casting="same_kind"):
            raise error("inplace_cast", self, result=_dtype.LEGACY_NAMES[result.dtype],
                        target=_dtype.LEGACY_NAMES[self.dtype])
        if result._data.shape != self._data.shape:
            raise error("inplace_shape", self, out=list(self.shape), broadcast=list(result.shape))
        if region is None:
            self._data[...] = result._data
        else:
            self._data[region] = result._data[region]
        if outside:
            raise error("inference_inplace", self)
        self._bump()
        if base is not None and result.grad_fn is not None:
            self._rebase_view(base, result)
        elif result.grad_fn is not None:
            old = self.grad_fn
            self.grad_fn = result.grad_fn
            self._requires_grad = True
            self._move_retain_hook(old, result.grad_fn)
        return self

    def _rebase_view(self, base, values):
        """After an in-place op on this view: the base's history now ends in CopySlices (its old
        history, with this view's elements replaced by ``values``), and this view reads its
        elements back from the new base (AsStridedBackward0), as PyTorch records it. Other views
        of the base follow when next read (``View.grad_fn``)."""
        old = _t.Tensor._make(base._data, base._requires_grad, base.grad_fn)
        old._accumulator = base._accumulator
        previous = base.grad_fn
        base.grad_fn = make_node(ops.copy_slices_view, (old, values), base,
                                 {"chain": self._view_chain})
        base._requires_grad = True
        base._move_retain_hook(previous, base.grad_fn)
        self._regenerate(base)

    def _write_plainly(self, op, other):
        """The optimizer's step (``p -= lr * p.grad`` under no_grad) without ``_inplace``'s
        checks, when none of them can apply: nothing is recorded, both are plain float tensors
        of one dtype and shape, and each owns its memory (two owners never overlap; the same
        array twice, ``p -= p``, is allowed)."""
        Tensor = _t.Tensor
        if type(self) is not Tensor or type(other) is not Tensor or not op.inplace_ufunc:
            return False
        data, value = self._data, other._data
        if (value.dtype is not data.dtype or data.dtype.kind != "f" or value.shape != data.shape
                or data.base is not None or value.base is not None or not data.flags.writeable
                or self._counter is None or other._counter is None):
            return False
        if _state.enabled and (self._requires_grad or other._requires_grad):
            return False
        op.forward(data, value, out=data)
        self._counter[0] += 1
        return True

    def _write_into(self, op, others):
        """Fast path (``p -= lr * p.grad`` under no_grad): run the ufunc straight into this
        tensor's memory, with no temporary, when dtype and shape already fit."""
        (other,) = others
        array = other._data if isinstance(other, _t.Tensor) else other
        if isinstance(other, _t.Tensor) and other._data.dtype != self._data.dtype:
            return False
        if not isinstance(array, (np.ndarray, float, int)) or isinstance(array, bool):
            return False
        if (isinstance(array, np.ndarray) and array.shape != self._data.shape
                and np.broadcast_shapes(array.shape, self._data.shape) != self._data.shape):
            return False
        if self._data.dtype.kind != "f" or not self._data.flags.writeable:
            return False
        op.forward(self._data, array, out=self._data)
        self._bump()
        return True

    def add_(self, other, alpha=1):
        if alpha != 1:
            return self._inplace(ops.add_alpha, other, alpha=alpha)
        return self._inplace(ops.add, other)

    def sub_(self, other, alpha=1):
        _check_sub(self, other)
        if alpha != 1:
            return self._inplace(ops.sub_alpha, other, alpha=alpha)
        return self._inplace(ops.sub, other)

    def mul_(self, other):
        return self._inplace(ops.mul, other)

    def div_(self, other):
        return self._inplace(ops.div, other)

    def pow_(self, exponent):
        return self._inplace(ops.pow_scalar, exponent=exponent)

    def clamp_(self, min=None, max=None):
        return self._inplace(ops.clamp, min=min, max=max)

    def zero_(self):
        if not (_state.enabled and self._requires_grad) and self._counter is not None:
            self._data[...] = 0  # nothing to record (``w.grad.zero_()``): write the zeros directly
            self._bump()
            return self
        return self._inplace(ops.zero)

    def fill_(self, value):
        return self._inplace(ops.fill, value=float(value) if isinstance(value, _t.Tensor) else value)

    def copy_(self, src):
        self[...] = src
        return self

    __iadd__ = add_
    __isub__ = sub_

    def _divide_(self, other, by_tensor, by_scalar, floor):
        _check_divisor(self, other, floor)
        if isinstance(other, _t.Tensor):
            return self._inplace(by_tensor, other)
        return self._inplace(by_scalar, other=other)

    def remainder_(self, other):
        return self._divide_(other, ops.remainder, ops.remainder_scalar, floor=False)

    def floor_divide_(self, other):
        return self._divide_(other, ops.floor_divide_inplace, ops.floor_divide_scalar_inplace,
                             floor=True)

    __imod__ = remainder_
    __ifloordiv__ = floor_divide_
    __imul__ = mul_
    __itruediv__ = div_


def _as_index(key):
    """A Python/tensor index as NumPy understands it."""
    if isinstance(key, _t.Tensor):
        return key._data
    if isinstance(key, tuple):
        return tuple(k._data if isinstance(k, _t.Tensor) else k for k in key)
    return key



def _check_masks(t, key):
    """PyTorch's error for a boolean mask whose shape doesn't fit the dims it covers (the
    dims left once integer indices have removed theirs)."""
    parts = key if isinstance(key, tuple) else (key,)
    shape = t._data.shape
    used = sum(np.ndim(k) if getattr(k, "dtype", None) == np.bool_ else 1
               for k in parts if k is not None and k is not Ellipsis)
    expanded = []
    for k in parts:
        expanded.extend([slice(None)] * (len(shape) - used) if k is Ellipsis else [k])
    ints = set()
    d = 0
    for k in expanded:
        if k is None:
            continue
        if isinstance(k, numbers.Integral) and not isinstance(k, bool):
            ints.add(d)
        d += np.ndim(k) if getattr(k, "dtype", None) == np.bool_ else 1
    indexed = [s for i, s in enumerate(shape) if i not in ints]
    d = r = 0
    for k in expanded:
        if k is None:
            continue
        if getattr(k, "dtype", None) == np.bool_ and np.ndim(k):
            for j, n in enumerate(np.shape(k)):
                if d + j >= len(shape):
                    return  # too many indices: NumPy's check below says so
                if n != shape[d + j]:
                    raise error("mask_shape", t, mask=list(np.shape(k)), mi=j, indexed=indexed,
                                ti=r + j)
            d += np.ndim(k)
            r += np.ndim(k)
        else:
            r += d not in ints
            d += 1


_FILLS = (ops.copy_slices, ops.fill, ops.fill_tensor, ops.zero)


def _overlaps(array):
    """PyTorch's internal-overlap test: a dim of stride 0 (from expand) with more than one element."""
    strides = array.strides
    return 0 in strides and array.size > 1 and any(
        st == 0 and n > 1 for st, n in zip(strides, array.shape))


def _warn_expanded_index_put(key, value):
    """PyTorch's index_put_ into a tensor with repeated elements warns (and writes); a bool mask
    with one value goes on to masked_fill_, which warns too."""
    warnings.warn("Use of index_put_ on expanded tensors is deprecated. Please clone() the tensor "
                  "before performing this operation. This also applies to advanced indexing e.g. "
                  "tensor[indices] = tensor", UserWarning, stacklevel=4)
    parts = key if isinstance(key, tuple) else (key,)
    size = value._data.size if isinstance(value, _t.Tensor) else 1
    if (len(parts) == 1 and isinstance(parts[0], np.ndarray) and parts[0].dtype == np.bool_
            and size == 1):
        warnings.warn("Use of masked_fill_ on expanded tensors is deprecated. Please clone() the "
                      "tensor before performing this operation. This also applies to advanced "
                      "indexing e.g. tensor[mask] = scalar", UserWarning, stacklevel=4)


def _partial_overlap(a, b):
    """PyTorch refuses an in-place op whose input shares some, not all, of the output's memory."""
    if not np.may_share_memory(a, b):
        return False
    same = (a.__array_interface__["data"][0] == b.__array_interface__["data"][0]
            and a.shape == b.shape and a.strides == b.strides)
    return not same and np.shares_memory(a, b)


def _ranges_as_lists(key):
    """PyTorch reads a ``range`` in a key as the sequence of its integers (``x[range(n), y]``)."""
    if isinstance(key, range):
        return list(key)
    if isinstance(key, tuple) and any(isinstance(k, range) for k in key):
        return tuple(list(k) if isinstance(k, range) else k for k in key)
    return key


def _check_key(key):
    """PyTorch's errors for what can't index: a float, a string, a float tensor."""
    for k in key:
        if isinstance(k, (numbers.Integral, slice, list, np.ndarray)) or k is None or k is Ellipsis:
            continue
        if isinstance(k, _t.Tensor):
            if k._data.dtype.kind == "f":
                raise error("index_tensor_type")
        elif isinstance(k, str):
            raise error("tensor_str")
        else:
            raise error("index_type", type=type(k).__name__)


def _is_advanced(k):
    return isinstance(k, (_t.Tensor, list, np.ndarray)) or (isinstance(k, bool))


def _makes_view(k):
    """A 0-d bool mask: PyTorch indexes through a view (unsqueeze(0), then the mask)."""
    return isinstance(k, _t.Tensor) and k._data.ndim == 0 and k._data.dtype == np.bool_


def _written_through(shape, parts):
    """What PyTorch's indexing writes ``t[key] = v`` into: the last view its basic parts make
    (``Select`` for an integer, ``Slice`` for a slice short of the whole dim, ``Unsqueeze`` for
    None or a 0-d mask), or None when it writes into ``t`` itself."""
    def dims_used(k):
        if k is None or k is Ellipsis or _makes_view(k) or isinstance(k, bool):
            return 0
        if isinstance(k, (_t.Tensor, np.ndarray)) and np.asarray(_array_of(k)).dtype == np.bool_:
            return np.ndim(_array_of(k))
        return 1
    name, dim = None, 0
    for k in parts:
        if k is Ellipsis:
            dim += len(shape) - builtins.sum(dims_used(p) for p in parts)
        elif k is None or _makes_view(k):
            name = "Unsqueeze"
        elif isinstance(k, slice):
            if dim < len(shape) and k.indices(shape[dim]) != (0, shape[dim], 1):
                name = "Slice"
        elif isinstance(k, numbers.Integral) and not isinstance(k, bool):
            name = "Select"
        dim += dims_used(k)
    return name


def _array_of(k):
    return k._data if isinstance(k, _t.Tensor) else k


def _is_index_put(key):
    """PyTorch writes ``y[key] = v`` with index_put_ on ``y`` itself (not into a view) when the
    key has advanced indices and otherwise only ``:`` and ``...``, which make no view."""
    key = key if isinstance(key, tuple) else (key,)
    if any(_makes_view(k) for k in key):
        return False
    return any(_is_advanced(k) for k in key) and all(
        _is_advanced(k) or k is Ellipsis or k == slice(None) for k in key)




def _expand_ellipsis(key, ndim):
    used = sum(1 for k in key if k is not None and k is not Ellipsis)
    if used > ndim:
        raise error("too_many_indices", ndim=ndim, used=used)
    out = []
    first = True
    for k in key:
        if k is Ellipsis:  # PyTorch lets a later `...` stand for no dims
            if first:
                out.extend([slice(None)] * (ndim - used))
            first = False
        else:
            out.append(k)
    if Ellipsis not in key:
        out.extend([slice(None)] * (ndim - used))
    return out


