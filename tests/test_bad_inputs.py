"""Bad input gets PyTorch's error: the same type and exact message, never a silent result and never
a raw NumPy error (issue 13, classes 5-6, and the README's promises).

Each case runs with ``torch`` bound to gradlab and to torch 2.13.0. Where torch raises, gradlab
must raise the same type with the same ``str(e)``; where torch accepts (0-d reductions over dim 0,
softmax over an empty dim, ...), gradlab must accept and give the same ``repr(result)``.
``python tests/test_bad_inputs.py`` prints the table's scores (type match, exact message,
accepted silently, raw NumPy errors). Cases gradlab gets wrong today are in ``AFTER_CORE_V2``
(strict xfail: each must start passing when the core's fix lands).
"""
from __future__ import annotations

import os
import textwrap
import traceback
import warnings

import numpy as np
import pytest
import torch

import gradlab
import oracle  # noqa: F401  (one torch thread)

pytestmark = pytest.mark.torch

CASES = {
    # -- creating tensors (_creation.py) -------------------------------------------------------
    "tensor(None)": "result = torch.tensor(None)",
    "tensor(dict)": "result = torch.tensor({'a': 1})",
    "tensor(set)": "result = torch.tensor({1, 2})",
    "tensor(str)": "result = torch.tensor('abc')",
    "tensor([1, str])": "result = torch.tensor([1, 'a'])",
    "tensor([1, None])": "result = torch.tensor([1.0, None])",
    "tensor(object)": "result = torch.tensor(object())",
    "tensor ragged": "result = torch.tensor([[1, 2], [3]])",
    "tensor ragged deeper": "result = torch.tensor([[[1, 2]], [[3, 4], [5, 6]]])",
    "tensor of mixed list/number": "result = torch.tensor([[1, 2], 3])",
    "tensor dtype as str": "result = torch.tensor([1.0], dtype='float32')",
    "tensor dtype as python float": "result = torch.tensor([1.0], dtype=float)",
    "tensor dtype as numpy dtype": "result = torch.tensor([1.0], dtype=np.float32)",
    "tensor int requires_grad": "result = torch.tensor([1, 2], requires_grad=True)",
    "tensor bool requires_grad": "result = torch.tensor([True], requires_grad=True)",
    "tensor of many-element tensors": "result = torch.tensor([torch.ones(2), torch.ones(2)])",
    "zeros(-1)": "result = torch.zeros(-1)",
    "zeros(2, -3)": "result = torch.zeros(2, -3)",
    "ones(-1)": "result = torch.ones(-1)",
    "ones(2, -3)": "result = torch.ones(2, -3)",
    "empty(-2)": "result = torch.empty(-2)",
    "full((-1,), 2.)": "result = torch.full((-1,), 2.0)",
    "zeros(2.5)": "result = torch.zeros(2.5)",
    "zeros('3')": "result = torch.zeros('3')",
    "ones((2, None))": "result = torch.ones((2, None))",
    "zeros impossible": "result = torch.zeros(10**10, 10**10)",
    "ones impossible": "result = torch.ones(2**62, 4)",
    "arange(10, 0)": "result = torch.arange(10, 0)",
    "arange(0, 10, -1)": "result = torch.arange(0, 10, -1)",
    "arange(0., 1., -0.5)": "result = torch.arange(0.0, 1.0, -0.5)",
    "arange(5, 0, 1.5)": "result = torch.arange(5, 0, 1.5)",
    "arange step 0": "result = torch.arange(0, 5, 0)",
    "arange(nan)": "result = torch.arange(float('nan'))",
    "arange(inf)": "result = torch.arange(float('inf'))",
    "arange(10, 0, -3) fine": "result = torch.arange(10, 0, -3)",
    "arange(3, 3) empty fine": "result = torch.arange(3, 3)",
    "linspace steps -1": "result = torch.linspace(0, 1, -1)",
    "linspace steps 2.5": "result = torch.linspace(0, 1, 2.5)",
    "linspace steps 0 fine": "result = torch.linspace(0, 1, 0)",
    "eye(-1)": "result = torch.eye(-1)",
    "eye(2, -1)": "result = torch.eye(2, -1)",
    "randn(-1)": "result = torch.randn(-1)",
    "rand(2, -1)": "result = torch.rand(2, -1)",
    "randn int dtype": "result = torch.randn(2, dtype=torch.int64)",
    "rand int dtype": "result = torch.rand(2, dtype=torch.int64)",
    "randint low >= high": "result = torch.randint(5, 2, (3,))",
    "randint size not tuple": "result = torch.randint(0, 5, 3)",
    "randperm(-1)": "result = torch.randperm(-1)",
    "from_numpy(list)": "result = torch.from_numpy([1, 2])",
    "zeros_like(list)": "result = torch.zeros_like([1, 2])",
    "ones_like(3)": "result = torch.ones_like(3)",
    "full fill str": "result = torch.full((2,), 'a')",
    # -- converting back -------------------------------------------------------------------------
    "item of 2": "result = torch.ones(2).item()",
    "item of empty": "result = torch.ones(0).item()",
    "float of 2": "result = float(torch.ones(2))",
    "int of empty": "result = int(torch.ones(0))",
    "bool of 2": "result = bool(torch.ones(2))",
    "bool of empty": "result = bool(torch.ones(0))",
    "len of 0-d": "result = len(torch.tensor(1.0))",
    "iter of 0-d": "result = list(torch.tensor(1.0))",
    "numpy with grad": "result = torch.ones(2, requires_grad=True).numpy()",
    "tolist of requires_grad fine": "result = torch.ones(2, requires_grad=True).tolist()",
    "index with float tensor": "result = [1, 2, 3][torch.tensor(1.0)]",
    "index with 2-elt tensor": "result = [1, 2, 3][torch.tensor([1, 2])]",
    # -- indexing ----------------------------------------------------------------------------------
    "a[1.5]": "result = torch.arange(4.0)[1.5]",
    "a[5]": "result = torch.arange(4.0)[5]",
    "a[-5]": "result = torch.arange(4.0)[-5]",
    "a[0, 0] on 1-d": "result = torch.arange(4.0)[0, 0]",
    "a['x']": "result = torch.arange(4.0)['x']",
    "a[None, 1.5]": "result = torch.arange(4.0)[None, 1.5]",
    "a[[0, 5]]": "result = torch.arange(4.0)[[0, 5]]",
    "a[tensor([5])]": "result = torch.arange(4.0)[torch.tensor([5])]",
    "a[tensor([1.5])]": "result = torch.arange(4.0)[torch.tensor([1.5])]",
    "a[wrong-size mask]": "result = torch.arange(4.0)[torch.tensor([True, False])]",
    "a[..., ...]": "result = torch.arange(4.0)[..., ...]",
    "a[::-1]": "result = torch.arange(4.0)[::-1]",
    "a[::0]": "result = torch.arange(4.0)[::0]",
    "a[0] on 0-d": "result = torch.tensor(1.0)[0]",
    "a[True] fine": "result = torch.arange(3.0)[True]",
    "a[None] on 0-d fine": "result = torch.tensor(1.0)[None]",
    "a[5] = 1": """
        a = torch.zeros(3)
        a[5] = 1.0""",
    "a[0] = ones(3)": """
        a = torch.zeros(3)
        a[0] = torch.ones(3)""",
    "a[0] = 'x'": """
        a = torch.zeros(3)
        a[0] = 'x'""",
    "a[mask] = too many": """
        a = torch.arange(4.0)
        a[a > 1] = torch.ones(3)""",
    "a[:] = wrong shape": """
        a = torch.zeros(2, 3)
        a[:] = torch.ones(3, 2)""",
    "a[1.5] = 0": """
        a = torch.zeros(3)
        a[1.5] = 0.0""",
    # -- shapes and views --------------------------------------------------------------------------
    "reshape(4) of 3": "result = torch.ones(3).reshape(4)",
    "reshape(-1, -1)": "result = torch.ones(4).reshape(-1, -1)",
    "reshape(-1, 3) of 4": "result = torch.ones(4).reshape(-1, 3)",
    "reshape(0, -1) of 0": "result = torch.ones(0).reshape(0, -1)",
    "view of non-contiguous": "result = torch.ones(2, 3).t().view(-1)",
    "view(5) of 6": "result = torch.ones(6).view(5)",
    "view(2.5)": "result = torch.ones(6).view(2.5)",
    "permute(0) on 2-d": "result = torch.ones(2, 3).permute(0)",
    "permute(0, 0)": "result = torch.ones(2, 3).permute(0, 0)",
    "permute(0, 1, 2) on 2-d": "result = torch.ones(2, 3).permute(0, 1, 2)",
    "permute(0, 5)": "result = torch.ones(2, 3).permute(0, 5)",
    "transpose(0, 5)": "result = torch.ones(2, 3).transpose(0, 5)",
    "squeeze(5)": "result = torch.ones(2, 3).squeeze(5)",
    "unsqueeze(5)": "result = torch.ones(2, 3).unsqueeze(5)",
    "unsqueeze(-4)": "result = torch.ones(2, 3).unsqueeze(-4)",
    "expand(2) of (3,)": "result = torch.ones(3).expand(2)",
    "expand(-2)": "result = torch.ones(3).expand(-2, 3)",
    "expand(3, 2) of (3,)": "result = torch.ones(3).expand(3, 2)",
    "expand to fewer dims": "result = torch.ones(2, 3).expand(3)",
    "expand same shape is a new tensor": """
        a = torch.ones(3)
        result = a.expand(3) is a""",
    "flatten(5)": "result = torch.ones(2, 3).flatten(5)",
    "t() of 3-d": "result = torch.ones(2, 3, 4).t()",
    "mT of 1-d": "result = torch.ones(3).mT",
    "sum(dim=5)": "result = torch.ones(2, 3).sum(dim=5)",
    "sum(dim=(0, 0))": "result = torch.ones(2, 3).sum(dim=(0, 0))",
    "mean(dim=(0, 0))": "result = torch.ones(2, 3).mean(dim=(0, 0))",
    "mean of int": "result = torch.tensor([1, 2]).mean()",
    "max(dim=3)": "result = torch.ones(2, 3).max(dim=3)",
    "max of empty": "result = torch.ones(0).max()",
    "max(dim) of empty dim": "result = torch.ones(0, 2).max(dim=0)",
    "sum(dim=0) of 0-d fine": "result = torch.tensor(3.0).sum(dim=0)",
    "sum(dim=-1) of 0-d fine": "result = torch.tensor(3.0).sum(-1, keepdim=True)",
    "mean(dim=0) of 0-d fine": "result = torch.tensor(3.0).mean(0)",
    "max(dim=0) of 0-d fine": "result = torch.tensor(3.0).max(0)",
    "sum(dim=1) of 0-d": "result = torch.tensor(3.0).sum(dim=1)",
    "softmax dim 5": "result = torch.softmax(torch.ones(2, 3), 5)",
    "softmax over empty dim fine": "result = torch.softmax(torch.ones(0, 3), 0)",
    "softmax of int": "result = torch.softmax(torch.tensor([1, 2]), 0)",
    "log_softmax over empty dim fine": "result = torch.log_softmax(torch.ones(2, 0), 1)",
    # -- joining -----------------------------------------------------------------------------------
    "cat of 0-d": "result = torch.cat([torch.tensor(1.0), torch.tensor(2.0)])",
    "cat dim 5": "result = torch.cat([torch.ones(2), torch.ones(2)], dim=5)",
    "cat of tensor not list": "result = torch.cat(torch.ones(2))",
    "cat of numbers": "result = torch.cat([1.0, 2.0])",
    "cat of different ndim": "result = torch.cat([torch.ones(2), torch.ones(2, 2)])",
    "stack of nothing": "result = torch.stack([])",
    "stack dim 5": "result = torch.stack([torch.ones(2), torch.ones(2)], dim=5)",
    "where shapes": "result = torch.where(torch.ones(2) > 0, torch.ones(3), torch.ones(2))",
    "where float condition": "result = torch.where(torch.ones(2), torch.ones(2), torch.zeros(2))",
    # -- matmul ------------------------------------------------------------------------------------
    "(2,3) @ (2,3)": "result = torch.ones(2, 3) @ torch.ones(2, 3)",
    "(3,) @ (4,)": "result = torch.ones(3) @ torch.ones(4)",
    "0-d @": "result = torch.tensor(2.0) @ torch.ones(2)",
    "dot of 2-d": "result = torch.dot(torch.ones(2, 2), torch.ones(2, 2))",
    "dot of sizes": "result = torch.dot(torch.ones(2), torch.ones(3))",
    "mm of 1-d": "result = torch.mm(torch.ones(2), torch.ones(2, 2))",
    "mv wrong": "result = torch.mv(torch.ones(2, 3), torch.ones(2))",
    "bmm of 2-d": "result = torch.bmm(torch.ones(2, 2), torch.ones(2, 2))",
    "bmm batch mismatch": "result = torch.bmm(torch.ones(2, 2, 2), torch.ones(3, 2, 2))",
    "matmul int @ float": "result = torch.tensor([[1, 2]]) @ torch.ones(2, 1)",
    "matmul 4-d fine": "result = torch.ones(2, 1, 2, 3) @ torch.ones(1, 2, 3, 2)",
    "matmul broadcast batch fine": "result = torch.ones(2, 2, 3) @ torch.ones(3, 2)",
    "matmul 4-d mismatch": "result = torch.ones(2, 3, 2, 3) @ torch.ones(2, 2, 3, 2)",
    # -- arithmetic --------------------------------------------------------------------------------
    "tensor + str": "result = torch.ones(2) + 'a'",
    "tensor + None": "result = torch.ones(2) + None",
    "shapes (2,) + (3,)": "result = torch.ones(2) + torch.ones(3)",
    "int // 0": "result = torch.tensor([1]) // 0",
    "int // int tensor with 0": "result = torch.tensor([1, 2]) // torch.tensor([1, 0])",
    "number // int tensor with 0": "result = 7 // torch.tensor([0])",
    "number % int tensor with 0": "result = 7 % torch.tensor([0])",
    "int //= 0": """
        a = torch.tensor([4])
        a //= 0
        result = a""",
    "bool // bool": "result = torch.tensor([True]) // torch.tensor([True])",
    "backward through //": """
        x = torch.tensor([5., -6.], requires_grad=True)
        (x // 2).sum().backward()""",
    "backward through //=": """
        x = torch.tensor([5., -6.], requires_grad=True)
        y = x * 1
        y //= 2
        y.sum().backward()""",
    "backward through number % tensor": """
        x = torch.tensor([5., -6.], requires_grad=True)
        (7 % x).sum().backward()""",
    "int % 0": "result = torch.tensor([1]) % torch.tensor([0])",
    "int ** -1": "result = torch.tensor([2]) ** -1",
    "bool - bool": "result = torch.tensor([True]) - torch.tensor([False])",
    "-bool": "result = -torch.tensor([True])",
    "int add_ float": """
        a = torch.tensor([1, 2])
        a.add_(1.5)""",
    "add_ broadcast to bigger": "result = torch.ones(3).add_(torch.ones(2, 3))",
    "mul_ bool by float": """
        a = torch.tensor([True])
        a.mul_(2.5)""",
    "sub with alpha records one node": """
        x = torch.ones(2, requires_grad=True)
        y = x.sub(x, alpha=2)
        s = y.sum()
        s.backward(retain_graph=True)
        s.backward()
        result = (y.grad_fn.name(), x.grad)""",
    "clamp min > max fine": "result = torch.clamp(torch.arange(3.0), min=2, max=1)",
    "clamp without bounds": "result = torch.clamp(torch.ones(2))",
    "pow of str": "result = torch.ones(2).pow('a')",
    # -- in-place and autograd ---------------------------------------------------------------------
    "in-place through expand": """
        a = torch.zeros(1)
        a.expand(3).add_(1)""",
    "in-place through expand of a non-leaf": """
        x = torch.ones(1, requires_grad=True)
        y = (x * 2).expand(3)
        y += torch.ones(3)""",
    "view of a leaf, in place": """
        x = torch.arange(4.0).reshape(2, 2).requires_grad_()
        x[0].mul_(10)""",
    "t() of a leaf, in place": """
        x = torch.ones(2, 2, requires_grad=True)
        x.t().add_(1)""",
    "detach_ on a view": """
        x = torch.ones(2, 2, requires_grad=True)
        v = (x * 2)[0]
        v.detach_()""",
    "hook returns float": """
        x = torch.ones(2, requires_grad=True)
        y = x * 2
        y.register_hook(lambda g: 1.0)
        y.sum().backward()""",
    "hook returns wrong shape": """
        x = torch.ones(2, requires_grad=True)
        y = x * 2
        y.register_hook(lambda g: torch.ones(3))
        y.sum().backward()""",
    "hook on a tensor without grad": "torch.ones(2).register_hook(lambda g: g)",
    "hook not callable": """
        x = torch.ones(2, requires_grad=True)
        x.register_hook(3)""",
    "retain_grad without grad": "torch.ones(2).retain_grad()",
    "backward inputs=[]": """
        x = torch.ones(2, requires_grad=True)
        (x * 2).sum().backward(inputs=[])""",
    "backward inputs not requiring grad": """
        x = torch.ones(2, requires_grad=True)
        (x * 2).sum().backward(inputs=[torch.ones(2)])""",
    "backward gradient int dtype": """
        x = torch.ones(2, requires_grad=True)
        (x * 2).backward(torch.tensor([1, 1]))""",
    "backward gradient not a tensor": """
        x = torch.ones(2, requires_grad=True)
        (x * 2).backward([1.0, 1.0])""",
    "grad = wrong shape": """
        x = torch.ones(2, requires_grad=True)
        x.grad = torch.ones(3)""",
    "grad = str": """
        x = torch.ones(2, requires_grad=True)
        x.grad = 'a'""",
    "grad = int tensor": """
        x = torch.ones(2, requires_grad=True)
        x.grad = torch.tensor([1, 1])""",
    "autograd.grad outputs without grad": "torch.autograd.grad(torch.ones(2).sum(), [torch.ones(2, requires_grad=True)])",
    "autograd.grad non-scalar": """
        x = torch.ones(2, requires_grad=True)
        torch.autograd.grad(x * 2, x)""",
    "requires_grad_(False) on a non-leaf": """
        x = torch.ones(2, requires_grad=True)
        (x * 2).requires_grad_(False)""",
    "requires_grad = 3": """
        x = torch.ones(2)
        x.requires_grad = 3""",
    "backward through a freed graph": """
        x = torch.ones(2, requires_grad=True)
        y = (x * x).sum()
        y.backward()
        y.backward()""",
    "in-place on a leaf under enable_grad": """
        x = torch.ones(2, requires_grad=True)
        x.mul_(2)""",
    "setitem on a leaf": """
        x = torch.ones(2, requires_grad=True)
        x[0] = 5.0""",
    # -- nn and optim (README: nn, optim) ---------------------------------------------------------
    "Linear(2, -1)": "result = torch.nn.Linear(2, -1)",
    "Linear wrong input": "result = torch.nn.Linear(3, 2)(torch.ones(4, 2))",
    "Linear int input": "result = torch.nn.Linear(2, 2)(torch.ones(1, 2, dtype=torch.int64))",
    "Linear 0-d input": "result = torch.nn.Linear(1, 1)(torch.tensor(1.0))",
    "MSELoss shapes": "result = torch.nn.MSELoss()(torch.ones(2), torch.ones(3))",
    "MSELoss reduction": "result = torch.nn.MSELoss(reduction='avg')",
    "CrossEntropyLoss float target shape": "result = torch.nn.CrossEntropyLoss()(torch.ones(2, 3), torch.ones(2, 2))",
    "CrossEntropyLoss target out of range": "result = torch.nn.CrossEntropyLoss()(torch.ones(2, 3), torch.tensor([0, 3]))",
    "CrossEntropyLoss batch mismatch": "result = torch.nn.CrossEntropyLoss()(torch.ones(2, 3), torch.tensor([0, 1, 2]))",
    "CrossEntropyLoss int input": "result = torch.nn.CrossEntropyLoss()(torch.ones(2, 3, dtype=torch.int64), torch.tensor([0, 1]))",
    "Sequential of a non-module": "result = torch.nn.Sequential(3)",
    "register_parameter of a tensor": """
        m = torch.nn.Module()
        m.register_parameter('w', torch.ones(2))""",
    "module attribute before __init__": """
        class M(torch.nn.Module):
            def __init__(self):
                self.w = torch.nn.Parameter(torch.ones(2))
        M()""",
    "load_state_dict missing key": """
        m = torch.nn.Linear(2, 2)
        m.load_state_dict({'weight': torch.ones(2, 2)})""",
    "load_state_dict wrong shape": """
        m = torch.nn.Linear(2, 2)
        m.load_state_dict({'weight': torch.ones(3, 2), 'bias': torch.ones(2)})""",
    "Parameter of a list": "result = torch.nn.Parameter([1.0])",
    "relu of a list": "result = torch.nn.functional.relu([1.0])",
    "SGD lr=-1": "result = torch.optim.SGD([torch.ones(2, requires_grad=True)], lr=-1)",
    "SGD empty": "result = torch.optim.SGD([], lr=0.1)",
    "SGD of a tensor": "result = torch.optim.SGD(torch.ones(2, requires_grad=True), lr=0.1)",
    "SGD momentum -1": "result = torch.optim.SGD([torch.ones(2, requires_grad=True)], lr=0.1, momentum=-1)",
    "Adam betas": "result = torch.optim.Adam([torch.ones(2, requires_grad=True)], betas=(1.5, 0.9))",
    "Adam eps": "result = torch.optim.Adam([torch.ones(2, requires_grad=True)], eps=-1)",
    "SGD of a non-leaf": """
        x = torch.ones(2, requires_grad=True)
        result = torch.optim.SGD([x * 2], lr=0.1)""",
}

