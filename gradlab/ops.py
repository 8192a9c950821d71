"""Every differentiable operation, each defined once.

An ``Op`` holds what the whole project needs to know about one operation:

- ``node_name``: the backward node PyTorch records for it (``MulBackward0``);
- ``forward``: NumPy arrays in, a NumPy array out;
- ``grads``: one derivative rule per input, ``rule(g, node) -> gradient``, where ``g`` is the
  gradient arriving at the op's output and ``node`` gives the saved values (``node.a``,
  ``node.b``, ``node.out``) and parameters (``node.dim``, ...). Rules are written with tensor
  operations, so with ``create_graph=True`` they are recorded too and higher derivatives work;
- ``rules``: the same derivative for learners, one line per input (the stepper and the diagrams
  show these);
- ``saves``: which values the rules read; only these are kept alive until backward.

Rules never undo broadcasting: the engine reduces every gradient to its input's shape in one
place (``gradlab.autograd.engine.sum_to``). The engine, diagrams, stepper and tests all read
this table.
"""
from __future__ import annotations

from dataclasses import dataclass
import builtins
import math
from typing import Callable

import numpy as np

from .errors import error


@dataclass(frozen=True, eq=False)
class Op:
    name: str
    node_name: str
    forward: Callable
    grads: tuple = ()
    rules: tuple = ()
    saves: tuple = ()
    text: str = ""                # the forward, for learners: "a · b"
    promote: str | None = None    # None, "same" (PyTorch's result_type) or "float" (ints -> float)
    view: bool = False            # the output shares memory with input a
    scalar: str | None = None     # the parameter that is a Python number in the dtype promotion
    inplace_ufunc: bool = False   # forward is a NumPy ufunc that can write into its first input

    def __repr__(self):
        return f"<op {self.name}: {self.node_name}>"


def _t():
    from . import _tensor
    return _tensor


def zeros_like_grad(g):
    return _t().Tensor._make(np.zeros_like(g._data))


# -- elementwise arithmetic (Python numbers on either side) ------------------------------------

add = Op("add", "AddBackward0", np.add,
         grads=(lambda g, n: g, lambda g, n: g),
         rules=("∂(a+b)/∂a = 1", "∂(a+b)/∂b = 1"), text="a + b", promote="same", inplace_ufunc=True)

sub = Op("sub", "SubBackward0", np.subtract,
         grads=(lambda g, n: g, lambda g, n: -g),
         rules=("∂(a−b)/∂a = 1", "∂(a−b)/∂b = −1"), text="a − b", promote="same", inplace_ufunc=True)

rsub = Op("rsub", "RsubBackward1", lambda a, other: np.subtract(other, a, dtype=a.dtype),
          grads=(lambda g, n: -g,),
          rules=("∂(c−a)/∂a = −1",), text="c − a", promote="same", scalar="other")

mul = Op("mul", "MulBackward0", np.multiply,
         grads=(lambda g, n: g * n.b, lambda g, n: g * n.a),
         rules=("∂(a·b)/∂a = b", "∂(a·b)/∂b = a"), saves=("a", "b"), text="a · b", promote="same",
         inplace_ufunc=True)

div = Op("div", "DivBackward0", np.true_divide,
         grads=(lambda g, n: g / n.b, lambda g, n: -g * ((n.a / n.b) / n.b)),
         rules=("∂(a/b)/∂a = 1/b", "∂(a/b)/∂b = −a/b²"), saves=("a", "b"), text="a / b",
         promote="float")

neg = Op("neg", "NegBackward0", np.negative,
         grads=(lambda g, n: -g,), rules=("∂(−a)/∂a = −1",), text="−a")

reciprocal = Op("reciprocal", "ReciprocalBackward0", lambda a: np.divide(1, a, dtype=a.dtype),
                grads=(lambda g, n: -g * (n.out * n.out),),
                rules=("∂(1/a)/∂a = −1/a²",), saves=("out",), text="1 / a", promote="float")


