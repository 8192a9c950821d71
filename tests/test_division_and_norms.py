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
    "torch.floor_divide(5, 2)", "torch.floor_divide(5, 2.5)", "torch.tensor(7) // 2",
    "torch.tensor([1, 2]) // True", "torch.tensor([5], dtype=torch.int32) // torch.tensor([2])",
    "torch.tensor([-7], dtype=torch.int32) // -2", "torch.tensor([2 ** 62]) // 3",
    "torch.tensor([5., -5.]) // float('inf')", "torch.tensor([5.]) // float('nan')",
    "7 % torch.tensor([2., 0.])", "-0.0 % torch.tensor([2., -2.])",
    "torch.ones(2) // torch.ones(3)", "torch.tensor([5]) // 'a'", "'a' // torch.tensor([5])",
    "torch.tensor([5]).floor_divide_(2.5)", "torch.tensor([5, 7]).floor_divide_(torch.tensor([2]))",
    "torch.tensor([5.]).floor_divide_(torch.tensor([2, 3]))",
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


# -- matrix norms ----------------------------------------------------------------------------------

NORM_SETUP = """
A = torch.tensor([[1., -2., 3.], [4., 5., -6.]], requires_grad=True)
B = torch.arange(24.).reshape(2, 3, 4).requires_grad_()
C = torch.tensor([[1., 2.], [2., 1.]], requires_grad=True)
inf = float('inf')
def chain(t):
    names, stack = [], [t.grad_fn]
    while stack:
        n = stack.pop()
        if n is not None:
            names.append(type(n).__name__)
            stack.extend(f for f, _ in n.next_functions)
    return names
def grad(t, x):
    x.grad = None
    t.sum().backward()
    return x.grad
"""
ORDS = ["'fro'", "'nuc'", "2", "-2", "1", "-1", "inf", "-inf"]
MATRIX_NORMS = (
    [f"torch.linalg.matrix_norm(A, {o})" for o in ORDS]
    + [f"torch.linalg.norm(A, {o})" for o in ORDS]
    + [f"A.norm({o})" for o in ORDS + ["3", "None"]]
    + [f"torch.linalg.matrix_norm(B, {o}, dim=(0, 2), keepdim=True)" for o in ORDS]
    + [f"torch.linalg.norm(B, {o}, dim=(2, 0))" for o in ORDS]
    + [f"torch.norm(B, {o}, dim=(2, 0))" for o in ["'fro'", "'nuc'", "2", "inf"]]
    + ["torch.linalg.matrix_norm(B)", "torch.linalg.norm(B)", "torch.linalg.svdvals(A)",
       "torch.linalg.matrix_norm(A, 2, dtype=torch.float64)", "A.amax()", "torch.amax(A, 1)",
       "A.amin(dim=(0, 1), keepdim=True)", "torch.linalg.matrix_norm(torch.zeros(0, 3), 'nuc')",
       "torch.linalg.matrix_norm(torch.zeros(0, 3), 2)",
       "torch.linalg.matrix_norm(torch.zeros(3, 0, requires_grad=True), 1)",
       "torch.linalg.matrix_norm(torch.zeros(2, 0, 3), 2, keepdim=True)",
       "torch.linalg.matrix_norm(torch.zeros(0, 2, 3), -2)"])
