"""Mistakes raise what PyTorch raises: the same exception type and the same message.

Each snippet runs twice, with ``torch`` bound to gradlab and to real torch 2.13.0. The outcome
(exception type and ``str(e)``, or the value of ``result`` when nothing is raised) and the
warnings issued must be identical. gradlab adds a learner's note to its exceptions with
``add_note``; notes are not part of ``str(e)``, so they don't affect the comparison.

Warnings are compared by category and message, except that torch's messages end with
"(Triggered internally at <C++ file>:<line>.)", which gradlab (having no C++) omits.
"""
from __future__ import annotations

import re
import textwrap
import warnings

import numpy as np
import pytest
import torch

import gradlab
import oracle  # noqa: F401  (one torch thread, shared settings)

pytestmark = pytest.mark.torch

_TRIGGERED = re.compile(r" \(Triggered internally at [^)]*\)\.?$", re.S)


def run(code, lib):
    """('error', type, message) or ('ok', repr(result)); plus the warnings issued."""
    ns = {"torch": lib, "np": np}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(textwrap.dedent(code), ns)
            outcome = ("ok", repr(ns.get("result")))
        except Exception as e:  # noqa: BLE001 - the exception is what we compare
            outcome = ("error", type(e).__name__, str(e))
    warned = [(w.category.__name__, _TRIGGERED.sub("", str(w.message))) for w in caught
              if not issubclass(w.category, RuntimeWarning)]  # NumPy's overflow chatter
    return outcome, warned


def check(code, expect_error=True):
    g, t = run(code, gradlab), run(code, torch)
    assert g[0] == t[0], f"\ngradlab: {g[0]}\ntorch:   {t[0]}"
    assert g[1] == t[1], f"\ngradlab warnings: {g[1]}\ntorch warnings:   {t[1]}"
    if expect_error is not None:
        assert (t[0][0] == "error") == expect_error, f"torch gave {t[0]}: the snippet is wrong"


