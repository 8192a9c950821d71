"""Every differentiable operation, each defined once: the op table.

An ``Op`` holds what the whole project needs to know about one operation:

- ``name``: PyTorch's name for it (``mul``), and ``node_name``, the backward node PyTorch
  records (``MulBackward0``);
- ``forward``: NumPy arrays in, a NumPy array out;
- ``text``: the forward, for learners (``a · b``);
- ``rules``: one ``Rule`` per input, as in PyTorch's ``derivatives.yaml``: the input's name
  (``self``, ``other``, ...), the derivative for learners (``∂(a·b)/∂a = b``) and the function
  that computes it. The function's parameters say what it reads: ``grad`` (the gradient arriving
  at the output), inputs by name, ``result`` (the output), the op's parameters (``dim``, ...)
  and ``self_shape`` (an input's shape). Only what the rules of inputs that need a gradient read
  is saved at forward time.

Rules run on NumPy arrays in an ordinary ``backward()`` and on Tensors under
``create_graph=True`` (then they are recorded too, and higher derivatives work). So they are
written with operators (``grad * other``) and with the functions below that accept either kind:
the ops themselves (``exp(result)``) and a few array/Tensor pairs (``reshape``, ``mm``, ...).

Rules never undo broadcasting: the engine reduces every gradient to its input's shape in one
place (``sum_to``). The engine, diagrams, stepper and tests all read this table; an op with
``method=True`` also becomes a ``Tensor`` method and a ``gradlab.<name>`` function, and its
``tests`` domains become rows of the test table (``tests/op_cases.py``).

The basics come first; ``gradlab._parity_ops`` holds the nodes PyTorch records for indexing,
in-place writes and views, which a learner meets only by name.
"""
from __future__ import annotations

import builtins
import math

import numpy as np

from . import _sleef
from ._dtype import LEGACY_NAMES
from ._sums import torch_order_sum
from .errors import error


class Rule:
    """The derivative of an op for one input: what a learner reads and what the engine runs."""

    __slots__ = ("input", "text", "fn", "reads")

    def __init__(self, input, text, fn, reads=None):
        self.input = input    # the input's name, as derivatives.yaml names it: self, other, ...
        self.text = text      # "∂(a·b)/∂a = b"
        self.fn = fn          # fn(grad, *reads) -> the gradient for this input
        code = fn.__code__
        self.reads = tuple(code.co_varnames[1:code.co_argcount]) if reads is None else reads

    def __repr__(self):
        return f"<rule for {self.input}: {self.text}>"


class Op:
    __slots__ = ("name", "node_name", "forward", "text", "rules", "inputs", "promote", "view",
                 "scalar", "inplace_ufunc", "method", "check", "tests", "inplace", "saves",
                 "_saves_for", "metadata")

    def __init__(self, name, node_name, forward, text="", rules=(), *, promote=None, view=False,
                 scalar=None, inplace_ufunc=False, method=False, check=None, tests=(),
                 inplace_node=None):
        self.name = name
        self.node_name = node_name
        self.forward = forward
        self.text = text
        self.rules = tuple(rules)
        self.inputs = tuple(r.input for r in self.rules)
        self.promote = promote              # None, "same" (PyTorch's result_type) or "float"
        self.view = view                    # the output shares memory with the first input
        self.scalar = scalar                # the parameter that is a Python number in promotion
        self.inplace_ufunc = inplace_ufunc  # forward is a ufunc that can write into its input
        self.method = method                # also a Tensor method and a gradlab.<name> function
        self.check = check                  # check(self) raises PyTorch's error for bad input
        self.tests = tests                  # value domains for the generated test rows
        # What ``x.<name>_()`` records: this op, or (``inplace_node``) a node of that name whose
        # derivative PyTorch leaves unimplemented (derivatives.yaml: ``not_implemented(...)``).
        self.inplace = self if inplace_node is None else Op(
            name + "_", inplace_node, forward, text, [Rule("self", "not implemented in PyTorch",
                                                           _not_implemented(name), reads=())])
        # Every tensor any rule may read (an in-place op copies its input when "self" is here).
        self.saves = tuple(dict.fromkeys(
            k for r in self.rules for k in r.reads if k == "result" or k in self.inputs))
        self._saves_for = {}
        # What a rule may read about an input besides its value: {"self_shape": (0, "shape"), ...}
        self.metadata = {f"{name}_{what}": (k, what) for k, name in enumerate(self.inputs)
                         for what in ("shape", "dtype")}

    @property
    def variadic(self):
        """An op with any number of inputs (cat, stack): one rule serves every position."""
        return self.inputs == ("tensors",)

    def rule(self, i):
        return self.rules[0] if self.variadic else self.rules[i]

    def rule_text(self, i):
        return self.rules[0].text.format(i=i) if self.variadic else self.rules[i].text

    def saves_for(self, needed):
        """What to save when only the inputs whose bits are set in ``needed`` need a gradient:
        (name, input index) pairs, index -1 for the result. As PyTorch's generated nodes: an
        input only when a needed rule reads it, the result whenever any rule does; in the order
        they are unpacked (and version-checked) in backward: inputs by name, then the result."""
        pairs = self._saves_for.get(needed)
        if pairs is None:
            inputs = {k for i in range(max(len(self.inputs), needed.bit_length()))
                      if needed >> i & 1 for k in self.rule(i).reads
                      if k in self.inputs and k != "result"}
            names = tuple(sorted(inputs)) + (("result",) if "result" in self.saves else ())
            pairs = tuple((k, -1 if k == "result" else self.inputs.index(k)) for k in names)
            self._saves_for[needed] = pairs
        return pairs

    def __call__(self, *inputs, **params):
        """Apply the op inside a rule: on arrays it is its forward, on Tensors it is recorded."""
        if hasattr(inputs[0], "_data"):
            from ._record import record
            return record(self, *inputs, **params)
        return self.forward(*inputs, **params)

    def __repr__(self):
        return f"<op {self.name}: {self.node_name}>"


def _not_implemented(name):
    def rule(grad):
        raise error("inplace_derivative", name=name)
    return rule


# -- what rules are written with: each works on arrays and on Tensors --------------------------

def _pair(array_fn, method):
    def fn(x, *args):
        if hasattr(x, "_data"):
            return getattr(x, method)(*args)
        return array_fn(x, *args)
    fn.__name__ = method
    return fn


def like(x, array):
    """``array`` in the kind of ``x``: a Tensor (with no history) when rules run on Tensors."""
    return x._make(array) if hasattr(x, "_data") else array


def raw(x):
    return x._data if hasattr(x, "_data") else x


def _expand_array(a, shape):
    if a.ndim == 0:  # a reduction's gradient: a filled array is 10x quicker than broadcast_to
        out = np.empty(shape, a.dtype)
        out.fill(a)
        return out
    return np.broadcast_to(a, shape)


def sign_array(a):
    if a.dtype == np.bool_:
        return a.copy()
    out = np.asarray(np.sign(a))
    if out.dtype.kind == "f":  # PyTorch: sign(nan) = 0 (so abs'(nan) = 0 too)
        out = np.where(np.isnan(out), out.dtype.type(0), out)
    return out


reshape = _pair(np.reshape, "reshape")
broadcast_to = _pair(_expand_array, "expand")
isfinite = _pair(np.isfinite, "isfinite")
zeros_like = _pair(np.zeros_like, "_zeros_like")


def sum_to(grad, shape):
    """Reduce a gradient of a broadcast result back to the shape of the input it belongs to:
    the one place broadcasting is undone."""
    if grad.shape == shape:
        return grad
    axes = reduced_axes(grad.shape, shape)
    if not hasattr(grad, "_data"):  # an array (plain backward): the ndarray methods, no op call
        if axes:
            summed = torch_order_sum(grad, axes, True)  # float32: PyTorch's order (_sums.py)
            grad = _contiguous(np.add.reduce(grad, axis=axes, keepdims=True)) if summed is None else summed
        return grad.reshape(shape) if grad.shape != shape else grad
    if axes:
        grad = sum_dim(grad, dim=axes, keepdim=True)
    return reshape(grad, shape) if grad.shape != shape else grad


def reduced_axes(grad_shape, shape):
    """The axes broadcasting added or stretched, which must be summed to get back to ``shape``."""
    lead = len(grad_shape) - len(shape)
    return tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and grad_shape[lead + i] != 1)


def numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


# == the basics ================================================================================

# -- elementwise arithmetic (Python numbers on either side) ------------------------------------

add = Op("add", "AddBackward0", np.add, "a + b", [
    Rule("self", "∂(a+b)/∂a = 1", lambda grad: grad),
    Rule("other", "∂(a+b)/∂b = 1", lambda grad: grad),
], promote="same", inplace_ufunc=True)

sub = Op("sub", "SubBackward0", np.subtract, "a − b", [
    Rule("self", "∂(a−b)/∂a = 1", lambda grad: grad),
    Rule("other", "∂(a−b)/∂b = −1", lambda grad: -grad),
], promote="same", inplace_ufunc=True)