def _pow_scalar_grad(g, n):
    if n.exponent == 0:
        return zeros_like_grad(g)
    if n.exponent == 2:  # the common square: same values, one temporary array fewer
        return g * (2 * n.a)
    return g * (n.exponent * n.a ** (n.exponent - 1))


pow_scalar = Op("pow", "PowBackward0",
                lambda a, exponent: np.power(a, a.dtype.type(exponent)).astype(a.dtype, copy=False),
                grads=(_pow_scalar_grad,),
                rules=("∂(aⁿ)/∂a = n·aⁿ⁻¹",), saves=("a",), text="a ** n", promote="same",
                scalar="exponent")


def _pow_grad_a(g, n):
    return (g * (n.b * n.a ** (n.b - 1))).masked_fill(n.b == 0, 0.0)


def _pow_grad_b(g, n):
    return (g * (n.out * n.a.log())).masked_fill((n.a == 0) & (n.b >= 0), 0.0)


pow_tensor = Op("pow", "PowBackward1", np.power, grads=(_pow_grad_a, _pow_grad_b),
                rules=("∂(aᵇ)/∂a = b·aᵇ⁻¹", "∂(aᵇ)/∂b = aᵇ·ln a"), saves=("a", "b", "out"),
                text="a ** b", promote="same")


def _rpow_grad(g, n):
    if n.base == 0:  # d(0ᵃ)/da = 0ᵃ·ln 0 is 0 for a ≥ 0 (where 0ᵃ is finite), as in PyTorch
        return (g * (n.out * -math.inf)).masked_fill(n.out.isfinite(), 0.0)
    return g * (n.out * math.log(n.base))


rpow = Op("pow", "PowBackward2", lambda a, base: np.power(a.dtype.type(base), a),
          grads=(_rpow_grad,), rules=("∂(cᵃ)/∂a = cᵃ·ln c",), saves=("out",), text="c ** a",
          promote="same", scalar="base")

maximum = Op("maximum", "MaximumBackward0", np.maximum,
             grads=(lambda g, n: g * _share(n.a, n.b), lambda g, n: g * _share(n.b, n.a)),
             rules=("∂max(a,b)/∂a = 1 where a > b, ½ where a = b",
                    "∂max(a,b)/∂b = 1 where b > a, ½ where a = b"),
             saves=("a", "b"), text="max(a, b)", promote="same")

minimum = Op("minimum", "MinimumBackward0", np.minimum,
             grads=(lambda g, n: g * _share(n.b, n.a), lambda g, n: g * _share(n.a, n.b)),
             rules=("∂min(a,b)/∂a = 1 where a < b, ½ where a = b",
                    "∂min(a,b)/∂b = 1 where b < a, ½ where a = b"),
             saves=("a", "b"), text="min(a, b)", promote="same")


def _share(winner, other):
    """1 where ``winner`` is larger, ½ on ties (PyTorch splits the gradient of a tie evenly).
    As in PyTorch, only "smaller" gives 0, so a NaN (larger than nothing) gets all of it."""
    w, o = winner._data, other._data if hasattr(other, "_data") else other
    share = 1 - (w < o) - 0.5 * (w == o)
    return _t().Tensor._make(np.asarray(share, dtype=w.dtype))


# -- elementwise functions ---------------------------------------------------------------------

def _unary(name, node_name, forward, grad, rule, saves, text):
    return Op(name, node_name, forward, grads=(grad,), rules=(rule,), saves=saves, text=text,
              promote="float")


exp = _unary("exp", "ExpBackward0", np.exp, lambda g, n: g * n.out,
             "∂(eᵃ)/∂a = eᵃ", ("out",), "exp(a)")
log = _unary("log", "LogBackward0", np.log, lambda g, n: g / n.a,
             "∂(ln a)/∂a = 1/a", ("a",), "log(a)")
sqrt = _unary("sqrt", "SqrtBackward0", np.sqrt, lambda g, n: g / (2 * n.out),
              "∂(√a)/∂a = 1/(2√a)", ("out",), "sqrt(a)")
