"""The recorded graph: one ``Node`` per differentiable operation, ``AccumulateGrad`` per leaf.

A node knows its op (which holds the derivative rules), the nodes its inputs came from
(``next_functions``, PyTorch's name and layout), the values its rules read (saved at forward
time, checked against in-place changes when read) and a sequence number from a global counter:
later nodes run first in backward, and diagrams get ids that are the same on every run.

``Node.apply(grad)`` is one step of the backward pass: each input's rule applied to ``grad``,
reduced to the input's shape. ``grad`` is a NumPy array in an ordinary ``backward()`` and a
Tensor under ``create_graph=True``; the rules get their saved values in the same kind.
"""
from __future__ import annotations

import itertools
import re
import sys
import weakref

import numpy as np

from ..errors import error
from ..ops import sum_to

_sequence = itertools.count()
_new = object.__new__
_NO_PARAMS = {}  # shared by every node whose op takes none (never written to)
_FREED = {}  # a node's saved values after backward has released them (never written to)
_NOTHING = {}  # the saved values of a node whose rules read none (never written to)
# Parameters PyTorch saves as tensors (max(dim)'s indices, where's condition, ...): freed with the
# rest, so a second backward through such a node raises as in PyTorch.
_SAVED_PARAMS = frozenset(("indices", "mask", "condition", "target"))
# Nodes whose every parameter PyTorch frees: CopySlices drops its op, index nodes their indices.
_HOLDERS = frozenset(("CopySlices", "IndexPutBackward0", "IndexBackward0"))


class Node:
    """Base of every backward node; ``type(node).__name__`` is PyTorch's name (``MulBackward0``)."""

    __slots__ = ("_next", "shapes", "dtypes", "params", "_saved", "seq",
                 "_pre_hooks", "_consts", "__weakref__")
    op = None  # set on each op's node class
    _holds = False  # its rules read parameters PyTorch saves as tensors (freed after backward)

    def name(self) -> str:
        # PyTorch's hand-written C++ nodes report their namespace; generated ones don't.
        name = type(self).__name__
        return f"torch::autograd::{name}" if name in ("CopySlices", "CopyBackwards", "NotImplemented") else name

    @property
    def next_functions(self):
        return tuple((child, 0) for child in self._next)

    @property
    def _constants(self):
        """{input index: the Python number, or a weakref to the tensor} for inputs with no edge
        (the diagrams write numbers into the op's text and draw constant tensors)."""
        consts = self._consts
        return None if consts is None else {i: c for i, c in enumerate(consts) if c is not None}

    def apply(self, grad):
        """The gradient for each input (None where none is needed), in the input's shape and dtype."""
        if not any(self._next):
            return self.unpack_only()
        tensors = hasattr(grad, "_data")
        return [None if child is None else _input_step(self, i, grad, tensors)
                for i, child in enumerate(self._next)]

    def unpack_only(self):
        """A node none of whose inputs needs a gradient (one that requires grad with no history,
        such as a view made under no_grad) still unpacks what it saved, as PyTorch's nodes do
        before anything else, so a value changed in place since is an error here too."""
        if self._saved is _FREED:
            raise error("freed_graph", node=self.name())
        for value in self._saved.values():
            if type(value) is SavedTensor:
                value.unpack(self, False)
        return [None] * len(self._next)

    def input_grad(self, i, grad, tensors=None):
        """Input ``i``'s rule applied to ``grad``, before broadcasting is undone."""
        if tensors is None:
            tensors = hasattr(grad, "_data")
        rule = self.op.rule(i)
        return rule.fn(grad, *[self.read(name, i, tensors) for name in rule.reads])

    def read(self, name, i=None, tensors=False):
        """A value a rule reads: a saved tensor, a parameter, an input's shape or dtype."""
        saved = self._saved  # {name: value}, as the rules name them (PyTorch's _saved_self, ...)
        if name in saved:
            value = saved[name]
            return value.unpack(self, tensors) if type(value) is SavedTensor else value
        params = self.params
        if name in params:
            if self._holds and saved is _FREED and (
                    name in _SAVED_PARAMS or type(self).__name__ in _HOLDERS):
                raise error("freed_graph", node=self.name())
            return params[name]
        meta = self.op.metadata.get(name)
        if meta is not None:
            k, what = meta
            return self.shapes[k] if what == "shape" else self.dtypes[k]
        if name == "i":
            return i
        if name == "shapes":
            return self.shapes
        if saved is _FREED:
            raise error("freed_graph", node=self.name())
        raise error("node_no_attribute", cls=type(self).__name__, attr=name)

    def __getattr__(self, key):
        if key.startswith("_saved_"):
            return self._saved_value(key[len("_saved_"):], key)
        # PyTorch's message for a missing attribute (slots that are unset come here too).
        if key.startswith("_") or key in Node.__slots__:
            raise AttributeError(key)
        raise error("node_no_attribute", cls=type(self).__name__, attr=key)

    def _saved_value(self, name, key):
        """``grad_fn._saved_self``, ``._saved_result``, ``._saved_exponent``, ``._saved_dim``,
        ``._saved_self_sym_sizes``: what the node's rules read, as PyTorch exposes it."""
        op = self.op
        reads = {k for rule in op.rules for k in rule.reads}
        if name in op.saves:  # a tensor (or a Python number in a tensor's place)
            needed = sum(1 << k for k, edge in enumerate(self._next) if edge is not None)
            if name not in dict(op.saves_for(needed)):
                return None  # never saved: no input that needs a gradient reads it
            if self._saved is _FREED:
                raise error("freed_graph", node=self.name())
            value = self.read(name, tensors=True)
            if hasattr(value, "_data"):
                return value
            from .._creation import tensor  # PyTorch wraps the number: int64, float64, bool
            from .._dtype import float64, scalar_dtype
            kind = scalar_dtype(value)
            return tensor(value, dtype=float64 if kind.is_floating_point else kind)
        if name in reads and name in self.params:
            return self.read(name)
        if name.endswith("_sym_sizes") and f"{name[:-len('_sym_sizes')]}_shape" in reads:
            return tuple(self.read(f"{name[:-len('_sym_sizes')]}_shape"))
        raise error("node_no_attribute", cls=type(self).__name__, attr=key)

    def release(self):
        """Free saved values after backward (unless ``retain_graph``)."""
        if self._saved or self._holds:
            self._saved = _FREED

    def register_prehook(self, hook):
        if self._pre_hooks is None:
            self._pre_hooks = []
        self._pre_hooks.append(hook)
        return RemovableHandle(self._pre_hooks, hook)