# ``a.add(b, alpha=k)`` / ``a.sub(b, alpha=k)``: one node, as PyTorch records (not a MulBackward0
# for b·k): the scaled input's gradient is scaled too.
def _fma32(a, b, alpha):
    """``a + alpha·b`` rounded once in float32: PyTorch's kernel is a fused multiply-add (alpha
    itself rounded to float32 first). Computed in float64 (the product is exact there) and rounded
    once more; other dtypes round the product and the sum. A Python number ``b`` is a 0-d tensor
    of ``a``'s dtype, as PyTorch wraps it."""
    if not hasattr(b, "dtype"):
        b = np.asarray(b, a.dtype)
    if a.dtype == np.float32 and b.dtype == np.float32:
        return (a.astype(np.float64) + b.astype(np.float64) * float(np.float32(alpha))).astype(np.float32)
    return np.add(a, b * alpha)


add_alpha = Op("add", "AddBackward0", lambda a, b, alpha: _fma32(a, b, alpha),
               "a + k·b", [
    Rule("self", "∂(a+k·b)/∂a = 1", lambda grad: grad),
    Rule("other", "∂(a+k·b)/∂b = k", lambda grad, alpha: grad * alpha),
], promote="same")
sub_alpha = Op("sub", "SubBackward0", lambda a, b, alpha: _fma32(a, b, -alpha),
               "a − k·b", [
    Rule("self", "∂(a−k·b)/∂a = 1", lambda grad: grad),
    Rule("other", "∂(a−k·b)/∂b = −k", lambda grad, alpha: grad * -alpha),
], promote="same")

mul = Op("mul", "MulBackward0", np.multiply, "a · b", [
    Rule("self", "∂(a·b)/∂a = b", lambda grad, other: grad * other),
    Rule("other", "∂(a·b)/∂b = a", lambda grad, self: grad * self),
], promote="same", inplace_ufunc=True)

div = Op("div", "DivBackward0", np.true_divide, "a / b", [
    Rule("self", "∂(a/b)/∂a = 1/b", lambda grad, other: grad / other),
    Rule("other", "∂(a/b)/∂b = −a/b²", lambda grad, self, other: -grad * ((self / other) / other)),
], promote="float")

neg = Op("neg", "NegBackward0", np.negative, "−a", [
    Rule("self", "∂(−a)/∂a = −1", lambda grad: -grad),
])

reciprocal = Op("reciprocal", "ReciprocalBackward0", lambda a: np.divide(1, a, dtype=a.dtype),
                "1 / a", [
    Rule("self", "∂(1/a)/∂a = −1/a²", lambda grad, result: -grad * (result * result)),
], promote="float", method=True, tests=("nonzero",))

rsub = Op("rsub", "RsubBackward1", lambda a, other: np.subtract(other, a, dtype=a.dtype),
          "c − a", [
    Rule("self", "∂(c−a)/∂a = −1", lambda grad: -grad),
], promote="same", scalar="other")


def _pow_scalar_grad(grad, self, exponent):
    if exponent == 0:
        return zeros_like(grad)
    if exponent == 2:  # the common square: same values, one temporary array fewer
        return grad * (2 * self)
    return grad * (exponent * pow_scalar(self, exponent=exponent - 1))


def _pow_scalar(a, exponent):
    # PyTorch's CPU kernel multiplies out the small integer powers (PowKernel.cpp): x³ is x·x·x,
    # which can differ from NumPy's power in the last bit.
    if a.dtype.kind != "b" and (exponent == 2 or exponent == 3):
        return a * a if exponent == 2 else a * a * a
    if a.dtype == np.float32:  # as PyTorch: √, 1/√, 1/x² and a copy for these exponents,
        if exponent == 0.5:      # and for the others SLEEF's powf on blocks, the double pow on
            return np.sqrt(a)    # tails (gradlab/_sleef.py)
        if exponent == -0.5:
            return np.divide(1, np.sqrt(a), dtype=a.dtype)
        if exponent == -2:
            return np.divide(1, a * a, dtype=a.dtype)
        if exponent == 1:
            return a.copy()
        if exponent != -1:
            return _sleef.pow_scalar(a, exponent)
    return np.power(a, a.dtype.type(exponent)).astype(a.dtype, copy=False)


pow_scalar = Op("pow", "PowBackward0", _pow_scalar, "a ** n", [
    Rule("self", "∂(aⁿ)/∂a = n·aⁿ⁻¹", _pow_scalar_grad),
], promote="same", scalar="exponent")

pow_tensor = Op("pow", "PowBackward1", np.power, "a ** b", [
    # (``result`` unused: PyTorch saves and checks it even when only the base needs a gradient)
    Rule("self", "∂(aᵇ)/∂a = b·aᵇ⁻¹", lambda grad, self, other, result: masked_fill(
        grad * (other * pow_tensor(self, other - 1)), mask=raw(other == 0), value=0.0)),
    # (PyTorch multiplies the gradient by the masked term here, so a nan gradient stays nan)
    Rule("other", "∂(aᵇ)/∂b = aᵇ·ln a", lambda grad, self, other, result: grad * masked_fill(
        result * log(self), mask=raw((self == 0) & (other >= 0)), value=0.0)),
], promote="same")


def _rpow_grad(grad, result, base):
    if base == 0:  # d(0ᵃ)/da = 0ᵃ·ln 0 is 0 for a ≥ 0 (where 0ᵃ is finite), as in PyTorch
        return masked_fill(grad * (result * -math.inf), mask=raw(isfinite(result)), value=0.0)
    return grad * (result * math.log(base))


rpow = Op("pow", "PowBackward2", lambda a, base: np.power(a.dtype.type(base), a), "c ** a", [
    Rule("self", "∂(cᵃ)/∂a = cᵃ·ln c", _rpow_grad),
], promote="same", scalar="base")


# remainder (Python's %: the sign of the divisor) and fmod (C's: the sign of the dividend).
# a − b·floor(a/b) is a step function of b times b: its derivative in b is −floor(a/b).
def _remainder(a, b):
    if a.dtype.kind != "f":
        return np.remainder(a, b)
    # PyTorch's kernel: C's fmod, moved into the divisor's sign (so 7 % -1 is 0., not -0.)
    mod = np.fmod(a, b)
    return np.where((mod != 0) & ((b < 0) != (mod < 0)), mod + b, mod).astype(a.dtype, copy=False)


remainder_scalar = Op("remainder", "RemainderBackward0",
                      lambda a, other: _remainder(a, a.dtype.type(other)), "a % c", [
    Rule("self", "∂(a mod c)/∂a = 1", lambda grad: grad),
], promote="same", scalar="other")

remainder = Op("remainder", "RemainderBackward1", _remainder, "a % b", [
    Rule("self", "∂(a mod b)/∂a = 1", lambda grad: grad),
    Rule("other", "∂(a mod b)/∂b = −floor(a/b)",
         lambda grad, self, other: -grad * like(grad, np.floor_divide(raw(self), raw(other)))),
], promote="same")

fmod_scalar = Op("fmod", "FmodBackward0", lambda a, other: np.fmod(a, a.dtype.type(other)),
                 "fmod(a, c)", [
    Rule("self", "∂fmod(a, c)/∂a = 1", lambda grad: grad),
], promote="same", scalar="other")

fmod = Op("fmod", "FmodBackward1", np.fmod, "fmod(a, b)", [
    Rule("self", "∂fmod(a, b)/∂a = 1", lambda grad: grad),
    Rule("other", "∂fmod(a, b)/∂b = −trunc(a/b)",
         lambda grad, self, other: -grad * like(grad, np.trunc(raw(self) / raw(other)))),
], promote="same")


# Floor division (//) is a step function: PyTorch gives it no derivative (derivatives.yaml:
# not_implemented) but records a node named "NotImplemented" whose backward raises. So does a
# remainder whose dividend is a Python number (PyTorch's remainder.Scalar_Tensor).
def _no_derivative(name):
    def rule(grad):
        raise error("derivative_not_implemented", name=name)
    return rule


def _undefined(name, forward, text, inputs, **kw):
    return Op(name, "NotImplemented", forward, text,
              [Rule(i, "not implemented in PyTorch", _no_derivative(name), reads=()) for i in inputs],
              promote="same", **kw)


def _rev(forward):
    return lambda a, base: forward(np.asarray(base, a.dtype), a)


# NumPy's floor_divide is PyTorch's div_floor bit for bit (fmod, then correct towards −inf;
# x // 0 is x / 0 for floats); integer division by zero is refused before it runs.
floor_divide = _undefined("floor_divide", np.floor_divide, "⌊a / b⌋", ("self", "other"))
floor_divide_scalar = _undefined("floor_divide", lambda a, other: np.floor_divide(a, a.dtype.type(other)),
                                 "⌊a / c⌋", ("self",), scalar="other")
