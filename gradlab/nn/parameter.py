"""``Parameter``: a tensor that a ``Module`` registers as one of its weights.

Assigning a ``Parameter`` to a module attribute (``self.weight = Parameter(...)``) adds it to
``module.parameters()``; assigning a plain tensor does not. It requires grad by default, and
prints as PyTorch prints it: ``Parameter containing:`` above the tensor.
"""
from __future__ import annotations

from .._creation import empty
from .._tensor import Tensor
from ..errors import error


class Parameter(Tensor):
    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = empty(0)
        if not isinstance(data, Tensor):
            raise error("parameter_data_type", type=type(data).__name__)
        if requires_grad and not data.dtype.is_floating_point:
            raise error("parameter_int", data)
        p = data.detach()  # shares data (and version counter) with ``data``, outside any graph
        p.__class__ = cls
        p.requires_grad = bool(requires_grad)
        return p

    def __init__(self, data=None, requires_grad=True):
        pass  # everything happens in __new__ (Tensor.__init__ refuses direct construction)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.detach().clone(), self.requires_grad)
        memo[id(self)] = result
        return result
