"""gradlab: PyTorch's autograd, small enough to read, faithful enough to learn from.

``import gradlab as torch`` runs beginner PyTorch code unchanged and prints what PyTorch prints.
"""
from __future__ import annotations

import warnings as _warnings

# Overflow to inf and 0/0 = nan are ordinary values in PyTorch; silence NumPy's warnings about
# them, for gradlab's own modules only (cheaper than numpy.errstate around every op).
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"gradlab(\.|$)")

from . import autograd, backends, cuda, linalg, ops, random as _random
from ._device import device
from ._legacy import BoolTensor, DoubleTensor, FloatTensor, IntTensor, LongTensor
from ._repr import set_printoptions
from ._creation import (arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like,
                        linspace, ones, ones_like, tensor, zeros, zeros_like)
from ._dtype import Size, dtype, promote_types, result_type
from ._dtype import bool_ as bool
from ._dtype import float32, float64, int32, int64
from ._compare import all, any
from ._tensor import TABLE_METHODS as _TABLE_METHODS, Tensor, cat, matmul, stack, where
from .autograd.grad_mode import (enable_grad, inference_mode, is_grad_enabled,
                                 is_inference_mode_enabled, no_grad, set_grad_enabled)
from .random import (Generator, initial_seed, manual_seed, multinomial, rand, rand_like, randint,
                     randn, randn_like, randperm, seed)
from . import nn, optim, utils  # torch.nn, torch.optim, torch.utils
from .serialization import load, save

float = float32
double = float64
long = int64
int = int32

__version__ = "0.1.0"


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def get_default_dtype():
    return float32


def _method(name):
    def function(input, *args, **kwargs):
        return getattr(input, name)(*args, **kwargs)
    function.__name__ = name
    function.__doc__ = f"``gradlab.{name}(t, ...)`` is ``t.{name}(...)``."
    return function


# gradlab.<name>(t, ...) for every Tensor method that has a function in PyTorch: those of the op
# table's entries marked method=True (gradlab.exp, ...) and their in-place forms (gradlab.exp_),
# and these.
for _name in [op.name for op in _TABLE_METHODS] + [
        op.name + "_" for op in _TABLE_METHODS if op.name != "sign"] + [  # no torch.sign_
        "add", "sub", "mul", "div", "neg", "square", "clamp", "clip", "sum", "mean", "argmax",
        "argmin", "mm", "mv", "dot", "bmm", "reshape", "flatten", "transpose", "t", "permute",
        "unsqueeze", "squeeze", "clone", "detach", "masked_fill", "maximum", "minimum",
        "numel", "isfinite", "allclose", "equal", "logical_not", "norm", "split", "chunk",
        "fmod", "amax", "amin", "var", "std", "tril", "triu", "cumsum", "flip", "narrow", "isclose",
        "outer"]:
    globals()[_name] = _method(_name)


def pow(input, exponent):
    """``pow(tensor, exponent)`` or ``pow(number, tensor)``."""
    if isinstance(input, Tensor):
        return input ** exponent
    return exponent.__rpow__(input)


def remainder(input, other):
    """``remainder(tensor, other)`` or ``remainder(number, tensor)``."""
    return input.remainder(other) if isinstance(input, Tensor) else other.__rmod__(input)


def floor_divide(input, other):
    """``floor_divide(tensor, other)`` or ``floor_divide(number, tensor)``."""
    if isinstance(input, Tensor):
        return input.floor_divide(other)
    if isinstance(other, Tensor):
        return other.__rfloordiv__(input)
    return tensor(input).floor_divide(other)  # two numbers: PyTorch makes the first a tensor


def max(input, dim=None, keepdim=False):
    return input.max(dim, keepdim)


def min(input, dim=None, keepdim=False):
    return input.min(dim, keepdim)


def is_floating_point(t) -> bool:
    return t.is_floating_point()


def softmax(input, dim, dtype=None):
    return nn.functional.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim, dtype=None):
    return nn.functional.log_softmax(input, dim, dtype=dtype)


from . import _numpy_names  # noqa: E402  (last: it wraps what is defined above)
_numpy_names.install(Tensor, globals())
