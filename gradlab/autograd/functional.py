"""``torch.autograd.functional``: Jacobians, Hessians and their products with vectors.

Each is built, as in PyTorch, from :func:`gradlab.autograd.grad`: ``vjp`` is one backward pass,
``jacobian`` one backward pass per output element, ``hessian`` the Jacobian of the gradient (a
gradient computed with ``create_graph=True``), and ``jvp``/``hvp`` use the "double backward"
trick: differentiate a vector-Jacobian product with respect to the vector. Inputs are detached
copies that require grad, so nothing is accumulated into the caller's ``.grad``; results are
detached unless ``create_graph=True``.
"""
from __future__ import annotations

from .._creation import zeros_like
from .._tensor import Tensor, stack
from ..errors import error
from .grad_mode import enable_grad
from . import grad as _grad


def _as_tuple(value, arg, fn):
    """``(was_tuple, tuple_of_tensors)``, with PyTorch's TypeError for anything else."""
    is_tuple = isinstance(value, tuple)
    items = value if is_tuple else (value,)
    for item in items:
        if not isinstance(item, Tensor):
            raise error("functional_type", arg=arg, fn=fn, type=type(value if not is_tuple else item),
                        example="x")
    return is_tuple, items


def _untuple(values, is_tuple):
    """Undo ``_as_tuple``: ``is_tuple`` is one flag, or (outer, inner) for a nested result."""
    if isinstance(is_tuple, tuple):
        outer, inner = is_tuple
        if not outer:
            values = values[0]
            return values if inner else values[0]
        return tuple(v if inner else v[0] for v in values)
    return values if is_tuple else values[0]


def _prepare(inputs, create_graph, need_graph):
    """Fresh leaves for the function to run on (PyTorch's ``_grad_preprocess``)."""
    return tuple(t.view_as(t) if create_graph and t.requires_grad else t.detach().requires_grad_(need_graph)
                 for t in inputs)


def _finish(values, create_graph):
    """Detach the results unless the caller wants to differentiate them again."""
    return tuple(v if v is None or create_graph else v.detach() for v in values)


def _grads(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None):
    """``autograd.grad`` over the outputs that require grad; ``None`` for unreachable inputs."""
    grad_outputs = (None,) * len(outputs) if grad_outputs is None else grad_outputs
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    outs, gs = zip(*pairs)
    return _grad(outs, inputs, gs, retain_graph=retain_graph, create_graph=create_graph, allow_unused=True)


def _zeros_for_none(grads, refs, strict):
    if strict:
        for i, g in enumerate(grads):
            if g is None:
                raise error("functional_strict_independent", index=i)
    return tuple(zeros_like(r) if g is None else g for g, r in zip(grads, refs))


def _check_outputs(outputs, strict):
    if strict:
        for i, out in enumerate(outputs):
            if not out.requires_grad:
                raise error("functional_strict_output", index=i)