sigmoid = _unary("sigmoid", "SigmoidBackward0", lambda a: _sigmoid(a),
                 lambda g, n: g * (1 - n.out) * n.out,
                 "∂σ(a)/∂a = σ(a)·(1 − σ(a))", ("out",), "sigmoid(a)")
tanh = _unary("tanh", "TanhBackward0", np.tanh, lambda g, n: g * (1 - n.out * n.out),
              "∂tanh(a)/∂a = 1 − tanh²(a)", ("out",), "tanh(a)")

abs = Op("abs", "AbsBackward0", np.abs, grads=(lambda g, n: g * n.a.sign(),),
         rules=("∂|a|/∂a = sign(a)",), saves=("a",), text="|a|")
relu = Op("relu", "ReluBackward0", lambda a: np.maximum(a, a.dtype.type(0)),
          grads=(lambda g, n: g * (n.out <= 0).logical_not(),),  # NaN passes, as in PyTorch
          rules=("∂relu(a)/∂a = 1 where a > 0, else 0",), saves=("out",), text="relu(a)")
clamp = Op("clamp", "ClampBackward1", lambda a, min, max: _clamp(a, min, max),
           grads=(lambda g, n: g * _inside(n.a, n.min, n.max),),
           rules=("∂clamp(a)/∂a = 1 where min ≤ a ≤ max, else 0",), saves=("a",),
           text="clamp(a)")


def _sigmoid(a):
    # Stable for large |a|: never exponentiates a positive number.
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)


def _clamp(a, lo, hi):
    out = a
    if lo is not None:
        out = np.maximum(out, a.dtype.type(lo))
    if hi is not None:
        out = np.minimum(out, a.dtype.type(hi))
    return out if out is not a else a.copy()


def _inside(a, lo, hi):
    mask = np.ones(a.shape, dtype=bool)
    if lo is not None:
        mask &= a._data >= lo
    if hi is not None:
        mask &= a._data <= hi
    return _t().Tensor._make(mask)


# -- reductions --------------------------------------------------------------------------------

def _expand_back(g, n):
    """Undo a reduction over ``n.dim``: put the reduced axes back, then broadcast (engine)."""
    if not n.keepdim:
        shape = list(n.shapes[0])
        for d in n.dim:
            shape[d] = 1
        g = g.reshape(shape)
    return g.expand(n.shapes[0])


sum_all = Op("sum", "SumBackward0", lambda a: np.sum(a, dtype=_acc(a)),
             grads=(lambda g, n: g.expand(n.shapes[0]),),
             rules=("∂(Σa)/∂aᵢ = 1",), text="sum(a)")
sum_dim = Op("sum", "SumBackward1", lambda a, dim, keepdim: np.sum(a, axis=dim, keepdims=keepdim, dtype=_acc(a)),
             grads=(_expand_back,), rules=("∂(Σa)/∂aᵢ = 1",), text="sum(a, dim)")
mean_all = Op("mean", "MeanBackward0", lambda a: np.mean(a, dtype=a.dtype),
              grads=(lambda g, n: g.expand(n.shapes[0]) / _numel(n.shapes[0]),),
              rules=("∂(mean a)/∂aᵢ = 1/N",), text="mean(a)")
mean_dim = Op("mean", "MeanBackward1", lambda a, dim, keepdim: np.mean(a, axis=dim, keepdims=keepdim, dtype=a.dtype),
              grads=(lambda g, n: _expand_back(g, n) / _numel([n.shapes[0][d] for d in n.dim]),),
              rules=("∂(mean a)/∂aᵢ = 1/N",), text="mean(a, dim)")


def _acc(a):
    # Sums of integers and bools are int64, as in PyTorch.
    return a.dtype if a.dtype.kind == "f" else np.int64


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _evenly(g, n):
    mask = (n.a == n.out) | ((n.a != n.a) & (n.out != n.out))  # a NaN maximum: the NaNs share
    return g * mask / mask.sum()


max_all = Op("max", "MaxBackward1", np.max, grads=(_evenly,),
             rules=("∂(max a)/∂aᵢ = 1/k at the k maximal elements, else 0",),
             saves=("a", "out"), text="max(a)")
