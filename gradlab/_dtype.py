"""Dtypes, PyTorch's type-promotion rules, and ``Size``.

gradlab supports the dtypes a first course meets: float32 (the default, as in PyTorch), float64,
int32, int64 and bool. Promotion follows ``torch.result_type``: dimensioned tensors outrank
zero-dim tensors, which outrank Python numbers, unless a lower group brings a higher *category*
(bool < integer < floating point).
"""
from __future__ import annotations

import numbers

import numpy as np

from .errors import error


class dtype:
    """A tensor element type; prints as PyTorch prints it (``torch.float32``)."""

    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize", "_category")

    def __init__(self, name, np_dtype, category):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = category == 2
        self.is_signed = category > 0
        self.itemsize = self.np.itemsize
        self._category = category  # 0 bool, 1 integer, 2 floating point

    def __repr__(self):
        return f"torch.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))


bool_ = dtype("bool", np.bool_, 0)
int32 = dtype("int32", np.int32, 1)
int64 = dtype("int64", np.int64, 1)
float32 = dtype("float32", np.float32, 2)
float64 = dtype("float64", np.float64, 2)

ALL = (bool_, int32, int64, float32, float64)
_FROM_NP = {d.np: d for d in ALL}
_BY_NAME = {d.name: d for d in ALL}
# PyTorch's legacy type names, used in some of its error messages ("torch.FloatTensor [3]").
LEGACY_NAMES = {float32: "Float", float64: "Double", int32: "Int", int64: "Long", bool_: "Bool"}
# The C type names some of PyTorch's messages use ("long int != float").
C_NAMES = {float32: "float", float64: "double", int32: "int", int64: "long int", bool_: "bool"}

default_float = float32


def _by_name(name):
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype) -> dtype:
    np_dtype = np.dtype(np_dtype)
    if np_dtype in _FROM_NP:
        return _FROM_NP[np_dtype]
    if np_dtype.kind == "f":  # float16: widen rather than refuse
        return float32
    if np_dtype.kind in "iu":
        return int64
    raise error("numpy_dtype", np_name=np_dtype.name)


def of_array(array) -> dtype:
    try:
        return _FROM_NP[array.dtype]
    except KeyError:
        return from_numpy_dtype(array.dtype)


def to_dtype(d) -> dtype:
    """Accept a gradlab dtype, a Python type (float, int, bool) or a NumPy dtype."""
    if isinstance(d, dtype):
        return d
    if d is float:
        return float64
    if d is int:
        return int64
    if d is bool:
        return bool_
    try:
        return from_numpy_dtype(d)
    except TypeError:
        raise error("not_a_dtype", value=repr(d)) from None


def promote_types(a: dtype, b: dtype) -> dtype:
    """``torch.promote_types``: the smallest dtype both fit in; a float beats any integer."""
    if a is b:
        return a
    if a._category != b._category:
        return a if a._category > b._category else b
    return a if a.itemsize >= b.itemsize else b


def scalar_dtype(x) -> dtype:
    """The dtype PyTorch gives a Python number taking part in an operation."""
    if isinstance(x, (bool, np.bool_)):
        return bool_
    if isinstance(x, numbers.Integral):
        return int64
    if isinstance(x, numbers.Real):
        return default_float
    raise error("unsupported_operand", type=type(x).__name__)


def result_type(*operands) -> dtype:
    """``torch.result_type`` for tensors and Python numbers (see the module docstring)."""
    dim = zero = wrapped = None
    for x in operands:
        d = getattr(x, "dtype", None)
        if d is None:
            wrapped = scalar_dtype(x) if wrapped is None else promote_types(wrapped, scalar_dtype(x))
        elif x.ndim:
            dim = d if dim is None else promote_types(dim, d)
        else:
            zero = d if zero is None else promote_types(zero, d)
    return _combine(dim, _combine(zero, wrapped))


def _combine(higher, lower):
    # A lower-priority group only wins when it brings a higher category (c10's combine_categories).
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.is_floating_point:
        return higher
    if higher is bool_ or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


class Size(tuple):
    """``torch.Size``: a tuple of ints that prints as ``torch.Size([2, 3])``."""

    __slots__ = ()

    def __repr__(self):
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, i):
        r = tuple.__getitem__(self, i)
        return Size(r) if isinstance(i, slice) else r
