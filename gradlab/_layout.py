"""The memory layout of an elementwise result, as PyTorch's TensorIterator chooses it.

Where its inputs' layouts disagree (``x.mT * y``), NumPy lays the result out in C order and
PyTorch like the first input that has a preference; the layout shows later, when ``flatten()`` /
``view()`` can or cannot reuse the memory (``ViewBackward0`` or ``UnsafeViewBackward0``), in
``is_contiguous()`` and in how matmul folds. Only a first input that is not C-contiguous can make
them differ; and since only views (and what is computed from them) are not C-contiguous, the
check runs in the binary methods of views only (``gradlab._view_tensor.View``).
"""
from __future__ import annotations

import numpy as np


def relaid(out, a, b):
    """``out``, the NumPy result of an elementwise op on arrays ``a`` and ``b``, in the layout
    PyTorch gives it (a copy, when that differs), or None when it is laid out so already."""
    if b.ndim < 2 or a.ndim < 2 or a.flags.c_contiguous:
        return None  # (a C-contiguous first input decides for C order, as NumPy does)
    want = _relaid(out, (a, b))
    return None if want is out else want


def _relaid(out, arrays):
    """``out`` copied into the layout TensorIterator gives it (reorder_dimensions): dims sorted from
    the fastest, each pair decided by the first operand whose strides there differ (broadcast
    dims, stride 0, do not count; equal strides put the smaller dim first)."""
    shape = out.shape
    ndim = len(shape)
    strides = [np.broadcast_to(x, shape).strides for x in arrays]  # 0 where x is broadcast

    def should_swap(d0, d1):
        for st in strides:
            s0, s1 = st[d0], st[d1]
            if s0 == 0 or s1 == 0:
                continue
            if s0 != s1:
                return 1 if s0 > s1 else -1
            if shape[d0] > shape[d1]:
                return 1
        return 0

    perm = list(range(ndim - 1, -1, -1))  # fastest first, as TensorIterator orders them
    for i in range(1, ndim):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            c = should_swap(perm[d0], perm[d1])
            if c > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif c < 0:
                break
    order = perm[::-1]  # slowest first
    if order == list(range(ndim)):
        return out if out.flags.c_contiguous else np.ascontiguousarray(out)
    if all(out.strides[order[k]] >= out.strides[order[k + 1]] for k in range(ndim - 1)):
        return out  # NumPy laid it out so already (its inputs agreed)
    laid = np.empty([shape[d] for d in order], dtype=out.dtype).transpose(np.argsort(order))
    laid[...] = out
    return laid
