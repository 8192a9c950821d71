"""What the ≤ 0.3× targets on the guide's small programs ask for: the floor of autograd in Python.

A micrograd-sized autograd on NumPy arrays (a tensor class, ``*``, ``+ number``, ``sum``, a
backward that counts dependencies and runs ready nodes) with none of PyTorch's semantics — no
dtype promotion, version counters, hooks, views, grad modes, error checks, node names — runs the
guide's first example next to torch and gradlab, in one process, taking turns. Not a test: it
prints times and ratios. ``python benchmarks/floor.py``
"""
from __future__ import annotations

import timeit

import numpy as np


class Bare:
    __slots__ = ("data", "grad", "backward_fn", "parents")

    def __init__(self, data, backward_fn=None, parents=()):
        self.data, self.grad, self.backward_fn, self.parents = data, None, backward_fn, parents

    def __mul__(self, other):
        return Bare(self.data * other.data, lambda g: (g * other.data, g * self.data), (self, other))

    def __add__(self, number):
        return Bare(self.data + number, lambda g: (g,), (self,))

    def sum(self):
        shape = self.data.shape
        return Bare(self.data.sum(), lambda g: (np.broadcast_to(g, shape),), (self,))

    def backward(self):
        deps, stack = {}, [self]
        while stack:
            for parent in stack.pop().parents:
                if parent in deps:
                    deps[parent] += 1
                else:
                    deps[parent] = 1
                    stack.append(parent)
        grads, ready = {self: np.array(1, self.data.dtype)}, [self]
        while ready:
            node = ready.pop()
            g = grads.pop(node)
            if node.backward_fn is None:  # a leaf
                node.grad = g.copy() if node.grad is None else node.grad + g
                continue
            for parent, pg in zip(node.parents, node.backward_fn(g)):
                grads[parent] = grads[parent] + pg if parent in grads else pg
                deps[parent] -= 1
                if not deps[parent]:
                    ready.append(parent)


def first_example(make):
    def step():
        x = make([2.0, 3.0])
        y = x * x + 2
        z = y.sum()
        z.backward()
        return x.grad
    return step


def main():
    import torch
    import gradlab
    torch.set_num_threads(1)
    steps = {
        "bare NumPy autograd": first_example(lambda v: Bare(np.array(v, np.float32))),
        "torch": first_example(lambda v: torch.tensor(v, requires_grad=True)),
        "gradlab": first_example(lambda v: gradlab.tensor(v, requires_grad=True)),
    }
    for name, step in steps.items():  # each gives the same gradient, 2x
        assert np.allclose(np.asarray(step()), [4.0, 6.0]), name
    best = dict.fromkeys(steps, float("inf"))
    for _ in range(15):  # taking turns, so background load hits all three alike
        for name, step in steps.items():
            best[name] = min(best[name], timeit.timeit(step, number=2000) / 2000 * 1e6)
    for name, us in best.items():
        print(f"{name:22s} {us:6.1f} µs   / torch {us / best['torch']:.2f}")


if __name__ == "__main__":
    main()
