"""Shared helpers for comparing gradlab against real PyTorch (the test oracle).

``run_both(f, *arrays)`` runs ``f(lib, *tensors)`` once with ``lib = gradlab`` and once with
``lib = torch`` on tensors holding the same values, back-propagates the same upstream gradient
through both, and checks that everything a learner could print agrees: the output's values,
dtype and shape, the backward node's name, and every input's ``.grad`` (``None`` included).

gradlab never imports torch; only the tests do.
"""
from __future__ import annotations

import math

import numpy as np
import torch

import gradlab

# The tensors here are tiny: torch's intra-op thread pool only adds synchronisation (on a busy
# 2-core machine, 50 ms per backward instead of 0.1 ms). One thread makes the suite many times faster.
torch.set_num_threads(1)

# float32 tolerances used everywhere unless a test says why it needs others.
RTOL32, ATOL32 = 1e-5, 1e-6
RTOL64, ATOL64 = 1e-10, 1e-12


def tolerances(dtype_name):
    return (RTOL64, ATOL64) if dtype_name == "float64" else (RTOL32, ATOL32)


# -- conversions ---------------------------------------------------------------------------------

def to_numpy(t) -> np.ndarray:
    """A copy of the values of a gradlab or torch tensor, keeping its dtype."""
    return np.array(t.detach().numpy(), copy=True)


def to_torch(t, requires_grad=None) -> torch.Tensor:
    """A torch tensor with the values and dtype of a gradlab tensor (or a NumPy array)."""
    a = t if isinstance(t, np.ndarray) else to_numpy(t)
    out = torch.from_numpy(np.array(a, copy=True))
    rg = (t.requires_grad if not isinstance(t, np.ndarray) else False) if requires_grad is None else requires_grad
    return out.requires_grad_(rg) if rg else out


def to_gradlab(t, requires_grad=None):
    """A gradlab tensor with the values and dtype of a torch tensor (or a NumPy array)."""
    a = t if isinstance(t, np.ndarray) else to_numpy(t)
    rg = (t.requires_grad if not isinstance(t, np.ndarray) else False) if requires_grad is None else requires_grad
    return gradlab.tensor(np.array(a, copy=True), requires_grad=bool(rg))


def dtype_name(dtype) -> str:
    """``torch.float32`` -> ``float32`` for either library's dtype objects."""
    return str(dtype).replace("torch.", "")


# -- comparisons ---------------------------------------------------------------------------------

def assert_close(g, t, rtol=None, atol=None, what="tensor"):
    """``g`` (gradlab) equals ``t`` (torch): same shape, same dtype, values within tolerance.

    ``None`` matches only ``None``. NaNs must be in the same places; infinities must agree.
    ``atol`` may be a function of torch's values (a tolerance that scales with them).
    """
    if g is None or t is None:
        assert g is None and t is None, f"{what}: gradlab gives {g!r}, torch gives {t!r}"
        return
    assert isinstance(g, gradlab.Tensor), f"{what}: gradlab gives {type(g).__name__}, not a Tensor"
    assert isinstance(t, torch.Tensor), f"{what}: torch gives {type(t).__name__}"
    assert tuple(g.shape) == tuple(t.shape), f"{what}: shape {tuple(g.shape)} != torch's {tuple(t.shape)}"
    gd, td = dtype_name(g.dtype), dtype_name(t.dtype)
    assert gd == td, f"{what}: dtype {gd} != torch's {td}"
    if rtol is None or atol is None:
        r, a = tolerances(td)
        rtol = r if rtol is None else rtol
        atol = a if atol is None else atol
    ga, ta = to_numpy(g), to_numpy(t)
    if callable(atol):
        atol = atol(ta)
    if ga.dtype.kind in "biu":
        np.testing.assert_array_equal(ga, ta, err_msg=what)
    elif not np.allclose(ga, ta, rtol=rtol, atol=atol, equal_nan=True):  # fast path first
        np.testing.assert_allclose(ga, ta, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)
    else:  # allclose treats inf == inf but also needs the signs of infinities to agree
        assert np.array_equal(np.isposinf(ga), np.isposinf(ta)), what


