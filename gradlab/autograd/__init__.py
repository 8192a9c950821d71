"""``gradlab.autograd``: ``backward`` and ``grad``, the two ways to run the engine."""
from __future__ import annotations

import numpy as np

from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,
                        no_grad, set_grad_enabled)
from . import engine
from .graph import AccumulateGrad, Node
from ..errors import error
from .gradcheck import GradcheckError, gradcheck
from .variable import Variable
from .function import Function, FunctionCtx, once_differentiable


def _as_tuple(x):
    if x is None:
        return None
    if type(x) is tuple:
        return x
    return (x,) if not isinstance(x, (tuple, list)) else tuple(x)


def _roots(outputs, grad_outputs):
    """Pair each output with its gradient, checking them as PyTorch does."""
    grads = _as_tuple(grad_outputs) or (None,) * len(outputs)
    if grad_outputs is not None:  # PyTorch checks the types first, then the count
        for grad in grads[:len(outputs)]:
            if grad is not None and not hasattr(grad, "_data"):
                raise error("gradient_type", type=type(grad).__name__)
    if len(grads) != len(outputs):
        raise error("grad_outputs_count", ngrads=len(grads), noutputs=len(outputs))
    roots = []
    for i, (out, grad) in enumerate(zip(outputs, grads)):
        if not out._requires_grad:
            raise error("no_grad_output", out, index=i)
        if grad is None:
            data = out._data
            if data.size != 1:
                raise error("scalar_outputs", out)
            # (the engine wraps it if need be; np.array is 4x quicker than np.ones for a 0-d one)
            grad = np.array(1, data.dtype) if not data.shape else np.ones(data.shape, data.dtype)
        else:
            grad = _checked_gradient(out, grad, i)
        edge = out.grad_fn or out._edge()
        if edge is None:  # a no_grad view of a tensor that requires grad: nothing to run
            raise error("no_grad_output", out, index=i)
        roots.append((edge, grad))
    return roots


def _checked_gradient(out, grad, i):
    from .._tensor import Tensor
    if not isinstance(grad, Tensor):
        raise error("gradient_type", type=type(grad).__name__)
    if grad.shape != out.shape:
        raise error("grad_shape", out, index=i, got=grad.shape, expected=out.shape,
                    got_tuple=tuple(grad.shape), expected_tuple=tuple(out.shape))
    if grad.dtype is not out.dtype:
        grad = grad.to(out.dtype)
    return grad


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
    if not inputs:
        raise error("backward_inputs_empty")
    inputs = tuple({id(t): t for t in inputs}.values())  # each input once, as in PyTorch
    for t in inputs:
        if not t.requires_grad:  # PyTorch retains the grad of each input: refused here
            raise error("retain_grad_no_grad", t)
        if t.grad_fn is not None:  # a non-leaf input keeps its gradient: retain_grad, as PyTorch
            t.retain_grad()
    # A leaf input's AccumulateGrad runs in its turn, as in PyTorch (a node that raises later
    # leaves it accumulated); a non-leaf's retained-grad hook stores its gradient.
    capture = _Capture(roots, [t._edge() for t in inputs], accumulate=True)
    engine.run_backward(roots, retain_graph, create_graph, capture.run)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=None, materialize_grads=False):
    """The gradients of ``outputs`` with respect to ``inputs``, returned, not accumulated."""
    from .._tensor import Tensor
    outputs, inputs = _as_tuple(outputs), _as_tuple(inputs)
    if retain_graph is None:
        retain_graph = create_graph
    for t in inputs:
        if not t.requires_grad:
            raise error("input_no_grad", t)
    roots = _roots(outputs, grad_outputs)
    edges = [t._edge() for t in inputs]
    capture = _Capture(roots, edges)
    engine.run_backward(roots, retain_graph, create_graph, capture.run)
    result = []
    for i, (t, e) in enumerate(zip(inputs, edges)):
        g = capture.grads.get(e)
        if g is None:
            if materialize_grads:
                from .._creation import zeros_like
                g = zeros_like(t)
            elif not allow_unused:
                raise error("unused_input", t, index=i)
        elif not hasattr(g, "_data"):
            g = Tensor._make(np.asarray(g))
        result.append(g)
    return tuple(result)


class _Capture:
    """How ``autograd.grad`` (and ``backward(inputs=...)``) runs the engine: the gradient arriving
    at each target node is captured, no leaf is accumulated into (but the targets' own, for
    ``backward(inputs=...)``: ``accumulate``), and nodes on no path to a target are not run."""

    def __init__(self, roots, targets, accumulate=False):
        self.accumulate = accumulate
        # A target with no edge (a no_grad view) is reached by nothing: its gradient stays None.
        self.grads = {node: None for node in targets if node is not None}
        self.roots = {node for node, _ in roots}
        self.needed = _needed(list(self.roots), self.grads)

    def run(self, node, grad):
        if node not in self.needed:  # pruned: PyTorch never runs it; a root's hooks still run
            if node in self.roots and node._pre_hooks:
                engine.call_hooks(node, grad)
            return None
        if node._pre_hooks:
            grad = engine.call_hooks(node, grad)
        if node in self.grads:
            if self.accumulate and isinstance(node, AccumulateGrad):
                return node.apply(grad)  # (backward(inputs=...) reads no captured gradient)
            self.grads[node] = grad
            if not any(child in self.needed for child in node._next):
                return None  # a target with nothing needed behind it is not run
        if isinstance(node, AccumulateGrad):
            return ()
        return node.apply(grad)


def _needed(roots, targets):
    """Nodes that lie on a path from a root to one of ``targets``."""
    reachable, stack = set(roots), list(roots)
    while stack:
        for child in stack.pop()._next:
            if child is not None and child not in reachable:
                reachable.add(child)
                stack.append(child)
    needed = set(targets)
    # Inputs are created before the ops that use them, so in sequence order every node comes
    # after all of its children: one pass decides each node from its children.
    for node in sorted(reachable, key=lambda n: n.seq):
        if node not in needed and any(c in needed for c in node._next):
            needed.add(node)
    return needed


__all__ = ["backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
           "inference_mode", "is_inference_mode_enabled", "Node", "gradcheck", "GradcheckError", "Variable",
           "Function", "FunctionCtx", "once_differentiable",
           "functional"]


from . import functional  # noqa: E402  (it builds on grad above)
