"""Lessons 04 (switching tracking off) and 05 (gradients accumulate): their claims, on PyTorch.

nbval only *allows* the errors of cells tagged ``raises-exception``; this file proves that each
one happens, with PyTorch's type and message, on gradlab and on torch 2.13.0 alike. It also
checks, on real torch, the claims the lessons make in prose without a cell that prints them
(what the nodes of a Linear/ReLU graph save), and the behaviour the lessons build on (grad mode
per thread, frozen parameters skipped by the optimizer, micro-batches adding up exactly).
"""
from __future__ import annotations

import textwrap
import threading

import pytest
import torch

import gradlab
import oracle  # noqa: F401  (one torch thread, shared settings)

pytestmark = pytest.mark.torch


def run(code, lib):
    """``code`` with ``torch`` bound to ``lib``: ("error", type, message) or ("ok", result)."""
    ns = {"torch": lib}
    try:
        exec(textwrap.dedent(code), ns)
    except Exception as e:  # noqa: BLE001 - the exception is what we compare
        return ("error", type(e).__name__, str(e))
    return ("ok", ns.get("result"))


# -- the cells tagged raises-exception -----------------------------------------------------------
RAISING_CELLS = {
    # 04, cell rg-nonleaf
    "requires_grad_(False) on a non-leaf": ("""
        x2 = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y2 = x2 * 2
        y2.requires_grad_(False)
        """, "RuntimeError",
        "you can only change requires_grad flags of leaf variables. If you want to use a "
        "computed variable in a subgraph that doesn't require differentiation use "
        "var_no_grad = var.detach()."),
    # 04, cells detach-memory and detach-version
    "in-place change through detach() of a saved tensor": ("""
        p = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        q = p.detach()
        q[0] = 10.0
        loss = (p * p).sum()
        q.zero_()
        loss.backward()
        """, "RuntimeError",
        "one of the variables needed for gradient computation has been modified by an inplace "
        "operation: [torch.FloatTensor [3]] is at version 2; expected version 1 instead. Hint: "
        "enable anomaly detection to find the operation that failed to compute its gradient, "
        "with torch.autograd.set_detect_anomaly(True, check_nan=False)."),
    # 05, cell zero-none
    "zero_() before the first backward()": ("""
        weights = torch.ones(4, requires_grad=True)
        weights.grad.zero_()
        """, "AttributeError", "'NoneType' object has no attribute 'zero_'"),
}


@pytest.mark.parametrize("name", list(RAISING_CELLS))
def test_raising_cells_raise_what_pytorch_raises(name):
    code, kind, message = RAISING_CELLS[name]
    expected = ("error", kind, message)
    assert run(code, torch) == expected  # the lesson's text is PyTorch's
    assert run(code, gradlab) == expected


def test_the_lessons_raising_cells_are_the_ones_tested_here():
    """Each raises-exception cell of lessons 04/05 is one of the snippets above (its code lines,
    comments aside, appear in the snippet)."""
    from course_notebooks import COURSE, code_cells, read, tags

    snippets = [textwrap.dedent(code) for code, _, _ in RAISING_CELLS.values()]
    for name in ("04_disabling_gradient_tracking.ipynb", "05_gradient_accumulation.ipynb"):
        for cell in code_cells(read(COURSE / name)):
            if "raises-exception" not in tags(cell):
                continue
            lines = [l.split("#")[0].strip() for l in cell.source.splitlines()]
            lines = [l for l in lines if l]
            assert any(all(l in s for l in lines) for s in snippets), (name, cell.id)


# -- lesson 04: what the switches do ---------------------------------------------------------------
@pytest.mark.parametrize("lib", [torch, gradlab], ids=["torch", "gradlab"])
def test_no_grad_is_per_thread(lib):
    """The lesson's thread cell: a thread started inside no_grad() records as usual."""
    m = lib.ones(3, requires_grad=True)
    results = {}

    def in_a_thread():
        results["other"] = (lib.is_grad_enabled(), (m + 2).requires_grad)

    with lib.no_grad():
        results["this"] = (lib.is_grad_enabled(), (m + 2).requires_grad)
        worker = threading.Thread(target=in_a_thread)
        worker.start()
        worker.join()
    assert results == {"this": (False, False), "other": (True, True)}
    assert lib.is_grad_enabled()


