"""gradlab.viz.backward_steps: the real backward pass, frame by frame.

Oracles: a fresh ``backward()`` on the same graph (the last frame's gradients must be exactly
what it leaves in ``.grad``), real PyTorch (same values, and the same order of nodes), and hand
arithmetic for the ledger's contents.
"""
from __future__ import annotations

import numpy as np
import pytest

import gradlab
from gradlab import ops, viz

RNG = np.random.default_rng(7)
A34 = RNG.standard_normal((3, 4)).round(3)
B4 = RNG.standard_normal(4).round(3)
C31 = RNG.standard_normal((3, 1)).round(3)
M23 = RNG.standard_normal((2, 3)).round(3)
V3 = RNG.standard_normal(3).round(3)


def t(lib, data, grad=False):
    return lib.tensor(np.asarray(data, dtype=np.float32).tolist(), requires_grad=grad)


# Each graph: lib -> (loss, {name: tensor}, gradient or None). Run once with gradlab, once with torch.
def guide_sum(lib):
    x = t(lib, [2.0, 3.0], True)
    y = x * x + 2
    z = y.sum()
    return z, {"x": x, "y": y, "z": z}, None


def guide_chain_rule(lib):
    x = t(lib, 2.0, True)
    y = x ** 3
    z = 2 * y + 1
    return z, {"x": x, "y": y, "z": z}, None


def guide_mean(lib):
    x = t(lib, [1.0, 2.0, 3.0], True)
    y = x + 2
    z = (y * y * 3).mean()
    return z, {"x": x, "y": y, "z": z}, None


def guide_vector_output(lib):
    x = t(lib, [1.0, 2.0, 3.0], True)
    y = x * x
    return y, {"x": x, "y": y}, t(lib, [0.1, 1.0, 0.001])


def guide_linear_regression(lib):
    x = t(lib, [1.0, 2.0, 3.0])
    y_true = t(lib, [2.0, 4.0, 6.0])
    w = t(lib, 0.5, True)
    loss = ((w * x - y_true) ** 2).mean()
    return loss, {"x": x, "y_true": y_true, "w": w, "loss": loss}, None


def guide_accumulation(lib):
    weights = lib.ones(4, requires_grad=True)
    return (weights * 3).sum(), {"weights": weights}, None


def reused_three_times(lib):
    x = t(lib, [0.5, -1.5, 2.0], True)
    z = (x * x + x.exp() * x).sum()
    return z, {"x": x}, None


def broadcasting(lib):
    a = t(lib, A34, True)
    b = t(lib, B4, True)
    c = t(lib, C31, True)
    s = t(lib, 1.5, True)
    z = ((a * b + c) * s - b / (c * c + 1)).sum()
    return z, {"a": a, "b": b, "c": c, "s": s}, None


def matmul(lib):
    m = t(lib, M23, True)
    w = t(lib, A34, True)
    v = t(lib, V3, True)
    h = (m @ w).tanh()
    z = (h * h).sum() + (m @ v).sum() + (v @ w).sigmoid().mean()
    return z, {"m": m, "w": w, "v": v, "h": h}, None


def indexing(lib):
    a = t(lib, A34, True)
    z = a[1].sum() + (a[:, 1:3] ** 2).sum() + a[[0, 0, 2]].mean() + a.max() + a.sum(dim=0).abs().sum()
    return z, {"a": a}, None


def detach_and_constants(lib):
    x = t(lib, [1.0, -2.0, 3.0], True)
    k = t(lib, [0.5, 0.5, 2.0])
    z = (x * x.detach() + k * x - 2 * x.relu() + (1 - x) ** 2).sum()
    return z, {"x": x, "k": k}, None


GRAPHS = [guide_sum, guide_chain_rule, guide_mean, guide_vector_output, guide_linear_regression,
          guide_accumulation, reused_three_times, broadcasting, matmul, indexing, detach_and_constants]


def leaves(names):
    return {k: v for k, v in names.items() if v.requires_grad and v.grad_fn is None}