def node_name(t):
    """``type(t.grad_fn).__name__`` (``None`` when there is no grad_fn)."""
    return None if t.grad_fn is None else type(t.grad_fn).__name__


# -- running the same code under both libraries --------------------------------------------------

def upstream(shape, dtype, seed=0) -> np.ndarray:
    """The fixed random upstream gradient used for non-scalar outputs."""
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.5, 1.5, size=shape).astype(dtype)


def run_both(f, *arrays, requires_grad=None, rtol=None, atol=None, grad_rtol=None, grad_atol=None,
             seed=0, check_node=True, differentiable=True):
    """Run ``f(lib, *tensors)`` with gradlab and with torch on the same values; compare all.

    ``arrays`` are NumPy arrays (their dtype is kept). ``requires_grad`` gives one flag per
    input; by default every floating-point input requires grad. Returns ``(gradlab_out,
    torch_out, gradlab_inputs, torch_inputs)`` for any further checks. ``differentiable=False``:
    PyTorch has no derivative for the op, so backward must raise the same error in both.
    """
    if requires_grad is None:
        requires_grad = [np.asarray(a).dtype.kind == "f" for a in arrays]
    g_in = [gradlab.tensor(np.array(a, copy=True), requires_grad=rg) for a, rg in zip(arrays, requires_grad)]
    t_in = [torch.tensor(np.array(a, copy=True), requires_grad=rg) for a, rg in zip(arrays, requires_grad)]

    g_out = f(gradlab, *g_in)
    t_out = f(torch, *t_in)
    assert_close(g_out, t_out, rtol, atol, what="output")
    assert g_out.requires_grad == t_out.requires_grad, "output requires_grad differs"
    if check_node:
        assert node_name(g_out) == node_name(t_out), (
            f"grad_fn: gradlab {node_name(g_out)} != torch {node_name(t_out)}")

    if not differentiable:
        raised = []
        for out in (g_out, t_out):
            try:
                out.sum().backward()
                raised.append(None)
            except RuntimeError as e:
                raised.append(str(e))
        assert raised[0] is not None and raised[0] == raised[1], f"backward: {raised}"
        return g_out, t_out, g_in, t_in
    if t_out.requires_grad:
        if t_out.ndim == 0:
            g_out.backward()
            t_out.backward()
        else:
            u = upstream(tuple(t_out.shape), to_numpy(t_out).dtype, seed)
            g_out.backward(gradlab.tensor(u))
            t_out.backward(torch.from_numpy(u.copy()))
    # A gradient is only as precise as the dtype it was computed in: a float64 input of a float32
    # result gets float32 arithmetic (then a cast), so it is compared at float32 tolerances.
    out_r, out_a = tolerances(dtype_name(t_out.dtype))
    for i, (gx, tx) in enumerate(zip(g_in, t_in)):
        in_r, in_a = tolerances(dtype_name(tx.dtype))
        assert_close(gx.grad, tx.grad, grad_rtol if grad_rtol is not None else max(in_r, out_r),
                     grad_atol if grad_atol is not None else max(in_a, out_a), what=f"input {i} .grad")
    return g_out, t_out, g_in, t_in


# -- printouts -----------------------------------------------------------------------------------
def shown(lib, expr, setup=""):
    """What ``expr`` shows under ``lib``: its repr, or ``<ExceptionType>: <message>``."""
    ns = {"torch": lib, "F": lib.nn.functional, "nn": lib.nn, "np": np, "math": math}
    if setup:
        exec(setup, ns)
    try:
        return repr(eval(expr, ns))
    except Exception as e:
        return f"{type(e).__name__}: {e}"


def same(expr, setup=""):
    """``expr`` shows the same under gradlab and under torch (repr, or error type and message)."""
    assert shown(gradlab, expr, setup) == shown(torch, expr, setup)