def test_linear_and_relu_nodes_save_the_activations():
    """04's prose: an AddmmBackward0 keeps its layer's input, the ReluBackward0 its output."""
    torch.manual_seed(0)
    backbone, head = torch.nn.Linear(4, 8), torch.nn.Linear(8, 1)
    input = torch.linspace(-1, 1, 20).reshape(5, 4)
    hidden = torch.relu(backbone(input))
    output = head(hidden)
    assert output.grad_fn.name() == "AddmmBackward0"
    assert torch.equal(output.grad_fn._saved_mat1, hidden)
    relu = output.grad_fn.next_functions[1][0]
    assert relu.name() == "ReluBackward0"
    assert torch.equal(relu._saved_result, hidden)
    first = relu.next_functions[0][0]
    assert first.name() == "AddmmBackward0"
    assert torch.equal(first._saved_mat1, input)


@pytest.mark.parametrize("lib", [torch, gradlab], ids=["torch", "gradlab"])
def test_a_frozen_backbone_is_left_alone_by_sgd_with_momentum_and_weight_decay(lib):
    lib.manual_seed(0)
    backbone, head = lib.nn.Linear(4, 8), lib.nn.Linear(8, 1)
    for param in backbone.parameters():
        param.requires_grad = False
    frozen = [p.detach().clone() for p in backbone.parameters()]
    trained = [p.detach().clone() for p in head.parameters()]
    params = list(backbone.parameters()) + list(head.parameters())
    optimizer = lib.optim.SGD(params, lr=0.1, momentum=0.9, weight_decay=0.01)
    input = lib.linspace(-1, 1, 20).reshape(5, 4)
    for _ in range(3):
        optimizer.zero_grad()
        loss = ((head(lib.relu(backbone(input))) - 1) ** 2).mean()
        loss.backward()
        optimizer.step()
    assert all(p.grad is None and lib.equal(p, q) for p, q in zip(backbone.parameters(), frozen))
    assert not any(lib.equal(p, q) for p, q in zip(head.parameters(), trained))


# -- lesson 05: accumulation -----------------------------------------------------------------------
@pytest.mark.parametrize("lib", [torch, gradlab], ids=["torch", "gradlab"])
def test_micro_batches_add_up_to_the_big_batch_exactly(lib):
    """The values are dyadic, so float32 sums are exact and the lesson can say "equal"."""
    x = lib.arange(8.0)
    y_true = 2 * x + 1
    w = lib.tensor(0.0, requires_grad=True)
    ((w * x - y_true) ** 2).mean().backward()
    big = w.grad.clone()
    for n_micro in (2, 4, 8):
        w.grad = None
        size = 8 // n_micro
        for start in range(0, 8, size):
            (((w * x[start:start + size] - y_true[start:start + size]) ** 2).mean() / n_micro).backward()
        assert lib.equal(w.grad, big), n_micro
    assert big.item() == pytest.approx(-2 * sum((2 * k + 1) * k for k in range(8)) / 8)  # by hand


@pytest.mark.parametrize("lib", [torch, gradlab], ids=["torch", "gradlab"])
def test_sgd_skips_a_none_gradient_but_uses_zeros(lib):
    untouched = lib.ones(2, requires_grad=True)
    zeroed = lib.ones(2, requires_grad=True)
    zeroed.grad = lib.zeros(2)
    lib.optim.SGD([untouched, zeroed], lr=0.1, weight_decay=0.5).step()
    assert untouched.tolist() == [1.0, 1.0]
    assert zeroed.tolist() == pytest.approx([1 - 0.1 * 0.5] * 2)


@pytest.mark.parametrize("lib", [torch, gradlab], ids=["torch", "gradlab"])
def test_zero_grad_leaves_none_and_zero__keeps_the_tensor(lib):
    weights = lib.ones(4, requires_grad=True)
    (weights * 3).sum().backward()
    grad = weights.grad
    weights.grad.zero_()
    (weights * 3).sum().backward()
    assert weights.grad is grad and weights.grad.tolist() == [3.0] * 4
    lib.optim.SGD([weights], lr=0.01).zero_grad()
    assert weights.grad is None
    with pytest.raises(AttributeError, match="'NoneType' object has no attribute 'zero_'"):
        weights.grad.zero_()  # the lesson's table: zero_() after zero_grad() fails in 2.x
