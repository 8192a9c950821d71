"""The recorded graph: one ``Node`` per differentiable operation, ``AccumulateGrad`` per leaf.

A node knows its op (which holds the derivative rules), the edges to the nodes of its inputs
(``next_functions``, PyTorch's name and layout), the values its rules need (saved at forward
time, checked against in-place changes when read) and a sequence number from a global counter:
later nodes run first in backward, and diagrams get ids that are the same on every run.
"""
from __future__ import annotations

import itertools
import re
import weakref

from .._dtype import of_array
from ..errors import error

_sequence = itertools.count()



class Node:
    """Base of every backward node; ``type(node).__name__`` is PyTorch's name (``MulBackward0``)."""

    __slots__ = ("next_functions", "_saved", "params", "shapes", "dtypes", "seq", "_pre_hooks",
                 "_freed", "_constants", "__weakref__")
    op = None  # set on each op's node class

    def name(self) -> str:
        # PyTorch's hand-written C++ nodes report their namespace; generated ones don't.
        name = type(self).__name__
        return f"torch::autograd::{name}" if name == "CopySlices" else name

    # -- saved values -------------------------------------------------------------------------
    def saved(self, key):
        """A value the derivative rule needs; raises PyTorch's errors if freed or modified."""
        if self._freed:
            raise error("freed_graph", node=self.name())
        value = self._saved[key]
        return value.unpack(self) if isinstance(value, SavedTensor) else value

    def __getattr__(self, key):
        # Rules read ``n.a``, ``n.b``, ``n.out`` (saved values) and ``n.dim`` etc. (parameters).
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            saved = object.__getattribute__(self, "_saved")
        except AttributeError:
            saved = {}
        if key in saved or (key in type(self).op.saves):
            return self.saved(key)  # raises PyTorch's error once backward has freed it
        try:
            return object.__getattribute__(self, "params")[key]
        except (AttributeError, KeyError):
            raise error("node_no_attribute", cls=type(self).__name__, attr=key) from None

    def release(self):
        """Free saved values after backward (unless ``retain_graph``)."""
        if self._saved:
            self._saved = {}
            self._freed = True

    def register_prehook(self, hook):
        if self._pre_hooks is None:
            self._pre_hooks = []
        self._pre_hooks.append(hook)
        return RemovableHandle(self._pre_hooks, hook)


class AccumulateGrad:
    """The node at a leaf that requires grad: backward adds the arriving gradient to ``.grad``."""

    __slots__ = ("variable", "__weakref__")
    seq = float("inf")  # PyTorch runs these as soon as they are ready
    next_functions = ()

    def __init__(self, variable):
        self.variable = variable

    @property
    def _pre_hooks(self):
        # A leaf's hooks live on the tensor: its accumulator exists only while a graph uses it.
        return self.variable._hooks

    def register_prehook(self, hook):
        if self.variable._hooks is None:
            self.variable._hooks = []
        self.variable._hooks.append(hook)
        return RemovableHandle(self.variable._hooks, hook)

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"


AccumulateGrad.__module__ = "builtins"  # see node_class


class SavedTensor:
    """A tensor saved for backward, with the version it had then (to detect in-place changes).

    A node's own output is saved as its array only and re-wrapped on unpack with the node as its
    ``grad_fn``: holding the output tensor itself would make a reference cycle.
    """

    __slots__ = ("tensor", "array", "version", "counter", "is_output", "requires_grad")

    def __init__(self, tensor, is_output):
        if tensor._counter is None:
            raise error("inference_saved", tensor)
        self.is_output = is_output
        self.tensor = None if is_output else tensor
        self.array = tensor._data if is_output else None
        self.requires_grad = tensor.requires_grad
        self.counter = tensor._counter
        self.version = tensor._counter[0]

    def unpack(self, node):
        if self.counter[0] != self.version:
            raise _modified_error(self, node)
        if not self.is_output:
            return self.tensor
        from .._tensor import Tensor
        return Tensor._make(self.array, self.requires_grad, node if self.requires_grad else None)


def _modified_error(saved, node):
    from .._dtype import LEGACY_NAMES, from_numpy_dtype
    t = saved.tensor
    array = saved.array if t is None else t._data
    what = f"[torch.{LEGACY_NAMES[from_numpy_dtype(array.dtype)]}Tensor {list(array.shape)}]"
    producer = node if saved.is_output else t.grad_fn
    if producer is not None:  # PyTorch names the forward op: "Mul", not "MulBackward0"
        forward_name = re.sub(r"Backward\d*$", "", producer.name())
        what += f", which is output 0 of {forward_name},"
    return error("modified_inplace", what=what, version=saved.counter[0], expected=saved.version,
                 node=node.name(), shape=tuple(array.shape), changes=saved.counter[0] - saved.version)


class RemovableHandle:
    """Returned by ``register_hook``: ``handle.remove()`` takes the hook out again."""

    __slots__ = ("_hooks", "_hook")

    def __init__(self, hooks, hook):
        self._hooks = hooks
        self._hook = hook

    def remove(self):
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


_node_classes = {}


def node_class(op):
    """One ``Node`` subclass per op, named as PyTorch names it, so ``type(y.grad_fn).__name__``
    and the repr read ``MulBackward0``."""
    cls = _node_classes.get(op)
    if cls is None:
        # Module "builtins", like PyTorch's C++ node types: repr() reads <MulBackward0 object at
        # 0x...> in Python and IPython shows <MulBackward0 at 0x...>, exactly as for PyTorch.
        cls = type(op.node_name, (Node,), {"__slots__": (), "op": op, "__module__": "builtins"})
        _node_classes[op] = cls
    return cls


def make_node(op, inputs, out, params):
    """Record ``op`` applied to ``inputs`` (tensors and Python numbers) producing ``out``."""
    cls = _node_classes.get(op) or node_class(op)
    node = object.__new__(cls)
    edges, shapes, dtypes = [], [], []
    for x in inputs:
        data = getattr(x, "_data", None)
        if data is None:  # a Python number: PyTorch wraps it in a tensor with no edge, shape ()
            edges.append((None, 0))
            shapes.append(())
            dtypes.append(None)
        else:
            edges.append((x._edge(), 0))
            shapes.append(data.shape)
            dtypes.append(of_array(data))
    node.next_functions = tuple(edges)
    node.shapes = shapes
    node.dtypes = dtypes
    node.params = params
    # Inputs without an edge, for the diagrams (gradlab.viz): {input index: weakref to a tensor
    # that needs no gradient, or the Python number}. Weak: the graph never keeps them alive.
    node._constants = _constants(inputs, node.next_functions) if (None, 0) in node.next_functions else None
    node.seq = next(_sequence)
    node._pre_hooks = None
    node._freed = False
    saved = {}
    for key in op.saves:
        value = out if key == "out" else inputs["abc".index(key)]  # a, b, c: inputs 0, 1, 2
        saved[key] = SavedTensor(value, key == "out") if hasattr(value, "_data") else value
    node._saved = saved
    return node


def _constants(inputs, next_functions):
    out = {}
    for i, x in enumerate(inputs):
        if next_functions[i][0] is None:
            if type(x) is float or type(x) is int:
                out[i] = x
            else:
                out[i] = weakref.ref(x) if hasattr(x, "_data") else x
    return out
