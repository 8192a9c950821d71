"""Float32 sums in the order PyTorch's CPU kernel adds them, so printed losses match to the digit.

A float32 sum depends on the order of its additions. PyTorch (``aten/src/ATen/native/cpu/
SumKernel.cpp``: ``vectorized_inner_sum``, ``row_sum``, ``multi_row_sum``) adds a contiguous
row as 8-float vectors: the vectors go into four interleaved partial sums, each summed in
chunks of 16 (the chunk sums in chunks again); the few floats past the last whole vector are
added first, then the 8 lanes one by one. NumPy's pairwise order differs in the last bits, which
a loss printed with ``.item()`` shows. Reproduced here for the sums PyTorch does in one thread
(rows up to 32,768 floats, over the whole tensor or its last dimension; measured bit for bit
against torch 2.13.0 in tests/test_new_ops.py); other sums keep NumPy's order.
"""
from __future__ import annotations

import numpy as np

_LANES = 8            # floats per vector in PyTorch's reduction kernel on this machine
_ONE_THREAD = 32768   # PyTorch's grain size: longer reductions are split between threads
# About 10 µs per sum of 100 floats (NumPy's own: 1 µs). False: NumPy's order, faster, and the
# last bits of float32 sums may differ from PyTorch's again.
PYTORCH_ORDER = True


def _ceil_log2(x):
    return 1 if x <= 2 else int(x - 1).bit_length()


def _in_order(x):
    """``x`` summed along its first axis strictly in order (NumPy reduces a non-innermost
    axis element by element)."""
    return np.add.reduce(x, axis=0) if x.shape[0] else np.zeros(x.shape[1:], x.dtype)


def _multi_row_sum(rows):
    """Rows summed in chunks of ``step`` (16 or more), the chunk sums in chunks again: four levels."""
    rest = rows.shape[1:]
    step = 1 << max(4, _ceil_log2(rows.shape[0]) // 4)
    levels, x = [], rows
    for _ in range(3):
        full = x.shape[0] // step
        levels.append(_in_order(x[full * step:]))
        x = np.add.reduce(x[:full * step].reshape((full, step) + rest), axis=1)
    return ((levels[0] + levels[1]) + levels[2]) + _in_order(x)


def _row_sum(items):
    """Four interleaved partial sums over ``items``' first axis, the leftovers into the first."""
    size = items.shape[0]
    ilp = size // 4
    partial = _multi_row_sum(items[:ilp * 4].reshape((ilp, 4) + items.shape[1:]))
    p0 = partial[0]
    for k in range(ilp * 4, size):
        p0 = p0 + items[k]
    return ((p0 + partial[1]) + partial[2]) + partial[3]


def sum_rows(x):
    """The sum of each row of a C-contiguous 2-D float32 array, as PyTorch adds it."""
    n = x.shape[1]
    if n < _LANES:  # four interleaved running sums: x0 + x4 + x5 + ..., then + x1 + x2 + x3
        if n < 4:
            return np.cumsum(x, axis=1, dtype=x.dtype)[:, -1]
        return np.cumsum(x[:, [0, *range(4, n), 1, 2, 3]], axis=1, dtype=x.dtype)[:, -1]
    nvec = n // _LANES
    vecs = x[:, :nvec * _LANES].reshape(-1, nvec, _LANES)
    ilp = nvec // 4
    if ilp < 16:  # a single chunk (the usual case): partial sums, leftovers, partials 1-3, in order
        rows = [vecs[:, k] for k in range(ilp * 4, nvec)]
        if ilp:
            partial = np.add.reduce(vecs[:, :ilp * 4].reshape(-1, ilp, 4, _LANES), axis=1)
            rows = [partial[:, 0], *rows, partial[:, 1], partial[:, 2], partial[:, 3]]
        lanes = np.add.reduce(np.stack(rows), axis=0)  # (rows, lanes)
    else:
        lanes = _row_sum(np.ascontiguousarray(vecs.transpose(1, 0, 2)))  # (rows, lanes)
    order = np.concatenate([x[:, nvec * _LANES:], lanes], axis=1)  # the tail, then each lane
    if order.shape[0] == 1:
        return np.cumsum(order[0], dtype=x.dtype)[-1:]
    return np.cumsum(order, axis=1, dtype=x.dtype)[:, -1]


def torch_order_sum(a, dim, keepdim):
    """``a.sum(dim)`` in PyTorch's order when it is a float32 sum of contiguous rows done in
    one thread (``dim``: None, or a tuple of axes); None when NumPy's sum should be used."""
    if not PYTORCH_ORDER or a.dtype != np.float32 or a.size < 4 or not a.flags.c_contiguous:
        return None  # under 4 floats NumPy's order is PyTorch's
    if dim is None or len(dim) == a.ndim:
        if a.size > _ONE_THREAD:
            return None
        out = sum_rows(a.reshape(1, -1))[0]
        return out.reshape((1,) * a.ndim) if keepdim else out
    if dim == (a.ndim - 1,) and a.shape[-1] <= _ONE_THREAD and a.size <= _ONE_THREAD:
        out = sum_rows(a.reshape(-1, a.shape[-1])).reshape(a.shape[:-1])
        return out[..., None] if keepdim else out
    return None
