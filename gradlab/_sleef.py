"""float32 ``exp2``, ``expm1``, ``log1p``, ``sinh``, ``cosh``, ``atanh``, ``x ** p`` (and
``asinh``, ``acosh``: the C library's) bit for bit as PyTorch computes them on the CPU, on tensors
of up to ``EXACT_UP_TO`` elements (the ports cost about 0.2–1 µs per element: NumPy emulating one
FMA per step in float64; larger tensors are float64 rounded once, within an ulp).

PyTorch's float32 versions of these (``Vectorized<float>::exp2`` ... in
aten/src/ATen/cpu/vec/vec512/vec512_float.h) are SLEEF's ``Sleef_exp2f16_u10`` ...:
``xexp2f``, ``xexpm1f`` (with ``expk2f``), ``xlog1pf`` (its AVX512 branch), ``xsinhf``,
``xcoshf``, ``xatanhf`` (with ``logk2f``), with the float-float arithmetic of src/common/df.h,
in SLEEF's src/libm/sleefsimdsp.c (github.com/shibatch/sleef, read at commit 7623d6c), built
with fused multiply-adds. ``expm1`` and ``log1p`` run on every element (through vml's vector
map, tails included). The others run in PyTorch's ``cpu_kernel_vec`` loop: the vector function
on blocks of 32 floats (two AVX512 vectors; 16 with AVX2) of each contiguous row, and the scalar
``std::exp2`` ... on the rest of the row, that is the C library's ``exp2f``, ``sinhf``, ``coshf``,
``atanhf``, which gradlab calls too (through ctypes; float64 rounded once where there is no libm).
``x ** p`` for a number p (other than PyTorch's special exponents) runs the same loop with SLEEF's
``xpowf`` (``logkf``/``expkf``) on the blocks and ``std::pow(float, double)`` on the tails: the
C library's double ``pow``, rounded to float32 (measured: equal on 10⁶ inputs for each exponent
tried, tails and views included).

Measured against torch 2.13.0 (x86-64, AVX512): the ports equal torch's own SLEEF functions
(called from libtorch_cpu) on every one of 2²⁰ random inputs and the edge cases; the forwards
equal ``torch.expm1`` and ``torch.log1p`` on every tensor, and ``torch.exp2``, ``sinh``,
``cosh``, ``atanh`` on every tensor tried of up to 32,768 elements (longer ones PyTorch splits
between threads, each part with its own tail), views included. tests/test_sleef.py checks them
against torch on about 10⁶ inputs each.

Not here, and why: PyTorch's float32 ``sin``, ``cos``, ``exp``, ``log``, ``tanh``, ``tan``,
``asin``, ``acos``, ``atan``, ``log2``, ``log10``, ``erf``, ``erfc`` and ``sqrt`` are Intel MKL's
VML functions (``vmsSin`` ... in high-accuracy mode: aten/src/ATen/cpu/vml.h), not SLEEF, so no
open implementation reproduces them (measured: torch.sin equals ``vmsSin`` on every input, and
differs from SLEEF's ``sinf_u1`` on 1.9%).
"""
from __future__ import annotations

import numpy as np

_F32, _F64 = np.float32, np.float64

# The ports cost about 0.2–1 µs per element (NumPy emulating float-float steps), 100 times NumPy's
# own loops. They run on tensors of up to EXACT_UP_TO elements (what a learner prints, and within
# the 32,768 PyTorch computes in one thread); a larger tensor is computed in float64 and rounded
# once, at NumPy's speed, within an ulp of PyTorch's.
EXACT_UP_TO = 4096


def _large(a):
    return a.size > EXACT_UP_TO


def _rounded(ufunc, a, *args):
    """The float64 value rounded once to float32 (for tensors over EXACT_UP_TO elements)."""
    with np.errstate(all="ignore"):
        return ufunc(a.astype(_F64), *args).astype(_F32)