# Cases gradlab gets wrong today (strict xfail: each must start passing when it is fixed).
AFTER_CORE_V2 = {}

def outcome(code, lib):
    """('error', type, message, raw) or ('ok', repr(result)); raw: the error is NumPy's own."""
    ns = {"torch": lib, "np": np}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exec(textwrap.dedent(code), ns)
            return ("ok", repr(ns.get("result")))
        except Exception as e:  # noqa: BLE001 - the exception is what we compare
            return ("error", type(e).__name__, str(e), _is_numpy_error(e))


def _is_numpy_error(e):
    """Raised inside NumPy (innermost frame) or of a NumPy exception type."""
    if type(e).__module__.startswith("numpy"):
        return True
    frames = traceback.extract_tb(e.__traceback__)
    return bool(frames) and f"{os.sep}numpy{os.sep}" in frames[-1].filename


def score():
    """The table's scores against torch, as counts."""
    s = dict(cases=len(CASES), torch_raises=0, type_match=0, exact_message=0, accepted_silently=0,
             numpy_errors=0, torch_accepts=0, same_result=0)
    for code in CASES.values():
        g, t = outcome(code, gradlab), outcome(code, torch)
        if g[0] == "error" and g[3]:
            s["numpy_errors"] += 1
        if t[0] == "error":
            s["torch_raises"] += 1
            s["type_match"] += g[0] == "error" and g[1] == t[1]
            s["exact_message"] += g[0] == "error" and g[1:3] == t[1:3]
            s["accepted_silently"] += g[0] == "ok"
        else:
            s["torch_accepts"] += 1
            s["same_result"] += g == t
    return s


def _mark(name):
    if name in AFTER_CORE_V2:
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=AFTER_CORE_V2[name]))
    return name


@pytest.mark.parametrize("name", [_mark(n) for n in CASES])
def test_bad_input_gets_torchs_error(name):
    g, t = outcome(CASES[name], gradlab), outcome(CASES[name], torch)
    assert not (g[0] == "error" and g[3]), f"a raw NumPy error: {g}"
    assert g[:3] == t[:3], f"\ngradlab: {g}\ntorch:   {t}"


def test_the_table_is_big_enough_and_mostly_about_errors():
    s = score()
    assert s["cases"] >= 150 and s["torch_raises"] >= 120, s


if __name__ == "__main__":
    s = score()
    r = s["torch_raises"]
    print(f"{s['cases']} cases; torch raises in {r}, accepts {s['torch_accepts']}")
    print(f"type match {s['type_match']}/{r} = {100 * s['type_match'] / r:.1f} %")
    print(f"exact message {s['exact_message']}/{r} = {100 * s['exact_message'] / r:.1f} %")
    print(f"accepted silently {s['accepted_silently']}; raw NumPy errors {s['numpy_errors']}; "
          f"same result where torch accepts {s['same_result']}/{s['torch_accepts']}")
