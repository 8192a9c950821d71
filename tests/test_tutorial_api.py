"""The API beginner tutorials use (issue 12), gradlab against torch: devices, the legacy
constructors, Variable, torch.utils.data, torch.autograd.functional, linspace to the last bit,
NumPy's keyword spellings, all/any, and the nn layers that compose existing functions.

Most checks evaluate the same expression with ``torch`` bound to gradlab and to real torch and
compare what a learner would see: the result's repr, or the exception's type and message.
"""
from __future__ import annotations

import math
import random as pyrandom

import numpy as np
import pytest

import gradlab
from oracle import assert_close, node_name, run_both, same, shown

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch




DEVICE = ["torch.device('cpu')", "str(torch.device('cpu'))", "torch.device('cuda')", "torch.device('cuda:0')",
          "torch.device('cuda', 1)", "torch.device('cpu:0')", "torch.device('gpu')", "torch.device('cuda:x')",
          "torch.device(0)", "torch.device(torch.device('cpu'))", "torch.device('cpu').type",
          "torch.device('cpu').index", "torch.device('cpu') == torch.device('cpu')", "torch.device('cpu') == 'cpu'",
          "torch.ones(2).device", "torch.ones(2).device == torch.device('cpu')", "str(torch.ones(2).device)",
          "torch.ones(2).to('cpu')", "torch.ones(2).to(torch.device('cpu'))", "torch.ones(2).to('cuda')",
          "torch.ones(2).to(torch.device('cuda:0'))", "torch.ones(2).cuda()", "torch.ones(2).to('cpu', torch.float64)",
          "torch.ones(2).to(device='cpu', dtype=torch.float64)", "torch.ones(2).cpu()", "torch.ones(2).is_cuda",
          "torch.cuda.is_available()", "torch.cuda.device_count()", "torch.ones(2, device='cuda')",
          "torch.tensor([1.], device='cuda')", "torch.zeros(2, device=torch.device('cpu'))",
          "torch.randn(2, device='cuda')", "torch.arange(3, device='cuda')", "torch.linspace(0, 1, 2, device='cuda')",
          "nn.Linear(2, 2).to('cuda')", "nn.Linear(2, 2).cuda()", "nn.Linear(2, 2).to('cpu')"]


@pytest.mark.parametrize("expr", DEVICE)
def test_devices(expr):
    same(expr)


def test_to_same_device_returns_the_tensor_itself():
    x = gradlab.ones(2)
    assert x.to("cpu") is x and x.to(gradlab.device("cpu")) is x and x.cpu() is x


LEGACY = ["torch.Tensor([1., 2.])", "torch.Tensor(2, 3).shape", "torch.Tensor([[1, 2]]).dtype", "torch.Tensor()",
          "torch.Tensor((1, 2))", "torch.Tensor([1.], requires_grad=True)", "torch.Tensor([1, 2], dtype=torch.float64)",
          "torch.Tensor(2.5)", "torch.Tensor('a')", "torch.Tensor(True)", "torch.Tensor(None)", "torch.Tensor(-1)",
          "torch.Tensor(2, 3.0)", "torch.Tensor([1, 2], 3)", "torch.Tensor(torch.ones(2), 3)",
          "torch.Tensor(torch.ones(2))", "torch.Tensor(torch.arange(3))", "torch.Tensor(torch.Size([2, 3])).shape",
          "torch.Tensor(np.array([1, 2]))", "torch.Tensor([[1, 2], [3]])", "torch.Tensor(2, device='cpu').shape",
          "torch.Tensor(2, device='cuda')", "torch.Tensor(3).requires_grad", "torch.Tensor([-4.0]).double()",
          "torch.FloatTensor([1, 2])", "torch.LongTensor([1, 2])", "torch.LongTensor([1.5])", "torch.DoubleTensor(2).shape",
          "torch.BoolTensor([1, 0])", "torch.IntTensor([1, 2])", "torch.FloatTensor(torch.arange(2))",
          "isinstance(torch.ones(2), torch.FloatTensor)", "isinstance(torch.ones(2).long(), torch.FloatTensor)",
          "isinstance(torch.ones(2).long(), torch.LongTensor)", "type(torch.Tensor([1.])) is torch.Tensor"]


