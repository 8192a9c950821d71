"""``Tensor``: a NumPy array plus what autograd needs (``requires_grad``, ``grad``, ``grad_fn``).

Every differentiable method ends in ``gradlab._record.record``, which runs an op's forward from
the op table (``gradlab.ops``) and, when grad mode is on and an input requires grad, records a
node for it. Ops marked ``method=True`` in the table become methods here without a line of
their own; views and in-place writes live in ``gradlab._views``, the functional ops (matmul,
cat, stack, where) and argument checks in ``gradlab._functional``.
"""
from __future__ import annotations

import builtins
import numbers
import warnings
import weakref

import numpy as np

from . import _device, _dtype, _repr, autograd, ops
from .errors import error
from ._dtype import Size, result_type
from ._functional import (FunctionalMethods, _broadcast_shape, _check_broadcast, _check_sub, cat,
                          matmul, stack, where)
from ._record import record, specialised
from ._compare import ComparisonMethods
from ._views import InPlaceMethods, ViewMethods
from .autograd.grad_mode import _state
from .autograd.graph import AccumulateGrad

apply = record  # the name gradlab.nn.functional uses

_NONLEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
    "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
    "access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See "
    "github.com/pytorch/pytorch/pull/30531 for more information."
)


_float_warned = False


def _warn_float_once():
    """``float(t)`` of a tensor that requires grad: PyTorch warns once per process (TORCH_WARN_ONCE)."""
    global _float_warned
    _float_warned = True
    warnings.warn("Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
                  "Consider using tensor.detach() first.", UserWarning, stacklevel=3)


class DetachedInference(list):
    """The version counter of ``detach()`` of an inference tensor outside inference_mode. PyTorch
    gives that tensor a counter of its own and lets it be changed in place, yet it is still an
    inference tensor: ``is_inference()``, refused for backward, its views plain inference tensors
    (changes inside inference_mode are not counted)."""