def _block():
    """Floats per vectorized step of PyTorch's CPU loop: two vectors, of 16 lanes where PyTorch
    picks its AVX512 kernels (the CPU has avx512f/bw/dq/vl), else of 8 (AVX2)."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            flags = next((line.split() for line in f if line.startswith("flags")), [])
    except OSError:
        return 32
    return 32 if {"avx512f", "avx512bw", "avx512dq", "avx512vl"} <= set(flags) else 16


_BLOCK = _block()


def _fma(a, b, c):
    """float32 a·b + c rounded once, as the FMA instruction does. The product is exact in
    float64; the sum is rounded there to odd (the last bit set when inexact), so rounding it to
    float32 afterwards is the single correct rounding."""
    p = a.astype(_F64) * b.astype(_F64)
    c = c.astype(_F64)
    s = p + c
    v = s - p
    err = (p - (s - v)) + (c - v)   # Knuth's two-sum: the part of p + c that s lost
    even = (s.view(np.int64) & 1) == 0
    fix = (err != 0) & even & np.isfinite(s)
    if fix.any():
        s[fix] = np.nextafter(s[fix], np.where(err[fix] > 0, np.inf, -np.inf))
    return s.astype(_F32)


def _pow2i(q):
    return ((q + 0x7F) << 23).view(_F32)


def exp2f_u10(d):
    """SLEEF's xexp2f on a float32 array (every element as one lane of the vector function)."""
    with np.errstate(invalid="ignore", over="ignore"):
        u = np.rint(d)
        q = u.astype(np.int32)   # (nan, inf: any value; those lanes are fixed below)
        s = d - u
        u = _F32(0.1535920892e-3)
        for c in (0.1339262701e-2, 0.9618384764e-2, 0.5550347269e-1, 0.2402264476e+0,
                  0.6931471825e+0, 1.0):
            u = _fma(np.broadcast_to(u, s.shape), s, np.full(s.shape, c, _F32))
        half = q >> 1
        u = u * _pow2i(half) * _pow2i(q - half)   # vldexp2: in two steps, for subnormal results
    u = np.where(d >= 128, _F32(np.inf), u)
    return np.where(d < -150, _F32(0), u).astype(_F32, copy=False)


