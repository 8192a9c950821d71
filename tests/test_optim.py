"""gradlab.optim against torch.optim (PyTorch 2.13.0 is the oracle).

The same small model (torch's initial weights copied into gradlab's) is trained for 50 steps by
both libraries; the parameters must agree to float32 tolerance. Every SGD option combination is
covered (invalid ones must raise torch's error), Adam with its defaults, amsgrad, weight decay,
maximize and decoupled weight decay; then zero_grad, skipped parameters, state dicts, argument
errors and the printed optimizer.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

import gradlab

pytestmark = pytest.mark.torch

STEPS = 50
RTOL, ATOL = 1e-5, 1e-6
_rng = np.random.default_rng(1234)
X = _rng.standard_normal((8, 4)).astype(np.float32)
Y = _rng.standard_normal((8, 2)).astype(np.float32)


def build(lib):
    return lib.nn.Sequential(lib.nn.Linear(4, 5), lib.nn.Tanh(), lib.nn.Linear(5, 2))


def twin_models(seed=0):
    """A torch model and a gradlab model with the same weights (torch's init, copied)."""
    torch.manual_seed(seed)
    tm = build(torch)
    gm = build(gradlab)
    gm.load_state_dict({k: gradlab.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    return tm, gm


def train(lib, model, opt, steps=STEPS, sign=1.0):
    x, y = lib.tensor(X), lib.tensor(Y)
    for _ in range(steps):
        opt.zero_grad()
        loss = sign * lib.nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
    return loss


def assert_same_params(gm, tm, rtol=RTOL, atol=ATOL):
    g_named, t_named = dict(gm.named_parameters()), dict(tm.named_parameters())
    assert list(g_named) == list(t_named)
    for name in t_named:
        np.testing.assert_allclose(g_named[name].detach().numpy(), t_named[name].detach().numpy(),
                                   rtol=rtol, atol=atol, err_msg=name)


def raised(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type is part of what is compared
        return type(e).__name__, str(e)
    return None


# -- SGD: every combination -------------------------------------------------------------------------

SGD_GRID = [dict(lr=0.05, momentum=m, dampening=d, nesterov=n, weight_decay=wd, maximize=mx)
            for m, d, n, wd, mx in itertools.product([0, 0.9], [0, 0.5], [False, True], [0, 0.1],
                                                     [False, True])]


@pytest.mark.parametrize("kw", SGD_GRID, ids=lambda kw: "-".join(f"{k}={v}" for k, v in kw.items() if k != "lr"))
def test_sgd_matches_torch_for_every_option_combination(kw):
    tm, gm = twin_models()
    t_err = raised(lambda: torch.optim.SGD(tm.parameters(), **kw))
    g_err = raised(lambda: gradlab.optim.SGD(gm.parameters(), **kw))
    assert g_err == t_err
    if t_err is not None:  # nesterov without momentum, or with dampening
        assert t_err == ("ValueError", "Nesterov momentum requires a momentum and zero dampening")
        return
    # With maximize, climb −loss: the same (stable) path, reached only if the sign is honoured.
    sign = -1.0 if kw["maximize"] else 1.0
    t_loss = train(torch, tm, torch.optim.SGD(tm.parameters(), **kw), sign=sign)
    g_loss = train(gradlab, gm, gradlab.optim.SGD(gm.parameters(), **kw), sign=sign)
    assert_same_params(gm, tm)
    assert abs(g_loss.item() - t_loss.item()) <= 1e-5 * max(1.0, abs(t_loss.item()))


def test_sgd_options_change_the_result():
    """The grid above could only pass by accident if the options did nothing: they do something."""
    finals = {}
    for kw in [dict(), dict(momentum=0.9), dict(momentum=0.9, dampening=0.5),
               dict(momentum=0.9, nesterov=True), dict(weight_decay=0.1)]:
        _, gm = twin_models()
        train(gradlab, gm, gradlab.optim.SGD(gm.parameters(), lr=0.05, **kw), steps=5)
        finals[str(kw)] = np.concatenate([p.detach().numpy().ravel() for p in gm.parameters()])
    values = list(finals.values())
    for a, b in itertools.combinations(values, 2):
        assert np.max(np.abs(a - b)) > 1e-4


def test_sgd_first_momentum_step_is_undampened():
    for lib in (torch, gradlab):
        w = lib.tensor([1.0], requires_grad=True)
        opt = lib.optim.SGD([w], lr=1.0, momentum=0.9, dampening=0.5)
        (w * 2).sum().backward()
        opt.step()
        assert w.detach().numpy().tolist() == [-1.0]  # 1 − 1·2: the buffer starts as the gradient
        opt.step()  # buf = 0.9·2 + 0.5·2 = 2.8
        assert w.detach().numpy().tolist() == pytest.approx([-3.8])


# -- Adam -----------------------------------------------------------------------------------------

ADAM_CASES = [dict(), dict(amsgrad=True), dict(lr=0.01), dict(lr=0.01, amsgrad=True),
              dict(lr=0.01, weight_decay=0.1), dict(lr=0.01, maximize=True),
              dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True),
              dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6)]


@pytest.mark.parametrize("kw", ADAM_CASES, ids=str)
def test_adam_matches_torch(kw):
    tm, gm = twin_models(1)
    sign = -1.0 if kw.get("maximize") else 1.0
    train(torch, tm, torch.optim.Adam(tm.parameters(), **kw), sign=sign)
    g_opt = gradlab.optim.Adam(gm.parameters(), **kw)
    train(gradlab, gm, g_opt, sign=sign)
    assert_same_params(gm, tm)
    step = g_opt.state[next(gm.parameters())]["step"]
    assert repr(step) == "tensor(50.)"


def test_adam_bias_correction_first_step():
    """On step 1, Adam moves every weight by lr (times sign of the gradient), whatever its size."""
    after = []
    for lib in (torch, gradlab):
        w = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        opt = lib.optim.Adam([w], lr=0.1)
        (w * lib.tensor([1e-3, 5.0, -40.0])).sum().backward()
        opt.step()
        after.append(w.detach().numpy().copy())
        np.testing.assert_allclose(after[-1], [0.9, -2.1, 3.1], rtol=1e-5)  # eps shows at 1e-3
    np.testing.assert_allclose(after[1], after[0], rtol=1e-7)


# -- zero_grad, skipped parameters, closures ------------------------------------------------------

def test_zero_grad_none_by_default_and_zeros_on_request():
    tm, gm = twin_models()
    results = {}
    for lib, model in ((torch, tm), (gradlab, gm)):
        opt = lib.optim.SGD(model.parameters(), lr=0.1)
        lib.nn.functional.mse_loss(model(lib.tensor(X)), lib.tensor(Y)).backward()
        opt.zero_grad(set_to_none=False)
        zeros = [repr(p.grad) for p in model.parameters()]
        opt.zero_grad()
        nones = [p.grad for p in model.parameters()]
        results[lib.__name__] = (zeros, nones)
    assert results["gradlab"] == results["torch"]
    assert results["gradlab"][1] == [None] * 4
    assert all("0." in z for z in results["gradlab"][0])


def test_zero_grad_keeps_grad_tensor_when_zeroing():
    for lib in (torch, gradlab):
        w = lib.ones(3, requires_grad=True)
        opt = lib.optim.SGD([w], lr=0.1)
        (w * 2).sum().backward()
        g = w.grad
        opt.zero_grad(set_to_none=False)
        assert w.grad is g and w.grad.tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("make_opt", [
    lambda lib, ps: lib.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.1),
    lambda lib, ps: lib.optim.Adam(ps, lr=0.1, weight_decay=0.1),
], ids=["sgd", "adam"])
def test_parameters_without_grad_are_skipped(make_opt):
    out = {}
    for lib in (torch, gradlab):
        used = lib.tensor([1.0, 2.0], requires_grad=True)
        unused = lib.tensor([3.0, 4.0], requires_grad=True)  # never reaches the loss: grad stays None
        opt = make_opt(lib, [used, unused])
        for _ in range(3):
            opt.zero_grad()
            (used * used).sum().backward()
            opt.step()
        assert unused.grad is None
        assert unused.tolist() == [3.0, 4.0]  # not even weight decay touched it
        out[lib.__name__] = (used.detach().numpy().copy(), sorted(opt.state_dict()["state"]))
    np.testing.assert_allclose(out["gradlab"][0], out["torch"][0], rtol=RTOL, atol=ATOL)
    assert out["gradlab"][1] == out["torch"][1] == [0]


def test_step_with_closure_returns_loss_and_records_even_under_no_grad():
    tm, gm = twin_models()
    losses = {}
    for lib, model in ((torch, tm), (gradlab, gm)):
        opt = lib.optim.SGD(model.parameters(), lr=0.1)
        x, y = lib.tensor(X), lib.tensor(Y)

        def closure():
            opt.zero_grad()
            loss = lib.nn.functional.mse_loss(model(x), y)
            loss.backward()  # would fail if the closure ran without grad
            return loss

        with lib.no_grad():
            loss = opt.step(closure)
        assert loss.requires_grad
        losses[lib.__name__] = loss.item()
    assert losses["gradlab"] == pytest.approx(losses["torch"], rel=1e-6)
    assert_same_params(gm, tm)


def test_step_does_not_record_the_update():
    w = gradlab.ones(2, requires_grad=True)
    opt = gradlab.optim.SGD([w], lr=0.1, momentum=0.9)
    (w * 3).sum().backward()
    opt.step()
    assert w.is_leaf and w.grad_fn is None and w.requires_grad
    assert not opt.state[w]["momentum_buffer"].requires_grad


# -- param groups, state dicts -------------------------------------------------------------------

def test_param_groups_and_defaults_like_torch():
    groups = {}
    for lib in (torch, gradlab):
        model = build(lib)
        opt = lib.optim.SGD([{"params": model[0].parameters()},
                             {"params": model[2].parameters(), "lr": 0.5}], lr=0.1, momentum=0.9)
        opt.add_param_group({"params": [lib.zeros(1, requires_grad=True)], "nesterov": True})
        groups[lib.__name__] = [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]
        groups[lib.__name__ + "-sizes"] = [len(g["params"]) for g in opt.param_groups]
        groups[lib.__name__ + "-repr"] = repr(opt)
    assert groups["gradlab"] == groups["torch"]
    assert groups["gradlab-sizes"] == groups["torch-sizes"] == [2, 2, 1]
    assert groups["gradlab-repr"] == groups["torch-repr"]


def _structure(sd):
    """A state dict with tensors replaced by (shape, dtype): the layout, without the numbers."""
    if isinstance(sd, dict):
        return {k: _structure(v) for k, v in sd.items()}
    if isinstance(sd, (list, tuple)):
        return type(sd)(_structure(v) for v in sd)
    if hasattr(sd, "shape") and hasattr(sd, "dtype"):
        return ("tensor", tuple(sd.shape), str(sd.dtype))
    return sd


@pytest.mark.parametrize("name,kw", [("SGD", dict(lr=0.05, momentum=0.9)),
                                     ("Adam", dict(lr=0.01, amsgrad=True))])
def test_state_dict_layout_and_values_like_torch(name, kw):
    tm, gm = twin_models()
    t_opt = getattr(torch.optim, name)(tm.parameters(), **kw)
    g_opt = getattr(gradlab.optim, name)(gm.parameters(), **kw)
    train(torch, tm, t_opt, steps=5)
    train(gradlab, gm, g_opt, steps=5)
    t_sd, g_sd = t_opt.state_dict(), g_opt.state_dict()
    assert _structure(g_sd) == _structure(t_sd)
    for index, entry in t_sd["state"].items():
        for key, value in entry.items():
            np.testing.assert_allclose(g_sd["state"][index][key].numpy(), value.numpy(), rtol=RTOL, atol=ATOL)
    assert repr(g_sd["state"][0]["step" if name == "Adam" else "momentum_buffer"]).startswith("tensor(")


@pytest.mark.parametrize("name,kw", [("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
                                     ("Adam", dict(lr=0.01)), ("Adam", dict(lr=0.01, amsgrad=True))])
def test_state_dict_round_trip_through_a_file_resumes_identically(tmp_path, name, kw):
    Opt = getattr(gradlab.optim, name)
    _, straight = twin_models(2)
    train(gradlab, straight, Opt(straight.parameters(), **kw), steps=30)

    _, first = twin_models(2)
    opt = Opt(first.parameters(), **kw)
    train(gradlab, first, opt, steps=12)
    gradlab.save({"model": first.state_dict(), "optim": opt.state_dict()}, tmp_path / "ckpt.pt")

    checkpoint = gradlab.load(tmp_path / "ckpt.pt")
    resumed = build(gradlab)
    resumed.load_state_dict(checkpoint["model"])
    opt2 = Opt(resumed.parameters(), lr=123.0)  # options come back from the checkpoint
    opt2.load_state_dict(checkpoint["optim"])
    assert opt2.param_groups[0]["lr"] == kw["lr"]
    train(gradlab, resumed, opt2, steps=18)
    for (n1, a), (n2, b) in zip(straight.named_parameters(), resumed.named_parameters()):
        assert n1 == n2
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_load_state_dict_errors_like_torch():
    messages = {}
    for lib in (torch, gradlab):
        a, b = lib.zeros(2, requires_grad=True), lib.zeros(3, requires_grad=True)
        one_group = lib.optim.SGD([a, b], lr=0.1).state_dict()
        two_groups = lib.optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1).state_dict()
        opt = lib.optim.SGD([a], lr=0.1)
        messages[lib.__name__] = [raised(lambda: opt.load_state_dict(two_groups)),
                                  raised(lambda: opt.load_state_dict(one_group))]
    assert messages["gradlab"] == messages["torch"]
    assert messages["torch"][0] == ("ValueError", "loaded state dict has a different number of parameter groups")


# -- argument errors and printing ---------------------------------------------------------------

def _bad_constructions(lib):
    w = lib.zeros(3, requires_grad=True)
    return {
        "sgd lr": lambda: lib.optim.SGD([w], lr=-0.1),
        "sgd momentum": lambda: lib.optim.SGD([w], lr=0.1, momentum=-0.5),
        "sgd weight_decay": lambda: lib.optim.SGD([w], lr=0.1, weight_decay=-1e-4),
        "sgd nesterov no momentum": lambda: lib.optim.SGD([w], lr=0.1, nesterov=True),
        "sgd nesterov dampening": lambda: lib.optim.SGD([w], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
        "empty list": lambda: lib.optim.SGD([], lr=0.1),
        "empty generator": lambda: lib.optim.Adam(iter([])),
        "non-leaf": lambda: lib.optim.SGD([w * 2], lr=0.1),
        "tensor not iterable": lambda: lib.optim.SGD(w, lr=0.1),
        "not a tensor": lambda: lib.optim.SGD([w, 3], lr=0.1),
        "a set": lambda: lib.optim.SGD([{"params": {w}}], lr=0.1),
        "twice in two groups": lambda: lib.optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1),
        "adam lr": lambda: lib.optim.Adam([w], lr=-1.0),
        "adam eps": lambda: lib.optim.Adam([w], eps=-1e-8),
        "adam beta0": lambda: lib.optim.Adam([w], betas=(1.0, 0.999)),
        "adam beta1": lambda: lib.optim.Adam([w], betas=(0.9, -0.1)),
        "adam weight_decay": lambda: lib.optim.Adam([w], weight_decay=-0.1),
        "adam int betas": lambda: lib.optim.Adam([w], betas=(0, 0.999)),
    }


def test_argument_errors_match_torch():
    t_cases, g_cases = _bad_constructions(torch), _bad_constructions(gradlab)
    for name in t_cases:
        t_err = raised(t_cases[name])
        assert t_err is not None, name
        assert raised(g_cases[name]) == t_err, name
    assert raised(g_cases["sgd lr"]) == ("ValueError", "Invalid learning rate: -0.1")
    assert raised(g_cases["empty list"]) == ("ValueError", "optimizer got an empty parameter list")
    assert raised(g_cases["non-leaf"]) == ("ValueError", "can't optimize a non-leaf Tensor")


@pytest.mark.parametrize("make", [
    lambda lib, ps: lib.optim.SGD(ps),
    lambda lib, ps: lib.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4),
    lambda lib, ps: lib.optim.Adam(ps),
    lambda lib, ps: lib.optim.Adam(ps, lr=3e-4, betas=(0.5, 0.9), amsgrad=True, maximize=True),
    lambda lib, ps: lib.optim.SGD([{"params": ps[:1]}, {"params": ps[1:], "lr": 1.0}], lr=0.1),
], ids=["sgd", "sgd-options", "adam", "adam-options", "two-groups"])
def test_repr_matches_torch(make):
    reprs = [repr(make(lib, [lib.zeros(2, requires_grad=True), lib.zeros(1, requires_grad=True)]))
             for lib in (torch, gradlab)]
    assert reprs[1] == reprs[0]


def test_print_sgd_default_text():
    text = str(gradlab.optim.SGD([gradlab.zeros(1, requires_grad=True)]))
    assert text.startswith("SGD (\nParameter Group 0\n    dampening: 0\n    differentiable: False\n")
