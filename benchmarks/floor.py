"""What the ≤ 0.3× targets on the guide's small programs ask for: the floor of autograd in Python.

A micrograd-sized autograd on NumPy arrays (a tensor class, ``*``, ``@``, ``+``, ``-``, ``** 2``,
``relu``, ``sum``, ``mean``, a scalar's or a bias's broadcasting undone, a backward that counts
dependencies and runs ready nodes) with none of PyTorch's semantics — no dtype promotion, version counters, hooks,
views, grad modes, error checks, node names — runs the guide's first example and its 10-epoch
linear regression next to torch and gradlab, and the benchmarks' MLP step (``run.py`` (c)) next
to NumPy by hand and gradlab, in one process, taking turns. Not a test: it prints times and
ratios. ``python benchmarks/floor.py``
"""
from __future__ import annotations

import contextlib
import timeit

import numpy as np

import run  # the benchmarks' MLP: its data, its NumPy by hand, its autograd step


class Bare:
    """A tensor that requires grad; constants are plain arrays (NumPy defers its operators here)."""
    __slots__ = ("data", "grad", "backward_fn", "parents")
    __array_ufunc__ = None  # array ∘ Bare calls Bare's reflected operator

    def __init__(self, data, backward_fn=None, parents=()):
        self.data, self.grad, self.backward_fn, self.parents = data, None, backward_fn, parents

    def __mul__(self, other):
        a = self.data
        if not isinstance(other, Bare):
            return Bare(a * other, lambda g: (_sum_to(g * other, a),), (self,))
        b = other.data
        return Bare(a * b, lambda g: (_sum_to(g * b, a), _sum_to(g * a, b)), (self, other))

    def __rmatmul__(self, constant):  # inputs @ weights
        b = self.data
        return Bare(constant @ b, lambda g: (constant.T @ g,), (self,))

    def __matmul__(self, other):
        a, b = self.data, other.data
        return Bare(a @ b, lambda g: (g @ b.T, a.T @ g), (self, other))

    def __add__(self, other):  # a number, or a bias broadcast over the rows
        if not isinstance(other, Bare):
            return Bare(self.data + other, lambda g: (g,), (self,))
        b = other.data
        return Bare(self.data + b, lambda g: (g, _sum_to(g, b)), (self, other))

    def __sub__(self, constant):  # a target
        return Bare(self.data - constant, lambda g: (g,), (self,))

    def __pow__(self, two):  # squares only
        a = self.data
        return Bare(a * a, lambda g: (g * 2 * a,), (self,))

    def relu(self):
        out = np.maximum(self.data, 0)
        return Bare(out, lambda g: (g * (out > 0),), (self,))

    def sum(self):
        shape = self.data.shape
        return Bare(self.data.sum(), lambda g: (np.broadcast_to(g, shape),), (self,))

    def mean(self):
        shape, n = self.data.shape, self.data.size
        return Bare(self.data.mean(), lambda g: (np.broadcast_to(g / n, shape),), (self,))

    def __isub__(self, array):  # the optimizer's step, p -= lr * p.grad: no graph
        self.data -= array
        return self

    def tolist(self):
        return self.data.tolist()

    def backward(self):
        deps, stack = {}, [self]
        while stack:
            for parent in stack.pop().parents:
                if parent in deps:
                    deps[parent] += 1
                else:
                    deps[parent] = 1
                    stack.append(parent)
        grads, ready = {self: np.ones((), self.data.dtype)}, [self]
        while ready:
            node = ready.pop()
            g = grads.pop(node)
            if node.backward_fn is None:  # a leaf: its gradients are fresh arrays, kept as they are
                node.grad = g if node.grad is None else node.grad + g
                continue
            for parent, pg in zip(node.parents, node.backward_fn(g)):
                grads[parent] = grads[parent] + pg if parent in grads else pg
                deps[parent] -= 1
                if not deps[parent]:
                    ready.append(parent)


def _sum_to(g, like):
    """Broadcasting undone, for what these programs broadcast: a scalar, or a bias over rows."""
    if like.ndim == g.ndim:
        return g
    return g.sum() if like.ndim == 0 else g.sum(axis=0)


def bare(values, requires_grad=False):
    data = np.array(values, np.float32)
    return Bare(data) if requires_grad else data


def bare_step(w):  # the update and zero_grad, as NumPy on the bare tensor's arrays
    w.data = w.data - 0.1 * w.grad
    w.grad = np.zeros_like(w.grad)


def library_step(lib):
    def step(w):
        with lib.no_grad():
            w -= 0.1 * w.grad
            w.grad.zero_()
    return step


def first_example(make):
    def step():
        x = make([2.0, 3.0], requires_grad=True)
        y = x * x + 2
        z = y.sum()
        z.backward()
        return x.grad
    return step


def linear_regression(make, update, epochs=10):
    """The guide's loop, without its print."""
    def step():
        x, y_true = make([1.0, 2.0, 3.0]), make([2.0, 4.0, 6.0])
        w = make(0.0, requires_grad=True)
        for _ in range(epochs):
            loss = ((w * x - y_true) ** 2).mean()
            loss.backward()
            update(w)
        return w.data
    return step


class BareLibrary:
    """Enough of a library for run.py's MLP step to run on the bare autograd."""
    no_grad = contextlib.nullcontext

    @staticmethod
    def tensor(values, requires_grad=False):
        return bare(values, requires_grad)


def compare(title, steps, number, per=1e6, unit="µs", against="torch"):
    best = dict.fromkeys(steps, float("inf"))
    for _ in range(15):  # taking turns, so background load hits all of them alike
        for name, step in steps.items():
            best[name] = min(best[name], timeit.timeit(step, number=number) / number * per)
    print(title)
    for name, t in best.items():
        print(f"  {name:22s} {t:8.4g} {unit}   / {against} {t / best[against]:.2f}")


def main():
    import gradlab
    # The MLP first, before torch's import adds the ~145,000 objects every garbage collection
    # would walk (run.py times each library in a process of its own for the same reason).
    steps = {"bare NumPy autograd": run.mlp_autograd(BareLibrary),
             "NumPy by hand": run.mlp_numpy(np), "gradlab": run.mlp_autograd(gradlab)}
    want = [np.asarray(v) for v in steps["NumPy by hand"][1]()]
    for name, (_, check) in steps.items():  # each computes the same numbers
        got = check()
        assert all(np.allclose(run.to_numpy(g), w, rtol=1e-4, atol=1e-6) for g, w in zip(got, want)), name
    compare("784-256-10 MLP step, batch 128 (ms per step)",
            {name: step for name, (step, _) in steps.items()}, 20, 1e3, "ms", "NumPy by hand")

    import torch
    torch.set_num_threads(1)
    makes = {"bare NumPy autograd": (bare, bare_step),
             "torch": (torch.tensor, library_step(torch)),
             "gradlab": (gradlab.tensor, library_step(gradlab))}
    programs = {
        "first example (µs per forward + backward)":
            ({name: first_example(make) for name, (make, _) in makes.items()}, [4.0, 6.0]),
        "linear regression, 10 epochs (µs per loop)":
            ({name: linear_regression(make, update) for name, (make, update) in makes.items()},
             linear_regression(bare, bare_step)().item()),
    }
    for title, (steps, want) in programs.items():
        for name, step in steps.items():  # each computes the same numbers
            assert np.allclose(np.asarray(step()), want, rtol=1e-5), (title, name)
        compare(title, steps, 2000 if "first" in title else 200)


if __name__ == "__main__":
    main()
