"""The differentiable ops issue 12 added to the op table, each checked against torch.

Each row is checked like every op in test_ops_vs_torch.py / test_finite_differences.py: values,
dtype, node name and gradients against torch (``oracle.run_both``), and gradlab's gradient
against central finite differences of gradlab's own forward in float64. Boundary rows check the
values and gradients torch gives where the function's domain ends (nan/inf included). The rows
were written (xfail) before the ops existed, from docs/new_ops_spec.md.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import gradlab
from oracle import assert_close, node_name, run_both, same, shown

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch


def _row(id, needs, *values):
    return pytest.param(*values, id=id)


def _sample(domain, shape, rng):
    return {"real": lambda: rng.uniform(-3, 3, shape),
            "pos": lambda: rng.uniform(0.25, 4, shape),
            "unit": lambda: rng.uniform(-0.95, 0.95, shape),   # asin, acos, atanh
            "gt1": lambda: rng.uniform(1.1, 4, shape),         # acosh
            "small": lambda: rng.uniform(-1.2, 1.2, shape),    # tan: away from ±π/2
            "prob": lambda: rng.uniform(0.05, 0.95, shape),
            "wide": lambda: rng.uniform(-30, 30, shape)}[domain]()    # logits far past exp's comfort


# name, domain: the function form torch.<name>(x); methods and in-place forms are rows below.
UNARY = [("sin", "real"), ("cos", "real"), ("tan", "small"), ("asin", "unit"), ("acos", "unit"),
         ("atan", "real"), ("sinh", "real"), ("cosh", "real"), ("asinh", "real"), ("acosh", "gt1"),
         ("atanh", "unit"), ("exp2", "real"), ("log2", "pos"), ("log10", "pos"), ("log1p", "pos"),
         ("expm1", "real"), ("rsqrt", "pos"), ("erf", "real"), ("erfc", "real"), ("sign", "real"),
         ("square", "real")]


def _numeric_grad(f, a, u, h=1e-6):
    g = np.zeros_like(a)
    for j in np.ndindex(a.shape):
        plus, minus = a.copy(), a.copy()
        plus[j] += h
        minus[j] -= h
        fp = f(gradlab.tensor(plus)).detach().numpy()
        fm = f(gradlab.tensor(minus)).detach().numpy()
        g[j] = np.sum(u * (fp - fm)) / (2 * h)
    return g


@pytest.mark.parametrize("name, domain", [_row(n, [n], n, d) for n, d in UNARY])
def test_unary_function_vs_torch(name, domain):
    x = _sample(domain, (3, 4), np.random.default_rng(0)).astype(np.float32)
    run_both(lambda L, t: getattr(L, name)(t), x)


@pytest.mark.parametrize("name, domain", [_row(n, [n], n, d) for n, d in UNARY])
def test_unary_method_vs_torch(name, domain):
    x = _sample(domain, (5,), np.random.default_rng(1)).astype(np.float32)
    run_both(lambda L, t: getattr(t, name)(), x)


@pytest.mark.parametrize("name, domain", [_row(n, [n], n, d) for n, d in UNARY if n != "sign"])
def test_unary_finite_differences(name, domain):
    rng = np.random.default_rng(2)
    a = _sample(domain, (2, 3), rng)
    u = rng.standard_normal((2, 3))
    x = gradlab.tensor(a.copy(), requires_grad=True)
    getattr(gradlab, name)(x).backward(gradlab.tensor(u))
    expected = _numeric_grad(lambda t: getattr(gradlab, name)(t), a, u)
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name, domain", [_row(n, [n], n, d) for n, d in UNARY if n != "square"])
def test_inplace_form_records_torchs_node(name, domain):
    """``y.sin_()`` on a non-leaf: same values, and the node torch records (asinh_, acosh_ and
    atanh_ record ...Backward1, an in-place formula written in terms of the result)."""
    x = _sample(domain, (4,), np.random.default_rng(3)).astype(np.float32)

    def f(L, t):
        y = t * 1
        getattr(y, name + "_")()
        return y
    if name not in INPLACE_WITHOUT_DERIVATIVE:
        run_both(f, x)
        return
    # torch records the node, but its backward refuses: the error must be torch's too.
    results = []
    for L in (gradlab, torch):
        y = f(L, L.tensor(x, requires_grad=True))
        with pytest.raises(NotImplementedError) as err:
            y.sum().backward()
        results.append((node_name(y), str(err.value)))
    assert results[0] == results[1]


# In-place forms whose derivative PyTorch leaves unimplemented (derivatives.yaml:
# ``not_implemented("inplace version of asinh")``): backward raises NotImplementedError.
INPLACE_WITHOUT_DERIVATIVE = {"asinh", "acosh", "atanh"}


def test_inplace_on_leaf_is_refused_like_torch():
    """The introductory video tutorial's cell that raises: torch.sin_ on a leaf requiring grad."""
    a_t = torch.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
    with pytest.raises(RuntimeError) as t_err:
        torch.sin_(a_t)
    a_g = gradlab.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
    with pytest.raises(RuntimeError) as g_err:
        gradlab.sin_(a_g)
    assert str(g_err.value) == str(t_err.value)


