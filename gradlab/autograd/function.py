"""``torch.autograd.Function``: an op whose forward and backward you write yourself.

    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, grad_output):
            x, = ctx.saved_tensors
            return grad_output * 3 * x ** 2

    y = Cube.apply(x)      # y.grad_fn is a <CubeBackward>

``apply`` runs ``forward`` with recording off, then records one node for the outputs: its rule
is your ``backward``, called with one gradient per output and returning one per ``forward``
argument. As in PyTorch, the node *is* the ``ctx`` that forward saw (``y.grad_fn.scale`` reads
what forward stored in ``ctx.scale``). Under ``create_graph=True`` backward gets Tensors with
recording on, so a backward written with tensor ops has derivatives of its own.
"""
from __future__ import annotations

import numpy as np

from .. import ops
from ..errors import error
from .grad_mode import _state, no_grad
from .graph import _FREED, Node, SavedTensor, make_node


class FunctionCtx:
    """What ``forward`` and ``backward`` get as ``ctx`` (the methods of the backward node)."""

    def save_for_backward(self, *tensors):
        self._to_save = tensors

    @property
    def saved_tensors(self):
        saved = self.__dict__.get("_saved_tensors")
        if saved is _FREED:
            raise error("freed_graph", node=self.name())
        if saved is None:  # still inside forward, or nothing recorded: the tensors themselves
            return tuple(self.__dict__.get("_to_save", ()))
        return tuple(None if s is None else s.unpack(self) for s in saved)

    def mark_non_differentiable(self, *outputs):
        self._non_differentiable = tuple(outputs)

    def mark_dirty(self, *tensors):
        self._dirty = tuple(tensors)  # accepted: the outputs are wired up the same way

    def set_materialize_grads(self, value):
        self._materialize = bool(value)


class BackwardCFunction(FunctionCtx, Node):
    """The node of a custom Function: ``<Name>Backward``, whose rule is the user's ``backward``."""

    _function = None  # the Function subclass (set on each subclass's node class)

    def _user_grads(self, grad):
        """The user's backward on ``grad`` (the gradient of the differentiable output): one
        gradient per ``forward`` argument, checked as PyTorch checks them."""
        tensors = hasattr(grad, "_data")
        from .._tensor import Tensor
        grads = []
        for k, (shape, dtype) in enumerate(self._outputs):
            if k == self._differentiable:
                grads.append(grad if tensors else Tensor._make(np.asarray(grad)))
            elif self.__dict__.get("_materialize", True):
                grads.append(Tensor._make(np.zeros(shape, dtype)))
            else:
                grads.append(None)
        result = type(self)._function.backward(self, *grads)
        if not isinstance(result, tuple):
            result = (result,)
        if len(result) > self._nargs and all(g is None for g in result[self._nargs:]):
            result = result[:self._nargs]  # extra Nones are allowed, as in PyTorch
        if len(result) != self._nargs:
            raise error("function_grad_count", node=self.name(), expected=self._nargs, got=len(result))
        out = []
        for k, position in enumerate(self._positions):
            g = result[position]
            if g is not None and self._next[k] is not None:
                if not isinstance(g, Tensor):
                    raise error("function_grad_type", node=self.name(), index=position,
                                type=type(g).__name__)
                if not _expandable(g._data.shape, self.shapes[k]):
                    raise error("function_grad_shape", node=self.name(), index=position,
                                got=list(g._data.shape), expected=list(self.shapes[k]))
                g = g if tensors else g._data
            else:
                g = None
            out.append(g)
        return out

    def apply(self, grad):
        out = []
        for k, g in enumerate(self._user_grads(grad)):
            if g is not None:
                g = ops.sum_to(g, self.shapes[k])
                if hasattr(g, "_data"):
                    if g._data.dtype != self.dtypes[k]:
                        g = g.to(self.dtypes[k])
                elif g.dtype != self.dtypes[k]:
                    g = g.astype(self.dtypes[k])
            out.append(g)
        return out

    def input_grad(self, i, grad, tensors=None):
        return self._user_grads(grad)[i]

    def release(self):
        if self.__dict__.get("_saved_tensors") is not None:
            self._saved_tensors = _FREED


def _expandable(shape, target):
    """Can a gradient of ``shape`` be summed back to ``target`` (PyTorch's is_expandable_to)?"""
    if len(shape) > len(target):
        return False
    return all(s == t or s == 1 for s, t in zip(reversed(shape), reversed(target)))


class FunctionMeta(type):
    """Gives each Function subclass its node class, named ``<Name>Backward`` as in PyTorch."""

    def __init__(cls, name, bases, namespace):
        super().__init__(name, bases, namespace)
        op = ops.Op(name, f"{name}Backward", None, f"{name}.apply(…)", [
            ops.Rule("tensors", "input {i}: what " + name + ".backward returns for it",
                     lambda grad: grad, reads=())])
        cls._backward_cls = type(f"{name}Backward", (BackwardCFunction,), {
            "_function": cls, "op": op, "__module__": "torch.autograd.function"})


class Function(metaclass=FunctionMeta):
    """Subclass it with static ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)``
    (or ``forward(*args)`` plus ``setup_context(ctx, inputs, output)``); call ``apply``."""

    @staticmethod
    def forward(*args, **kwargs):
        raise error("function_no_forward")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise error("function_no_forward")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise error("function_no_backward")

    vjp = backward

    @classmethod
    def apply(cls, *args):
        from .._tensor import Tensor
        ctx = object.__new__(cls._backward_cls)
        ctx.needs_input_grad = tuple(
            isinstance(a, Tensor) and a._requires_grad and _state.enabled for a in args)
        with no_grad():
            if cls.setup_context is Function.setup_context:  # forward(ctx, *args)
                output = cls.forward(ctx, *args)
            else:  # forward(*args), then setup_context(ctx, inputs, output)
                output = cls.forward(*args)
                cls.setup_context(ctx, args, output)
        single = not isinstance(output, tuple)
        outputs = list((output,) if single else output)
        if not any(ctx.needs_input_grad):
            return output
        marked = {id(t) for t in ctx.__dict__.get("_non_differentiable", ())}
        differentiable = [k for k, o in enumerate(outputs) if isinstance(o, Tensor)
                          and id(o) not in marked and o._data.dtype.kind == "f"]
        if len(differentiable) > 1:
            raise error("function_outputs", name=cls.__name__, count=len(differentiable))
        for k, o in enumerate(outputs):
            if isinstance(o, Tensor) and any(o is a for a in args):
                outputs[k] = Tensor._make(o._data)  # an input returned as is: an alias of it
                outputs[k]._counter = o._counter
        positions = [p for p, a in enumerate(args) if isinstance(a, Tensor)]
        tensor_args = [args[p] for p in positions]
        ctx._nargs, ctx._positions = len(args), positions
        ctx._outputs = [(o._data.shape, o._data.dtype) if isinstance(o, Tensor) else ((), np.float32)
                        for o in outputs]
        ctx._differentiable = differentiable[0] if differentiable else None
        if differentiable:
            out = outputs[differentiable[0]]
            make_node(cls._backward_cls.op, tensor_args, out, None, node=ctx)
            out._requires_grad, out.grad_fn, out._cut = True, ctx, None
        ctx._saved_tensors = tuple(
            None if t is None else SavedTensor(t, False) for t in ctx.__dict__.pop("_to_save", ()))
        return outputs[0] if single else tuple(outputs)


class once_differentiable:  # noqa: N801  (PyTorch's spelling)
    """``@once_differentiable`` on backward: accepted (gradlab runs it as written)."""

    def __new__(cls, fn):
        return fn
