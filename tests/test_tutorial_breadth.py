"""What the breadth cases of the tutorial corpus needed (issue 12), each checked against torch 2.13.0:
PyTorch's fused float32 kernels (``add(b, alpha=k)``, tanh's backward) to the bit, a ``range`` in an
index, ``float()``'s once-per-process warning, ``torch.backends.cudnn``, the Generator's repr."""
from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
import torch

import gradlab
import oracle  # noqa: F401  (one torch thread)
from gradlab import ops

pytestmark = pytest.mark.torch

N = 200_000


def _pairs(seed=0):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(N).astype(np.float32)
    b = (rng.standard_normal(N) * rng.choice([1e-3, 1.0, 1e3], N)).astype(np.float32)
    return a, b


@pytest.mark.parametrize("alpha", [-1e-2, 0.3, -1e-5, 7.0])
def test_add_and_sub_with_alpha_round_once_as_torchs_fused_kernel(alpha):
    a, b = _pairs()
    ta, tb, ga, gb = torch.from_numpy(a), torch.from_numpy(b), gradlab.tensor(a), gradlab.tensor(b)
    assert np.array_equal(gradlab.add(ga, gb, alpha=alpha).numpy(), torch.add(ta, tb, alpha=alpha).numpy())
    assert np.array_equal(ga.clone().sub_(gb, alpha=alpha).numpy(), ta.clone().sub_(tb, alpha=alpha).numpy())
    # integer tensors: exact either way
    i, j = gradlab.arange(10), gradlab.arange(10, 20)
    assert i.add(j, alpha=3).tolist() == torch.arange(10).add(torch.arange(10, 20), alpha=3).tolist()
    # a Python number as the other operand: PyTorch wraps it in a tensor of the input's dtype
    for number in (2, 2.1, -0.7):
        assert np.array_equal(ga.add(number, alpha=alpha).numpy(), ta.add(number, alpha=alpha).numpy())
        assert np.array_equal(ga.sub(number, alpha=alpha).numpy(), ta.sub(number, alpha=alpha).numpy())
    assert i.add(2, alpha=3).tolist() == torch.arange(10).add(2, alpha=3).tolist()


def test_sgd_step_matches_torch_to_the_bit():
    a, b = _pairs(1)
    results = []
    for lib in (gradlab, torch):
        p = lib.tensor(a.copy(), requires_grad=True)
        opt = lib.optim.SGD([p], lr=1e-3)
        (p * lib.tensor(b)).sum().backward()
        opt.step()
        results.append(p.detach().numpy())
    assert np.array_equal(*results)


def test_tanh_backward_rounds_one_minus_square_once_as_torch():
    rng = np.random.default_rng(2)
    grad = rng.standard_normal(N).astype(np.float32)
    y = np.tanh(rng.standard_normal(N) * 2).astype(np.float32)
    want = torch.ops.aten.tanh_backward(torch.from_numpy(grad), torch.from_numpy(y)).numpy()
    (rule,) = ops.tanh.rules
    assert np.array_equal(rule.fn(grad, y), want)
    # the stepper's pass (Tensors, no graph) gives the same bits as backward's (arrays)
    with gradlab.no_grad():
        assert np.array_equal(rule.fn(gradlab.tensor(grad), gradlab.tensor(y)).numpy(), want)
    # and through backward: same y, so the same gradient
    x = gradlab.tensor(rng.standard_normal(1000).astype(np.float32), requires_grad=True)
    out = x.tanh()
    out.backward(gradlab.tensor(grad[:1000]))
    expected = torch.ops.aten.tanh_backward(torch.from_numpy(grad[:1000]), torch.from_numpy(out.detach().numpy()))
    assert np.array_equal(x.grad.numpy(), expected.numpy())


