"""``gradlab.nn.functional``: the functions behind the layers (``F.linear``, ``F.cross_entropy``, ...).

Each records what PyTorch records: ``linear`` on a batch is one ``AddmmBackward0``;
``cross_entropy`` is ``NllLossBackward0`` over ``LogSoftmaxBackward0``; ``softmax`` and
``log_softmax`` subtract the row maximum first, so large logits never overflow.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype, ops
from .._tensor import Tensor, _broadcast_shape, apply
from ..errors import error

_REDUCTIONS = ("none", "mean", "sum")


def _check_reduction(reduction):
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
                      stacklevel=3)
        return "mean"
    if reduction not in _REDUCTIONS:
        raise error("reduction_invalid", reduction=reduction)
    return reduction


def _legacy_reduction(size_average, reduce, reduction):
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    warnings.warn("size_average and reduce args will be deprecated, please use reduction='{}' instead."
                  .format("none" if not reduce else "mean" if size_average else "sum"), stacklevel=3)
    return "none" if not reduce else "mean" if size_average else "sum"


# -- activations -----------------------------------------------------------------------------------

def relu(input, inplace=False):
    if not isinstance(input, Tensor):
        raise error("tensor_argument", fn="relu", type=type(input).__name__)
    if inplace:
        return input._inplace(ops.relu)
    return input.relu()


def sigmoid(input):
    return input.sigmoid()


def tanh(input):
    return input.tanh()


def _softmax_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
                  "dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _softmax_like(op, name, input, dim, dtype, stacklevel):
    if dim is None:
        dim = _softmax_dim(name, input.ndim, stacklevel + 1)
    if dtype is not None:
        input = input.to(dtype)
    d = input._dim(dim)
    if not input.dtype.is_floating_point:
        last = "lastdim_" if input.ndim == 0 or d == input.ndim - 1 else ""
        raise error("softmax_int", input, op=name, last=last, legacy=_dtype.LEGACY_NAMES[input.dtype])
    return apply(op, input, dim=d)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(xᵢ) / Σⱼ exp(xⱼ) along ``dim``, computed as exp(xᵢ − max) / Σ exp(xⱼ − max)."""
    return _softmax_like(ops.softmax, "softmax", input, dim, dtype, _stacklevel)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """xᵢ − log Σⱼ exp(xⱼ) along ``dim``, computed as (xᵢ − max) − log Σ exp(xⱼ − max)."""
    return _softmax_like(ops.log_softmax, "log_softmax", input, dim, dtype, _stacklevel)


# -- linear ----------------------------------------------------------------------------------------

def _addmm(bias, mat1, mat2):
    names = _dtype.LEGACY_NAMES
    if mat1.dtype is not mat2.dtype:
        raise error("linear_dtype", a=names[mat1.dtype], b=names[mat2.dtype])
    if bias.dtype is not mat2.dtype:
        raise error("linear_bias_dtype", a=names[bias.dtype], b=names[mat2.dtype])
    if mat1.shape[1] != mat2.shape[0]:
        raise error("linear_shapes", m=mat1.shape[0], k1=mat1.shape[1], k2=mat2.shape[0], n=mat2.shape[1])
    _broadcast_shape(tuple(bias.shape), (mat1.shape[0], mat2.shape[1]), target=True)
    return apply(ops.addmm, bias, mat1, mat2)


def linear(input, weight, bias=None):
    """``input @ weight.T + bias``: one ``AddmmBackward0`` for a batch, as in PyTorch."""
    if input.ndim == 0 or weight.ndim == 0:
        raise error("linear_0d", a=input.ndim, b=weight.ndim)
    if bias is None:
        return input.matmul(weight.t())
    if input.ndim == 2:
        return _addmm(bias, input, weight.t())
    # Other shapes: fold the leading axes into rows, one addmm, then unfold (ViewBackward0s).
    rows = input.reshape(-1, input.shape[-1])
    out = _addmm(bias, rows, weight.t())
    return out.view(*input.shape[:-1], out.shape[-1])


# -- losses ----------------------------------------------------------------------------------------