rfloor_divide = _undefined("floor_divide", _rev(np.floor_divide), "⌊c / a⌋", ("self",), scalar="base")
floor_divide_inplace = _undefined("floor_divide_", np.floor_divide, "⌊a / b⌋", ("self", "other"))
floor_divide_scalar_inplace = _undefined(
    "floor_divide_", floor_divide_scalar.forward, "⌊a / c⌋", ("self",), scalar="other")
rremainder = _undefined("remainder", _rev(_remainder), "c % a", ("self",), scalar="base")


# -- elementwise functions ---------------------------------------------------------------------

exp = Op("exp", "ExpBackward0", np.exp, "exp(a)", [
    Rule("self", "∂(eᵃ)/∂a = eᵃ", lambda grad, result: grad * result),
], promote="float", method=True, tests=("wide", "real"))

log = Op("log", "LogBackward0", np.log, "log(a)", [
    Rule("self", "∂(ln a)/∂a = 1/a", lambda grad, self: grad / self),
], promote="float", method=True, tests=("pos",))

sqrt = Op("sqrt", "SqrtBackward0", np.sqrt, "sqrt(a)", [
    Rule("self", "∂(√a)/∂a = 1/(2√a)", lambda grad, result: grad / (2 * result)),
], promote="float", method=True, tests=("pos",))


def _sigmoid(a):
    # Stable for large |a|: never exponentiates a positive number.
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)


sigmoid = Op("sigmoid", "SigmoidBackward0", _sigmoid, "sigmoid(a)", [
    Rule("self", "∂σ(a)/∂a = σ(a)·(1 − σ(a))", lambda grad, result: grad * (1 - result) * result),
], promote="float", method=True, tests=("wide", "real"))

def _one_minus_square(y):
    """``1 − y²`` as PyTorch's tanh backward computes it in float32: one fused multiply-add, one
    rounding (float64 holds y² exactly). Under create_graph the rule records the plain formula."""
    from .autograd.grad_mode import _state
    if raw(y).dtype == np.float32 and not (hasattr(y, "_data") and _state.enabled):
        return like(y, (1 - np.square(raw(y), dtype=np.float64)).astype(np.float32))
    return 1 - y * y


tanh = Op("tanh", "TanhBackward0", np.tanh, "tanh(a)", [
    Rule("self", "∂tanh(a)/∂a = 1 − tanh²(a)", lambda grad, result: grad * _one_minus_square(result)),
], promote="float", method=True, tests=("wide", "real"))


# Computed in float64 and rounded once: PyTorch's float32 kernels (MKL's VML or SLEEF, within
# 1 ulp) nearly always give the correctly rounded value, which NumPy's float32 loops often miss
# by an ulp or two (measured on 200,000 inputs each: docs/new_ops_spec.md §6 and §9).
def _rounded(ufunc):
    def forward(a):
        if a.dtype == np.float32:
            return ufunc(a, dtype=np.float64).astype(np.float32)
        return ufunc(a)
    forward.__name__ = ufunc.__name__
    return forward


def _elementwise(fn):
    """A function of the math module (erf, erfc: no NumPy ufunc) applied to every element."""
    def forward(a):
        flat = [fn(v) for v in a.ravel().tolist()]
        return np.array(flat, dtype=np.float64).astype(a.dtype).reshape(a.shape)
    forward.__name__ = fn.__name__
    return forward


_LN2, _LN10, _2_SQRTPI = 0.6931471805599453, 2.3025850929940456, 2 / math.sqrt(math.pi)

sin = Op("sin", "SinBackward0", _rounded(np.sin), "sin(a)", [
    Rule("self", "∂sin(a)/∂a = cos(a)", lambda grad, self: grad * cos(self)),
], promote="float", method=True, tests=("real",))

cos = Op("cos", "CosBackward0", _rounded(np.cos), "cos(a)", [
    Rule("self", "∂cos(a)/∂a = −sin(a)", lambda grad, self: grad * -sin(self)),
], promote="float", method=True, tests=("real",))

tan = Op("tan", "TanBackward0", _rounded(np.tan), "tan(a)", [
    Rule("self", "∂tan(a)/∂a = 1 + tan²(a)", lambda grad, result: grad * (1 + result * result)),
], promote="float", method=True, tests=("small",))

asin = Op("asin", "AsinBackward0", _rounded(np.arcsin), "asin(a)", [
    Rule("self", "∂asin(a)/∂a = 1/√(1 − a²)", lambda grad, self: grad * rsqrt(-self * self + 1)),
], promote="float", method=True, tests=("unit",))

acos = Op("acos", "AcosBackward0", _rounded(np.arccos), "acos(a)", [
    Rule("self", "∂acos(a)/∂a = −1/√(1 − a²)", lambda grad, self: grad * -rsqrt(-self * self + 1)),
], promote="float", method=True, tests=("unit",))

atan = Op("atan", "AtanBackward0", _rounded(np.arctan), "atan(a)", [
    Rule("self", "∂atan(a)/∂a = 1/(1 + a²)", lambda grad, self: grad / (self * self + 1)),
], promote="float", method=True, tests=("real",))

sinh = Op("sinh", "SinhBackward0", _sleef.sinh, "sinh(a)", [
    Rule("self", "∂sinh(a)/∂a = cosh(a)", lambda grad, self: grad * cosh(self)),
], promote="float", method=True, tests=("real",))

cosh = Op("cosh", "CoshBackward0", _sleef.cosh, "cosh(a)", [
    Rule("self", "∂cosh(a)/∂a = sinh(a)", lambda grad, self: grad * sinh(self)),
], promote="float", method=True, tests=("real",))

# asinh, acosh: PyTorch's float32 kernels call the C library's asinhf/acoshf on every element,
# and so does gradlab (through ctypes: gradlab/_sleef.py; NumPy's own where there is no libm).
asinh = Op("asinh", "AsinhBackward0", _sleef.libm_everywhere("asinh", np.arcsinh), "asinh(a)", [
    Rule("self", "∂asinh(a)/∂a = 1/√(a² + 1)", lambda grad, self: grad * rsqrt(self * self + 1)),
], promote="float", method=True, tests=("real",), inplace_node="AsinhBackward1")

acosh = Op("acosh", "AcoshBackward0", _sleef.libm_everywhere("acosh", np.arccosh), "acosh(a)", [
    Rule("self", "∂acosh(a)/∂a = 1/√(a² − 1)", lambda grad, self: grad * rsqrt(self * self - 1)),
], promote="float", method=True, tests=("gt1",), inplace_node="AcoshBackward1")

atanh = Op("atanh", "AtanhBackward0", _sleef.atanh, "atanh(a)", [
    Rule("self", "∂atanh(a)/∂a = 1/(1 − a²)", lambda grad, self: grad / (1 - self * self)),
], promote="float", method=True, tests=("unit",), inplace_node="AtanhBackward1")

# exp2, expm1, log1p, sinh, cosh, atanh: float32 as PyTorch's CPU kernels compute them (SLEEF's
# functions, and the C library's on the tails of PyTorch's loop): gradlab/_sleef.py.
exp2 = Op("exp2", "Exp2Backward0", _sleef.exp2, "2 ** a", [
    Rule("self", "∂2ᵃ/∂a = 2ᵃ·ln 2", lambda grad, result: grad * result * _LN2),
], promote="float", method=True, tests=("real",))

log2 = Op("log2", "Log2Backward0", _rounded(np.log2), "log2(a)", [
    Rule("self", "∂log₂(a)/∂a = 1/(a·ln 2)", lambda grad, self: grad / (self * _LN2)),
], promote="float", method=True, tests=("pos",))

log10 = Op("log10", "Log10Backward0", _rounded(np.log10), "log10(a)", [
    Rule("self", "∂log₁₀(a)/∂a = 1/(a·ln 10)", lambda grad, self: grad / (self * _LN10)),
], promote="float", method=True, tests=("pos",))

log1p = Op("log1p", "Log1PBackward0", _sleef.log1p, "log(1 + a)", [
    Rule("self", "∂ln(1 + a)/∂a = 1/(1 + a)", lambda grad, self: grad / (self + 1)),
], promote="float", method=True, tests=("pos",))

expm1 = Op("expm1", "Expm1Backward0", _sleef.expm1, "exp(a) − 1", [
    Rule("self", "∂(eᵃ − 1)/∂a = eᵃ", lambda grad, result: grad * (result + 1)),
], promote="float", method=True, tests=("real",))

# 1/√a in the tensor's own dtype, as PyTorch computes it (float64 rounding would differ more often).
rsqrt = Op("rsqrt", "RsqrtBackward0", lambda a: np.divide(1, np.sqrt(a), dtype=a.dtype), "1/√a", [
    Rule("self", "∂(1/√a)/∂a = −1/(2·a^{3/2})",
         lambda grad, result: -0.5 * grad * pow_scalar(result, exponent=3)),
], promote="float", method=True, tests=("pos",))

erf = Op("erf", "ErfBackward0", _elementwise(math.erf), "erf(a)", [
    Rule("self", "∂erf(a)/∂a = (2/√π)·e^(−a²)", lambda grad, self: _2_SQRTPI * exp(-self * self) * grad),
], promote="float", method=True, tests=("real",))