@pytest.mark.parametrize("expr", LEGACY)
def test_legacy_constructors(expr):
    same(expr)


def test_legacy_tensor_of_a_tensor_shares_memory():
    x = gradlab.ones(2)
    y = gradlab.Tensor(x)
    y[0] = 5.0
    assert x[0].item() == 5.0 and y is not x


VARIABLE = ["Variable(torch.ones(2), requires_grad=True)", "Variable(torch.ones(2))", "Variable()",
            "Variable([1.])", "Variable(torch.arange(2), requires_grad=True)", "Variable(torch.ones(2), True)",
            "isinstance(torch.ones(2), Variable)", "type(Variable(torch.ones(2))) is torch.Tensor",
            "Variable(torch.ones(2) * torch.ones(2, requires_grad=True)).grad_fn",
            "Variable(torch.ones(2, requires_grad=True) * 2, requires_grad=True).is_leaf"]


@pytest.mark.parametrize("expr", VARIABLE)
def test_variable(expr):
    same(expr, "Variable = torch.autograd.Variable")


def test_variable_volatile_warns_like_torch():
    with pytest.warns(UserWarning) as t_w:
        torch.autograd.Variable(torch.ones(2), volatile=True)
    with pytest.warns(UserWarning) as g_w:
        gradlab.autograd.Variable(gradlab.ones(2), volatile=True)
    assert str(g_w[0].message) == str(t_w[0].message)


def test_variable_shares_memory_but_not_the_graph():
    x = gradlab.ones(2)
    v = gradlab.autograd.Variable(x, requires_grad=True)
    with gradlab.no_grad():
        v[0] = 3.0
    assert x[0].item() == 3.0 and v.is_leaf and not x.requires_grad


# -- torch.utils.data ------------------------------------------------------------------------------

DATA_SETUP = """
DataLoader, TensorDataset, Dataset = torch.utils.data.DataLoader, torch.utils.data.TensorDataset, torch.utils.data.Dataset
ds = TensorDataset(torch.arange(5.), torch.arange(5))
"""
DATA = ["TensorDataset(torch.ones(2), torch.ones(3))", "ds[1]", "len(ds)", "ds.tensors[0]",
        "DataLoader(ds, batch_size=0)", "DataLoader(ds, batch_size=-1)", "DataLoader(ds, batch_size=2.0)",
        "DataLoader(ds, shuffle=True, sampler=[0, 1])", "DataLoader(ds, num_workers=-1)",
        "len(DataLoader(ds, batch_size=2))", "len(DataLoader(ds, batch_size=2, drop_last=True))",
        "list(DataLoader(ds, batch_size=2))", "list(DataLoader(ds, batch_size=2, drop_last=True))",
        "Dataset()[0]", "len(Dataset())", "list(DataLoader([1., 2., 3.], batch_size=2))",
        "list(DataLoader([1, 2, 3], batch_size=2))", "list(DataLoader([(1, 2.), (3, 4.)], batch_size=2))",
        "list(DataLoader([{'a': 1}, {'a': 2}], batch_size=2))", "list(DataLoader([object()], batch_size=1))",
        "list(DataLoader([torch.ones(2), torch.ones(3)], batch_size=2))", "list(DataLoader(ds, batch_size=None))[:2]",
        "DataLoader(ds).batch_size", "DataLoader(ds, batch_size=3).dataset is ds", "list(DataLoader(['a', 'b'], batch_size=2))",
        "list(DataLoader([[1, 2], [3, 4]], batch_size=2))", "list(DataLoader(np.ones((2, 2)), batch_size=2))",
        "list(DataLoader(ds, batch_size=2, sampler=[4, 0, 2]))", "len(DataLoader(ds, batch_size=2, sampler=[4, 0, 2]))"]


