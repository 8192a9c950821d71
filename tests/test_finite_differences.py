"""Every differentiable op's gradient against central finite differences (no torch involved).

For each case of the op test table in ``op_cases.CASES`` (inputs in float64), gradlab's
``x.grad`` after ``out.backward(u)`` must equal the vector-Jacobian product ``Jᵀu`` computed
numerically, one input element at a time:

    (Jᵀu)ⱼ ≈ Σ u · (f(x + h·eⱼ) − f(x − h·eⱼ)) / 2h

Only gradlab's *forward* is used to build this oracle (its values are checked against torch in
test_ops_vs_torch.py); the backward pass under test never is.

The same runs check that each case's output node is the op the case names, with that op's
``node_name`` from the table, and that every ``Op`` in ``gradlab.ops`` is reached by some case,
so a new op cannot be added without a test.
"""
from __future__ import annotations

import numpy as np
import pytest

import gradlab
from gradlab import ops
from gradlab.ops import Op, Rule

from op_cases import CASES, Case

H = 1e-6                 # float64 step: truncation error ~h², rounding ~eps/h, both far below tol
RTOL, ATOL = 1e-6, 1e-7
H32, RTOL32, ATOL32 = 1e-2, 1e-4, 1e-5   # float32 inputs (only the casts): all linear, so exact-ish


# -- inputs: fixed random values in each case's domain (away from kinks with probability 1) -----

def sample(domain, shape, rng):
    if domain == "real":
        return rng.uniform(-3, 3, shape)
    if domain == "pos":
        return rng.uniform(0.25, 4, shape)
    if domain == "nonzero":
        return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.5, 4, shape)
    if domain == "wide":
        return rng.uniform(-12, 12, shape)
    if domain == "ties":
        return rng.choice([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0], shape)
    if domain == "smallint":
        return rng.choice([-2.0, -1.0, 0.0, 1.0, 2.0, 3.0], shape)
    if domain == "unit":   # asin, acos, atanh: inside (−1, 1)
        return rng.uniform(-0.95, 0.95, shape)
    if domain == "gt1":    # acosh: above 1
        return rng.uniform(1.1, 4, shape)
    if domain == "small":  # tan: away from ±π/2
        return rng.uniform(-1.2, 1.2, shape)
    if domain == "prob":   # probabilities, away from 0 and 1
        return rng.uniform(0.05, 0.95, shape)
    raise ValueError(domain)


def inputs_for(c: Case, seed):
    rng = np.random.default_rng(seed)
    return [np.asarray(sample(dom, shape, rng), dtype=c.fd_dtype) for shape, dom in c.inputs]


def evaluate(c: Case, arrays):
    """gradlab's forward value of the case, as float64 (inputs require grad: some cases call
    autograd.grad inside)."""
    xs = [gradlab.tensor(a.copy(), requires_grad=True) for a in arrays]
    return np.array(c.fn(gradlab, *xs).detach().numpy(), dtype=np.float64)


# -- the numerical oracle -----------------------------------------------------------------------

def numeric_vjp(c: Case, arrays, u, h):
    """Jᵀu for every input, by central differences over NumPy copies of the inputs."""
    grads = []
    for i, a in enumerate(arrays):
        g = np.zeros(a.shape, dtype=np.float64)
        for j in np.ndindex(a.shape):
            plus = [x.copy() for x in arrays]
            minus = [x.copy() for x in arrays]
            plus[i][j] += h
            minus[i][j] -= h
            step = float(plus[i][j]) - float(minus[i][j])  # the step actually taken (float32 rounds)
            g[j] = np.sum(u * (evaluate(c, plus) - evaluate(c, minus))) / step
        grads.append(g)
    return grads


def analytic(c: Case, arrays, seed):
    """gradlab's gradients for the upstream gradient ``u``; also returns the output tensor."""
    xs = [gradlab.tensor(a.copy(), requires_grad=True) for a in arrays]
    out = c.fn(gradlab, *xs)
    u = np.random.default_rng(seed + 1000).standard_normal(tuple(out.shape))
    out.backward(gradlab.tensor(np.asarray(u, dtype=out.detach().numpy().dtype)))
    grads = [np.zeros(a.shape) if x.grad is None else np.array(x.grad.numpy(), dtype=np.float64)
             for a, x in zip(arrays, xs)]
    return out, u, grads


def check_vjp(c: Case, seed):
    arrays = inputs_for(c, seed)
    out, u, got = analytic(c, arrays, seed)
    f32 = c.fd_dtype == "float32"
    want = numeric_vjp(c, arrays, u, H32 if f32 else H)
    for i, (g, w) in enumerate(zip(got, want)):
        np.testing.assert_allclose(g, w, rtol=RTOL32 if f32 else RTOL, atol=ATOL32 if f32 else ATOL,
                                   err_msg=f"{c.id}: gradient of input {i}")
    return out


