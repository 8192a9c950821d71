"""Float32 sums in the order PyTorch's CPU kernel adds them, so printed losses match to the digit.

A float32 sum depends on the order of its additions. PyTorch (``aten/src/ATen/native/cpu/
SumKernel.cpp``: ``vectorized_inner_sum``, ``row_sum``, ``multi_row_sum``) adds a contiguous
row as 8-float vectors: the vectors go into four interleaved partial sums, each summed in
chunks of 16 (the chunk sums in chunks again); the few floats past the last whole vector are
added first, then the 8 lanes one by one. NumPy's pairwise order differs in the last bits, which
a loss printed with ``.item()`` shows. Reproduced here for the sums that add each row in one
thread: the whole tensor up to 32,768 floats, and its last dimension for rows up to 32,768 floats
(with two rows or more PyTorch divides the rows between threads, never a row); measured bit for
bit against torch 2.13.0 in tests/test_new_ops.py. Other sums keep NumPy's order.
"""
from __future__ import annotations

import numpy as np

_LANES = 8            # floats per vector in PyTorch's reduction kernel on this machine
_ONE_THREAD = 32768   # PyTorch's grain size: longer reductions are split between threads
# About 10-25 µs per sum of 10-1,000 floats (NumPy's own: 1-2 µs). False: NumPy's order, faster,
# and the last bits of float32 sums may differ from PyTorch's again.
PYTORCH_ORDER = True


def _in_order(x):
    """``x`` summed along its first axis strictly in order (NumPy reduces a non-innermost axis
    element by element); zeros when that axis is empty."""
    return np.add.reduce(x, axis=0)


def _chunked_sum(quads):
    """PyTorch's ``multi_row_sum`` of ``quads`` (n, 4, rows, lanes) over n: chunks of 16 summed in
    order, the chunk sums in chunks of 16 again, then the levels' leftovers added up. In one
    thread n <= 1024, so a third level is always empty. (The sign of a zero added on the way
    does not matter: it decides only a zero sum's sign, and those end as +0.0.)"""
    full = quads.shape[0] // _CHUNK
    sums = _chunks_in_order(quads[:full * _CHUNK], full)
    rest = quads[full * _CHUNK:]
    if full < _CHUNK:  # (n < 256) the chunk sums are all of level 1
        level1 = _in_order(sums)
        return level1 + _in_order(rest) if len(rest) else level1
    full2 = full // _CHUNK
    level1 = _in_order(sums[full2 * _CHUNK:])
    return (_in_order(rest) + level1) + _in_order(_chunks_in_order(sums[:full2 * _CHUNK], full2))


def _chunks_in_order(x, chunks):
    """Each run of 16 along ``x``'s first axis summed in order."""
    return np.add.reduce(x.reshape((chunks, _CHUNK) + x.shape[1:]), axis=1)


def sum_rows(x):
    """The sum of each row of a 2-D float32 array whose rows are contiguous, as PyTorch adds it."""
    rows, n = x.shape
    if n < _LANES:  # four interleaved running sums: x0 + x4 + x5 + ..., then + x1 + x2 + x3
        order = _SHORT.get(n)
        if order is None:
            order = _SHORT[n] = np.array([0, *range(4, n), 1, 2, 3] if n >= 4 else range(n))
        return np.cumsum(x.take(order, axis=1), axis=1, dtype=x.dtype)[:, -1] + _ZERO
    nvec = n // _LANES
    # vecs[k]: every row's k-th vector of 8 floats (a view), so each step below is one NumPy
    # call over all rows and lanes
    vecs = x[:, :nvec * _LANES].reshape(rows, nvec, _LANES).transpose(1, 0, 2)
    ilp = nvec // 4
    if ilp:  # four interleaved partial sums, the leftover vectors into the first
        quads = vecs[:ilp * 4].reshape(ilp, 4, rows, _LANES)
        partial = _in_order(quads) if ilp < _CHUNK else _chunked_sum(quads)
        lanes = partial[0]
        for k in range(ilp * 4, nvec):
            lanes = lanes + vecs[k]
        lanes = ((lanes + partial[1]) + partial[2]) + partial[3]
    else:
        lanes = _in_order(vecs)
    order = np.concatenate((x[:, nvec * _LANES:], lanes), axis=1)
    return np.cumsum(order, axis=1, dtype=x.dtype)[:, -1] + _ZERO  # the tail, then each lane


_CHUNK = 16  # PyTorch's chunk of partial sums (for the lengths one thread sums)
# PyTorch's partial sums start at +0.0, so its sum is never -0.0; added once at the end, +0.0
# changes nothing else (a -0.0 inside only ever decides the sign of a zero).
_ZERO = np.float32(0)
_SHORT = {}  # rows under 8 floats: the order of their additions, by length


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
    if dim == (a.ndim - 1,) and a.shape[-1] <= _ONE_THREAD:  # rows in threads, each row whole
        out = sum_rows(a.reshape(-1, a.shape[-1])).reshape(a.shape[:-1])
        return out[..., None] if keepdim else out
    return None
