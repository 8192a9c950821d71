"""Dtype promotion, printing and conversions: gradlab against torch 2.13.0, character for character.

Every check runs the same code with ``torch`` bound to gradlab and to real torch and compares
what a learner would see: result dtypes, ``repr``/``str`` text, Python values and types, and
whether memory is shared.
"""
from __future__ import annotations

import itertools
import operator

import numpy as np
import pytest
import torch

import gradlab
import oracle

pytestmark = pytest.mark.torch

LIBS = (gradlab, torch)
DTYPES = ("bool", "int32", "int64", "float32", "float64")


# -- dtype promotion ----------------------------------------------------------------------------

def make(lib, dtype, kind):
    """An operand: a 1-d tensor, a 0-d tensor, or a Python scalar of the dtype's category."""
    values = {"bool": [True, False], "int32": [3, 2], "int64": [2, 5],
              "float32": [1.5, 2.0], "float64": [0.5, 3.0]}[dtype]
    if kind == "dims":
        return lib.tensor(values, dtype=getattr(lib, dtype))
    if kind == "0-d":
        return lib.tensor(values[0], dtype=getattr(lib, dtype))
    raise ValueError(kind)


PY_SCALARS = {"py-bool": True, "py-int": 2, "py-float": 2.5}
TENSOR_KINDS = [(d, k) for k in ("dims", "0-d") for d in DTYPES]
BINARY_OPS = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "**": operator.pow,
}


def outcome(fn):
    """('ok', dtype name, values) or ('error', exception type, message)."""
    try:
        r = fn()
    except Exception as e:  # noqa: BLE001 - any exception is an outcome to compare
        return ("error", type(e).__name__, str(e))
    return ("ok", oracle.dtype_name(r.dtype), np.asarray(r.tolist(), dtype=np.float64))


def same(a, b):
    if a[0] != b[0] or a[1] != b[1]:
        return False
    if a[0] == "error":
        return a[2] == b[2]
    return a[2].shape == b[2].shape and np.allclose(a[2], b[2], rtol=1e-6, equal_nan=True)


def compare_all(combos):
    """Run each combo under both libraries; return the list of mismatches (empty if none)."""
    bad = []
    for label, build in combos:
        g, t = outcome(lambda: build(gradlab)), outcome(lambda: build(torch))
        if not same(g, t):
            bad.append((label, g[:2] + (g[2] if g[0] == "error" else g[2].tolist(),),
                        t[:2] + (t[2] if t[0] == "error" else t[2].tolist(),)))
    return bad


@pytest.mark.parametrize("sym", list(BINARY_OPS))
def test_binary_promotion_matches_torch(sym):
    op = BINARY_OPS[sym]
    combos = []
    for (da, ka), (db, kb) in itertools.product(TENSOR_KINDS, TENSOR_KINDS):
        combos.append((f"{da}[{ka}] {sym} {db}[{kb}]",
                       lambda L, da=da, ka=ka, db=db, kb=kb: op(make(L, da, ka), make(L, db, kb))))
    for (da, ka), (sk, s) in itertools.product(TENSOR_KINDS, PY_SCALARS.items()):
        combos.append((f"{da}[{ka}] {sym} {sk}", lambda L, da=da, ka=ka, s=s: op(make(L, da, ka), s)))
        combos.append((f"{sk} {sym} {da}[{ka}]", lambda L, da=da, ka=ka, s=s: op(s, make(L, da, ka))))
    assert len(combos) == 100 + 60
    assert compare_all(combos) == []


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_minimum_promotion_matches_torch(name):
    combos = [(f"{name}({da}[{ka}], {db}[{kb}])",
               lambda L, da=da, ka=ka, db=db, kb=kb: getattr(L, name)(make(L, da, ka), make(L, db, kb)))
              for (da, ka), (db, kb) in itertools.product(TENSOR_KINDS, TENSOR_KINDS)]
    assert compare_all(combos) == []