class Tensor(ViewMethods, InPlaceMethods, ComparisonMethods, FunctionalMethods):
    __slots__ = ("_data", "_requires_grad", "grad_fn", "_grad", "_counter", "__dict__",
                 "__weakref__")
    __array_priority__ = 1000  # numpy scalars defer to our reflected operators

    # Set on few tensors, so class attributes until then: every op makes a tensor, and writing
    # them all each time would cost every op. (A dict holds them once set; PyTorch tensors have
    # one too, for attributes a user adds.)
    _accumulator = None  # a weakref to this leaf's AccumulateGrad while a graph uses it
    _retains_grad = False  # or the hook that stores the retained gradient (retain_grad())
    _hooks = None  # a leaf's hooks (register_hook)
    name = None  # the learner's variable name, for error notes
    _cut = None  # "detach()" / "no_grad" / "inference_mode": where a graph was cut (diagrams)
    _base = None  # for a view: the tensor whose memory it shows (PyTorch's ``_base``)
    _view_chain = ()  # for a view: the view ops (op, params) that made it from _base

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
        if not isinstance(value, bool):
            raise error("requires_grad_not_bool", self, type=type(value).__name__)
        if self.grad_fn is not None:
            if value:  # PyTorch refuses even True here (requires_grad_(True) is allowed)
                raise error("nonleaf_requires_grad_true", self)
            raise error("nonleaf_requires_grad", self)
        if value and not self.dtype.is_floating_point:
            raise error("int_requires_grad_setter", self)
        if value and self.is_inference() and not _state.inference:
            raise error("inference_requires_grad", self)
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad=True):
        if requires_grad and self.grad_fn is None and not self.dtype.is_floating_point:
            raise error("int_requires_grad_", self)
        if requires_grad and self.is_inference() and not _state.inference:
            raise error("inference_requires_grad", self)
        if requires_grad and self.grad_fn is not None:
            return self
        self.requires_grad = bool(requires_grad)
        return self

    @property
    def _version(self) -> int:
        """How many times this tensor's data was changed in place (PyTorch's ``_version``)."""
        if self._counter is None:
            raise error("inference_version", self)
        return self._counter[0]

    def is_inference(self) -> bool:
        return self._counter is None or type(self._counter) is DetachedInference

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def grad(self):
        # The recorded node as it stands (a view's pending regeneration may raise; .grad doesn't).
        if _GRAD_FN_SLOT.__get__(self) is not None and not self._retains_grad:
            warnings.warn(_NONLEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise error("grad_assign_type", self, type=type(value).__name__)
            if value.shape != self.shape:
                raise error("grad_assign_size", self, got=tuple(value.shape),
                            got_list=list(value.shape), size_list=list(self.shape))
            if value.dtype is not self.dtype:
                raise error("grad_assign_dtype", self, got=value.dtype.name,
                            got_c=_dtype.C_NAMES[value.dtype], legacy=_dtype.LEGACY_NAMES[self.dtype])
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
            acc = AccumulateGrad(self)
            self._accumulator = weakref.ref(acc)
        return acc

    def _bump(self):
        """Count one more in-place change (PyTorch's version counter)."""
        counter = self._counter
        if counter is not None and (type(counter) is list or not _state.inference):
            counter[0] += 1

    def detach(self):
        """A tensor sharing this one's data (and version counter), outside the graph."""
        t = Tensor._make(self._data)
        t._counter = self._counter
        if self.is_inference():  # (outside inference_mode PyTorch gives it a counter of its own)
            t._counter = None if _state.inference else DetachedInference([0])
        t._cut = "detach()"
        return t

    def detach_(self):
        if self._base is not None:
            raise error("detach_view_inplace", self)
        if self.grad_fn is not None or self._requires_grad:
            if self.grad_fn is not None:  # the nodes that saved it refuse it now, as PyTorch's
                self._cut = autograd.graph.InPlaceDetach("detach_()")
                self._cut.seq = next(autograd.graph._sequence)
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
        ref = weakref.ref(self)

        def store(grad):
            t = ref()
            if t is not None:
                # as PyTorch: a clone (recorded under create_graph, so it keeps a graph then)
                t._grad = grad.clone() if t._grad is None else t._grad + grad
        self.grad_fn.register_prehook(store)
        self._retains_grad = store  # truthy; kept to move it when grad_fn changes

    def _move_retain_hook(self, old, new):
        """PyTorch moves a retained gradient's hook to the tensor's new grad_fn (after an in-place
        op), so .grad is the gradient of the tensor as it is now."""
        store = self._retains_grad
        if not store or old is new:
            return
        if old is not None and old._pre_hooks and store in old._pre_hooks:
            old._pre_hooks.remove(store)
        if new is not None:
            new.register_prehook(store)

    @property
    def retains_grad(self) -> bool:
        return bool(self._retains_grad)

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a new one."""
        if not self._requires_grad:
            raise error("hook_no_grad", self)
        edge = self._edge()
        if edge is None:  # a no_grad view of a tensor that requires grad: no gradient comes
            from .autograd.graph import RemovableHandle
            return RemovableHandle([hook], hook)
        handle = edge.register_prehook(hook)
        store = self._retains_grad
        if store and store in edge._pre_hooks:  # PyTorch runs the retained-grad hook last
            edge._pre_hooks.remove(store)
            edge._pre_hooks.append(store)
        return handle

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
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
        if not self._data.ndim:
            raise error("dim_of_0d", self, dim=dim)
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
        if self.requires_grad and not _float_warned:
            _warn_float_once()
        return self._scalar(float)

    def __int__(self):
        return self._scalar(int)

    def __index__(self):
        if self.dtype.is_floating_point or self._data.size != 1:
            raise error("index_not_int", self)
        return int(self._data.item())

    def __bool__(self):
        if self._data.size == 0:
            raise error("bool_empty", self)
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

    # -- new tensors of this one's dtype (PyTorch's Tensor.new_*) --------------------------------
    def new_tensor(self, data, dtype=None, requires_grad=False):
        from ._creation import tensor
        return tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, requires_grad=False):
        from ._creation import zeros
        return zeros(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, requires_grad=False):
        from ._creation import ones
        return ones(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, requires_grad=False):
        from ._creation import empty
        return empty(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, requires_grad=False):
        from ._creation import full
        return full(size, fill_value, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def element_size(self) -> int:
        return self._data.itemsize

    def type_as(self, other):
        return self.to(other.dtype)

    def contiguous(self):
        return self if self._data.flags.c_contiguous else apply(ops.clone, self, contiguous=True)

    def is_contiguous(self) -> bool:
        return bool(self._data.flags.c_contiguous)

    def stride(self, dim=None):
        """How many elements apart neighbours are along each dim. NumPy keeps no strides for an
        empty array: its are the contiguous ones (PyTorch counts a dim of 0 as 1)."""
        data = self._data
        if data.size:
            strides = tuple(step // data.itemsize for step in data.strides)
        else:
            strides, step = (), 1
            for n in reversed(data.shape):
                strides, step = (step,) + strides, step * builtins.max(n, 1)
        if dim is None:
            return strides
        if not data.ndim:
            raise error("dim_of_0d", self, dim=dim)
        return strides[self._dim(dim)]

    # -- applying ops ------------------------------------------------------------------------------
    def _apply(self, op, *others, **params):
        return apply(op, self, *others, **params)

    def _binary(self, other, fast):
        """``self <op> other`` recorded by ``fast`` (``_record.specialised(op)``), or
        NotImplemented for an ``other`` that is neither a tensor nor a number."""
        if type(other) is float or type(other) is int:
            return fast(self, other)
        if isinstance(other, Tensor):
            a, b = self._data.shape, other._data.shape
            if a != b and a and b:  # a 0-d side broadcasts to anything
                _broadcast_shape(a, b)
        elif not isinstance(other, numbers.Number):
            return NotImplemented
        return fast(self, other)

    def __add__(self, other):
        if type(other) is float or type(other) is int:  # the common case first: no ABC check
            return _add(self, other)
        return self._binary(other, _add)

    __radd__ = __add__

    def __sub__(self, other):
        _check_sub(self, other)
        return self._binary(other, _sub)

    def __rsub__(self, other):
        if not isinstance(other, numbers.Number):
            return NotImplemented
        _check_sub(other, self)
        return apply(ops.rsub, self, other=other)

    def __mul__(self, other):
        if type(other) is float or type(other) is int:  # the common case first: no ABC check
            return _mul(self, other)
        return self._binary(other, _mul)

    __rmul__ = __mul__

    def __truediv__(self, other):
        if type(other) is float or type(other) is int:  # the common case first: no ABC check
            return _div(self, other)
        return self._binary(other, _div)

    def __rtruediv__(self, other):
        if not isinstance(other, numbers.Number):
            return NotImplemented
        return self.reciprocal() * other  # PyTorch records exactly this: MulBackward0 over ReciprocalBackward0

    def __pow__(self, exponent):
        kind = type(exponent)
        if (kind is float or kind is int) and self._data.dtype.kind == "f":  # common: no ABC check
            return record(ops.pow_scalar, self, exponent=exponent)
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

    def add(self, other, alpha=1):
        if alpha == 1:
            return self + other
        return self._alpha(other, alpha, ops.add_alpha)

    def _alpha(self, other, alpha, op):
        if isinstance(other, Tensor):
            _check_broadcast(self, other)
        elif not isinstance(other, numbers.Number):
            raise error("unsupported_operand", type=type(other).__name__)
        return apply(op, self, other, alpha=alpha)

    mul = multiply = __mul__
    div = divide = true_divide = __truediv__

    def sub(self, other, alpha=1):
        _check_sub(self, other)
        if alpha == 1:
            return self - other
        return self._alpha(other, alpha, ops.sub_alpha)

    subtract = sub

    def pow(self, exponent):
        if not isinstance(exponent, (Tensor, numbers.Number)):
            raise error("pow_args", self, type=type(exponent).__name__)
        return self ** exponent

    def neg(self):
        return -self

    negative = neg


    def square(self):
        return self ** 2








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
    def _zeros_like(self):
        return Tensor._make(np.zeros_like(self._data))

    def masked_fill(self, mask, value):
        if isinstance(value, Tensor):
            value = value.item()
        return apply(ops.masked_fill, self, mask=self._fill_mask(mask, inplace=False), value=value)

    def masked_fill_(self, mask, value):
        if isinstance(value, Tensor):
            value = value.item()
        return self._inplace(ops.masked_fill, mask=self._fill_mask(mask, inplace=True), value=value)

    def _fill_mask(self, mask, inplace):
        """masked_fill's mask as an array, with PyTorch's errors for one that is not bool or does
        not broadcast (in place: to this tensor's own shape)."""
        if mask.dtype is not _dtype.bool_:
            raise error("masked_fill_mask_dtype", self,
                        mask=_CPP_TYPE_NAMES.get(mask.dtype, mask.dtype.name))
        if not inplace:
            _broadcast_shape(mask._data.shape, self._data.shape)
            return mask._data
        shape = _broadcast_shape(self._data.shape, mask._data.shape)
        if shape != self._data.shape:
            raise error("inplace_shape", self, out=list(self.shape), broadcast=list(shape))
        return np.broadcast_to(mask._data, shape)


# The C++ names PyTorch's masked_fill_ prints for a mask's dtype
_CPP_TYPE_NAMES = {_dtype.float32: "float", _dtype.float64: "double", _dtype.int64: "long int",
                   _dtype.int32: "int"}
_GRAD_FN_SLOT = Tensor.__dict__["grad_fn"]
_add, _sub, _mul, _div = (specialised(op) for op in (ops.add, ops.sub, ops.mul, ops.div))


def _table_method(op):
    """The Tensor method of an op marked ``method=True`` in the table: ``x.exp()``."""
    fast, check = specialised(op), op.check

    def method(self):
        if check is not None:
            check(self)
        return fast(self)
    method.__name__ = op.name
    method.__doc__ = f"``{op.text}``, recorded as ``{op.node_name}``."
    return method


def _table_inplace_method(op):
    """Its in-place form: ``x.exp_()`` writes exp(x) into x (recording ``op.inplace``'s node)."""
    def method(self):
        if op.check is not None:
            op.check(self)
        return self._inplace(op.inplace)
    method.__name__ = op.name + "_"
    method.__doc__ = f"In-place ``{op.text}``, recorded as ``{op.inplace.node_name}``."
    return method


TABLE_METHODS = tuple(op for op in ops.ALL if op.method)
for _op in TABLE_METHODS:
    setattr(Tensor, _op.name, _table_method(_op))
    setattr(Tensor, _op.name + "_", _table_inplace_method(_op))


from ._view_tensor import View, view_rebase_error  # noqa: E402,F401  (a Tensor subclass)

from . import _record  # noqa: E402  (recording makes Tensors and Views: they exist now)
_record.Tensor, _record.View = Tensor, View
