"""PyTorch's legacy constructors: ``torch.Tensor([1, 2])``, ``torch.Tensor(2, 3)`` and the typed
``torch.FloatTensor``, ``DoubleTensor``, ``LongTensor``, ``IntTensor``, ``BoolTensor``.

They predate ``torch.tensor`` and older tutorials (micrograd among them) still use them. The rules
are PyTorch's: integers are sizes (the values are zeros here, uninitialised in PyTorch), one
sequence or array is data converted to the class's dtype (float32 for ``torch.Tensor``), one
tensor is aliased (``AliasBackward0`` when it requires grad), and ``requires_grad``/``dtype``
keywords are refused.
"""
from __future__ import annotations

import numbers

import numpy as np

from . import _dtype, _device
from .errors import error, type_name as _type_name

# PyTorch's C++ names of the dtypes, as its TensorOptions error prints them.
_CPP_NAMES = {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "bool": "bool"}


def _described(value):
    """An argument as PyTorch's "invalid combination" message describes it."""
    from ._tensor import Tensor
    if isinstance(value, Tensor):
        return "Tensor"
    if isinstance(value, list):
        return f"list of [{', '.join(type(v).__name__ for v in value)}]"
    return type(value).__name__


def new(dtype, args, kwargs, cls_name="Tensor"):
    """A tensor from the legacy constructor's arguments, as ``torch.<cls_name>(*args, **kwargs)``."""
    from ._creation import _finish, _shape, tensor
    from ._tensor import Tensor
    unknown = [k for k in kwargs if k != "device"]
    if unknown:
        got = ", ".join([type(a).__name__ if not isinstance(a, Tensor) else "Tensor" for a in args] +
                        [f"{k}={_kw_type(kwargs[k])}" for k in kwargs])
        raise error("legacy_keyword", got=got, keywords=", ".join(unknown))
    where = kwargs.get("device")
    if where is not None and _device.device(where).type != "cpu":
        raise error("legacy_device", type=_device.device(where).type)
    if not args:
        return _finish(np.zeros((0,), dtype.np), None, False)
    sizes = all(isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in args)
    if sizes or (len(args) == 1 and isinstance(args[0], _dtype.Size)):
        return _finish(np.zeros(_shape(args), dtype.np), None, False)
    if len(args) > 1:
        if isinstance(args[0], numbers.Integral) and not isinstance(args[0], bool):
            bad = next(i for i, a in enumerate(args) if not isinstance(a, numbers.Integral))
            raise error("legacy_size", pos=bad + 1, type=type(args[bad]).__name__)
        raise error("legacy_arguments", got=", ".join(_described(a).split(" of ")[0] for a in args),
                    marked=", ".join(f"!{_described(a)}!" for a in args))
    data = args[0]
    if isinstance(data, Tensor):
        if data.dtype is not dtype and cls_name != "Tensor":
            raise error("legacy_dtype", data, expected=_CPP_NAMES[dtype.name],
                        got=_CPP_NAMES[data.dtype.name], cls=cls_name, dtype=dtype.name)
        from . import ops
        from ._record import record
        return record(ops.alias, data)  # same memory; AliasBackward0 when data requires grad
    if isinstance(data, str):
        raise error("legacy_str")
    if isinstance(data, np.ndarray):
        return tensor(data, dtype=dtype)
    if not isinstance(data, (list, tuple)):
        raise error("legacy_data", type=_type_name(data))
    return tensor(data, dtype=dtype)


def _kw_type(value):
    from ._tensor import Tensor
    if isinstance(value, _dtype.dtype):
        return "torch.dtype"
    return "Tensor" if isinstance(value, Tensor) else type(value).__name__


class _LegacyType(type):
    """The metaclass of ``FloatTensor`` & co: calling one builds a ``Tensor`` of its dtype, and
    ``isinstance(t, torch.FloatTensor)`` asks whether ``t`` is a float32 tensor, as in PyTorch."""

    def __call__(cls, *args, **kwargs):
        return new(cls._dtype, args, kwargs, cls.__name__)

    def __instancecheck__(cls, obj):
        from ._tensor import Tensor
        return isinstance(obj, Tensor) and obj.dtype is cls._dtype


def _typed(name, dtype):
    return _LegacyType(name, (), {"_dtype": dtype, "__doc__": f"``torch.{name}(...)``: the legacy "
                                  f"constructor for {dtype.name} tensors."})


FloatTensor = _typed("FloatTensor", _dtype.float32)
DoubleTensor = _typed("DoubleTensor", _dtype.float64)
LongTensor = _typed("LongTensor", _dtype.int64)
IntTensor = _typed("IntTensor", _dtype.int32)
BoolTensor = _typed("BoolTensor", _dtype.bool_)
