"""The backward pass, one node at a time: what arrives, which rule applies, what is sent where.

``backward_steps`` runs the real engine's loop (``gradlab.autograd.engine.dry_run``): the same
nodes in the same order with the same gradients as ``backward()``, but no leaf's ``.grad`` is
touched, no hook is called (a hook that changes a gradient is therefore not shown) and the graph
is kept. Each event becomes a ``Frame``. The derivative
rules' text comes from the op table (``gradlab.ops``), and broadcast reductions from
``engine.reduced_axes``, the one place broadcasting is undone.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import numpy as np

from .._repr import tensor_str
from . import _model, _render


def _values(t, indent=0):
    array = np.asarray(getattr(t, "_data", t))
    return tensor_str(array, indent)


def _line(head, value, tail=""):
    """``head`` then a tensor's values (as repr prints them), rows aligned under the first."""
    return head + _values(value, len(head)) + tail


@dataclass
class Send:
    """What one input of a node receives in one step."""
    letter: str            # the input's name in the rule: a, b, ...
    source: str            # what that input is: "x", "AddBackward0", "a constant", "the number 2"
    rule: str | None       # the op table's rule for this input (None: no gradient flows)
    value: object = None   # the gradient sent (a Tensor), after any broadcast reduction
    reduction: str = ""    # "(3, 4) → (4,): summed over axis 0"


@dataclass
class Frame:
    """One step of the backward pass (one node run by the engine)."""
    index: int
    total: int
    node: object                     # the backward node, or AccumulateGrad
    name: str                        # PyTorch's name: MulBackward0, AccumulateGrad
    item_id: str                     # its box in the diagram
    title: str                       # "MulBackward0  a · b" or "AccumulateGrad for x"
    grad_in: object                  # the gradient arriving (summed over what was sent here)
    arrivals: list = field(default_factory=list)   # [(from, Tensor)] that summed to grad_in
    sends: list = field(default_factory=list)      # [Send] for an op
    leaf: str | None = None          # AccumulateGrad: the leaf's name
    previous: object = None          # AccumulateGrad: the leaf's .grad before (an earlier backward's)
    updates: list = field(default_factory=list)    # ledger lines this step added
    grads: dict = field(default_factory=dict)      # every leaf: what its .grad holds after this step
    waiting: dict = field(default_factory=dict)    # leaf: gradient sent to its AccumulateGrad, not stored yet
    stored: frozenset = frozenset()  # leaves whose AccumulateGrad has run
    pending: frozenset = frozenset()  # leaves with contributions not yet stored

    def text(self):
        """The ledger for this step, as the stepper widget shows it."""
        lines = [f"Step {self.index + 1} of {self.total}: {self.title}"]
        if len(self.arrivals) > 1:
            lines.append("gradient arriving = the sum of what was sent here:")
            for source, value in self.arrivals:
                lines.append(_line("    ", value, f"   from {source}"))
            lines.append(_line("  = ", self.grad_in))
        else:
            source = self.arrivals[0][0] if self.arrivals else "the start"
            lines.append(_line(f"gradient arriving from {source}: ", self.grad_in))
        for send in self.sends:
            if send.rule is None:
                lines.append(f"  {send.letter} = {send.source}: needs no gradient")
                continue
            lines.append(f"  {send.letter} = {send.source}:  {send.rule}")
            lines.append(_line("    sends ", send.value))
            if send.reduction:
                lines.append(f"    broadcast undone: {send.reduction}")
        if self.leaf is not None:
            if self.previous is None:
                lines.append(_line(f"{self.leaf}.grad was None: AccumulateGrad stores ", self.grad_in))
            else:
                lines.append(_line(f"{self.leaf}.grad already held ", self.previous,
                                   " from an earlier backward():"))
                lines.append(_line(f"AccumulateGrad adds to it: {self.leaf}.grad = ",
                                   self.grads[self.leaf]))
        if self.updates:
            lines.append("")
            lines.extend(self.updates)
        lines.append("")
        lines.append(".grad of the leaves after this step:")
        width = max((len(k) for k in self.grads), default=0)
        for name, value in self.grads.items():
            head = f"  {name.ljust(width)}.grad = "
            lines.append(head + "None" if value is None else _line(head, value))
            if name in self.waiting:
                lines.append(_line(f"    waiting at AccumulateGrad for {name}: ", self.waiting[name]))
        return "\n".join(lines)

    __str__ = text