# Each snippet raises in torch (and must raise the same in gradlab).
ERRORS = {
    # -- joining ---------------------------------------------------------------------------------
    "cat of mismatched sizes": """
        torch.cat([torch.ones(2, 3), torch.ones(2, 2)])""",
    "cat along a mismatched dim": """
        torch.cat([torch.ones(2, 3), torch.ones(1, 3)], dim=1)""",
    "cat of nothing": """
        torch.cat([])""",
    "stack of unequal shapes": """
        torch.stack([torch.ones(2, 3), torch.ones(1, 3)])""",
    # -- backward ----------------------------------------------------------------------------
    "non-scalar backward": """
        x = torch.ones(3, requires_grad=True)
        (x * 2).backward()""",
    "backward without requires_grad": """
        torch.ones(3).sum().backward()""",
    "backward on a leaf without requires_grad": """
        torch.tensor(2.0).backward()""",
    "second backward through saved tensors (mul)": """
        x = torch.ones(3, requires_grad=True)
        y = (x * x).sum()
        y.backward()
        y.backward()""",
    "second backward through saved output (exp)": """
        x = torch.ones(3, requires_grad=True)
        y = x.exp().sum()
        y.backward()
        y.backward()""",
    "second backward through sigmoid": """
        x = torch.ones(3, requires_grad=True)
        y = x.sigmoid().mean()
        y.backward()
        y.backward()""",
    "second backward through matmul": """
        w = torch.ones(2, 2, requires_grad=True)
        y = (w @ torch.ones(2)).sum()
        y.backward()
        y.backward()""",
    "gradient of the wrong shape": """
        x = torch.ones(3, requires_grad=True)
        (x * 2).backward(torch.ones(2))""",
    "gradient of the wrong shape 2-d": """
        x = torch.ones(2, 3, requires_grad=True)
        (x * 2).backward(torch.ones(3, 2))""",
    "modified in place after saving": """
        x = torch.ones(3, requires_grad=True)
        y = x.exp()
        y.add_(1)
        y.sum().backward()""",
    "modified leaf input after saving": """
        x = torch.ones(3, requires_grad=True)
        a = x * 1
        y = (a * a).sum()
        a.mul_(2)
        y.backward()""",
    "autograd.grad of unused input": """
        x = torch.ones(2, requires_grad=True)
        z = torch.ones(2, requires_grad=True)
        torch.autograd.grad((x * 2).sum(), [x, z])""",
    "autograd.grad wrt a tensor without grad": """
        x = torch.ones(2, requires_grad=True)
        torch.autograd.grad((x * 2).sum(), torch.ones(2))""",
    # -- in-place on leaves ------------------------------------------------------------------
    "add_ on a leaf": """
        x = torch.ones(3, requires_grad=True)
        x.add_(1)""",
    "-= on a leaf": """
        x = torch.ones(3, requires_grad=True)
        x -= 0.1""",
    "*= on a leaf": """
        x = torch.ones(3, requires_grad=True)
        x *= 2""",
    "zero_ on a leaf": """
        x = torch.ones(3, requires_grad=True)
        x.zero_()""",
    "x[0] = 1 on a leaf": """
        x = torch.ones(3, requires_grad=True)
        x[0] = 1.0""",
    "x[1:] = v on a leaf": """
        x = torch.ones(3, requires_grad=True)
        x[1:] = torch.zeros(2)""",
    "x[idx] = 1 on a leaf": """
        x = torch.ones(3, requires_grad=True)
        x[torch.tensor([0, 2])] = 1.0""",
    "x[mask] = 0 on a leaf": """
        x = torch.ones(3, requires_grad=True)
        x[x > 0] = 0.0""",
    "x[...] = 0 on a leaf": """
        x = torch.ones(3, requires_grad=True)
        x[...] = 0.0""",
    "x[:] = 0 on a leaf": """
        x = torch.ones(3, requires_grad=True)
        x[:] = 0.0""",
    "x[0, idx] = 0 on a leaf": """
        x = torch.ones(2, 3, requires_grad=True)
        x[0, torch.tensor([1])] = 0.0""",
    # -- requires_grad -----------------------------------------------------------------------
    "int tensor requires_grad via factory": """
        torch.tensor([1, 2], requires_grad=True)""",
    "int ones requires_grad via factory": """
        torch.ones(2, dtype=torch.int64, requires_grad=True)""",
    "bool requires_grad via factory": """
        torch.zeros(2, dtype=torch.bool, requires_grad=True)""",
    "int requires_grad via setter": """
        t = torch.tensor([1, 2])
        t.requires_grad = True""",
    "int requires_grad_()": """
        torch.tensor([1, 2]).requires_grad_()""",
    "int32 requires_grad_()": """
        torch.tensor([1, 2], dtype=torch.int32).requires_grad_(True)""",
    "requires_grad_(False) on a non-leaf": """
        x = torch.ones(2, requires_grad=True)
        (x * 2).requires_grad_(False)""",
    "requires_grad = False on a non-leaf": """
        x = torch.ones(2, requires_grad=True)
        y = x * 2
        y.requires_grad = False""",
    "requires_grad = True on a non-leaf": """
        x = torch.ones(2, requires_grad=True)
        y = x * 2
        y.requires_grad = True""",
    "numpy() of a tensor that requires grad": """
        torch.ones(2, requires_grad=True).numpy()""",
    "numpy() of a non-leaf": """
        (torch.ones(2, requires_grad=True) * 2).numpy()""",
    # -- conversions ---------------------------------------------------------------------------
    "item() of many elements": """
        torch.ones(3).item()""",
    "item() of an empty tensor": """
        torch.ones(0).item()""",
    "float() of many elements": """
        float(torch.ones(2))""",
    "int() of many elements": """
        int(torch.ones(2, 2))""",
    "bool() of many elements": """
        if torch.ones(2) > 0: pass""",
    "len() of 0-d": """
        len(torch.tensor(1.0))""",
    "iterating 0-d": """
        for v in torch.tensor(1.0): pass""",
    "ragged nested list": """
        torch.tensor([[1, 2], [3]])""",
    "negative dimension (zeros)": """
        torch.zeros(2, -1)""",
    "negative dimension (zeros tuple)": """
        torch.zeros((3, -2))""",
    "negative dimension (ones)": """
        torch.ones(2, -1)""",
    "negative dimension (full)": """
        torch.full((-1,), 2.0)""",
    # -- shapes ----------------------------------------------------------------------------------
    "broadcast ones(3) + ones(4)": """
        torch.ones(3) + torch.ones(4)""",
    "broadcast ones(2,3) * ones(3,2)": """
        torch.ones(2, 3) * torch.ones(3, 2)""",
    "broadcast 3-d": """
        torch.ones(2, 1, 3) - torch.ones(4, 2)""",
    "broadcast with maximum": """
        torch.maximum(torch.ones(2), torch.ones(3))""",
    "broadcast with **": """
        torch.ones(2) ** torch.ones(3)""",
    "broadcast with /": """
        torch.ones(5, 2) / torch.ones(5)""",
    "broadcast comparison": """
        torch.ones(2) < torch.ones(3)""",
    "in-place result too big": """
        a = torch.ones(3)
        a += torch.ones(2, 3)""",
    "setitem value of the wrong shape": """
        a = torch.ones(3, 4)
        a[0] = torch.ones(5)""",
    "setitem all with a value of the wrong shape": """
        a = torch.ones(3, 4)
        a[...] = torch.ones(5)""",
    "copy_ from a bigger tensor": """
        torch.ones(3).copy_(torch.ones(2, 3))""",
    "mm shape mismatch": """
        torch.mm(torch.ones(2, 3), torch.ones(2, 3))""",
    "@ shape mismatch": """
        torch.ones(2, 3) @ torch.ones(2, 3)""",
    "@ 1-D by 2-D mismatch": """
        torch.ones(3) @ torch.ones(4, 2)""",
    "@ 3-D by 2-D mismatch": """
        torch.ones(2, 3, 4) @ torch.ones(3, 2)""",
    "@ 3-D batch mismatch": """
        torch.ones(2, 3, 4) @ torch.ones(3, 4, 2)""",
    "@ 0-d": """
        torch.tensor(2.0) @ torch.ones(2)""",
    "mm of a vector": """
        torch.mm(torch.ones(3), torch.ones(3, 2))""",
    "mm dtype mismatch": """
        torch.mm(torch.ones(2, 2), torch.ones(2, 2, dtype=torch.float64))""",
    "mv size mismatch": """
        torch.mv(torch.ones(2, 3), torch.ones(4))""",
    "@ mv mismatch": """
        torch.ones(2, 3) @ torch.ones(4)""",
    "dot size mismatch": """
        torch.dot(torch.ones(3), torch.ones(4))""",
    "@ dot mismatch": """
        torch.ones(3) @ torch.ones(4)""",
    "dot dtype mismatch": """
        torch.dot(torch.ones(3), torch.ones(3, dtype=torch.float64))""",
    "dot of matrices": """
        torch.dot(torch.ones(2, 2), torch.ones(2, 2))""",
    "view of a non-contiguous tensor": """
        torch.ones(2, 3).t().view(6)""",
    "view of a transposed tensor (.T)": """
        torch.ones(2, 3).T.view(-1)""",
    "reshape to a wrong size": """
        torch.ones(2, 3).reshape(4)""",
    "view to a wrong size": """
        torch.ones(2, 3).view(4, 2)""",
    "reshape with two -1": """
        torch.ones(2, 3).reshape(-1, -1)""",
    "reshape -1 not dividing": """
        torch.ones(2, 3).reshape(4, -1)""",
    "expand to fewer dims": """
        torch.ones(2, 3).expand(3)""",
    "expand an int tensor to fewer dims": """
        torch.ones(2, 3, 4, dtype=torch.int64).expand(3, 4)""",
    "expand a non-singleton": """
        torch.ones(2, 3).expand(4, 3)""",
    "t() of 3-d": """
        torch.ones(2, 3, 4).t()""",
    "transpose dim out of range": """
        torch.ones(2, 3).transpose(0, 2)""",
    "sum dim out of range": """
        torch.ones(2, 3).sum(dim=2)""",
    "max dim out of range": """
        torch.ones(3).max(dim=1)""",
    "unsqueeze out of range": """
        torch.ones(3).unsqueeze(3)""",
    "max of empty": """
        torch.ones(0).max()""",
    "max over an empty dim": """
        torch.ones(0, 4).max(0)""",
    "min over an empty dim (negative)": """
        torch.ones(0, 4).min(dim=-2)""",
    "argmax of empty": """
        torch.ones(0, 4).argmax()""",
    "argmin over an empty dim": """
        torch.ones(0, 4).argmin(0)""",
    # -- indexing ----------------------------------------------------------------------------
    "index out of range": """
        torch.ones(3)[5]""",
    "negative index out of range": """
        torch.ones(3)[-4]""",
    "index out of range in dim 1": """
        torch.ones(2, 3)[1, 7]""",
    "index out of range after None": """
        torch.ones(2, 3, 4)[None, 1, 9]""",
    "index out of range after ...": """
        torch.ones(2, 3, 4)[..., 9]""",
    "index out of range after a slice": """
        torch.ones(2, 3, 4)[:, 1, -5]""",
    "too many indices": """
        torch.ones(3)[0, 0]""",
    "index tensor out of range": """
        torch.ones(3)[torch.tensor([0, 5])]""",
    "index list out of range": """
        torch.ones(3)[[0, 3]]""",
    "index 0-d with a slice": """
        torch.tensor(1.0)[1:]""",
    # -- dtypes --------------------------------------------------------------------------------
    "mean of ints": """
        torch.tensor([1, 2]).mean()""",
    "mean of bools": """
        torch.tensor([True, False]).mean()""",
    "int to a negative power": """
        torch.tensor([1, 2]) ** -1""",
    "subtracting bools": """
        torch.tensor([True]) - torch.tensor([False])""",
    "subtracting from a mask": """
        1 - torch.tensor([True, False])""",
    "negating bools": """
        -torch.tensor([True, False])""",
    "clamp without bounds": """
        torch.ones(2).clamp()""",
    "float into an int tensor in place": """
        a = torch.tensor([1, 2])
        a += 0.5""",
}