# -- which ops a graph contains ---------------------------------------------------------------

OP_NAMES = {id(v): k for k, v in vars(ops).items() if isinstance(v, Op)}


def graph_ops(t):
    """Names (in gradlab.ops) of the ops of every node reachable from ``t.grad_fn``."""
    found, seen, stack = set(), set(), [t.grad_fn] if t.grad_fn is not None else []
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        op = getattr(type(node), "op", None)
        if op is not None:
            found.add(OP_NAMES[id(op)])
        stack.extend(child for child, _ in node.next_functions)
    return found


FD_CASES = [c for c in CASES if c.fd]


@pytest.mark.parametrize("c", FD_CASES, ids=[c.id for c in FD_CASES])
def test_gradient_matches_finite_differences(c):
    out = check_vjp(c, seed=0)
    # the node recorded for the output is the op the case names, under the table's node name
    expected = getattr(ops, c.op)
    assert type(out.grad_fn).__name__ == expected.node_name
    assert type(out.grad_fn).op is expected
    # and the graph holds every other op the case says it reaches
    assert set(c.ops) <= graph_ops(out), (c.ops, graph_ops(out))


@pytest.mark.slow
@pytest.mark.parametrize("c", FD_CASES, ids=[c.id for c in FD_CASES])
def test_gradient_matches_finite_differences_more_points(c):
    for seed in range(1, 6):
        check_vjp(c, seed)


def test_node_names_of_kinked_cases():
    """Cases skipped above (kinks, ties, integer exponents) still name their op correctly."""
    for c in CASES:
        if c.fd:
            continue
        out = c.fn(gradlab, *[gradlab.tensor(a, requires_grad=True) for a in inputs_for(c, 0)])
        assert type(out.grad_fn).op is getattr(ops, c.op), c.id
        assert set(c.ops) <= graph_ops(out), c.id


def test_every_op_is_exercised():
    """Each Op in gradlab.ops is recorded by at least one case: a new op needs a new case."""
    all_ops = set(OP_NAMES.values())
    reached = set()
    for c in CASES:
        xs = [gradlab.tensor(a, requires_grad=True) for a in inputs_for(c, 0)]
        out = c.fn(gradlab, *xs)
        reached |= graph_ops(out)
    missing = sorted(all_ops - reached)
    assert not missing, f"ops with no test case in op_cases.CASES: {missing}"


def test_the_checker_catches_a_wrong_rule():
    """The oracle is not vacuous: a deliberately wrong derivative rule is caught."""
    wrong = Op("sq", "PowBackward0", np.square, rules=[
        Rule("self", "∂(a²)/∂a = 3a", lambda grad, self: grad * self * 3)])  # should be 2a
    bad = Case("wrong", lambda L, x: x._apply(wrong), (((3,), "real"),), op="pow_scalar")
    with pytest.raises(AssertionError):
        check_vjp(bad, 0)
    right = Op("sq", "PowBackward0", np.square, rules=[
        Rule("self", "∂(a²)/∂a = 2a", lambda grad, self: grad * self * 2)])
    check_vjp(Case("right", lambda L, x: x._apply(right), (((3,), "real"),), op="pow_scalar"), 0)


# -- the engine is iterative: very long chains, hand-derived gradients ----------------------------

CHAIN = 100_000


def test_backward_through_a_100000_op_chain():
    """d/dx of x·1.0001^N is 1.0001^N: a recursive engine would hit Python's recursion limit."""
    import gc
    x = gradlab.tensor(1.0, dtype=gradlab.float64, requires_grad=True)
    y = x
    for _ in range(CHAIN):
        y = y * 1.0001
    y.backward()
    expected = 1.0001 ** CHAIN  # ≈ e¹⁰ ≈ 22015.5
    assert abs(x.grad.item() - expected) <= 1e-9 * expected
    assert abs(y.item() - expected) <= 1e-9 * expected
    del y  # frees 100,000 nodes linked through next_functions: must not overflow the C stack
    gc.collect()
    assert x.grad is not None


@pytest.mark.slow
def test_deleting_a_long_unbackwarded_chain_does_not_crash():
    """In a subprocess, so a crash (C stack overflow while freeing) fails this test only."""
    import subprocess
    import sys
    code = f"""
import gc, gradlab as torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x
for _ in range({CHAIN}):
    y = y + 1
assert y.tolist() == [{CHAIN} + 1.0, {CHAIN} + 2.0]
z = x.exp()
for _ in range({CHAIN}):
    z = z.sigmoid()
del y, z  # never backwarded: every node still holds its saved tensors
gc.collect()
x2 = torch.tensor([1.0, 2.0], requires_grad=True)
w = x2
for _ in range({CHAIN}):
    w = w + 1
w.sum().backward()
assert x2.grad.tolist() == [1.0, 1.0]
print("ok")
"""
    done = subprocess.run([sys.executable, "-X", "faulthandler", "-c", code], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"
