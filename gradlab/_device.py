"""``torch.device``: where a tensor lives. gradlab, like a PyTorch built without CUDA, has the CPU
only: ``torch.device('cuda')`` can be named (tutorials do, behind ``torch.cuda.is_available()``),
but putting a tensor there raises PyTorch's ``AssertionError``."""
from __future__ import annotations

import numbers

from .errors import error

# PyTorch's device types, in the order its error message lists them.
_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga",
          "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


class device:
    """``device('cpu')``, ``device('cuda:0')``, ``device('cuda', 0)``."""

    __slots__ = ("_type", "_index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, numbers.Integral) and not isinstance(type, bool):
            raise error("device_ordinal")  # device(0) means accelerator 0
        else:
            type, sep, number = str(type).partition(":")
            if type not in _TYPES:
                raise error("device_type", string=type + sep + number)
            if sep:
                if not number.isdigit():
                    raise error("device_string", string=type + sep + number)
                index = int(number)
        self._type, self._index = type, index

    @property
    def type(self):
        return self._type

    @property
    def index(self):
        return self._index

    def __repr__(self):
        index = "" if self._index is None else f", index={self._index}"
        return f"device(type='{self._type}'{index})"

    def __str__(self):
        return self._type if self._index is None else f"{self._type}:{self._index}"

    def __eq__(self, other):
        return isinstance(other, device) and (self._type, self._index) == (other._type, other._index)

    def __hash__(self):
        return hash((self._type, self._index))

    def __reduce__(self):
        return (device, (self._type, self._index))


CPU = device("cpu")


def is_device(value) -> bool:
    """A device, or a string naming one (what ``.to(...)`` takes positionally besides a dtype)."""
    return isinstance(value, device) or isinstance(value, str)


def check(value):
    """``value`` as a device (``None`` stays ``None``); anything but the CPU raises PyTorch's error."""
    if value is None:
        return None
    d = device(value)
    if d.type != "cpu":
        raise error("cuda_unavailable")
    return d