min_all = Op("min", "MinBackward1", np.min, grads=(_evenly,),
             rules=("∂(min a)/∂aᵢ = 1/k at the k minimal elements, else 0",),
             saves=("a", "out"), text="min(a)")


def _take(a, dim, keepdim, indices):
    if a.ndim == 0:  # max(dim=0) of a 0-d tensor is the tensor itself
        return a.copy()
    out = np.take_along_axis(a, np.expand_dims(indices, dim), axis=dim)
    return out if keepdim else np.squeeze(out, dim)


def _at_index(g, n):
    if not n.shapes[0]:  # 0-d input: the gradient passes straight through
        return g
    hit = np.zeros(n.shapes[0], dtype=bool)
    np.put_along_axis(hit, np.expand_dims(n.indices, n.dim), True, axis=n.dim)
    return _expand_back_one(g, n) * _t().Tensor._make(hit)


def _expand_back_one(g, n):
    if not n.keepdim:
        g = g.unsqueeze(n.dim)
    return g.expand(n.shapes[0])


max_dim = Op("max", "MaxBackward0", _take, grads=(_at_index,),
             rules=("∂(max a)/∂aᵢ = 1 at the index returned, else 0",), text="max(a, dim)")
min_dim = Op("min", "MinBackward0", _take, grads=(_at_index,),
             rules=("∂(min a)/∂aᵢ = 1 at the index returned, else 0",), text="min(a, dim)")


# -- matrix products ---------------------------------------------------------------------------

mm = Op("mm", "MmBackward0", np.matmul,
        grads=(lambda g, n: g.mm(n.b.t()), lambda g, n: n.a.t().mm(g)),
        rules=("∂(A@B)/∂A = g @ Bᵀ", "∂(A@B)/∂B = Aᵀ @ g"), saves=("a", "b"), text="a @ b")
mv = Op("mv", "MvBackward0", np.matmul,
        grads=(lambda g, n: g.unsqueeze(1) * n.b, lambda g, n: n.a.t().mv(g)),
        rules=("∂(A@v)/∂A = g vᵀ", "∂(A@v)/∂v = Aᵀ g"), saves=("a", "b"), text="a @ v")
dot = Op("dot", "DotBackward0", np.dot,
         grads=(lambda g, n: g * n.b, lambda g, n: g * n.a),
         rules=("∂(a·b)/∂a = b", "∂(a·b)/∂b = a"), saves=("a", "b"), text="a · b")
bmm = Op("bmm", "BmmBackward0", np.matmul,
         grads=(lambda g, n: g.bmm(n.b.transpose(1, 2)), lambda g, n: n.a.transpose(1, 2).bmm(g)),
         rules=("∂(A@B)/∂A = g @ Bᵀ", "∂(A@B)/∂B = Aᵀ @ g"), saves=("a", "b"), text="a @ b")


# -- shape and layout (no arithmetic: the gradient is moved back into place) -------------------

view = Op("view", "ViewBackward0", lambda a, shape: a.reshape(shape),
          grads=(lambda g, n: g.reshape(n.shapes[0]),),
          rules=("the gradient is reshaped back to a's shape",), text="view(a)", view=True)
unsafe_view = Op("reshape", "UnsafeViewBackward0", lambda a, shape: a.reshape(shape),
                 grads=(lambda g, n: g.reshape(n.shapes[0]),),
                 rules=("the gradient is reshaped back to a's shape",), text="reshape(a)")
alias = Op("alias", "AliasBackward0", lambda a: a[...], grads=(lambda g, n: g,),
           rules=("∂a/∂a = 1",), text="a[...]", view=True)
clone = Op("clone", "CloneBackward0", lambda a: a.copy(),
           grads=(lambda g, n: g,), rules=("∂a/∂a = 1",), text="clone(a)")
expand = Op("expand", "ExpandBackward0", lambda a, shape: np.broadcast_to(a, shape),
            grads=(lambda g, n: g,),
            rules=("copies share one gradient: summed back to a's shape",), text="expand(a)",
            view=True)