@pytest.mark.parametrize("method", ["add", "sub", "mul", "div", "pow"])
def test_method_forms_promote_like_operators(method):
    combos = []
    for (da, ka), other in itertools.product(TENSOR_KINDS, ["int64", "float64", 3, 0.5, True]):
        if isinstance(other, str):
            combos.append((f"{da}[{ka}].{method}({other})", lambda L, da=da, ka=ka, o=other:
                           getattr(make(L, da, ka), method)(make(L, o, "dims"))))
        else:
            combos.append((f"{da}[{ka}].{method}({other!r})", lambda L, da=da, ka=ka, o=other:
                           getattr(make(L, da, ka), method)(o)))
    assert compare_all(combos) == []


@pytest.mark.parametrize("dtype", DTYPES)
def test_unary_and_reduction_dtypes(dtype):
    builds = {
        "sum": lambda L: make(L, dtype, "dims").sum(),
        "sum(0)": lambda L: make(L, dtype, "dims").sum(0),
        "sum 0-d": lambda L: make(L, dtype, "0-d").sum(),
        "sum(dtype=float64)": lambda L: make(L, dtype, "dims").sum(dtype=L.float64),
        "mean": lambda L: make(L, dtype, "dims").mean(),
        "neg": lambda L: -make(L, dtype, "dims"),
        "abs": lambda L: make(L, dtype, "dims").abs(),
        "exp": lambda L: make(L, dtype, "dims").exp(),
        "sqrt": lambda L: make(L, dtype, "dims").sqrt(),
        "sigmoid": lambda L: make(L, dtype, "dims").sigmoid(),
        "reciprocal": lambda L: make(L, dtype, "dims").reciprocal(),
        "max": lambda L: make(L, dtype, "dims").max(),
        "max(0)": lambda L: make(L, dtype, "dims").max(0).values,
        "clamp": lambda L: make(L, dtype, "dims").clamp(min=1),
        "clamp float bound": lambda L: make(L, dtype, "dims").clamp(min=1.5),
        "clamp both": lambda L: make(L, dtype, "0-d").clamp(0, 2),
        "relu": lambda L: make(L, dtype, "dims").relu(),
        "x @ x": lambda L: make(L, dtype, "dims") @ make(L, dtype, "dims"),
        "float()": lambda L: make(L, dtype, "dims").float(),
        "long()": lambda L: make(L, dtype, "dims").long(),
        "x[0]": lambda L: make(L, dtype, "dims")[0],
        "x > 1": lambda L: make(L, dtype, "dims") > 1,
    }
    assert compare_all(list(builds.items())) == []


def test_hand_derived_promotions():
    """The headline rules, spelled out (and true of torch too)."""
    for L in LIBS:
        assert str((L.tensor([1, 2]) / L.tensor([2, 2])).dtype) == "torch.float32"  # int / int
        assert str((L.tensor([1, 2]) / 2).dtype) == "torch.float32"
        assert str(L.tensor([1, 2], dtype=L.int32).sum().dtype) == "torch.int64"
        assert str(L.tensor([True, True, False]).sum().dtype) == "torch.int64"
        assert L.tensor([True, True, False]).sum().item() == 2
        assert str((L.tensor([1, 2]) * 1.5).dtype) == "torch.float32"  # int tensor, float scalar
        assert str((L.tensor([1.0], dtype=L.float64) * L.tensor(2.0)).dtype) == "torch.float64"
        assert str((L.tensor([1, 2], dtype=L.int32) + L.tensor(5)).dtype) == "torch.int32"
        assert str((L.tensor([1, 2], dtype=L.int32) + L.tensor(5.0)).dtype) == "torch.float32"
        assert str((L.tensor(True) + 1).dtype) == "torch.int64"


# -- repr and str -------------------------------------------------------------------------------

def _grad_chain(L):
    x = L.tensor([1.5, -2.25, 3.0], requires_grad=True)
    (x * x).sum().backward()
    return x.grad