erfc = Op("erfc", "ErfcBackward0", _elementwise(math.erfc), "erfc(a)", [
    Rule("self", "∂erfc(a)/∂a = −(2/√π)·e^(−a²)",
         lambda grad, self: -_2_SQRTPI * exp(-self * self) * grad),
], promote="float", method=True, tests=("real",))

# -- rounding: steps, whose gradient is 0 (frac = a − trunc(a): 1) ---------------------------------
def _rounding(fn):
    """``fn`` on floats; PyTorch gives integers back as they are (a copy)."""
    return lambda a: fn(a) if a.dtype.kind == "f" else a.copy()


def _refuse_non_float(kernel, integers=True):
    """The check of a rounding op: PyTorch's error, naming its ``kernel``, for bools (and for
    integers too unless ``integers``)."""
    def check(a):
        kind = a._data.dtype.kind
        if kind == "b" or (kind != "f" and not integers):
            raise error("kernel_dtype", a, kernel=kernel, legacy=LEGACY_NAMES[a.dtype],
                        fn=kernel.split("_")[0])
    return check


floor = Op("floor", "FloorBackward0", _rounding(np.floor), "⌊a⌋", [
    Rule("self", "∂⌊a⌋/∂a = 0 (a step)", lambda grad: zeros_like(grad)),
], method=True, check=_refuse_non_float("floor_vml_cpu"), tests=("real",))
ceil = Op("ceil", "CeilBackward0", _rounding(np.ceil), "⌈a⌉", [
    Rule("self", "∂⌈a⌉/∂a = 0 (a step)", lambda grad: zeros_like(grad)),
], method=True, check=_refuse_non_float("ceil_vml_cpu"), tests=("real",))
round = Op("round", "RoundBackward0", _rounding(np.round), "round(a)", [
    Rule("self", "∂round(a)/∂a = 0 (a step; halves go to the even neighbour)",
         lambda grad: zeros_like(grad)),
], method=True, check=_refuse_non_float("round_vml_cpu"), tests=("real",))
trunc = Op("trunc", "TruncBackward0", _rounding(np.trunc), "trunc(a)", [
    Rule("self", "∂trunc(a)/∂a = 0 (a step)", lambda grad: zeros_like(grad)),
], method=True, check=_refuse_non_float("trunc_vml_cpu"), tests=("real",))
frac = Op("frac", "FracBackward0", _rounding(lambda a: a - np.trunc(a)),
          "a − trunc(a)", [
    Rule("self", "∂(a − trunc a)/∂a = 1", lambda grad: grad),
], method=True, check=_refuse_non_float("frac_cpu", integers=False), tests=("real",))

# A step: the gradient is 0 everywhere (PyTorch still records the node, so y.requires_grad).
sign = Op("sign", "SignBackward0", sign_array, "sign(a)", [
    Rule("self", "∂sign(a)/∂a = 0 (a step)", lambda grad: zeros_like(grad)),
], method=True, tests=("nonzero",))


def _bool_refused_by_abs(a):
    if a._data.dtype == np.bool_:
        raise error("abs_bool", a)


def _bool_refused_by_relu(a):
    if a._data.dtype == np.bool_:
        raise error("relu_bool", a)


abs = Op("abs", "AbsBackward0", np.abs, "|a|", [
    Rule("self", "∂|a|/∂a = sign(a)", lambda grad, self: grad * sign(self)),
], method=True, check=_bool_refused_by_abs, tests=("real", "ties"))

# relu's backward, itself an op (PyTorch's threshold_backward): under create_graph it is recorded
# with relu's result as an input, so the gradient it makes requires grad, as in PyTorch.
# result <= 0, not ~(result > 0): a NaN passes its gradient; the mask selects (not multiplies):
# an infinite gradient where a <= 0 still gives 0, not 0·inf = nan.
def _pass_where_positive(g, result):
    """``g`` where ``result > 0`` (or NaN), +0.0 elsewhere, by selecting bits: ``g``'s bits and-ed
    with all ones or all zeros, exactly np.where(result <= 0, 0, g) but three times quicker."""
    if g.dtype.kind != "f" or g.shape != result.shape:
        return np.where(result <= 0, g.dtype.type(0), g)
    bits = np.dtype(f"i{g.itemsize}")
    keep = np.subtract((result <= 0).view(np.int8), 1, dtype=bits)  # 0 where blocked, else -1
    return np.bitwise_and(g.view(bits), keep).view(g.dtype)


threshold_backward = Op("threshold_backward", "ThresholdBackwardBackward0", _pass_where_positive,
                        "g where relu(a) > 0", [
    Rule("self", "the gradient passes where relu(a) > 0", lambda grad, result: threshold_backward(grad, result)),
    Rule("result", "the mask is flat: 0", lambda grad: zeros_like(grad)),
])

# (The bound first: where they are equal np.maximum keeps its second argument, and PyTorch keeps
# the input, so relu(-0.0) is -0.0 as there; the same in clamp.)
relu = Op("relu", "ReluBackward0", lambda a: np.maximum(a.dtype.type(0), a), "relu(a)", [
    Rule("self", "∂relu(a)/∂a = 1 where a > 0, else 0",
         lambda grad, result: threshold_backward(grad, result)),
], method=True, check=_bool_refused_by_relu, tests=("real", "ties"))


def _clamp(a, min, max):
    out = a
    if min is not None:
        out = np.maximum(a.dtype.type(min), out)
    if max is not None:
        out = np.minimum(a.dtype.type(max), out)
    return out if out is not a else a.copy()


def _inside(a, lo, hi):
    data = raw(a)
    mask = np.ones(data.shape, dtype=bool)
    if lo is not None:
        mask &= data >= lo
    if hi is not None:
        mask &= data <= hi
    return mask


clamp = Op("clamp", "ClampBackward1", _clamp, "clamp(a)", [
    Rule("self", "∂clamp(a)/∂a = 1 where min ≤ a ≤ max, else 0",
         lambda grad, self, min, max: masked_fill(grad, mask=~_inside(self, min, max), value=0.0)),
])


def _share(grad, winner, other):
    """The gradient where ``winner`` is larger, half of it on ties (PyTorch splits a tie evenly),
    0 where it is smaller (selected, so an infinite gradient gives 0 there, not nan). As in
    PyTorch, only "smaller" gives 0, so a NaN (larger than nothing) gets all of it."""
    w, o = raw(winner), raw(other)
    ties = w == o
    if ties.any():
        grad = grad * like(grad, np.asarray(1 - 0.5 * ties, dtype=w.dtype))
    return masked_fill(grad, mask=np.broadcast_to(w < o, np.broadcast_shapes(w.shape, o.shape)),
                       value=0.0)


# (operands swapped: of two equal values, 0.0 and -0.0, PyTorch keeps the first, NumPy the second)
maximum = Op("maximum", "MaximumBackward0", lambda a, b: np.maximum(b, a), "max(a, b)", [
    Rule("self", "∂max(a,b)/∂a = 1 where a > b, ½ where a = b",
         lambda grad, self, other: _share(grad, self, other)),
    Rule("other", "∂max(a,b)/∂b = 1 where b > a, ½ where a = b",
         lambda grad, self, other: _share(grad, other, self)),
], promote="same")

minimum = Op("minimum", "MinimumBackward0", lambda a, b: np.minimum(b, a), "min(a, b)", [
    Rule("self", "∂min(a,b)/∂a = 1 where a < b, ½ where a = b",
         lambda grad, self, other: _share(grad, other, self)),
    Rule("other", "∂min(a,b)/∂b = 1 where b < a, ½ where a = b",
         lambda grad, self, other: _share(grad, self, other)),
], promote="same")


# -- reductions --------------------------------------------------------------------------------

def _acc(a):
    # Sums of integers and bools are int64, as in PyTorch.
    return a.dtype if a.dtype.kind == "f" else np.int64


def _expand_back(grad, self_shape, dim, keepdim):
    """Undo a reduction over ``dim``: put the reduced axes back, then broadcast."""
    if not keepdim:
        shape = list(self_shape)
        for d in dim:
            shape[d] = 1
        grad = reshape(grad, shape)
    return broadcast_to(grad, self_shape)


def _sum_all(a):
    out = torch_order_sum(a, None, False)  # float32: PyTorch's order of additions (_sums.py)
    return a.sum(dtype=_acc(a)) if out is None else out


def _contiguous(x):
    # A reduction's result is a fresh contiguous tensor in PyTorch (NumPy keeps a permuted
    # input's layout), so that .view() of it works as there.
    x = np.asarray(x)
    return x if x.flags.c_contiguous else x.copy()


def _sum_dim(a, dim, keepdim):
    out = torch_order_sum(a, dim, keepdim)
    if out is None:
        out = np.sum(a, axis=dim, keepdims=keepdim, dtype=_acc(a))
    return _contiguous(out)


def _mean_dim(a, dim, keepdim):
    out = torch_order_sum(a, dim, keepdim)
    if out is None:
        return _contiguous(np.mean(a, axis=dim, keepdims=keepdim, dtype=a.dtype))
    return _contiguous(out / a.dtype.type(numel([a.shape[d] for d in dim])))


