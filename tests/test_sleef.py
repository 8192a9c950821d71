"""float32 exp2, expm1, log1p, sinh, cosh, atanh bit for bit against torch (gradlab/_sleef.py).

The oracle is torch itself, on random values over float32's whole range (random bit patterns:
subnormals, nan, ±inf included), on lengths around the 32-float blocks of PyTorch's CPU loop
(whose tails are the C library's functions), and on views whose rows are not contiguous.
"""
from __future__ import annotations

import numpy as np
import pytest

import gradlab
from gradlab import _sleef

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch


def _same_bits(a, b):
    return (a.view(np.uint32) == b.view(np.uint32)) | (np.isnan(a) & np.isnan(b))


# name, the vector function, and where to draw from besides random bits and the edge cases
BLOCKWISE = {
    "exp2": (_sleef.exp2f_u10, lambda rng: [rng.uniform(-3, 3, 1 << 18), rng.uniform(-160, 140, 1 << 18)]),
    "sinh": (_sleef.sinhf_u10, lambda rng: [rng.uniform(-3, 3, 1 << 18), rng.uniform(-95, 95, 1 << 18)]),
    "cosh": (_sleef.coshf_u10, lambda rng: [rng.uniform(-3, 3, 1 << 18), rng.uniform(-95, 95, 1 << 18)]),
    "atanh": (_sleef.atanhf_u10, lambda rng: [rng.uniform(-1, 1, 1 << 18), rng.uniform(-1e-3, 1e-3, 1 << 16),
                                              1 - np.exp(-rng.uniform(0, 17, 1 << 16))]),
}
EDGES = [0, -0.0, np.inf, -np.inf, np.nan, 1, -1, 1.0001, 88.9, 89.1, 127.99, 128, -149.9, -150,
         -150.1, -126, -127.5, 1e-45, -1e-45, 3e38, -3e38, 0.5, -0.5, 1.5, 2.5, 1e-8]
LIBM = _sleef._libm("exp2") is not None   # the scalar tails are the C library's, as in PyTorch


DEFAULT_EXACT_UP_TO = _sleef.EXACT_UP_TO


@pytest.fixture(autouse=True)
def ports_on_every_size(monkeypatch):
    """These tests check the ports on tensors of any size: no float64 shortcut for large ones."""
    monkeypatch.setattr(_sleef, "EXACT_UP_TO", 1 << 30)


@pytest.mark.parametrize("fn", ["exp2", "expm1", "log1p", "sinh", "cosh", "atanh", "asinh", "pow"])
def test_over_exact_up_to_elements_the_value_is_float64_rounded_once(fn, monkeypatch):
    """Above EXACT_UP_TO elements gradlab rounds a float64 value once: within an ulp of PyTorch's
    SLEEF values, two of libm's asinhf (itself within two ulps); bit for bit at the cap itself."""
    monkeypatch.setattr(_sleef, "EXACT_UP_TO", DEFAULT_EXACT_UP_TO)
    n = DEFAULT_EXACT_UP_TO
    x = np.random.default_rng(11).uniform(0.01, 0.99, 3 * n).astype(np.float32)
    run = {"pow": lambda lib, t: t ** -1.5}.get(fn, lambda lib, t: getattr(lib, fn)(t))
    for size, exact in ((n, True), (3 * n, False)):
        g = run(gradlab, gradlab.tensor(x[:size])).numpy()
        t = run(torch, torch.from_numpy(x[:size])).numpy()
        ulps = np.abs(g.view(np.int32).astype(np.int64) - t.view(np.int32).astype(np.int64))
        assert (ulps == 0).all() if exact else ulps.max() <= (2 if fn == "asinh" else 1), (size, ulps.max())


