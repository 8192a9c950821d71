"""``gradcheck``: compare autograd's Jacobians with finite differences, and name the culprit.

Like ``torch.autograd.gradcheck`` it returns True or raises ``GradcheckError`` with PyTorch's
message. Beyond PyTorch, a failure carries a note naming the node whose derivative rule is wrong:
every op that ran is re-checked on the very values it saw, by comparing its rule from
``gradlab.ops`` with finite differences of its own forward.
"""
from __future__ import annotations

import warnings

import numpy as np

from .engine import reduced_axes, sum_to
from .grad_mode import _state, no_grad
from ..errors import GradcheckError, error as make_error


# ``GradcheckError`` is defined in gradlab.errors (with every other error) and exported from here.


def _tensors(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _flat_outputs(func, inputs):
    with no_grad():
        return [o._data.astype(np.float64).ravel() for o in _tensors(func(*inputs))]


def _numerical(func, inputs, index, eps):
    """Central differences: d outputs / d inputs[index], one (n_in, n_out) matrix per output."""
    x = inputs[index]
    flat = x._data.reshape(-1)  # a view: perturb in place, restore exactly
    columns = []
    for j in range(flat.size):
        orig = flat[j]
        flat[j] = orig + eps
        plus = _flat_outputs(func, inputs)
        flat[j] = orig - eps
        minus = _flat_outputs(func, inputs)
        flat[j] = orig
        columns.append([(p - m) / (2 * eps) for p, m in zip(plus, minus)])
    return [np.array([c[k] for c in columns]).reshape(flat.size, -1) for k in range(len(columns[0]))] \
        if columns else None


def _analytical(output, inputs, diff_indices):
    """Row by row of the Jacobian: backward of each one-hot output gradient."""
    from . import grad
    from .._tensor import Tensor
    n_out = output.numel()
    jac = {i: np.zeros((inputs[i].numel(), n_out)) for i in diff_indices}
    for k in range(n_out):
        onehot = np.zeros(n_out, dtype=output._data.dtype)
        onehot[k] = 1
        grads = grad(output, [inputs[i] for i in diff_indices],
                     Tensor._make(onehot.reshape(output._data.shape)), retain_graph=True,
                     allow_unused=True)
        for i, g in zip(diff_indices, grads):
            if g is not None:
                jac[i][:, k] = g._data.ravel()
    return jac


def _as_float64(x):
    from .._tensor import Tensor
    if isinstance(x, Tensor) and x.dtype.is_floating_point:
        return Tensor._make(x._data.astype(np.float64))
    return x


def check_node_rules(trace, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0):
    """Check each recorded node's derivative rules on the inputs it saw; return the failures."""
    from .._tensor import Tensor, apply
    rng = np.random.default_rng(seed)
    culprits = []
    for node, inputs, params in trace:
        op = node.op
        xs = [_as_float64(x) for x in inputs]
        with no_grad():
            out = apply(op, *xs, **params)
        g = rng.standard_normal(out._data.shape)
        for i, x in enumerate(inputs):
            if not (isinstance(x, Tensor) and x.requires_grad) or node.next_functions[i][0] is None:
                continue
            try:
                with no_grad():
                    analytical = sum_to(node.input_grad(i, Tensor._make(g.astype(out._data.dtype))),
                                        node.shapes[i])._data.astype(np.float64)
            except RuntimeError:
                continue  # its saved values are gone: nothing to check
            numerical = np.zeros(x._data.shape)
            flat = xs[i]._data.reshape(-1)
            for j in range(flat.size):
                orig = flat[j]
                flat[j] = orig + eps
                with no_grad():
                    plus = float(np.sum(g * apply(op, *xs, **params)._data))
                flat[j] = orig - eps
                with no_grad():
                    minus = float(np.sum(g * apply(op, *xs, **params)._data))
                flat[j] = orig
                numerical.flat[j] = (plus - minus) / (2 * eps)
            if not np.allclose(analytical, numerical, rtol=rtol, atol=atol):
                worst = int(np.argmax(np.abs(analytical - numerical)))
                culprits.append({
                    "node": node.name(), "input": i, "rule": op.rule_text(i),
                    "element": tuple(int(k) for k in np.unravel_index(worst, x._data.shape)) if x._data.shape else (),
                    "analytical": float(analytical.flat[worst]), "numerical": float(numerical.flat[worst]),
                    "input_shape": tuple(x._data.shape), "output_shape": tuple(out._data.shape),
                    "summed_axes": reduced_axes(out._data.shape, x._data.shape)
                    if out._data.ndim >= x._data.ndim else (),
                })
    return culprits


def describe(culprit) -> str:
    c = culprit
    text = (f"gradlab: the derivative rule of {c['node']} for its input {c['input']} "
            f"({c['rule']}) disagrees with finite differences of its own forward: analytical "
            f"{c['analytical']:.6g} vs numerical {c['numerical']:.6g} at element {c['element']}")
    if c["input_shape"] != c["output_shape"]:
        text += (f"; that input has shape {c['input_shape']} and the output {c['output_shape']}"
                 + (f" (broadcast: summed over axes {c['summed_axes']})" if c["summed_axes"] else ""))
    return text + "."


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """True if ``func``'s autograd Jacobians match central finite differences of ``func``."""
    from .._tensor import Tensor
    inputs = _tensors(inputs)
    diff_indices = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    for i in diff_indices:
        if inputs[i].dtype.name != "float64":
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point or "
                "complex. This check will likely fail if all the inputs are not of double precision "
                "floating point or complex. ", UserWarning, stacklevel=2)
    trace, previous = [], _state.trace
    _state.trace = trace
    try:
        outputs = _tensors(func(*inputs))
    finally:
        _state.trace = previous
    for o, output in enumerate(outputs):
        analytical = _analytical(output, inputs, diff_indices) if output.requires_grad else {
            i: np.zeros((inputs[i].numel(), output.numel())) for i in diff_indices}
        for i in diff_indices:
            numerical = _numerical(func, inputs, i, eps)[o]
            if np.allclose(analytical[i], numerical, rtol=rtol, atol=atol):
                continue
            if not raise_exception:
                return False
            error = make_error("gradcheck_mismatch", output=o, input=i, numerical=Tensor._make(numerical),
                               analytical=Tensor._make(analytical[i]))
            culprits = check_node_rules(trace, eps, atol, rtol)
            error.culprits = culprits
            if hasattr(error, "add_note"):
                for c in culprits:
                    error.add_note(describe(c))
                if not culprits:
                    error.add_note("gradlab: every node's rule agrees with finite differences on the "
                                   "values it saw; look at the function itself (is it smooth at "
                                   "these inputs? is eps too small for float32?).")
            raise error
    return True