transpose = Op("transpose", "TransposeBackward0", lambda a, dim0, dim1: np.swapaxes(a, dim0, dim1),
               grads=(lambda g, n: g.transpose(n.dim0, n.dim1),),
               rules=("the gradient is transposed back",), text="transpose(a)", view=True)
t = Op("t", "TBackward0", lambda a: a.T, grads=(lambda g, n: g.t(),),
       rules=("the gradient is transposed back",), text="aᵀ", view=True)
permute = Op("permute", "PermuteBackward0", lambda a, dims: np.transpose(a, dims),
             grads=(lambda g, n: g.permute(tuple(np.argsort(n.dims))),),
             rules=("the gradient's axes are put back in order",), text="permute(a)", view=True)
unsqueeze = Op("unsqueeze", "UnsqueezeBackward0", lambda a, dim: np.expand_dims(a, dim),
               grads=(lambda g, n: g.reshape(n.shapes[0]),),
               rules=("the added axis is removed from the gradient",), text="unsqueeze(a)", view=True)
squeeze = Op("squeeze", "SqueezeBackward1", lambda a, dim: np.squeeze(a, dim),
             grads=(lambda g, n: g.reshape(n.shapes[0]),),
             rules=("the removed axis is put back into the gradient",), text="squeeze(a)", view=True)
# squeeze() without a dim is yet another overload of squeeze in PyTorch, with its own node name.
squeeze_all = Op("squeeze", "SqueezeBackward0", lambda a, dim: np.squeeze(a, dim),
                 grads=(lambda g, n: g.reshape(n.shapes[0]),),
                 rules=("the removed axes are put back into the gradient",), text="squeeze(a)",
                 view=True)
# matmul of a vector by a matrix squeezes with another overload of squeeze: PyTorch's name differs.
squeeze_matmul = Op("squeeze", "SqueezeBackward4", lambda a, dim: np.squeeze(a, dim),
                    grads=(lambda g, n: g.reshape(n.shapes[0]),),
                    rules=("the removed axis is put back into the gradient",), text="squeeze(a)",
                    view=True)
to_dtype = Op("to", "ToCopyBackward0", lambda a, dtype: a.astype(dtype.np),
              grads=(lambda g, n: g,), rules=("∂a/∂a = 1 (the gradient is cast back)",),
              text="a.to(dtype)")


# -- indexing ----------------------------------------------------------------------------------

def _embed_forward(g, shape, key):
    out = np.zeros(shape, dtype=g.dtype)
    np.add.at(out, key, g)  # repeated indices accumulate
    return out


def _embed(node_name):
    # The backward of an indexing op, itself differentiable (its gradient indexes again).
    return Op("embed", node_name, _embed_forward,
              grads=(lambda g, n: g._index(n.key),),
              rules=("the gradient is read back at the same positions",), text="embed(g)")


embed_select = _embed("SelectBackwardBackward0")
embed_slice = _embed("SliceBackwardBackward0")
embed_index = _embed("IndexPutImplBackward0")  # index_put_(accumulate=True) -> _index_put_impl_


def _scatter_back(op):
    return lambda g, n: g._apply(op, shape=n.shapes[0], key=n.key)


select = Op("select", "SelectBackward0", lambda a, key: a[key + (Ellipsis,)],  # a 0-d view, not a copy
            grads=(_scatter_back(embed_select),),
            rules=("the gradient goes to the selected position, 0 elsewhere",),
            text="a[i]", view=True)
# Iterating over a tensor unbinds it: PyTorch records one UnbindBackward0 shared by the pieces;
# here each piece gets its own node of that name. The derivative is select's.
unbind = Op("unbind", "UnbindBackward0", lambda a, key: a[key + (Ellipsis,)],
            grads=(_scatter_back(embed_select),), rules=select.rules, text="for row in a",
            view=True)
slice = Op("slice", "SliceBackward0", lambda a, key: a[key],
           grads=(_scatter_back(embed_slice),),
           rules=("the gradient goes to the sliced positions, 0 elsewhere",),
           text="a[i:j]", view=True)