@pytest.mark.parametrize("expr", DATA)
def test_data(expr):
    same(expr, DATA_SETUP)


def _epoch(loader):
    return [x.tolist() for x, _ in loader]


def test_shuffle_visits_every_sample_once_per_epoch_and_reshuffles():
    """gradlab's order is not torch's (NumPy's generator); its semantics are."""
    ds = gradlab.utils.data.TensorDataset(gradlab.arange(10.0), gradlab.arange(10))
    gradlab.manual_seed(0)
    loader = gradlab.utils.data.DataLoader(ds, batch_size=3, shuffle=True)
    epochs = [_epoch(loader) for _ in range(3)]
    for batches in epochs:
        assert [len(b) for b in batches] == [3, 3, 3, 1]
        assert sorted(v for b in batches for v in b) == list(map(float, range(10)))
    assert len({str(e) for e in epochs}) == 3  # a new order each epoch (10! orders: no tie by chance)
    gradlab.manual_seed(0)
    assert [_epoch(loader) for _ in range(3)] == epochs  # the same seed, the same orders


def test_shuffle_with_drop_last_and_a_generator():
    ds = gradlab.utils.data.TensorDataset(gradlab.arange(7.0))
    g = gradlab.Generator().manual_seed(1)
    loader = gradlab.utils.data.DataLoader(ds, batch_size=2, shuffle=True, drop_last=True, generator=g)
    batches = [b[0].tolist() for b in loader]
    assert len(batches) == len(loader) == 3 and all(len(b) == 2 for b in batches)
    assert len(set(v for b in batches for v in b)) == 6
    g2 = gradlab.Generator().manual_seed(1)
    again = gradlab.utils.data.DataLoader(ds, batch_size=2, shuffle=True, drop_last=True, generator=g2)
    assert [b[0].tolist() for b in again] == batches


def test_unshuffled_batches_match_torch_exactly():
    x = np.arange(21, dtype=np.float32).reshape(7, 3)
    y = np.arange(7)
    got = [(a.tolist(), b.tolist()) for a, b in gradlab.utils.data.DataLoader(
        gradlab.utils.data.TensorDataset(gradlab.tensor(x), gradlab.tensor(y)), batch_size=3)]
    want = [(a.tolist(), b.tolist()) for a, b in torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=3)]
    assert got == want


# -- torch.autograd.functional ---------------------------------------------------------------------