# -- where the domain ends: torch's values and gradients, nan and inf included -------------------

BOUNDARY = [("sqrt", [0.0, -1.0]), ("rsqrt", [0.0, -1.0]), ("log", [0.0, -1.0]), ("log2", [0.0, -1.0]),
            ("log10", [0.0, -1.0]), ("log1p", [-1.0, -2.0]), ("asin", [1.0, -1.0, 1.5]),
            ("acos", [1.0, -1.0, 1.5]), ("atanh", [1.0, -1.0, 1.5]), ("acosh", [1.0, 0.5]),
            ("tan", [math.pi / 2]), ("sign", [0.0]), ("abs", [0.0]), ("cos", [0.0]), ("cosh", [0.0])]


@pytest.mark.parametrize("name, points", [_row(f"{n}@{p}", [n], n, p) for n, p in BOUNDARY])
def test_domain_boundary_like_torch(name, points):
    x = np.array(points, dtype=np.float32)
    g = gradlab.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    g_out, t_out = getattr(gradlab, name)(g), getattr(torch, name)(t)
    assert_close(g_out, t_out, what="value")
    g_out.sum().backward()
    t_out.sum().backward()
    assert_close(g.grad, t.grad, what="gradient")


# -- norms -----------------------------------------------------------------------------------------

NORMS = [
    ("norm()", ["Tensor.norm"], lambda L, t: t.norm()),
    ("norm(p=1)", ["Tensor.norm"], lambda L, t: t.norm(p=1)),
    ("norm(dim=1)", ["Tensor.norm"], lambda L, t: t.norm(dim=1)),
    ("norm(2, 0, True)", ["Tensor.norm"], lambda L, t: t.norm(2, 0, True)),
    ("norm(p='fro')", ["Tensor.norm"], lambda L, t: t.norm(p="fro")),
    ("torch.norm", ["norm"], lambda L, t: L.norm(t)),
    ("vector_norm", ["linalg.vector_norm"], lambda L, t: L.linalg.vector_norm(t)),
    ("vector_norm(ord=1, dim=0)", ["linalg.vector_norm"], lambda L, t: L.linalg.vector_norm(t, ord=1, dim=0)),
    ("vector_norm(ord=inf)", ["linalg.vector_norm"], lambda L, t: L.linalg.vector_norm(t, ord=math.inf)),
    ("vector_norm(ord=3, keepdim)", ["linalg.vector_norm"], lambda L, t: L.linalg.vector_norm(t, 3, dim=1, keepdim=True)),
    ("linalg.norm", ["linalg.norm"], lambda L, t: L.linalg.norm(t.reshape(-1))),
]