class BackwardSteps(list):
    """The frames of one backward pass, with the diagram they are drawn on."""

    def __init__(self, frames, tensors, names, options, leaves, before):
        super().__init__(frames)
        self._tensors, self._names, self._options = tensors, names, options
        self.leaves = leaves  # {name: leaf tensor}
        self.before = before  # {name: a copy of its .grad when the steps were made, or None}

    def model(self, index=None):
        """The diagram's model; with ``index``, leaves show their ``.grad`` as of that step."""
        override = None
        if index is not None:
            frame = self[index]
            by_id = {id(t): (frame.waiting[name], "arriving") if name in frame.waiting
                     else (frame.grads.get(name), "grad") for name, t in self.leaves.items()}
            override = lambda t: by_id.get(id(t), (None, ""))  # noqa: E731
        return _model.build(self._tensors, self._names, grad_override=override, **self._options)

    def source(self, index, rankdir="LR"):
        """DOT text of the diagram with step ``index``'s node highlighted (gold) and the nodes
        run before it pale yellow; leaves show their ``.grad`` as of that step."""
        model = self.model(index)
        done = [f.item_id for f in self[:index]]
        return _render.dot_source(model, rankdir=rankdir, active=self[index].item_id, done=done)

    def diagram(self, index, rankdir="LR"):
        """``source(index)`` as a displayable diagram (see ``gradlab.viz.draw``)."""
        model = self.model(index)
        done = [f.item_id for f in self[:index]]
        source = _render.dot_source(model, rankdir=rankdir, active=self[index].item_id, done=done)
        text = "\n".join(_render.text_lines(model))
        return _render.make_diagram(source, text, f"backward step {index + 1} of {len(self)}")


def _reduction(node, j, raw):
    """"(3, 4) → (4,): summed over axis 0" when the engine had to undo broadcasting; ``raw`` is
    the rule's result before the engine reduced it (the dry run's event carries it)."""
    from ..autograd import engine
    if raw is None:
        return ""
    target = tuple(node.shapes[j])
    shape = tuple(raw._data.shape)
    if shape == target:
        return ""
    axes = engine.reduced_axes(shape, target)
    where = f"axis {axes[0]}" if len(axes) == 1 else f"axes {axes}"
    return f"{_model.shape_text(shape)} → {_model.shape_text(target)}: summed over {where}"


_CUT_TEXT = {"detach()": "cut off by detach()", "no_grad": "made under no_grad",
             "inference_mode": "made under inference_mode"}


def _no_gradient_input(value, names):
    """What an input that gets no gradient is: a number, a cut tensor, or a constant."""
    if value is not None and not isinstance(value, weakref.ref):
        return f"the number {_model.number_text(value)}"
    t = value() if value is not None else None
    name = names.of(t) if t is not None else None
    cut = getattr(t, "_cut", None)
    if cut:
        return f"{name + ', ' if name else 'a tensor '}{_CUT_TEXT[cut]}"
    return f"{name}, a constant" if name else "a constant"