FUNCTIONAL = [
    "AF.jacobian(lambda x: x ** 2, torch.tensor([1., 2.]))",
    "AF.jacobian(lambda x: 3.0, torch.tensor([1.]))",
    "AF.jacobian(lambda x: x.sum(), torch.tensor([1., 2.]))",
    "AF.jacobian(lambda x, y: (x * y, x + y), (torch.tensor([1., 2.]), torch.tensor(3.)))",
    "AF.jacobian(lambda x: x * 2, [torch.tensor(1.)])",
    "AF.jacobian(lambda x: x.exp() * 2, torch.tensor([[0.5, 1.0], [1.5, 2.0]]))",
    "AF.jacobian(lambda x: torch.ones(2), torch.tensor([1.]))",
    "AF.jacobian(lambda x: torch.ones(2), torch.tensor([1.]), strict=True)",
    "AF.jacobian(lambda x: x ** 2, torch.tensor([1., 2.], requires_grad=True))",
    "AF.jacobian(lambda x: x ** 2, torch.tensor([1., 2.]), create_graph=True)",
    "AF.jacobian(lambda x: x ** 2, 3.0)",
    "AF.hessian(lambda x: (x ** 3).sum(), torch.tensor([1., 2.]))",
    "AF.hessian(lambda x: x ** 3, torch.tensor([1., 2.]))",
    "AF.hessian(lambda x: (x, x), torch.tensor([1., 2.]))",
    "AF.hessian(lambda x, y: (x * y).sum(), (torch.tensor([1., 2.]), torch.tensor([3., 4.])))",
    "AF.hessian(lambda x: (x * 2).sum(), torch.tensor([1., 2.]))",
    "AF.hessian(lambda x: (x.exp() * x).sum(), torch.tensor([0.5, -1.0, 2.0]))",
    "AF.vjp(lambda x: x ** 2, torch.tensor([1., 2.]), torch.tensor([1., 1.]))",
    "AF.vjp(lambda x: x ** 2, torch.tensor([1., 2.]))",
    "AF.vjp(lambda x: x.sum(), torch.tensor([1., 2.]))",
    "AF.vjp(lambda x: x ** 2, torch.tensor([1., 2.]), torch.tensor([1., 1., 1.]))",
    "AF.vjp(lambda x: x ** 2, torch.tensor([1., 2.]), [torch.tensor([1., 1.])])",
    "AF.vjp(lambda x: (x, 2 * x), torch.tensor([1., 2.]), (torch.ones(2),))",
    "AF.vjp(lambda x: (x, 2 * x), torch.tensor([1., 2.]), (torch.ones(2), torch.ones(3)))",
    "AF.jvp(lambda x: x ** 2, torch.tensor([1., 2.]), torch.tensor([1., 0.]))",
    "AF.jvp(lambda x: x.sum(), torch.tensor([1., 2.]))",
    "AF.jvp(lambda x: x ** 2, torch.tensor(2.))",
    "AF.jvp(lambda x, y: x * y, (torch.tensor([1., 2.]), torch.tensor([3., 4.])), (torch.ones(2), torch.ones(2)))",
    "AF.hvp(lambda x: (x ** 3).sum(), torch.tensor([1., 2.]), torch.tensor([1., 0.]))",
    "AF.vhp(lambda x: (x ** 3).sum(), torch.tensor([1., 2.]), torch.tensor([1., 0.]))",
    "AF.hvp(lambda x: x ** 3, torch.tensor([1., 2.]), torch.tensor([1., 0.]))",
    "AF.vhp(lambda x, y: (x * y * y).sum(), (torch.tensor([1., 2.]), torch.tensor([3., 4.])), (torch.ones(2), torch.ones(2)))",
]


@pytest.mark.parametrize("expr", FUNCTIONAL)
def test_autograd_functional(expr):
    same(expr, "AF = torch.autograd.functional")


def test_functional_leaves_the_callers_grad_alone():
    x = gradlab.tensor([1.0, 2.0], requires_grad=True)
    gradlab.autograd.functional.jacobian(lambda t: t ** 2, x)
    gradlab.autograd.functional.hessian(lambda t: (t ** 3).sum(), x)
    assert x.grad is None


def test_hessian_against_finite_differences():
    """An oracle without torch: central differences of gradlab's own gradient."""
    f = lambda t: (t.exp() * t * t).sum()  # noqa: E731
    a = np.array([0.3, -0.7, 1.1])
    H = gradlab.autograd.functional.hessian(f, gradlab.tensor(a)).numpy()
    h = 1e-6
    numeric = np.zeros((3, 3))
    for j in range(3):
        e = np.zeros(3)
        e[j] = h
        gp = gradlab.autograd.grad(f(xp := gradlab.tensor(a + e, requires_grad=True)), xp)[0].numpy()
        gm = gradlab.autograd.grad(f(xm := gradlab.tensor(a - e, requires_grad=True)), xm)[0].numpy()
        numeric[:, j] = (gp - gm) / (2 * h)
    np.testing.assert_allclose(H, numeric, rtol=1e-6, atol=1e-8)


# -- linspace, to the last bit ---------------------------------------------------------------------

