"""The picture of a graph, before it is drawn: items (tensors and backward nodes) and edges.

``build`` walks the recorded graph from the given tensors without recursion, breadth first,
inputs in ``next_functions`` order, and numbers every item from a counter in that order (never
``id()``), so the same code gives the same picture, byte for byte, on every run and machine.

What is drawn:

- one box per backward node, titled with PyTorch's name (``type(node).__name__``) and the op's
  text for learners from ``gradlab.ops`` (``a · b``; Python numbers are written in: ``a + 2``);
- one box per leaf that requires grad (it stands for the leaf's ``AccumulateGrad`` too), per
  output, per named intermediate tensor, and per tensor that entered the graph without needing
  a gradient (a constant);
- edges the way a learner reads the code: inputs → op → output.

Where the graph was cut: a constant that came out of ``detach()`` or was computed under
``no_grad``/``inference_mode`` from a tensor that requires grad is drawn as a *cut*. gradlab
marks such tensors when it makes them (``Tensor._cut``, set by ``detach()`` and by ``apply``
when grad mode is off); "detach() of x" names the source when the cut tensor shares its version
counter with a tensor of the graph that has a name (``detach()`` shares it, as in PyTorch).
"""
from __future__ import annotations

import weakref
from collections import deque

import numpy as np

from .._repr import tensor_str

# What the op's text calls a Python-number parameter (``ops.Op.scalar``).
_SCALAR_SYMBOL = {"exponent": "n", "other": "c", "base": "c"}
_LETTERS = "abcdefgh"


class Item:
    """One box of the picture."""

    __slots__ = ("id", "kind", "name", "title", "lines", "inputs", "node", "tensor", "output", "cut")

    def __init__(self, id, kind, title, lines=(), node=None, tensor=None):
        self.id = id
        self.kind = kind          # "op", "leaf", "tensor", "constant", "cut" or "more"
        self.name = title         # the learner's name for a tensor (title without the shape)
        self.title = title
        self.lines = list(lines)  # the label's further lines
        self.inputs = []          # [(item, input letter, edge kind, shape text)] in input order
        self.node = node          # the backward node (op) or AccumulateGrad (leaf)
        self.tensor = tensor
        self.output = False
        self.cut = None


class Model:
    """Items in walk order, each with its inputs; ``more`` counts the nodes left undrawn."""

    def __init__(self):
        self.items = []
        self.roots = []
        self.by_node = {}     # backward node / AccumulateGrad -> item (op or leaf)
        self.hidden = 0       # nodes not drawn because of max_nodes

    def new(self, kind, title, lines=(), node=None, tensor=None):
        item = Item(f"n{len(self.items)}", kind, title, lines, node, tensor)
        self.items.append(item)
        return item

    def item_for(self, node):
        return self.by_node.get(node)


# -- names -------------------------------------------------------------------------------------

class Names:
    """The learner's names for tensors: ``names=locals()`` (or any ``{name: object}``), and a
    tensor's own ``.name``. Names starting with ``_`` (IPython's ``_``, ``_1``, ...) are skipped;
    a module's parameters are named ``model.weight``; the first name of a tensor wins."""

    def __init__(self, names):
        from .._tensor import Tensor
        self.by_id = {}
        self.by_node = {}
        self._keep = []  # the named tensors, alive while we use their ids
        for name, value in (names or {}).items():
            if not isinstance(name, str) or name.startswith("_"):
                continue
            if isinstance(value, Tensor):
                self._add(name, value)
            elif hasattr(value, "named_parameters") and callable(value.named_parameters):
                try:
                    for pname, p in value.named_parameters():
                        self._add(f"{name}.{pname}", p)
                except Exception:  # not a module after all
                    pass

    def _add(self, name, t):
        if id(t) in self.by_id:
            return
        self.by_id[id(t)] = name
        self._keep.append(t)
        if t.grad_fn is not None:
            self.by_node.setdefault(t.grad_fn, (name, t))

    def of(self, t):
        if t is None:
            return None
        return getattr(t, "name", None) or self.by_id.get(id(t))

    def counters(self):
        """Version counters of named tensors that require grad: {id(counter): name}."""
        out = {}
        for t in self._keep:
            counter = getattr(t, "_counter", None)
            if t.requires_grad and counter is not None:
                out.setdefault(id(counter), self.of(t))
        return out


# -- text --------------------------------------------------------------------------------------

def shape_text(shape):
    return str(tuple(shape))


def value_lines(array, max_values):
    """A tensor's values as ``repr`` prints them (gradlab/_repr.py), one string per line."""
    array = np.asarray(array)
    if array.size > max_values:
        return [f"({array.size} values)"]
    return tensor_str(array, 0).split("\n")


