"""Recording: run an op's forward and, when a gradient must flow, add its node to the graph.

Every differentiable Tensor method ends in ``record(op, *inputs, **params)``: inputs are
tensors and Python numbers, promoted to one dtype as PyTorch's ``result_type`` says; the op's
forward runs on their arrays; a node is made only when grad mode is on and an input requires
grad, and it saves only what the rules of those inputs read.
"""
from __future__ import annotations

import functools
import operator

import numpy as np

from . import _dtype
from ._dtype import result_type
from .autograd.grad_mode import _state
from .autograd.graph import _NO_PARAMS, make_node, number_node, pair_node, unary_node
from .errors import error, type_name

ndarray = np.ndarray
_new = object.__new__
Tensor = View = None  # set by gradlab._tensor once the classes exist (it imports this module)


def record(op, *inputs, **params):
    """Run ``op`` forward on tensors and Python numbers; record it if a gradient must flow."""
    arrays, dtype, wants_grad, inference = _scan(inputs)
    if op.promote and (not dtype or dtype.kind != "f" or (
            op.scalar and type(params[op.scalar]) is not float and type(params[op.scalar]) is not int)):
        arrays = _promoted(op, inputs, params)
    # The common case needs no promotion: float tensors of one dtype and Python numbers, which
    # NumPy computes in the array's dtype, as PyTorch does.
    data = op.forward(*arrays, **params)  # NumPy's overflow warnings are silenced in __init__
    if type(data) is not ndarray:
        data = np.asarray(data)
    out = _view(op, inputs[0], data, params) if op.view else _plain(data)
    if wants_grad and data.dtype.kind in "fc":  # (an integer or bool result has no gradient)
        _link(op, inputs, params, out, inference)
    return out


def _plain(data):
    """A new tensor holding ``data`` (``Tensor._make``, without the class-method call)."""
    out = _new(Tensor)
    out._data, out._requires_grad, out.grad_fn, out._grad = data, False, None, None
    out._counter = None if _state.inference else [0]  # inference tensors have no version
    return out


def _link(op, inputs, params, out, inference=False):
    """Put ``out`` in the graph as ``op`` applied to ``inputs``, one of which requires grad."""
    state = _state
    if not state.enabled:  # would have been recorded: the diagrams draw where the graph was cut
        out._cut = "inference_mode" if state.inference else "no_grad"
        return
    if inference and _inference_only(op, inputs, params):
        return
    out._requires_grad = True
    out.grad_fn = make_node(op, inputs, out, params)
    if state.trace is not None:  # gradcheck wants every node's inputs, to check its rule
        state.trace.append((out.grad_fn, inputs, params))