index = Op("index", "IndexBackward0", lambda a, key: a[key],
           grads=(_scatter_back(embed_index),),
           rules=("the gradient goes to the indexed positions (repeats add up), 0 elsewhere",),
           text="a[idx]")


def _copy_slices_forward(a, b, key):
    out = a.copy()
    out[key] = b
    return out


def _masked_out(g, n):
    keep = np.ones(n.shapes[0], dtype=bool)
    keep[n.key] = False
    return g * _t().Tensor._make(keep)


copy_slices = Op("setitem", "CopySlices", _copy_slices_forward,
                 grads=(_masked_out, lambda g, n: g._index(n.key)),
                 rules=("overwritten positions get 0, the rest pass through",
                        "the value gets the gradient of the positions it was written to"),
                 text="a[i] = b")  # no promotion: the value is cast to a's dtype, as in PyTorch
# Assigning through advanced indices only (``y[idx] = v``, ``y[mask] = 0``) is index_put_ in
# PyTorch, not a write into a view: same derivatives as CopySlices, another node.
index_put = Op("setitem", "IndexPutBackward0", _copy_slices_forward, grads=copy_slices.grads,
               rules=copy_slices.rules, text="a[idx] = b")
masked_fill = Op("masked_fill", "MaskedFillBackward0",
                 lambda a, mask, value: np.where(mask, np.asarray(value, dtype=a.dtype), a),
                 grads=(lambda g, n: g.masked_fill(_t().Tensor._make(n.mask), 0.0),),
                 rules=("∂/∂a = 1 where the mask is False, 0 where it was filled",),
                 text="a.masked_fill(mask, v)")
fill = Op("fill_", "FillBackward2", lambda a, value: np.full_like(a, value),
          grads=(lambda g, n: zeros_like_grad(g),),
          rules=("the old values are overwritten: their gradient is 0",), text="a.fill_(v)")
# Writing all of a tensor (``y.copy_(v)``, ``y[...] = v``, ``y[:] = v``) is copy_ in PyTorch, not
# a write into a view; a number written that way is fill_ with a 0-d tensor: another overload.
copy = Op("copy_", "CopyBackwards",
          lambda a, b: np.broadcast_to(np.asarray(b, dtype=a.dtype), a.shape).copy(),
          grads=(lambda g, n: zeros_like_grad(g), lambda g, n: g),
          rules=("the old values are overwritten: their gradient is 0",
                 "∂a/∂b = 1 (summed back to b's shape)"), text="a.copy_(b)")
fill_tensor = Op("fill_", "FillBackward3", lambda a, value: np.full_like(a, value),
                 grads=fill.grads, rules=fill.rules, text="a[...] = v")
zero = Op("zero_", "ZeroBackward0", lambda a: np.zeros_like(a),
          grads=(lambda g, n: zeros_like_grad(g),),
          rules=("the old values are overwritten: their gradient is 0",), text="a.zero_()")



# -- neural-network ops ------------------------------------------------------------------------
# What gradlab.nn.functional records: each is one node in PyTorch's graph too (nn.Linear on a
# batch is one AddmmBackward0; cross_entropy is NllLossBackward0 over LogSoftmaxBackward0).

addmm = Op("addmm", "AddmmBackward0", lambda a, b, c: np.add(a, np.matmul(b, c)),
           grads=(lambda g, n: g, lambda g, n: g.mm(n.c.t()), lambda g, n: n.b.t().mm(g)),
           rules=("∂(a + b@c)/∂a = 1", "∂(a + b@c)/∂b = g @ cᵀ", "∂(a + b@c)/∂c = bᵀ @ g"),
           saves=("b", "c"), text="a + b @ c  (bias + x @ Wᵀ)")


def _log_softmax(a, dim):
    if a.ndim == 0:
        return np.zeros_like(a)
    shifted = a - np.max(a, axis=dim, keepdims=True)  # exp never overflows: the largest term is e⁰
    return shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))


def _softmax(a, dim):
    if a.ndim == 0:
        return np.ones_like(a)
    e = np.exp(a - np.max(a, axis=dim, keepdims=True))
    return e / np.sum(e, axis=dim, keepdims=True)