@pytest.mark.parametrize("f", [_row(i, needs, f) for i, needs, f in NORMS])
def test_norm_vs_torch(f):
    x = _sample("real", (3, 4), np.random.default_rng(4)).astype(np.float32)
    run_both(f, x)


def test_norm_of_zero_has_zero_gradient_like_torch():
    g = gradlab.zeros(3, requires_grad=True)
    t = torch.zeros(3, requires_grad=True)
    g.norm().backward()
    t.norm().backward()
    assert_close(g.grad, t.grad)


# -- binary cross-entropy --------------------------------------------------------------------------

BCE = [
    _row("bce-mean", ["nn.functional.binary_cross_entropy"],
         lambda L, p, y: L.nn.functional.binary_cross_entropy(p, y), "prob"),
    _row("bce-sum", ["nn.functional.binary_cross_entropy"],
         lambda L, p, y: L.nn.functional.binary_cross_entropy(p, y, reduction="sum"), "prob"),
    _row("bce-none", ["nn.functional.binary_cross_entropy"],
         lambda L, p, y: L.nn.functional.binary_cross_entropy(p, y, reduction="none"), "prob"),
    _row("BCELoss", ["nn.BCELoss"], lambda L, p, y: L.nn.BCELoss()(p, y), "prob"),
    _row("bce-logits-mean", ["nn.functional.binary_cross_entropy_with_logits"],
         lambda L, z, y: L.nn.functional.binary_cross_entropy_with_logits(z, y), "real"),
    _row("bce-logits-pos-weight", ["nn.functional.binary_cross_entropy_with_logits"],
         lambda L, z, y: L.nn.functional.binary_cross_entropy_with_logits(
             z, y, pos_weight=L.tensor([2.0, 1.0, 0.5, 3.0])), "real"),
    _row("BCEWithLogitsLoss", ["nn.BCEWithLogitsLoss"], lambda L, z, y: L.nn.BCEWithLogitsLoss()(z, y), "wide"),
]


@pytest.mark.parametrize("f, domain", BCE)
def test_binary_cross_entropy_vs_torch(f, domain):
    rng = np.random.default_rng(5)
    x = _sample(domain, (3, 4), rng).astype(np.float32)
    y = rng.uniform(0, 1, (3, 4)).astype(np.float32)
    run_both(f, x, y, requires_grad=[True, False])


def test_bce_at_zero_and_one_clamps_like_torch():
    """log is clamped at −100 in the forward, and the backward divides by max(p(1−p), 1e-12)."""
    p = np.array([0.0, 1.0], np.float32)
    y = np.array([1.0, 0.0], np.float32)
    run_both(lambda L, p, y: L.nn.functional.binary_cross_entropy(p, y), p, y, requires_grad=[True, False])


# -- custom autograd.Function ----------------------------------------------------------------------

def _legendre(L):
    class LegendrePolynomial3(L.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)
    return LegendrePolynomial3


def test_custom_function_vs_torch():
    """Values, gradients and the node name ``<ClassName>Backward`` (no 0 suffix), as torch."""
    x = np.linspace(-1, 1, 7).astype(np.float32)
    run_both(lambda L, t: _legendre(L).apply(t), x)


def test_custom_function_gradcheck():
    P3 = _legendre(gradlab)
    x = gradlab.tensor(np.linspace(-1, 1, 5), requires_grad=True)
    assert gradlab.autograd.gradcheck(P3.apply, (x,))


def test_custom_function_context():
    """needs_input_grad, mark_non_differentiable and a non-tensor argument, as torch has them."""
    def make(L):
        class SortWithIndex(L.autograd.Function):
            @staticmethod
            def forward(ctx, x, scale):
                ctx.flags = ctx.needs_input_grad
                values = x * scale
                index = (values > 0).long()
                ctx.mark_non_differentiable(index)
                ctx.scale = scale
                return values, index

            @staticmethod
            def backward(ctx, grad_values, grad_index):
                return grad_values * ctx.scale, None
        return SortWithIndex

    out = {}
    for L, x in ((gradlab, gradlab.tensor([1.0, -2.0], requires_grad=True)),
                 (torch, torch.tensor([1.0, -2.0], requires_grad=True))):
        fn = make(L)
        values, index = fn.apply(x, 3.0)
        values.sum().backward()
        out[L.__name__] = (node_name(values), index.requires_grad, x.grad.tolist())
    assert out["gradlab"] == out["torch"]