def _libm(name):
    """The C library's float function ``name`` (what PyTorch's scalar loop calls: ``std::sinh``
    is libm's ``sinhf``) over an array, or None where there is no libm to load."""
    import ctypes
    import ctypes.util
    try:
        fn = getattr(ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6"), name + "f")
    except (OSError, AttributeError):
        return None
    fn.restype, fn.argtypes = ctypes.c_float, [ctypes.c_float]
    each = np.frompyfunc(fn, 1, 1)

    def apply(a):
        with np.errstate(all="ignore"):   # (libm raises the invalid flag for acosh(0.5) ...)
            return np.asarray(each(a), dtype=_F32) if a.size else a.astype(_F32)
    return apply


def _scalar(name, ufunc):
    fn = _libm(name)
    return fn or (lambda a: ufunc(a, dtype=_F64).astype(_F32))  # else: float64, rounded once


def _in_blocks(a, vector, scalar):
    """``vector`` on 32-float blocks of each contiguous row, ``scalar`` on each row's tail (and
    everywhere for rows that are not contiguous): PyTorch's cpu_kernel_vec loop."""
    if a.size == 0:
        return np.empty_like(a)
    if a.flags.c_contiguous or a.flags.f_contiguous:   # one row, in memory order
        order = "C" if a.flags.c_contiguous else "F"
        rows = a.reshape(1, -1, order=order)
    elif a.ndim and a.strides[-1] == a.itemsize:       # rows of the last dim
        order, rows = "C", a.reshape(-1, a.shape[-1])
    else:
        return scalar(a)
    m = rows.shape[1] - rows.shape[1] % _BLOCK
    out = np.empty(rows.shape, _F32)
    if m:
        out[:, :m] = vector(np.ascontiguousarray(rows[:, :m]))
    out[:, m:] = scalar(rows[:, m:])
    return out.reshape(a.shape, order=order)


_SCALAR = {}


def _float32_forward(name, ufunc, scalar, run):
    """A forward that ports PyTorch's float32 kernel: ``run(a, f)`` with ``f = scalar()`` (the C
    library's function, found once) on float32 tensors of up to EXACT_UP_TO elements, float64
    rounded once on larger ones, ``ufunc`` itself for other dtypes."""
    def forward(a):
        if a.dtype != _F32:
            return ufunc(a)
        if _large(a):
            return _rounded(ufunc, a)
        if name not in _SCALAR:
            _SCALAR[name] = scalar()
        return run(a, _SCALAR[name])
    forward.__name__ = name
    return forward


def libm_everywhere(name, ufunc):
    """float32 ``name`` through the C library's float function on every element, as PyTorch's
    ``asinh``/``acosh`` kernels do (measured: equal on every input tried); ``ufunc`` otherwise."""
    return _float32_forward(name, ufunc, lambda: _libm(name) or ufunc,
                            lambda a, f: np.asarray(f(a), dtype=_F32))


def _blockwise(name, vector, ufunc):
    return _float32_forward(name, ufunc, lambda: _scalar(name, ufunc),
                            lambda a, f: _in_blocks(a, vector, f))


# -- expm1: float-float arithmetic (a value as an unevaluated sum hi + lo), FMA-based as in df.h

def _two_sum_into(x0, x1, y):          # dfadd2_vf2_vf2_vf: (x0 + x1) + y
    s = x0 + y
    v = s - x0
    return s, ((x0 - (s - v)) + (y - v)) + x1


def _mul_f(x0, x1, y):                 # dfmul_vf2_vf2_vf
    s = x0 * y
    return s, _fma(x1, y, _fma(x0, y, -s))


def _mul_ff(x0, x1, y0, y1):           # dfmul_vf2_vf2_vf2
    s = x0 * y0
    return s, _fma(x0, y1, _fma(x1, y0, _fma(x0, y0, -s)))


def _add2_ff(x0, x1, y0, y1):          # dfadd2_vf2_vf2_vf2
    s = x0 + y0
    v = s - x0
    return s, ((x0 - (s - v)) + (y0 - v)) + (x1 + y1)


def _ldexp2(d, q):
    half = q >> 1
    return d * _pow2i(half) * _pow2i(q - half)


def _expk2f(a):
    """SLEEF's expk2f of (a, 0): eᵃ as a float-float."""
    with np.errstate(invalid="ignore", over="ignore"):
        q = np.rint(a * _F32(1.442695040888963407359924681001892137426645954152985934135449406931)
                    ).astype(np.int32)
        qf = q.astype(_F32)
        s0, s1 = _two_sum_into(a, np.zeros_like(a), qf * _F32(-0.693145751953125))
        s0, s1 = _two_sum_into(s0, s1, qf * _F32(-1.428606765330187045e-06))
        u = np.full(a.shape, 0.1980960224e-3, _F32)
        for c in (0.1394256484e-2, 0.8333456703e-2, 0.4166637361e-1):
            u = _fma(u, s0, np.full(a.shape, c, _F32))
        t0, t1 = _two_sum_into(*_mul_f(s0, s1, u), _F32(0.166666659414234244790680580464))
        t0, t1 = _two_sum_into(*_mul_ff(s0, s1, t0, t1), _F32(0.5))
        sq0 = s0 * s0
        sq1 = _fma(s0 + s0, s1, _fma(s0, s0, -sq0))       # dfsqu_vf2_vf2
        t0, t1 = _add2_ff(s0, s1, *_mul_ff(sq0, sq1, t0, t1))
        one = _F32(1)
        r0 = one + t0                                       # dfadd_vf2_vf_vf2(1, t)
        r1 = ((one - r0) + t0) + t1
        r0, r1 = _ldexp2(r0, q), _ldexp2(r1, q)
    low = a < -104
    return np.where(low, _F32(0), r0), np.where(low, _F32(0), r1)


def expm1(a):
    """float32 eᵃ − 1: SLEEF's xexpm1f, on every element (as PyTorch)."""
    if a.dtype != _F32:
        return np.expm1(a)
    if _large(a):
        return _rounded(np.expm1, a)
    d = np.ascontiguousarray(a).reshape(-1)
    e0, e1 = _expk2f(d)
    with np.errstate(invalid="ignore", over="ignore"):
        x0, x1 = _two_sum_into(e0, e1, _F32(-1))
        x = x0 + x1
    x = np.where(d > _F32(88.72283172607421875), _F32(np.inf), x)
    x = np.where(d < _F32(-16.635532333438687426013570), _F32(-1), x)
    x = np.where((d == 0) & np.signbit(d), _F32(-0.0), x)
    return x.astype(_F32, copy=False).reshape(a.shape)


# -- log1p --------------------------------------------------------------------------------------

def _div_ff(n0, n1, d0, d1):           # dfdiv_vf2_vf2_vf2 (the FMA variant)
    t = _F32(1) / d0
    s = n0 * t
    u = _fma(t, n0, -s)
    v = _fma(-d1, t, _fma(-d0, t, np.ones_like(d0)))
    return s, _fma(s, v, _fma(n1, t, u))


def log1p(a):
    """float32 log(1 + a): SLEEF's xlog1pf (its AVX512 branch), on every element as PyTorch.
    Above 1e38 SLEEF switches to its logf_u1, for which float64 rounded once stands in."""
    if a.dtype != _F32:
        return np.log1p(a)
    if _large(a):
        return _rounded(np.log1p, a)
    d = np.ascontiguousarray(a).reshape(-1)
    with np.errstate(all="ignore"):
        dp1 = d + _F32(1)
        y = dp1 * _F32(1.0 / 0.75)
        e = (np.frexp(y)[1] - 1).astype(_F32)                     # getexp: ⌊log2 |y|⌋
        e = np.where(y == 0, _F32(-np.inf), np.where(np.isfinite(y), e, np.abs(y)))
        e = np.where(e == np.inf, _F32(128), e)
        q = np.rint(e).astype(np.int32)
        t = (np.int32(0x3F800000) - (q << 23)).view(_F32)         # vldexp3(1, −e)
        m = _fma(d, t, t - _F32(1))
        s0 = _F32(0.69314718246459960938) * e                     # dfmul (ln 2 as hi + lo) · e
        s1 = _fma(np.full(d.shape, -1.904654323148236017e-09, _F32), e,
                  _fma(np.full(d.shape, 0.69314718246459960938, _F32), e, -s0))
        two = _F32(2)
        q0 = two + m                                              # dfadd_vf2_vf_vf(2, m)
        x0, x1 = _div_ff(m, np.zeros_like(m), q0, (two - q0) + m)
        x2 = x0 * x0
        t = np.full(d.shape, 0.3027294874, _F32)
        t = _fma(t, x2, np.full(d.shape, 0.3996108174, _F32))
        t = _fma(t, x2, np.full(d.shape, 0.6666694880, _F32))
        x0, x1 = x0 * two, x1 * two                               # dfscale(x, 2)
        r0 = s0 + x0                                              # dfadd_vf2_vf2_vf2
        r1 = (((s0 - r0) + x0) + s1) + x1
        y = (x2 * (x0 / two)) * t
        r0, r1 = r0 + y, (((r0 - (r0 + y)) + y) + r1)             # dfadd_vf2_vf2_vf
        r = r0 + r1
    big = d > _F32(1.0e38)
    if big.any():
        r[big] = np.log1p(d[big], dtype=_F64).astype(_F32)
    r = np.where(d < -1, _F32(np.nan), r)
    r = np.where(d == -1, _F32(-np.inf), r)
    r = np.where((d == 0) & np.signbit(d), _F32(-0.0), r)
    return r.astype(_F32, copy=False).reshape(a.shape)


# -- sinh, cosh, atanh: in PyTorch's blocks, like exp2 ---------------------------------------------

def _rec_ff(d0, d1):                   # dfrec_vf2_vf2
    r = _F32(1) / d0
    return r, r * _fma(-d1, r, _fma(-d0, r, np.ones_like(d0)))


def _sinh_cosh(x, sinh):
    with np.errstate(all="ignore"):
        y = np.abs(x)
        d0, d1 = _expk2f(y)
        r0, r1 = _rec_ff(d0, d1)
        if sinh:                       # dfsub_vf2_vf2_vf2
            s0 = d0 - r0
            s1 = (((d0 - s0) - r0) + d1) - r1
        else:                          # dfadd_vf2_vf2_vf2
            s0 = d0 + r0
            s1 = (((d0 - s0) + r0) + d1) + r1
        y = (s0 + s1) * _F32(0.5)
    y = np.where((np.abs(x) > 89) | np.isnan(y), _F32(np.inf), y)
    if sinh:
        y = np.copysign(y, x)
    return np.where(np.isnan(x), _F32(np.nan), y).astype(_F32, copy=False)


def sinhf_u10(x):
    return _sinh_cosh(x, True)


def coshf_u10(x):
    return _sinh_cosh(x, False)


def _logk2f(d0, d1):
    with np.errstate(all="ignore"):
        y = d0 * _F32(1.0 / 0.75)
        e = np.where(np.isfinite(y) & (y != 0), np.frexp(y)[1] - 1, 0).astype(np.int32)
        p = _pow2i(-e)
        m0, m1 = d0 * p, d1 * p
        x0, x1 = _div_ff(*_two_sum_into(m0, m1, _F32(-1)), *_two_sum_into(m0, m1, _F32(1)))
        sq0 = x0 * x0
        sq1 = _fma(x0 + x0, x1, _fma(x0, x0, -sq0))
        t = np.full(d0.shape, 0.2392828464508056640625, _F32)
        for c in (0.28518211841583251953125, 0.400005877017974853515625, 0.666666686534881591796875):
            t = _fma(t, sq0, np.full(d0.shape, c, _F32))
        ef = e.astype(_F32)
        s0, s1 = _mul_f(np.full(d0.shape, 0.69314718246459960938, _F32),
                        np.full(d0.shape, -1.904654323148236017e-09, _F32), ef)
        a0, a1 = x0 * _F32(2), x1 * _F32(2)
        r0 = s0 + a0
        r1 = (((s0 - r0) + a0) + s1) + a1
        b0, b1 = _mul_f(*_mul_ff(sq0, sq1, x0, x1), t)
        s0 = r0 + b0
        return s0, (((r0 - s0) + b0) + r1) + b1


def atanhf_u10(x):
    with np.errstate(all="ignore"):
        y = np.abs(x)
        one = _F32(1)
        n0 = one + y                   # dfadd2_vf2_vf_vf(1, y)
        v = n0 - one
        n1 = (one - (n0 - v)) + (y - v)
        q0 = one - y                   # dfadd2_vf2_vf_vf(1, −y)
        v = q0 - one
        q1 = (one - (q0 - v)) + (-y - v)
        d0, d1 = _logk2f(*_div_ff(n0, n1, q0, q1))
        r = (d0 + d1) * _F32(0.5)
    r = np.where(y == 1, _F32(np.inf), r)
    r = np.where((y > 1) | np.isinf(x) | np.isnan(r), _F32(np.nan), r)
    r = np.copysign(r, x)
    return np.where(np.isnan(x), _F32(np.nan), r).astype(_F32, copy=False)


exp2 = _blockwise("exp2", exp2f_u10, np.exp2)
sinh = _blockwise("sinh", sinhf_u10, np.sinh)
cosh = _blockwise("cosh", coshf_u10, np.cosh)
atanh = _blockwise("atanh", atanhf_u10, np.arctanh)


# -- pow(x, p) for a number p: SLEEF's xpowf (expkf of logkf(|x|)·p in float-float) in blocks --------

def _ldexp(x, q):                      # vldexp_vf_vf_vi2: in five factors, for any int32 q
    m = q >> 31
    m = (((m + q) >> 6) - m) << 4
    q = q - (m << 2)
    m = np.clip(m + 0x7F, 0, 0xFF).astype(np.int32)
    u = (m << 23).view(_F32)
    return x * u * u * u * u * ((q + 0x7F) << 23).view(_F32)


def _logkf(d):
    """SLEEF's logkf (its AVX512 branch: getexp of d/0.75, getmant in [0.75, 1.5)): ln d as a
    float-float."""
    y = d * _F32(1.0 / 0.75)
    e = np.where(np.isfinite(y) & (y != 0), np.frexp(y)[1] - 1, 0).astype(_F32)
    e = np.where(y == 0, _F32(-np.inf), np.where(np.isinf(y), _F32(128), e))
    m = np.frexp(d)[0] * _F32(2)                                # in [1, 2) ...
    m = np.where(m >= _F32(1.5), m * _F32(0.5), m).astype(_F32)  # ... then in [0.75, 1.5)
    one = _F32(1)
    n0 = m - one                       # dfadd2_vf2_vf_vf(−1, m) and (1, m)
    v = n0 + one
    n1 = (-one - (n0 - v)) + (m - v)
    q0 = one + m
    v = q0 - one
    q1 = (one - (q0 - v)) + (m - v)
    x0, x1 = _div_ff(n0, n1, q0, q1)
    sq0 = x0 * x0
    sq1 = _fma(x0 + x0, x1, _fma(x0, x0, -sq0))
    t = np.full(d.shape, 0.240320354700088500976562, _F32)
    for c in (0.285112679004669189453125, 0.400007992982864379882812):
        t = _fma(t, sq0, np.full(d.shape, c, _F32))
    s0, s1 = _mul_f(np.full(d.shape, 0.69314718246459960938, _F32),
                    np.full(d.shape, -1.904654323148236017e-09, _F32), e)
    a0, a1 = x0 * _F32(2), x1 * _F32(2)
    r0 = s0 + a0
    r1 = (((s0 - r0) + a0) + s1) + a1
    c0, c1 = _add2_ff(*_mul_f(sq0, sq1, t), _F32(0.66666662693023681640625),
                      _F32(3.69183861259614332084311e-09))
    b0, b1 = _mul_ff(*_mul_ff(sq0, sq1, x0, x1), c0, c1)
    s0 = r0 + b0
    return s0, (((r0 - s0) + b0) + r1) + b1


def _expkf(d0, d1):
    """SLEEF's expkf: e to the float-float d0 + d1, as a float."""
    q = np.rint((d0 + d1) * _F32(1.442695040888963407359924681001892137426645954152985934135449406931)
                ).astype(np.int32)
    qf = q.astype(_F32)
    s0, s1 = _two_sum_into(d0, d1, qf * _F32(-0.693145751953125))
    s0, s1 = _two_sum_into(s0, s1, qf * _F32(-1.428606765330187045e-06))
    n = s0 + s1                        # dfnormalize
    s0, s1 = n, (s0 - n) + s1
    u = np.full(d0.shape, 0.00136324646882712841033936, _F32)
    for c in (0.00836596917361021041870117, 0.0416710823774337768554688,
              0.166665524244308471679688, 0.499999850988388061523438):
        u = _fma(u, s0, np.full(d0.shape, c, _F32))
    sq0 = s0 * s0
    sq1 = _fma(s0 + s0, s1, _fma(s0, s0, -sq0))
    m0, m1 = _mul_f(sq0, sq1, u)
    t0 = s0 + m0                       # dfadd_vf2_vf2_vf2(s, s²·u), then 1 + that
    t1 = (((s0 - t0) + m0) + s1) + m1
    one = _F32(1)
    r0 = one + t0
    r1 = ((one - r0) + t0) + t1
    return np.where(d0 < -104, _F32(0), _ldexp(r0 + r1, q))


def powf_u10(x, p):
    """SLEEF's xpowf(x, p) on a float32 array, p a number (rounded to float32, as PyTorch's
    vector loop does), with its cases for x < 0 (p an odd or even integer, else nan), 0, ±inf
    and nan."""
    y = _F32(p)
    isint = bool(np.trunc(y) == y or abs(y) > 1 << 24)
    isodd = isint and abs(y) < 1 << 24 and int(y) % 2 == 1
    with np.errstate(all="ignore"):
        l0, l1 = _logkf(np.abs(x))
        r = _expkf(*_mul_f(l0, l1, np.full(x.shape, y, _F32)))
        r = np.where(np.isnan(r), _F32(np.inf), r)
        r = r * np.where(x > 0, _F32(1), _F32((-1 if isodd else 1) if isint else np.nan))
        if np.isinf(y):
            efx = np.abs(x) - _F32(1) if y > 0 else _F32(1) - np.abs(x)
            r = np.where(efx < 0, _F32(0), np.where(efx == 0, _F32(1), _F32(np.inf)))
        zero = x == 0
        edge = np.where(np.signbit(y) ^ zero, _F32(0), _F32(np.inf))
        r = np.where(np.isinf(x) | zero, np.copysign(edge, x) if isodd else edge, r)
        r = np.where(np.isnan(x) | np.isnan(y), np.uint32(0xFFFFFFFF).view(_F32), r)
        r = np.where((y == 0) | (x == 1), _F32(1), r)
    return r.astype(_F32, copy=False)


_POW = []


def _double_pow(a, p):
    """PyTorch's scalar loop: ``std::pow(float, double)``, the C library's double ``pow``,
    rounded to float32 (NumPy's float64 power where there is no libm)."""
    if not _POW:
        import ctypes
        import ctypes.util
        try:
            fn = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6").pow
            fn.restype, fn.argtypes = ctypes.c_double, [ctypes.c_double, ctypes.c_double]
            _POW.append(np.frompyfunc(fn, 2, 1))
        except (OSError, AttributeError):
            _POW.append(None)
    if _POW[0] is None or not a.size:
        return np.power(a, p, dtype=_F64).astype(_F32)
    with np.errstate(all="ignore"):
        return np.asarray(_POW[0](a.astype(_F64), float(p)), dtype=_F64).astype(_F32)


def pow_scalar(a, p):
    """float32 a ** p for a number p as PyTorch's CPU kernel (cpu_kernel_vec): SLEEF's powf on
    blocks, the double ``pow`` rounded on the tails (and on rows that are not contiguous)."""
    if _large(a):
        return _rounded(np.power, a, p)
    return _in_blocks(a, lambda v: powf_u10(v, p), lambda s: _double_pow(s, p))