sum_all = Op("sum", "SumBackward0", _sum_all, "sum(a)", [
    Rule("self", "∂(Σa)/∂aᵢ = 1", lambda grad, self_shape: broadcast_to(grad, self_shape)),
])
def _cumsum(a, dim, dtype):
    """PyTorch's running sum: float32 accumulated in float64 (its CPU kernel's acc_type), each
    sum rounded once; integers and bools in int64."""
    target = dtype if dtype is not None else np.dtype(np.int64) if a.dtype.kind in "biu" else a.dtype
    acc = np.float64 if target == np.float32 else target
    return (np.cumsum(a, axis=dim, dtype=acc) if a.ndim else a.astype(acc)).astype(target, copy=False)


def _reversed_cumsum(grad, self_shape, dim):
    """Each input adds into every running sum from its place on: the gradient summed from the end."""
    if numel(self_shape) <= 1 or self_shape[dim] == 1:
        return grad
    return flip(cumsum(flip(grad, dims=(dim,)), dim=dim, dtype=None), dims=(dim,))


cumsum = Op("cumsum", "CumsumBackward0", _cumsum, "cumsum(a, dim)", [
    Rule("self", "∂(a₁+…+aⱼ)/∂aᵢ = 1 for j ≥ i: the gradient summed from the end",
         _reversed_cumsum),
])
flip = Op("flip", "FlipBackward0", lambda a, dims: _clone(np.flip(a, dims)), "flip(a, dims)", [
    Rule("self", "each element's gradient comes back from its mirrored place",
         lambda grad, dims: flip(grad, dims=dims)),
])

sum_dim = Op("sum", "SumBackward1", _sum_dim, "sum(a, dim)", [
    Rule("self", "∂(Σa)/∂aᵢ = 1", _expand_back),
])
# The sum divided by the count is exactly what np.mean computes (and PyTorch's mean).
mean_all = Op("mean", "MeanBackward0", lambda a: _sum_all(a) / a.dtype.type(a.size), "mean(a)", [
    Rule("self", "∂(mean a)/∂aᵢ = 1/N",
         lambda grad, self_shape: broadcast_to(grad, self_shape) / numel(self_shape)),
])
mean_dim = Op("mean", "MeanBackward1", _mean_dim, "mean(a, dim)", [
    Rule("self", "∂(mean a)/∂aᵢ = 1/N", lambda grad, self_shape, dim, keepdim:
         _expand_back(grad, self_shape, dim, keepdim) / numel([self_shape[d] for d in dim])),
])


# -- var and std (tutorials' batch norm by hand) -----------------------------------------------
# PyTorch accumulates float32 in float64 (Welford), so float64 and one rounding give its values.
def _var(a, dim, correction, keepdim):
    x = a.astype(np.float64) if a.dtype == np.float32 else a
    n = numel([a.shape[d] for d in dim])
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = x.mean(axis=dim, keepdims=True)
        out = np.square(x - mean).sum(axis=dim, keepdims=keepdim) / builtins.max(n - correction, 0)
    return _contiguous(np.asarray(out).astype(a.dtype))


def _var_backward(grad, self, self_shape, dim, correction, keepdim):
    """PyTorch's var_backward: (2 / (N − correction)) · grad · (a − mean(a))."""
    n = numel([self_shape[d] for d in dim])
    centred = self - mean_dim_of(self, dim)
    return _expand_back(grad, self_shape, dim, keepdim) * (2.0 / (n - correction)) * centred


def mean_dim_of(x, dim):
    if hasattr(x, "_data"):
        return x.mean(dim, keepdim=True)
    return _mean_dim(x, dim, True)


var = Op("var", "VarBackward0", _var, "var(a) = Σ(aᵢ − ā)² / (N − c)", [
    Rule("self", "∂var/∂aᵢ = 2(aᵢ − ā) / (N − c)", _var_backward),
])
std = Op("std", "StdBackward0", lambda a, dim, correction, keepdim: _std(a, dim, correction, keepdim),
         "std(a) = √var(a)", [
    Rule("self", "∂std/∂aᵢ = (aᵢ − ā) / ((N − c) · std)", lambda grad, self, result, self_shape, dim,
         correction, keepdim: _var_backward(
             masked_fill(grad / (result * 2), mask=raw(result) == 0, value=0.0),
             self, self_shape, dim, correction, keepdim)),
])


def _std(a, dim, correction, keepdim):
    x = a.astype(np.float64) if a.dtype == np.float32 else a
    return _contiguous(np.sqrt(_var(x, dim, correction, keepdim)).astype(a.dtype))

# -- tril/triu and embedding (tutorials' attention masks and character embeddings) -------------
def _triangle(np_fn, method):
    def keep(x, diagonal):
        return getattr(x, method)(diagonal) if hasattr(x, "_data") else np_fn(x, diagonal)
    return keep


_tril, _triu = _triangle(np.tril, "tril"), _triangle(np.triu, "triu")
tril = Op("tril", "TrilBackward0", lambda a, diagonal: np.tril(a, diagonal), "tril(a)", [
    Rule("self", "∂tril(a)/∂a = 1 on and below the diagonal, 0 above", lambda grad, diagonal: _tril(grad, diagonal)),
])
triu = Op("triu", "TriuBackward0", lambda a, diagonal: np.triu(a, diagonal), "triu(a)", [
    Rule("self", "∂triu(a)/∂a = 1 on and above the diagonal, 0 below", lambda grad, diagonal: _triu(grad, diagonal)),
])


def _embedding_grad(grad, self_shape, indices, padding_idx):
    """Each looked-up row's gradient is added into its row, in the order of the lookups, as
    PyTorch's index_add_; the padding row gets none."""
    if padding_idx is not None:
        keep = (indices != padding_idx)[..., None]
        grad = grad * like(grad, keep.astype(raw(grad).dtype))
    return embed_index(grad, shape=self_shape, key=(indices,))


embedding = Op("embedding", "EmbeddingBackward0", lambda a, indices, padding_idx: a[indices],
               "weight[indices]", [
    Rule("self", "row i of the gradient goes to the row it looked up (repeats add up)", _embedding_grad),
])

# -- leaky_relu and gelu (GAN and transformer tutorials) ---------------------------------------
def _leaky(grad, x, slope):
    """grad where x > 0, else grad·slope (at 0 too, as PyTorch)."""
    scaled = grad * slope
    return like(grad, np.where(raw(x) > 0, raw(grad), raw(scaled))) if not hasattr(grad, "_data") or not _graph_on() \
        else where_(x > 0, grad, scaled)


def _graph_on():
    from .autograd.grad_mode import _state
    return _state.enabled


def where_(cond, a, b):
    from ._tensor import where
    return where(cond, a, b)


leaky_relu = Op("leaky_relu", "LeakyReluBackward0",
                lambda a, negative_slope: np.where(a > 0, a, a * a.dtype.type(negative_slope)),
                "a if a > 0 else slope·a", [
    Rule("self", "∂/∂a = 1 where a > 0, else slope", lambda grad, self, negative_slope: _leaky(grad, self, negative_slope)),
], promote="float")
leaky_relu_ = Op("leaky_relu_", "LeakyReluBackward1",
                 lambda a, negative_slope: np.where(a > 0, a, a * a.dtype.type(negative_slope)),
                 "a if a > 0 else slope·a", [
    Rule("self", "∂/∂a = 1 where the result > 0, else slope",
         lambda grad, result, negative_slope: _leaky(grad, result, negative_slope)),
], promote="float")

_SQRT1_2, _SQRT_2_PI = math.sqrt(0.5), math.sqrt(2 / math.pi)


def _gelu64(x, approximate):
    x = x.astype(np.float64)
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(_SQRT_2_PI * (x + 0.044715 * x ** 3)))
    return 0.5 * x * (1 + np.vectorize(math.erf, otypes=[np.float64])(x * _SQRT1_2))


def _gelu_grad64(x, approximate):
    x = x.astype(np.float64)
    if approximate == "tanh":
        inner = _SQRT_2_PI * (x + 0.044715 * x ** 3)
        t = np.tanh(inner)
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _SQRT_2_PI * (1 + 3 * 0.044715 * x * x)
    cdf = 0.5 * (1 + np.vectorize(math.erf, otypes=[np.float64])(x * _SQRT1_2))
    return cdf + x * np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def _gelu_grad(grad, self, approximate):
    """dgelu/dx = Φ(x) + x·φ(x) (or the tanh form's derivative), in float64 and rounded once;
    under create_graph, written with the table's ops so that it differentiates again."""
    if not hasattr(grad, "_data") or not _graph_on():
        g = raw(grad).astype(np.float64) * _gelu_grad64(raw(self), approximate)
        return like(grad, g.astype(raw(grad).dtype))
    if approximate == "tanh":
        t = tanh(_SQRT_2_PI * (self + 0.044715 * self * self * self))
        return grad * (0.5 * (1 + t) + 0.5 * self * (1 - t * t) * _SQRT_2_PI * (1 + 3 * 0.044715 * self * self))
    return grad * (0.5 * (1 + erf(self * _SQRT1_2)) + self * exp(-0.5 * self * self) / math.sqrt(2 * math.pi))


