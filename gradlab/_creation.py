"""Factories: ``tensor``, ``zeros``, ``ones``, ``full``, ``arange``, ``linspace``, ``randn``, ...

Python floats become float32 (PyTorch's default dtype), ints int64, bools bool; a NumPy array
keeps its dtype, as ``torch.tensor`` and ``torch.from_numpy`` do.
"""
from __future__ import annotations

import numbers
import warnings

import numpy as np

from . import _device, _dtype
from ._tensor import Tensor
from .errors import error


def _dtype_arg(fn, dtype):
    """PyTorch's argument check: a dtype is a gradlab dtype or Python's float, int or bool
    (a string such as 'float32' or a NumPy type is refused)."""
    if dtype is None or isinstance(dtype, _dtype.dtype) or dtype in (float, int, bool):
        return dtype
    raise error("dtype_argument", fn=fn, type=type(dtype).__name__)


def _tensor_arg(fn, t):
    if not isinstance(t, Tensor):
        raise error("tensor_argument", fn=fn, type=type(t).__name__)
    return t


def _finish(data, dtype, requires_grad):
    if dtype is not None:
        data = data.astype(_dtype.to_dtype(dtype).np, copy=False)
    t = Tensor._make(data)
    if requires_grad:
        if not t.dtype.is_floating_point:
            raise error("int_requires_grad", t)
        t._requires_grad = True
    return t


def _infer_dtype(values):
    kinds = set()
    stack = [values]
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend(v)
        elif isinstance(v, Tensor):
            kinds.add(v.dtype._category)
        elif isinstance(v, (bool, np.bool_)):
            kinds.add(0)
        elif isinstance(v, numbers.Integral):
            kinds.add(1)
        elif isinstance(v, numbers.Real):
            kinds.add(2)
        elif isinstance(v, str):
            raise error("tensor_str")
        else:
            raise error("infer_dtype", type=type(v).__name__)
    return {0: _dtype.bool_, 1: _dtype.int64, 2: _dtype.default_float}[max(kinds, default=2)]


