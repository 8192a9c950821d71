"""The op table, continued: the further nodes PyTorch records, so gradlab's graphs carry its names.

Indexing, writes into a tensor, views and casts. Each is an ``Op`` like those in ``gradlab.ops``
(which re-exports them: ``gradlab.ops`` is the whole table); they live apart because a learner
meets them only by name (``SelectBackward0``, ``CopySlices``), never as an idea of their own.
"""
from __future__ import annotations

import numpy as np

from .errors import error
from .ops import Op, Rule, like, numel, raw, reshape, zeros_like

__all__ = ["alias", "squeeze_all", "squeeze_matmul", "to_dtype", "embed_select", "embed_slice",
           "embed_index", "select", "unbind", "slice", "split", "split_with_sizes", "index", "copy_slices", "index_put",
           "masked_fill", "fill", "copy", "fill_tensor", "zero", "as_strided_scatter",
           "as_strided", "copy_slices_view", "view_of", "view_region"]


_back_to_shape = Rule("self", "the removed axes are put back into the gradient",
                      lambda grad, self_shape: reshape(grad, self_shape))

alias = Op("alias", "AliasBackward0", lambda a: a[...], "a[...]", [
    Rule("self", "∂a/∂a = 1", lambda grad: grad),
], view=True)
# squeeze() without a dim is another overload of squeeze in PyTorch, with its own node name.
squeeze_all = Op("squeeze", "SqueezeBackward0", lambda a, dim: np.squeeze(a, dim), "squeeze(a)",
                 [_back_to_shape], view=True)
# matmul of a vector by a matrix squeezes its own result in place (squeeze_, another overload,
# another name): the result is no view, and it is at version 1.
squeeze_matmul = Op("squeeze_", "SqueezeBackward4", lambda a, dim: np.squeeze(a, dim), "squeeze(a)", [
    Rule("self", "the removed axis is put back into the gradient",
         lambda grad, self_shape: reshape(grad, self_shape)),
])
to_dtype = Op("to", "ToCopyBackward0", lambda a, dtype: a.astype(dtype.np), "a.to(dtype)", [
    Rule("self", "∂a/∂a = 1 (the gradient is cast back)", lambda grad: grad),
])


# -- indexing ----------------------------------------------------------------------------------

def _embed_forward(g, shape, key):
    out = np.zeros(shape, dtype=g.dtype)
    out[key] = g  # PyTorch copies into zeros (a -0.0 stays -0.0)
    return out


def _embed_add_forward(g, shape, key):
    out = np.zeros(shape, dtype=g.dtype)
    np.add.at(out, key, g)  # repeated indices accumulate, as index_put_(accumulate=True)
    return out


def _embed(node_name, forward=_embed_forward):
    # The backward of an indexing op, itself differentiable (its gradient indexes again).
    return Op("embed", node_name, forward, "embed(g)", [
        Rule("self", "the gradient is read back at the same positions",
             lambda grad, key: index(grad, key=key)),
    ])


embed_select = _embed("SelectBackwardBackward0")
embed_slice = _embed("SliceBackwardBackward0")
embed_index = _embed("IndexPutImplBackward0", _embed_add_forward)  # index_put_(accumulate=True) -> _index_put_impl_

select = Op("select", "SelectBackward0", lambda a, key: a[key + (Ellipsis,)], "a[i]", [  # a 0-d view
    Rule("self", "the gradient goes to the selected position, 0 elsewhere",
         lambda grad, self_shape, key: embed_select(grad, shape=self_shape, key=key)),
], view=True)
# Iterating over a tensor unbinds it: PyTorch records one UnbindBackward0 shared by the pieces;
# here each piece gets its own node of that name. The derivative is select's.
unbind = Op("unbind", "UnbindBackward0", lambda a, key: a[key + (Ellipsis,)], "for row in a",
            select.rules, view=True)
slice = Op("slice", "SliceBackward0", lambda a, key: a[key], "a[i:j]", [
    Rule("self", "the gradient goes to the sliced positions, 0 elsewhere",
         lambda grad, self_shape, key: embed_slice(grad, shape=self_shape, key=key)),
], view=True)
# split/chunk: PyTorch records one node for all the pieces; gradlab, whose nodes have one output,
# records one node per piece under the same name (each sends its piece of the gradient back).
split = Op("split", "SplitBackward0", lambda a, key: a[key], "split(a)", slice.rules, view=True)
split_with_sizes = Op("split", "SplitWithSizesBackward0", lambda a, key: a[key], "split(a, sizes)",
                      slice.rules, view=True)
index = Op("index", "IndexBackward0", lambda a, key: a[key], "a[idx]", [
    Rule("self", "the gradient goes to the indexed positions (repeats add up), 0 elsewhere",
         lambda grad, self_shape, key: embed_index(grad, shape=self_shape, key=key)),
])


# -- writing into a tensor ---------------------------------------------------------------------

def _copy_slices_forward(a, b, key):
    out = a.copy()
    out[key] = b
    return out


