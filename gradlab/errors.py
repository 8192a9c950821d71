"""Every error gradlab raises on purpose: PyTorch's type and message, plus a note for learners.

The message is PyTorch's, word for word, so a web search finds the answer. The note (Python's
``add_note``: shown in the traceback, not part of ``str(e)``) says why it happened and how to fix
it, with the learner's own variable names and shapes. ``docs/errors.md`` is generated from this
table (``python -m gradlab.errors > docs/errors.md``) and a test keeps it current.
"""
from __future__ import annotations

import os
import sys

# key: (exception type, PyTorch's message, gradlab's note). Both are str.format templates.
ERRORS = {
    "scalar_outputs": (
        RuntimeError,
        "grad can be implicitly created only for scalar outputs",
        "{name} has shape {shape}: backward() needs to know how much each element matters. Pass "
        "gradient= of shape {shape} (e.g. torch.ones_like({plain})), or reduce to a scalar first: "
        "{plain}.sum().backward()."),
    "no_grad_output": (
        RuntimeError,
        "element {index} of tensors does not require grad and does not have a grad_fn",
        "{name} is not connected to any tensor with requires_grad=True (was it computed under "
        "no_grad(), from a detach()ed tensor, or from leaves created without requires_grad=True?). "
        "Create the leaves you want gradients for with requires_grad=True."),
    "freed_graph": (
        RuntimeError,
        "Trying to backward through the graph a second time (or directly access saved tensors after "
        "they have already been freed). Saved intermediate values of the graph are freed when you "
        "call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
        "through the graph a second time or if you need to access saved tensors after calling "
        "backward.",
        "{node} needs values saved during the forward pass, and the first backward() freed them. "
        "In a training loop, recompute the forward pass each iteration; to go backward twice "
        "through one graph, pass retain_graph=True to the first backward()."),
    "leaf_inplace": (
        RuntimeError,
        "a leaf Variable that requires grad is being used in an in-place operation.",
        "{name} is a leaf that requires grad: changing it in place while recording would make its "
        "gradient wrong. Update parameters inside `with torch.no_grad():` (e.g. "
        "`{plain} -= lr * {plain}.grad`), or use an out-of-place op (`{plain} = {plain} + 1`)."),
    "leaf_view_inplace": (
        RuntimeError,
        "a view of a leaf Variable that requires grad is being used in an in-place operation.",
        "{name} is a leaf that requires grad: assigning into it while recording would make its "
        "gradient wrong. Do the assignment inside `with torch.no_grad():`, or build a new tensor."),
    "modified_inplace": (
        RuntimeError,
        "one of the variables needed for gradient computation has been modified by an inplace "
        "operation: {what} is at version {version}; expected version {expected} instead. Hint: "
        "enable anomaly detection to find the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False).",
        "{node} saved a tensor of shape {shape} for backward, and it was changed in place "
        "afterwards ({changes} in-place change(s): +=, add_, x[i] = ..., ...). Use out-of-place "
        "ops (`y = y + 1`) or change a .clone() instead."),
    "grad_shape": (
        RuntimeError,
        "Mismatch in shape: grad_output[{index}] has a shape of {got} and output[{index}] has a "
        "shape of {expected}.",
        "gradient= must have exactly the shape of {name}, {expected_tuple}; you passed {got_tuple}."),
    "int_requires_grad": (
        RuntimeError,
        "Only Tensors of floating point and complex dtype can require gradients",
        "Gradients need real numbers, and this tensor holds {dtype}s. Write the values as floats "
        "(`[1.0, 2.0]`) or pass dtype=torch.float32."),
    "int_requires_grad_setter": (
        RuntimeError,
        "only Tensors of floating point and complex dtype can require gradients",
        "{name} holds {dtype}s; gradients need floats. Convert it first: `{plain} = {plain}.float()`."),
    "int_requires_grad_": (
        RuntimeError,
        "only Tensors of floating point dtype can require gradients",
        "{name} holds {dtype}s; gradients need floats. Convert it first: `{plain} = {plain}.float()`."),
    "nonleaf_requires_grad": (
        RuntimeError,
        "you can only change requires_grad flags of leaf variables. If you want to use a computed "
        "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
        "{name} was computed from other tensors (its grad_fn is {node}), so whether it requires "
        "grad follows from them. To stop gradients here, use `{plain}.detach()`."),
    "numpy_requires_grad": (
        RuntimeError,
        "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.",
        "A NumPy array can't carry the graph. Use `{plain}.detach().numpy()` to get the values."),
    "item_many": (
        RuntimeError,
        "a Tensor with {numel} elements cannot be converted to Scalar",
        "{name} has shape {shape}; item() needs exactly one element. Reduce it first "
        "(`{plain}.sum()`, `{plain}.mean()`) or pick one element (`{plain}[0]`)."),
    "broadcast": (
        RuntimeError,
        "The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton "
        "dimension {dim}",
        "Shapes {shape_a} and {shape_b} can't be broadcast: compared from the right, each pair of "
        "sizes must be equal or contain a 1."),
    "mm_shapes": (
        RuntimeError,
        "mat1 and mat2 shapes cannot be multiplied ({m}x{k1} and {k2}x{n})",
        "For A @ B the inner sizes must agree: A has {k1} columns but B has {k2} rows. Did you "
        "mean to transpose one of them (`.T`)?"),
    "view_noncontiguous": (
        RuntimeError,
        "view size is not compatible with input tensor's size and stride (at least one dimension "
        "spans across two contiguous subspaces). Use .reshape(...) instead.",
        "{name} is a transposed (non-contiguous) view, so its elements are not in row order in "
        "memory and view() can't regroup them. reshape() copies when it has to."),
    "mean_int": (
        RuntimeError,
        "mean(): could not infer output dtype. Input dtype must be either a floating point or "
        "complex dtype. Got: {legacy}",
        "The mean of integers is not an integer. Convert first: `{plain}.float().mean()`."),
    "unused_input": (
        RuntimeError,
        "The differentiated Tensor at index {index} appears to not have been used in the graph. "
        "Set allow_unused=True if this is the desired behavior.",
        "inputs[{index}] does not influence the outputs, so its gradient would be None. Pass "
        "allow_unused=True to get None, or materialize_grads=True to get zeros."),
    "input_no_grad": (
        RuntimeError,
        "One of the differentiated Tensors does not require grad",
        "autograd.grad can only differentiate with respect to tensors with requires_grad=True."),
}