def backward_steps(loss, gradient=None, names=None, max_nodes=100, max_values=12):
    """The real backward pass from ``loss``, one ``Frame`` per node the engine runs.

    Nothing is accumulated into the leaves and the graph is kept, so ``loss.backward()`` still
    works afterwards. ``names`` is as for ``draw`` (``names=locals()``). Each frame's ``grads``
    are what the leaves' ``.grad`` hold after that step (a gradient left by an earlier
    ``backward()`` until the leaf's ``AccumulateGrad`` adds to it); gradients sent towards a
    leaf and not stored yet are in ``waiting``. The last frame's ``grads`` are what
    ``loss.backward()`` would leave in each leaf's ``.grad``.
    """
    from ..autograd import _roots
    from ..autograd import engine
    from ..autograd.graph import AccumulateGrad

    names = _model.Names(names)
    options = dict(max_nodes=max_nodes, max_values=max_values)
    model = _model.build((loss,), names, **options)
    roots = _roots((loss,), gradient)
    events = engine.dry_run(roots)

    leaf_items = {id(item.tensor): item for item in model.items if item.kind == "leaf"}

    def item_of(node):
        if isinstance(node, AccumulateGrad):
            return leaf_items.get(id(node.variable))
        return model.item_for(node)

    def name_of(node):
        if isinstance(node, AccumulateGrad):
            item = item_of(node)
            return item.name if item is not None else "leaf"
        box = model.item_for(("box", node))
        if box is not None:  # a named tensor (or the loss itself)
            return f"{box.name} (made by {type(node).__name__})"
        return f"the output of {type(node).__name__}"

    leaf_tensors = {item.name: item.tensor for item in leaf_items.values()}
    before = {name: None if t._grad is None else t._grad.detach().clone()
              for name, t in leaf_tensors.items()}  # copies: the learner may change .grad later
    running = dict(before)
    waiting = {}    # leaf -> what this pass has sent to its AccumulateGrad so far
    stored = set()
    arrivals = {}   # node -> [(from, Tensor)]
    root_node = roots[0][0]
    loss_name = names.of(loss) or "loss"
    start = (f"the start (∂{loss_name}/∂{loss_name})" if gradient is None
             else "the start (the gradient passed to backward)")
    arrivals[root_node] = [(start, roots[0][1])]
    frames = []
    for k, event in enumerate(events):
        node, grad_in = event["node"], event["grad_in"]
        item = item_of(node)
        frame = Frame(index=k, total=len(events), node=node, name=type(node).__name__,
                      item_id=item.id if item is not None else "", title="", grad_in=grad_in,
                      arrivals=arrivals.pop(node, []))
        if isinstance(node, AccumulateGrad):
            leaf = name_of(node)
            frame.title = f"AccumulateGrad for {leaf}"
            frame.leaf, frame.previous = leaf, event["previous"]
            new = grad_in if event["previous"] is None else event["previous"] + grad_in
            running[leaf] = new  # exactly as the engine's accumulate computes it
            stored.add(leaf)
            waiting.pop(leaf, None)
        else:
            text = _model.op_text(node)
            frame.title = f"{type(node).__name__}  {text}".rstrip()
            consts = getattr(node, "_constants", None) or {}
            letters = _model._LETTERS
            for j, (child, _) in enumerate(node.next_functions):
                letter = letters[j] if j < len(letters) else f"input {j}"
                if child is None:
                    frame.sends.append(Send(letter, _no_gradient_input(consts.get(j), names), None))
                    continue
                target = name_of(child)
                out = event["outputs"][j]
                rule = node.op.rule_text(j)
                frame.sends.append(Send(letter, target, rule, out, _reduction(node, j, event["raw"][j])))
                if out is None:
                    continue
                arrivals.setdefault(child, []).append((f"{type(node).__name__} (input {letter})", out))
                if isinstance(child, AccumulateGrad):
                    # Not stored yet: the engine sums what reaches AccumulateGrad, which runs
                    # once, after every path to the leaf in this graph has sent its part.
                    if target not in waiting:
                        waiting[target] = out
                    else:
                        waiting[target] = waiting[target] + out
                        frame.updates.append(f"another path to {target} in this graph: its part "
                                             f"adds to what waits at AccumulateGrad for {target}")
        frame.grads = dict(running)
        frame.waiting = dict(waiting)
        frame.stored = frozenset(stored)
        frame.pending = frozenset(waiting)
        frames.append(frame)
    return BackwardSteps(frames, (loss,), names, options, leaf_tensors, before)
