"""Recording: run an op's forward and, when a gradient must flow, add its node to the graph.

Every differentiable Tensor method ends in ``record(op, *inputs, **params)``: inputs are
tensors and Python numbers, promoted to one dtype as PyTorch's ``result_type`` says; the op's
forward runs on their arrays; a node is made only when grad mode is on and an input requires
grad, and it saves only what the rules of those inputs read.
"""
from __future__ import annotations

import numpy as np

from . import _dtype
from ._dtype import result_type
from .autograd.grad_mode import _state
from .autograd.graph import make_node

from . import _tensor as _t  # noqa: E402  (Tensor itself: imported while _tensor loads)


def record(op, *inputs, **params):
    """Run ``op`` forward on tensors and Python numbers; record it if a gradient must flow."""
    # One pass over the inputs: their arrays, whether they share one dtype, whether any needs grad.
    arrays = []
    dtype = None  # the tensors' one dtype; False once they differ (or an input is no tensor)
    wants_grad = False
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
        if dtype is None:
            dtype = data.dtype
        elif data.dtype is not dtype:
            dtype = False
    if op.promote and (not dtype or dtype.kind != "f" or (
            op.scalar and type(params[op.scalar]) is not float and type(params[op.scalar]) is not int)):
        arrays = _promoted(op, inputs, params)
    # The common case needs no promotion: float tensors of one dtype and Python numbers, which
    # NumPy computes in the array's dtype, as PyTorch does.
    data = op.forward(*arrays, **params)  # NumPy's overflow warnings are silenced in __init__
    if type(data) is not np.ndarray:
        data = np.asarray(data)
    out = _view(op, inputs[0], data, params) if op.view else _t.Tensor._make(data)
    if not wants_grad:
        return out
    if not _state.enabled:  # would have been recorded: the diagrams draw where the graph was cut
        out._cut = "inference_mode" if _state.inference else "no_grad"
        return out
    out._requires_grad = True
    out.grad_fn = make_node(op, inputs, out, params)
    if _state.trace is not None:  # gradcheck wants every node's inputs, to check its rule
        _state.trace.append((out.grad_fn, inputs, params))
    return out


def _view(op, base, data, params):
    """The output of a view op: it shares its base's memory and version counter."""
    out = _t.View._make(data)
    out._counter = counter = base._counter  # a view and its base see each other's changes
    out._base = base._base if base._base is not None else base
    out._view_chain = base._view_chain + ((op, params),)
    out._view_version = None if counter is None else counter[0]
    # How it was made, as PyTorch's CreationMeta: a view of a view keeps its base's.
    out._creation = getattr(base, "_creation", None) or (
        "inference" if _state.inference else None if _state.enabled else "no_grad")
    return out


def _promoted(op, inputs, params):
    """The inputs' arrays in the dtype the op computes in (PyTorch's ``result_type``)."""
    scalars = (params[op.scalar],) if op.scalar else ()
    dtype = result_type(*inputs, *scalars)
    if op.promote == "float" and not dtype.is_floating_point:
        dtype = _dtype.default_float
    target = dtype.np
    return [x._data.astype(target, copy=False) if hasattr(x, "_data") else np.asarray(x, target)
            for x in inputs]