def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """The mean (or sum, or none) of the squared differences: one ``MseLossBackward0``."""
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size "
                      f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
                      "Please ensure they have the same size.", stacklevel=2)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    shape = _broadcast_shape(tuple(input.shape), tuple(target.shape))
    # broadcast_tensors, as PyTorch: ExpandBackward0 only for a tensor whose shape changes
    input = input if input.shape == shape else input.expand(shape)
    target = target if target.shape == shape else target.expand(shape)
    if weight is not None:
        if weight.shape != input.shape:
            raise error("weighted_mse_size", input, weight_shape=tuple(weight.shape))
        weighted = (input - target) ** 2 * weight
        if reduction == "none":
            return weighted
        if reduction == "sum":
            return weighted.sum()
        if reduction == "mean":
            return weighted.sum() / weight.sum()
        raise error("weighted_mse_reduction", reduction=reduction)
    return apply(ops.mse_loss, input, target, reduction=_check_reduction(reduction))


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """−input[target] per row (class-index targets), averaged over the target weights."""
    reduction = _check_reduction(_legacy_reduction(size_average, reduce, reduction))
    return _nll(input, target, weight, ignore_index, reduction)


def _nll(input, target, weight, ignore_index, reduction):
    if input.ndim < 1:
        raise error("loss_input_0d", input, ndim=input.ndim)
    if input.ndim != 1 and input.shape[0] != (target.shape[0] if target.ndim else 0):
        raise error("loss_batch_size", n=input.shape[0], m=target.shape[0] if target.ndim else 0)
    if input.ndim == 1 and target.ndim == 1 and target.shape[0] != 1:
        raise error("loss_1d_target", size=target.shape[0])
    if input.ndim > 2:
        raise error("loss_input_ndim", input)
    if target.ndim > 1:
        raise error("loss_multi_target", target)
    if target.dtype is not _dtype.int64:
        raise error("loss_target_dtype", target, legacy=_dtype.LEGACY_NAMES[target.dtype])
    classes = input.shape[-1]
    if weight is not None and weight.numel() != classes:
        raise error("loss_weight_size", classes=classes, weight_shape=list(weight.shape))
    t = np.array(target._data, copy=True)
    for value in t.reshape(-1).tolist():
        if value != ignore_index and not 0 <= value < classes:
            raise error("loss_target_bounds", value=value, classes=classes, last=classes - 1)
    if input.ndim == 1:
        t = t.reshape(())  # one sample without a batch axis: the loss is 0-d for every reduction
    w = None if weight is None else np.array(weight._data, copy=True)
    return apply(ops.nll_loss, input, target=t, weight=w, reduction=reduction, ignore_index=ignore_index)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """``nll_loss(log_softmax(input, class_dim), target)``: class-index targets."""
    reduction = _check_reduction(_legacy_reduction(size_average, reduce, reduction))
    if input.shape == target.shape:
        if not target.dtype.is_floating_point:
            raise error("loss_probability_dtype", target, legacy=_dtype.LEGACY_NAMES[target.dtype])
        raise error("loss_probabilities", target)
    if label_smoothing:
        raise error("loss_label_smoothing")
    if input.ndim == 0:
        raise error("loss_input_0d", input, ndim=input.ndim)
    log_probs = _softmax_like(ops.log_softmax, "log_softmax", input, 0 if input.ndim == 1 else 1, None, 3)
    return _nll(log_probs, target, weight, ignore_index, reduction)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(−input): the smallest values get the largest probabilities."""
    if dim is None:
        dim = _softmax_dim("softmin", input.ndim, _stacklevel)
    return softmax(-input, dim, dtype=dtype)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """The mean (or sum, or none) of |input − target|: Mean/Sum over Abs over Sub, as PyTorch records."""
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size "
                      f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
                      "Please ensure they have the same size.", stacklevel=2)
    reduction = _check_reduction(_legacy_reduction(size_average, reduce, reduction))
    loss = (input - target).abs()
    if weight is not None:
        loss = loss * weight
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the others by 1/(1−p), one ``MulBackward0``
    (PyTorch's CPU path multiplies by a Bernoulli mask divided by 1−p). The mask is drawn from
    gradlab's generator, so it differs from PyTorch's for the same seed."""
    from ..random import default_generator
    from .._tensor import Tensor
    if p < 0.0 or p > 1.0:
        raise error("dropout_p", p=p)
    if p == 0 or not training or input.numel() == 0:
        return input
    keep = default_generator._rng.random(input.shape) >= p
    scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
    noise = Tensor._make((keep * scale).astype(input._data.dtype))
    return input.mul_(noise) if inplace else input * noise


def one_hot(tensor, num_classes=-1):
    """Class indices → rows of 0s with a 1 at the index (int64, a new last dimension; no graph)."""
    from .._tensor import Tensor
    if tensor.dtype is not _dtype.int64:
        raise error("one_hot_dtype", tensor)
    indices = tensor._data
    if num_classes == -1:
        if indices.size == 0:
            raise error("one_hot_empty")
        num_classes = int(indices.max()) + 1
    if indices.size and indices.min() < 0:
        raise error("one_hot_negative")
    if indices.size and indices.max() >= num_classes or num_classes < 0:
        raise error("one_hot_too_large", largest=int(indices.max()) if indices.size else None)
    return Tensor._make((indices[..., None] == np.arange(num_classes)).astype(np.int64))