def specialised(op):
    """``record`` for one op of one or two inputs and no parameters, with the common case
    first: plain float tensors of one dtype (or a tensor and a Python number), none of them an
    inference tensor, so there is nothing to promote and no view to link; when it is recorded,
    ``_plain`` and ``_link`` are inline and the node is made by ``make_node``'s function for the
    case. Anything else goes through ``record``. (PyTorch generates a function per op for the
    same reason.)"""
    if op.view or len(op.inputs) not in (1, 2):
        return functools.partial(record, op)
    forward, promote = op.forward, op.promote
    scalar_math = _SCALAR_MATH.get(forward)
    float_only = bool(promote)  # promoting ops compute in one float dtype, the others in any

    def unary(a):
        if type(a) is not Tensor or a._counter is None or (
                float_only and a._data.dtype.kind != "f"):
            return record(op, a)
        data = forward(a._data)
        if type(data) is not ndarray:
            data = np.asarray(data)
        # Recorded (grad mode on, not inference mode, no gradcheck trace): _plain and _link inline
        if a._requires_grad and _state.enabled and not _state.inference and _state.trace is None:
            out = _new(Tensor)
            out._data, out._requires_grad, out._grad, out._counter = data, True, None, [0]
            out.grad_fn = unary_node(op, a, out)
            return out
        out = _plain(data)
        if a._requires_grad:
            _link(op, (a,), _NO_PARAMS, out)
        return out

    def binary(a, b):
        if type(a) is not Tensor or a._counter is None:
            return record(op, a, b)
        x = a._data
        kind = type(b)
        if kind is float or kind is int:
            if x.dtype.kind != "f":
                if float_only:
                    return record(op, a, b)
                data = forward(x, b)
            elif scalar_math is not None and not x.shape:
                data = scalar_math(x[()], b)
            else:
                data = forward(x, number_array(b, x.dtype))
            wants_grad, make = a._requires_grad, number_node
        elif kind is Tensor and b._counter is not None:
            y = b._data
            if float_only and (y.dtype is not x.dtype or x.dtype.kind != "f"):
                return record(op, a, b)
            data = forward(x, y)
            wants_grad, make = a._requires_grad or b._requires_grad, pair_node
        else:
            return record(op, a, b)
        if type(data) is not ndarray:
            data = np.asarray(data)
        if wants_grad and _state.enabled and not _state.inference and _state.trace is None:
            out = _new(Tensor)
            out._data, out._requires_grad, out._grad, out._counter = data, True, None, [0]
            out.grad_fn = make(op, a, b, out)
            return out
        out = _plain(data)
        if wants_grad:
            _link(op, (a, b), _NO_PARAMS, out)
        return out

    fast = binary if len(op.inputs) == 2 else unary
    fast.__name__ = f"record_{op.name}"
    return fast


# An op of a float tensor and a Python number is NumPy's slowest path (~0.7 µs of a chain op's
# ~3). Two quicker ones give the same bits (NEP 50 casts the number to the array's dtype;
# checked for every float dtype, ±0, inf, NaN, huge ints): a 0-d tensor computes with NumPy's
# scalar math, others with the number as a 0-d array.
_SCALAR_MATH = {np.add: operator.add, np.subtract: operator.sub, np.multiply: operator.mul,
                np.true_divide: operator.truediv}
_NUMBERS = {}  # (number, float dtype) -> the number as a read-only 0-d array of that dtype
_NUMBERS_MAX = 4096


def number_array(number, dtype):
    """A Python number as a 0-d array of the float ``dtype`` (kept, for numbers seen again)."""
    key = (number, dtype)
    array = _NUMBERS.get(key)
    if array is None:
        array = np.array(number, dtype)
        # Not ±0 (equal as keys, yet x + 0.0 and x + -0.0 differ for x = -0.0) nor NaN (new keys)
        if number and number == number and len(_NUMBERS) < _NUMBERS_MAX:
            array.flags.writeable = False
            _NUMBERS[key] = array
    return array


def _scan(inputs):
    """One pass over an op's inputs: their arrays (numbers as they are), the tensors' one dtype
    (False once they differ or an input is neither), whether any requires grad, and whether one
    of those is an inference tensor."""
    arrays = []
    dtype = None
    wants_grad = inference = False
    for x in inputs:
        kind = type(x)
        if kind is float or kind is int:
            arrays.append(x)
            continue
        data = getattr(x, "_data", None)
        if data is None:
            arrays.append(x)
            dtype = False
            continue
        arrays.append(data)
        if x._requires_grad:
            wants_grad = True
            if x._counter is None:
                inference = True
        if dtype is None:
            dtype = data.dtype
        elif data.dtype is not dtype:
            dtype = False
    return arrays, dtype, wants_grad, inference


def _view(op, base, data, params):
    """The output of a view op: it shares its base's memory and version counter."""
    out = View._make(data)
    # A view and its base see each other's changes (a view of a detached inference tensor is an
    # inference tensor: no counter)
    counter = base._counter
    out._counter = counter = counter if type(counter) is list else None
    out._base = base._base if base._base is not None else base
    out._view_chain = base._view_chain + ((op, params),)
    out._view_version = None if counter is None else counter[0]
    # How it was made, as PyTorch's CreationMeta (propagate_creation_meta): a view made in grad
    # mode keeps its base's; one made under no_grad or inference_mode says so, unless its base
    # was made in inference mode.
    previous = getattr(base, "_creation", None)
    now = "inference" if _state.inference else None if _state.enabled else "no_grad"
    out._creation = previous if now is None or previous == "inference" else now
    return out