def _linspace_cases():
    rng = pyrandom.Random(5)
    cases = [(0., 2 * math.pi, 25), (-math.pi, math.pi, 2000), (0, 1, 5), (0, 1, 1), (0, 1, 0), (3, -7, 13),
             (-2, 2, 729), (0, 1, 40000)]
    return cases + [(rng.uniform(-100, 100), rng.uniform(-100, 100), rng.randint(2, 3000)) for _ in range(100)]


def test_linspace_float32_bit_for_bit():
    for start, end, steps in _linspace_cases():
        np.testing.assert_array_equal(gradlab.linspace(start, end, steps).numpy(),
                                      torch.linspace(start, end, steps).numpy(), err_msg=str((start, end, steps)))


def test_linspace_float64_and_int_close():
    """float64 and integer dtypes: within one unit in the last place (see the docstring)."""
    for start, end, steps in _linspace_cases():
        np.testing.assert_allclose(gradlab.linspace(start, end, steps, dtype=gradlab.float64).numpy(),
                                   torch.linspace(start, end, steps, dtype=torch.float64).numpy(), rtol=1e-15, atol=1e-13)
        g = gradlab.linspace(start, end, steps, dtype=gradlab.int64).numpy()
        t = torch.linspace(start, end, steps, dtype=torch.int64).numpy()
        assert np.abs(g - t).max(initial=0) <= 1


def test_the_tutorials_linspace_prints_what_torch_prints():
    expr = "2 * torch.sin(torch.linspace(0., 2. * math.pi, steps=25)) + 1" if hasattr(gradlab, "sin") else \
        "torch.linspace(0., 2. * math.pi, steps=25)"
    same(expr)
    same("torch.linspace(0, 1, -1)")
    same("torch.linspace(0, 10, 5, dtype=torch.int64)")


# -- NumPy's keyword names, where torch's argument parser accepts them -----------------------------

NUMPY_NAMES = ["x.sum(0, keepdims=True)", "x.sum(axis=0)", "x.mean(axis=1, keepdims=True)", "torch.sum(x, axis=0)",
               "torch.mean(x, axis=(0, 1))", "x.max(axis=0)", "x.argmax(axis=1)", "torch.max(x, axis=1, keepdims=True)",
               "x.squeeze(axis=0)", "x.unsqueeze(axis=0).shape", "torch.cat([x, x], axis=1).shape",
               "torch.stack([x, x], axis=0).shape", "torch.softmax(x, axis=0)", "torch.log_softmax(x, axis=1)",
               "F.softmax(x, axis=0)",
               "torch.all(x > 0, axis=1)", "x.min(axis=1).values", "x.sum(dim=0, keepdims=True)"]


@pytest.mark.parametrize("expr", NUMPY_NAMES)
def test_numpy_keyword_names(expr):
    same(expr, "x = torch.tensor([[1., -2., 3.], [4., 5., -6.]])")


ALL_ANY = ["torch.all(x > 0)", "torch.any(x > 0)", "torch.all(x > 0, dim=0)", "torch.all(x > 0, 1)",
           "(x > 0).all(dim=0, keepdim=True)", "(x > 0).any(1)", "x.all()", "torch.all(x)", "torch.any(x, dim=1)",
           "torch.all(x > -10, dim=(0, 1))", "torch.any(torch.tensor([[True, False]]), dim=(0, 1))",
           "torch.all(torch.tensor([1, 0, 2]))", "torch.all(torch.tensor(True), dim=0)", "torch.all(x > 0, dim=2)",
           "torch.any(torch.zeros(0, 3), dim=0)"]


@pytest.mark.parametrize("expr", ALL_ANY)
def test_all_any(expr):
    same(expr, "x = torch.tensor([[1., -2., 0.], [4., 5., -6.]])")


# -- layers that compose existing functions --------------------------------------------------------