class AccumulateGrad:
    """The node at a leaf that requires grad: backward adds the arriving gradient to ``.grad``."""

    __slots__ = ("variable", "__weakref__")
    seq = float("inf")  # PyTorch runs these as soon as they are ready
    _next = ()
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

    def apply(self, grad):
        accumulate(self.variable, grad)
        return ()

    def release(self):
        pass


AccumulateGrad.__module__ = "builtins"  # see node_class

# The references an unshared gradient array has inside ``accumulate``: the engine's, one per
# call on the way (AccumulateGrad.apply, accumulate) and getrefcount's own. More means someone
# else holds it too (another input, the caller's ``gradient=``, a hook), so .grad gets a copy.
_UNSHARED = 4


def accumulate(variable, grad):
    """``AccumulateGrad``: the first gradient is stored, later ones are added in place.

    Like PyTorch, the first gradient is stored without a copy when nobody else holds it.
    """
    Tensor = _t.Tensor
    if not variable._requires_grad:  # requires_grad_(False) after the graph was built
        return
    if hasattr(grad, "_data"):  # create_graph: gradients are part of a graph themselves
        # The first is cloned, as PyTorch's AccumulateGrad does here: the same gradient may reach
        # another leaf too (x + y), and .grad must not be shared between them.
        variable._grad = grad.clone() if variable._grad is None else variable._grad + grad
        return
    if variable._grad is None:
        if type(grad) is not np.ndarray:
            grad = np.asarray(grad)  # a NumPy scalar: a fresh 0-d array
        elif grad.base is not None or not grad.flags.writeable or sys.getrefcount(grad) > _UNSHARED:
            grad = grad.copy()
        variable._grad = Tensor._make(grad)
    else:  # grad mode is off here, so PyTorch adds in place even into a differentiable grad
        data = variable._grad._data
        if not data.flags.writeable or (data.size > 1 and 0 in data.strides):
            variable._grad._data = data.copy()  # a create_graph gradient's broadcast array
        variable._grad._data += grad
        variable._grad._bump()