# -- what a learner sees, gradlab against torch: reprs, node names, errors -------------------------



X = "x = torch.tensor([[5., -3., 0.5], [2.5, -1., 4.]], requires_grad=True)"
SEEN = [
    # in-place forms: recorded on a non-leaf, refused on a leaf, refused when the dtype can't hold
    "x.exp_()", "(x * 1).sin_()", "(x * 1).sign_()", "hasattr(torch, 'sign_'), hasattr(torch, 'sin_')",
    "torch.tensor([1, 2]).sin_()", "torch.sin(torch.tensor([1, 2]))", "torch.sign(torch.tensor([True, False]))",
    "torch.sign(x)", "torch.exp2(torch.tensor([3]))", "(x * 1).abs_().relu_().sqrt_()",
    # norms
    "x.norm()", "x.norm(1)", "x.norm(dim=1)", "torch.norm(x, 3, 0, True)", "x.norm(p='fro')",
    "x.norm(float('inf'))", "x.norm(0)", "torch.linalg.vector_norm(x, -float('inf'), dim=(0, 1))",
    "torch.linalg.norm(x)", "torch.tensor([3, 4]).norm()", "torch.linalg.vector_norm(x, 'fro')",
    "torch.linalg.vector_norm(x, dtype=torch.float64)", "torch.zeros(0).norm()",
    # BCE and its errors
    "F.binary_cross_entropy(torch.tensor([0.2, 0.9]), torch.tensor([0., 1.]))",
    "F.binary_cross_entropy(torch.tensor([0., 1.]), torch.tensor([1., 0.]), reduction='none')",
    "F.binary_cross_entropy(torch.tensor([1.5]), torch.tensor([1.]))",
    "F.binary_cross_entropy(torch.tensor([0.5]), torch.tensor([-0.5]))",
    "F.binary_cross_entropy(torch.tensor([0.5]), torch.tensor([1., 0.]))",
    "F.binary_cross_entropy(torch.tensor([0.5]), torch.tensor([1]))",
    "F.binary_cross_entropy(torch.tensor([0.5]), torch.tensor([1.]), reduction='avg')",
    "F.binary_cross_entropy_with_logits(torch.tensor([0.5]), torch.tensor([1., 0.]))",
    "F.binary_cross_entropy_with_logits(torch.tensor([100., -100.]), torch.tensor([0., 1.]))",
    "nn.BCELoss(), nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.]))",
    "nn.BCEWithLogitsLoss(reduction='sum')(x, torch.ones(2, 3))",
    # split, chunk, %, fmod, data_ptr, multinomial
    "x.split(2, 1)", "torch.split(x, [1, 2], dim=1)", "x.chunk(2)", "x.chunk(5, 1)",
    "x.split(0)", "x.split(-1)", "x.split([1, 1])", "x.split([3, -1], 1)", "x.chunk(0)",
    "torch.zeros(0).chunk(2)", "x % 2", "x % -1.5", "torch.remainder(x, x.detach() + 10)",
    "torch.fmod(x, 2)", "x.fmod(torch.tensor([2., -2., 3.]))", "torch.tensor([5, -3]) % 2",
    "torch.tensor([5, -3]) % 0", "torch.tensor([5., -3.]) % 0", "torch.tensor([5, -3]) % 2.5",
    "torch.tensor([5, 3]) % torch.tensor([2, 0])", "7.5 % torch.tensor([2, 3])", "7 % torch.tensor([2, 3])",
    "7 % torch.tensor([2., 3.], dtype=torch.float64)", "7 % torch.tensor([2, 3], dtype=torch.int32)",
    "(7 % x).detach()", "torch.tensor([2, 3], dtype=torch.int32) % 2.5",
    "x[1:].data_ptr() - x.data_ptr() == 12, x.data_ptr() == x.view(-1).data_ptr()",
    "torch.multinomial(torch.zeros(3), 1)", "torch.multinomial(torch.ones(3), 5)",
    "torch.multinomial(torch.tensor([1., -1.]), 1)", "torch.multinomial(torch.ones(2, 2, 2), 1)",
    "torch.multinomial(torch.tensor([1, 2]), 1)", "torch.multinomial(torch.ones(3), 0)",
    "torch.multinomial(torch.tensor([0., 1., 0.]), 1)", "torch.multinomial(torch.tensor([1., 0., 0.]), 2)",
    "torch.multinomial(torch.ones(2, 3), 2).shape", "torch.ones(4).multinomial(4).sum()",
    "x.softmax(1)", "x.log_softmax(dim=0)", "x.softmax(-1, dtype=torch.float64)", "x.softmax()",
    # the legacy constructor of a tensor that requires grad: an alias
    "torch.Tensor(x)", "torch.FloatTensor(x).grad_fn.next_functions[0][0].variable is x",
]