def _masked_out(grad, self_shape, key):
    written = np.zeros(self_shape, dtype=bool)
    written[key] = True
    return masked_fill(grad, mask=written, value=0.0)  # selected: 0 there, even for inf


copy_slices = Op("setitem", "CopySlices", _copy_slices_forward, "a[i] = b", [
    Rule("self", "overwritten positions get 0, the rest pass through", _masked_out),
    Rule("src", "the value gets the gradient of the positions it was written to",
         lambda grad, key: index(grad, key=key)),
])  # no promotion: the value is cast to a's dtype, as in PyTorch
# Assigning through advanced indices only (``y[idx] = v``, ``y[mask] = 0``) is index_put_ in
# PyTorch, not a write into a view: same derivatives as CopySlices, another node.
index_put = Op("setitem", "IndexPutBackward0", _copy_slices_forward, "a[idx] = b",
               copy_slices.rules)
masked_fill = Op("masked_fill", "MaskedFillBackward0",
                 lambda a, mask, value: np.where(mask, np.asarray(value, dtype=a.dtype), a),
                 "a.masked_fill(mask, v)", [
    Rule("self", "∂/∂a = 1 where the mask is False, 0 where it was filled",
         lambda grad, mask: masked_fill(grad, mask=mask, value=0.0)),
])
_overwritten = Rule("self", "the old values are overwritten: their gradient is 0",
                    lambda grad: zeros_like(grad))
fill = Op("fill_", "FillBackward2", lambda a, value: np.full_like(a, value), "a.fill_(v)",
          [_overwritten])
# Writing all of a tensor (``y.copy_(v)``, ``y[...] = v``, ``y[:] = v``) is copy_ in PyTorch, not
# a write into a view; a number written that way is fill_ with a 0-d tensor: another overload.
copy = Op("copy_", "CopyBackwards",
          lambda a, b: np.broadcast_to(np.asarray(b, dtype=a.dtype), a.shape).copy(), "a.copy_(b)", [
    _overwritten,
    Rule("src", "∂a/∂b = 1 (summed back to b's shape)", lambda grad: grad),
])
fill_tensor = Op("fill_", "FillBackward3", lambda a, value: np.full_like(a, value), "a[...] = v",
                 [_overwritten])
zero = Op("zero_", "ZeroBackward0", lambda a: np.zeros_like(a), "a.zero_()", [_overwritten])


# -- writing through a view (``v = y[0]; v.mul_(3)``) ------------------------------------------
# A view remembers the view ops (op, params) that made it from its base. An in-place op on the
# view rewrites the base's history, as PyTorch does: the base becomes CopySlices(old base, new
# view values), and the view becomes AsStrided(base), the same elements read again.

def view_of(array, chain):
    """Replay a view's chain of view ops on an array of its base's shape."""
    for op, params in chain:
        array = op.forward(array, **params)
    return array


def view_region(shape, chain):
    """Which elements of the base a view covers (a boolean mask); refuses overlapping views."""
    ids = np.asarray(view_of(np.arange(numel(shape)).reshape(shape), chain)).ravel()
    if len(np.unique(ids)) != ids.size:
        raise error("overlapping_write")
    mask = np.zeros(numel(shape), dtype=bool)
    mask[ids] = True
    return mask.reshape(shape)


def _scatter_into_view(g, shape, chain):
    # Through the element ids, so elements a view repeats (expand) add their gradients up.
    ids = np.asarray(view_of(np.arange(numel(shape)).reshape(shape), chain))
    out = np.zeros(numel(shape), dtype=g.dtype)
    np.add.at(out, ids.ravel(), np.broadcast_to(g, ids.shape).ravel())
    return out.reshape(shape)


def _write_view(a, b, chain):
    out = a.copy()
    view_of(out, chain)[...] = b
    return out


as_strided_scatter = Op("as_strided_scatter", "AsStridedScatterBackward0", _scatter_into_view,
                        "scatter(g)", [
    Rule("self", "the gradient is read back at the view's positions",
         lambda grad, chain: as_strided(grad, chain=chain)),
])
def _as_strided_grad(grad, self_shape, chain):
    if numel(self_shape) == 0 or numel(grad.shape) == 0:  # PyTorch: fresh zeros, no history
        return like(grad, np.zeros(self_shape, dtype=raw(grad).dtype))
    return as_strided_scatter(grad, shape=self_shape, chain=chain)


as_strided = Op("as_strided", "AsStridedBackward0", lambda a, chain: view_of(a, chain), "view of a", [
    Rule("self", "the gradient goes to the elements the view covers, 0 elsewhere", _as_strided_grad),
], view=True)
copy_slices_view = Op("copy_slices", "CopySlices", _write_view, "a with view(a) = b", [
    Rule("self", "elements the view overwrote get 0, the rest pass through",
         lambda grad, self_shape, chain: masked_fill(grad, mask=view_region(self_shape, chain),
                                                     value=0.0)),
    Rule("src", "the new view values get the gradient of the elements they hold",
         lambda grad, chain: as_strided(grad, chain=chain)),
])
