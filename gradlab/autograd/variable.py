"""``torch.autograd.Variable``: the deprecated wrapper from before PyTorch 0.4, when tensors could
not require grad themselves. Older tutorials still write ``Variable(x, requires_grad=True)``.

As in PyTorch it is only an alias now: calling it returns a plain ``Tensor`` sharing ``data``'s
memory, outside any graph, with the requested ``requires_grad``; and every tensor is an
``isinstance`` of ``Variable``.
"""
from __future__ import annotations

import warnings

from ..errors import error


class _VariableMeta(type):
    def __instancecheck__(cls, other):
        from .._tensor import Tensor
        return isinstance(other, Tensor)


class Variable(metaclass=_VariableMeta):
    def __new__(cls, data=None, requires_grad=False, volatile=False):
        from .._creation import empty
        from .._tensor import Tensor
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                          UserWarning, stacklevel=2)
        if data is None:
            data = empty(0)
        if not isinstance(data, Tensor):
            raise error("variable_data", type=type(data).__name__)
        var = data.detach()
        if requires_grad:
            if not var.dtype.is_floating_point:
                raise error("int_requires_grad", var)
            var.requires_grad_(True)
        return var