NORM_ERRORS = [
    "torch.linalg.matrix_norm(A, 3)", "torch.linalg.matrix_norm(A, 2.5)",
    "torch.linalg.matrix_norm(A, 1e20)", "torch.linalg.matrix_norm(A, 0)",
    "torch.linalg.matrix_norm(A, 'abc')", "torch.linalg.norm(A, 3)", "A.norm('abc')",
    "torch.linalg.matrix_norm(A, None)", "torch.linalg.matrix_norm(A, [1])",
    "torch.linalg.matrix_norm(torch.ones(3))", "torch.linalg.matrix_norm(torch.ones(3), 3)",
    "torch.linalg.matrix_norm(torch.ones(3, 3, dtype=torch.long))",
    "torch.linalg.matrix_norm(torch.ones(3, 3, dtype=torch.long), 'abc')",
    "torch.linalg.matrix_norm(A, dim=(0, 0))", "torch.linalg.matrix_norm(A, dim=(1, -1))",
    "torch.linalg.matrix_norm(A, dim=(0, 5))", "torch.linalg.matrix_norm(A, dim=(0, 1, 2))",
    "torch.linalg.norm(B, 'fro')", "torch.linalg.norm(B, 2)", "torch.linalg.norm(B, 'nuc')",
    "torch.linalg.norm(A, 'nuc', dim=1)", "torch.linalg.norm(torch.ones(2, 2, 2), dim=(0, 1, 2))",
    "torch.linalg.norm(torch.ones(2, 2, 2), 'fro', dim=(0,))", "torch.linalg.norm(torch.ones(2), 'fro')",
    "A.norm(dim=(0, 1, 2))", "A.norm('nuc', dim=1)", "B.norm('nuc')",
    "torch.linalg.matrix_norm(A.double(), 2, dtype=torch.float32)",
    "torch.linalg.vector_norm(A.double(), 2, dtype=torch.float32)",
    "torch.linalg.matrix_norm(torch.zeros(0, 3), -2)", "torch.linalg.matrix_norm(torch.zeros(0, 3), -inf)",
    "torch.linalg.matrix_norm(torch.zeros(2, 3, 0), -1, dim=(0, 2))",
    "torch.linalg.svdvals(torch.ones(3))", "torch.linalg.svdvals(torch.ones(3, 3, dtype=torch.long))",
    "torch.amax(torch.zeros(2, 0))", "torch.amax(torch.zeros(2, 0), dim=(0, -1))",
    "torch.amax(torch.ones(2, 3), 2)", "torch.amax(torch.ones(2, 3), (0, 0))",
]


@pytest.mark.parametrize("expr", MATRIX_NORMS + NORM_ERRORS)
def test_matrix_norm_shows_what_torch_shows(expr):
    same(expr, NORM_SETUP)
    if expr not in NORM_ERRORS and "zeros" not in expr:
        same(f"chain({expr})", NORM_SETUP)   # the same nodes, in the same order


@pytest.mark.parametrize("o", ORDS)
@pytest.mark.parametrize("x", ["A", "B", "C", "torch.zeros(2, 2, requires_grad=True)"])
def test_matrix_norm_gradient_shows_what_torch_shows(o, x):
    dim = ", dim=(0, 2)" if x == "B" else ""
    if x == "C" and o == "'nuc'":  # U·Vᵀ = [[0, 1], [1, 0]]: each LAPACK rounds it its own way
        run_both(lambda L, c: L.linalg.matrix_norm(c, "nuc"), np.array([[1, 2], [2, 1]], np.float32))
        return
    same(f"grad(torch.linalg.matrix_norm({x}, {o}{dim}), {x})", NORM_SETUP)


@pytest.mark.parametrize("o", ORDS)
def test_matrix_norm_random_values_and_gradients_vs_torch(o):
    rng = np.random.default_rng(1)
    o = eval(o, {"inf": float("inf")})
    for shape, dim in [((3, 4), (-2, -1)), ((4, 3), (1, 0)), ((2, 3, 5), (2, 0)), ((5, 2, 2), (-1, 1))]:
        for keepdim in (False, True):
            run_both(lambda L, x: L.linalg.matrix_norm(x, o, dim, keepdim),
                     rng.standard_normal(shape).astype(np.float32), rtol=1e-4, atol=1e-5)
            run_both(lambda L, x: L.linalg.matrix_norm(x, o, dim, keepdim),
                     rng.standard_normal(shape))


@pytest.mark.parametrize("o", ORDS)
def test_matrix_norm_gradient_matches_finite_differences(o):
    o = eval(o, {"inf": float("inf")})
    x = gradlab.tensor(np.random.default_rng(2).standard_normal((2, 3, 4)), requires_grad=True)
    assert gradlab.autograd.gradcheck(lambda x: gradlab.linalg.matrix_norm(x, o, dim=(0, 2)), (x,))


def test_second_derivative_through_svd_is_gradlabs_limit():
    x = gradlab.tensor([[1., 2.], [3., 1.]], requires_grad=True)
    g, = gradlab.autograd.grad(gradlab.linalg.matrix_norm(x, "fro"), x, create_graph=True)
    assert g.grad_fn is not None            # the Frobenius norm's second derivative works
    with pytest.raises(NotImplementedError, match="no second derivative through linalg.svd"):
        gradlab.autograd.grad(gradlab.linalg.matrix_norm(x, "nuc"), x, create_graph=True)