def number_text(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return repr(value)


def op_text(node):
    """The op's text for learners with Python numbers written in: ``a + 2``, ``a ** 3``."""
    op = type(node).op
    text = op.text or ""
    constants = getattr(node, "_constants", None) or {}
    subs = {}
    for i, value in constants.items():
        if not isinstance(value, weakref.ref) and i < len(_LETTERS):  # a number
            subs[_LETTERS[i]] = number_text(value)
    if op.scalar and op.scalar in node.params:
        subs[_SCALAR_SYMBOL.get(op.scalar, op.scalar)] = number_text(node.params[op.scalar])
    if not subs:
        return text
    out = []
    for i, ch in enumerate(text):
        isolated = (i == 0 or not text[i - 1].isalnum()) and (i + 1 == len(text) or not text[i + 1].isalnum())
        out.append(subs[ch] if ch in subs and isolated else ch)
    return "".join(out)


# -- the walk ----------------------------------------------------------------------------------

def _leaf_lines(t, show_data, show_grad, max_values, grad_override):
    lines = []
    if show_data:
        lines += value_lines(t._data, max_values)
    if show_grad:
        # The stepper overrides: (the .grad as of its step, "grad" or "grad so far").
        grad, head = grad_override(t) if grad_override is not None else (t._grad, "grad")
        if grad is not None:
            vals = value_lines(getattr(grad, "_data", grad), max_values)
            lines.append(f"{head} {vals[0]}")
            lines += [" " * (len(head) + 1) + v for v in vals[1:]]
    return lines


def build(tensors, names=None, show_data=True, show_grad=True, max_nodes=100, max_values=12,
          grad_override=None):
    """Walk the graph behind ``tensors`` (iteratively) into a ``Model``."""
    from .._tensor import Tensor
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"draw() takes tensors, not {type(t).__name__}")
    names = names if isinstance(names, Names) else Names(names)
    builder = _Builder(names, show_data, show_grad, max_nodes, max_values, grad_override)
    builder.add_outputs(tensors)
    builder.walk()
    return builder.finish()


