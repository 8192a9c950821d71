"""``Tensor``: a NumPy array plus what autograd needs (``requires_grad``, ``grad``, ``grad_fn``).

Every differentiable method goes through ``apply``, which runs an op's forward from
``gradlab.ops`` and, when grad mode is on and an input requires grad, records a node for it.
"""
from __future__ import annotations

import functools
import numbers
import warnings

import numpy as np

from . import _device, _dtype, _repr, ops
from .errors import error
from ._dtype import Size, result_type
from .autograd.grad_mode import _state
from .autograd.graph import AccumulateGrad, make_node

_NONLEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
    "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
    "access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See "
    "github.com/pytorch/pytorch/pull/30531 for more information."
)


def _common_float(inputs):
    """The shared floating dtype of all tensor inputs, when promotion can't change it; else None."""
    target = None
    for x in inputs:
        if isinstance(x, Tensor):
            d = x._data.dtype
            if target is None:
                target = d
            elif d != target:
                return None
        elif type(x) is not float and type(x) is not int:
            return None
    return target if target is not None and target.kind == "f" else None


def apply(op, *inputs, **params):
    """Run ``op`` forward on tensors and Python numbers; record it if a gradient must flow."""
    if op.promote:
        target = _common_float(inputs) if not op.scalar else None  # the common case, fast
        if target is None:
            scalars = (params[op.scalar],) if op.scalar else ()
            dtype = result_type(*inputs, *scalars)
            if op.promote == "float" and not dtype.is_floating_point:
                dtype = _dtype.default_float
            target = dtype.np
        arrays = [x._data.astype(target, copy=False) if isinstance(x, Tensor) else np.asarray(x, target)
                  for x in inputs]
    else:
        arrays = [x._data if isinstance(x, Tensor) else x for x in inputs]
    data = op.forward(*arrays, **params)  # NumPy's overflow warnings are silenced in __init__
    if type(data) is not np.ndarray:
        data = np.asarray(data)
    out = Tensor._make(data)
    if op.view:
        base = inputs[0]
        out._counter = base._counter  # a view and its base see each other's in-place changes
        out._base = base._base if base._base is not None else base
        out._view_chain = base._view_chain + ((op, params),)
    if any(isinstance(x, Tensor) and x._requires_grad for x in inputs):
        if _state.enabled:
            out._requires_grad = True
            out.grad_fn = make_node(op, inputs, out, params)
            if _state.trace is not None:  # gradcheck wants every node's inputs, to check its rule
                _state.trace.append((out.grad_fn, inputs, params))
        else:  # would have been recorded: the diagrams draw where the graph was cut
            out._cut = "inference_mode" if _state.inference else "no_grad"
    return out


def _as_index(key):
    """A Python/tensor index as NumPy understands it."""
    if isinstance(key, Tensor):
        return key._data
    if isinstance(key, tuple):
        return tuple(k._data if isinstance(k, Tensor) else k for k in key)
    return key