def _check_v(v, other, other_is_tuple, what):
    if len(v) != len(other):
        if other_is_tuple:
            raise error("functional_v_length", expected=len(other), got=len(v), what=what)
        raise error("functional_v_count", what=what)
    for i, (a, b) in enumerate(zip(v, other)):
        if a.shape != b.shape:
            raise error("functional_v_size", prefix=f"Entry {i} in " if other_is_tuple else "",
                        expected=b.shape, got=a.shape, what=what)


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), vᵀ·J)``: the vector-Jacobian product, one backward pass."""
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "vjp")
        _check_outputs(outputs, strict)
        if v is not None:
            _, v = _as_tuple(v, "v", "vjp")
            v = _prepare(v, create_graph, need_graph=False)
            _check_v(v, outputs, outputs_tuple, "output")
        elif len(outputs) != 1 or outputs[0].numel() != 1:
            raise error("functional_v_none_out")
        result = _zeros_for_none(_grads(outputs, inputs, v, create_graph), inputs, strict)
    return _untuple(_finish(outputs, create_graph), outputs_tuple), _untuple(_finish(result, create_graph), inputs_tuple)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), J·v)``, by the double-backward trick: J·v is the gradient, with respect to
    u, of the vector-Jacobian product uᵀ·J contracted with v."""
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        if v is not None:
            _, v = _as_tuple(v, "v", "jvp")
            v = _prepare(v, create_graph, need_graph=False)
            _check_v(v, inputs, inputs_tuple, "input")
        elif len(inputs) != 1 or inputs[0].numel() != 1:
            raise error("functional_v_none_in")
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jvp")
        _check_outputs(outputs, strict)
        u = tuple(zeros_like(out).requires_grad_(True) for out in outputs)
        vjps = _grads(outputs, inputs, u, create_graph=True)
        result = _zeros_for_none(_grads(vjps, u, v, create_graph), outputs, strict)
    return _untuple(_finish(outputs, create_graph), outputs_tuple), _untuple(_finish(result, create_graph), outputs_tuple)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """∂outputᵢ/∂inputⱼ, shaped ``output.shape + input.shape``; one backward pass per output element.

    One input and one output give one tensor; tuples give tuples (of tuples), as in PyTorch.
    """
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jacobian")
        _check_outputs(outputs, strict)
        rows = []
        for out in outputs:
            flat = out.reshape(-1)
            per_input = [[] for _ in inputs]
            for k in range(flat.numel()):
                grads = _grads((flat[k],), inputs, create_graph=create_graph, retain_graph=True)
                for j, (g, inp) in enumerate(zip(grads, inputs)):
                    if g is None and strict:
                        raise error("functional_strict_independent", index=j)
                    per_input[j].append(zeros_like(inp) if g is None else g)
            rows.append(tuple(
                stack(grads, 0).view(*out.shape, *inp.shape) if grads else zeros_like(inp).reshape(*out.shape, *inp.shape)
                for grads, inp in zip(per_input, inputs)))
        rows = tuple(_finish(r, create_graph) for r in rows)
    return _untuple(rows, (outputs_tuple, inputs_tuple))


def _scalar_output(func, fn, strict):
    def scalar(*inputs):
        out = func(*inputs)
        is_tuple, outs = _as_tuple(out, "outputs of the user-provided function", fn)
        _check_outputs(outs, strict)
        if is_tuple:
            raise error("functional_single_tensor", fn=fn)
        if out.numel() != 1:
            raise error("functional_single_element", fn=fn)
        return out.squeeze()
    return scalar


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """∂²f/∂xᵢ∂xⱼ of a scalar function: the Jacobian of its gradient."""
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    scalar = _scalar_output(func, "hessian", strict)

    def gradient(*inp):
        return jacobian(scalar, inp, create_graph=True, strict=strict)

    result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict)
    return _untuple(result, (inputs_tuple, inputs_tuple))


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), vᵀ·H)``: backward through the gradient, weighted by v."""
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), H·v)``, by the double-backward trick (PyTorch's way; for a twice
    continuously differentiable function it equals ``vhp``, H being symmetric)."""
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


def _hessian_product(func, inputs, v, create_graph, strict, fn):
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", fn)
        inputs = _prepare(inputs, create_graph, need_graph=True)
        if v is not None:
            _, v = _as_tuple(v, "v", fn)
            v = _prepare(v, create_graph, need_graph=False)
            _check_v(v, inputs, inputs_tuple, "input")
        elif len(inputs) != 1 or inputs[0].numel() != 1:
            raise error("functional_v_none_in")
        out = func(*inputs)
        outputs_tuple, outputs = _as_tuple(out, "outputs of the user-provided function", fn)
        _check_outputs(outputs, strict)
        if outputs_tuple:
            raise error("functional_single_tensor", fn=fn)
        if out.numel() != 1:
            raise error("functional_single_element", fn=fn)
        gradient = _grads(outputs, inputs, create_graph=True)
        if fn == "vhp":
            result = _grads(gradient, inputs, v, create_graph)
        else:
            u = tuple(zeros_like(inp).requires_grad_(True) for inp in inputs)
            double_back = _grads(gradient, inputs, u, create_graph=True)
            result = _grads(double_back, u, v, create_graph)
        result = _zeros_for_none(result, inputs, strict)
    return _untuple(_finish(outputs, create_graph), outputs_tuple), _untuple(_finish(result, create_graph), inputs_tuple)