class SavedTensor:
    """A tensor saved for backward, with the version it had then (to detect in-place changes).

    A node's own output is saved as its array only and re-wrapped on unpack with the node as its
    ``grad_fn``: holding the output tensor itself would make a reference cycle.
    """

    __slots__ = ("tensor", "array", "version", "counter", "requires_grad")

    def __init__(self, tensor, is_output):
        counter = tensor._counter
        if type(counter) is not list:  # an inference tensor (None), or one detached outside the mode
            raise error("inference_saved", tensor)
        self.tensor = None if is_output else tensor
        self.array = tensor._data if is_output else None
        self.requires_grad = tensor._requires_grad
        self.counter = counter
        self.version = counter[0]

    def unpack(self, node, tensors=True):
        if self.counter[0] != self.version:
            raise _unpack_error(node, self)
        t = self.tensor
        if t is not None:
            if t._cut.__class__ is InPlaceDetach:
                _check_detached(self, node)
            return t if tensors else t._data
        if not tensors:
            return self.array
        from .._tensor import Tensor
        return Tensor._make(self.array, self.requires_grad, node if self.requires_grad else None)


class InPlaceDetach(str):
    """``Tensor._cut`` of a non-leaf detached in place ("detach_()" in the diagrams); ``seq``: the
    nodes made before it saved the tensor as a non-leaf, and PyTorch refuses to unpack it there."""


def _detached(saved, node):
    t = saved.tensor
    return (t is not None and t._cut.__class__ is InPlaceDetach and node.seq < t._cut.seq
            and t.grad_fn is None)


def _check_detached(saved, node):
    if _detached(saved, node):
        raise _unpack_error(node, saved)


def _unpack_error(node, failed):
    """PyTorch unpacks a node's saved tensors in order (inputs by name, then the result) before
    any rule runs, checking each for an in-place detach_(), then for an in-place change: the
    first that fails names the error."""
    for saved in (*node._saved.values(), failed):
        if type(saved) is SavedTensor:
            if _detached(saved, node):
                return error("saved_detached_inplace")
            if saved.counter[0] != saved.version:
                return _modified_error(saved, node)
    return _modified_error(failed, node)  # (not reached: ``failed`` itself fails)


def _modified_error(saved, node):
    from .._dtype import LEGACY_NAMES, from_numpy_dtype
    t = saved.tensor
    array = saved.array if t is None else t._data
    what = f"[torch.{LEGACY_NAMES[from_numpy_dtype(array.dtype)]}Tensor {list(array.shape)}]"
    producer = node if t is None else t.grad_fn
    if producer is not None:  # PyTorch names the forward op: "Mul", not "MulBackward0"
        # PyTorch drops "Backward0" and keeps another overload's number: Mul, Clamp1, Pow1
        forward_name = re.sub(r"Backward(\d+)$", r"\1", re.sub(r"Backward0$", "", producer.name()))
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
        holds = op.node_name in _HOLDERS or any(
            name in _SAVED_PARAMS for rule in op.rules for name in rule.reads)
        body = {"__slots__": (), "op": op, "__module__": "builtins", "_holds": holds}
        if len(op.rules) in (1, 2) and not op.variadic:
            body["apply"] = _unrolled_apply(op)
        cls = type(op.node_name, (Node,), body)
        _node_classes[op] = cls
    return cls


def _unrolled_apply(op):
    """``Node.apply`` for an op of one or two inputs with the loop unrolled, as PyTorch generates
    each node's ``apply`` from derivatives.yaml: ``_input_step`` per input, without the loop's
    bookkeeping (a third of a long chain's backward). Tensors (``create_graph``) and a node with
    no gradient edge take ``Node.apply`` itself."""
    if len(op.rules) == 1:
        def apply(self, grad):
            if hasattr(grad, "_data") or self._next[0] is None:
                return Node.apply(self, grad)
            return [_input_step(self, 0, grad)]
    else:
        def apply(self, grad):
            a, b = self._next
            if hasattr(grad, "_data") or (a is None and b is None):
                return Node.apply(self, grad)
            return [None if a is None else _input_step(self, 0, grad),
                    None if b is None else _input_step(self, 1, grad)]
    apply.__doc__ = Node.apply.__doc__
    return apply