REPR_CASES = {
    "0-d float": lambda L: L.tensor(3.5),
    "0-d int": lambda L: L.tensor(7),
    "0-d bool": lambda L: L.tensor(True),
    "0-d negative": lambda L: L.tensor(-0.125),
    "0-d float64": lambda L: L.tensor(2.0, dtype=L.float64),
    "1-d": lambda L: L.tensor([1.0, 2.5, -3.0]),
    "2-d": lambda L: L.tensor([[1.0, 2.5], [-3.0, 4.25]]),
    "3-d": lambda L: L.tensor(np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7),
    "4-d": lambda L: L.tensor(np.arange(16, dtype=np.float32).reshape(2, 2, 2, 2) - 5),
    "ints": lambda L: L.tensor([[1, -20], [300, 4]]),
    "bools": lambda L: L.tensor([[True, False], [False, True]]),
    "float64 suffix": lambda L: L.tensor([1.5, 2.0], dtype=L.float64),
    "int32 suffix": lambda L: L.tensor([1, 2, 3], dtype=L.int32),
    "int32 0-d": lambda L: L.tensor(4, dtype=L.int32),
    "empty 1-d": lambda L: L.tensor([]),
    "empty (0,3)": lambda L: L.zeros(0, 3),
    "empty int64": lambda L: L.tensor([], dtype=L.int64),
    "empty float64 (2,0)": lambda L: L.zeros(2, 0, dtype=L.float64),
    "empty requires_grad": lambda L: L.zeros(0, requires_grad=True),
    "negatives": lambda L: L.tensor([-1.0, -0.5, 2.0, -123.25]),
    "sci 1e-5": lambda L: L.tensor([1e-5, 1.0, 2.0]),
    "sci 1e9": lambda L: L.tensor([1e9, 1.0]),
    "sci ratio > 1000": lambda L: L.tensor([0.001, 2.0, 5.0]),
    "no sci ratio 1000": lambda L: L.tensor([0.01, 2.0, 5.0]),
    "sci negative": lambda L: L.tensor([-1e-6, 3.0]),
    "sci 0-d": lambda L: L.tensor(1e-7),
    "int-valued floats": lambda L: L.tensor([1.0, 2.0, -30.0]),
    "int-valued big": lambda L: L.tensor([1e7, 2.0]),
    "zeros": lambda L: L.zeros(2, 3),
    "nan inf": lambda L: L.tensor([float("nan"), 1.5, float("inf"), -float("inf")]),
    "nan int-valued": lambda L: L.tensor([float("nan"), 1.0, -float("inf")]),
    "all nan": lambda L: L.tensor([float("nan"), float("nan")]),
    "long row wraps": lambda L: L.arange(30.0) / 3,
    "long int row wraps": lambda L: L.arange(40) * 1000,
    "long 2-d rows wrap": lambda L: L.tensor(np.linspace(-5, 5, 60, dtype=np.float32).reshape(3, 20)),
    "summarised 1-d": lambda L: L.arange(2000.0),
    "summarised 2-d": lambda L: L.arange(1200).reshape(40, 30),
    "summarised 3-d": lambda L: L.tensor(np.arange(3000, dtype=np.float32).reshape(10, 10, 30) / 9),
    "summarised sci": lambda L: L.arange(1001.0) * 1e-5,
    "exactly 1000": lambda L: L.arange(1000.0),
    "requires_grad": lambda L: L.tensor([1.0, 2.0], requires_grad=True),
    "requires_grad 0-d": lambda L: L.tensor(1.5, requires_grad=True),
    "requires_grad float64": lambda L: L.tensor([1.0], dtype=L.float64, requires_grad=True),
    "grad_fn": lambda L: L.tensor([1.0, 2.0], requires_grad=True) * 2,
    "grad_fn 0-d": lambda L: (L.tensor([1.0, 2.0], requires_grad=True) ** 2).sum(),
    "grad_fn float64": lambda L: L.tensor([1.0, 2.0], dtype=L.float64, requires_grad=True).exp(),
    "grad_fn after wrapped rows": lambda L: (L.arange(11.0) / 7).requires_grad_() * 1.5,
    "grad_fn after wrapped 2-d rows": lambda L: L.tensor(np.linspace(-1, 1, 20, dtype=np.float32).reshape(2, 10) / 3,
                                                 requires_grad=True) + 0,
    "dtype suffix and grad_fn wrap": lambda L: L.tensor(np.arange(9.0) / 7, requires_grad=True) * 2,
    "grad_fn alone wraps": lambda L: L.tensor(np.arange(8, dtype=np.float32) / 7 + 0.01,
                                            requires_grad=True) * 1,
    "grad_fn wraps after 3-d": lambda L: L.tensor(np.arange(16, dtype=np.float32).reshape(2, 1, 8) / 7,
                                                requires_grad=True).exp(),
    "requires_grad wraps": lambda L: L.tensor(np.arange(11.0, dtype=np.float32) / 7, requires_grad=True),
    "grad after backward": _grad_chain,
    "view grad_fn": lambda L: L.ones(2, 3, requires_grad=True).t(),
    "select grad_fn": lambda L: L.ones(2, 3, requires_grad=True)[1],
    "detach": lambda L: (L.ones(2, requires_grad=True) * 3).detach(),
}