MODULES = ["nn.Flatten()", "nn.Flatten(0, 1)", "nn.Unflatten(1, (2, 2))", "nn.Softmax(dim=1)", "nn.Softmax()",
           "nn.LogSoftmax(dim=-1)", "nn.Softmin(dim=1)", "nn.Identity()", "nn.Dropout()", "nn.Dropout(0.2, True)",
           "nn.Dropout(1.5)", "nn.L1Loss()", "nn.L1Loss(reduction='sum')", "nn.NLLLoss()",
           "nn.Sequential(nn.Flatten(), nn.Linear(4, 2), nn.Softmax(dim=1))", "nn.Dropout().eval()(x) is x",
           "nn.Identity()(x) is x", "nn.Flatten()(x).shape", "nn.Flatten(0, 1)(x).shape", "nn.Unflatten(1, (2, 2))(x.reshape(3, 4)).shape",
           "F.dropout(x, 0.0) is x", "F.dropout(x, 1.0)", "F.dropout(x, -0.1)", "F.dropout(x, training=False) is x",
           "nn.Softmax(dim=1)(x.reshape(3, 4)).sum(1)", "F.one_hot(torch.tensor([0, 2]), 3)", "F.one_hot(torch.tensor([0, 2]))",
           "F.one_hot(torch.tensor([[0], [2]]), 4).shape", "F.one_hot(torch.tensor([0., 2.]), 3)", "F.one_hot(torch.tensor([0, 3]), 3)",
           "F.one_hot(torch.tensor([-1]), 3)", "F.one_hot(torch.tensor([], dtype=torch.long))", "F.one_hot(torch.tensor(2), 3)",
           "F.one_hot(torch.tensor([1]), 0)", "F.one_hot(torch.tensor([1, 2]), 3).dtype"]


@pytest.mark.parametrize("expr", MODULES)
def test_modules(expr):
    same(expr, "x = torch.arange(12.).reshape(3, 2, 2)")


LAYER_GRAPHS = [
    ("Flatten", lambda L, x: L.nn.Flatten()(x)),
    ("Flatten(0,1)", lambda L, x: L.nn.Flatten(0, 1)(x)),
    ("Flatten non-contiguous", lambda L, x: L.nn.Flatten()(x.transpose(0, 2))),
    ("Unflatten", lambda L, x: L.nn.Unflatten(1, (2, 2))(x.reshape(3, 4))),
    ("Softmax", lambda L, x: L.nn.Softmax(dim=1)(x)),
    ("LogSoftmax", lambda L, x: L.nn.LogSoftmax(dim=2)(x)),
    ("Softmin", lambda L, x: L.nn.Softmin(dim=0)(x)),
    ("L1Loss", lambda L, x: L.nn.L1Loss()(x, L.ones(3, 2, 2))),
    ("L1Loss sum", lambda L, x: L.nn.L1Loss(reduction="sum")(x, L.ones(3, 2, 2))),
    ("l1_loss none", lambda L, x: L.nn.functional.l1_loss(x, L.ones(3, 2, 2), reduction="none")),
    ("NLLLoss", lambda L, x: L.nn.NLLLoss()(L.nn.functional.log_softmax(x.reshape(3, 4), 1), L.tensor([0, 3, 1]))),
    ("Dropout(p=1)", lambda L, x: L.nn.Dropout(1.0)(x)),
]


@pytest.mark.parametrize("f", [pytest.param(f, id=i) for i, f in LAYER_GRAPHS])
def test_layer_graphs_vs_torch(f):
    x = np.random.default_rng(0).uniform(-2, 2, (3, 2, 2)).astype(np.float32)
    run_both(f, x)


def test_dropout_scales_what_it_keeps_and_records_a_mul():
    gradlab.manual_seed(0)
    x = gradlab.ones(1000, requires_grad=True)
    y = gradlab.nn.Dropout(0.25)(x)
    values = set(np.unique(y.detach().numpy()).tolist())
    assert values == {0.0, np.float32(1 / 0.75)} and node_name(y) == "MulBackward0"
    kept = (y.detach().numpy() != 0).mean()
    assert 0.70 < kept < 0.80
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.detach().numpy())  # d(x·mask)/dx = mask


