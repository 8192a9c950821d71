"""``torch.linalg``: vector and matrix norms, singular values.

PyTorch writes the matrix norms as compositions of other ops (``linalg_matrix_norm`` and
``linalg_norm`` in aten/src/ATen/native/LinearAlgebra.cpp), and gradlab composes them the same
way, so a graph holds PyTorch's nodes:

- ``'fro'``: a vector 2-norm over the two dims (``LinalgVectorNormBackward0``);
- ``1``, ``-1`` (columns), ``inf``, ``-inf`` (rows): a vector 1-norm over one dim, then
  ``amax``/``amin`` over the other (``AmaxBackward0`` over ``LinalgVectorNormBackward0``);
- ``2``, ``-2``, ``'nuc'``: the two dims permuted to the end (``PermuteBackward0``), their
  singular values (``LinalgSvdBackward0``), then ``amax``/``amin`` or a sum.

``Tensor.norm`` and ``torch.norm`` follow ``norm`` in torch/functional.py: a number ``p`` is
always a vector norm (even over two dims), ``'fro'`` the 2-norm, ``'nuc'`` a matrix norm.
"""
from __future__ import annotations

import math
import numbers

from . import _dtype, ops
from ._record import record
from .errors import error


def _widened(x, dtype, fn):
    """``x`` in ``dtype``: PyTorch's check that dtype= only widens the input's dtype."""
    if dtype is None or dtype == x.dtype:
        return x
    if _dtype.promote_types(x.dtype, dtype) != dtype:
        raise error("norm_dtype_narrowing", x, fn=fn, src=_dtype.LEGACY_NAMES[x.dtype],
                    dst=_dtype.LEGACY_NAMES[dtype])
    return x.to(dtype)


def _dim_list(dim):
    return None if dim is None else [dim] if isinstance(dim, numbers.Integral) else list(dim)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """‖x‖_ord over ``dim`` (every dim when None): (Σ|x|^ord)^(1/ord); inf/−inf: max/min |x|;
    0: the count of nonzero elements."""
    if isinstance(ord, str) or not isinstance(ord, numbers.Real):
        raise error("vector_norm_ord", type=type(ord).__name__)
    x = _widened(x, dtype, "linalg.vector_norm")
    if not x.dtype.is_floating_point:
        raise error("norm_int", x, legacy=_dtype.LEGACY_NAMES[x.dtype])
    if dim is None:
        dims = tuple(range(x.ndim))
    else:
        dims = x._dims(dim) if x.ndim else ()
    return record(ops.vector_norm, x, ord=float(ord), dim=dims, keepdim=keepdim)


def _check_matrix(A, fn):
    if A.ndim < 2:
        raise error("matrix_norm_ndim", A, fn=fn)
    if not A.dtype.is_floating_point:
        raise error("matrix_float", A, fn=fn, legacy=_dtype.LEGACY_NAMES[A.dtype])


def svdvals(A):
    """The singular values of each matrix (the last two dims), largest first."""
    _check_matrix(A, "linalg.svd")
    return record(ops.svdvals, A)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """The matrix norm ``ord`` over the two dims ``dim`` (see the module's docstring)."""
    if not isinstance(ord, (str, numbers.Real)):
        raise error("matrix_norm_args", got=f"Tensor, {type(ord).__name__}")
    if isinstance(ord, str) and ord not in ("fro", "nuc") or not isinstance(ord, str) and (
            not isinstance(ord, numbers.Real) or abs(ord) not in (1, 2, math.inf)):
        raise error("matrix_norm_order", ord=ord if isinstance(ord, str) else f"{ord:g}")
    _check_matrix(A, "linalg.matrix_norm")
    dims = _dim_list(dim)
    if len(dims) != 2:
        raise error("matrix_norm_dim", dims=" ".join(map(str, dims)))
    d0, d1 = A._dim(dims[0]), A._dim(dims[1])
    if d0 == d1:
        raise error("matrix_norm_same_dims", a=d0, b=d1)
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim, dtype=dtype)
    if ord == "nuc" or abs(ord) == 2:  # from the singular values of the matrices, moved last
        A = _widened(A, dtype, "linalg.matrix_norm")
        order = [d for d in range(A.ndim) if d not in (d0, d1)] + [d0, d1]
        sigma = record(ops.svdvals, A.permute(order))
        out = sigma.sum(-1, keepdim) if ord == "nuc" else _extreme(sigma, ord > 0, -1, keepdim)
        if keepdim:
            out = out.unsqueeze(-1).permute([order.index(d) for d in range(A.ndim)])
        return out
    # 1, -1: the sums of |a| down each column (over d0), then their max or min; inf, -inf: rows
    if abs(ord) == math.inf:
        d0, d1 = d1, d0
    if not keepdim and d0 < d1:  # the first reduction removed a dim before d1
        d1 -= 1
    return _extreme(vector_norm(A, 1, d0, keepdim, dtype=dtype), ord > 0, d1, keepdim)


def _extreme(x, largest, dim, keepdim):
    if largest and x.shape[dim] == 0:  # PyTorch: the largest of nothing is 0 here (no graph)
        shape = list(x.shape)
        shape[dim] = 1
        from ._creation import zeros
        return zeros(shape if keepdim else shape[:dim % x.ndim] + shape[dim % x.ndim + 1:],
                     dtype=x.dtype)
    return x.amax(dim, keepdim) if largest else x.amin(dim, keepdim)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """``torch.linalg.norm``: a matrix norm when ``ord`` is given and there are two dims (``dim``
    of two, or a 2-d tensor without ``dim``), else a vector norm (the 2-norm without ``ord``)."""
    dims = _dim_list(dim)
    if dims is not None:
        if len(dims) not in (1, 2):
            raise error("norm_dim_length", dims=dims)
    elif ord is not None and A.ndim not in (1, 2):
        raise error("norm_ndim", A, ndim=A.ndim)
    if isinstance(ord, str) or ord is not None and (
            len(dims) == 2 if dims is not None else A.ndim == 2):
        return matrix_norm(A, ord, [0, 1] if dims is None else dims, keepdim, dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)


def tensor_norm(x, p="fro", dim=None, keepdim=False, dtype=None):
    """``x.norm(p, dim, keepdim)`` / ``torch.norm``: a number p (and None) is a vector norm,
    'fro' the 2-norm over at most two dims; 'nuc' (or 'fro' over more dims) a matrix norm."""
    dims = _dim_list(dim)
    if not isinstance(p, str):
        return vector_norm(x, 2 if p is None else p, dims, keepdim, dtype=dtype)
    if p == "fro" and (dims is None or len(dims) <= 2):
        return vector_norm(x, 2, dims, keepdim, dtype=dtype)
    return matrix_norm(x, p, list(range(x.ndim)) if dims is None else dims, keepdim, dtype=dtype)