# The name of a matrix product's second argument, as PyTorch's argument parser names it
_SECOND_ARGUMENT = {"mm": "mat2", "bmm": "mat2", "mv": "vec", "dot": "tensor"}


def autograd_first(op, a, b):
    """What PyTorch's autograd kernel for ``op`` does before the op's own kernel checks shapes and
    dtypes: read each input's history (a view whose base was changed in another grad mode raises
    there) and save the inputs backward will read (an inference tensor is refused)."""
    if not isinstance(b, Tensor):  # (PyTorch's argument parser, before all that)
        raise error("product_argument", fn=op.name, arg=_SECOND_ARGUMENT[op.name],
                    type=type_name(b))
    if not _state.enabled or not (a._requires_grad or b._requires_grad):
        return
    if type(a) is Tensor and type(b) is Tensor and a._counter is not None and b._counter is not None:
        return  # (nothing here can raise)
    if _inference_only(op, (a, b), _NO_PARAMS):
        return
    needed = 0
    for k, x in enumerate((a, b)):
        if x.requires_grad:
            x.grad_fn  # noqa: B018  (a view regenerates its history here, or raises)
            needed |= 1 << k
    for name, k in op.saves_for(needed):
        if k >= 0 and (a, b)[k]._counter is None:
            raise error("inference_saved", (a, b)[k])


# Ops whose Python number PyTorch wraps into a (normal) tensor: torch/csrc/utils/python_arg_parser.cpp
# should_allow_numbers_as_tensors (add, sub, mul, div); rsub's composite kernel wraps its number too.
_NUMBERS_AS_TENSORS = frozenset(("add", "sub", "mul", "div", "rsub"))


def _inference_only(op, inputs, params):
    """True when PyTorch would not record ``op`` although an input requires grad: an inference
    tensor (made under inference_mode) has no autograd dispatch key, so outside the block an op
    is recorded only if another of its tensor arguments is a normal tensor. Those include the
    wrapped Python number of add/sub/mul/div and the index / condition tensors that gradlab passes
    as arrays (``a[[0, 1]]``, ``where(a > 0, a, a)`` are recorded; ``a.sum()``, ``a * a`` not)."""
    for x in inputs:
        if isinstance(x, Tensor):
            if x._counter is not None:
                return False
        elif op.name in _NUMBERS_AS_TENSORS:
            return False
    if op.name == "rsub":
        return False
    for value in params.values():  # an index list becomes a tensor too
        if isinstance(value, np.ndarray) or (
                isinstance(value, tuple) and any(isinstance(k, (np.ndarray, list)) for k in value)):
            return False
    kernel = _OUT_KERNELS.get(op.node_name)
    if kernel is not None:
        raise error("out_autograd", fn=kernel)
    return True


# Ops whose PyTorch kernel writes its result through another op's out= overload: with only
# inference tensors as inputs, that out= call (on a normal result) is what autograd sees, and it
# refuses an input that requires grad (a.mean() on an inference leaf: "sum(): functions with out=...").
_OUT_KERNELS = {"MeanBackward0": "sum", "MeanBackward1": "sum", "AbsBackward0": "abs",
                "PowBackward2": "pow"}


def _promoted(op, inputs, params):
    """The inputs' arrays in the dtype the op computes in (PyTorch's ``result_type``)."""
    scalars = (params[op.scalar],) if op.scalar else ()
    dtype = result_type(*inputs, *scalars)
    if op.promote == "float" and not dtype.is_floating_point:
        dtype = _dtype.default_float
    target = dtype.np
    return [x._data.astype(target, copy=False) if hasattr(x, "_data") else np.asarray(x, target)
            for x in inputs]