# -- print options ---------------------------------------------------------------------------------

PRINT = ["x", "torch.tensor([1.5, 2.25])", "torch.tensor(1e-6)", "torch.tensor([0.12345])", "torch.arange(2000.)",
         "torch.tensor([1.0, 2.0])", "torch.tensor([1, 2])", "torch.arange(10.)", "torch.tensor([[1e-3, 2.5], [3.0, 4.0]])"]
SETTINGS = ["sci_mode=False", "precision=2", "profile='short'", "profile='full'", "sci_mode=True",
            "linewidth=30", "precision=6, sci_mode=False", "profile='default'", "edgeitems=1, threshold=5"]


@pytest.mark.parametrize("settings", SETTINGS)
def test_set_printoptions(settings):
    try:
        for expr in PRINT:
            same(expr, f"torch.set_printoptions({settings})\nx = torch.tensor([1e-5, 1.0, 12345.678])")
    finally:
        torch.set_printoptions(profile="default")
        gradlab.set_printoptions(profile="default")


# -- multinomial (draws differ from torch's: gradlab's generator is NumPy's) ---------------------

MULTINOMIAL_ERRORS = ["torch.multinomial(torch.tensor([0.2, 0.8]), 3)", "torch.multinomial(torch.tensor([0., 0.]), 1)",
                      "torch.multinomial(torch.tensor([-1., 2.]), 1)", "torch.multinomial(torch.ones(2, 2, 2), 1)",
                      "torch.multinomial(torch.tensor([1, 2]), 1)", "torch.multinomial(torch.tensor([1., float('nan')]), 1)",
                      "torch.multinomial(torch.ones(4), 0)", "torch.multinomial(torch.tensor(1.), 1)",
                      "torch.multinomial(torch.ones(3, 4), 2).shape", "torch.multinomial(torch.tensor([0., 1., 0.]), 2)",
                      "torch.multinomial(torch.tensor([0., 1.]), 1, True)", "torch.multinomial(torch.ones(4), 2).dtype"]


@pytest.mark.parametrize("expr", MULTINOMIAL_ERRORS)
def test_multinomial_like_torch(expr):
    same(expr)


def test_multinomial_frequencies_and_seeds():
    p = gradlab.tensor([0.1, 0.6, 0.3])
    g = gradlab.Generator().manual_seed(2147483647)
    draws = gradlab.multinomial(p, num_samples=20000, replacement=True, generator=g).numpy()
    np.testing.assert_allclose(np.bincount(draws, minlength=3) / 20000, [0.1, 0.6, 0.3], atol=0.015)
    g2 = gradlab.Generator().manual_seed(2147483647)
    assert np.array_equal(gradlab.multinomial(p, 20000, True, generator=g2).numpy(), draws)
    once = gradlab.multinomial(gradlab.ones(2, 6), 6).numpy()  # without replacement: permutations
    assert all(sorted(row) == list(range(6)) for row in once.tolist())