class _Builder:
    """The state of one walk: the model so far, the queue of nodes to visit, the node budget."""

    def __init__(self, names, show_data, show_grad, max_nodes, max_values, grad_override):
        self.names = names
        self.show_data, self.show_grad = show_data, show_grad
        self.max_nodes, self.max_values = max_nodes, max_values
        self.grad_override = grad_override
        self.model = Model()
        self.counters = names.counters()
        self.unnamed_leaves = 0
        self.budget = max(int(max_nodes), 1)
        self.hidden = []       # nodes reached but not drawn
        self.marker = None     # the "… more nodes" item, once needed
        self.queue = deque()
        self.constants = {}    # id(tensor) -> item (the item holds the tensor: ids stay unique)
        self.leaves = {}       # id(leaf tensor) -> item
        self.cuts = []

    def describe(self, t, kind, title):
        item = self.model.new(kind, f"{title}  {shape_text(t._data.shape)}", tensor=t)
        item.name = title
        return item

    def lines_of(self, t, show_grad, override=None):
        return _leaf_lines(t, self.show_data, show_grad, self.max_values, override)

    def leaf_item(self, var, node):
        by_node = self.model.by_node
        item = by_node.get(node)
        if item is None and id(var) in self.leaves:  # the same leaf through another AccumulateGrad
            item = by_node[node] = self.leaves[id(var)]
        if item is None:
            name = self.names.of(var)
            if name is None:
                self.unnamed_leaves += 1
                name = f"leaf{self.unnamed_leaves}"
            item = self.describe(var, "leaf", name)
            item.lines = self.lines_of(var, self.show_grad, self.grad_override)
            item.node = node
            by_node[node] = self.leaves[id(var)] = item
            counter = getattr(var, "_counter", None)
            if counter is not None:
                self.counters.setdefault(id(counter), name)
        return item

    def op_item(self, node):
        by_node = self.model.by_node
        item = by_node.get(node)
        if item is None:
            text = op_text(node)
            item = self.model.new("op", type(node).__name__, [text] if text else [], node=node)
            by_node[node] = item
            self.queue.append(node)
            named = self.names.by_node.get(node)
            if named is not None and ("box", node) not in by_node:
                # a named intermediate tensor: drawn between its op and the ops that use it
                name, t = named
                box = self.describe(t, "tensor", name)
                box.lines = self.lines_of(t, self.show_grad and t._retains_grad)
                box.inputs.append((item, "", "data", ""))
                by_node[("box", node)] = box
        return item

    def consumer_side(self, node):
        """What an edge out of ``node`` starts from: its named tensor box, else the op."""
        return self.model.by_node.get(("box", node)) or self.model.by_node[node]

    def more_item(self):
        if self.marker is None:
            self.marker = self.model.new("more", "…")
        return self.marker

    def reach(self, node):
        """The item for a graph node, or None once ``max_nodes`` are drawn."""
        from ..autograd.graph import AccumulateGrad
        if node in self.model.by_node:
            return self.model.by_node[node]
        if self.budget <= 0:
            self.hidden.append(node)
            return None
        self.budget -= 1
        if isinstance(node, AccumulateGrad):
            return self.leaf_item(node.variable, node)
        return self.op_item(node)

    def constant_item(self, value, node, i):
        from .._tensor import Tensor
        if isinstance(value, weakref.ref):
            t = value()
        elif isinstance(value, Tensor):
            t = value
        else:
            return None  # a Python number: written into the op's text
        if t is None:  # the tensor is gone: the graph holds it weakly
            return self.model.new("constant", f"constant  {shape_text(node.shapes[i])}")
        item = self.constants.get(id(t))
        if item is not None:
            return item
        name = self.names.of(t)
        cut = getattr(t, "_cut", None)
        item = self.describe(t, "cut" if cut else "constant", name or ("cut" if cut else "constant"))
        item.lines = value_lines(t._data, self.max_values) if self.show_data else []
        if cut:
            item.cut = cut
            self.cuts.append(item)  # its note names the source once the whole graph is known
        self.constants[id(t)] = item
        return item

    def add_outputs(self, tensors):
        """The outputs first, in the order given."""
        model = self.model
        for k, t in enumerate(tensors):
            title = self.names.of(t) or ("output" if len(tensors) == 1 else f"output{k + 1}")
            if t.grad_fn is not None:
                box = model.by_node.get(("box", t.grad_fn))
                if box is None:
                    box = self.describe(t, "tensor", title)
                    box.lines = self.lines_of(t, self.show_grad and t._retains_grad)
                    model.by_node[("box", t.grad_fn)] = box
                    op = self.reach(t.grad_fn)
                    box.inputs.append((op if op is not None else self.more_item(), "", "data", ""))
                item = box
            elif t.requires_grad:
                acc = t._accumulator() if t._accumulator is not None else None
                item = self.leaf_item(t, acc if acc is not None else ("leaf", id(t)))
                self.budget -= 1
            else:
                item = self.constant_item(t, None, 0)
            item.output = True
            model.roots.append(item)

    def walk(self):
        """Breadth first through the backward nodes, inputs in ``next_functions`` order."""
        while self.queue:
            node = self.queue.popleft()
            item = self.model.by_node[node]
            many = len(node.next_functions) > 1
            consts = getattr(node, "_constants", None) or {}
            for i, (child, _) in enumerate(node.next_functions):
                letter = _LETTERS[i] if many and i < len(_LETTERS) else ""
                if child is None:
                    c = self.constant_item(consts.get(i), node, i)
                    if c is not None:
                        item.inputs.append((c, letter, "cut" if c.kind == "cut" else "constant", ""))
                    continue
                target = self.reach(child)
                if target is None:
                    item.inputs.append((self.more_item(), letter, "more", ""))
                    continue
                source = self.consumer_side(child) if target.kind == "op" else target
                shape = shape_text(node.shapes[i]) if source.kind == "op" else ""  # boxes show theirs
                item.inputs.append((source, letter, "data", shape))

    def finish(self):
        """Name where each cut came from, count what was not drawn, drop repeated marker edges."""
        model = self.model
        for item in self.cuts:
            source = self.counters.get(id(getattr(item.tensor, "_counter", None)))
            if item.cut == "detach()":
                note = f"✂ detach() of {source}" if source else "✂ detach()"
            else:
                note = f"✂ made under {item.cut}" + (f" from {source}" if source else "")
            item.lines.insert(0, note)
        if self.hidden:
            model.hidden = _count_hidden(self.hidden, model.by_node)
            self.marker.title = f"… {model.hidden:,} more nodes"
            self.marker.lines = [f"not drawn (max_nodes={self.max_nodes})"]
        # An item may be reached from several ops through the marker: one edge each.
        for item in model.items:
            seen, kept = set(), []
            for entry in item.inputs:
                key = (entry[0].id, entry[1]) if entry[2] == "more" else None
                if key is not None and key in seen:
                    continue
                if key is not None:
                    seen.add(key)
                kept.append(entry)
            item.inputs = kept
        return model


def _count_hidden(start, drawn):
    """How many distinct graph nodes lie behind ``start`` and are not drawn (explicit stack)."""
    seen = set()
    stack = []
    for node in start:
        if node not in drawn and node not in seen:
            seen.add(node)
            stack.append(node)
    while stack:
        node = stack.pop()
        for child, _ in node.next_functions:
            if child is not None and child not in drawn and child not in seen:
                seen.add(child)
                stack.append(child)
    return len(seen)