@pytest.mark.parametrize("name", list(REPR_CASES))
def test_repr_and_str_match_torch(name):
    build = REPR_CASES[name]
    g, t = build(gradlab), build(torch)
    assert repr(g) == repr(t)
    assert str(g) == str(t)


def test_suffix_wrap_cases_really_wrap():
    """The wrap cases above must put a suffix on its own line in torch (else they test nothing)."""
    for name in ("grad_fn alone wraps", "dtype suffix and grad_fn wrap",
                 "grad_fn wraps after 3-d"):
        text = repr(REPR_CASES[name](torch))
        assert "\n       grad_fn=<" in text or "\n       dtype=" in text, (name, text)


@pytest.mark.parametrize("seed", range(8))
def test_repr_of_random_values_matches_torch(seed):
    """Random shapes, magnitudes and dtypes: the formatter's choices all agree with torch's."""
    rng = np.random.default_rng(seed)
    for _ in range(25):
        shape = tuple(rng.integers(1, 6, size=rng.integers(0, 4)))
        scale = 10.0 ** rng.integers(-6, 10)
        a = (rng.standard_normal(shape) * scale).astype(rng.choice([np.float32, np.float64]))
        if rng.random() < 0.3:
            a = np.round(a)
        if rng.random() < 0.2 and scale <= 1e6:  # (larger values would overflow int32)
            a = (a * 100).astype(rng.choice([np.int64, np.int32]))
        rg = a.dtype.kind == "f" and rng.random() < 0.3
        assert repr(gradlab.tensor(a, requires_grad=rg)) == repr(torch.tensor(a, requires_grad=rg)), a