def _loss_weight(weight, target):
    """A weight tensor as an array expanded to the target's shape (it gets no gradient)."""
    if weight is None:
        return None
    shape = _broadcast_shape(tuple(weight.shape), tuple(target.shape))
    return np.broadcast_to(weight._data, shape).astype(target._data.dtype)


def _check_bce_dtype(input, target):
    """PyTorch's error for a BCE target of another dtype than the input."""
    if target.dtype is not input.dtype:
        raise error("bce_dtype", input, got=_dtype.LEGACY_NAMES[target.dtype],
                    expected=_dtype.LEGACY_NAMES[input.dtype])


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """−(t·log p + (1 − t)·log(1 − p)) for probabilities p: one ``BinaryCrossEntropyBackward0``."""
    reduction = _check_reduction(_legacy_reduction(size_average, reduce, reduction))
    if target.shape != input.shape:
        raise error("bce_size", target_shape=target.shape, input_shape=input.shape)
    _check_bce_dtype(input, target)
    for name, t in (("input", input), ("target", target)):
        if t._data.size and not ((t._data >= 0) & (t._data <= 1)).all():
            raise error("bce_range", what=name)
    return apply(ops.binary_cross_entropy, input, target, weight=_loss_weight(weight, target),
                 reduction=reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """BCE of sigmoid(input), computed from the logits without overflow: one
    ``BinaryCrossEntropyWithLogitsBackward0``."""
    reduction = _check_reduction(_legacy_reduction(size_average, reduce, reduction))
    if target.shape != input.shape:
        raise error("bce_logits_size", target_shape=target.shape, input_shape=input.shape)
    _check_bce_dtype(input, target)
    return apply(ops.binary_cross_entropy_with_logits, input, target, weight=_loss_weight(weight, target),
                 pos_weight=_loss_weight(pos_weight, target), reduction=reduction)


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """Row ``i`` of ``weight`` for each index ``i`` in ``input`` (a new last dimension):
    ``EmbeddingBackward0``; the row ``padding_idx`` gets no gradient."""
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise error("embedding_unsupported")
    if input.dtype not in (_dtype.int64, _dtype.int32):
        raise error("embedding_index_type", input, legacy=f"torch.{_dtype.LEGACY_NAMES[input.dtype]}Tensor")
    indices, rows = input._data, weight.shape[0]
    if indices.size and (indices.min() < 0 or indices.max() >= rows):
        bad = int(indices.max()) if indices.max() >= rows else int(indices.min())
        raise error("embedding_index_range", input, bad=bad, rows=rows, last=rows - 1)
    if padding_idx is not None and padding_idx < 0:
        padding_idx += rows
    return apply(ops.embedding, weight, indices=indices.astype(np.int64), padding_idx=padding_idx)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """``input`` where positive, ``negative_slope·input`` elsewhere: ``LeakyReluBackward0``
    (in place: ``LeakyReluBackward1``, whose rule reads the result)."""
    if not isinstance(input, Tensor):
        raise error("tensor_argument", fn="leaky_relu", type=type(input).__name__)
    if inplace:
        return input._inplace(ops.leaky_relu_, negative_slope=negative_slope)
    return apply(ops.leaky_relu, input, negative_slope=negative_slope)


def gelu(input, approximate="none"):
    """``x·Φ(x)`` (Φ the standard normal's CDF), or its tanh approximation: ``GeluBackward0``."""
    if approximate not in ("none", "tanh"):
        raise error("gelu_approximate")
    return apply(ops.gelu, input, approximate=approximate)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Each row over the last ``len(normalized_shape)`` dims shifted to mean 0 and scaled to
    variance 1 (the biased one), then ``·weight + bias``: one ``NativeLayerNormBackward0``."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(input.shape[input.ndim - len(shape):]) != shape or len(shape) > input.ndim:
        raise error("layer_norm_shape", input, shape=list(shape), tail=", ".join(map(str, shape)),
                    size=list(input.shape))
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    if weight is not None and bias is not None:
        return apply(ops.layer_norm, input, weight, bias, dims=dims, eps=eps)
    if weight is not None:
        return apply(ops.layer_norm_weight, input, weight, dims=dims, eps=eps)
    if bias is not None:
        return apply(ops.layer_norm_plain, input, dims=dims, eps=eps) + bias
    return apply(ops.layer_norm_plain, input, dims=dims, eps=eps)