class Tensor:
    __slots__ = ("_data", "_requires_grad", "grad_fn", "_grad", "_counter", "_accumulator",
                 "_retains_grad", "_hooks", "name", "_cut", "_base", "_view_chain",
                 "__weakref__")
    __array_priority__ = 1000  # numpy scalars defer to our reflected operators

    # -- construction ----------------------------------------------------------------------------
    @classmethod
    def _make(cls, data, requires_grad=False, grad_fn=None):
        t = object.__new__(cls)
        t._data = data
        t._requires_grad = requires_grad
        t.grad_fn = grad_fn
        t._grad = None
        # The version counter, shared with views and detach(); inference tensors have none.
        t._counter = None if _state.inference else [0]
        t._accumulator = None
        t._retains_grad = False
        t._hooks = None
        t.name = None
        t._cut = None  # "detach()" / "no_grad" / "inference_mode": where a graph was cut (diagrams)
        t._base = None  # for a view: the tensor whose memory it shows (PyTorch's ``_base``)
        t._view_chain = ()  # for a view: the view ops (op, params) that made it from _base
        return t

    def __new__(cls, *args, **kwargs):
        """``torch.Tensor([1.0, 2.0])`` / ``torch.Tensor(2, 3)``: PyTorch's legacy constructor."""
        from . import _legacy
        return _legacy.new(_dtype.float32, args, kwargs)

    # -- autograd attributes -----------------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        if self.grad_fn is not None:
            if value:  # PyTorch refuses even True here (requires_grad_(True) is allowed)
                raise error("nonleaf_requires_grad_true", self)
            raise error("nonleaf_requires_grad", self)
        if value and not self.dtype.is_floating_point:
            raise error("int_requires_grad_setter", self)
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad=True):
        if requires_grad and self.grad_fn is None and not self.dtype.is_floating_point:
            raise error("int_requires_grad_", self)
        if requires_grad and self._counter is None and not _state.inference:
            raise error("inference_requires_grad", self)
        if requires_grad and self.grad_fn is not None:
            return self
        self.requires_grad = requires_grad
        return self

    @property
    def _version(self) -> int:
        """How many times this tensor's data was changed in place (PyTorch's ``_version``)."""
        if self._counter is None:
            raise error("inference_version", self)
        return self._counter[0]

    def is_inference(self) -> bool:
        return self._counter is None

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def grad(self):
        if self.grad_fn is not None and not self._retains_grad:
            warnings.warn(_NONLEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise error("grad_assign_type", self, type=type(value).__name__)
            if value.shape != self.shape:
                raise error("grad_assign_size", self, got=tuple(value.shape))
            if value.dtype is not self.dtype:
                raise error("grad_assign_dtype", self, got=value.dtype.name)
        self._grad = value

    @property
    def data(self):
        return Tensor._make(self._data)

    @data.setter
    def data(self, value):
        self._data = value._data

    def _edge(self):
        """The node a gradient for this tensor goes to (None if it needs none)."""
        if self.grad_fn is not None:
            return self.grad_fn
        if not self._requires_grad:
            return None
        acc = self._accumulator() if self._accumulator is not None else None
        if acc is None:
            import weakref
            acc = AccumulateGrad(self)
            self._accumulator = weakref.ref(acc)
        return acc

    def detach(self):
        """A tensor sharing this one's data (and version counter), outside the graph."""
        t = Tensor._make(self._data)
        t._counter = self._counter
        t._cut = "detach()"
        return t

    def detach_(self):
        if self.grad_fn is not None or self._requires_grad:
            self.grad_fn = None
            self._requires_grad = False
        return self

    def retain_grad(self):
        if self.grad_fn is None:
            if not self._requires_grad:
                raise error("retain_grad_no_grad", self)
            return
        if self._retains_grad:
            return
        import weakref
        ref = weakref.ref(self)

        def store(grad):
            t = ref()
            if t is not None:
                t._grad = grad.detach().clone() if t._grad is None else t._grad + grad
        self.grad_fn.register_prehook(store)
        self._retains_grad = True

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a new one."""
        if not self._requires_grad:
            raise error("hook_no_grad", self)
        return self._edge().register_prehook(hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        from . import autograd
        autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    # -- metadata ------------------------------------------------------------------------------------
    @property
    def dtype(self):
        return _dtype.of_array(self._data)

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[self._dim(dim)]

    def dim(self) -> int:
        return self._data.ndim

    ndim = property(dim)

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    @property
    def device(self):
        return _device.CPU

    @property
    def is_cuda(self):
        return False

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def _dim(self, dim):
        ndim = max(self._data.ndim, 1)
        if not -ndim <= dim < ndim:
            raise error("dim_out_of_range", self, low=-ndim, high=ndim - 1, dim=dim)
        return dim % ndim

    # -- conversions ------------------------------------------------------------------------------
    def item(self):
        if self._data.size != 1:
            raise error("item_many", self, numel=self._data.size)
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self, *, force=False):
        if self._requires_grad and not force:
            raise error("numpy_requires_grad", self)
        return self._data

    def __array__(self, dtype=None, copy=None):
        return self.numpy() if dtype is None else self.numpy().astype(dtype)

    def _scalar(self, kind):
        if self._data.size != 1:
            raise error("scalar_many", self)
        return kind(self._data.item())

    def __float__(self):
        return self._scalar(float)

    def __int__(self):
        return self._scalar(int)

    def __index__(self):
        if self.dtype.is_floating_point or self._data.size != 1:
            raise error("index_not_int", self)
        return int(self._data.item())

    def __bool__(self):
        if self._data.size != 1:
            raise error("bool_ambiguous", self)
        return bool(self._data.item())

    def __len__(self):
        if self._data.ndim == 0:
            raise error("len_0d", self)
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise error("iter_0d", self)
        return (apply(ops.unbind, self, key=(i,)) for i in range(self._data.shape[0]))

    def __format__(self, spec):
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __repr__(self):
        return _repr.tensor_repr(self)

    __str__ = __repr__
    __hash__ = object.__hash__

    def __reduce_ex__(self, protocol):
        raise error("tensor_pickle", self)

    def __deepcopy__(self, memo):
        """``copy.deepcopy``: a new leaf with copied data (and grad), as PyTorch does for leaves."""
        if id(self) in memo:
            return memo[id(self)]
        if self.grad_fn is not None:
            raise error("deepcopy_nonleaf", self)
        new = Tensor._make(self._data.copy(), self._requires_grad)
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new

    def to(self, *args, **kwargs):
        """``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other)``; a CUDA device raises."""
        dtype = kwargs.get("dtype")
        _device.check(kwargs.get("device"))
        for a in args:
            if isinstance(a, Tensor):
                dtype = a.dtype
            elif _device.is_device(a):
                _device.check(a)
            elif a is not None and not isinstance(a, bool):  # bools: non_blocking, copy
                dtype = a
        if dtype is None:
            return self
        dtype = _dtype.to_dtype(dtype)
        if dtype is self.dtype:
            return self
        return self._apply(ops.to_dtype, dtype=dtype)

    def type(self, dtype=None):
        if dtype is None:
            return f"torch.{_dtype.LEGACY_NAMES[self.dtype]}Tensor"
        return self.to(dtype)

    def float(self):
        return self.to(_dtype.float32)

    def double(self):
        return self.to(_dtype.float64)

    def long(self):
        return self.to(_dtype.int64)

    def int(self):
        return self.to(_dtype.int32)

    def bool(self):
        return self.to(_dtype.bool_)

    def cpu(self):
        return self

    def cuda(self, device=None, non_blocking=False):
        raise error("cuda_unavailable")

    def contiguous(self):
        return self if self._data.flags.c_contiguous else self.clone()

    def is_contiguous(self) -> bool:
        return bool(self._data.flags.c_contiguous)

    # -- applying ops ------------------------------------------------------------------------------
    def _apply(self, op, *others, **params):
        return apply(op, self, *others, **params)

    def _binary(self, other, op):
        if isinstance(other, Tensor):
            if other._data.shape != self._data.shape:
                _broadcast_shape(self._data.shape, other._data.shape)
        elif not isinstance(other, numbers.Number):
            return NotImplemented
        return apply(op, self, other)

    def __add__(self, other):
        return self._binary(other, ops.add)

    __radd__ = __add__

    def __sub__(self, other):
        _check_sub(self, other)
        return self._binary(other, ops.sub)

    def __rsub__(self, other):
        if not isinstance(other, numbers.Number):
            return NotImplemented
        _check_sub(other, self)
        return apply(ops.rsub, self, other=other)

    def __mul__(self, other):
        return self._binary(other, ops.mul)

    __rmul__ = __mul__

    def __truediv__(self, other):
        return self._binary(other, ops.div)

    def __rtruediv__(self, other):
        if not isinstance(other, numbers.Number):
            return NotImplemented
        return self.reciprocal() * other  # PyTorch records exactly this: MulBackward0 over ReciprocalBackward0

    def __pow__(self, exponent):
        if isinstance(exponent, Tensor):
            _check_broadcast(self, exponent)
            if self.dtype is _dtype.bool_ and exponent.dtype is _dtype.bool_:
                raise error("pow_bool", self)
            return apply(ops.pow_tensor, self, exponent)
        if not isinstance(exponent, numbers.Number):
            return NotImplemented
        if not self.dtype.is_floating_point and isinstance(exponent, numbers.Integral) and exponent < 0:
            raise error("int_negative_power", self, exponent=exponent)
        return apply(ops.pow_scalar, self, exponent=exponent)

    def __rpow__(self, base):
        if not isinstance(base, numbers.Number):
            return NotImplemented
        if isinstance(base, bool) and self.dtype is _dtype.bool_:
            raise error("pow_bool", self)
        return apply(ops.rpow, self, base=base)

    def __neg__(self):
        if self.dtype is _dtype.bool_:
            raise error("neg_bool", self)
        return apply(ops.neg, self)

    def __pos__(self):
        return self

    def __abs__(self):
        return self.abs()

    def __matmul__(self, other):
        if not isinstance(other, Tensor):
            return NotImplemented
        return matmul(self, other)

    def __rmatmul__(self, other):
        if not isinstance(other, Tensor):
            return NotImplemented
        return matmul(other, self)

    add = __add__
    mul = multiply = __mul__
    div = divide = true_divide = __truediv__

    def sub(self, other, alpha=1):
        return self - (other * alpha if alpha != 1 else other)

    subtract = sub

    def pow(self, exponent):
        return self ** exponent

    def neg(self):
        return -self

    negative = neg

    def reciprocal(self):
        return apply(ops.reciprocal, self)

    def square(self):
        return self ** 2

    def exp(self):
        return apply(ops.exp, self)

    def log(self):
        return apply(ops.log, self)

    def sqrt(self):
        return apply(ops.sqrt, self)

    def abs(self):
        if self.dtype is _dtype.bool_:
            raise error("abs_bool", self)
        return apply(ops.abs, self)

    def relu(self):
        if self.dtype is _dtype.bool_:
            raise error("relu_bool", self)
        return apply(ops.relu, self)

    def sigmoid(self):
        return apply(ops.sigmoid, self)

    def tanh(self):
        return apply(ops.tanh, self)

    def clamp(self, min=None, max=None):
        if min is None and max is None:
            raise error("clamp_no_bounds", self)
        if isinstance(min, Tensor) or isinstance(max, Tensor):
            raise error("clamp_tensor_bounds", self)
        target = result_type(self, *(b for b in (min, max) if b is not None))
        if target is not self.dtype:  # an integer tensor with float bounds: float, as in PyTorch
            return Tensor._make(self._data.astype(target.np)).clamp(min, max)
        return apply(ops.clamp, self, min=min, max=max)

    clip = clamp

    def maximum(self, other):
        _check_broadcast(self, other)
        return apply(ops.maximum, self, other)

    def minimum(self, other):
        _check_broadcast(self, other)
        return apply(ops.minimum, self, other)

    def sign(self):
        if self.dtype is _dtype.bool_:
            return Tensor._make(self._data.copy())
        out = np.asarray(np.sign(self._data))
        if out.dtype.kind == "f":  # PyTorch: sign(nan) = 0 (so abs'(nan) = 0 too)
            out = np.where(np.isnan(out), out.dtype.type(0), out)
        return Tensor._make(out)

    def masked_fill(self, mask, value):
        if isinstance(value, Tensor):
            value = value.item()
        return apply(ops.masked_fill, self, mask=mask._data, value=value)

    # -- reductions ----------------------------------------------------------------------------
    def _dims(self, dim):
        dims = (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
        return tuple(sorted(self._dim(d) for d in dims))

    def sum(self, dim=None, keepdim=False, dtype=None):
        t = self if dtype is None else self.to(dtype)
        if dim is None:
            return apply(ops.sum_all, t)
        return apply(ops.sum_dim, t, dim=t._dims(dim), keepdim=keepdim)

    def mean(self, dim=None, keepdim=False, dtype=None):
        t = self if dtype is None else self.to(dtype)
        if not t.dtype.is_floating_point:
            raise error("mean_int", self, legacy=_dtype.LEGACY_NAMES[t.dtype])
        if dim is None:
            return apply(ops.mean_all, t)
        return apply(ops.mean_dim, t, dim=t._dims(dim), keepdim=keepdim)

    def _extreme(self, dim, keepdim, which):
        if isinstance(dim, Tensor):
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
        idx = Tensor._make(np.expand_dims(indices, d) if keepdim else indices)
        return MinMax(which, values, idx)

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
            return Tensor._make(np.asarray(np.argmax(self._data)))
        return Tensor._make(np.argmax(self._data, axis=self._dim(dim), keepdims=keepdim))

    def argmin(self, dim=None, keepdim=False):
        if self._nonempty("argmin", dim) is None:
            return Tensor._make(np.asarray(np.argmin(self._data)))
        return Tensor._make(np.argmin(self._data, axis=self._dim(dim), keepdims=keepdim))

    def all(self, dim=None, keepdim=False):
        from ._logical import all
        return all(self, dim, keepdim)

    def any(self, dim=None, keepdim=False):
        from ._logical import any
        return any(self, dim, keepdim)

    # -- matrix products -----------------------------------------------------------------------
    def matmul(self, other):
        return matmul(self, other)

    def mm(self, other):
        _check_matrices(self, other, "mm")
        return apply(ops.mm, self, other)

    def mv(self, vec):
        if self.ndim != 2 or vec.ndim != 1:
            raise error("mv_dims", self, a=self.ndim, b=vec.ndim)
        _same_dtype(self, vec)
        if self.shape[1] != vec.shape[0]:
            raise error("mv_size", self, m=self.shape[0], k=self.shape[1], n=vec.shape[0])
        return apply(ops.mv, self, vec)

    def dot(self, other):
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
        return apply(ops.bmm, self, other)

    # -- shapes ---------------------------------------------------------------------------------
    def _shape_arg(self, shape):
        if len(shape) == 1 and not isinstance(shape[0], numbers.Integral):
            shape = tuple(shape[0])
        shape = tuple(int(s) for s in shape)
        if shape.count(-1) > 1:
            raise error("one_inferred_dim", self)
        known = int(np.prod([s for s in shape if s != -1]))
        n = self._data.size
        if -1 in shape:
            if known == 0 or n % known:
                raise error("shape_invalid", self, target=list(shape), numel=n)
            shape = tuple(n // known if s == -1 else s for s in shape)
        elif known != n:
            raise error("shape_invalid", self, target=list(shape), numel=n)
        return shape

    def view(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
            raise error("view_dtype", self)
        shape = self._shape_arg(shape)
        if not self._data.flags.c_contiguous and self._data.size > 1 and shape != self.shape:
            raise error("view_noncontiguous", self)
        return apply(ops.view, self, shape=shape)

    def reshape(self, *shape):
        shape = self._shape_arg(shape)
        if self._data.flags.c_contiguous or self._data.size <= 1:
            return apply(ops.view, self, shape=shape)
        return apply(ops.unsafe_view, self.clone(), shape=shape)  # PyTorch: clone, then view

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
        shape = tuple(self._data.shape[i - lead] if s == -1 else s for i, s in enumerate(shape))
        if shape == self._data.shape:
            return self
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
        return self.transpose(-2, -1)

    def permute(self, *dims):
        if len(dims) == 1 and not isinstance(dims[0], numbers.Integral):
            dims = tuple(dims[0])
        return apply(ops.permute, self, dims=tuple(self._dim(d) for d in dims))

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
        return apply(ops.clone, self)

    # -- indexing ---------------------------------------------------------------------------------
    def __getitem__(self, key):
        if isinstance(key, slice):  # a lone slice is always recorded, even a full one
            return self._slice(key, 0)
        if not isinstance(key, tuple):
            key = (key,)
        if any(_is_advanced(k) for k in key):
            return self._index(_as_index(key))
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
                if (start, stop, step) != (0, size, 1):
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
        if k.step is not None and k.step <= 0:
            raise error("slice_step", self)
        return apply(ops.slice, self, key=(slice(None),) * dim + (k,))

    def _index(self, key):
        """Advanced indexing (integer arrays, boolean masks): ``IndexBackward0``."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                np.empty(self._data.shape, dtype=bool)[key]
        except IndexError as e:
            raise error("advanced_index", self, message=str(e).replace("axis", "dimension")) from None
        return apply(ops.index, self, key=key)

    def __setitem__(self, key, value):
        if _state.enabled and self.grad_fn is None and self._requires_grad:
            parts = key if isinstance(key, tuple) else (key,)  # only `:`, `...`, indices: no view
            viewless = all(_is_advanced(k) or k is Ellipsis or k == slice(None) for k in parts)
            raise error("leaf_inplace" if viewless else "leaf_view_inplace", self)
        parts = key if isinstance(key, tuple) else (key,)
        if all(k is Ellipsis or (isinstance(k, slice) and k == slice(None)) for k in parts):
            if isinstance(value, Tensor):  # all of self is written: copy_, as in PyTorch
                shape = _broadcast_shape(value._data.shape, self._data.shape, target=True)
                if shape != self._data.shape:
                    raise error("inplace_shape", self, out=list(self.shape), broadcast=list(shape))
                return self._inplace(ops.copy, value)
            return self._inplace(ops.fill_tensor, value=value)
        op = ops.index_put if _is_index_put(key) else ops.copy_slices
        key = _as_index(key)
        if isinstance(value, Tensor) and value._data.ndim > 0:
            _broadcast_shape(value._data.shape, np.empty(self._data.shape)[key].shape, target=True)
        self._inplace(op, value, key=key)

    # -- in-place ops --------------------------------------------------------------------------------
    def _inplace(self, op, *others, **params):
        """Compute ``op`` out of place, write the result into this tensor's memory, and (when
        recording) make the new node this tensor's ``grad_fn``, as PyTorch rebases history."""
        if self._counter is None and not _state.inference:
            raise error("inference_inplace", self)
        recording = _state.enabled and (self._requires_grad or any(
            isinstance(o, Tensor) and o._requires_grad for o in others))
        if recording and self.grad_fn is None and self._requires_grad:
            raise error("leaf_inplace", self)
        base = self._base if recording else None
        if base is not None:
            if base.grad_fn is None and base._requires_grad:
                raise error("leaf_view_inplace", self)
            ops.view_region(base._data.shape, self._view_chain)  # refuses overlapping views
        if not recording and op.inplace_ufunc and self._write_into(op, others):
            return self
        before = self
        if recording and "a" in op.saves:  # the rule needs the old value: keep a copy of it
            before = Tensor._make(self._data.copy(), self._requires_grad, self.grad_fn)
            before._accumulator = self._accumulator
        result = apply(op, before, *others, **params)
        if not np.can_cast(result._data.dtype, self._data.dtype, casting="same_kind"):
            raise error("inplace_cast", self, result=_dtype.LEGACY_NAMES[result.dtype],
                        target=_dtype.LEGACY_NAMES[self.dtype])
        if result._data.shape != self._data.shape:
            raise error("inplace_shape", self, out=list(self.shape), broadcast=list(result.shape))
        self._data[...] = result._data
        if self._counter is not None:
            self._counter[0] += 1
        if base is not None and result.grad_fn is not None:
            self._rebase_view(base, result)
        elif result.grad_fn is not None:
            self.grad_fn = result.grad_fn
            self._requires_grad = True
        return self

    def _rebase_view(self, base, values):
        """After an in-place op on this view: the base's history now ends in CopySlices (its old
        history, with this view's elements replaced by ``values``), and this view reads its
        elements back from the new base, as PyTorch records it."""
        old = Tensor._make(base._data, base._requires_grad, base.grad_fn)
        old._accumulator = base._accumulator
        chain = self._view_chain
        base.grad_fn = make_node(ops.copy_slices_view, (old, values), base, {"chain": chain})
        base._requires_grad = True
        self.grad_fn = make_node(ops.as_strided, (base,), self, {"chain": chain})
        self._requires_grad = True

    def _write_into(self, op, others):
        """Fast path (``p -= lr * p.grad`` under no_grad): run the ufunc straight into this
        tensor's memory, with no temporary, when dtype and shape already fit."""
        (other,) = others
        array = other._data if isinstance(other, Tensor) else other
        if isinstance(other, Tensor) and other._data.dtype != self._data.dtype:
            return False
        if not isinstance(array, (np.ndarray, float, int)) or isinstance(array, bool):
            return False
        if isinstance(array, np.ndarray) and np.broadcast_shapes(array.shape, self._data.shape) != self._data.shape:
            return False
        if self._data.dtype.kind != "f" or not self._data.flags.writeable:
            return False
        op.forward(self._data, array, out=self._data)
        if self._counter is not None:
            self._counter[0] += 1
        return True

    def add_(self, other, alpha=1):
        return self._inplace(ops.add, other if alpha == 1 else other * alpha)

    def sub_(self, other, alpha=1):
        _check_sub(self, other)
        return self._inplace(ops.sub, other if alpha == 1 else other * alpha)

    def mul_(self, other):
        return self._inplace(ops.mul, other)

    def div_(self, other):
        return self._inplace(ops.div, other)

    def pow_(self, exponent):
        return self._inplace(ops.pow_scalar, exponent=exponent)

    def clamp_(self, min=None, max=None):
        return self._inplace(ops.clamp, min=min, max=max)

    def zero_(self):
        return self._inplace(ops.zero)

    def fill_(self, value):
        return self._inplace(ops.fill, value=float(value) if isinstance(value, Tensor) else value)

    def copy_(self, src):
        self[...] = src
        return self

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

    # -- comparisons (no gradient) -----------------------------------------------------------------
    def _compare(self, other, fn):
        if not isinstance(other, (Tensor, numbers.Number)):
            return NotImplemented
        o = other._data if isinstance(other, Tensor) else other
        if isinstance(other, Tensor):
            _check_broadcast(self, other)
        return Tensor._make(np.asarray(fn(self._data, o)))

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
        return Tensor._make(~self._data)

    def logical_not(self):
        return Tensor._make(np.logical_not(self._data))

    def isfinite(self):
        return Tensor._make(np.isfinite(self._data))

    def equal(self, other) -> bool:
        return self.shape == other.shape and bool(np.array_equal(self._data, other._data))

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
        return bool(np.allclose(self._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


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
    bools = [x.dtype is _dtype.bool_ if isinstance(x, Tensor) else isinstance(x, bool) for x in (a, b)]
    if all(bools):
        raise error("sub_bool_both")
    if any(bools):
        raise error("sub_bool_one")


def _is_advanced(k):
    return isinstance(k, (Tensor, list, np.ndarray)) or (isinstance(k, bool))


def _is_index_put(key):
    """PyTorch writes ``y[key] = v`` with index_put_ on ``y`` itself (not into a view) when the
    key has advanced indices and otherwise only ``:`` and ``...``, which make no view."""
    key = key if isinstance(key, tuple) else (key,)
    return any(_is_advanced(k) for k in key) and all(
        _is_advanced(k) or k is Ellipsis or k == slice(None) for k in key)


def _expand_ellipsis(key, ndim):
    used = sum(1 for k in key if k is not None and k is not Ellipsis)
    if used > ndim:
        raise error("too_many_indices", ndim=ndim, used=used)
    out = []
    for k in key:
        if k is Ellipsis:
            out.extend([slice(None)] * (ndim - used))
        else:
            out.append(k)
    if Ellipsis not in key:
        out.extend([slice(None)] * (ndim - used))
    return out


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


def _check_broadcast(a, b):
    if a._data.shape != b._data.shape:
        _broadcast_shape(a._data.shape, b._data.shape)


def _same_dtype(a, b, what="m1 and m2"):
    if a.dtype is not b.dtype:
        raise error("same_dtype", what=what,
                    a=a.dtype.name.replace('float32', 'float').replace('float64', 'double'),
                    b=b.dtype.name.replace('float32', 'float').replace('float64', 'double'))


def _check_matrices(a, b, name):
    if a.ndim != 2:
        raise error("mm_not_matrix", a, which="self")
    if b.ndim != 2:
        raise error("mm_not_matrix", b, which="mat2")
    _same_dtype(a, b)  # PyTorch's mm says "expected m1 and m2 to have the same dtype"
    if a.shape[1] != b.shape[0]:
        raise error("mm_shapes", m=a.shape[0], k1=a.shape[1], k2=b.shape[0], n=b.shape[1])


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
        return apply(ops.squeeze_matmul, a.unsqueeze(0).mm(b), dim=(0,))
    if a.ndim == 2 and b.ndim == 2:
        return a.mm(b)
    # Batched: fold the batch axes of a into rows when b is a matrix, as PyTorch does.
    if b.ndim <= 2:
        if a.shape[-1] != b.shape[0]:
            raise error("mm_shapes", m=int(np.prod(a.shape[:-1])), k1=a.shape[-1], k2=b.shape[0],
                        n=b.shape[-1] if b.ndim == 2 else 1)
        rows = a.reshape(-1, a.shape[-1])
        rows = rows.mm(b) if b.ndim == 2 else rows.mv(b)
        return apply(ops.unsafe_view, rows, shape=(*a.shape[:-1], *b.shape[1:]))
    if a.ndim == 3 and b.ndim == 3:
        batch = _broadcast_shape(a.shape[:1], b.shape[:1])[0]  # batch axes broadcast, as in PyTorch
        if a.shape[2] != b.shape[1]:
            raise error("bmm_sizes", batch=batch, k=a.shape[2], got=b.shape[1])
        _same_dtype(a, b, "batch1 and batch2")
        a, b = a.expand(batch, *a.shape[1:]), b.expand(batch, *b.shape[1:])
        return apply(ops.unsafe_view, a.bmm(b), shape=(a.shape[0], a.shape[1], b.shape[2]))
    raise error("matmul_batches")


def _tensor_list(tensors, name):
    tensors = list(tensors)
    if not tensors:
        raise error("empty_tensor_list", fn=name)
    for t in tensors:
        if not isinstance(t, Tensor):
            raise error("tensor_list_item", index=tensors.index(t), type=type(t).__name__)
    return tensors


def cat(tensors, dim=0):
    """``torch.cat``: join tensors along an existing dimension (``CatBackward0``)."""
    tensors = _tensor_list(tensors, "cat")
    first = tensors[0]
    d = first._dim(dim)
    for i, t in enumerate(tensors[1:], start=1):
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
    if not isinstance(condition, Tensor) or condition.dtype is not _dtype.bool_:
        raise error("where_condition", legacy=_dtype.LEGACY_NAMES[condition.dtype]
                    if isinstance(condition, Tensor) else type(condition).__name__)
    shapes = [x._data.shape for x in (condition, input, other) if isinstance(x, Tensor)]
    shape = functools.reduce(_broadcast_shape, shapes)
    return apply(ops.where, input, other, condition=np.broadcast_to(condition._data, shape))