PRINTED = {
    "x.shape": lambda L: L.ones(2, 3).shape,
    "x.size()": lambda L: L.ones(2, 3).size(),
    "0-d shape": lambda L: L.tensor(1.0).shape,
    "empty shape": lambda L: L.zeros(0, 3).shape,
    "x.size(1)": lambda L: L.ones(2, 3).size(1),
    "float32": lambda L: L.ones(2).dtype,
    "float64": lambda L: L.ones(2, dtype=L.float64).dtype,
    "int64": lambda L: L.tensor([1]).dtype,
    "int32": lambda L: L.tensor([1], dtype=L.int32).dtype,
    "bool": lambda L: L.tensor([True]).dtype,
    "torch.float alias": lambda L: L.float,
    "torch.long alias": lambda L: L.long,
    "max(A, 1)": lambda L: L.max(L.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]]), 1),
    "min(A, 0, keepdim)": lambda L: L.min(L.tensor([[1.0, 5.0], [0.0, 9.0]]), 0, keepdim=True),
    "A.max(1) with grad": lambda L: L.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True).max(1),
    "f-string .3f": lambda L: f"{L.tensor(3.14159):.3f}",
    "f-string 0-d plain": lambda L: f"{L.tensor(2.5)}",
    "f-string e": lambda L: f"{L.tensor(12345.678):.2e}",
    "f-string int": lambda L: f"{L.tensor(42):5d}",
    "f-string 1-d": lambda L: f"{L.tensor([1.0, 2.0])}",
    "format 0-d grad": lambda L: "{:.2f}".format(L.tensor(1.0, requires_grad=True) * 3),
    "item float": lambda L: L.tensor(2.5).item(),
    "item int": lambda L: L.tensor([7]).item(),
    "item bool": lambda L: L.tensor(True).item(),
    "item float64": lambda L: L.tensor(0.1, dtype=L.float64).item(),
    "item float32 rounding": lambda L: L.tensor(0.1).item(),
    "tolist 2-d": lambda L: L.tensor([[1.0, 2.0], [3.0, 4.5]]).tolist(),
    "tolist ints": lambda L: L.tensor([1, 2]).tolist(),
    "tolist bools": lambda L: L.tensor([True, False]).tolist(),
    "tolist 0-d": lambda L: L.tensor(3.0).tolist(),
    "float()": lambda L: float(L.tensor([2.5])),
    "int()": lambda L: int(L.tensor(3.9)),
    "int() negative": lambda L: int(L.tensor(-3.9)),
    "bool()": lambda L: bool(L.tensor([0.0])),
    "len": lambda L: len(L.zeros(4, 2)),
    "iteration": lambda L: [repr(r) for r in L.tensor([[1.0, 2.0], [3.0, 4.0]])],
    "iteration with grad": lambda L: [repr(r) for r in L.tensor([1.0, 2.0], requires_grad=True)],
    "numel": lambda L: L.zeros(3, 4).numel(),
    "dim": lambda L: L.zeros(3, 4).dim(),
    "is_leaf": lambda L: (L.ones(1, requires_grad=True).is_leaf, (L.ones(1, requires_grad=True) * 2).is_leaf),
    "grad_fn.name()": lambda L: (L.ones(1, requires_grad=True) * 2).grad_fn.name(),
    "next_functions names": lambda L: [type(f).__name__ for f, _ in
                                       (L.ones(1, requires_grad=True) * L.ones(1)).grad_fn.next_functions],
}


@pytest.mark.parametrize("name", list(PRINTED))
def test_printed_values_match_torch(name):
    g, t = PRINTED[name](gradlab), PRINTED[name](torch)
    assert type(g).__name__ == type(t).__name__ or not isinstance(t, (int, float, bool, str, list))
    assert repr(g) == repr(t)
    assert str(g) == str(t)


# -- memory sharing ---------------------------------------------------------------------------

def _numpy_shares(L):
    t = L.tensor([1.0, 2.0, 3.0])
    a = t.numpy()
    a[0] = 10.0          # visible through the tensor
    t[1] = 20.0          # visible through the array
    return repr(t), a.tolist()


def _from_numpy_shares(L):
    a = np.zeros(3)
    t = L.from_numpy(a)
    a[0] = 1.0
    t[2] = 5.0
    return repr(t), a.tolist()


def _detach_shares(L):
    x = L.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    d[0] = 7.0
    return repr(x), repr(d), d.requires_grad


def _detach_numpy(L):
    x = L.tensor([1.0, 2.0], requires_grad=True)
    a = x.detach().numpy()
    a[1] = -1.0
    return repr(x)


def _tensor_copies(L):
    a = np.ones(2, dtype=np.float32)
    t = L.tensor(a)
    a[0] = 5.0
    return repr(t)


def _clone_copies(L):
    t = L.tensor([1.0, 2.0])
    c = t.clone()
    c[0] = 9.0
    return repr(t), repr(c)


def _view_shares(L):
    t = L.zeros(2, 3)
    v = t.view(3, 2)
    v[0, 1] = 1.0
    r = t.t()
    r[2, 0] = 2.0
    return repr(t)


SHARING = [_numpy_shares, _from_numpy_shares, _detach_shares, _detach_numpy, _tensor_copies,
           _clone_copies, _view_shares]


@pytest.mark.parametrize("build", SHARING, ids=[f.__name__ for f in SHARING])
def test_memory_sharing_matches_torch(build):
    assert build(gradlab) == build(torch)