def _input_step(node, i, grad, tensors=False):
    """Input ``i``'s part of ``Node.apply``: its rule on ``grad`` and the values it reads,
    broadcasting undone (``sum_to``), cast to the input's dtype. ``grad`` is an array, or a Tensor
    (``tensors``) under ``create_graph``. The rule is read from the op each time: the op table stays
    the one place, even for a rule replaced at run time."""
    rules = node.op.rules
    rule = rules[i] if i < len(rules) else rules[0]  # one rule serves every input of cat
    reads = rule.reads
    saved = node._saved
    if len(reads) == 1 and reads[0] in saved:  # the usual case: one saved value
        value = saved[reads[0]]
        g = rule.fn(grad, value.unpack(node, tensors) if type(value) is SavedTensor else value)
    elif reads:
        g = rule.fn(grad, *[node.read(name, i, tensors) for name in reads])
    else:
        g = rule.fn(grad)
    shape, dtype = node.shapes[i], node.dtypes[i]
    if g.shape != shape:
        g = sum_to(g, shape)
    if tensors:
        if g._data.dtype != dtype:  # e.g. float32 flowing into a float64 input
            g = g.to(dtype)
    elif g.dtype is not dtype and g.dtype != dtype:
        g = g.astype(dtype)
    return g


def make_node(op, inputs, out, params, node=None):
    """Record ``op`` applied to ``inputs`` (tensors and Python numbers) producing ``out``
    (into ``node`` when it exists already: a custom Function's ctx is its node).

    Per input the node keeps its edge (the node its gradient goes to, None for a Python number
    or a tensor that needs none), its shape and dtype (to reduce and cast the gradient), and for
    an input with no edge what the diagrams draw: the number, or a weak reference to the tensor.
    One tensor, a tensor and a number, two tensors: the usual cases have a function each (the
    recorders of ``gradlab._record`` call them directly).
    """
    n = len(inputs)
    if (n == 1 or n == 2) and hasattr(inputs[0], "_data"):
        if n == 1:
            return unary_node(op, inputs[0], out, params, node)
        x, y = inputs
        kind = type(y)
        if kind is float or kind is int or not hasattr(y, "_data"):
            return number_node(op, x, y, out, params, node)
        return pair_node(op, x, y, out, params, node)
    edges, shapes, dtypes, consts, needed = _any_inputs(inputs)
    node = _node(op, params, node)
    node._next, node.shapes, node.dtypes, node._consts = edges, shapes, dtypes, consts
    node._saved = _saved_values(op, inputs, out, needed)
    return node


def unary_node(op, x, out, params=_NO_PARAMS, node=None):
    """``make_node`` for one tensor."""
    data, edge = x._data, x.grad_fn or x._edge()
    node = _node(op, params, node)
    node._next = (edge,)
    key = (data.shape, data.dtype)
    node.shapes, node.dtypes = _SHARED.get(key) or _share(key, ((data.shape,), (data.dtype,)))
    node._consts = None if edge is not None else (weakref.ref(x),)
    node._saved = _saved_values(op, (x,), out, 0 if edge is None else 1)
    return node


def number_node(op, x, y, out, params=_NO_PARAMS, node=None):
    """``make_node`` for a tensor and a Python number (which has no edge)."""
    data, edge = x._data, x.grad_fn or x._edge()
    node = _node(op, params, node)
    node._next = (edge, None)
    kind = type(y)
    # Equal numbers of one type share (not 0 or NaN: -0.0 == 0.0 and NaN != NaN)
    key = (op, data.shape, data.dtype, kind, y) if (
        edge is not None and (kind is float or kind is int) and y != 0 and y == y) else None
    meta = None if key is None else _SHARED.get(key)
    if meta is None:
        saved = _saved_values(op, (x, y), out, 0 if edge is None else 1)
        meta = ((data.shape, ()), (data.dtype, None),
                (None if edge is not None else weakref.ref(x), y), saved)
        if key is not None and not any(type(v) is SavedTensor for v in saved.values()):
            _share(key, meta)
    node.shapes, node.dtypes, node._consts, node._saved = meta
    return node


