"""``gradlab.nn.init``: fill a tensor in place with initial values (no graph is recorded).

Random values come from gradlab's seeded generator (``gradlab.manual_seed``), so they differ
from PyTorch's numbers but follow the same distributions and bounds.
"""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from ..random import rand, randn
from ..errors import error


def _fill(tensor, values):
    with no_grad():
        tensor.copy_(Tensor._make(np.asarray(values, dtype=tensor._data.dtype)))
    return tensor


def calculate_gain(nonlinearity, param=None):
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                  "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            slope = param
        else:
            raise error("init_negative_slope", param=param)
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise error("init_nonlinearity", nonlinearity=nonlinearity)


def _calculate_fan_in_and_fan_out(tensor):
    if tensor.ndim < 2:
        raise error("init_fan", tensor)
    receptive = int(np.prod(tensor.shape[2:])) if tensor.ndim > 2 else 1
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Values drawn uniformly from [a, b)."""
    u = rand(tuple(tensor.shape), generator=generator, dtype=_dtype.float64)._data
    return _fill(tensor, a + (b - a) * u)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    z = randn(tuple(tensor.shape), generator=generator, dtype=_dtype.float64)._data
    return _fill(tensor, mean + std * z)


def constant_(tensor, val):
    return _fill(tensor, np.full(tuple(tensor.shape), val))


def zeros_(tensor):
    return constant_(tensor, 0)


def ones_(tensor):
    return constant_(tensor, 1)


def _kaiming_gain_and_fan(tensor, a, mode, nonlinearity):
    """He initialisation's gain and fan (``mode`` checked as PyTorch checks it)."""
    if mode not in ("fan_in", "fan_out"):
        raise error("init_mode", mode=mode)
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return calculate_gain(nonlinearity, a), fan_in if mode == "fan_in" else fan_out


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """U(−bound, bound) with bound = gain·√(3 / fan): nn.Linear uses a=√5, so bound = 1/√fan_in."""
    if 0 in tuple(tensor.shape):
        return tensor
    gain, fan = _kaiming_gain_and_fan(tensor, a, mode, nonlinearity)
    bound = math.sqrt(3.0) * gain / math.sqrt(fan)
    return uniform_(tensor, -bound, bound, generator=generator)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = math.sqrt(3.0) * gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator=generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """N(0, std²) with std = gain / √fan (He initialisation; a=0 with leaky_relu: gain √2)."""
    if 0 in tuple(tensor.shape):
        return tensor
    gain, fan = _kaiming_gain_and_fan(tensor, a, mode, nonlinearity)
    return normal_(tensor, 0, gain / math.sqrt(fan), generator=generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """N(0, std²) with std = gain·√(2 / (fan_in + fan_out)) (Glorot initialisation)."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator=generator)
