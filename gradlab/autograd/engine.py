"""The backward pass: walk the recorded graph from the outputs to the leaves, without recursion.

1. Count, for every node reachable from the roots, how many edges lead into it.
2. Run nodes whose count has dropped to zero, the most recently created first (PyTorch's
   order). Running a node applies its op's derivative rules to the gradient summed for it
   (``Node.apply``; each result is reduced to its input's shape by ``sum_to``, the one place
   broadcasting is undone); ``AccumulateGrad`` adds into a leaf's ``.grad``.

``backward_pass`` is that loop. For ``backward()`` a node run is its hooks, then its rules;
``autograd.grad`` passes its own (capture, pruning), and the diagrams' stepper its own
(``dry_run``: every step recorded, nothing accumulated).
"""
from __future__ import annotations

import heapq
import itertools

import numpy as np

from .graph import AccumulateGrad, Node
from ..errors import error
from .grad_mode import _state
from ..ops import reduced_axes, sum_to  # noqa: F401  (re-exported: the stepper and gradcheck)


def backward_pass(roots, retain_graph=False, run=None):
    """Run backward from ``roots`` = [(node, gradient)]. ``run(node, grad)``, when given, runs a
    node instead (``autograd.grad`` captures and prunes, the stepper records): it returns the
    gradient for each of the node's inputs, or None when it skipped the node (a skipped node
    keeps what it saved, as in PyTorch). Without it, a node runs its hooks, then its rules."""
    pending = {}  # node -> the sum of the gradients sent to it so far, while more are to come
    # The nodes that may run, the most recently created first (PyTorch's order): a heap of
    # (-seq, tie, node, gradient), ties (AccumulateGrad) in the order they became ready. A node
    # made ready that would be popped next anyway (a chain's usual case) runs next without it.
    if len(roots) == 1:  # backward() of one output: it runs first, nothing else leads into it
        (node, grad), = roots
        deps, ready, tie = dependencies((node,)), [], 1
    else:
        for node, grad in roots:
            pending[node] = pending[node] + grad if node in pending else grad
        deps = dependencies(pending)
        starts = list(pending)
        ready = [(-node.seq, k, node, pending.pop(node))
                 for k, node in enumerate(starts) if node not in deps]
        heapq.heapify(ready)
        tie = len(starts)  # (past every root's k: two entries never tie, nodes are never compared)
        node = None
    while node is not None or ready:
        if node is None:
            _, _, node, grad = heappop(ready)
        grads = _NO_GRADS
        if grad is not None:  # (None: no gradient reached this node; it still counts down)
            if run is not None:
                grads = run(node, grad)
            else:
                if node._pre_hooks:
                    grad = call_hooks(node, grad)
                grads = node.apply(grad)
            if grads is None:  # skipped: it sends nothing, and keeps what it saved
                grads = _NO_GRADS
            elif not retain_graph:
                node.release()
        children = node._next
        node = grad = None
        for child, g in zip(children, grads):
            if child is None:
                continue
            left = deps[child] - 1
            if left:  # more gradients for it are still to come: keep the sum so far
                deps[child] = left
                if g is not None:
                    pending[child] = pending[child] + g if child in pending else g
                continue
            if child in pending:  # its last gradient: the sum is complete
                g = pending.pop(child) if g is None else pending.pop(child) + g
            if node is None and (not ready or -child.seq < ready[0][0]):
                node, grad = child, g
                continue
            if node is not None:  # two became ready: let the heap order them
                tie += 1
                heappush(ready, (-node.seq, tie, node, grad))
                node = grad = None
            tie += 1
            heappush(ready, (-child.seq, tie, child, g))
        grads = g = None  # hold no gradient between nodes: a leaf stores an unshared one without a copy


_NO_GRADS = itertools.repeat(None)  # what a node that did not run sends each child
heappop, heappush = heapq.heappop, heapq.heappush


def call_hooks(node, grad):
    """Hooks see (and may return) Tensors, whatever the engine computes with."""
    arrays = not hasattr(grad, "_data")
    t = _tensor(np.asarray(grad)) if arrays else grad
    for hook in tuple(node._pre_hooks):
        result = hook(t)
        if result is not None:
            if not hasattr(result, "_data"):
                raise error("hook_returned", type=type(result).__name__)
            if result._data.shape != t._data.shape:
                raise error("hook_size", hook=getattr(hook, "__name__", "hook"),
                            expected=tuple(t._data.shape), got=tuple(result._data.shape))
            t = result
    return t._data if arrays else t


def dependencies(roots):
    """How many edges lead into each node reachable from ``roots`` (explicit stack)."""
    deps, stack = {}, list(roots)
    while stack:
        for child in stack.pop()._next:
            if child is None:
                continue
            if child in deps:
                deps[child] += 1
            else:
                deps[child] = 1
                if child not in roots:  # a root is on the stack already
                    stack.append(child)
    return deps


def run_backward(roots, retain_graph=False, create_graph=False, run=None):
    """``backward_pass`` with grad mode as backward needs it: rules are recorded only under
    ``create_graph``, and then they get Tensors (else NumPy arrays: nothing to record)."""
    if create_graph:
        roots = [(node, g if hasattr(g, "_data") else _tensor(g)) for node, g in roots]
    else:
        roots = [(node, g._data if hasattr(g, "_data") else np.asarray(g)) for node, g in roots]
    previous = _state.enabled
    _state.enabled = create_graph
    try:
        backward_pass(roots, retain_graph, run)
    finally:
        _state.enabled = previous


def _tensor(array):
    from .._tensor import Tensor
    return Tensor._make(array)


def dry_run(roots):
    """The stepper's pass (``gradlab.viz.backward_steps``): the same nodes in the same order with
    the same gradients as ``backward()``, as Tensors, one event per node run; no hook is called,
    no ``.grad`` touched, and the graph is kept. An op's event also carries each rule's result
    before ``sum_to`` (``raw``), so the stepper can show how broadcasting was undone."""
    events = []

    def run(node, grad):
        if isinstance(node, AccumulateGrad):
            events.append({"node": node, "grad_in": grad, "previous": node.variable._grad,
                           "outputs": ()})
            return ()
        raw = [None if child is None else node.input_grad(i, grad, True)
               for i, child in enumerate(node._next)]
        outputs = []
        for i, r in enumerate(raw):
            if r is not None:
                r = sum_to(r, node.shapes[i])
                if r._data.dtype != node.dtypes[i]:
                    r = r.to(node.dtypes[i])
            outputs.append(r)
        events.append({"node": node, "grad_in": grad, "outputs": outputs, "raw": raw})
        return outputs

    tensor_roots = [(node, g if hasattr(g, "_data") else _tensor(g)) for node, g in roots]
    previous = _state.enabled
    _state.enabled = False
    try:
        backward_pass(tensor_roots, retain_graph=True, run=run)
    finally:
        _state.enabled = previous
    return events