@pytest.mark.parametrize("expr", SEEN)
def test_shows_what_torch_shows(expr):
    same(expr, X)


def test_split_pieces_send_their_gradients_back():
    def f(L, t):
        a, b, c = t.split([1, 2, 1], dim=1)
        return a * 3 + b.sum(1, keepdim=True) - c.exp()
    run_both(f, np.arange(12, dtype=np.float32).reshape(3, 4) / 10)


def test_inplace_sin_of_a_leaf_is_refused():
    same("torch.sin_(x)", X)
    same("x.sin_()", X)


# -- custom autograd.Function: the rest of ctx, and the errors --------------------------------------

FUNCTIONS = '''
class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale=1.0):
        ctx.save_for_backward(x)
        ctx.scale = scale
        return x ** 3 * scale

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * 3 * x ** 2 * ctx.scale, None


class TooFew(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        return x * y

    @staticmethod
    def backward(ctx, g):
        return g


class WrongShape(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.sum()

    @staticmethod
    def backward(ctx, g):
        return torch.ones(5)


class Number(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return 2.0


class NewStyle(torch.autograd.Function):
    @staticmethod
    def forward(x, k):
        return x * k

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.k = inputs[1]

    @staticmethod
    def backward(ctx, g):
        return g * ctx.k, None


class NoBackward(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x + 1


class Twice(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.mark_non_differentiable
        return x * 2, x * 3

    @staticmethod
    def backward(ctx, g1, g2):
        return g1 * 2 + g2 * 3

x = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
'''

FUNCTION_SEEN = [
    "Cube.apply(x)", "Cube.apply(x, 2.0).grad_fn.scale", "Cube.apply(x).grad_fn.name()",
    "type(Cube.apply(x).grad_fn).__name__", "Cube.apply(x).grad_fn.next_functions[0][0].variable is x",
    "Cube.apply(x.detach())", "Cube.apply(x, 2.0).sum().backward() or x.grad",
    "TooFew.apply(x, x).sum().backward()", "WrongShape.apply(x).backward()",
    "Number.apply(x).sum().backward()", "NewStyle.apply(x, 3.0).sum().backward() or x.grad",
    "NoBackward.apply(x).sum().backward()",
    "torch.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)",
]


@pytest.mark.parametrize("expr", FUNCTION_SEEN)
def test_custom_function_shows_what_torch_shows(expr):
    same(expr, FUNCTIONS)


def test_custom_function_second_derivative_like_torch():
    """backward written with tensor ops: create_graph records it, so d²(x³)/dx² = 6x."""
    out = {}
    for L in (gradlab, torch):
        ns = {"torch": L}
        exec(FUNCTIONS, ns)
        x = ns["x"]
        (g,) = L.autograd.grad(ns["Cube"].apply(x).sum(), x, create_graph=True)
        g.sum().backward()
        out[L.__name__] = (node_name(g), x.grad.tolist())
    assert out["gradlab"] == out["torch"]