def _learner_name(tensor):
    """The name the learner's own code uses for ``tensor`` (looked up in their frames)."""
    if tensor is None:
        return None
    if getattr(tensor, "name", None):
        return tensor.name
    package = os.path.dirname(os.path.abspath(__file__))
    frame = sys._getframe(1)
    while frame is not None:
        if not os.path.abspath(frame.f_code.co_filename).startswith(package):
            for scope in (frame.f_locals, frame.f_globals):
                for key, value in scope.items():
                    if value is tensor and not key.startswith("_"):
                        return key
            return None
        frame = frame.f_back
    return None


def error(key, tensor=None, **fields) -> Exception:
    """The exception for ``key``, with PyTorch's message and gradlab's note filled in."""
    kind, message, note = ERRORS[key]
    plain = _learner_name(tensor)
    fields.setdefault("plain", plain or "t")
    fields.setdefault("name", f"`{plain}`" if plain else "This tensor")
    if tensor is not None:
        fields.setdefault("shape", tuple(tensor.shape))
        fields.setdefault("dtype", tensor.dtype.name)
        if tensor.grad_fn is not None:
            fields.setdefault("node", tensor.grad_fn.name())
    exc = kind(message.format(**fields))
    if hasattr(exc, "add_note"):  # Python 3.11+
        exc.add_note(note.format_map(_Default(fields)))
    return exc


class _Default(dict):
    def __missing__(self, key):
        return "?"


def markdown() -> str:
    """The table of every error, for docs/errors.md."""
    lines = ["# Errors gradlab raises", "",
             "Generated from `gradlab/errors.py` by `python -m gradlab.errors > docs/errors.md`.",
             "Each error keeps PyTorch's exception type and message (so searching for it finds "
             "PyTorch's answers) and adds a note, shown under the traceback, with the learner's own "
             "names and shapes. `{…}` marks what is filled in.", ""]
    for key, (kind, message, note) in ERRORS.items():
        lines += [f"## `{key}`", "", f"**{kind.__name__}** (PyTorch's text):", "",
                  "> " + message, "", "gradlab's note:", "", "> " + note, ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(markdown())