def _sum_keep(t, dim):
    return t.sum() if t.ndim == 0 else t.sum(dim, keepdim=True)


log_softmax = Op("log_softmax", "LogSoftmaxBackward0", _log_softmax,
                 grads=(lambda g, n: g - n.out.exp() * _sum_keep(g, n.dim),),
                 rules=("∂log_softmax(a)ᵢ/∂aⱼ = δᵢⱼ − softmax(a)ⱼ, so the gradient is g − softmax(a)·Σg",),
                 saves=("out",), text="log_softmax(a, dim)")
softmax = Op("softmax", "SoftmaxBackward0", _softmax,
             grads=(lambda g, n: n.out * (g - _sum_keep(g * n.out, n.dim)),),
             rules=("∂softmax(a)ᵢ/∂aⱼ = sᵢ(δᵢⱼ − sⱼ), so the gradient is s·(g − Σ g·s)",),
             saves=("out",), text="softmax(a, dim)")


def _nll_weights(logp_shape, dtype, target, weight, ignore_index):
    """Per-row class weight of the target (0 where the target is ignored), and safe indices."""
    t = np.asarray(target).reshape(-1)
    valid = t != ignore_index
    safe = np.where(valid, t, 0)
    w = np.ones(logp_shape[-1], dtype) if weight is None else np.asarray(weight, dtype)
    return np.where(valid, w[safe], 0).astype(dtype), safe, valid


def _nll_loss(a, target, weight, reduction, ignore_index):
    rows = a.reshape(-1, a.shape[-1])  # (C,) -> (1, C)
    wt, safe, valid = _nll_weights(a.shape, a.dtype, target, weight, ignore_index)
    picked = np.where(valid, -np.take_along_axis(rows, safe[:, None], axis=1)[:, 0] * wt, 0).astype(a.dtype)
    if reduction == "none":
        return picked.reshape(np.shape(target))
    total = np.sum(picked, dtype=a.dtype)
    return total if reduction == "sum" else total / np.sum(wt, dtype=a.dtype)


def _nll_grad(g, n):
    shape, dtype = n.shapes[0], n.dtypes[0].np
    wt, safe, _ = _nll_weights(shape, dtype, n.target, n.weight, n.ignore_index)
    if n.reduction == "mean":
        with np.errstate(all="ignore"):
            wt = wt / np.sum(wt, dtype=dtype)
    m = np.zeros((len(safe), shape[-1]), dtype)
    m[np.arange(len(safe)), safe] = -wt
    if n.reduction == "none" and g.ndim:
        g = g.unsqueeze(-1)
    return g * _t().Tensor._make(m.reshape(shape))


nll_loss = Op("nll_loss", "NllLossBackward0", _nll_loss, grads=(_nll_grad,),
              rules=("∂(−a[target])/∂a = −1 at each row's target (÷ the number of rows for the mean), 0 elsewhere",),
              text="−a[target]")


def _mse_loss(a, b, reduction):
    d = a - b
    sq = d * d
    if reduction == "none":
        return sq
    return np.sum(sq, dtype=sq.dtype) if reduction == "sum" else np.mean(sq, dtype=sq.dtype)


def _mse_grad(g, n):
    norm = 2.0 / max(_numel(n.shapes[0]), 1) if n.reduction == "mean" else 2.0
    return (n.a - n.b) * norm * g


mse_loss = Op("mse_loss", "MseLossBackward0", _mse_loss,
              grads=(_mse_grad, lambda g, n: -_mse_grad(g, n)),
              rules=("∂ mean((a−b)²)/∂a = 2(a−b)/N  (2(a−b) for the sum)",
                     "∂ mean((a−b)²)/∂b = −2(a−b)/N  (−2(a−b) for the sum)"),
              saves=("a", "b"), text="mean((a − b)²)", promote="same")


# -- joining and choosing: cat, stack (any number of inputs), where ------------------------------

class EachInput:
    """The rules of an op with any number of inputs: ``rules[i]`` for every input position i."""

    def __init__(self, make):
        self._make = make

    def __getitem__(self, i):
        return self._make(i)

    def __len__(self):
        return 1 << 30  # every position has a rule