def test_tanh_second_derivative_still_recorded():
    for lib in (gradlab, torch):
        x = lib.tensor([0.3, -1.2], dtype=lib.float64, requires_grad=True)
        (g,) = lib.autograd.grad(x.tanh().sum(), x, create_graph=True)
        g.sum().backward()
        if lib is gradlab:
            ours = x.grad.numpy()
        else:
            assert np.allclose(ours, x.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("code", [
    "x = torch.arange(12.).view(3, 4)\nprint(x[range(3), [0, 2, 1]], x[range(1, 3)], x[:, range(2)])",
    "x = torch.zeros(3, 4)\nx[range(3), [0, 2, 1]] = 1.0\nprint(x)",
    "x = torch.arange(6.).requires_grad_()\ny = x[range(0, 6, 2)]\ny.sum().backward()\nprint(y, x.grad)",
])
def test_a_range_indexes_as_the_list_of_its_integers(code):
    assert _run(code, gradlab) == _run(code, torch)


def test_float_of_a_tensor_that_requires_grad_warns_once_per_process():
    code = ("import warnings, sys\nwarnings.simplefilter('always')\nimport torch\n"
            "x = torch.tensor(2.0, requires_grad=True)\nprint(float(x), float(x * 3), float(x.detach()))\n")
    outs = []
    for lib in ("gradlab", "torch"):
        prelude = "import gradlab, sys; sys.modules['torch'] = gradlab\n" if lib == "gradlab" else ""
        p = subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        outs.append((p.stdout, p.stderr.count("UserWarning: Converting a tensor with requires_grad=True to a "
                                              "scalar may lead to unexpected behavior.\nConsider using "
                                              "tensor.detach() first.")))
    assert outs[0] == outs[1] == ("2.0 6.0 2.0\n", 1)


def test_backends_cudnn_flags_and_generator_repr():
    for name in ("deterministic", "benchmark", "enabled"):
        assert getattr(gradlab.backends.cudnn, name) == getattr(torch.backends.cudnn, name)
    assert gradlab.backends.cudnn.is_available() == torch.backends.cudnn.is_available()
    g, t = repr(gradlab.Generator()), repr(torch.Generator())
    assert g.split(" at ")[0] == t.split(" at ")[0] == "<torch._C.Generator object"
    assert repr(gradlab.manual_seed(3)).split(" at ")[0] == repr(torch.manual_seed(3)).split(" at ")[0]


def _run(code, lib):
    import contextlib
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {"torch": lib})
    return out.getvalue()