# Snippets that must *not* raise, in torch and in gradlab alike (``result`` is compared).
NO_ERRORS = {
    "second backward through x + 2 (nothing saved)": """
        x = torch.ones(3, requires_grad=True)
        y = (x + 2).sum()
        y.backward()
        y.backward()
        result = x.grad""",
    "second backward through x - 2 and -x": """
        x = torch.ones(3, requires_grad=True)
        y = (-(x - 2)).sum()
        y.backward()
        y.backward()
        result = x.grad""",
    "second backward through views": """
        x = torch.ones(2, 3, requires_grad=True)
        y = x.t().reshape(6)[1:].sum()
        y.backward()
        y.backward()
        result = x.grad""",
    "retain_graph=True": """
        x = torch.ones(3, requires_grad=True)
        y = (x * x).sum()
        y.backward(retain_graph=True)
        y.backward()
        result = x.grad""",
    "-= under no_grad": """
        x = torch.ones(3, requires_grad=True)
        with torch.no_grad():
            x -= 0.5
            x[0] = 7.0
        result = x""",
    "in-place on a non-leaf": """
        x = torch.ones(3, requires_grad=True)
        y = x * 2
        y += 1
        y[0] = 0.0
        y.sum().backward()
        result = (y, x.grad)""",
    "in-place on a detached leaf": """
        x = torch.ones(3, requires_grad=True)
        x.detach().zero_()
        result = x""",
    "requires_grad_() on a float": """
        result = torch.tensor([1, 2]).float().requires_grad_()""",
    "requires_grad_() on a non-leaf": """
        x = torch.ones(2, requires_grad=True)
        result = (x * 2).requires_grad_()""",
    "@ 3-D with a broadcast batch": """
        result = torch.ones(2, 3, 4) @ torch.ones(1, 4, 2)""",
    "accumulating gradients": """
        x = torch.ones(2, requires_grad=True)
        (x * 3).sum().backward()
        (x * x).sum().backward()
        result = x.grad""",
    "broadcast (3,1) + (4,)": """
        result = torch.ones(3, 1) + torch.arange(4)""",
    "item() of one element": """
        result = torch.ones(1, 1).item()""",
    "float written into an int tensor": """
        a = torch.tensor([1, 2, 3])
        a[0] = 2.5
        a[torch.tensor([1])] = -1.7
        a[...] = a * 2
        result = a""",
    "copy_ casts": """
        a = torch.zeros(2, dtype=torch.int32)
        a.copy_(torch.tensor([1.9, -2.9]))
        result = a""",
    "int / int": """
        result = torch.tensor([1, 2]) / torch.tensor([2, 4])""",
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_matches_torch(name):
    check(ERRORS[name], expect_error=True)


@pytest.mark.parametrize("name", list(NO_ERRORS))
def test_no_error_matches_torch(name):
    check(NO_ERRORS[name], expect_error=False)


# -- warnings ------------------------------------------------------------------------------------

WARNINGS = {
    "non-leaf .grad": """
        x = torch.ones(2, requires_grad=True)
        y = x * 2
        y.sum().backward()
        result = y.grad""",
    "non-leaf .grad after retain_grad: no warning": """
        x = torch.ones(2, requires_grad=True)
        y = x * 2
        y.retain_grad()
        y.sum().backward()
        result = y.grad""",
    "leaf .grad: no warning": """
        x = torch.ones(2, requires_grad=True)
        result = x.grad""",
    "torch.tensor(tensor)": """
        result = torch.tensor(torch.ones(2))""",
}


@pytest.mark.parametrize("name", list(WARNINGS))
def test_warning_matches_torch(name):
    check(WARNINGS[name], expect_error=False)


def test_nonleaf_grad_warns_in_both_with_torch_message():
    """Spelled out: both warn (UserWarning); the texts agree up to torch's C++ location."""
    code = WARNINGS["non-leaf .grad"]
    (g_out, g_warn), (t_out, t_warn) = run(code, gradlab), run(code, torch)
    assert g_out == t_out == ("ok", "None")
    assert len(g_warn) == len(t_warn) == 1
    assert g_warn[0][0] == t_warn[0][0] == "UserWarning"
    assert g_warn[0][1] == t_warn[0][1]
    assert "retain_grad()" in g_warn[0][1]