def _check_rectangular(values):
    """PyTorch's error for ragged nested lists (NumPy would make an object array)."""
    level = [values]
    dim = 0
    while level and isinstance(level[0], (list, tuple)):
        length = len(level[0])
        for v in level:
            if not isinstance(v, (list, tuple)):
                raise error("not_a_sequence")
            if len(v) != length:
                got = len(v) if isinstance(v, (list, tuple)) else type(v).__name__
                raise error("ragged_list", length=length, dim=dim, got=got)
        level = [x for v in level for x in v]
        dim += 1


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of ``data`` (a number, nested lists, or a NumPy array)."""
    if device is not None:
        _device.check(device)
    if dtype is None and (type(data) is float or type(data) is list and data and all(
            type(v) is float for v in data)):  # the common case, fast: float32 from floats
        return _finish(np.array(data, dtype=np.float32), None, requires_grad)
    _dtype_arg("tensor", dtype)
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() "
            "or sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
            UserWarning, stacklevel=2)
        array = data._data.copy()
    elif isinstance(data, (np.ndarray, np.generic)):  # a NumPy scalar keeps its dtype too
        array = np.array(data, dtype=_dtype.from_numpy_dtype(np.asarray(data).dtype).np, copy=True)
    else:
        if isinstance(data, (list, tuple)):
            _check_rectangular(data)
        inferred = _infer_dtype(data)  # also rejects what can't be a tensor element
        target = inferred if dtype is None else _dtype.to_dtype(dtype)
        values = _plain(data)
        array = np.array(values, dtype=target.np)  # straight to dtype: 0.1 in float64 is exact
    return _finish(array, dtype, requires_grad)


def _plain(data):
    if isinstance(data, Tensor):
        if data.ndim:
            raise error("tensor_list_many", data)
        return data.item()
    if isinstance(data, (list, tuple)):
        return [_plain(x) for x in data]
    return data


def as_tensor(data, dtype=None, device=None):
    _device.check(device)
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray):
        return _finish(data, dtype, False)
    return tensor(data, dtype=dtype)


def from_numpy(array: np.ndarray):
    """A tensor sharing memory with ``array``."""
    if not isinstance(array, np.ndarray):
        raise error("from_numpy_type", type=type(array).__name__)
    _dtype.from_numpy_dtype(array.dtype)
    return Tensor._make(array)


def _flat_size(size):
    return tuple(size[0]) if len(size) == 1 and not isinstance(size[0], numbers.Integral) else size


def _size_types(size, fn=None):
    """``size`` as a flat tuple, with PyTorch's TypeError for a size that isn't whole numbers
    (naming the factory ``fn`` when given, as PyTorch's argument parser does)."""
    if fn is not None and len(size) == 1 and not isinstance(size[0], numbers.Integral) \
            and (isinstance(size[0], str) or not hasattr(size[0], "__len__")):
        raise error("size_argument", fn=fn, type=type(size[0]).__name__)  # zeros(2.5)
    size = _flat_size(size)
    for pos, s in enumerate(size, 1):
        if not isinstance(s, numbers.Integral):
            if fn is not None:
                raise error("size_unpack", fn=fn, pos=pos, type=type(s).__name__)
            raise error("size_not_int", type=type(s).__name__)
    return size


def _shape(size, fn=None):
    size = _size_types(size, fn)
    for s in size:
        if s < 0:
            raise error("negative_dimension", size=s, sizes=list(size))
    return tuple(int(s) for s in size)


def _allocate(make, shape, dtype):
    """``make()``, with PyTorch's errors where the storage can't exist (NumPy raises its own)."""
    nbytes = dtype.np.itemsize
    for s in shape:
        nbytes *= s
    if nbytes >= 2 ** 63:
        raise error("storage_overflow", sizes=list(shape))
    try:
        return make()
    except MemoryError:
        raise error("cannot_allocate", nbytes=nbytes) from None
    except ValueError as e:
        if "too big" not in str(e):  # NumPy: "array is too big; `arr.size * ...`"
            raise
        raise error("cannot_allocate", nbytes=nbytes) from None


def _filled(fill, size, dtype, requires_grad, fn=None):
    dtype = _dtype.default_float if dtype is None else _dtype.to_dtype(dtype)
    shape = _shape(size, fn)
    data = _allocate(lambda: np.full(shape, fill, dtype=dtype.np), shape, dtype)
    return _finish(data, None, requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad=False):
    _device.check(device)
    if any(s < 0 for s in _size_types(size, "zeros")):
        raise error("zeros_negative")  # zeros' own message
    return _filled(0, size, _dtype_arg("zeros", dtype), requires_grad, "zeros")


def ones(*size, dtype=None, device=None, requires_grad=False):
    _device.check(device)
    return _filled(1, size, _dtype_arg("ones", dtype), requires_grad, "ones")


def empty(*size, dtype=None, device=None, requires_grad=False):
    _device.check(device)
    return _filled(0, size, _dtype_arg("empty", dtype), requires_grad, "empty")


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    _device.check(device)
    _dtype_arg("full", dtype)
    if not isinstance(fill_value, (numbers.Number, np.generic, Tensor)):
        raise error("fill_value_argument", fn="full", type=type(fill_value).__name__)
    if dtype is None:
        dtype = _infer_dtype(fill_value)
    return _filled(fill_value, (size,), dtype, requires_grad)


def _like(t, dtype):
    return t.dtype if dtype is None else dtype


def zeros_like(t, dtype=None, requires_grad=False):
    _tensor_arg("zeros_like", t)
    return zeros(t.shape, dtype=_like(t, dtype), requires_grad=requires_grad)


def ones_like(t, dtype=None, requires_grad=False):
    _tensor_arg("ones_like", t)
    return ones(t.shape, dtype=_like(t, dtype), requires_grad=requires_grad)


def empty_like(t, dtype=None, requires_grad=False):
    """Like PyTorch's, its values are whatever is there: here, zeros."""
    _tensor_arg("empty_like", t)
    return empty(t.shape, dtype=_like(t, dtype), requires_grad=requires_grad)


def full_like(t, fill_value, dtype=None, requires_grad=False):
    _tensor_arg("full_like", t)
    return full(t.shape, fill_value, dtype=_like(t, dtype), requires_grad=requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    _device.check(device)
    if end is None:
        start, end = 0, start
    if step == 0 or step != step:   # nan counts as zero, as in PyTorch
        raise error("arange_zero_step")
    if not (np.isfinite(start) and np.isfinite(end)):
        raise error("arange_range", start=_number(start), end=_number(end))
    if (end - start) * step < 0:
        raise error("arange_sign")
    if dtype is None:
        dtype = _infer_dtype([start, end, step])
    dtype = _dtype.to_dtype(dtype)
    if dtype.is_floating_point:
        data = _float_range(start, step, max(int(np.ceil((end - start) / step)), 0), dtype.np)
    else:
        data = np.arange(start, end, step, dtype=dtype.np)
    return _finish(data, None, requires_grad)


def _float_range(start, step, n, np_dtype):
    """PyTorch's float arange to the last bit: its CPU kernel fills vectors of 32 bytes (8 float32,
    4 float64), two at a time; each vector starts from ``start + step·idx`` (in double, rounded to
    the dtype) and adds ``i·step`` in double; the elements after the last pair of vectors are
    ``start + step·idx``. Each of these is a fused multiply-add (one rounding to double): NumPy's
    long double holds the product (x86's 80-bit format; where it is just double, the last bit can
    differ). A range over 2048 elements split between threads restarts the pattern at each piece:
    compare with PyTorch on one thread."""
    def fma(a, b, c):  # a·b + c, rounded once to double
        return (np.asarray(a, np.longdouble) * b + np.asarray(c, np.longdouble)).astype(np.float64)

    lanes = 32 // np.dtype(np_dtype).itemsize
    full = n - n % (2 * lanes)
    out = np.empty(n, np_dtype)
    base = fma(step, np.arange(0, full, lanes), start).astype(np_dtype).astype(np.float64)
    out[:full] = fma(np.arange(lanes)[None, :], step, base[:, None]).astype(np_dtype).ravel()
    out[full:] = fma(step, np.arange(full, n), start).astype(np_dtype)
    return out


def _number(x):
    """How PyTorch prints a range bound: 0, 2.5, nan, inf, -inf."""
    return str(x) if isinstance(x, numbers.Integral) else f"{x:g}"


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end``, to the last bit PyTorch's.

    PyTorch's CPU kernel computes the first half forward from ``start`` and the second half
    backward from ``end`` (so both ends are exact), each as one fused multiply-add,
    ``start + step·i`` / ``end − step·(steps−1−i)`` rounded once to the dtype, with ``step``
    computed in the dtype (in double for integer dtypes). A wider float stands in for the fused
    multiply-add: float64 for float32 (exact: every float32 case tested matches PyTorch bit for
    bit), NumPy's long double for float64 (x86's 80-bit format: about 1 case in 30 differs in the
    last bit), and plain double for integer dtypes (about 1 case in 10 differs by one).
    """
    _device.check(device)
    if not isinstance(steps, numbers.Integral):
        raise error("linspace_steps_type", start=type(start).__name__, end=type(end).__name__,
                    steps=type(steps).__name__)
    if steps < 0:
        raise error("linspace_negative")
    dtype = _dtype.default_float if dtype is None else _dtype.to_dtype(dtype)
    steps = int(steps)
    kind = dtype.np.type if dtype.is_floating_point else np.float64  # PyTorch's step_t
    wide = np.longdouble if dtype.np == np.float64 else np.float64  # integers: plain double arithmetic
    first, last = dtype.np.type(start), dtype.np.type(end)  # PyTorch converts the ends first
    if steps == 1:
        return _finish(np.array([first], dtype.np), None, requires_grad)
    step = (kind(last) - kind(first)) / kind(max(steps - 1, 1))
    i = np.arange(steps)
    forward = wide(first) + wide(step) * i.astype(wide)
    backward = wide(last) - wide(step) * (steps - 1 - i).astype(wide)
    data = np.where(i < steps // 2, forward, backward)
    if not dtype.is_floating_point:
        data = np.trunc(data)  # C++'s conversion to an integer drops the fraction
    return _finish(data.astype(dtype.np), None, requires_grad)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    _device.check(device)
    for name, v in (("n", n), ("m", m)):
        if v is not None and v < 0:
            raise error("eye_negative", which=name, value=v)
    dtype = _dtype.default_float if dtype is None else _dtype.to_dtype(dtype)
    return _finish(np.eye(n, m, dtype=dtype.np), None, requires_grad)
