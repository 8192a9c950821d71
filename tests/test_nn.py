"""gradlab.nn against torch.nn (PyTorch 2.13.0 is the oracle).

Layers, losses and softmaxes must give torch's values and gradients (with the same weights),
record torch's backward nodes, print torch's reprs, name parameters as torch does, and raise
torch's errors. The guide's use cases (freezing a backbone, eval + no_grad, detach for
logging) must behave as in torch.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import gradlab

pytestmark = pytest.mark.torch

RTOL, ATOL = 1e-5, 1e-6
rng = np.random.default_rng(7)


def arr(*shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def lib_tensor(lib, a, requires_grad=False):
    t = lib.tensor(np.array(a, copy=True))
    return t.requires_grad_() if requires_grad else t


def close(g, t, what="", rtol=RTOL, atol=ATOL):
    if t is None:
        assert g is None, what
        return
    assert g is not None, what
    assert tuple(g.shape) == tuple(t.shape), what
    assert str(g.dtype) == str(t.dtype), what
    np.testing.assert_allclose(g.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol,
                               equal_nan=True, err_msg=what)


def graph_names(t):
    """The backward graph below ``t`` as nested (name, children) tuples: torch's or gradlab's."""
    def walk(fn):
        if fn is None:
            return None
        return (type(fn).__name__, tuple(walk(child) for child, _ in fn.next_functions))
    return walk(t.grad_fn)


def copy_weights(gm, tm):
    gm.load_state_dict({k: gradlab.tensor(v.detach().numpy().copy()) for k, v in tm.state_dict().items()})
    return gm


def run_both(fn, *arrays, requires_grad=True):
    """``fn(lib, *tensors)`` in both libraries; backward of (out · fixed weights).sum(); compare."""
    outs = {}
    for lib in (torch, gradlab):
        inputs = [lib_tensor(lib, a, requires_grad and np.asarray(a).dtype.kind == "f") for a in arrays]
        out = fn(lib, *inputs)
        outs[lib.__name__] = (out, inputs)
    (t_out, t_in), (g_out, g_in) = outs["torch"], outs["gradlab"]
    close(g_out, t_out, "output")
    assert graph_names(g_out) == graph_names(t_out)
    if t_out.requires_grad:
        w = arr(*t_out.shape)
        (t_out * torch.tensor(w)).sum().backward()
        (g_out * gradlab.tensor(w)).sum().backward()
        for i, (g, t) in enumerate(zip(g_in, t_in)):
            if t.requires_grad:
                close(g.grad, t.grad, f"grad of input {i}")
    return g_out, t_out


# -- Linear --------------------------------------------------------------------------------------

@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(3,), (5, 3), (2, 4, 3)])
def test_linear_forward_backward_and_nodes(shape, bias):
    torch.manual_seed(0)
    tl = torch.nn.Linear(3, 2, bias=bias)
    gl = copy_weights(gradlab.nn.Linear(3, 2, bias=bias), tl)
    x = arr(*shape)
    tx, gx = torch.tensor(x, requires_grad=True), gradlab.tensor(x, requires_grad=True)
    ty, gy = tl(tx), gl(gx)
    close(gy, ty)
    assert graph_names(gy) == graph_names(ty)
    w = arr(*ty.shape)
    (ty * torch.tensor(w)).sum().backward()
    (gy * gradlab.tensor(w)).sum().backward()
    close(gx.grad, tx.grad, "input grad")
    close(gl.weight.grad, tl.weight.grad, "weight grad")
    if bias:
        close(gl.bias.grad, tl.bias.grad, "bias grad")


def test_batched_linear_is_one_addmm():
    gl = gradlab.nn.Linear(3, 2)
    y = gl(gradlab.randn(4, 3))
    assert type(y.grad_fn).__name__ == "AddmmBackward0"
    names = [type(f).__name__ if f is not None else None for f, _ in y.grad_fn.next_functions]
    assert names == ["AccumulateGrad", None, "TBackward0"]  # (bias, input, weight.t())


def test_linear_init_bounds_and_seed():
    gradlab.manual_seed(3)
    a = gradlab.nn.Linear(16, 4)
    gradlab.manual_seed(3)
    b = gradlab.nn.Linear(16, 4)
    assert a.weight.equal(b.weight) and a.bias.equal(b.bias)  # gradlab's seeded generator
    bound = 1 / np.sqrt(16)
    for p in (a.weight, a.bias):
        v = p.detach().numpy()
        assert v.dtype == np.float32 and np.all(np.abs(v) <= bound)
        assert np.abs(v).max() > 0.5 * bound  # spread over the interval, not squeezed to 0
    big = gradlab.nn.Linear(400, 300)
    w = big.weight.detach().numpy()
    assert abs(w.mean()) < 0.003 and abs(w.std() - (2 / 20) / np.sqrt(12)) < 0.002  # U(−1/20, 1/20)
    assert isinstance(a.weight, gradlab.nn.Parameter) and a.weight.requires_grad and a.weight.is_leaf


def test_linear_errors_like_torch():
    for shape, dtype in [((4, 5), "float32"), ((5,), "float32"), ((2, 4, 5), "float32"), ((4, 3), "float64"), ((), "float32")]:
        errors = []
        for lib in (torch, gradlab):
            for bias in (True, False):
                layer = lib.nn.Linear(3, 2, bias=bias)
                x = lib.tensor(np.zeros(shape, dtype=dtype))
                try:
                    layer(x)
                    errors.append(None)
                except Exception as e:  # noqa: BLE001
                    errors.append((type(e).__name__, str(e)))
        assert errors[2:] == errors[:2], (shape, dtype)
        assert errors[0] is not None


# -- losses --------------------------------------------------------------------------------------

@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss(reduction):
    run_both(lambda lib, a, b: lib.nn.MSELoss(reduction=reduction)(a, b), arr(4, 3), arr(4, 3))
    run_both(lambda lib, a, b: lib.nn.functional.mse_loss(a, b, reduction=reduction), arr(6), arr(6))


@pytest.mark.filterwarnings("ignore:Using a target size")
def test_mse_loss_broadcast_warns_and_expands_like_torch():
    texts = {}
    for lib in (torch, gradlab):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            a, b = lib_tensor(lib, arr(4, 3), True), lib_tensor(lib, arr(3), True)
            out = lib.nn.functional.mse_loss(a, b)
        texts[lib.__name__] = ([str(x.message) for x in w], graph_names(out))
    assert texts["gradlab"] == texts["torch"]
    run_both(lambda lib, a, b: lib.nn.functional.mse_loss(a, b), arr(4, 3), arr(3))


def test_mse_loss_mixed_dtypes_and_bad_reduction():
    run_both(lambda lib, a, b: lib.nn.functional.mse_loss(a, b), arr(3, 2), arr(3, 2).astype(np.float64))
    for lib in (torch, gradlab):
        with pytest.raises(ValueError) as info:  # (pytest's match= also searches gradlab's note)
            lib.nn.MSELoss(reduction="foo")(lib.zeros(2), lib.zeros(2))
        assert str(info.value) == "foo is not a valid value for reduction"


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy(reduction):
    target = np.array([0, 2, 1, 2, 0])
    g, t = run_both(lambda lib, x, y: lib.nn.CrossEntropyLoss(reduction=reduction)(x, y), arr(5, 3), target)
    assert graph_names(g) == ("NllLossBackward0", (("LogSoftmaxBackward0", (("AccumulateGrad", ()),)),))


@pytest.mark.parametrize("kw", [dict(weight=np.array([0.2, 1.0, 3.0], np.float32)), dict(ignore_index=2),
                                dict(ignore_index=-100), dict(weight=np.array([1.0, 2.0, 0.5], np.float32),
                                                              ignore_index=0, reduction="sum")], ids=str)
def test_cross_entropy_weight_and_ignore_index(kw):
    target = np.array([0, 2, 1, kw.get("ignore_index", -100), 2, 0])

    def fn(lib, x, y):
        extra = {k: (lib.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in kw.items()}
        return lib.nn.functional.cross_entropy(x, y, **extra)
    run_both(fn, arr(6, 3), target)


def test_cross_entropy_single_sample_and_nll_loss():
    run_both(lambda lib, x, y: lib.nn.functional.cross_entropy(x, y), arr(4), np.array(2))
    run_both(lambda lib, x, y: lib.nn.functional.cross_entropy(x, y, reduction="none"), arr(4), np.array(3))
    run_both(lambda lib, x, y: lib.nn.functional.nll_loss(lib.nn.functional.log_softmax(x, 1), y),
             arr(3, 4), np.array([3, 0, 1]))


def test_cross_entropy_large_logits_are_stable():
    x = np.array([[1000.0, 1001.0, 999.0], [-1000.0, 0.0, 1000.0], [88.0, 89.0, 90.0]], np.float32)
    g, _ = run_both(lambda lib, a, y: lib.nn.functional.cross_entropy(a, y), x, np.array([0, 2, 1]))
    assert np.isfinite(g.item())


def test_cross_entropy_errors_like_torch():
    x = arr(4, 3)
    cases = [
        lambda lib: lib.nn.functional.cross_entropy(lib.tensor(x), lib.tensor([0, 1, 2, 3])),
        lambda lib: lib.nn.functional.cross_entropy(lib.tensor(x), lib.tensor([0, 1, 2, -1])),
        lambda lib: lib.nn.functional.cross_entropy(lib.tensor(x), lib.tensor([0, 1, 2])),
        lambda lib: lib.nn.functional.cross_entropy(lib.tensor(x), lib.tensor([0, 1, 2, 1], dtype=lib.int32)),
        lambda lib: lib.nn.functional.cross_entropy(lib.tensor(x), lib.tensor([0.0, 1.0, 2.0, 1.0])),
        lambda lib: lib.nn.functional.cross_entropy(lib.tensor(x), lib.tensor([0, 1, 2, 1]), reduction="avg"),
        lambda lib: lib.nn.functional.cross_entropy(lib.tensor(x), lib.tensor([0, 1, 2, 1]),
                                                    weight=lib.tensor([1.0, 2.0])),
        lambda lib: lib.nn.functional.cross_entropy(lib.tensor(x[0]), lib.tensor([1, 2])),
        lambda lib: lib.nn.functional.cross_entropy(lib.tensor(x), lib.tensor(1)),
        lambda lib: lib.nn.functional.cross_entropy(lib.tensor(x), lib.tensor(np.zeros((4, 3), np.int64))),
    ]
    for i, case in enumerate(cases):
        errs = []
        for lib in (torch, gradlab):
            with pytest.raises(Exception) as info:
                case(lib)
            errs.append((info.type.__name__, str(info.value)))
        assert errs[1] == errs[0], i


# -- softmax and log_softmax ------------------------------------------------------------------------

@pytest.mark.parametrize("fname", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape,dim", [((5,), 0), ((3, 4), 1), ((3, 4), 0), ((3, 4), -1), ((2, 3, 4), 1), ((), 0)])
def test_softmax_and_log_softmax(fname, shape, dim):
    run_both(lambda lib, x: getattr(lib.nn.functional, fname)(x, dim=dim), arr(*shape, scale=3.0))


@pytest.mark.parametrize("fname", ["softmax", "log_softmax"])
def test_softmax_large_and_infinite_logits(fname):
    x = np.array([[1e4, 1e4 + 1, 1e4 - 3], [-1e4, 0.0, 1e4], [-np.inf, 0.0, 1.0], [88.7, 89.0, 1e3]], np.float32)
    g, t = run_both(lambda lib, a: getattr(lib.nn.functional, fname)(a, dim=1), x)
    assert np.all(np.isfinite(g.detach().numpy()[[0, 1, 3]]))


def test_softmax_implicit_dim_warning_dtype_and_errors():
    for dim_shape in [(4,), (2, 3), (2, 3, 4)]:
        outs, x = [], arr(*dim_shape)
        for lib in (torch, gradlab):
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                y = lib.nn.functional.softmax(lib.tensor(x))
            outs.append(([str(m.message) for m in w], y.detach().numpy()))
        assert outs[1][0] == outs[0][0]
        np.testing.assert_allclose(outs[1][1], outs[0][1], rtol=RTOL, atol=ATOL)
    run_both(lambda lib, x: lib.nn.functional.log_softmax(x, 1, dtype=lib.float64), arr(2, 3))
    run_both(lambda lib, x: lib.softmax(x, 0), arr(3))
    for case in [lambda lib: lib.nn.functional.softmax(lib.tensor([1, 2, 3]), dim=0),
                 lambda lib: lib.nn.functional.log_softmax(lib.tensor([[1, 2], [3, 4]]), dim=0),
                 lambda lib: lib.nn.functional.softmax(lib.zeros(2, 3), dim=2)]:
        errs = []
        for lib in (torch, gradlab):
            with pytest.raises(Exception) as info:
                case(lib)
            errs.append((info.type.__name__, str(info.value)))
        assert errs[1] == errs[0]


def test_second_derivatives_through_softmax_and_losses():
    """The rules are written with tensor ops, so create_graph=True works through the new nodes."""
    x0, target, y0 = arr(3, 4), np.array([1, 0, 3]), arr(3, 4)
    results = []
    for lib in (torch, gradlab):
        x = lib_tensor(lib, x0, True)
        F = lib.nn.functional
        loss = F.cross_entropy(x, lib.tensor(target)) + F.mse_loss(F.softmax(x, 1), lib.tensor(y0))
        (g,) = lib.autograd.grad(loss, x, create_graph=True)
        (g * g).sum().backward()
        results.append((g.detach().numpy().copy(), x.grad.numpy().copy()))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-4, atol=1e-6)


def test_activations_match_torch():
    for cls in ("ReLU", "Sigmoid", "Tanh"):
        run_both(lambda lib, x: getattr(lib.nn, cls)()(x), arr(3, 4, scale=3.0))
    run_both(lambda lib, x: lib.nn.functional.relu(x * 1.0), arr(5))
    for lib in (torch, gradlab):
        x = lib.tensor([-1.0, 2.0])
        assert lib.nn.ReLU(inplace=True)(x) is x and x.tolist() == [0.0, 2.0]


# -- a small model -----------------------------------------------------------------------------

def build_net(lib):
    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.backbone = lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.ReLU(), lib.nn.Linear(8, 8), lib.nn.Tanh())
            self.head = lib.nn.Linear(8, 3)

        def forward(self, x):
            return self.head(self.backbone(x))
    return Net()


def twin_nets():
    torch.manual_seed(0)
    tm = build_net(torch)
    return tm, copy_weights(build_net(gradlab), tm)


def test_mlp_forward_backward_matches_torch():
    tm, gm = twin_nets()
    x, target = arr(6, 4), np.array([0, 1, 2, 2, 1, 0])
    losses = []
    for lib, model in ((torch, tm), (gradlab, gm)):
        out = model(lib.tensor(x))
        loss = lib.nn.CrossEntropyLoss()(out, lib.tensor(target))
        loss.backward()
        losses.append(loss)
    close(losses[1], losses[0])
    assert graph_names(losses[1]) == graph_names(losses[0])
    tp, gp = dict(tm.named_parameters()), dict(gm.named_parameters())
    for name in tp:
        close(gp[name].grad, tp[name].grad, name)


def test_module_reprs_match_torch():
    builders = [
        build_net,
        lambda lib: lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.ReLU()),
        lambda lib: lib.nn.Sequential(lib.nn.Sequential(lib.nn.Linear(1, 1)), lib.nn.Linear(1, 2, bias=False),
                                      lib.nn.Sigmoid(), lib.nn.ReLU(inplace=True), lib.nn.MSELoss(),
                                      lib.nn.CrossEntropyLoss(reduction="sum")),
        lambda lib: lib.nn.Sequential(),
        lambda lib: lib.nn.Linear(10, 1),
        lambda lib: lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.Tanh(), lib.nn.Linear(2, 2))[1:],
    ]
    for build in builders:
        assert repr(build(gradlab)) == repr(build(torch))


def test_parameter_repr_matches_torch():
    for data in ([1.0, 2.0], [[0.5, -1.25]]):
        assert repr(gradlab.nn.Parameter(gradlab.tensor(data))) == repr(torch.nn.Parameter(torch.tensor(data)))
        assert repr(gradlab.nn.Parameter(gradlab.tensor(data), requires_grad=False)) == \
            repr(torch.nn.Parameter(torch.tensor(data), requires_grad=False))
    assert repr(gradlab.nn.Parameter()) == repr(torch.nn.Parameter())
    with pytest.raises(RuntimeError) as info:
        gradlab.nn.Parameter(gradlab.tensor([1, 2]))
    assert str(info.value) == "Only Tensors of floating point and complex dtype can require gradients"
    p = gradlab.nn.Parameter(gradlab.ones(2))
    assert type(p * 2).__name__ == "Tensor" and isinstance(p, gradlab.Tensor)


def test_parameter_and_module_names_and_order_match_torch():
    tm, gm = twin_nets()
    assert [n for n, _ in gm.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert [tuple(p.shape) for p in gm.parameters()] == [tuple(p.shape) for p in tm.parameters()]
    assert [n for n, _ in gm.named_modules()] == [n for n, _ in tm.named_modules()]
    assert [n for n, _ in gm.named_children()] == [n for n, _ in tm.named_children()]
    assert [type(m).__name__ for m in gm.children()] == [type(m).__name__ for m in tm.children()]
    assert [type(m).__name__ for m in gm.modules()] == [type(m).__name__ for m in tm.modules()]
    assert list(gm.state_dict()) == list(tm.state_dict())
    assert type(gm.state_dict()).__name__ == "OrderedDict"
    shared = gradlab.nn.Linear(2, 2)
    assert len(list(gradlab.nn.Sequential(shared, shared).parameters())) == 2  # duplicates once


def test_sequential_indexing_len_iteration():
    for lib in (torch, gradlab):
        seq = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU(), lib.nn.Linear(3, 1))
        assert len(seq) == 3 and type(seq[-1]).__name__ == "Linear" and type(seq[1]).__name__ == "ReLU"
        assert [type(m).__name__ for m in seq] == ["Linear", "ReLU", "Linear"]
        assert len(seq[:2]) == 2
        with pytest.raises(IndexError, match="index 3 is out of range"):
            seq[3]
        seq.append(lib.nn.Sigmoid())
        del seq[0]
        assert [n for n, _ in seq.named_children()] == ["0", "1", "2"]


def test_state_dict_values_are_detached_and_shared():
    gm = gradlab.nn.Linear(2, 2)
    sd = gm.state_dict()
    assert not sd["weight"].requires_grad and type(sd["weight"]).__name__ == "Tensor"
    with gradlab.no_grad():
        gm.weight.mul_(0.0)
    assert sd["weight"].tolist() == [[0.0, 0.0], [0.0, 0.0]]  # shares memory, as in torch


def test_load_state_dict_errors_match_torch():
    tm, gm = twin_nets()
    t_sd = tm.state_dict()

    def variants(lib, sd):
        conv = (lambda v: gradlab.tensor(v.numpy())) if lib is gradlab else (lambda v: v.clone())
        base = {k: conv(v) for k, v in sd.items()}
        missing = {k: v for k, v in base.items() if k != "head.bias"}
        unexpected = {**base, "head.extra": conv(torch.zeros(1)), "neck.weight": conv(torch.zeros(1))}
        shape = {**base, "backbone.0.weight": conv(torch.zeros(8, 5))}
        everything = {**missing, "head.extra": conv(torch.zeros(1)), "backbone.2.bias": conv(torch.zeros(3))}
        not_tensor = {**base, "head.bias": [1.0, 2.0, 3.0]}
        return [missing, unexpected, shape, everything, not_tensor]

    for t_variant, g_variant in zip(variants(torch, t_sd), variants(gradlab, t_sd)):
        errs = []
        for model, sd in ((tm, t_variant), (gm, g_variant)):
            with pytest.raises(RuntimeError) as info:
                model.load_state_dict(sd)
            errs.append(str(info.value).replace("<class 'list'>", "LIST"))
        assert errs[1] == errs[0]
    assert repr(gm.load_state_dict(gm.state_dict())) == "<All keys matched successfully>"
    loose = [repr(m.load_state_dict(v, strict=False)) for m, v in
             ((tm, {**tm.state_dict(), "x": torch.zeros(1)}), (gm, {**gm.state_dict(), "x": gradlab.zeros(1)}))]
    assert loose[1] == loose[0]
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        gm.load_state_dict([1, 2])


def test_attribute_errors_match_torch():
    tm, gm = twin_nets()
    cases = [lambda m, lib: m.foo,
             lambda m, lib: setattr(m, "head", 3),
             lambda m, lib: setattr(m.head, "weight", lib.zeros(3, 8)),
             lambda m, lib: lib.nn.Module()(1)]
    for case in cases:
        errs = []
        for lib, m in ((torch, tm), (gradlab, gm)):
            with pytest.raises(Exception) as info:
                case(m, lib)
            errs.append((info.type.__name__, str(info.value)))
        assert errs[1] == errs[0]


# -- the guide's use cases -------------------------------------------------------------------------

def test_freezing_the_backbone_like_torch():
    tm, gm = twin_nets()
    x, target = arr(6, 4), np.array([0, 1, 2, 2, 1, 0])
    snapshots = {}
    for lib, model in ((torch, tm), (gradlab, gm)):
        for param in model.backbone.parameters():
            param.requires_grad = False
        before = {n: p.detach().numpy().copy() for n, p in model.named_parameters()}
        opt = lib.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
        for _ in range(3):
            opt.zero_grad()
            lib.nn.functional.cross_entropy(model(lib.tensor(x)), lib.tensor(target)).backward()
            opt.step()
        for name, p in model.named_parameters():
            if name.startswith("backbone."):
                assert p.grad is None and not p.requires_grad
                np.testing.assert_array_equal(p.detach().numpy(), before[name])
            else:
                assert p.grad is not None and not np.array_equal(p.detach().numpy(), before[name])
        snapshots[lib.__name__] = {n: p.detach().numpy().copy() for n, p in model.named_parameters()}
    for name in snapshots["torch"]:
        np.testing.assert_allclose(snapshots["gradlab"][name], snapshots["torch"][name], rtol=RTOL, atol=ATOL)


def test_eval_and_no_grad_like_torch():
    tm, gm = twin_nets()
    for lib, model in ((torch, tm), (gradlab, gm)):
        assert model.training and model.backbone[0].training
        model.eval()
        assert not model.training and not model.backbone[1].training
        with lib.no_grad():
            output = model(lib.tensor(arr(2, 4)))
        assert output.requires_grad is False and output.grad_fn is None
        model.train()
        assert model.head.training
        assert model.requires_grad_(False) is model
        assert not any(p.requires_grad for p in model.parameters())
        with pytest.raises(ValueError, match="training mode is expected to be boolean"):
            model.train("yes")


def test_detach_for_logging_like_torch():
    tm, gm = twin_nets()
    x0 = arr(2, 4)
    logged = []
    for lib, model in ((torch, tm), (gradlab, gm)):
        x = model(lib.tensor(x0))
        y = x.detach()  # used in some logging or post-processing
        assert x.requires_grad and not y.requires_grad and y.grad_fn is None
        logged.append(y.numpy().copy())
        x.sum().backward()  # the graph is untouched by the detached copy
    np.testing.assert_allclose(logged[1], logged[0], rtol=RTOL, atol=ATOL)


def test_module_zero_grad():
    for lib in (torch, gradlab):
        model = lib.nn.Linear(2, 1)
        model(lib.ones(1, 2)).sum().backward()
        model.zero_grad(set_to_none=False)
        assert model.weight.grad.tolist() == [[0.0, 0.0]]
        model.zero_grad()
        assert model.weight.grad is None
