"""``grad_fn._saved_<name>``: what a node saved for backward, read as PyTorch exposes it.

PyTorch's "Hooks for saved tensors" tutorial reads ``y.grad_fn._saved_self`` and
``_saved_result``; each case below runs the same program under torch 2.13.0 and gradlab and
compares every attribute gradlab answers (value, type, dtype, None-ness, identity with the
input), before and after backward.
"""
from __future__ import annotations

import pytest
import torch

import gradlab

CASES = {
    # program (on lib, leaves x and w requiring grad, c not): the attributes to compare
    "mul of two leaves": (lambda lib, x, w, c: x * w, ["_saved_self", "_saved_other"]),
    "mul by a constant tensor": (lambda lib, x, w, c: x * c, ["_saved_self", "_saved_other"]),
    "mul by an int": (lambda lib, x, w, c: x * 2, ["_saved_self", "_saved_other"]),
    "mul by a float": (lambda lib, x, w, c: x * 2.5, ["_saved_self", "_saved_other"]),
    # Nodes share equal per-input metadata; these numbers are equal but not the same to a learner
    "mul by 1, then 1.0, then True": (lambda lib, x, w, c: ((x * 1) * 1.0) * True,
                                      ["_saved_other", "_saved_self"]),
    "mul by 0.0, then -0.0": (lambda lib, x, w, c: (x * 0.0) * -0.0, ["_saved_other"]),
    "exp saves its result": (lambda lib, x, w, c: x.exp(), ["_saved_result"]),
    "pow": (lambda lib, x, w, c: x ** 3, ["_saved_self", "_saved_exponent"]),
    "sum over a dim": (lambda lib, x, w, c: x.sum(0, keepdim=True),
                       ["_saved_dim", "_saved_keepdim", "_saved_self_sym_sizes"]),
    "sum of all": (lambda lib, x, w, c: x.sum(), ["_saved_self_sym_sizes"]),
    "relu": (lambda lib, x, w, c: x.relu(), ["_saved_result"]),
    "sigmoid": (lambda lib, x, w, c: x.sigmoid(), ["_saved_result"]),
}


def _leaves(lib):
    x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
    w = lib.tensor([0.5, 4.0, -1.0], requires_grad=True)
    c = lib.tensor([2.0, 3.0, 4.0])
    return x, w, c


def _describe(value, inputs):
    """What a learner could see of an attribute's value, comparable across the two libraries."""
    if value is None or isinstance(value, (bool, int, float, tuple)):
        return value
    which = [name for name, t in inputs.items() if value is t]
    values = [round(v, 5) for v in value.reshape(-1).tolist()]  # (float32 exp: an ulp may differ)
    return ("tensor", values, tuple(value.shape), str(value.dtype), value.requires_grad, which,
            None if value.grad_fn is None else value.grad_fn.name())


@pytest.mark.parametrize("name", list(CASES))
def test_saved_attributes_read_as_in_pytorch(name):
    program, attrs = CASES[name]
    seen = {}
    for lib in (torch, gradlab):
        x, w, c = _leaves(lib)
        y = program(lib, x, w, c)
        inputs = {"x": x, "w": w, "c": c, "y": y}
        before = {a: _describe(getattr(y.grad_fn, a), inputs) for a in attrs}
        y.sum().backward()
        after = {}
        for a in attrs:
            try:
                after[a] = _describe(getattr(y.grad_fn, a), inputs)
            except RuntimeError as exc:  # a freed saved tensor
                after[a] = ("RuntimeError", str(exc).split(".")[0])
        seen[lib.__name__] = (before, after)
    assert seen["gradlab"] == seen["torch"]


def test_a_name_the_node_does_not_have_is_an_attribute_error():
    for lib in (torch, gradlab):
        x, w, _ = _leaves(lib)
        with pytest.raises(AttributeError, match="'MulBackward0' object has no attribute '_saved_foo'"):
            (x * w).grad_fn._saved_foo