@pytest.mark.parametrize("graph", GRAPHS, ids=lambda g: g.__name__)
def test_last_frame_equals_backward(graph):
    loss, names, gradient = graph(gradlab)
    steps = viz.backward_steps(loss, gradient=gradient, names=names)
    for name, leaf in leaves(names).items():
        assert leaf.grad is None, "the stepper must not accumulate into the leaves"
    loss.backward(gradient)  # on the same graph: the stepper kept it
    final = steps[-1].grads
    assert set(final) == set(leaves(names))
    for name, leaf in leaves(names).items():
        assert final[name].dtype == leaf.grad.dtype
        np.testing.assert_array_equal(final[name].numpy(), leaf.grad.numpy(), err_msg=name)
    assert steps[-1].pending == frozenset()
    assert steps[-1].stored == frozenset(leaves(names))


@pytest.mark.torch
@pytest.mark.parametrize("graph", GRAPHS, ids=lambda g: g.__name__)
def test_last_frame_matches_torch_and_nodes_run_in_torchs_order(graph):
    torch = pytest.importorskip("torch")
    loss, names, gradient = graph(gradlab)
    steps = viz.backward_steps(loss, gradient=gradient, names=names)

    t_loss, t_names, t_gradient = graph(torch)
    order = []
    seen, stack = set(), [t_loss.grad_fn]
    while stack:  # hook every node of torch's graph to record the order it runs in
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        if type(node).__name__ != "AccumulateGrad":
            node.register_prehook(lambda g, n=type(node).__name__: order.append(n))
        stack.extend(child for child, _ in node.next_functions)
    t_loss.backward(t_gradient)
    ours = [f.name for f in steps if f.name != "AccumulateGrad"]
    assert ours == order
    for name, leaf in leaves(t_names).items():
        np.testing.assert_allclose(steps[-1].grads[name].numpy(), leaf.grad.numpy(), rtol=2e-6, atol=1e-6)


def test_frames_follow_the_engine_and_name_the_rules():
    loss, names, _ = guide_sum(gradlab)
    steps = viz.backward_steps(loss, names=names)
    assert [f.name for f in steps] == ["SumBackward0", "AddBackward0", "MulBackward0", "AccumulateGrad"]
    assert [f.title for f in steps] == ["SumBackward0  sum(a)", "AddBackward0  a + 2",
                                        "MulBackward0  a · b", "AccumulateGrad for x"]
    mul = steps[2]
    assert [s.rule for s in mul.sends] == [r.text for r in ops.mul.rules]  # the op table's text, verbatim
    assert [s.source for s in mul.sends] == ["x", "x"]
    # x * x: both inputs are x; the two parts wait, summed, at x's AccumulateGrad; x.grad is
    # still None until it runs.
    assert [s.value.tolist() for s in mul.sends] == [[2.0, 3.0], [2.0, 3.0]]
    assert mul.updates == ["another path to x in this graph: its part adds to what waits at "
                           "AccumulateGrad for x"]
    assert mul.pending == {"x"} and mul.waiting["x"].tolist() == [4.0, 6.0]
    assert mul.grads["x"] is None
    acc = steps[3]
    assert [(src, v.tolist()) for src, v in acc.arrivals] == [
        ("MulBackward0 (input a)", [2.0, 3.0]), ("MulBackward0 (input b)", [2.0, 3.0])]
    assert acc.grad_in.tolist() == [4.0, 6.0] and acc.previous is None
    add = steps[1]
    assert add.sends[1].rule is None and add.sends[1].source == "the number 2"
    assert steps[0].arrivals[0][0] == "the start (∂z/∂z)" and steps[0].grad_in.tolist() == 1.0
    loss, names, v = guide_vector_output(gradlab)
    first = viz.backward_steps(loss, gradient=v, names=names)[0]
    assert first.arrivals[0][0] == "the start (the gradient passed to backward)"
    assert first.grad_in.tolist() == v.tolist()
    text = mul.text()
    assert "Step 3 of 4: MulBackward0  a · b" in text
    assert "  a = x:  ∂(a·b)/∂a = b" in text
    assert text.endswith("  x.grad = None\n    waiting at AccumulateGrad for x: [4., 6.]")
    assert "x.grad was None: AccumulateGrad stores [4., 6.]" in acc.text()


