"""``SGD``: stochastic gradient descent, with PyTorch's momentum, dampening, Nesterov, weight
decay and maximize, in the order of ``torch/optim/sgd.py`` (``_single_tensor_sgd``)::

    g = −grad if maximize else grad
    g = g + weight_decay · p                          (if weight_decay ≠ 0)
    buf = g  on the first step, else  buf = momentum · buf + (1 − dampening) · g
    g = g + momentum · buf  if nesterov, else  g = buf  (if momentum ≠ 0)
    p = p − lr · g

Parameters whose ``.grad`` is None are skipped.
"""
from __future__ import annotations

from .optimizer import Optimizer
from ..errors import error


class SGD(Optimizer):
    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        if lr < 0.0:
            raise error("lr_invalid", lr=lr)
        if momentum < 0.0:
            raise error("momentum_invalid", momentum=momentum)
        if weight_decay < 0.0:
            raise error("weight_decay_invalid", weight_decay=weight_decay)
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize, "foreach": foreach,
                    "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise error("nesterov_invalid")
        if differentiable or fused:
            raise error("sgd_unsupported")
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("nesterov", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("differentiable", False)
            group.setdefault("fused", False)

    def _update_group(self, group):
        lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
        weight_decay, nesterov = group["weight_decay"], group["nesterov"]
        for p in group["params"]:
            if p.grad is None:
                continue
            grad = -p.grad if group["maximize"] else p.grad
            if weight_decay != 0:
                grad = grad + p * weight_decay
            if momentum != 0:
                state = self.state[p]
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = grad.detach().clone()  # the first step: no dampening
                    state["momentum_buffer"] = buf
                else:
                    buf.mul_(momentum).add_(grad, alpha=1 - dampening)
                grad = grad + buf * momentum if nesterov else buf
            p.add_(grad, alpha=-lr)