gelu = Op("gelu", "GeluBackward0",
          lambda a, approximate: _gelu64(a, approximate).astype(a.dtype) if a.size else a.copy(),
          "a·Φ(a)", [
    Rule("self", "∂(a·Φ(a))/∂a = Φ(a) + a·φ(a)", _gelu_grad),
], promote="float")

# -- layer_norm (transformers): one NativeLayerNormBackward0, in float64 and rounded once ------
def _ln_stats(x, dims, eps):
    """x̂ = (x − mean)·rstd and rstd = 1/√(var + eps) over ``dims`` (the biased variance): float64
    arrays for arrays (and for Tensors when no graph is recorded), else gradlab ops."""
    if hasattr(x, "_data") and _graph_on():
        centred = x - x.mean(dims, keepdim=True)
        rstd = ((centred * centred).mean(dims, keepdim=True) + eps).rsqrt()
        return centred * rstd, rstd
    x = raw(x).astype(np.float64)
    centred = x - x.mean(axis=dims, keepdims=True)
    rstd = 1 / np.sqrt(np.square(centred).mean(axis=dims, keepdims=True) + eps)
    return centred * rstd, rstd


def _ln_forward(a, weight, bias, dims, eps):
    xhat, _ = _ln_stats(a, dims, eps)
    out = xhat * (1 if weight is None else weight.astype(np.float64)) + (0 if bias is None else bias)
    return np.asarray(out).astype(a.dtype)


def _ln_input_grad(grad, self, weight, dims, eps):
    """∂/∂x = rstd·(g·w − mean(g·w) − x̂·mean(g·w·x̂)), the means over the normalised dims."""
    xhat, rstd = _ln_stats(self, dims, eps)
    if hasattr(xhat, "_data"):
        gw = grad if weight is None else grad * weight
        return rstd * (gw - gw.mean(dims, keepdim=True) - xhat * (gw * xhat).mean(dims, keepdim=True))
    gw = raw(grad).astype(np.float64) * (1 if weight is None else raw(weight).astype(np.float64))
    dx = rstd * (gw - gw.mean(axis=dims, keepdims=True) - xhat * (gw * xhat).mean(axis=dims, keepdims=True))
    return like(grad, dx.astype(raw(grad).dtype))


def _ln_weight_grad(grad, self, dims, eps):
    """∂/∂w = Σ g·x̂ over the leading dims (the ones not normalised)."""
    xhat, _ = _ln_stats(self, dims, eps)
    lead = tuple(range(raw(self).ndim - len(dims)))
    if hasattr(xhat, "_data"):
        return (grad * xhat).sum(lead) if lead else grad * xhat
    return like(grad, (raw(grad).astype(np.float64) * xhat).sum(axis=lead).astype(raw(grad).dtype))


def _ln_bias_grad(grad, self, dims):
    lead = tuple(range(raw(self).ndim - len(dims)))
    if hasattr(grad, "_data"):
        return grad.sum(lead) if lead else grad
    return like(grad, raw(grad).astype(np.float64).sum(axis=lead).astype(raw(grad).dtype))


_LN_TEXT = "(a − mean)/√(var + eps)·w + b over the last dims"
_LN_SELF = "∂/∂a = rstd·(g·w − mean(g·w) − â·mean(g·w·â))"
layer_norm = Op("layer_norm", "NativeLayerNormBackward0",
                lambda a, weight, bias, dims, eps: _ln_forward(a, weight, bias, dims, eps), _LN_TEXT, [
    Rule("input", _LN_SELF, lambda grad, input, weight, dims, eps: _ln_input_grad(grad, input, weight, dims, eps)),
    Rule("weight", "∂/∂w = Σ g·â", lambda grad, input, dims, eps: _ln_weight_grad(grad, input, dims, eps)),
    Rule("bias", "∂/∂b = Σ g", lambda grad, input, dims: _ln_bias_grad(grad, input, dims)),
])
layer_norm_weight = Op("layer_norm", "NativeLayerNormBackward0",
                       lambda a, weight, dims, eps: _ln_forward(a, weight, None, dims, eps), _LN_TEXT, [
    Rule("input", _LN_SELF, lambda grad, input, weight, dims, eps: _ln_input_grad(grad, input, weight, dims, eps)),
    Rule("weight", "∂/∂w = Σ g·â", lambda grad, input, dims, eps: _ln_weight_grad(grad, input, dims, eps)),
])
layer_norm_plain = Op("layer_norm", "NativeLayerNormBackward0",
                      lambda a, dims, eps: _ln_forward(a, None, None, dims, eps), _LN_TEXT, [
    Rule("input", _LN_SELF, lambda grad, input, dims, eps: _ln_input_grad(grad, input, None, dims, eps)),
])

def _evenly(grad, self, result):
    s, r = raw(self), raw(result)
    mask = (s == r) | ((s != s) & (r != r))  # a NaN maximum: NaNs share
    share = broadcast_to(grad / like(grad, np.asarray(mask.sum(), dtype=s.dtype)), s.shape)
    return masked_fill(share, mask=~mask, value=0.0)  # selected: 0 elsewhere, even for inf


max_all = Op("max", "MaxBackward1", np.max, "max(a)", [
    Rule("self", "∂(max a)/∂aᵢ = 1/k at the k maximal elements, else 0", _evenly),
])
min_all = Op("min", "MinBackward1", np.min, "min(a)", [
    Rule("self", "∂(min a)/∂aᵢ = 1/k at the k minimal elements, else 0", _evenly),
])


def _take(a, dim, keepdim, indices):
    if a.ndim == 0:  # max(dim=0) of a 0-d tensor is the tensor itself
        return a.copy()
    out = np.take_along_axis(a, np.expand_dims(indices, dim), axis=dim)
    return out if keepdim else np.squeeze(out, dim)


def _at_index(grad, self_shape, dim, keepdim, indices):
    if not self_shape:  # 0-d input: the gradient passes straight through
        return grad
    hit = np.zeros(self_shape, dtype=bool)
    np.put_along_axis(hit, np.expand_dims(indices, dim), True, axis=dim)
    if not keepdim:
        grad = unsqueeze(grad, dim=dim)
    return masked_fill(broadcast_to(grad, self_shape), mask=~hit, value=0.0)  # +0 elsewhere


max_dim = Op("max", "MaxBackward0", _take, "max(a, dim)", [
    Rule("self", "∂(max a)/∂aᵢ = 1 at the index returned, else 0", _at_index),
])
min_dim = Op("min", "MinBackward0", _take, "min(a, dim)", [
    Rule("self", "∂(min a)/∂aᵢ = 1 at the index returned, else 0", _at_index),
])



def _by_count(grad, self, result, self_shape, dim, keepdim):
    """PyTorch's scale_grad_by_count: the gradient split evenly among the elements equal to the
    reduction's result (ties share)."""
    g = _expand_back(grad, self_shape, dim, keepdim)
    hit = like(g, (raw(self) == raw(_expand_back(result, self_shape, dim, keepdim))).astype(raw(g).dtype))
    return g / _expand_back(sum_dim(hit, dim=dim, keepdim=keepdim), self_shape, dim, keepdim) * hit


amax = Op("amax", "AmaxBackward0", lambda a, dim, keepdim: _contiguous(np.max(a, dim, keepdims=keepdim)),
          "amax(a, dim)", [
    Rule("self", "∂(max a)/∂aᵢ = 1/k at the k maximal elements, else 0", _by_count),
])
amin = Op("amin", "AminBackward0", lambda a, dim, keepdim: _contiguous(np.min(a, dim, keepdims=keepdim)),
          "amin(a, dim)", [
    Rule("self", "∂(min a)/∂aᵢ = 1/k at the k minimal elements, else 0", _by_count),
])


def _svd_grad(grad, self):
    """PyTorch's svd_backward when only the singular values get a gradient: U·diag(g)·Vᴴ."""
    if hasattr(grad, "_data"):  # U and Vᴴ depend on A too: gradlab has no rule for that
        raise error("svd_double_backward")
    u, _, vh = np.linalg.svd(self, full_matrices=False)
    g = grad.astype(u.dtype, copy=False)
    m, n = self.shape[-2:]
    return u @ (g[..., None] * vh) if m >= n else (u * g[..., None, :]) @ vh


# torch.linalg.svdvals (and the matrix 2-norms and nuclear norm built on it) record
# LinalgSvdBackward0, the node of the full decomposition; gradlab's node has only S as output.
svdvals = Op("linalg_svd", "LinalgSvdBackward0",
             lambda a: np.linalg.svd(a, compute_uv=False).astype(a.dtype, copy=False), "σ(A)", [
    Rule("self", "∂σᵢ/∂A = uᵢ vᵢᵀ", _svd_grad),
])

