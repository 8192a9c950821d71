"""float32 ``exp2`` bit for bit as PyTorch computes it on the CPU.

PyTorch's float32 ``exp2`` (``Vectorized<float>::exp2`` in aten/src/ATen/cpu/vec/vec512/
vec512_float.h) is SLEEF's ``Sleef_exp2f16_u10``: ``xexp2f`` in SLEEF's src/libm/sleefsimdsp.c
(github.com/shibatch/sleef, read at commit 7623d6c), built with fused multiply-adds. Its CPU
kernel runs the vector function on blocks of 32 floats (two vectors) of each contiguous row and
the C library's scalar ``exp2f`` on the rest of the row (the last ``n mod 32``), which is the
correctly rounded value but for about 0.05% of inputs: float64, rounded once, stands in for it.

Measured against torch 2.13.0 (x86-64, AVX512): this port equals torch's own
``Sleef_exp2f16_u10`` (called from libtorch_cpu) on every one of 2²⁰ random inputs and the edge
cases, and ``torch.exp2`` on contiguous tensors of up to 32,768 elements (longer ones PyTorch
splits between threads, each part with its own tail). tests/test_sleef.py checks it.

Not here, and why: PyTorch's float32 ``sin``, ``cos``, ``exp``, ``log``, ``tanh``, ``tan``,
``asin``, ``acos``, ``atan``, ``log2``, ``log10``, ``erf``, ``erfc`` and ``sqrt`` are Intel MKL's
VML functions (``vmsSin`` ... in high-accuracy mode: aten/src/ATen/cpu/vml.h), not SLEEF, so no
open implementation reproduces them (measured: torch.sin equals ``vmsSin`` on every input, and
differs from SLEEF's ``sinf_u1`` on 1.9%).
"""
from __future__ import annotations

import numpy as np

_F32, _F64 = np.float32, np.float64
_BLOCK = 32   # floats per vectorized step of PyTorch's CPU loop (2 × 16 lanes of AVX512)


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


def _scalar_exp2(a):
    return np.exp2(a, dtype=_F64).astype(_F32)


def exp2(a):
    """float32 2ᵃ in PyTorch's blocks: SLEEF on 32-float blocks of each contiguous row, the
    scalar function on each row's tail (and everywhere for a row that is not contiguous)."""
    if a.size == 0:
        return np.empty_like(a)
    if a.flags.c_contiguous or a.flags.f_contiguous:   # one row, in memory order
        order = "C" if a.flags.c_contiguous else "F"
        rows = a.reshape(1, -1, order=order)
    elif a.ndim and a.strides[-1] == a.itemsize:       # rows of the last dim
        order, rows = "C", a.reshape(-1, a.shape[-1])
    else:
        return _scalar_exp2(a)
    m = rows.shape[1] - rows.shape[1] % _BLOCK
    out = np.empty(rows.shape, _F32)
    if m:
        out[:, :m] = exp2f_u10(np.ascontiguousarray(rows[:, :m]))
    out[:, m:] = _scalar_exp2(rows[:, m:])
    return out.reshape(a.shape, order=order)
