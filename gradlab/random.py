"""Seeded random tensors. The streams are NumPy's (PCG64), so values differ from PyTorch's,
but the same seed gives the same values on every run and machine."""
from __future__ import annotations

import numpy as np

from . import _device, _dtype
from ._creation import _finish, _shape
from .errors import error

_DEFAULT_SEED = 67280421310721  # PyTorch's default seed, so unseeded runs are reproducible too


class Generator:
    def __init__(self, seed=_DEFAULT_SEED):
        self.manual_seed(seed)

    def manual_seed(self, seed):
        self._seed = int(seed)
        self._rng = np.random.default_rng(self._seed)
        return self

    def initial_seed(self):
        return self._seed

    def __repr__(self):  # PyTorch's class lives in its C extension
        return f"<torch._C.Generator object at {id(self):#x}>"


default_generator = Generator()


def manual_seed(seed):
    return default_generator.manual_seed(seed)


def seed():
    return manual_seed(np.random.SeedSequence().entropy % (2 ** 63)).initial_seed()


def initial_seed():
    return default_generator.initial_seed()


def _float_dtype(dtype, normal):
    """The dtype of randn (``normal``) or rand: a float one, with PyTorch's error for an integer one."""
    dtype = _dtype.default_float if dtype is None else _dtype.to_dtype(dtype)
    if not dtype.is_floating_point:
        legacy = _dtype.LEGACY_NAMES[dtype]
        if normal:
            raise error("normal_int", legacy=legacy, dtype=dtype.name)
        raise error("uniform_int", legacy=legacy, dtype=dtype.name)
    return dtype


def randn(*sizes, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    size = sizes if size is None else (size,)  # randn(2, 3) or randn(size=(2, 3)), as in PyTorch
    _device.check(device)
    rng = (generator or default_generator)._rng
    dtype = _float_dtype(dtype, normal=True)
    return _finish(rng.standard_normal(_shape(size), dtype=np.float64).astype(dtype.np), None, requires_grad)


def rand(*sizes, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    size = sizes if size is None else (size,)  # rand(2, 3) or rand(size=(2, 3)), as in PyTorch
    _device.check(device)
    rng = (generator or default_generator)._rng
    dtype = _float_dtype(dtype, normal=False)
    return _finish(rng.random(_shape(size), dtype=np.float64).astype(dtype.np), None, requires_grad)


def randint(low, high=None, size=(), generator=None, dtype=None, device=None, requires_grad=False):
    if isinstance(high, (tuple, list)) and size == ():  # randint(high, size), as bigram.py calls it
        low, high, size = 0, low, high
    elif high is None:
        low, high = 0, low
    if not isinstance(size, (tuple, list)):
        raise error("randint_arguments", got=", ".join(type(a).__name__ for a in (low, high, size)))
    if low >= high:
        raise error("randint_range", low=low, high=high)
    rng = (generator or default_generator)._rng
    dtype = _dtype.int64 if dtype is None else _dtype.to_dtype(dtype)
    return _finish(rng.integers(low, high, size=_shape((size,)), dtype=np.int64).astype(dtype.np), None, requires_grad)


def randn_like(t, dtype=None, requires_grad=False):
    return randn(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def rand_like(t, dtype=None, requires_grad=False):
    return rand(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def randperm(n, generator=None, dtype=None):
    if n < 0:
        raise error("negative_dimension", size=n, sizes=[n])
    rng = (generator or default_generator)._rng
    return _finish(rng.permutation(n).astype(np.int64), dtype, False)


def multinomial(input, num_samples, replacement=False, *, generator=None):
    """Indices drawn with probabilities proportional to the (nonnegative) weights in ``input``,
    a 1-d tensor or each row of a 2-d one; int64, never differentiable. Without replacement an
    index is drawn at most once (after the positive weights run out, the zero ones follow).
    The draws come from gradlab's generator, so they differ from PyTorch's for the same seed."""
    if input.ndim not in (1, 2):
        raise error("multinomial_dim", input)
    if not input.dtype.is_floating_point:
        raise error("multinomial_dtype", input, legacy=_dtype.LEGACY_NAMES[input.dtype])
    if num_samples <= 0:
        raise error("multinomial_count")
    size = input.shape[-1]
    if not replacement and num_samples > size:
        raise error("multinomial_too_many", size=size)
    rows = np.atleast_2d(np.asarray(input._data, dtype=np.float64))
    if not np.all(np.isfinite(rows)) or np.any(rows < 0):
        raise error("multinomial_invalid")
    totals = rows.sum(axis=1)
    if np.any(totals <= 0):
        raise error("multinomial_zero")
    rng = (generator or default_generator)._rng
    if replacement:
        out = np.stack([rng.choice(size, num_samples, p=row / total) for row, total in zip(rows, totals)])
    else:  # exponential keys E/p: their order is a draw without replacement (p = 0 sorts last)
        with np.errstate(divide="ignore"):
            keys = rng.exponential(size=rows.shape) / rows
        out = np.argsort(keys, axis=1, kind="stable")[:, :num_samples]
    out = out.astype(np.int64)
    return _finish(out if input.ndim == 2 else out[0], None, False)