@pytest.mark.parametrize("name", list(BLOCKWISE))
def test_sleef_port_equals_torch_on_a_million_inputs(name):
    vector, draw = BLOCKWISE[name]
    rng = np.random.default_rng(0)
    with np.errstate(invalid="ignore"):   # (random bits: signalling nans among them)
        bits = rng.integers(0, 2 ** 32, 1 << 19, dtype=np.uint64).astype(np.uint32).view(np.float32)
        x = np.concatenate(draw(rng) + [bits, np.repeat(EDGES, 32)]).astype(np.float32)
    x = x[: x.size - x.size % 32]   # whole blocks: every element goes through the vector function
    t = getattr(torch, name)(torch.from_numpy(x)).numpy()
    assert _same_bits(vector(x), t).all()
    assert _same_bits(getattr(gradlab, name)(gradlab.tensor(x)).numpy(), t).all()


@pytest.mark.parametrize("n", [1, 5, 31, 32, 33, 63, 64, 100, 1000, 4099, 32768])
@pytest.mark.parametrize("name", list(BLOCKWISE))
def test_blockwise_functions_match_torch_for_every_length(name, n):
    lo, hi = (-0.99, 0.99) if name == "atanh" else (-20, 20)
    x = np.random.default_rng(n).uniform(lo, hi, n).astype(np.float32)
    g = getattr(gradlab, name)(gradlab.tensor(x)).numpy()
    t = getattr(torch, name)(torch.from_numpy(x)).numpy()
    whole = n - n % _sleef._BLOCK   # the tail: libm's function (without libm: float64 rounded)
    assert _same_bits(g[:whole], t[:whole]).all()
    assert _same_bits(g, t).all() if LIBM else _same_bits(g, t).mean() >= 0.75


@pytest.mark.parametrize("view", ["x.T", "x[:, :40]", "x[::2, ::3]", "x.reshape(4, 16, 64)[:, 3:9, :50]", "x[0, 0]"])
@pytest.mark.parametrize("name", list(BLOCKWISE))
def test_blockwise_functions_of_views_match_torch(name, view):
    x = np.random.default_rng(1).uniform(-0.99, 0.99, (64, 64)).astype(np.float32)
    g = eval(view, {"x": gradlab.tensor(x)})
    t = eval(view, {"x": torch.from_numpy(x)})
    g, t = getattr(g, name)().numpy(), getattr(t, name)().numpy()
    assert _same_bits(g, t).all() if LIBM else _same_bits(g, t).mean() >= 0.75


def test_fma_is_rounded_once():
    """The float64 emulation of a float32 FMA: exact against hand-picked double-rounding cases
    and against Python's exactly rounded fractions on random triples."""
    from fractions import Fraction
    rng = np.random.default_rng(2)
    a, b, c = (rng.standard_normal(20000).astype(np.float32) for _ in range(3))
    got = _sleef._fma(a, b, c)
    # (1 + 2⁻¹²)² + 2⁻⁶⁰ = 1 + 2⁻¹¹ + 2⁻²⁴ + 2⁻⁶⁰: float64 drops 2⁻⁶⁰ and leaves a float32 tie,
    # which rounds to even (1 + 2⁻¹¹); the value is above the tie, so the FMA gives 1 + 2⁻¹¹ + 2⁻²³
    one = np.array([1 + 2.0 ** -12], np.float32)
    naive = (one.astype(np.float64) ** 2 + 2.0 ** -60).astype(np.float32)
    assert naive[0] == np.float32(1 + 2.0 ** -11)
    assert _sleef._fma(one, one, np.array([2.0 ** -60], np.float32))[0] == np.float32(1 + 2.0 ** -11 + 2.0 ** -23)
    for i in range(0, 20000, 7):
        exact = Fraction(float(a[i])) * Fraction(float(b[i])) + Fraction(float(c[i]))
        assert got[i] == np.float32(_round_to_f32(exact)), i


def _round_to_f32(q):
    """The float32 nearest to the rational q (ties to even), by bisection over float32 bits."""
    from fractions import Fraction
    lo = np.float32(float(q))
    for cand in (np.nextafter(lo, np.float32(-np.inf)), lo, np.nextafter(lo, np.float32(np.inf))):
        if abs(Fraction(float(cand)) - q) < abs(Fraction(float(lo)) - q) or (
                abs(Fraction(float(cand)) - q) == abs(Fraction(float(lo)) - q)
                and int(cand.view(np.uint32)) % 2 == 0):
            lo = cand
    return lo