def test_broadcast_reductions_are_shown():
    a = gradlab.ones(3, 4, requires_grad=True)
    b = gradlab.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    c = gradlab.tensor([[1.0], [2.0], [3.0]], requires_grad=True)
    z = (a * b + c).sum()
    steps = viz.backward_steps(z, names=locals())
    mul = next(f for f in steps if f.name == "MulBackward0")
    add = next(f for f in steps if f.name == "AddBackward0")
    assert [s.reduction for s in mul.sends] == ["", "(3, 4) → (4,): summed over axis 0"]
    assert mul.sends[1].value.tolist() == [3.0, 3.0, 3.0, 3.0]       # by hand: 3 rows of a = 1
    assert [s.reduction for s in add.sends] == ["", "(3, 4) → (3, 1): summed over axis 1"]
    assert add.sends[1].value.tolist() == [[4.0], [4.0], [4.0]]       # by hand: 4 columns
    assert "broadcast undone: (3, 4) → (4,): summed over axis 0" in mul.text()
    s = gradlab.tensor(2.0, requires_grad=True)
    m = gradlab.ones(2, 3, 4)
    steps = viz.backward_steps((s * m).sum(), names={"s": s})
    assert steps[1].sends[0].reduction == "(2, 3, 4) → (): summed over axes (0, 1, 2)"


def test_existing_grads_are_shown_and_left_alone():
    weights = gradlab.ones(4, requires_grad=True)
    (weights * 3).sum().backward()
    loss = (weights * 3).sum()
    steps = viz.backward_steps(loss, names={"weights": weights})
    assert weights.grad.tolist() == [3.0] * 4
    last = steps[-1]
    assert last.previous.tolist() == [3.0] * 4
    assert last.grads["weights"].tolist() == [6.0] * 4   # what backward() will leave: 3 + 3
    assert all(f.grads["weights"].tolist() == [3.0] * 4 for f in steps[:-1])  # held until then
    text = last.text()
    assert ("weights.grad already held [3., 3., 3., 3.] from an earlier backward():\n"
            "AccumulateGrad adds to it: weights.grad = [6., 6., 6., 6.]") in text
    assert "path" not in "\n".join(f.text() for f in steps)   # one path: weights * 3
    loss.backward()
    assert weights.grad.tolist() == [6.0] * 4


def test_no_hook_is_called_and_no_tensor_is_touched():
    x = gradlab.tensor([1.0, 2.0], requires_grad=True)
    calls = []
    x.register_hook(lambda g: calls.append(g))
    y = x * 3
    y.retain_grad()
    z = (y * y).sum()
    steps = viz.backward_steps(z)
    assert calls == [] and y.grad is None and x.grad is None
    assert steps[-1].grads["leaf1"].tolist() == [18.0, 36.0]   # by hand: 2·(3x)·3
    z.backward()
    assert len(calls) == 1 and x.grad.tolist() == [18.0, 36.0] and y.grad.tolist() == [6.0, 12.0]


def test_errors_are_backwards_errors():
    x = gradlab.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError) as ours:
        viz.backward_steps(y)
    with pytest.raises(RuntimeError) as real:
        y.backward()
    assert str(ours.value) == str(real.value)
    z = y.sum()
    z.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        viz.backward_steps(z)


def test_diagram_of_a_step_highlights_its_node():
    loss, names, _ = guide_sum(gradlab)
    steps = viz.backward_steps(loss, names=names)
    source = steps.source(2)   # MulBackward0 runs; Sum and Add have run
    line = {item: next(l for l in source.splitlines() if l.startswith(f"\t{item} ["))
            for item in ("n1", "n2", "n4", "n5")}
    assert steps[2].item_id == "n4"
    assert "fillcolor=gold, penwidth=3" in line["n4"]
    assert "fillcolor=lemonchiffon" in line["n1"] and "fillcolor=lemonchiffon" in line["n2"]
    assert "\\narriving [4., 6.]" in line["n5"]           # sent, not stored yet
    assert "\\ngrad [4., 6.]" in steps.source(3).split("\tn5 [")[1].split("\n")[0]
    assert "grad" not in steps.source(0).split("\tn5 [")[1].split("\n")[0]
    again_loss, again_names, _ = guide_sum(gradlab)
    assert viz.backward_steps(again_loss, names=again_names).source(2) == source
    assert "backward step 3 of 4" in repr(steps.diagram(2))


