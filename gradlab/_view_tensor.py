"""``View``: the tensor a view op makes (indexing, ``view``, ``t()``, ``expand``, ...).

A view shares its base's memory and version counter (``gradlab._record`` links them) and, as in
PyTorch, follows its base: it requires grad when the base does, and after the base or another view
of it changed in place its ``grad_fn`` is made anew from the base's history. Only views pay for
this: a plain Tensor reads plain slots.
"""
from __future__ import annotations

import re

from . import _layout, ops
from ._tensor import Tensor
from .autograd.graph import make_node
from .errors import error


def view_rebase_error(creation, what, fn=None):
    """PyTorch's error for a view made under no_grad / inference_mode whose memory changed
    (``fn``: the view's own node or its op's name, when it was made from such a view with grad
    mode on)."""
    prefix = "A view was created in"
    if fn is not None:  # a node, or the name of the view op
        name = fn if isinstance(fn, str) else re.sub(
            r"Backward(\d+)$", r"\1", re.sub(r"Backward0$", "", fn.name()))
        prefix = f"Output 0 of {name} is a view of a view which was created in"
    if creation == "inference":
        return error("view_rebase_inference", what=what, prefix=prefix)
    return error("view_rebase_no_grad", what=what, prefix=prefix)


_GRAD_FN = Tensor.__dict__["grad_fn"]          # the slots a View reads around its properties
_REQUIRES_GRAD = Tensor.__dict__["_requires_grad"]


class View(Tensor):
    """A tensor made by a view op (indexing, ``view``, ``t()``, ``expand``, ...): it shares its
    base's memory and version counter, and, as in PyTorch, follows its base:

    - it requires grad when its base does, even if it was made under ``no_grad``;
    - once the base (or another view of it) was changed in place, its ``grad_fn`` is made anew
      from the base's history (``AsStridedBackward0``: the same elements, read from the new
      base); a view made under no_grad / inference_mode refuses that, with PyTorch's error.

    Only views pay for this: every other tensor reads plain slots.
    """

    __slots__ = ("_view_version", "_creation")

    @property
    def grad_fn(self):
        fn = _GRAD_FN.__get__(self)
        base = self._base
        if base is None or self._counter is None or self._counter[0] == self._view_version:
            return fn
        if fn is None and not base.requires_grad:
            return None
        if self._creation is not None:  # (no tensor for the note: it would read grad_fn again)
            raise view_rebase_error(self._creation, "its base or another view of its base has been",
                                    fn)
        self._regenerate(base)
        return _GRAD_FN.__get__(self)

    @grad_fn.setter
    def grad_fn(self, fn):
        _GRAD_FN.__set__(self, fn)

    def _regenerate(self, base):
        """The view's elements read again from its base's current history (PyTorch's
        AsStridedBackward0); a retained gradient moves to the new node, as in PyTorch."""
        old = _GRAD_FN.__get__(self)
        new = make_node(ops.as_strided, (base,), self, {"chain": self._view_chain})
        _GRAD_FN.__set__(self, new)
        _REQUIRES_GRAD.__set__(self, True)
        self._view_version = self._counter[0]
        self._move_retain_hook(old, new)

    @property
    def _requires_grad(self):
        if _REQUIRES_GRAD.__get__(self):
            return True
        base = self._base  # (a view of an inference tensor is no differentiable view in PyTorch)
        return base is not None and base._requires_grad and self._counter is not None

    @_requires_grad.setter
    def _requires_grad(self, value):
        _REQUIRES_GRAD.__set__(self, value)

    def _edge(self):
        fn = self.grad_fn
        if fn is not None:
            return fn
        if not _REQUIRES_GRAD.__get__(self):  # a no_grad view of a base that requires grad:
            return None                       # it requires grad, but no gradient reaches it
        return Tensor._edge(self)


def _laid_out_as_torch(name):
    """The elementwise binary method ``name`` of a view, its result laid out as PyTorch lays it
    out (like the view, where NumPy would choose C order: ``gradlab._layout``)."""
    plain = getattr(Tensor, name)

    def method(self, other, *args, **kwargs):
        out = plain(self, other, *args, **kwargs)
        if isinstance(other, Tensor) and isinstance(out, Tensor):
            data = _layout.relaid(out._data, self._data, other._data)
            if data is not None:
                out._data = data
        return out
    method.__name__ = name
    method.__doc__ = plain.__doc__
    return method


for _name in ("__add__", "__sub__", "__mul__", "__truediv__", "__pow__", "__mod__", "add", "sub",
              "mul", "multiply", "subtract", "div", "divide", "true_divide", "pow", "maximum",
              "minimum", "remainder", "fmod", "__eq__", "__ne__", "__lt__", "__le__", "__gt__",
              "__ge__", "eq", "ne", "lt", "le", "gt", "ge"):
    if hasattr(Tensor, _name):
        setattr(View, _name, _laid_out_as_torch(_name))
View.__hash__ = Tensor.__hash__  # (defining __eq__ would drop it)

# A view prints and names itself as what it is to a learner (type(v) is torch.Tensor in PyTorch).
View.__name__ = View.__qualname__ = "Tensor"
View.__module__ = Tensor.__module__