def test_sleef_expm1f_port_equals_torch_on_a_million_inputs():
    rng = np.random.default_rng(3)
    with np.errstate(invalid="ignore"):   # (random bits: signalling nans among them)
        bits = rng.integers(0, 2 ** 32, 1 << 19, dtype=np.uint64).astype(np.uint32).view(np.float32)
        x = np.concatenate([
            rng.uniform(-3, 3, 1 << 18), rng.uniform(-120, 100, 1 << 18), rng.uniform(-1e-3, 1e-3, 1 << 16),
            bits,
            np.repeat([0, -0.0, np.inf, -np.inf, np.nan, 88.72, 88.73, -16.6, -16.7, -104, -105,
                       1e-45, -1e-45, 3e38, -3e38, 1e-8, 0.5, -0.5], 16)]).astype(np.float32)
    assert _same_bits(gradlab.expm1(gradlab.tensor(x)).numpy(),
                      torch.expm1(torch.from_numpy(x)).numpy()).all()


@pytest.mark.parametrize("view", ["x", "x[0]", "x[:1, :1]", "x.T", "x[:, :40]", "x[::2, ::3]"])
def test_expm1_every_element_like_torch(view):
    """PyTorch runs SLEEF's expm1 on every element (short tensors and tails too)."""
    x = np.random.default_rng(4).uniform(-5, 5, (64, 64)).astype(np.float32)
    g = eval(view, {"x": gradlab.tensor(x)}).expm1().numpy()
    t = eval(view, {"x": torch.from_numpy(x)}).expm1().numpy()
    assert _same_bits(g, t).all()


def test_sleef_log1pf_port_equals_torch_on_a_million_inputs():
    rng = np.random.default_rng(5)
    with np.errstate(invalid="ignore", over="ignore"):   # (random bits: signalling nans among them)
        bits = rng.integers(0, 2 ** 32, 1 << 19, dtype=np.uint64).astype(np.uint32).view(np.float32)
        x = np.concatenate([
            rng.uniform(0.01, 10, 1 << 18), rng.uniform(-0.999, 3, 1 << 18), rng.uniform(-1e-3, 1e-3, 1 << 16),
            np.exp(rng.uniform(-80, 80, 1 << 16)), bits,
            np.repeat([0, -0.0, np.inf, -np.inf, np.nan, -1, -1.0001, -0.9999999, 1e38, 1.1e38, 3e38,
                       1e-45, -1e-45, 1e-8, 0.5, -0.5], 16)]).astype(np.float32)
    assert _same_bits(gradlab.log1p(gradlab.tensor(x)).numpy(),
                      torch.log1p(torch.from_numpy(x)).numpy()).all()


@pytest.mark.parametrize("view", ["x", "x[0]", "x[:1, :1]", "x.T", "x[:, :40]", "x[::2, ::3]"])
def test_log1p_every_element_like_torch(view):
    x = np.random.default_rng(6).uniform(-0.9, 5, (64, 64)).astype(np.float32)
    g = eval(view, {"x": gradlab.tensor(x)}).log1p().numpy()
    t = eval(view, {"x": torch.from_numpy(x)}).log1p().numpy()
    assert _same_bits(g, t).all()