def _vector_norm(a, ord, dim, keepdim):
    x = np.abs(a)  # in the tensor's dtype, as PyTorch (a tiny float32's square underflows there too)
    if ord == 2:
        out = np.sqrt(np.sum(x * x, axis=dim, keepdims=keepdim))
    elif ord == math.inf:
        out = np.max(x, axis=dim, keepdims=keepdim)
    elif ord == -math.inf:
        out = np.min(x, axis=dim, keepdims=keepdim)
    elif ord == 0:
        out = np.sum(x != 0, axis=dim, keepdims=keepdim, dtype=a.dtype)
    elif ord == 1:
        out = np.sum(x, axis=dim, keepdims=keepdim)
    else:
        out = np.sum(x ** a.dtype.type(ord), axis=dim, keepdims=keepdim) ** a.dtype.type(1 / ord)
    return np.asarray(out).astype(a.dtype, copy=False)


def _vector_norm_grad(grad, self, result, self_shape, ord, dim, keepdim):
    """PyTorch's linalg_vector_norm_backward (FunctionsManual.cpp), case by case."""
    g = _expand_back(grad, self_shape, dim, keepdim)
    out = _expand_back(result, self_shape, dim, keepdim)
    if ord == 0:
        return zeros_like(g)
    if ord == 1:
        return g * sign(self)
    if ord == math.inf or ord == -math.inf:
        hit = like(g, (np.abs(raw(self)) == raw(out)).astype(raw(g).dtype))
        ties = _expand_back(sum_dim(hit, dim=dim, keepdim=keepdim), self_shape, dim, keepdim)
        return sign(self) * (g / ties * hit)
    if ord == 2:
        scaled = self * (g / out)
    elif ord < 1:  # |a|^(ord−2)·a would be 0·inf at a = 0: PyTorch writes it as sign·|a|^(ord−1)
        scaled = masked_fill(sign(self) * pow_scalar(abs(self), exponent=ord - 1),
                             mask=raw(self) == 0, value=0.0) * g / pow_scalar(out, exponent=ord - 1)
    else:
        scaled = self * pow_scalar(abs(self), exponent=ord - 2) * g / pow_scalar(out, exponent=ord - 1)
    return masked_fill(scaled, mask=raw(out) == 0, value=0.0)  # ‖a‖ = 0: gradient 0, not nan


vector_norm = Op("linalg_vector_norm", "LinalgVectorNormBackward0", _vector_norm, "‖a‖", [
    Rule("self", "∂‖a‖/∂a = a/‖a‖ (0 where ‖a‖ = 0); for ord p: a·|a|^(p−2)/‖a‖^(p−1)",
         _vector_norm_grad),
])


# -- matrix products ---------------------------------------------------------------------------

def _mm(a, b):
    """``a @ b`` for matrices. A column times a row (inner size 1) with both outer sizes above 1:
    PyTorch's kernel writes each product as it is (-1 · 0 = -0.0) where NumPy's sum starts from
    +0.0; a single row or column goes through PyTorch's matrix-vector kernel, which starts from
    +0.0 as NumPy does."""
    if a.shape[1] == 1 and a.shape[0] > 1 and b.shape[1] > 1:
        return np.multiply(a, b)
    return np.matmul(a, b)


mm = Op("mm", "MmBackward0", _mm, "a @ b", [
    Rule("self", "∂(A@B)/∂A = g @ Bᵀ", lambda grad, mat2: mm(grad, t(mat2))),
    Rule("mat2", "∂(A@B)/∂B = Aᵀ @ g", lambda grad, self: mm(t(self), grad)),
])
mv = Op("mv", "MvBackward0", np.matmul, "a @ v", [
    Rule("self", "∂(A@v)/∂A = g vᵀ", lambda grad, vec: unsqueeze(grad, dim=1) * vec),
    Rule("vec", "∂(A@v)/∂v = Aᵀ g", lambda grad, self: mv(t(self), grad)),
])
dot = Op("dot", "DotBackward0", np.dot, "a · b", [
    Rule("self", "∂(a·b)/∂a = b", lambda grad, tensor: grad * tensor),
    Rule("tensor", "∂(a·b)/∂b = a", lambda grad, self: grad * self),
])
bmm = Op("bmm", "BmmBackward0", np.matmul, "a @ b", [
    Rule("self", "∂(A@B)/∂A = g @ Bᵀ", lambda grad, mat2: bmm(grad, transpose(mat2, dim0=1, dim1=2))),
    Rule("mat2", "∂(A@B)/∂B = Aᵀ @ g", lambda grad, self: bmm(transpose(self, dim0=1, dim1=2), grad)),
])


# -- shape and layout (no arithmetic: the gradient is moved back into place) -------------------

view = Op("view", "ViewBackward0", lambda a, shape: a.reshape(shape), "view(a)", [
    Rule("self", "the gradient is reshaped back to a's shape",
         lambda grad, self_shape: reshape(grad, self_shape)),
], view=True)
reshape_alias = Op("reshape", "ReshapeAliasBackward0", lambda a, shape: a.reshape(shape),
                    "reshape(a)", [
    Rule("self", "the gradient is reshaped back to a's shape",
         lambda grad, self_shape: reshape(grad, self_shape)),
], view=True)
unsafe_view = Op("reshape", "UnsafeViewBackward0", lambda a, shape: a.reshape(shape), "reshape(a)", [
    Rule("self", "the gradient is reshaped back to a's shape",
         lambda grad, self_shape: reshape(grad, self_shape)),
])
def _clone(a, contiguous=False):
    """A copy laid out as PyTorch's clone lays it out: like ``a`` (a transposed tensor's clone is
    transposed too), contiguous for an expanded ``a`` or for ``contiguous()``."""
    return a.copy(order="C" if contiguous or 0 in a.strides else "K")


clone = Op("clone", "CloneBackward0", _clone, "clone(a)", [
    Rule("self", "∂a/∂a = 1", lambda grad: grad),
])
def _expand(a, shape):
    # Writable, as PyTorch's expand is: writes that would hit a shared element are refused first.
    b = np.broadcast_to(a, shape)
    return np.lib.stride_tricks.as_strided(a, b.shape, b.strides, writeable=a.flags.writeable)


expand = Op("expand", "ExpandBackward0", _expand, "expand(a)", [
    Rule("self", "copies share one gradient: summed back to a's shape", lambda grad: grad),
], view=True)
transpose = Op("transpose", "TransposeBackward0",
                  lambda a, dim0, dim1: np.swapaxes(a, dim0, dim1), "transpose(a)", [
    Rule("self", "the gradient is transposed back",
         lambda grad, dim0, dim1: transpose(grad, dim0=dim0, dim1=dim1)),
], view=True)
t = Op("t", "TBackward0", lambda a: a.T, "aᵀ", [
    Rule("self", "the gradient is transposed back", lambda grad: t(grad)),
], view=True)
permute = Op("permute", "PermuteBackward0", lambda a, dims: np.transpose(a, dims), "permute(a)", [
    Rule("self", "the gradient's axes are put back in order",
         lambda grad, dims: permute(grad, dims=tuple(int(d) for d in np.argsort(dims)))),
], view=True)
unsqueeze = Op("unsqueeze", "UnsqueezeBackward0", lambda a, dim: np.expand_dims(a, dim),
                  "unsqueeze(a)", [
    Rule("self", "the added axis is removed from the gradient",
         lambda grad, self_shape: reshape(grad, self_shape)),
], view=True)
squeeze = Op("squeeze", "SqueezeBackward1", lambda a, dim: np.squeeze(a, dim), "squeeze(a)", [
    Rule("self", "the removed axis is put back into the gradient",
         lambda grad, self_shape: reshape(grad, self_shape)),
], view=True)


# -- joining and choosing: cat, stack (any number of inputs), where ------------------------------

def _cat_part(grad, i, dim, shapes):
    if shapes[i] == (0,):  # PyTorch's cat_tensors_backward: a fresh empty gradient, no history
        return like(grad, np.zeros(0, raw(grad).dtype))
    start = builtins.sum(shape[dim] for shape in shapes[:i] if shape != (0,))
    key = (builtins.slice(None),) * dim + (builtins.slice(start, start + shapes[i][dim]),)
    return slice(grad, key=key)  # the slice op (gradlab._parity_ops)


# cat and stack: PyTorch's result is contiguous, where NumPy's keeps its inputs' layout (a
# permuted input gives a permuted result, which view() would refuse)
def _cat(*arrays, dim):
    joined = [a for a in arrays if a.shape != (0,)]  # 1-D empty ones are skipped (see cat)
    return _contiguous(np.concatenate(joined or arrays, axis=dim))


