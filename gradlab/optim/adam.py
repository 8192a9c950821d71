"""``Adam``: running averages of the gradient and of its square, with bias correction, in the
order of float operations of ``torch/optim/adam.py`` (``_single_tensor_adam``)::

    step += 1
    g = −grad if maximize else grad;   g = g + weight_decay · p   (if weight_decay ≠ 0)
    m = m + (1 − β₁) · (g − m)                  (exp_avg.lerp_(g, 1 − β₁))
    v = v · β₂ + (1 − β₂) · g · g               (exp_avg_sq.mul_(β₂).addcmul_(g, g, 1 − β₂))
    step_size = lr / (1 − β₁^step)
    denom = √v / √(1 − β₂^step) + eps           (√ max(v) so far with amsgrad)
    p = p − step_size · m / denom

``decoupled_weight_decay=True`` (AdamW) shrinks p by (1 − lr · weight_decay) instead.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype
from .._creation import tensor, zeros_like
from .._tensor import Tensor
from .optimizer import Optimizer
from ..errors import error


class Adam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        if not 0.0 <= lr:
            raise error("lr_invalid", lr=lr)
        if not 0.0 <= eps:
            raise error("eps_invalid", eps=eps)
        if not 0.0 <= betas[0] < 1.0:
            raise error("beta_invalid", index=0, value=betas[0])
        if not 0.0 <= betas[1] < 1.0:
            raise error("beta_invalid", index=1, value=betas[1])
        if not 0.0 <= weight_decay:
            raise error("weight_decay_invalid", weight_decay=weight_decay)
        if not (isinstance(betas[0], float) and isinstance(betas[1], float)):
            raise error("betas_type")
        if capturable or differentiable or fused:
            raise error("adam_unsupported")
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
            group.setdefault("fused", None)
            for p in group["params"]:
                p_state = self.state.get(p, {})
                if p_state and not isinstance(p_state["step"], Tensor):
                    p_state["step"] = tensor(float(p_state["step"]), dtype=_dtype.float32)

    def _update_group(self, group):
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        weight_decay, amsgrad = group["weight_decay"], group["amsgrad"]
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self.state[p]
            if len(state) == 0:  # lazy state initialisation, as in PyTorch
                state["step"] = tensor(0.0, dtype=_dtype.float32)
                state["exp_avg"] = zeros_like(p)
                state["exp_avg_sq"] = zeros_like(p)
                if amsgrad:
                    state["max_exp_avg_sq"] = zeros_like(p)
            grad = -p.grad if group["maximize"] else p.grad
            exp_avg, exp_avg_sq, step_t = state["exp_avg"], state["exp_avg_sq"], state["step"]

            step_t += 1
            if weight_decay != 0:
                if group["decoupled_weight_decay"]:
                    p.mul_(1 - lr * weight_decay)
                else:
                    grad = grad + p * weight_decay

            _lerp_(exp_avg, grad, 1 - beta1)                        # exp_avg.lerp_(grad, 1 - beta1)
            _addcmul_(exp_avg_sq.mul_(beta2), grad, grad, 1 - beta2)  # .addcmul_(grad, grad, value=1 - beta2)

            step = step_t.item()
            bias_correction1 = 1 - beta1 ** step
            bias_correction2 = 1 - beta2 ** step
            step_size = lr / bias_correction1
            bias_correction2_sqrt = bias_correction2 ** 0.5

            if amsgrad:
                max_exp_avg_sq = state["max_exp_avg_sq"]
                max_exp_avg_sq.copy_(max_exp_avg_sq.maximum(exp_avg_sq))
                denom = max_exp_avg_sq.sqrt() / bias_correction2_sqrt + eps
            else:
                denom = exp_avg_sq.sqrt() / bias_correction2_sqrt + eps
            p.add_(exp_avg * -step_size / denom)                   # p.addcdiv_(exp_avg, denom, value=-step_size)


# PyTorch's float32 lerp_ and addcmul_ kernels end in a fused multiply-add: one rounding where the
# formula has two. float64 holds a product of two float32 exactly, so float64 and one rounding to
# float32 give PyTorch's values (float64 tensors keep the two roundings: no wider type to use).
def _fma32(x, y, z):
    return (x.astype(np.float64) * y.astype(np.float64) + z.astype(np.float64)).astype(np.float32)


def _lerp_(state, end, weight):
    """``state.lerp_(end, weight)``: state + weight·(end − state), or end − (1 − weight)·(end − state)
    for weight ≥ 0.5, as PyTorch's kernel computes each."""
    s, e = state._data, end._data
    if s.dtype != np.float32 or e.dtype != np.float32:
        state.add_((end - state) * weight)
        return state
    w = np.float32(weight)
    d = e - s
    out = _fma32(np.float32(w), d, s) if abs(w) < 0.5 else _fma32(np.float32(w - np.float32(1)), d, e)
    state.copy_(tensor(out))
    return state


def _addcmul_(state, t1, t2, value):
    """``state.addcmul_(t1, t2, value=value)``: state + (value·t1)·t2, the last step fused."""
    s, a, b = state._data, t1._data, t2._data
    if s.dtype != np.float32 or a.dtype != np.float32:
        state.add_(t1 * value * t2)
        return state
    state.copy_(tensor(_fma32(a * np.float32(value), b, s)))
    return state



class AdamW(Adam):
    """Adam whose weight decay shrinks the parameters directly (p ← p·(1 − lr·weight_decay))
    instead of adding to the gradient: PyTorch's AdamW, weight_decay 0.01 by default."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