@pytest.mark.parametrize("name, lo, hi", [("asinh", -1e4, 1e4), ("acosh", 1, 1e6)])
def test_asinh_acosh_are_the_c_librarys_like_torch(name, lo, hi):
    """PyTorch's float32 asinh/acosh call libm's asinhf/acoshf on every element; so does gradlab."""
    rng = np.random.default_rng(7)
    with np.errstate(invalid="ignore"):
        bits = rng.integers(0, 2 ** 32, 1 << 17, dtype=np.uint64).astype(np.uint32).view(np.float32)
        x = np.concatenate([rng.uniform(-3, 3, 1 << 17), rng.uniform(lo, hi, 1 << 17), bits,
                            np.array(EDGES)]).astype(np.float32)
    for view in (lambda v: v, lambda v: v[::3], lambda v: v[5]):
        g = getattr(gradlab, name)(view(gradlab.tensor(x))).numpy()
        t = getattr(torch, name)(view(torch.from_numpy(x))).numpy()
        assert _same_bits(g, t).all() if LIBM else _same_bits(g, t).mean() >= 0.75


POW_EXPONENTS = [-1.5, 1.5, 0.3, -0.7, 2.5, 4, -3, 10, 0.25, 1 / 3, 7, -2.5, 1e-3, 100, 2.0 ** 25 + 1,
                 np.inf, -np.inf, np.nan]
POW_EDGES = EDGES + [-2, -3, 2, 3, 0.99999994, 1.0000001, 1e-30, 1e30, -1e30]


def _torch_whole_blocks(fn, x):
    """torch on slices of 32,768 floats (a multiple of the block: one thread, no tail)."""
    return np.concatenate([fn(torch.from_numpy(x[i:i + 32768])).numpy() for i in range(0, x.size, 32768)])


@pytest.mark.parametrize("p", POW_EXPONENTS)
def test_sleef_powf_port_equals_torch_on_a_million_inputs(p):
    """x ** p in PyTorch's vector loop is SLEEF's Sleef_powf16_u10(x, float(p))."""
    rng = np.random.default_rng(8)
    with np.errstate(invalid="ignore", over="ignore"):   # (random bits: signalling nans among them)
        bits = rng.integers(0, 2 ** 32, 1 << 19, dtype=np.uint64).astype(np.uint32).view(np.float32)
        x = np.concatenate([rng.uniform(-3, 3, 1 << 18), rng.standard_normal(1 << 16) * 100,
                            np.exp(rng.uniform(-100, 100, 1 << 17)), -np.exp(rng.uniform(-100, 100, 1 << 16)),
                            bits, np.repeat(POW_EDGES, 32)]).astype(np.float32)
    x = x[: x.size - x.size % 32]
    t = _torch_whole_blocks(lambda v: v ** p, x)
    assert _same_bits(_sleef.powf_u10(x, p), t).all()
    assert _same_bits((gradlab.tensor(x[:32768]) ** p).numpy(), t[:32768]).all()


@pytest.mark.parametrize("p", [-1.5, 1.5, 0.3, -0.7, 2.5, 4, -3, 10, 0.25, 1, 0])
def test_pow_scalar_matches_torch_for_every_length_and_view(p):
    """Blocks of 32 (16 with AVX2) through SLEEF's powf, tails and rows that are not contiguous
    through std::pow(float, double): the C library's double pow, rounded."""
    for n in [1, 7, 16, 31, 32, 33, 63, 100, 1000, 4099, 32768]:
        x = np.random.default_rng(n).uniform(-20, 20, n).astype(np.float32)
        x[::3] = np.abs(x[::3])
        g, t = (gradlab.tensor(x) ** p).numpy(), (torch.from_numpy(x) ** p).numpy()
        assert _same_bits(g, t).all() if LIBM else _same_bits(g[:n - n % _sleef._BLOCK], t[:n - n % _sleef._BLOCK]).all()
    x = np.random.default_rng(9).uniform(0, 9, (64, 64)).astype(np.float32)
    for view in ["x.T", "x[:, :40]", "x[::2, ::3]", "x.reshape(4, 16, 64)[:, 3:9, :50]", "x[0, 0]", "x[:, 5]"]:
        g = eval(view, {"x": gradlab.tensor(x)}) ** p
        t = eval(view, {"x": torch.from_numpy(x)}) ** p
        assert _same_bits(g.numpy(), t.numpy()).all() if LIBM else _same_bits(g.numpy(), t.numpy()).mean() >= 0.75