cat = Op("cat", "CatBackward0", _cat,
         "cat([a, b, …])", [
    Rule("tensors", "input {i} gets its own stretch of the gradient along dim", _cat_part),
], promote="same")
stack = Op("stack", "StackBackward0", lambda *arrays, dim: _contiguous(np.stack(arrays, axis=dim)),
           "stack([a, b, …])", [
    Rule("tensors", "input {i} gets slice {i} of the gradient along dim",
         lambda grad, i, dim: select(grad, key=(builtins.slice(None),) * dim + (i,))),
], promote="same")
where = Op("where", "WhereBackward0", lambda a, b, condition: np.where(condition, a, b),
           "where(c, a, b)", [
    Rule("self", "∂/∂a = 1 where the condition holds, else 0",
         lambda grad, condition: masked_fill(grad, mask=~condition, value=0.0)),
    Rule("other", "∂/∂b = 1 where the condition fails, else 0",
         lambda grad, condition: masked_fill(grad, mask=condition, value=0.0)),
], promote="same")


# -- neural-network ops ------------------------------------------------------------------------
# What gradlab.nn.functional records: each is one node in PyTorch's graph too (nn.Linear on a
# batch is one AddmmBackward0; cross_entropy is NllLossBackward0 over LogSoftmaxBackward0).

addmm = Op("addmm", "AddmmBackward0", lambda a, b, c: np.add(a, np.matmul(b, c)),
           "a + b @ c  (bias + x @ Wᵀ)", [
    Rule("self", "∂(a + b@c)/∂a = 1", lambda grad: grad),
    Rule("mat1", "∂(a + b@c)/∂b = g @ cᵀ", lambda grad, mat2: mm(grad, t(mat2))),
    Rule("mat2", "∂(a + b@c)/∂c = bᵀ @ g", lambda grad, mat1: mm(t(mat1), grad)),
])


def _log_softmax(a, dim):
    if a.ndim == 0:  # a 0-d tensor is its own row: a - a (nan for an infinite a, as in PyTorch)
        return _log_softmax(a.reshape(1), 0).reshape(())
    # exp never overflows: the largest term is e⁰; initial= lets an empty dim give an empty result
    shifted = a - np.max(a, axis=dim, keepdims=True, initial=-np.inf)
    return shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))


def _softmax(a, dim):
    if a.ndim == 0:
        return _softmax(a.reshape(1), 0).reshape(())
    e = np.exp(a - np.max(a, axis=dim, keepdims=True, initial=-np.inf))
    return e / np.sum(e, axis=dim, keepdims=True)


def _sum_keep(x, dim):
    if hasattr(x, "_data"):
        return x.sum() if x.ndim == 0 else x.sum(dim, keepdim=True)
    return x.sum(axis=dim if x.ndim else None, keepdims=True)


log_softmax = Op("log_softmax", "LogSoftmaxBackward0", _log_softmax, "log_softmax(a, dim)", [
    Rule("self", "∂log_softmax(a)ᵢ/∂aⱼ = δᵢⱼ − softmax(a)ⱼ, so the gradient is g − softmax(a)·Σg",
         lambda grad, result, dim: grad - exp(result) * _sum_keep(grad, dim)),
])
softmax = Op("softmax", "SoftmaxBackward0", _softmax, "softmax(a, dim)", [
    Rule("self", "∂softmax(a)ᵢ/∂aⱼ = sᵢ(δᵢⱼ − sⱼ), so the gradient is s·(g − Σ g·s)",
         lambda grad, result, dim: result * (grad - _sum_keep(grad * result, dim))),
])


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


def _nll_grad(grad, self_shape, self_dtype, target, weight, reduction, ignore_index):
    wt, safe, _ = _nll_weights(self_shape, self_dtype, target, weight, ignore_index)
    if reduction == "mean":
        with np.errstate(all="ignore"):
            wt = wt / np.sum(wt, dtype=self_dtype)
    m = np.zeros((len(safe), self_shape[-1]), self_dtype)
    m[np.arange(len(safe)), safe] = -wt
    if reduction == "none" and grad.ndim:
        grad = unsqueeze(grad, dim=-1)
    return grad * like(grad, m.reshape(self_shape))


nll_loss = Op("nll_loss", "NllLossBackward0", _nll_loss, "−a[target]", [
    Rule("self", "∂(−a[target])/∂a = −1 at each row's target (÷ the number of rows for the mean), "
         "0 elsewhere", _nll_grad),
])


def _reduced(loss, reduction):
    if reduction == "none":
        return loss
    total = _sum_all(loss)  # PyTorch's loss.sum() / loss.mean(), in its order of additions
    return total if reduction == "sum" else total / loss.dtype.type(loss.size)


def _mse_loss(a, b, reduction):
    d = a - b
    sq = d * d
    return _reduced(sq, reduction)


def _mse_grad(grad, self, target, self_shape, reduction):
    norm = 2.0 / builtins.max(numel(self_shape), 1) if reduction == "mean" else 2.0
    return (self - target) * norm * grad


mse_loss = Op("mse_loss", "MseLossBackward0", _mse_loss, "mean((a − b)²)", [
    Rule("self", "∂ mean((a−b)²)/∂a = 2(a−b)/N  (2(a−b) for the sum)", _mse_grad),
    Rule("target", "∂ mean((a−b)²)/∂b = −2(a−b)/N  (−2(a−b) for the sum)",
         lambda grad, self, target, self_shape, reduction:
         -_mse_grad(grad, self, target, self_shape, reduction)),
], promote="same")


def _loss_scale(grad, coefficient, weight, self_shape, reduction):
    """``grad`` times the elementwise derivative, the weight, and 1/N for the mean."""
    g = grad * coefficient
    if weight is not None:
        g = g * like(grad, weight)
    return g / numel(self_shape) if reduction == "mean" else g


def _log_rounded(x):
    return np.log(x.astype(np.float64)).astype(x.dtype)


def _binary_cross_entropy(a, target, weight, reduction):
    # PyTorch clamps each log at −100, so p = 0 with target 1 costs 100, not inf (Loss.cpp).
    log_p = np.maximum(_log_rounded(a), a.dtype.type(-100))
    log_q = np.maximum(np.log1p(-a.astype(np.float64)).astype(a.dtype), a.dtype.type(-100))
    loss = (target - 1) * log_q - target * log_p
    return _reduced(loss if weight is None else loss * weight, reduction)


binary_cross_entropy = Op("binary_cross_entropy", "BinaryCrossEntropyBackward0",
                          _binary_cross_entropy, "−(t·log p + (1 − t)·log(1 − p))", [
    Rule("self", "∂BCE/∂p = (p − t) / (p·(1 − p))",
         lambda grad, self, target, weight, self_shape, reduction: _loss_scale(
             grad, (self - target) / clamp((1 - self) * self, min=1e-12, max=None),
             weight, self_shape, reduction)),
    Rule("target", "∂BCE/∂t = log(1 − p) − log p",
         lambda grad, self, weight, self_shape, reduction: _loss_scale(
             grad, log1p(-self) - log(self), weight, self_shape, reduction)),
])


def _bce_with_logits(a, target, weight, pos_weight, reduction):
    wide = a.astype(np.float64)  # log σ(z) = min(z, 0) − log(1 + e^−|z|): never overflows
    log_sigmoid = (np.minimum(wide, 0) - np.log1p(np.exp(-np.abs(wide)))).astype(a.dtype)
    if pos_weight is not None:
        log_sigmoid = log_sigmoid * ((pos_weight - 1) * target + 1)
    loss = (1 - target) * a - log_sigmoid
    return _reduced(loss if weight is None else loss * weight, reduction)


def _bce_logits_grad(grad, self, target, weight, pos_weight, self_shape, reduction):
    if pos_weight is None:
        coefficient = sigmoid(self) - target
    else:
        t = like(grad, pos_weight) * target
        coefficient = (t + 1 - target) * sigmoid(self) - t
    return _loss_scale(grad, coefficient, weight, self_shape, reduction)


def _bce_logits_target_grad(grad, self, weight, pos_weight, self_shape, reduction):
    if pos_weight is None:
        coefficient = -self
    else:  # log σ(−z) − pw·log σ(z) = (pw − 1)·softplus(−z) − z
        softplus = relu(-self) + log1p(exp(-abs(self)))
        coefficient = (like(grad, pos_weight) - 1) * softplus - self
    return _loss_scale(grad, coefficient, weight, self_shape, reduction)


binary_cross_entropy_with_logits = Op(
    "binary_cross_entropy_with_logits", "BinaryCrossEntropyWithLogitsBackward0", _bce_with_logits,
    "BCE(σ(z), t)", [
        Rule("self", "∂BCE(σ(z), t)/∂z = σ(z) − t", _bce_logits_grad),
        Rule("target", "∂BCE(σ(z), t)/∂t = −z", _bce_logits_target_grad),
    ])


# == PyTorch's further nodes: indexing, in-place writes, views, casts ============================

from ._parity_ops import *  # noqa: E402,F401,F403  (they are part of this table)
from ._parity_ops import select, slice  # noqa: E402  (used by cat's and stack's rules)

# The table every consumer (engine, diagrams, stepper, tests) can walk.
ALL = tuple(v for v in list(globals().values()) if isinstance(v, Op))
# The first op of a name is its main one (add, not add with alpha=): reversed, it is set last.
BY_NODE_NAME = {op.node_name: op for op in reversed(ALL)}