def test_lesson_03_stepper_after_an_earlier_backward_tells_the_true_story():
    """Issue 10, finding 1: after ``z.backward(v)`` left vᵀJ in x.grad, the stepper on a fresh
    graph called that old gradient "one more path to x" and ended at twice vᵀJ. x has a single
    path; the old gradient is an earlier call's, and AccumulateGrad adds to it."""
    x = gradlab.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x + 2
    v = gradlab.tensor([0.1, 1.0, 0.001])
    (y * y * 3).backward(v)
    vjp = np.array([0.1, 1.0, 0.001], np.float32) * 6 * np.array([3.0, 4.0, 5.0], np.float32)
    z = y * y * 3
    steps = viz.backward_steps(z, gradient=v, names={"x": x, "y": y, "z": z})
    text = "\n\n".join(f.text() for f in steps)
    assert "path" not in text
    assert "from an earlier backward()" in steps[-1].text()
    for frame in steps[:-1]:           # until AccumulateGrad runs, x.grad is the old gradient
        np.testing.assert_allclose(frame.grads["x"].numpy(), vjp, rtol=1e-6)
    np.testing.assert_allclose(steps[-1].grad_in.numpy(), vjp, rtol=1e-6)
    z.backward(v)
    np.testing.assert_array_equal(steps[-1].grads["x"].numpy(), x.grad.numpy())   # 2·vᵀJ, truly
    # From a clean leaf (what the lesson now does), the ledger ends at vᵀJ itself.
    x.grad = None
    z = y * y * 3
    clean = viz.backward_steps(z, gradient=v, names={"x": x, "y": y, "z": z})
    np.testing.assert_allclose(clean[-1].grads["x"].numpy(), vjp, rtol=1e-6)
    assert "x.grad was None: AccumulateGrad stores" in clean[-1].text()


def test_lesson_02_stepper_shows_none_until_accumulate_grad_runs():
    """Issue 10, finding 7: step 4 printed a bare "x.grad = [6., 8., 10.]" while x.grad was
    still None (AccumulateGrad had not run)."""
    x = gradlab.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x + 2
    z = (y * y * 3).mean()
    steps = viz.backward_steps(z, names={"x": x, "y": y, "z": z})
    add = steps[3]
    assert add.name == "AddBackward0" and add.grads["x"] is None
    assert "  x.grad = None\n    waiting at AccumulateGrad for x: [ 6.,  8., 10.]" in add.text()
    assert "x.grad = [" not in add.text()


def _edges_into_accumulate_grad(loss):
    """{leaf: number of graph edges into its AccumulateGrad}, from next_functions alone."""
    from gradlab.autograd.graph import AccumulateGrad
    counts, seen, stack = {}, set(), [loss.grad_fn]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for child, _ in node.next_functions:
            if isinstance(child, AccumulateGrad):
                counts[id(child.variable)] = counts.get(id(child.variable), 0) + 1
            elif child is not None:
                stack.append(child)
    return counts


@pytest.mark.parametrize("graph", GRAPHS, ids=lambda g: g.__name__)
def test_paths_are_counted_only_within_the_graph(graph):
    """"another path" is said once per extra edge into a leaf's AccumulateGrad, whatever .grad
    already held; no graph claims more paths than it has."""
    loss, names, gradient = graph(gradlab)
    for leaf in leaves(names).values():   # an earlier backward() leaves a gradient in each
        leaf.grad = gradlab.ones_like(leaf)
    steps = viz.backward_steps(loss, gradient=gradient, names=names)
    edges = _edges_into_accumulate_grad(loss)
    text = "\n".join(f.text() for f in steps)
    for name, leaf in leaves(names).items():
        said = text.count(f"another path to {name} in this graph")
        assert said == edges.get(id(leaf), 0) - 1, name


def test_an_input_that_gets_no_gradient_says_why():
    """A number, a constant tensor, a detach()ed one and one computed under no_grad each get
    their own words in the step that skips them (not all "a constant")."""
    x = gradlab.tensor([1.0, 2.0], requires_grad=True)
    c = gradlab.tensor([3.0, 4.0])
    d = x.detach()
    with gradlab.no_grad():
        e = x * 2
    loss = (x * c + x * d + x * e + x * 2).sum()
    lines = [line.strip() for frame in gradlab.viz.backward_steps(loss, names=locals())
             for line in str(frame).splitlines() if "needs no gradient" in line]
    assert sorted(lines) == sorted([
        "b = the number 2: needs no gradient",
        "b = c, a constant: needs no gradient",
        "b = d, cut off by detach(): needs no gradient",
        "b = e, made under no_grad: needs no gradient",
    ])
