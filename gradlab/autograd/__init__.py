"""``gradlab.autograd``: ``backward`` and ``grad``, the two ways to run the engine."""
from __future__ import annotations

from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,
                        no_grad, set_grad_enabled)
from . import engine
from .graph import Node
from ..errors import error
from .gradcheck import GradcheckError, gradcheck
from .variable import Variable


def _as_tuple(x):
    if x is None:
        return None
    return (x,) if not isinstance(x, (tuple, list)) else tuple(x)


def _roots(outputs, grad_outputs):
    """Pair each output with its gradient, checking them as PyTorch does."""
    from .._tensor import Tensor
    grads = _as_tuple(grad_outputs) or (None,) * len(outputs)
    if len(grads) != len(outputs):
        raise error("grad_outputs_count", ngrads=len(grads), noutputs=len(outputs))
    roots = []
    for i, (out, grad) in enumerate(zip(outputs, grads)):
        if not out.requires_grad:
            raise error("no_grad_output", out, index=i)
        if grad is None:
            if out.numel() != 1:
                raise error("scalar_outputs", out)
            grad = Tensor._make(__import__("numpy").ones(out._data.shape, dtype=out._data.dtype))
        elif not isinstance(grad, Tensor):
            raise error("gradient_type", type=type(grad).__name__)
        elif grad.shape != out.shape:
            raise error("grad_shape", out, index=i, got=grad.shape, expected=out.shape,
                        got_tuple=tuple(grad.shape), expected_tuple=tuple(out.shape))
        elif grad.dtype is not out.dtype:
            grad = grad.to(out.dtype)
        roots.append((out._edge(), grad))
    return roots


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Compute the gradient of ``tensors`` and add it into the ``.grad`` of the leaves."""
    tensors = _as_tuple(tensors)
    if retain_graph is None:
        retain_graph = create_graph
    roots = _roots(tensors, grad_tensors)
    if inputs is None:
        engine.run_backward(roots, retain_graph, create_graph)
        return
    inputs = _as_tuple(inputs)
    capture = {t._edge(): None for t in inputs}
    engine.run_backward(roots, retain_graph, create_graph, capture)
    for t in inputs:
        grad = capture[t._edge()]
        if grad is not None:
            engine.accumulate(t, grad, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=None, materialize_grads=False):
    """The gradients of ``outputs`` with respect to ``inputs``, returned, not accumulated."""
    outputs, inputs = _as_tuple(outputs), _as_tuple(inputs)
    if retain_graph is None:
        retain_graph = create_graph
    for t in inputs:
        if not t.requires_grad:
            raise error("input_no_grad", t)
    roots = _roots(outputs, grad_outputs)
    edges = [t._edge() for t in inputs]
    capture = {e: None for e in edges}
    engine.run_backward(roots, retain_graph, create_graph, capture)
    result = []
    for i, (t, e) in enumerate(zip(inputs, edges)):
        g = capture[e]
        if g is None:
            if materialize_grads:
                from .._creation import zeros_like
                g = zeros_like(t)
            elif not allow_unused:
                raise error("unused_input", t, index=i)
        result.append(g)
    return tuple(result)


__all__ = ["backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
           "inference_mode", "is_inference_mode_enabled", "Node", "gradcheck", "GradcheckError", "Variable",
           "functional"]


from . import functional  # noqa: E402  (it builds on grad above)