def test_custom_function_saved_tensor_checks_like_torch():
    """A saved input changed in place, and a second backward: torch's errors."""
    setup = FUNCTIONS + "y = x * 1\nz = Cube.apply(y)\n"
    same("y.add_(1) and z.sum().backward()", setup)
    same("z.sum().backward() or z.sum().backward()", setup)


def test_custom_function_gradcheck_catches_a_wrong_backward():
    class Wrong(gradlab.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 2 * x ** 2  # should be 3x²
    x = gradlab.tensor([0.5, -1.5], dtype=gradlab.float64, requires_grad=True)
    with pytest.raises(gradlab.autograd.GradcheckError):
        gradlab.autograd.gradcheck(Wrong.apply, (x,))


def test_custom_function_with_two_differentiable_outputs_is_gradlabs_limit():
    ns = {"torch": gradlab}
    exec(FUNCTIONS, ns)
    with pytest.raises(NotImplementedError, match="one differentiable output"):
        ns["Twice"].apply(ns["x"])


# -- float32 sums in PyTorch's order of additions (gradlab/_sums.py) -------------------------------

@pytest.mark.parametrize("n", [5, 7, 8, 9, 31, 33, 100, 257, 1000, 2000, 4099, 32768])
def test_float32_sum_and_mean_bit_for_bit_like_torch(n):
    """A loss printed with .item() shows every bit: the sum must add in PyTorch's order."""
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n).astype(np.float32)
    g, t = gradlab.tensor(x), torch.tensor(x)
    assert g.sum().item() == t.sum().item()
    assert g.mean().item() == t.mean().item()
    m = rng.standard_normal((3, n % 50 + 4)).astype(np.float32)
    gm, tm = gradlab.tensor(m), torch.tensor(m)
    np.testing.assert_array_equal(gm.sum(1).numpy(), tm.sum(1).numpy())
    np.testing.assert_array_equal(gm.mean(-1, keepdim=True).numpy(), tm.mean(-1, keepdim=True).numpy())
    assert gm.sum().item() == tm.sum().item()


def test_float32_sums_of_every_length_add_in_torchs_order():
    """Every length up to 1,100 and 200 more up to PyTorch's one-thread limit, as whole-tensor
    sums and as rows (sum over the last dim of 1-5 rows), plus rows of signed zeros (whose sum's
    sign shows whether an addition of +0.0 happened where PyTorch does one)."""
    rng = np.random.default_rng(2026)
    lengths = [*range(1, 1101), *rng.integers(1101, 32769, 200)]
    for n in lengths:
        x = (rng.standard_normal(n) * rng.choice([1e-3, 1.0, 1e4], n)).astype(np.float32)
        assert gradlab.tensor(x).sum().item() == torch.tensor(x).sum().item(), n
    for n in lengths[::3]:
        rows = rng.standard_normal((int(rng.integers(1, 6)), int(n))).astype(np.float32)
        rows[0] = -0.0
        got, want = gradlab.tensor(rows).sum(-1).numpy(), torch.tensor(rows).sum(-1).numpy()
        assert got.tobytes() == want.tobytes(), n


@pytest.mark.parametrize("loss", ["mse_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits"])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_loss_values_bit_for_bit_like_torch(loss, reduction):
    rng = np.random.default_rng(7)
    p = rng.uniform(0.05, 0.95, 1000).astype(np.float32)
    t = rng.uniform(0, 1, 1000).astype(np.float32)
    got = getattr(gradlab.nn.functional, loss)(gradlab.tensor(p), gradlab.tensor(t), reduction=reduction)
    want = getattr(torch.nn.functional, loss)(torch.tensor(p), torch.tensor(t), reduction=reduction)
    assert got.item() == want.item()