def test_adam_running_averages_match_torch_to_the_bit():
    """lerp_ and addcmul_ end in a fused multiply-add in PyTorch; gradlab rounds once there too."""
    rng = np.random.default_rng(3)
    p0 = rng.standard_normal(N // 4).astype(np.float32)
    grads = [(rng.standard_normal(N // 4) * 10.0 ** rng.integers(-3, 3)).astype(np.float32) for _ in range(4)]
    states = []
    for lib in (gradlab, torch):
        p = lib.tensor(p0.copy(), requires_grad=True)
        opt = lib.optim.Adam([p], lr=1e-2, betas=(0.3, 0.999))  # weight 0.7 ≥ 0.5: lerp's other branch
        for g in grads:
            p.grad = lib.tensor(g)
            opt.step()
        states.append([opt.state[p][k].numpy() for k in ("exp_avg", "exp_avg_sq")])
    for ours, theirs in zip(*states):
        assert np.array_equal(ours, theirs)


@pytest.mark.parametrize("code", ["torch.arange(3).var()", "torch.tensor([1, 2]).std(0)"])
def test_var_of_integers_is_torchs_error(code):
    with pytest.raises(RuntimeError) as theirs:
        eval(code, {"torch": torch})
    with pytest.raises(RuntimeError) as ours:
        eval(code, {"torch": gradlab})
    assert str(ours.value).splitlines()[0] == str(theirs.value)


@pytest.mark.parametrize("code", ["torch.tensor([1.]).var()", "torch.ones(1, 3).std(0)",
                                  "torch.ones(2, 3).var(1, correction=3)"])
def test_no_degrees_of_freedom_warns_and_gives_nan_as_torch(code):
    import warnings
    results = []
    for lib in (gradlab, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = eval(code, {"torch": lib})
        messages = [str(w.message).split(" (Triggered internally")[0] for w in caught]
        results.append((repr(value), messages))
    assert results[0] == results[1]


def test_float_arange_matches_torchs_kernel_to_the_bit():
    """torch.arange(0, 1, 0.02) and friends: PyTorch's vectorised fill, not start + i·step."""
    rng = np.random.default_rng(4)
    for k in range(300):
        start = float(rng.uniform(-5, 5)) if k % 4 else float(rng.integers(-5, 5))
        step = float(rng.uniform(0.001, 0.5)) * (1 if k % 3 else -1)
        end = start + step * int(rng.integers(0, 2000)) + step / 3
        for name in ("float32", "float64"):
            ours = gradlab.arange(start, end, step, dtype=getattr(gradlab, name)).numpy()
            theirs = torch.arange(start, end, step, dtype=getattr(torch, name)).numpy()
            assert np.array_equal(ours, theirs), (start, end, step, name)
    assert gradlab.arange(0, 1, 0.02).tolist() == torch.arange(0, 1, 0.02).tolist()


def test_module_list_embedding_and_tril_print_what_torch_prints():
    """tests/fixtures/breadth_names.py under each library: reprs (ModuleList's runs of identical
    modules), lookups and their gradients (repeats add up, the padding row gets none), tril/triu
    and the attention-mask idiom, and torch's errors."""
    import os
    script = os.path.join(os.path.dirname(__file__), "fixtures", "breadth_names.py")
    outs = [subprocess.run([sys.executable, script, lib], capture_output=True, text=True, timeout=120)
            for lib in ("gradlab", "torch")]
    assert outs[0].returncode == outs[1].returncode == 0, outs[0].stderr + outs[1].stderr
    assert outs[0].stdout == outs[1].stdout
    assert outs[1].stdout.count("\n") > 80


@pytest.mark.parametrize("call, std", [
    ("kaiming_normal_(w)", math.sqrt(2.0 / 400)),
    ("kaiming_normal_(w, mode='fan_out', nonlinearity='relu')", math.sqrt(2.0 / 300)),
    ("kaiming_normal_(w, a=0.2)", math.sqrt(2.0 / (1 + 0.04) / 400)),
    ("xavier_normal_(w, gain=2.0)", 2.0 * math.sqrt(2.0 / 700)),
])
def test_normal_initialisations_have_torchs_spread(call, std):
    """Random values differ from torch's by design; their spread is the formula's (torch's own
    sample is the oracle for the formula, to sampling error: 120,000 draws, ±1.5%)."""
    stds = []
    for lib in (gradlab, torch):
        w = lib.empty(300, 400)
        out = eval("lib.nn.init." + call, {"lib": lib, "w": w})
        assert out is w and w.shape == (300, 400) and w.dtype == lib.float32 and not w.requires_grad
        stds.append(float(w.std()))
    assert abs(stds[0] - std) < 0.015 * std and abs(stds[1] - std) < 0.015 * std
    with pytest.raises(ValueError) as ours:
        gradlab.nn.init.kaiming_normal_(gradlab.empty(3, 4), mode="fan")
    with pytest.raises(ValueError) as theirs:
        torch.nn.init.kaiming_normal_(torch.empty(3, 4), mode="fan")
    assert str(ours.value).splitlines()[0] == str(theirs.value)


def test_adamw_is_adam_with_decoupled_weight_decay_as_torch():
    rng = np.random.default_rng(5)
    p0 = rng.standard_normal(1000).astype(np.float32)
    grads = [rng.standard_normal(1000).astype(np.float32) for _ in range(3)]
    finals, reprs = [], []
    for lib in (gradlab, torch):
        p = lib.nn.Parameter(lib.tensor(p0.copy()))
        opt = lib.optim.AdamW([p], lr=1e-2)
        reprs.append((repr(opt), opt.defaults))
        for g in grads:
            p.grad = lib.tensor(g)
            opt.step()
        finals.append((p.detach().numpy(), opt.state[p]["exp_avg_sq"].numpy()))
    assert reprs[0] == reprs[1]
    assert np.array_equal(finals[0][1], finals[1][1])  # the running averages: bit for bit
    np.testing.assert_allclose(finals[0][0], finals[1][0], rtol=1e-6)  # (sqrt's last bit: README)


@pytest.mark.parametrize("call", ["randint(10, (4, 3))", "randint(3, 10, (50,))", "randint(5, size=(2,))",
                                  "randint(low=2, high=4, size=(6,))", "randint(7, (3,), dtype=lib.int32)"])
def test_randint_forms_as_torch(call):
    """The draws differ by design; the accepted forms, shapes, dtypes and ranges are torch's."""
    got = []
    for lib in (gradlab, torch):
        t = eval("lib." + call, {"lib": lib})
        got.append((tuple(t.shape), str(t.dtype), t.min().item() >= 0, t.max().item() < 10))
    assert got[0] == got[1]