# -- ops real tutorials reach for: running sums, flips, narrow, rounding, the new_* factories ----
TUTORIAL_OPS_SETUP = "a = torch.tensor([[1.5, -2.0, 0.25], [3.0, 0.5, -1.0]], requires_grad=True)"
TUTORIAL_OPS = [
 "a.cumsum(1)", "a.cumsum(-2)", "torch.cumsum(a, 0)", "torch.tensor([1, 2, 3], dtype=torch.int32).cumsum(0)",
 "torch.tensor([True, False, True]).cumsum(0)", "a.cumsum(0, dtype=torch.float64)", "torch.tensor(2.5, requires_grad=True).cumsum(0)",
 "a.cumsum(2)", "(lambda a: torch.autograd.grad((a.cumsum(1) * torch.tensor([1., 2., 3.])).sum(), a))(a)",
 "(lambda a: torch.autograd.grad(a.cumsum(0, dtype=torch.float64).sum(), a))(a)",
 "a.flip(0)", "a.flip(0, 1)", "a.flip([1])", "torch.flip(a, [0, -1])", "a.flip(0, 0)", "a.flip(-3)",
 "(lambda a: torch.autograd.grad((a.flip(1) * torch.tensor([1., 2., 3.])).sum(), a))(a)", "a.t().flip(0).is_contiguous()",
 "a.narrow(1, 1, 2)", "a.narrow(0, -1, 1)", "a.narrow(1, 3, 0)", "a.narrow(1, 4, 0)", "a.narrow(1, 2, 2)",
 "a.narrow(0, 0, -1)", "torch.narrow(a, 1, 0, 1)", "(lambda a: torch.autograd.grad(a.narrow(1, 1, 2).sum(), a))(a)",
 "a.new_zeros(2, 3)", "a.new_zeros((2,))", "a.new_ones(1, dtype=torch.float64)", "a.new_full((2,), 3)",
 "a.new_tensor([1, 2])", "a.new_empty(2).shape", "a.new_zeros(2, requires_grad=True)",
 "torch.empty_like(a).shape", "torch.empty_like(a).requires_grad", "torch.empty_like(a, dtype=torch.int64).dtype",
 "a.element_size()", "torch.tensor([1, 2]).element_size()", "a.type_as(torch.tensor([1]))",
 "torch.isclose(a, a + 1e-6)", "torch.isclose(torch.tensor([1., float('nan')]), torch.tensor([1., float('nan')]), equal_nan=True)",
 "torch.outer(torch.tensor([1., 2.], requires_grad=True), torch.tensor([3., 4., 5.]))", "torch.outer(a, a)",
 "torch.tensor([1., 2.]).outer(torch.tensor([3., 4.]))",
 "(lambda x: (x.masked_fill_(torch.tensor([True, False, True]), 2.0), x._version))(torch.zeros(3))",
 "(lambda x: (x.masked_fill_(torch.tensor([True, False]), -1.0), x._version))(torch.zeros(2, 2))",
 "(lambda a: (lambda y: (y.masked_fill_(y > 0, 0.0), torch.autograd.grad(y.sum(), a)))(a * 2))(a)",
 "(lambda a: a.masked_fill_(a > 0, 0.0))(a)",
    "a.t().flip(0).stride()", "a.long()", "a.long().requires_grad", "a.to(torch.bool).is_leaf",
    "torch.zeros(2, 2).masked_fill_(torch.tensor([True, False, True]), 1.)",
    "torch.zeros(2, 2).masked_fill(torch.tensor([True, False, True]), 1.)",
    "torch.zeros(2, 2).masked_fill_(torch.tensor([1., 0.]), 1.)", "a.masked_fill(torch.tensor([1, 0, 1]), 1.)",
    "torch.zeros(2).masked_fill_(torch.tensor([[True, False], [True, True]]), 1.)",
    "torch.zeros(2, 2).masked_fill_(torch.tensor(True), 3.)",
] + [f"{expr}({x})" for expr in ("torch.floor", "torch.ceil", "torch.round", "torch.trunc", "torch.frac")
     for x in ("torch.tensor([1.5, -2.5, 0.5, 2.5, -0.5], requires_grad=True)", "torch.tensor([1, -2])",
               "torch.tensor([True])", "torch.tensor(3.7, dtype=torch.float64, requires_grad=True)")] + [
    f"torch.autograd.grad(torch.{f}(a * 2).sum(), a)" for f in ("floor", "ceil", "round", "trunc", "frac")
] + [f"(lambda x: (x.{f}_(), x._version))(torch.tensor([0.3, -1.7]))"
     for f in ("floor", "ceil", "round", "trunc", "frac")] + ["a[:, ::-1]"]


@pytest.mark.parametrize("expr", TUTORIAL_OPS)
def test_tutorial_ops(expr):
    same(expr, TUTORIAL_OPS_SETUP)