def pair_node(op, x, y, out, params=_NO_PARAMS, node=None):
    """``make_node`` for two tensors."""
    data, edge = x._data, x.grad_fn or x._edge()
    other, other_edge = y._data, y.grad_fn or y._edge()
    node = _node(op, params, node)
    node._next = (edge, other_edge)
    key = (data.shape, other.shape, data.dtype, other.dtype)
    node.shapes, node.dtypes = _SHARED.get(key) or _share(
        key, ((data.shape, other.shape), (data.dtype, other.dtype)))
    if edge is not None and other_edge is not None:
        node._consts, needed = None, 3
    else:
        node._consts = (None if edge is not None else weakref.ref(x),
                        None if other_edge is not None else weakref.ref(y))
        needed = (0 if edge is None else 1) | (0 if other_edge is None else 2)
    node._saved = _saved_values(op, (x, y), out, needed)
    return node


def _node(op, params, node=None):
    """A new node of ``op``'s class (or ``node``: a custom Function's ctx is its node) with what
    every node has: its parameters, its sequence number, no hooks yet. Called once the inputs'
    edges are read: reading a view's ``grad_fn`` may record nodes, and this one comes after them."""
    if node is None:
        node = _new(_node_classes.get(op) or node_class(op))
    node.params = params or _NO_PARAMS
    node.seq = next(_sequence)
    node._pre_hooks = None
    return node


def _saved_values(op, inputs, out, needed):
    """Only what the rules of the inputs that need a gradient read (PyTorch's
    should_compute_output): {name: value}, a tensor with its version, a Python number as it is."""
    pairs = op._saves_for.get(needed) or op.saves_for(needed) if op.saves else ()
    if not pairs:
        return _NOTHING
    saved = {}
    for name, k in pairs:
        if k < 0:
            saved[name] = SavedTensor(out, True)
        else:
            value = inputs[k]
            saved[name] = SavedTensor(value, False) if hasattr(value, "_data") else value
    return saved


def _any_inputs(inputs):
    """``make_node``'s per-input part for any number of inputs: the node's edges, shapes, dtypes
    and constants, and the bits of the inputs that need a gradient."""
    edges, shapes, dtypes = [], [], []
    constants = None
    needed = 0
    for k, x in enumerate(inputs):
        kind = type(x)
        if kind is float or kind is int or not hasattr(x, "_data"):
            # A Python number: PyTorch wraps it in a tensor with no edge, shape ()
            edges.append(None)
            shapes.append(())
            dtypes.append(None)
            if constants is None:
                constants = [None] * len(inputs)
            constants[k] = x  # the diagrams write the number into the op's text
            continue
        data = x._data
        edge = x.grad_fn or x._edge()
        edges.append(edge)
        shapes.append(data.shape)
        dtypes.append(data.dtype)
        if edge is None:
            # A tensor that needs no gradient, for the diagrams (gradlab.viz), weakly: the graph
            # never keeps it alive.
            if constants is None:
                constants = [None] * len(inputs)
            constants[k] = weakref.ref(x)
        else:
            needed |= 1 << k
    key = (tuple(shapes), tuple(dtypes))
    shapes, dtypes = _SHARED.get(key) or _share(key, key)
    return tuple(edges), shapes, dtypes, None if constants is None else tuple(constants), needed


# Per-input metadata (shapes, dtypes, a Python number), one copy shared by all the nodes that
# have the same: each object a node holds is one more the garbage collector visits, again on
# every full collection, and a long graph's collections dominate its cost.
_SHARED = {}
_SHARED_MAX = 4096  # beyond this many kinds, new ones are simply not shared


def _share(key, meta):
    if len(_SHARED) < _SHARED_MAX:
        _SHARED[key] = meta
    return meta




from .. import _tensor as _t  # noqa: E402  (last: _tensor itself imports this module)
