"""``torch.linalg``: vector norms (``vector_norm``, and ``norm`` where it is one).

Every spelling records PyTorch's node ``LinalgVectorNormBackward0`` (``x.norm()`` and
``torch.norm`` dispatch to it in PyTorch 2.x). Matrix norms that need a decomposition (``'nuc'``,
``ord=2`` of a matrix) are not in gradlab.
"""
from __future__ import annotations

import numbers

from . import _dtype, ops
from ._record import record
from .errors import error


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """‖x‖_ord over ``dim`` (every dim when None): (Σ|x|^ord)^(1/ord); inf/−inf: max/min |x|;
    0: the count of nonzero elements."""
    if isinstance(ord, str) or not isinstance(ord, numbers.Real):
        raise error("vector_norm_ord", type=type(ord).__name__)
    if dtype is not None:
        x = x.to(dtype)
    if not x.dtype.is_floating_point:
        raise error("norm_int", x, legacy=_dtype.LEGACY_NAMES[x.dtype])
    if dim is None:
        dims = tuple(range(x.ndim))
    else:
        dims = x._dims(dim) if x.ndim else ()
    return record(ops.vector_norm, x, ord=float(ord), dim=dims, keepdim=keepdim)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """``torch.linalg.norm``: a vector norm, or the Frobenius norm of a matrix (the same sum)."""
    if ord is None or ord == "fro" and (dim is None or not isinstance(dim, numbers.Integral)):
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    if isinstance(ord, str) or A.ndim >= 2 and (dim is None or not isinstance(dim, numbers.Integral)):
        raise error("matrix_norm", ord=ord)
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)


def tensor_norm(x, p="fro", dim=None, keepdim=False, dtype=None):
    """``x.norm(p, dim, keepdim)`` / ``torch.norm``: 'fro' and None are the 2-norm."""
    if p is None or p == "fro":
        p = 2
    elif isinstance(p, str):
        raise error("matrix_norm", ord=p)
    return vector_norm(x, p, dim, keepdim, dtype=dtype)

