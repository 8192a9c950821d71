"""The backward pass: walk the recorded graph from the outputs to the leaves, without recursion.

1. Count, for every node reachable from the roots, how many edges lead into it.
2. Run nodes whose count has dropped to zero, the most recently created first (PyTorch's
   order). Running a node applies its op's derivative rules to the gradient summed for it, and
   ``sum_to`` reduces each result to its input's shape: the one place broadcasting is undone.
3. ``AccumulateGrad`` adds into a leaf's ``.grad``; ``autograd.grad`` captures instead.

``backward_events`` yields every step, so the diagrams' stepper shows the real engine at work.
"""
from __future__ import annotations

import heapq

from .graph import AccumulateGrad
from .grad_mode import set_grad_enabled


def reduced_axes(grad_shape, shape):
    """The axes broadcasting added or stretched, which must be summed to get back to ``shape``."""
    lead = len(grad_shape) - len(shape)
    return tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and grad_shape[lead + i] != 1)


def sum_to(grad, shape):
    """Reduce a gradient of a broadcast result back to the shape of the input it belongs to."""
    if grad._data.shape == shape:
        return grad
    axes = reduced_axes(grad._data.shape, shape)
    if axes:
        grad = grad.sum(dim=axes, keepdim=True)
    return grad.reshape(shape) if grad._data.shape != shape else grad


def _dependencies(roots):
    """How many edges lead into each node reachable from ``roots`` (explicit stack)."""
    deps, seen, stack = {}, set(roots), list(roots)
    while stack:
        node = stack.pop()
        for child, _ in node.next_functions:
            if child is None:
                continue
            deps[child] = deps.get(child, 0) + 1
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return deps


def _needed(roots, targets):
    """Nodes that lie on a path from a root to one of ``targets`` (for ``autograd.grad``)."""
    reachable, stack = set(roots), list(roots)
    while stack:
        for child, _ in stack.pop().next_functions:
            if child is not None and child not in reachable:
                reachable.add(child)
                stack.append(child)
    needed = set(targets)
    # Inputs are created before the ops that use them, so in sequence order every node comes
    # after all of its children: one pass decides each node from its children.
    for node in sorted(reachable, key=lambda n: n.seq):
        if node not in needed and any(c in needed for c, _ in node.next_functions):
            needed.add(node)
    return needed


def backward_events(roots, retain_graph=False, create_graph=False, capture=None, dry_run=False):
    """Run backward from ``roots`` = [(node, gradient)], yielding one event per node run.

    ``capture`` maps node -> None for ``autograd.grad``: gradients arriving there are captured
    into it, leaves are not accumulated into, and branches that lead to no captured node are
    not computed. Each event is a dict the stepper can show. ``dry_run`` (the stepper,
    ``gradlab.viz.backward_steps``) runs the same pass without touching any tensor: hooks are
    not called and leaves are not accumulated into, but their events still come.
    """
    root_nodes, buffers = [], {}
    # Gradients that someone else may hold (the caller's ``gradient=``, a hook's result, a rule
    # that passes its input through): a leaf must store a copy of these, not the array itself.
    borrowed = {id(grad) for _, grad in roots}
    for node, grad in roots:
        if node in buffers:
            buffers[node] = buffers[node] + grad
        else:
            root_nodes.append(node)
            buffers[node] = grad
    deps = _dependencies(root_nodes)
    needed = _needed(root_nodes, capture) if capture is not None else None
    ready = [(-node.seq, i, node) for i, node in enumerate(root_nodes) if node not in deps]
    heapq.heapify(ready)
    tie = len(ready)
    with set_grad_enabled(create_graph):
        while ready:
            node = heapq.heappop(ready)[2]
            grad = buffers.pop(node, None)  # None: no gradient reached this node
            outputs = ()
            if grad is not None:
                for hook in tuple(node._pre_hooks or ()) if not dry_run else ():
                    result = hook(grad)
                    if result is not None:
                        grad = result
                        borrowed.add(id(grad))
                if capture is not None and node in capture:
                    capture[node] = grad
                if isinstance(node, AccumulateGrad):
                    if capture is None:
                        previous = node.variable._grad
                        if not dry_run:
                            accumulate(node.variable, grad, create_graph, owned=id(grad) not in borrowed)
                        yield {"node": node, "grad_in": grad, "previous": previous, "outputs": ()}
                    continue
                if needed is None or node in needed:
                    outputs = _run(node, grad)
                    borrowed.update(id(o) for o in outputs if o is grad)
                    yield {"node": node, "grad_in": grad, "outputs": outputs}
            if not retain_graph and not isinstance(node, AccumulateGrad):
                node.release()
            for i, (child, _) in enumerate(node.next_functions):
                if child is None:
                    continue
                if outputs and outputs[i] is not None:
                    buffers[child] = outputs[i] if child not in buffers else buffers[child] + outputs[i]
                deps[child] -= 1
                if deps[child] == 0:
                    tie += 1
                    heapq.heappush(ready, (-child.seq, tie, child))


def _run(node, grad):
    """Apply the op's derivative rule for each input that needs a gradient."""
    rules, outputs = node.op.grads, []
    for i, (child, _) in enumerate(node.next_functions):
        if child is None:
            outputs.append(None)
            continue
        g = sum_to(rules[i](grad, node), node.shapes[i])
        if g._data.dtype != node.dtypes[i].np:  # e.g. float32 flowing into a float64 input
            g = g.to(node.dtypes[i])
        outputs.append(g)
    return outputs


def accumulate(variable, grad, create_graph=False, owned=False):
    """``AccumulateGrad``: the first gradient is stored, later ones are added in place.

    ``owned``: nobody else holds this gradient, so its array can become ``.grad`` without a copy
    (a view of another array never qualifies).
    """
    if variable._grad is None:
        if create_graph:
            variable._grad = grad
        elif owned and grad._data.flags.owndata and grad._data.flags.writeable:
            variable._grad = grad.detach()
        else:
            variable._grad = grad.detach().clone()
    elif create_graph or variable._grad.requires_grad:
        variable._grad = variable._grad + grad
    else:
        variable._grad._data += grad._data
        if variable._grad._counter is not None:
            variable._grad._counter[0] += 1


def run_backward(roots, retain_graph=False, create_graph=False, capture=None):
    for _ in backward_events(roots, retain_graph, create_graph, capture):
        pass