def _cat_part(i):
    def rule(g, n):
        start = sum(shape[n.dim] for shape in n.shapes[:i])
        key = (builtins.slice(None),) * n.dim + (builtins.slice(start, start + n.shapes[i][n.dim]),)
        return g._apply(slice, key=key)  # the slice op defined above
    return rule


cat = Op("cat", "CatBackward0", lambda *arrays, dim: np.concatenate(arrays, axis=dim),
         grads=EachInput(_cat_part),
         rules=EachInput(lambda i: f"input {i} gets its own stretch of the gradient along dim"),
         text="cat([a, b, …])", promote="same")
stack = Op("stack", "StackBackward0", lambda *arrays, dim: np.stack(arrays, axis=dim),
           grads=EachInput(lambda i: lambda g, n: g._apply(select, key=(builtins.slice(None),) * n.dim + (i,))),
           rules=EachInput(lambda i: f"input {i} gets slice {i} of the gradient along dim"),
           text="stack([a, b, …])", promote="same")
where = Op("where", "WhereBackward0", lambda a, b, condition: np.where(condition, a, b),
           grads=(lambda g, n: g.masked_fill(_t().Tensor._make(~n.condition), 0.0),
                  lambda g, n: g.masked_fill(_t().Tensor._make(n.condition), 0.0)),
           rules=("∂/∂a = 1 where the condition holds, else 0",
                  "∂/∂b = 1 where the condition fails, else 0"),
           text="where(c, a, b)", promote="same")


# -- writing through a view (``v = y[0]; v.mul_(3)``) ------------------------------------------
# A view remembers the view ops (op, params) that made it from its base. An in-place op on the
# view rewrites the base's history, as PyTorch does: the base becomes CopySlices(old base, new
# view values), and the view becomes AsStrided(base), the same elements read again.

def view_of(array, chain):
    """Replay a view's chain of view ops on an array of its base's shape."""
    for op, params in chain:
        array = op.forward(array, **params)
    return array


def view_region(shape, chain):
    """Which elements of the base a view covers (a boolean mask); refuses overlapping views."""
    ids = np.asarray(view_of(np.arange(_numel(shape)).reshape(shape), chain)).ravel()
    if len(np.unique(ids)) != ids.size:
        raise error("overlapping_write")
    mask = np.zeros(_numel(shape), dtype=bool)
    mask[ids] = True
    return mask.reshape(shape)


def _scatter_into_view(g, shape, chain):
    out = np.zeros(shape, dtype=g.dtype)
    view_of(out, chain)[...] = g
    return out


as_strided_scatter = Op("as_strided_scatter", "AsStridedScatterBackward0", _scatter_into_view,
                        grads=(lambda g, n: g._apply(as_strided, chain=n.chain),),
                        rules=("the gradient is read back at the view's positions",),
                        text="scatter(g)")
as_strided = Op("as_strided", "AsStridedBackward0", lambda a, chain: view_of(a, chain),
                grads=(lambda g, n: g._apply(as_strided_scatter, shape=n.shapes[0], chain=n.chain),),
                rules=("the gradient goes to the elements the view covers, 0 elsewhere",),
                text="view of a", view=True)


def _write_view(a, b, chain):
    out = a.copy()
    view_of(out, chain)[...] = b
    return out


copy_slices_view = Op("copy_slices", "CopySlices", _write_view,
                      grads=(lambda g, n: g.masked_fill(_t().Tensor._make(view_region(n.shapes[0], n.chain)), 0.0),
                             lambda g, n: g._apply(as_strided, chain=n.chain)),
                      rules=("elements the view overwrote get 0, the rest pass through",
                             "the new view values get the gradient of the elements they hold"),
                      text="a with view(a) = b")


# The table every consumer (engine, diagrams, stepper, tests) can walk.
ALL = tuple(v for v in list(globals().values()) if isinstance(v, Op))
BY_NODE_NAME = {op.node_name: op for op in ALL}
