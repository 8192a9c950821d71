"""The op test table, shared by the torch differential tests and the finite-difference tests.

``CASES`` lists op cases ``(name, fn(lib, *xs), inputs)``: ``fn`` runs under gradlab or torch
(``lib``), each input is a shape and a value domain. Plain unary ops are not listed by hand:
their rows come from the op table (``Op.tests``). This module imports no torch, so the
finite-difference oracle (test_finite_differences.py) stands alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from gradlab import ops
from gradlab._tensor import TABLE_METHODS

# Domains that hit points where the op is not differentiable: a finite-difference oracle is
# meaningless there (torch is the oracle for those; see test_finite_differences.py).
KINKED = {"ties"}


@dataclass
class Case:
    name: str
    fn: Callable
    inputs: tuple                     # ((shape, domain), ...)
    op: str | None = None             # gradlab.ops name of the op recording the output's node
    ops: tuple = ()                   # further ops.* names the case reaches inside its graph
    rtol: float | None = None
    atol: float | None = None
    fd: bool = True                   # also checked against finite differences
    check_node: bool = True           # compare grad_fn names with torch (see the one exception)
    fd_dtype: str = "float64"         # input dtype for the finite-difference check
    dtypes: tuple | None = None       # per-input dtypes against torch (default: all float32)
    marks: tuple = field(default_factory=tuple)
    differentiable: bool = True       # False: PyTorch records a node whose backward raises

    @property
    def id(self):
        shapes = "x".join("(" + ",".join(map(str, s)) + ")" for s, _ in self.inputs)
        return f"{self.name}-{shapes}"


CASES: list[Case] = []


def case(name, fn, *inputs, **kw):
    CASES.append(Case(name, fn, tuple(inputs), **kw))


# -- binary elementwise ops over a grid of broadcast shapes -----------------------------------

SHAPE_GRID = [
    ((3, 4), (3, 4)),   # same shape
    ((), (3, 4)),       # 0-d with a matrix
    ((3, 4), ()),
    ((3, 1), (1, 4)),   # both sides broadcast
    ((4,), (3, 4)),     # missing leading axis
    ((3, 4), (4,)),
    ((0, 4), (4,)),     # empty axis
    ((3, 0), (3, 1)),
    ((3, 0), (3, 0)),
]

BINARY = [
    # name, fn, domain of a, domain of b, op
    ("add", lambda L, a, b: a + b, "real", "real", "add"),
    ("sub", lambda L, a, b: a - b, "real", "real", "sub"),
    ("mul", lambda L, a, b: a * b, "real", "real", "mul"),
    ("div", lambda L, a, b: a / b, "real", "nonzero", "div"),
    ("pow", lambda L, a, b: a ** b, "pos", "real", "pow_tensor"),
    ("maximum", lambda L, a, b: L.maximum(a, b), "real", "real", "maximum"),
    ("minimum", lambda L, a, b: L.minimum(a, b), "real", "real", "minimum"),
    ("maximum_ties", lambda L, a, b: L.maximum(a, b), "ties", "ties", "maximum"),
    ("minimum_ties", lambda L, a, b: L.minimum(a, b), "ties", "ties", "minimum"),
]

# A broadcast input's gradient is a float32 sum over many terms; for pow the terms
# b·a^(b-1) have mixed signs and can cancel to a small total, so compare it at the terms' scale.
_ATOL = {"pow": 1e-5}

for _name, _fn, _da, _db, _op in BINARY:
    for _sa, _sb in SHAPE_GRID:
        case(_name, _fn, (_sa, _da), (_sb, _db), op=_op, atol=_ATOL.get(_name))

# Method spellings and functional forms of the same ops.
case("torch.add", lambda L, a, b: L.add(a, b), ((3, 4), "real"), ((4,), "real"), op="add")
case("torch.mul", lambda L, a, b: L.mul(a, b), ((3, 1), "real"), ((4,), "real"), op="mul")
case("x.div", lambda L, a, b: a.div(b), ((3, 4), "real"), ((3, 4), "nonzero"), op="div")
case("x.sub_alpha", lambda L, a, b: a.sub(b), ((2, 3), "real"), ((3,), "real"), op="sub")
case("x.sub(y, alpha=2)", lambda L, a, b: a.sub(b, alpha=2), ((2, 3), "real"), ((3,), "real"),
     op="sub_alpha")
case("x.add(y, alpha=-1.5)", lambda L, a, b: a.add(b, alpha=-1.5), ((2, 3), "real"),
     ((2, 3), "real"), op="add_alpha")
case("torch.pow", lambda L, a, b: L.pow(a, b), ((3, 4), "pos"), ((4,), "real"), op="pow_tensor")
case("pow_int_exponents", lambda L, a, b: a ** b, ((3, 4), "real"), ((3, 4), "smallint"),
     op="pow_tensor", fd=False)  # a ** b at a = 0 has no derivative in b; torch decides (0)

# -- Python numbers on either side -------------------------------------------------------------

S = ((3, 4), "real")
case("x+2", lambda L, x: x + 2, S, op="add")
case("2+x", lambda L, x: 2 + x, S, op="add")
case("x+2.5", lambda L, x: x + 2.5, S, op="add")
case("x-2", lambda L, x: x - 2, S, op="sub")
case("2-x", lambda L, x: 2 - x, S, op="rsub")
case("2.5-x", lambda L, x: 2.5 - x, ((), "real"), op="rsub")
case("x*2", lambda L, x: x * 2, S, op="mul")
case("2*x", lambda L, x: 2 * x, S, op="mul")
case("x*True", lambda L, x: x * True, S, op="mul")
case("x/2", lambda L, x: x / 2, S, op="div")
case("2/x", lambda L, x: 2 / x, ((3, 4), "nonzero"), op="mul", ops=("reciprocal",))
case("x**2", lambda L, x: x ** 2, S, op="pow_scalar")
case("x**3", lambda L, x: x ** 3, S, op="pow_scalar")
case("x**0", lambda L, x: x ** 0, S, op="pow_scalar")
case("x**1", lambda L, x: x ** 1, S, op="pow_scalar")
case("x**-1", lambda L, x: x ** -1, ((3, 4), "nonzero"), op="pow_scalar")
case("x**0.5", lambda L, x: x ** 0.5, ((3, 4), "pos"), op="pow_scalar")
case("x**-1.5", lambda L, x: x ** -1.5, ((3, 4), "pos"), op="pow_scalar")
case("x.square", lambda L, x: x.square(), S, op="pow_scalar")
case("2**x", lambda L, x: 2 ** x, S, op="rpow")
case("0.5**x", lambda L, x: 0.5 ** x, S, op="rpow")
case("0**x", lambda L, x: 0 ** x, ((3, 4), "pos"), op="rpow")
case("torch.pow(2,x)", lambda L, x: L.pow(2.0, x), S, op="rpow")
case("-x", lambda L, x: -x, S, op="neg")
case("x.neg", lambda L, x: x.neg(), ((0, 3), "real"), op="neg")

# -- matrix products ---------------------------------------------------------------------------

case("1D@1D", lambda L, a, b: a @ b, ((4,), "real"), ((4,), "real"), op="dot")
case("2D@1D", lambda L, a, b: a @ b, ((3, 4), "real"), ((4,), "real"), op="mv")
case("1D@2D", lambda L, a, b: a @ b, ((3,), "real"), ((3, 4), "real"), op="squeeze_matmul",
     ops=("mm", "unsqueeze"))
case("2D@2D", lambda L, a, b: a @ b, ((3, 4), "real"), ((4, 2), "real"), op="mm")
case("3D@2D", lambda L, a, b: a @ b, ((2, 3, 4), "real"), ((4, 5), "real"), op="unsafe_view",
     ops=("mm", "view"))
# (float32 sums of mixed-sign products can cancel; torch adds them in another order: compare at
# the scale of the terms, as for pow above)
case("3D@1D", lambda L, a, b: a @ b, ((2, 3, 4), "real"), ((4,), "real"), op="unsafe_view",
     ops=("mv",), atol=1e-5)
case("3D@3D", lambda L, a, b: a @ b, ((2, 3, 4), "real"), ((2, 4, 5), "real"), op="unsafe_view",
     ops=("bmm",))
# A batch of one that requires grad is squeezed and folded into mm, as PyTorch's matmul does.
case("3D@3D batch 1", lambda L, a, b: a @ b, ((2, 3, 4), "real"), ((1, 4, 5), "real"),
     op="unsafe_view", ops=("mm", "squeeze"))
case("4D@4D broadcast batches", lambda L, a, b: a @ b, ((2, 1, 2, 3), "real"),
     ((1, 2, 3, 2), "real"), op="unsafe_view", ops=("bmm", "expand", "clone"), atol=1e-5)
case("2D@3D", lambda L, a, b: a @ b, ((2, 3), "real"), ((2, 3, 4), "real"), op="clone",
     ops=("mm", "transpose", "t"), atol=1e-5)
case("0x3@3x4", lambda L, a, b: a @ b, ((0, 3), "real"), ((3, 4), "real"), op="mm")
case("torch.mm", lambda L, a, b: L.mm(a, b), ((2, 3), "real"), ((3, 3), "real"), op="mm")
case("torch.mv", lambda L, a, b: L.mv(a, b), ((2, 3), "real"), ((3,), "real"), op="mv")
case("torch.dot", lambda L, a, b: L.dot(a, b), ((5,), "real"), ((5,), "real"), op="dot")
case("torch.bmm", lambda L, a, b: L.bmm(a, b), ((2, 2, 3), "real"), ((2, 3, 2), "real"), op="bmm")
case("torch.matmul", lambda L, a, b: L.matmul(a, b), ((3, 4), "real"), ((4, 2), "real"), op="mm")

# -- reductions --------------------------------------------------------------------------------

for _shape in [(3, 4), (0, 4)]:
    X = (_shape, "real")
    case("sum", lambda L, x: x.sum(), X, op="sum_all")
    case("sum(0)", lambda L, x: x.sum(0), X, op="sum_dim")
    case("sum(dim=1)", lambda L, x: x.sum(dim=1), X, op="sum_dim")
    case("sum(-1,keepdim)", lambda L, x: x.sum(-1, keepdim=True), X, op="sum_dim")
    case("sum((0,1))", lambda L, x: x.sum((0, 1)), X, op="sum_dim")
    case("sum((-1,0),keepdim)", lambda L, x: x.sum(dim=(-1, 0), keepdim=True), X, op="sum_dim")
    case("torch.sum(x,1)", lambda L, x: L.sum(x, 1), X, op="sum_dim")
    case("mean", lambda L, x: x.mean(), X, op="mean_all")
    case("mean(1)", lambda L, x: x.mean(1), X, op="mean_dim")
    case("mean(-2,keepdim)", lambda L, x: x.mean(-2, keepdim=True), X, op="mean_dim")
    case("mean((0,1))", lambda L, x: x.mean((0, 1)), X, op="mean_dim")
    case("mean(dim=(-1,))", lambda L, x: x.mean(dim=(-1,)), X, op="mean_dim")
case("sum 3-D (0,2)", lambda L, x: x.sum((0, 2)), ((2, 3, 4), "real"), op="sum_dim")
case("mean 3-D (-1,0) keepdim", lambda L, x: x.mean((-1, 0), keepdim=True), ((2, 3, 4), "real"),
     op="mean_dim")
case("sum 0-d", lambda L, x: x.sum(), ((), "real"), op="sum_all")
case("mean 0-d", lambda L, x: x.mean(), ((), "real"), op="mean_all")
# tril/triu and embedding (a lookup whose rows repeat: their gradients add up)
case("tril", lambda L, x: x.tril(), ((3, 4), "real"), op="tril")
case("torch.tril(x,-1)", lambda L, x: L.tril(x, -1), ((2, 3, 4), "real"), op="tril")
# running sums and flips (the gradient is the running sum from the end, and flipped back)
case("x.cumsum(1)", lambda L, x: x.cumsum(1), ((3, 4), "real"), op="cumsum")
case("torch.cumsum(x,-3)", lambda L, x: L.cumsum(x, -3), ((2, 3, 2), "real"), op="cumsum")
case("x.flip(0, 2)", lambda L, x: x.flip(0, 2), ((2, 3, 4), "real"), op="flip")
case("triu(1)", lambda L, x: x.triu(1), ((4, 3), "real"), op="triu")
case("torch.triu(x,diagonal=-2)", lambda L, x: L.triu(x, diagonal=-2), ((3, 4), "real"), op="triu")
case("F.embedding", lambda L, x: L.nn.functional.embedding(L.tensor([[1, 3, 1], [0, 1, 4]]), x),
     ((5, 3), "real"), op="embedding")
case("F.embedding(padding_idx)", lambda L, x: L.nn.functional.embedding(L.tensor([2, 1, 2, 0]), x, padding_idx=2),
     ((3, 4), "real"), op="embedding", fd=False)  # the padding row's gradient is 0 by definition
# leaky_relu and gelu (at 0 leaky_relu's derivative is the slope, as in PyTorch: ties are kinks)
case("F.leaky_relu", lambda L, x: L.nn.functional.leaky_relu(x, 0.2), ((3, 4), "real"), op="leaky_relu")
case("F.leaky_relu ties", lambda L, x: L.nn.functional.leaky_relu(x), ((3, 4), "ties"), op="leaky_relu", fd=False)
case("F.leaky_relu(inplace)", lambda L, x: L.nn.functional.leaky_relu(x * 1, 0.3, inplace=True), ((3, 4), "real"),
     op="leaky_relu_", ops=("mul",))
case("F.gelu", lambda L, x: L.nn.functional.gelu(x), ((3, 4), "wide"), op="gelu")
case("F.gelu(tanh)", lambda L, x: L.nn.functional.gelu(x, approximate="tanh"), ((3, 4), "wide"), op="gelu")
# layer_norm over the last dim(s), with weight and bias, weight only, or neither. gradlab computes it
# in float64 and rounds once; PyTorch's float32 kernel rounds along the way, which shows where the
# gradient nearly cancels (a row of equal values but one: 5e-5 relative, found by the slow run), so
# the float32 comparison with torch gets 1e-4 (the finite-difference check, in float64, keeps its own).
# An element that is the difference of terms as large as the largest gradient carries their
# float32 rounding in PyTorch's kernel: absolute tolerance 1e-5 of the largest gradient (about 80
# of its ulps; the default run's random draws found 0.075 off by 2e-5 beside |grad| ~800, and
# 0.0264 off by 1.3e-5 beside 8.9). A wrong formula is off by far more.
_LN = dict(rtol=1e-4, atol=lambda t: max(1e-5, 1e-5 * float(np.max(np.abs(t), initial=0.0))))
case("F.layer_norm(w,b)", lambda L, x, w, b: L.nn.functional.layer_norm(x, (4,), w, b),
     ((2, 3, 4), "real"), ((4,), "real"), ((4,), "real"), op="layer_norm", **_LN)
case("F.layer_norm(w)", lambda L, x, w: L.nn.functional.layer_norm(x, (3, 4), w), ((2, 3, 4), "real"), ((3, 4), "real"),
     op="layer_norm_weight", **_LN)
case("F.layer_norm", lambda L, x: L.nn.functional.layer_norm(x, [4], eps=1e-3), ((3, 4), "real"), op="layer_norm_plain",
     **_LN)
# var and std: Bessel's correction by default, unbiased=False, correction=, a bool first argument
case("var", lambda L, x: x.var(), ((3, 4), "real"), op="var")
case("var(0,keepdim,unbiased)", lambda L, x: x.var(0, keepdim=True, unbiased=True), ((3, 4), "real"), op="var")
case("var(1,unbiased=False)", lambda L, x: x.var(1, unbiased=False), ((3, 4), "real"), op="var")
case("torch.var(x,(0,2),correction=2)", lambda L, x: L.var(x, (0, 2), correction=2), ((3, 2, 4), "real"), op="var")
case("var(False)", lambda L, x: x.var(False), ((3, 4), "real"), op="var")
case("std", lambda L, x: x.std(), ((3, 4), "real"), op="std")
case("std(-1,keepdim)", lambda L, x: x.std(-1, keepdim=True), ((3, 4), "real"), op="std")
case("torch.std(x,0,unbiased=False)", lambda L, x: L.std(x, 0, unbiased=False), ((3, 4), "real"), op="std")

for _dom in ["real", "ties"]:
    X = ((3, 4), _dom)
    _fd = _dom not in KINKED
    case(f"max[{_dom}]", lambda L, x: x.max(), X, op="max_all", fd=_fd)
    case(f"min[{_dom}]", lambda L, x: x.min(), X, op="min_all", fd=_fd)
    case(f"torch.max[{_dom}]", lambda L, x: L.max(x), X, op="max_all", fd=_fd)
    case(f"max(1)[{_dom}]", lambda L, x: x.max(1).values, X, op="max_dim", fd=_fd)
    case(f"max(0,keepdim)[{_dom}]", lambda L, x: x.max(0, keepdim=True)[0], X, op="max_dim", fd=_fd)
    case(f"min(-1)[{_dom}]", lambda L, x: x.min(-1).values, X, op="min_dim", fd=_fd)
    case(f"torch.min(x,0)[{_dom}]", lambda L, x: L.min(x, 0).values, X, op="min_dim", fd=_fd)
case("max(1) empty rows", lambda L, x: x.max(1).values, ((0, 4), "real"), op="max_dim")
case("max 1-D", lambda L, x: x.max(), ((7,), "ties"), op="max_all", fd=False)
case("max 0-d", lambda L, x: x.max(), ((), "real"), op="max_all")
case("max(0) 0-d", lambda L, x: x.max(0).values, ((), "real"), op="max_dim")

# -- elementwise functions ---------------------------------------------------------------------

# Ops marked method=True in the op table: one row per domain the table names, as a method and
# as a function, on three shapes (derived: adding such an op adds its rows).
OP_VARIABLES = {id(v): k for k, v in vars(ops).items() if isinstance(v, ops.Op)}
UNARY = [(f"{spelling}{op.name}[{dom}]", fn, dom, OP_VARIABLES[id(op)])
         for op in TABLE_METHODS for dom in op.tests
         for spelling, fn in [("x.", lambda L, x, n=op.name: getattr(x, n)()),
                              ("torch.", lambda L, x, n=op.name: getattr(L, n)(x))]]
UNARY += [
    ("abs[ties]", lambda L, x: abs(x), "ties", "abs"),
    ("clamp(min)", lambda L, x: x.clamp(min=-0.5), "real", "clamp"),
    ("clamp(max)", lambda L, x: x.clamp(max=0.5), "real", "clamp"),
    ("clamp(min,max)", lambda L, x: x.clamp(-1.0, 1.0), "real", "clamp"),
    ("clamp[ties]", lambda L, x: x.clamp(-1, 1), "ties", "clamp"),
    ("torch.clamp[ties]", lambda L, x: L.clamp(x, min=-0.5, max=0.5), "ties", "clamp"),
    ("clip", lambda L, x: x.clip(0.0, 1.0), "real", "clamp"),
]
for _name, _fn, _dom, _op in UNARY:
    for _shape in [(3, 4), (), (0, 3)]:
        case(_name, _fn, (_shape, _dom), op=_op, fd=_dom not in KINKED)

# -- mixed dtypes: the result is promoted, each gradient comes back in its input's dtype ---------

F64 = ("float64",)
case("f32 * f64", lambda L, a, b: a * b, ((3, 1), "real"), ((4,), "real"), op="mul",
     dtypes=("float32", "float64"), fd=False)
case("f64 / f32", lambda L, a, b: a / b, ((3, 4), "real"), ((3, 4), "nonzero"), op="div",
     dtypes=("float64", "float32"), fd=False)
case("f64 ** f32", lambda L, a, b: a ** b, ((4,), "pos"), ((3, 4), "real"), op="pow_tensor",
     dtypes=("float64", "float32"), fd=False)
case("maximum f32 f64", lambda L, a, b: L.maximum(a, b), ((3, 4), "ties"), ((), "ties"),
     op="maximum", dtypes=("float32", "float64"), fd=False)
case("f64 ops", lambda L, x: (x.exp() * x.sigmoid() - x.tanh()).sum(1) / 3, ((3, 4), "real"),
     op="div", dtypes=F64)
case("f64 @ f64", lambda L, a, b: a @ b, ((2, 3, 4), "real"), ((4, 2), "real"), op="unsafe_view",
     dtypes=F64 * 2)
case("f32 * int tensor", lambda L, x: x * L.arange(4), ((3, 4), "real"), op="mul")
case("f32 + int 0-d", lambda L, x: x + L.tensor(2), ((3, 4), "real"), op="add")
case("int tensor / f32", lambda L, x: L.tensor([1, 2, 3, 4]) / x, ((3, 4), "nonzero"), op="div")
case("f32 ** int tensor", lambda L, x: x ** L.tensor([0, 1, 2, 3]), ((3, 4), "real"),
     op="pow_tensor")
case("f32 - bool-free int64 0-d", lambda L, x: L.tensor(5) - x, ((3, 4), "real"), op="sub")
case("f64 sum of f32", lambda L, x: x.sum(dtype=L.float64), ((3, 4), "real"), op="sum_all",
     ops=("to_dtype",), fd_dtype="float32")

# -- shapes and layout -------------------------------------------------------------------------

A = ((3, 4), "real")
B3 = ((2, 3, 4), "real")
case("reshape", lambda L, x: x.reshape(2, 6), A, op="view")
case("reshape(-1)", lambda L, x: x.reshape(-1), A, op="view")
case("reshape tuple", lambda L, x: x.reshape((4, 3)), A, op="view")
case("reshape non-contiguous", lambda L, x: x.t().reshape(12), A, op="unsafe_view", ops=("clone",))
# Strides that fit the new shape: another view, PyTorch's _reshape_alias.
case("reshape of a strided view", lambda L, x: x[:, 1].reshape(3, 1), A, op="reshape_alias",
     ops=("select",))
case("view", lambda L, x: x.view(4, 3), A, op="view")
case("view(-1,2)", lambda L, x: x.view(-1, 2), B3, op="view")
case("flatten", lambda L, x: x.flatten(), B3, op="view")
case("flatten(1)", lambda L, x: x.flatten(1), B3, op="view")
case("torch.flatten", lambda L, x: L.flatten(x), A, op="view")
case("transpose", lambda L, x: x.transpose(0, 1), A, op="transpose")
case("transpose(-1,0)", lambda L, x: x.transpose(-1, 0), B3, op="transpose")
case(".T", lambda L, x: x.T, A, op="permute")
case(".T 3-D", lambda L, x: x.T, B3, op="permute")
case(".t()", lambda L, x: x.t(), A, op="t")
case(".t() 1-D", lambda L, x: x.t(), ((4,), "real"), op="t")
case(".mT", lambda L, x: x.mT, B3, op="transpose")
case("permute", lambda L, x: x.permute(2, 0, 1), B3, op="permute")
case("permute tuple", lambda L, x: x.permute((1, -1, 0)), B3, op="permute")
case("unsqueeze(0)", lambda L, x: x.unsqueeze(0), A, op="unsqueeze")
case("unsqueeze(-1)", lambda L, x: x.unsqueeze(-1), A, op="unsqueeze")
case("squeeze(dim)", lambda L, x: x.squeeze(1), ((3, 1, 4), "real"), op="squeeze")
case("squeeze(dim not 1)", lambda L, x: x.squeeze(0), ((3, 1, 4), "real"), op="squeeze")
case("squeeze()", lambda L, x: x.squeeze(), ((1, 3, 1, 4), "real"), op="squeeze_all")
case("squeeze() none", lambda L, x: x.squeeze(), A, op="squeeze_all")
case("expand", lambda L, x: x.expand(3, 4), ((3, 1), "real"), op="expand")
case("expand new dims", lambda L, x: x.expand(2, 3, 4), ((4,), "real"), op="expand")
case("expand(-1)", lambda L, x: x.expand(2, -1, 4), ((3, 1), "real"), op="expand")
case("expand_as", lambda L, x, y: x.expand_as(y) * y, ((1, 4), "real"), A, op="mul",
     ops=("expand",))
case("clone", lambda L, x: x.clone(), A, op="clone")
case("torch.clone", lambda L, x: L.clone(x), ((), "real"), op="clone")
case("contiguous", lambda L, x: x.t().contiguous(), A, op="clone", ops=("t",))
# (float64 inputs would make these casts no-ops: the finite differences use float32 inputs)
case(".to(float64)", lambda L, x: x.to(L.float64), A, op="to_dtype", fd_dtype="float32")
case(".double()", lambda L, x: x.double(), A, op="to_dtype", fd_dtype="float32")
case(".to(dtype=)", lambda L, x: x.to(dtype=L.float64) * 2, A, op="mul", ops=("to_dtype",),
     fd_dtype="float32")

# -- indexing ----------------------------------------------------------------------------------

case("x[1]", lambda L, x: x[1], A, op="select")
case("x[-1]", lambda L, x: x[-1], A, op="select")
case("v[2] 0-d", lambda L, x: x[2], ((5,), "real"), op="select")
case("x[1:3]", lambda L, x: x[1:3], A, op="slice")
case("x[::2]", lambda L, x: x[::2], ((5, 2), "real"), op="slice")
case("x[:]", lambda L, x: x[:], A, op="slice")
case("x[1::2, -3:]", lambda L, x: x[1::2, -3:], ((5, 4), "real"), op="slice")
case("x[...]", lambda L, x: x[...], A, op="alias")
case("x[..., 1]", lambda L, x: x[..., 1], B3, op="select")
case("x[None]", lambda L, x: x[None], A, op="unsqueeze")
case("x[:, None]", lambda L, x: x[:, None], A, op="unsqueeze")
case("A[1:, :2]", lambda L, x: x[1:, :2], A, op="slice")
case("A[:, 1]", lambda L, x: x[:, 1], A, op="select")
case("A[1, 2]", lambda L, x: x[1, 2], A, op="select")
case("A[-1, 1:]", lambda L, x: x[-1, 1:], A, op="slice", ops=("select",))
case("for row in x", lambda L, x: [row for row in x][2], A, op="unbind")
case("unpack rows", lambda L, x: (lambda a, b, c: a * c - b)(*x), A, op="sub", ops=("unbind", "mul"))
case("x[idx] repeated", lambda L, x: x[L.tensor([0, 2, 0, 0])], A, op="index")
case("v[idx] repeated", lambda L, x: x[L.tensor([4, 1, 4])], ((5,), "real"), op="index")
case("x[idx 2-D]", lambda L, x: x[L.tensor([[0, 1], [1, 1]])], ((3,), "real"), op="index")
case("x[list]", lambda L, x: x[[2, 0, 2]], A, op="index")
case("x[mask]", lambda L, x: x[x > 0], A, op="index")
case("x[mask row]", lambda L, x: x[L.tensor([True, False, True])], A, op="index")
case("x[:, idx]", lambda L, x: x[:, L.tensor([3, 3, 0])], A, op="index")
case("x[idx, idx]", lambda L, x: x[L.tensor([0, 2, 0]), L.tensor([1, 1, 1])], A, op="index")
case("x[empty idx]", lambda L, x: x[L.tensor([], dtype=L.int64)], A, op="index")


def _setitem(key, value=None):
    def f(L, x, *v):
        y = x * 1.0
        y[key(L) if callable(key) else key] = v[0] if v else value
        return y
    return f


case("y[1] = 2.", _setitem(1, 2.0), A, op="copy_slices", ops=("mul",))
case("y[:, 1:3] = v", _setitem((slice(None), slice(1, 3))), A, ((3, 2), "real"), op="copy_slices")
case("y[0] = v bcast", _setitem(0), A, ((1,), "real"), op="copy_slices")
case("y[idx] = v", _setitem(lambda L: L.tensor([2, 0])), A, ((2, 4), "real"), op="index_put")
case("y[:, idx] = v", _setitem(lambda L: (slice(None), L.tensor([3, 1]))), A, ((2,), "real"),
     op="index_put")
# Repeated indices in an assignment: PyTorch leaves undefined which write wins, and its backward
# gives every copy of the value the gradient. gradlab does the same; finite differences can't agree.
case("y[:, idx] = v repeated", _setitem(lambda L: (slice(None), L.tensor([3, 1, 3]))), A,
     ((3,), "real"), op="index_put", fd=False)
case("y[1, idx] = v", _setitem(lambda L: (1, L.tensor([0, 2]))), A, ((2,), "real"),
     op="copy_slices")
case("y[mask] = 0", _setitem(lambda L: L.tensor([[True, False, False, True]] * 3), 0.0), A,
     op="index_put")
case("y[list] = v", _setitem([0, 2]), A, ((4,), "real"), op="index_put")
case("y[..., -1] = v 0-d", _setitem((Ellipsis, -1)), A, ((), "real"), op="copy_slices")
case("y[...] = v", _setitem(Ellipsis), A, ((4,), "real"), op="copy")
case("y[:] = v", _setitem(slice(None)), A, ((3, 1), "real"), op="copy")
case("y[:, :] = 2.", _setitem((slice(None), slice(None)), 2.0), A, op="fill_tensor")
case("z.copy_(x)", lambda L, x: L.zeros(3, 4, dtype=x.dtype).copy_(x * 2), A, op="copy", ops=("mul",))
case("z64.copy_(x)", lambda L, x: L.zeros(2, 3, 4, dtype=L.float64).copy_(x), A, op="copy")
case("masked_fill", lambda L, x: x.masked_fill(x > 0, 0.5), A, op="masked_fill")
case("masked_fill bcast mask", lambda L, x: x.masked_fill(L.tensor([True, False, False, True]), -1.0),
     A, op="masked_fill")
case("torch.masked_fill", lambda L, x: L.masked_fill(x, x < -1, 0.0), A, op="masked_fill")

# -- neural-network functions (each one node in PyTorch's graph too) ---------------------------

def _F(L):
    return L.nn.functional


case("F.linear", lambda L, x, w, b: _F(L).linear(x, w, b), ((5, 3), "real"), ((2, 3), "real"),
     ((2,), "real"), op="addmm", ops=("t",))
case("F.linear 3-D", lambda L, x, w, b: _F(L).linear(x, w, b), ((2, 5, 3), "real"),
     ((4, 3), "real"), ((4,), "real"), op="view", ops=("addmm",))
case("F.linear no bias", lambda L, x, w: _F(L).linear(x, w), ((5, 3), "real"), ((2, 3), "real"),
     op="mm")
case("F.softmax", lambda L, x: _F(L).softmax(x, dim=1), ((3, 4), "wide"), op="softmax")
case("torch.softmax(-2)", lambda L, x: L.softmax(x, -2), ((3, 4), "real"), op="softmax")
case("F.log_softmax", lambda L, x: _F(L).log_softmax(x, dim=-1), ((3, 4), "wide"),
     op="log_softmax")
case("F.log_softmax 1-D", lambda L, x: _F(L).log_softmax(x, 0), ((5,), "real"), op="log_softmax")
case("F.cross_entropy", lambda L, x: _F(L).cross_entropy(x, L.tensor([0, 3, 3])), ((3, 4), "real"),
     op="nll_loss", ops=("log_softmax",))
case("F.cross_entropy sum", lambda L, x: _F(L).cross_entropy(x, L.tensor([1, 0]), reduction="sum"),
     ((2, 4), "wide"), op="nll_loss", ops=("log_softmax",))
case("F.nll_loss none", lambda L, x: _F(L).nll_loss(x, L.tensor([2, 0, 1]), reduction="none"),
     ((3, 4), "real"), op="nll_loss")
case("F.mse_loss", lambda L, a, b: _F(L).mse_loss(a, b), A, A, op="mse_loss")
case("F.mse_loss sum", lambda L, a, b: _F(L).mse_loss(a, b, reduction="sum"), A, A, op="mse_loss")
case("F.mse_loss none", lambda L, a, b: _F(L).mse_loss(a, b, reduction="none"), ((5,), "real"),
     ((5,), "real"), op="mse_loss")

# A detached target gets no gradient, which finite differences (perturbing every input) would
# not see: those rows are checked against torch; the "both" rows check the target's gradient.
P = ((3, 4), "prob")
case("F.bce", lambda L, p, t: _F(L).binary_cross_entropy(p, t.detach()), P, P,
     op="binary_cross_entropy", fd=False)
case("F.bce both", lambda L, p, t: _F(L).binary_cross_entropy(p, t), P, P,
     op="binary_cross_entropy")
case("F.bce sum weight", lambda L, p, t: _F(L).binary_cross_entropy(
     p, t.detach(), weight=L.ones(4) * 2, reduction="sum"), P, P, op="binary_cross_entropy", fd=False)
case("F.bce none", lambda L, p, t: _F(L).binary_cross_entropy(p, t.detach(), reduction="none"),
     ((5,), "prob"), ((5,), "prob"), op="binary_cross_entropy", fd=False)
case("F.bce logits", lambda L, z, t: _F(L).binary_cross_entropy_with_logits(z, t.detach()),
     ((3, 4), "wide"), P, op="binary_cross_entropy_with_logits", fd=False)
case("F.bce logits both", lambda L, z, t: _F(L).binary_cross_entropy_with_logits(z, t),
     ((3, 4), "real"), P, op="binary_cross_entropy_with_logits")
case("F.bce logits pos_weight", lambda L, z, t: _F(L).binary_cross_entropy_with_logits(
     z, t, pos_weight=L.tensor([1., 2., 3., 4.])), ((3, 4), "real"), P,
     op="binary_cross_entropy_with_logits")
case("F.bce logits weight sum", lambda L, z, t: _F(L).binary_cross_entropy_with_logits(
     z, t.detach(), weight=L.tensor([0.5, 1., 2., 1.]), reduction="sum"), ((3, 4), "real"), P,
     op="binary_cross_entropy_with_logits", fd=False)

# -- remainder and fmod: the gradient is 1 for a, and minus the (floored or truncated) quotient for b

case("x % 1.5", lambda L, x: x % 1.5, A, op="remainder_scalar")
case("x % -2", lambda L, x: L.remainder(x, -2), A, op="remainder_scalar")
case("x % y", lambda L, x, y: x % y, A, ((4,), "nonzero"), op="remainder")
case("fmod(x, 1.5)", lambda L, x: L.fmod(x, 1.5), A, op="fmod_scalar")
case("fmod(x, y)", lambda L, x, y: x.fmod(y), A, ((3, 4), "nonzero"), op="fmod")

# -- matrix norms: amax/amin of vector norms, and singular values (svdvals). A singular value's
# gradient u·vᵀ is only defined where it is simple and nonzero, so those inputs are a fixed
# matrix with well-separated singular values (12, 6, 2) plus a small perturbation (‖0.1·x‖ < 1.1).

def _separated(L, x):
    d = L.zeros(3, 4)
    d[0, 0], d[1, 1], d[2, 2] = 12.0, 6.0, 2.0
    return 0.1 * x + d


SV = dict(ops=("svdvals", "permute"))
case("matrix_norm nuc", lambda L, x: L.linalg.matrix_norm(_separated(L, x), "nuc"), A,
     op="sum_dim", **SV)
case("matrix_norm 2", lambda L, x: L.linalg.matrix_norm(_separated(L, x), 2), A, op="amax", **SV)
case("linalg.norm -2 of the transpose", lambda L, x: L.linalg.norm(_separated(L, x).t(), -2), A,
     op="amin", **SV)
case("matrix_norm 2 keepdim batch", lambda L, x: L.linalg.matrix_norm(
     _separated(L, x[0]).unsqueeze(1) * L.tensor([1.0, 0.5]).reshape(1, 2, 1), 2, dim=(0, 2),
     keepdim=True), ((1, 3, 4), "real"), op="permute", ops=("amax", "svdvals", "unsqueeze"))
case("svdvals", lambda L, x: L.linalg.svdvals(_separated(L, x)), A, op="svdvals")
case("matrix_norm 1", lambda L, x: L.linalg.matrix_norm(x, 1), A, op="amax", ops=("vector_norm",))
case("matrix_norm -inf", lambda L, x: L.linalg.matrix_norm(x, -float("inf")), A, op="amin",
     ops=("vector_norm",))
case("linalg.norm inf dim=(2, 0)", lambda L, x: L.linalg.norm(x, float("inf"), dim=(2, 0)),
     ((3, 2, 4), "real"), op="amax", ops=("vector_norm",))
case("x.norm('nuc')", lambda L, x: _separated(L, x).norm("nuc"), A, op="sum_dim", **SV)
case("x.amax(dims, keepdim)", lambda L, x: x.amax((0, 2), keepdim=True), ((3, 4, 2), "real"), op="amax")
case("amin(x, 1)", lambda L, x: L.amin(x, 1), A, op="amin")
case("amax ties", lambda L, x: x.amax(1), ((3, 4), "ties"), op="amax", fd=False)
case("amax of all", lambda L, x: x.amax(), ((3, 4), "ties"), op="amax", fd=False)

# -- floor division, and a number's remainder by a tensor: recorded, but PyTorch has no derivative
# (a "NotImplemented" node whose backward raises the same error in both)

ND = dict(fd=False, differentiable=False)
case("x // 1.5", lambda L, x: x // 1.5, A, op="floor_divide_scalar", **ND)
case("x // y", lambda L, x, y: L.floor_divide(x, y), A, ((4,), "nonzero"), op="floor_divide", **ND)
case("-2 // x", lambda L, x: -2 // x, ((3, 4), "nonzero"), op="rfloor_divide", **ND)
case("x.floor_divide_(y)", lambda L, x, y: (x * 1).floor_divide_(y), A, ((4,), "nonzero"),
     op="floor_divide_inplace", ops=("mul",), **ND)
case("x //= -2", lambda L, x: (x * 1).__ifloordiv__(-2), A, op="floor_divide_scalar_inplace",
     ops=("mul",), **ND)
case("3 % x", lambda L, x: L.remainder(3, x), ((3, 4), "nonzero"), op="rremainder", **ND)

# -- split and chunk: one node per piece in gradlab (PyTorch: one node, several outputs) ---------

case("split(2)[1]", lambda L, x: x.split(2)[1], ((5, 3), "real"), op="split")
case("chunk(2, 1)[0] * 2", lambda L, x: x.chunk(2, 1)[0] * 2, ((3, 4), "real"), op="mul",
     ops=("split",))
case("split pieces summed", lambda L, x: sum(p.sum() for p in L.split(x, [1, 3], dim=1)),
     ((3, 4), "real"), op="add", ops=("split_with_sizes",))

# -- norms: every spelling is one LinalgVectorNormBackward0 -------------------------------------

case("x.norm()", lambda L, x: x.norm(), A, op="vector_norm")
case("x.norm(1, 1)", lambda L, x: x.norm(1, 1), ((3, 4), "nonzero"), op="vector_norm")
case("torch.norm(x, dim=0)", lambda L, x: L.norm(x, dim=0), A, op="vector_norm")
case("vector_norm(3, keepdim)", lambda L, x: L.linalg.vector_norm(x, 3, dim=0, keepdim=True),
     ((3, 4), "nonzero"), op="vector_norm")
case("vector_norm(0.5)", lambda L, x: L.linalg.vector_norm(x, 0.5, dim=1), ((3, 4), "nonzero"),
     op="vector_norm")
case("vector_norm(inf)", lambda L, x: L.linalg.vector_norm(x, float("inf")), A, op="vector_norm")
case("vector_norm(-inf, 1)", lambda L, x: L.linalg.vector_norm(x, -float("inf"), dim=1), A,
     op="vector_norm")
case("vector_norm(inf)[ties]", lambda L, x: L.linalg.vector_norm(x, float("inf"), dim=1),
     ((3, 4), "ties"), op="vector_norm", fd=False)
case("linalg.norm 1-D", lambda L, x: L.linalg.norm(x), ((5,), "real"), op="vector_norm")
case("linalg.norm fro", lambda L, x: L.linalg.norm(x, "fro"), A, op="vector_norm")

# -- in-place ops on non-leaves (history is rebased onto the in-place op) ------------------------


def _inplace(method, *args):
    def f(L, x, *others):
        y = x * 1.0
        getattr(y, method)(*(others or args))
        return y
    return f


def _iop(L, x, z):
    y = x * 1.0
    y -= z
    y += 1
    y *= z
    y /= 2
    return y


case("y.add_(z)", _inplace("add_"), A, ((4,), "real"), op="add")
case("y.sub_(z)", _inplace("sub_"), A, A, op="sub")
case("y.mul_(z)", _inplace("mul_"), A, ((3, 1), "real"), op="mul")
case("y.div_(z)", _inplace("div_"), A, ((3, 4), "nonzero"), op="div")
case("y.pow_(2)", _inplace("pow_", 2), A, op="pow_scalar")
case("y.clamp_", _inplace("clamp_", -1.0, 1.0), A, op="clamp")
case("y.zero_()", _inplace("zero_"), A, op="zero")
case("y.fill_(2.)", _inplace("fill_", 2.0), A, op="fill")
# The in-place form of every method=True op of the table (derived, like UNARY above); those whose
# in-place derivative PyTorch leaves unimplemented (asinh_ ...) are tested in test_new_ops.py.
for _op in TABLE_METHODS:
    if _op.inplace is _op and _op.tests:
        case(f"y.{_op.name}_()", _inplace(_op.name + "_"), ((3, 4), _op.tests[-1]),
             op=OP_VARIABLES[id(_op)], fd=_op.tests[-1] not in KINKED)
case("-= += *= /=", _iop, A, A, op="div", ops=("mul", "add", "sub"))

# -- joining and choosing -------------------------------------------------------------------------

case("cat", lambda L, a, b: L.cat([a, b]), ((2, 3), "real"), ((1, 3), "real"), op="cat")
case("cat dim=1 of 3", lambda L, a, b, c: L.cat([a, b, c], dim=1), ((2, 1), "real"),
     ((2, 3), "real"), ((2, 2), "real"), op="cat")
case("cat dim=-1", lambda L, a, b: L.cat([a * 2, b], dim=-1), ((3,), "real"), ((2,), "real"),
     op="cat", ops=("mul",))
case("stack", lambda L, a, b: L.stack([a, b]), ((2, 3), "real"), ((2, 3), "real"), op="stack")
case("stack dim=1", lambda L, a, b: L.stack([a, b, a], dim=1), ((4,), "real"), ((4,), "real"),
     op="stack")
case("where", lambda L, a, b: L.where(a > b, a, b), ((3, 4), "real"), ((3, 4), "real"), op="where")
case("where bcast", lambda L, a, b: L.where(a > 0, a, b), ((3, 4), "real"), ((4,), "real"),
     op="where")
case("where scalar", lambda L, a: L.where(a > 0, a, 0.5), ((3, 4), "real"), op="where")


# -- in place through a view: the base is rebased onto CopySlices, the view onto AsStrided --------


def _through_view(read_view):
    def f(L, x, w):
        y = x * 1.0
        v = y.t()[1]
        v.mul_(w)
        return v * 1.0 if read_view else y
    return f


# (mul reads the view's elements from the base's history, as_strided, not through t and select:
# PyTorch's CopySlices sends their gradient to the base, past the view's own nodes)
case("y.t()[1].mul_(w): base", _through_view(False), A, ((3,), "real"), op="copy_slices_view",
     ops=("mul", "as_strided"))
case("y.t()[1].mul_(w): view", _through_view(True), A, ((3,), "real"), op="mul",
     ops=("as_strided", "copy_slices_view"))
# Its second derivative records the scatter back into the base; PyTorch's double-backward node
# names differ (see "grad of sigmoid" below), so only values and gradients are compared.
case("grad through a view written in place",
     lambda L, x: L.autograd.grad((_through_view(True)(L, x, L.tensor(2.0)) ** 2).sum(), x,
                                  create_graph=True)[0],
     A, op="mul", ops=("as_strided_scatter",), check_node=False)


# -- higher derivatives: the backward of indexing is itself recorded -----------------------------


def _grad_of(index):
    def f(L, x):
        y = (index(L, x) ** 2).sum()
        (g,) = L.autograd.grad(y, x, create_graph=True)
        return g
    return f


case("grad of x[1]", _grad_of(lambda L, x: x[1]), A, op="embed_select", ops=("select",))
case("grad of x[::2]", _grad_of(lambda L, x: x[::2]), A, op="embed_slice", ops=("slice",))
case("grad of x[idx]", _grad_of(lambda L, x: x[L.tensor([0, 2, 0])]), A, op="embed_index",
     ops=("index",))
case("grad of x*x", _grad_of(lambda L, x: x * x.exp()), A, op="add", ops=("mul", "exp"))
# relu's backward is recorded as PyTorch's threshold_backward, with relu's result as an input.
case("grad of relu", _grad_of(lambda L, x: x.relu() * x), A, op="add",
     ops=("threshold_backward", "relu"), fd=False)
# PyTorch records its fused backward kernel here (SigmoidBackwardBackward0); gradlab records the
# elementary ops its rule is written with (ops.py), so only values and gradients are compared.
case("grad of sigmoid", _grad_of(lambda L, x: x.sigmoid().sum(0)), A, op="mul",
     ops=("sigmoid",), check_node=False)
