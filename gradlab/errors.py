"""Every error gradlab raises on purpose: PyTorch's type and message, plus a note for learners.

The message is PyTorch's, word for word, so a web search finds the answer. The note (Python's
``add_note``: shown in the traceback, not part of ``str(e)``) says why it happened and how to fix
it, with the learner's own variable names and shapes. ``docs/errors.md`` is generated from this
table (``python -m gradlab.errors > docs/errors.md``) and a test keeps it current.
"""
from __future__ import annotations

import os
import sys

class LoadError(RuntimeError):
    """The file is not a gradlab save file, or it has been damaged or tampered with."""


class GradcheckError(RuntimeError):
    """Raised by :func:`gradlab.autograd.gradcheck` when analytical and numerical gradients disagree."""


# Defined here so the table can name them; they live (and are imported from) where PyTorch has them.
LoadError.__module__ = "gradlab.serialization"
GradcheckError.__module__ = "gradlab.autograd.gradcheck"

# key: (exception type, PyTorch's message, gradlab's note). Both are str.format templates.
# Sections start with a "# == Title: one-line intro" comment; docs/errors.md is grouped by them.
# Where no PyTorch counterpart exists (a gradlab limit, gradlab's save format), the message is
# gradlab's own and the note says so.
ERRORS = {
    # == Creating and converting tensors: torch.tensor, zeros, arange, randn, and turning a tensor back into Python values.
    "infer_dtype": (
        RuntimeError,
        "Could not infer dtype of {type}",
        "torch.tensor() takes numbers, bools, tensors and (nested) lists or tuples of them; one "
        "element is a {type}. Convert it to a number first (float(x), int(x))."),
    "ragged_list": (
        ValueError,
        "expected sequence of length {length} at dim {dim} (got {got})",
        "A tensor is a rectangular grid: every list at dimension {dim} must have {length} elements, "
        "and one has {got}. Make the rows the same length (pad the short ones)."),
    "tensor_list_many": (
        ValueError,
        "only one element tensors can be converted to Python scalars",
        "torch.tensor() turns each tensor in the list into a number, so each must have exactly one "
        "element. To join tensors use torch.stack(list) (new dimension) or torch.cat(list)."),
    "from_numpy_type": (
        TypeError,
        "expected np.ndarray (got {type})",
        "torch.from_numpy() wraps an existing NumPy array (sharing its memory). For a list or a "
        "number use torch.tensor(...)."),
    "size_not_int": (
        TypeError,
        "expected a sequence of integers for the size, got {type}",
        "Sizes are whole numbers: torch.zeros(2, 3) or torch.zeros((2, 3)). One size is a {type}; "
        "if it was computed (n / 2), use int(...) or // instead."),
    "negative_dimension": (
        RuntimeError,
        "Trying to create tensor with negative dimension {size}: {sizes}",
        "Every size must be 0 or more, and {sizes} contains {size}. Check the arithmetic that "
        "produced the shape."),
    "zeros_negative": (
        RuntimeError,
        "zeros: Dimension size must be non-negative.",
        "Every size must be 0 or more. Check the arithmetic that produced the shape."),
    "arange_zero_step": (
        RuntimeError,
        "step must be nonzero",
        "arange(start, end, step) counts from start in steps of step; a step of 0 never reaches "
        "end. Use a positive step to count up or a negative one to count down."),
    "tensor_str": (
        TypeError,
        "new(): invalid data type 'str'",
        "A tensor holds numbers, and one element is a string. Convert it first (float(\"1.5\")), or "
        "keep text in a Python list next to the tensor."),
    "not_a_sequence": (
        TypeError,
        "not a sequence",
        "A tensor is a rectangular grid: at each depth every element must be a list, or every "
        "element a number. One row here is a number where the others are lists."),
    "dtype_argument": (
        TypeError,
        "{fn}(): argument 'dtype' must be torch.dtype, not {type}",
        "dtype= takes a torch dtype (torch.float32, torch.int64, ...) or Python's float/int/bool, "
        "not a {type}: write dtype=torch.float32 rather than 'float32' or np.float32."),
    "tensor_argument": (
        TypeError,
        "{fn}(): argument 'input' (position 1) must be Tensor, not {type}",
        "torch.{fn}() takes a tensor here, and this is a {type}. Make one with torch.tensor(...) "
        "(for the _like factories, pass a shape to torch.zeros(2, 3) and friends instead)."),
    "product_argument": (
        TypeError,
        "{fn}(): argument '{arg}' (position 1) must be Tensor, not {type}",
        "A matrix product takes two tensors; this is a {type}. Make it one with torch.tensor(...), "
        "or multiply by a number with `*`."),
    "size_argument": (
        TypeError,
        "{fn}(): argument 'size' (position 1) must be tuple of ints, not {type}",
        "Sizes are whole numbers: torch.{fn}(2, 3) or torch.{fn}((2, 3)). If the size was computed "
        "(n / 2), use int(...) or // instead."),
    "size_unpack": (
        TypeError,
        "{fn}(): argument 'size' failed to unpack the object at pos {pos} with error \"type must "
        "be tuple of ints,but got {type}\"",
        "Sizes are whole numbers, and size number {pos} is a {type}. If it was computed (n / 2), "
        "use int(...) or // instead."),
    "fill_value_argument": (
        TypeError,
        "{fn}(): argument 'fill_value' (position 2) must be Number, not {type}",
        "torch.full(size, value) fills the tensor with one number, and this value is a {type}."),
    "storage_overflow": (
        RuntimeError,
        "Storage size calculation overflowed with sizes={sizes}",
        "A tensor of shape {sizes} would need more bytes than a 64-bit number can count. Check the "
        "arithmetic that produced the shape."),
    "cannot_allocate": (
        RuntimeError,
        "[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: can't allocate memory: "
        "you tried to allocate {nbytes} bytes. Error code 12 (Cannot allocate memory)",
        "This tensor needs {nbytes} bytes, more memory than the machine can give. Use a smaller "
        "shape, or a smaller dtype."),
    "arange_sign": (
        RuntimeError,
        "upper bound and lower bound inconsistent with step sign",
        "arange(start, end, step) counts from start towards end, so step must point that way: "
        "positive when end > start, negative to count down (torch.arange(10, 0, -1))."),
    "arange_range": (
        RuntimeError,
        "unsupported range: {start} -> {end}",
        "arange needs finite bounds to count between; one bound here is nan or infinite."),
    "linspace_steps_type": (
        TypeError,
        "linspace() received an invalid combination of arguments - got ({start}, {end}, {steps}), "
        "but expected one of:\n"
        " * (Tensor start, Tensor end, int steps, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n"
        " * (Number start, Tensor end, int steps, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n"
        " * (Tensor start, Number end, int steps, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n"
        " * (Number start, Number end, int steps, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n",
        "The third argument of linspace is how many points to make, a whole number: use int(...) "
        "if it was computed."),
    "linspace_negative": (
        RuntimeError,
        "number of steps must be non-negative",
        "linspace(start, end, steps) makes steps evenly spaced points; a count can't be negative."),
    "eye_negative": (
        RuntimeError,
        "{which} must be greater or equal to 0, got {value}",
        "eye(n, m) is an n×m identity matrix; sizes are 0 or more, and {which} is {value}."),
    "randint_range": (
        RuntimeError,
        "random_ expects 'from' to be less than 'to', but got from={low} >= to={high}",
        "randint(low, high, size) draws from low up to high - 1, so high must be greater than low."),
    "randint_arguments": (
        TypeError,
        "randint() received an invalid combination of arguments - got ({got}), but expected one of:\n"
        " * (int high, tuple of ints size, *, torch.Generator generator, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n"
        " * (int high, tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n"
        " * (int low, int high, tuple of ints size, *, torch.Generator generator, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n"
        " * (int low, int high, tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n",
        "The size of randint is a tuple, even for one dimension: torch.randint(0, 10, (3,)), not "
        "torch.randint(0, 10, 3)."),
    "uniform_int": (
        NotImplementedError,
        "\"check_uniform_bounds\" not implemented for '{legacy}'",
        "Uniformly distributed values in [0, 1) are real numbers, and {dtype} holds integers. Use a "
        "float dtype (torch.float32), or torch.randint for random integers."),
    "normal_int": (
        NotImplementedError,
        "\"normal_kernel_cpu\" not implemented for '{legacy}'",
        "Normally distributed values are real numbers, and {dtype} holds integers. Use a float "
        "dtype (torch.float32), or torch.randint for random integers."),
    "numpy_requires_grad": (
        RuntimeError,
        "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.",
        "A NumPy array can't carry the graph. Use `{plain}.detach().numpy()` to get the values."),
    "item_many": (
        RuntimeError,
        "a Tensor with {numel} elements cannot be converted to Scalar",
        "{name} has shape {shape}; item() needs exactly one element. Reduce it first "
        "(`{plain}.sum()`, `{plain}.mean()`) or pick one element (`{plain}[0]`)."),
    "scalar_many": (
        ValueError,
        "only one element tensors can be converted to Python scalars",
        "float() and int() need exactly one element, and {name} has shape {shape}. Reduce it first "
        "(`{plain}.sum()`, `{plain}.mean()`) or pick one element (`{plain}[0]`)."),
    "index_not_int": (
        TypeError,
        "only integer tensors of a single element can be converted to an index",
        "Python needs a whole number here (a list index, range(), ...), but {name} has shape "
        "{shape} and dtype {dtype}. Use `int({plain}.item())`, or a one-element integer tensor."),
    "bool_empty": (
        RuntimeError,
        "Boolean value of Tensor with no values is ambiguous",
        "`if`, `while`, `and`, `or` and `not` need one True/False, and {name} is empty (shape "
        "{shape}). To ask whether it has elements, use `{plain}.numel() > 0`."),
    "bool_ambiguous": (
        RuntimeError,
        "Boolean value of Tensor with more than one value is ambiguous",
        "`if`, `while`, `and`, `or` and `not` need one True/False, and {name} has shape {shape}. "
        "Say which you mean: `{plain}.any()` or `{plain}.all()`; for elementwise logic use `&`, `|`, `~`."),
    "len_0d": (
        TypeError,
        "len() of a 0-d tensor",
        "{name} is 0-d (one number, shape ()), so it has no length. Use `{plain}.numel()` to count "
        "elements or `{plain}.item()` for its value."),
    "iter_0d": (
        TypeError,
        "iteration over a 0-d tensor",
        "{name} is 0-d (one number, shape ()), so there is nothing to loop over. Use "
        "`{plain}.item()` for its value, or make it 1-d with `{plain}.reshape(1)`."),

    # == Autograd: requires_grad, backward(), autograd.grad, .grad, hooks and the graph's nodes.
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
    "nonleaf_requires_grad_true": (
        RuntimeError,
        "you can only change requires_grad flags of leaf variables.",
        "{name} was computed from other tensors (its grad_fn is {node}), so it already requires "
        "grad. To keep its .grad after backward(), call `{plain}.retain_grad()` instead."),
    "inference_requires_grad": (
        RuntimeError,
        "Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.",
        "{name} was created under torch.inference_mode(), which never records gradients. Make a "
        "normal copy outside that block: `{plain} = {plain}.clone().requires_grad_()`."),
    "inference_version": (
        RuntimeError,
        "Inference tensors do not track version counter.",
        "{name} was created under torch.inference_mode(), which skips the bookkeeping _version "
        "reads. Use `{plain}.clone()` (made outside inference mode) for a normal tensor."),
    "out_autograd": (
        RuntimeError,
        "{fn}(): functions with out=... arguments don't support automatic differentiation, but one "
        "of the arguments requires grad.",
        "The input was made under torch.inference_mode() with requires_grad=True; outside the block "
        "PyTorch computes this op through {fn}(..., out=result), which refuses an input that "
        "requires grad. Make the input under torch.no_grad() instead, or use a `.clone()` of it."),
    "inference_saved": (
        RuntimeError,
        "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
        "inference mode in computation tracked by autograd. To work around this, you can make a "
        "clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead of "
        "`torch.inference_mode()`.",
        "A tensor of shape {shape} made under torch.inference_mode() is used in a computation "
        "that records a graph, which needs it for backward. Create it under torch.no_grad() instead, "
        "or use `{plain}.clone()` outside inference mode."),
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
    "grad_outputs_count": (
        RuntimeError,
        "got {ngrads} tensors and {noutputs} gradients",
        "Pass one gradient per output: {noutputs} output(s) but {ngrads} gradient(s)."),
    "gradient_type": (
        TypeError,
        "gradients can be either Tensors or None, but got {type}",
        "gradient= takes a tensor with the output's shape (e.g. torch.ones_like(out)), or None "
        "when the output is a scalar."),
    "grad_shape": (
        RuntimeError,
        "Mismatch in shape: grad_output[{index}] has a shape of {got} and output[{index}] has a "
        "shape of {expected}.",
        "gradient= must have exactly the shape of {name}, {expected_tuple}; you passed {got_tuple}."),
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
    "input_no_grad": (
        RuntimeError,
        "One of the differentiated Tensors does not require grad",
        "autograd.grad can only differentiate with respect to tensors with requires_grad=True."),
    "unused_input": (
        RuntimeError,
        "The differentiated Tensor at index {index} appears to not have been used in the graph. "
        "Set allow_unused=True if this is the desired behavior.",
        "inputs[{index}] does not influence the outputs, so its gradient would be None. Pass "
        "allow_unused=True to get None, or materialize_grads=True to get zeros."),
    "grad_assign_type": (
        TypeError,
        "assigned grad expected to be a Tensor or None but got grad of type {type}",
        ".grad holds a tensor with {name}'s shape {shape} and dtype {dtype}, or None. Use e.g. "
        "`torch.zeros_like({plain})`."),
    "grad_assign_size": (
        RuntimeError,
        "attempting to assign a gradient of size '{got_list}' to a tensor of size '{size_list}'. "
        "Please ensure that the gradient and the tensor are the same size",
        ".grad must have {name}'s shape {shape}; the assigned tensor has shape {got}."),
    "grad_assign_dtype": (
        RuntimeError,
        "attempting to assign a gradient with dtype '{got_c}' to a tensor with grad_dtype "
        "'{legacy}'. The gradient must match the tensor's grad_dtype (defaults to the tensor's "
        "dtype). You can set the tensor's grad_dtype attribute with a specific dtype, or None to "
        "allow any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and its "
        "gradient may break downstream systems that assume they match.",
        ".grad must have {name}'s dtype {dtype}; the assigned tensor is {got}. Convert it with "
        "`.to({plain}.dtype)`."),
    "retain_grad_no_grad": (
        RuntimeError,
        "can't retain_grad on Tensor that has requires_grad=False",
        "{name} doesn't require grad, so backward() never computes a gradient for it. Create it "
        "with requires_grad=True (or call `{plain}.requires_grad_()`) first."),
    "hook_size": (
        RuntimeError,
        "hook '{hook}' has changed the size of value",
        "A hook may replace the gradient, but the replacement must keep its shape {expected} "
        "(e.g. `lambda g: g * 2`); this one returned shape {got}."),
    "hook_returned": (
        TypeError,
        "expected Variable, but hook returned '{type}'",
        "A hook receives the gradient (a tensor) and may return a replacement, which must be a "
        "tensor of the same shape (e.g. `lambda g: g * 2`), or None to keep the gradient as it is."),
    "requires_grad_not_bool": (
        RuntimeError,
        "requires_grad must be a bool",
        "Set requires_grad to True or False (not {type})."),
    "backward_inputs_empty": (
        RuntimeError,
        "`inputs` argument to `backward()` cannot be empty.",
        "inputs= names the leaves whose .grad backward should fill; leave it out to fill all of "
        "them, or list at least one."),
    "hook_no_grad": (
        RuntimeError,
        "cannot register a hook on a tensor that doesn't require gradient",
        "{name} doesn't require grad, so no gradient will ever reach a hook on it. Create it with "
        "requires_grad=True (or call `{plain}.requires_grad_()`) first."),
    "deepcopy_nonleaf": (
        RuntimeError,
        "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol "
        "at the moment.  If you were attempting to deepcopy a module, this may be because of a "
        "torch.nn.utils.weight_norm usage, see https://github.com/pytorch/pytorch/pull/103001",
        "{name} was computed (its grad_fn is {node}), and a copy can't share its graph. Copy the "
        "values instead: `{plain}.detach().clone()`."),
    "set_grad_enabled_type": (
        TypeError,
        "set_grad_enabled(): argument 'mode' must be bool, not {type}",
        "Pass True or False: `with torch.set_grad_enabled(False):`. (torch.no_grad() takes no "
        "argument: `with torch.no_grad():`.)"),
    "node_no_attribute": (
        AttributeError,
        "'{cls}' object has no attribute '{attr}'",
        "A grad_fn node has .name(), .next_functions, hooks and, as in PyTorch, what its backward "
        "rule saved as `_saved_<name>` (`_saved_self`, `_saved_other`, `_saved_result`, "
        "`_saved_dim`, ...); {cls} has no '{attr}'."),
    "gradcheck_mismatch": (
        GradcheckError,
        "Jacobian mismatch for output {output:d} with respect to input {input:d},\n"
        "numerical:{numerical}\nanalytical:{analytical}\n",
        "The gradients backward() computes (analytical) disagree with finite differences "
        "(numerical). The next note names the node whose rule is off; use float64 inputs, since "
        "float32 is too coarse for finite differences."),

    "function_grad_count": (
        RuntimeError,
        "function {node} returned an incorrect number of gradients (expected {expected}, got {got})",
        "A custom Function's backward returns one gradient per argument of forward (after ctx), "
        "in the same order: {expected} here. Return None for arguments that need no gradient "
        "(numbers, flags)."),
    "function_grad_shape": (
        RuntimeError,
        "Function {node} returned an invalid gradient at index {index} - got {got} but expected "
        "shape compatible with {expected}",
        "The gradient backward returns for an input must have that input's shape ({expected}): "
        "it says how the loss changes with each of its elements."),
    "function_grad_type": (
        RuntimeError,
        "expected Variable or None (got {type})",
        "backward returns tensors (or None): wrap a number as torch.tensor(value), or multiply it "
        "into grad_output."),
    "function_outputs": (
        NotImplementedError,
        "gradlab's custom Function supports one differentiable output ({name} returned {count})",
        "gradlab's own limit: return one differentiable tensor, and mark the others with "
        "ctx.mark_non_differentiable(...), or split the Function in two."),
    "function_no_forward": (
        NotImplementedError,
        "You must implement the forward function for custom autograd.Function.",
        "Give your Function subclass `@staticmethod def forward(ctx, ...)` returning the output."),
    "function_no_backward": (
        NotImplementedError,
        "You must implement either the backward or vjp method for your custom autograd.Function "
        "to use it with backward mode AD.",
        "Give your Function subclass `@staticmethod def backward(ctx, grad_output)` returning "
        "one gradient per forward argument."),

    # == Shapes and broadcasting: view/reshape/expand, dims, cat/stack, and combining shapes.
    "broadcast": (
        RuntimeError,
        "The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton "
        "dimension {dim}",
        "Shapes {shape_a} and {shape_b} can't be broadcast: compared from the right, each pair of "
        "sizes must be equal or contain a 1."),
    "expand_size": (
        RuntimeError,
        "The expanded size of the tensor ({new}) must match the existing size ({existing}) at "
        "non-singleton dimension {dim}.  Target sizes: {target}.  Tensor sizes: {sizes}",
        "Only sizes of 1 can be stretched: shape {sizes} can't become {target}, because dimension "
        "{dim} has size {existing}, not 1."),
    "dim_out_of_range": (
        IndexError,
        "Dimension out of range (expected to be in range of [{low}, {high}], but got {dim})",
        "{name} has shape {shape}; dim must be from {low} to {high} here (negative dims count "
        "from the end; unsqueeze and stack allow one more, for the new dimension)."),
    "dim_of_0d": (
        IndexError,
        "Dimension specified as {dim} but tensor has no dimensions",
        "{name} is a 0-d tensor (a single number): it has no dims to ask about; "
        "`.size()` and `.stride()` without a dim give its empty shape and strides."),
    "one_inferred_dim": (
        RuntimeError,
        "only one dimension can be inferred",
        "-1 in a shape means 'whatever size makes the count right', so it can appear only once. "
        "Give the other sizes explicitly."),
    "reshape_ambiguous": (
        RuntimeError,
        "cannot reshape tensor of 0 elements into shape {target} because the unspecified "
        "dimension size -1 can be any value and is ambiguous",
        "{name} is empty, so -1 could stand for any size. Give every size explicitly."),
    "shape_invalid": (
        RuntimeError,
        "shape '{target}' is invalid for input of size {numel}",
        "{name} has {numel} elements (shape {shape}), and a new shape must keep that count: the "
        "sizes in {target} multiply to something else."),
    "view_noncontiguous": (
        RuntimeError,
        "view size is not compatible with input tensor's size and stride (at least one dimension "
        "spans across two contiguous subspaces). Use .reshape(...) instead.",
        "{name} is a transposed (non-contiguous) view, so its elements are not in row order in "
        "memory and view() can't regroup them. reshape() copies when it has to."),
    "view_dtype": (
        TypeError,
        "view(dtype) is not supported by gradlab",
        "gradlab's own message: reinterpreting the bytes as another dtype is not supported. To "
        "convert the values, use `{plain}.to(dtype)`."),
    "mT_ndim": (
        RuntimeError,
        "tensor.mT is only supported on matrices or batches of matrices. Got {ndim}-D tensor.",
        "mT swaps the last two dims, and {name} has only {ndim}. A 1-D tensor is the same "
        "either way; for a column use `{plain}.unsqueeze(1)`."),
    "expand_leading_minus_one": (
        RuntimeError,
        "The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {dim}",
        "-1 in expand() means 'keep this dim's size', and a new leading dim has no size to keep. "
        "Give its size explicitly."),
    "expand_negative": (
        RuntimeError,
        "numel: integer multiplication overflow",
        "expand() sizes are 0 or more (or -1 to keep a dim's size); {size} has another negative one."),
    "view_float": (
        TypeError,
        "view() received an invalid combination of arguments - got (float), but expected one of:\n"
        " * (torch.dtype dtype)\n      didn't match because some of the arguments have invalid "
        "types: (!float!)\n * (tuple of ints size)\n      didn't match because some of the "
        "arguments have invalid types: (!float!)\n",
        "Sizes are whole numbers: view(2, 3). If a size was computed (n / 2), use int(...) or //."),
    "shape_not_ints": (
        TypeError,
        "{fn}(): argument 'shape' (position 1) must be tuple of ints, not {type}",
        "Sizes are whole numbers: {fn}(2, 3). If a size was computed (n / 2), use int(...) or //."),
    "expand_fewer_sizes": (
        RuntimeError,
        "expand(torch.{legacy}Tensor{{{sizes}}}, size={size}): the number of sizes provided "
        "({nsizes}) must be greater or equal to the number of dimensions in the tensor ({ndim})",
        "expand() can add leading dimensions but not remove them: {name} has shape {shape}, so "
        "give at least {ndim} sizes (-1 keeps a size)."),
    "t_ndim": (
        RuntimeError,
        "t() expects a tensor with <= 2 dimensions, but self is {ndim}D",
        "t() transposes a matrix, and {name} has shape {shape}. Say which dims to swap: "
        "`{plain}.transpose(-2, -1)` (or `{plain}.mT`)."),
    "stack_empty": (
        RuntimeError,
        "stack expects a non-empty TensorList",
        "Pass a list with at least one tensor: torch.stack([a, b])."),
    "tensors_not_sequence": (
        TypeError,
        "{fn}(): argument 'tensors' (position 1) must be tuple of Tensors, not {type}",
        "torch.{fn} takes a list (or tuple) of tensors: torch.{fn}([a, b]), even for one tensor."),
    "empty_tensor_list": (
        ValueError,
        "torch.{fn}(): expected a non-empty list of Tensors",
        "Pass a list with at least one tensor: torch.{fn}([a, b])."),
    "tensor_list_item": (
        TypeError,
        "expected Tensor as element {index} in argument 0, but got {type}",
        "Every element of the list must be a tensor, and element {index} is a {type}. Convert it "
        "with torch.tensor(...)."),
    "cat_0d": (
        RuntimeError,
        "zero-dimensional tensor (at position {index}) cannot be concatenated",
        "torch.cat joins along an existing dimension, and a 0-d tensor (one number) has none. Use "
        "torch.stack to make a new dimension, or give it one first: `t.unsqueeze(0)` / `t.reshape(1)`."),
    "cat_ndim": (
        RuntimeError,
        "Tensors must have same number of dimensions: got {a} and {b}",
        "torch.cat joins along an existing dimension, so all tensors need the same number of "
        "dimensions. Add one with unsqueeze(), or use torch.stack to join along a new one."),
    "cat_sizes": (
        RuntimeError,
        "Sizes of tensors must match except in dimension {dim}. Expected size {a} but got size {b} "
        "for tensor number {index} in the list.",
        "Only the sizes along dim={dim} may differ. Tensor 0 has size {a} in dimension {axis} and "
        "tensor {index} has {b}: did you mean another dim (or to transpose one)?"),
    "stack_sizes": (
        RuntimeError,
        "stack expects each tensor to be equal size, but got {first} at entry 0 and {other} at "
        "entry {index}",
        "torch.stack puts tensors side by side along a new dimension, so all must have the same "
        "shape. To join along an existing dimension, use torch.cat."),

    "split_size_zero": (
        RuntimeError,
        "split_size can only be 0 if dimension size is 0, but got dimension size of {length}",
        "split(n) cuts pieces of n elements each; n = 0 would never finish. Use a size of at "
        "least 1, or chunk(k) to ask for k pieces."),
    "split_size_negative": (
        RuntimeError,
        "split expects split_size be non-negative, but got split_size={size}",
        "split(n) cuts pieces of n elements each: n is a count, at least 1."),
    "split_sizes_sum": (
        RuntimeError,
        "split_with_sizes expects split_sizes to sum exactly to {length} (input tensor's size at "
        "dimension {dim}), but got split_sizes={sizes}",
        "split([a, b, ...]) cuts pieces of exactly those sizes, so they must add up to the "
        "length of that dimension ({length})."),
    "split_sizes_negative": (
        RuntimeError,
        "split_with_sizes expects split_sizes have only non-negative entries, but got "
        "split_sizes={sizes}",
        "Each size in split([a, b, ...]) is how many elements go into that piece: 0 or more."),
    "chunk_count": (
        RuntimeError,
        "chunk expects `chunks` to be greater than 0, got: {chunks}",
        "chunk(k) cuts the tensor into k pieces: k must be at least 1."),
    "integer_floor_divide_zero": (
        RuntimeError,
        "ZeroDivisionError",
        "An integer floor division by 0 is undefined (floats give ±inf or nan instead). Make sure "
        "the divisor has no zeros, or convert to float: `{plain}.float() // d`."),
    "integer_modulo_zero": (
        RuntimeError,
        "ZeroDivisionError",
        "An integer remainder by 0 is undefined (floats give nan instead). Make sure the divisor "
        "has no zeros, or convert to float: `{plain}.float() % d`."),

    # == Indexing: x[i], slices, masks and index tensors.
    "index_out_of_bounds": (
        IndexError,
        "index {index} is out of bounds for dimension {dim} with size {size}",
        "{name} has shape {shape}: dimension {dim} has {size} elements, so valid indices are 0 to "
        "{last} (or -{size} to -1). Indices start at 0."),
    "advanced_index": (
        IndexError,
        "{message}",
        "Indexing with a tensor or list: each index must be within the size of its dimension, and a "
        "boolean mask must have the shape of the dimensions it selects. {name} has shape {shape}."),
    "index_type": (
        IndexError,
        "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
        "indices (got {type})",
        "An index picks whole positions, so it must be an int (or a slice, `...`, None, or an "
        "integer/bool tensor); this one is a {type}. If it was computed (n / 2), use int(...) or //."),
    "index_tensor_type": (
        IndexError,
        "tensors used as indices must be long, int, byte or bool tensors",
        "A tensor used as an index holds positions (integers) or a mask (bools); this one holds "
        "floats. Convert it: `idx.long()`, or compare for a mask: `x > 0`."),
    "too_many_indices": (
        IndexError,
        "too many indices for tensor of dimension {ndim}",
        "The tensor has {ndim} dimension(s), and the index names {used}. Use one index per "
        "dimension at most (`...` fills the rest)."),
    "slice_0d": (
        IndexError,
        "slice() cannot be applied to a 0-dim tensor.",
        "{name} is 0-d (one number, shape ()), so there is nothing to slice. Use `{plain}.item()` "
        "for its value."),
    "slice_step_zero": (
        ValueError,
        "slice step cannot be zero",
        "A slice's step says how far to move each time; 0 would never move. Use 1 (or leave it "
        "out: `{plain}[a:b]`)."),
    "index_0d": (
        IndexError,
        "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
        "C++ to convert a 0-dim tensor to a number",
        "{name} is 0-d (one number, shape ()), so it has no positions to index. Use "
        "`{plain}.item()` for its value."),
    "mask_shape": (
        IndexError,
        "The shape of the mask {mask} at index {mi} does not match the shape of the indexed "
        "tensor {indexed} at index {ti}",
        "A boolean mask picks elements where it is True, so it needs the indexed dims' sizes: "
        "`{plain}[{plain} > 0]` builds one that fits."),
    "index_put_shape": (
        RuntimeError,
        "shape mismatch: value tensor of shape {value} cannot be broadcast to indexing result of "
        "shape {result}",
        "The index picks {result} elements' worth of positions and the value has shape {value}; "
        "give one value per picked position, or a single number."),
    "assign_type": (
        TypeError,
        "can't assign a {type} to a torch.{legacy}Tensor",
        "Writing into {name} takes a number or a tensor; this value is a {type}. Convert it first "
        "(float(...), torch.tensor(...))."),
    "slice_step": (
        ValueError,
        "step must be greater than zero",
        "PyTorch slices don't take negative steps (x[::-1] works for lists and NumPy, not here). "
        "To reverse, use `{plain}.flip(dim)` (a copy, as in PyTorch)."),

    # == In-place operations: +=, add_, x[i] = ..., and what autograd needs them not to touch.
    "leaf_inplace": (
        RuntimeError,
        "a leaf Variable that requires grad is being used in an in-place operation.",
        "{name} is a leaf that requires grad: changing it in place while recording would make its "
        "gradient wrong. Update parameters inside `with torch.no_grad():` (e.g. "
        "`{plain} -= lr * {plain}.grad`), or use an out-of-place op (`{plain} = {plain} + 1`)."),
    "view_rebase_no_grad": (
        RuntimeError,
        "{prefix} no_grad mode and {what} modified inplace with grad mode enabled. "
        "Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify "
        "your code by moving both the view and the inplace either both inside the no_grad block "
        "(if you don't want the inplace to be tracked) or both outside (if you want the inplace "
        "to be tracked).",
        "{name} was made (by indexing, view(), t(), ...) inside `with torch.no_grad():`, so it has "
        "no history, yet it shares memory with a tensor that requires grad; after an in-place "
        "change autograd can't tell what you meant. Make the view and the change both inside the "
        "block or both outside it."),
    "view_rebase_inference": (
        RuntimeError,
        "{prefix} inference mode and {what} modified inplace in normal mode. Given "
        "that this use case is ambiguous and error-prone, it is forbidden. You can clarify your "
        "code by moving both the view and the inplace either both inside the inference_mode block "
        "(if you don't want the inplace to be tracked) or both outside (if you want the inplace "
        "to be tracked).",
        "{name} was made inside `with torch.inference_mode():`, yet it shares memory with a tensor "
        "that requires grad. Make the view and the change both inside the block or both outside."),
    "leaf_view_inplace": (
        RuntimeError,
        "a view of a leaf Variable that requires grad is being used in an in-place operation.",
        "{name} is a leaf that requires grad: assigning into it while recording would make its "
        "gradient wrong. Do the assignment inside `with torch.no_grad():`, or build a new tensor."),
    "saved_detached_inplace": (
        RuntimeError,
        "Trying to use a saved tensor that has been detached in-place, i.e. with .detach_()."
        "This is not supported, please use out-of-place `.detach()` instead",
        "A tensor saved for backward (it had a grad_fn then) was detached in place afterwards, so "
        "the graph can no longer reach what it came from. Use `y = y.detach()`, which leaves the "
        "saved tensor alone."),
    "modified_inplace": (
        RuntimeError,
        "one of the variables needed for gradient computation has been modified by an inplace "
        "operation: {what} is at version {version}; expected version {expected} instead. Hint: "
        "enable anomaly detection to find the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False).",
        "{node} saved a tensor of shape {shape} for backward, and it was changed in place "
        "afterwards ({changes} in-place change(s): +=, add_, x[i] = ..., ...). Use out-of-place "
        "ops (`y = y + 1`) or change a .clone() instead."),
    "inference_inplace": (
        RuntimeError,
        "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a "
        "clone to get a normal tensor before doing inplace update.See "
        "https://github.com/pytorch/rfcs/pull/17 for more details.",
        "{name} was created under torch.inference_mode(); outside that block it is read-only. "
        "Update a copy: `{plain} = {plain}.clone()`."),
    "inplace_cast": (
        RuntimeError,
        "result type {result} can't be cast to the desired output type {target}",
        "An in-place op keeps {name}'s dtype ({dtype}), and the result would be {result}, which "
        "doesn't fit (e.g. `ints += 0.5`). Write `{plain} = {plain} + ...` for a new tensor, or "
        "convert first: `{plain} = {plain}.float()`."),
    "inplace_shape": (
        RuntimeError,
        "output with shape {out} doesn't match the broadcast shape {broadcast}",
        "An in-place op writes into {name}, so the result must keep its shape {shape}; with the "
        "other operand it would be {broadcast}. Use the out-of-place form: `{plain} = {plain} + other`."),
    "detach_view_inplace": (
        RuntimeError,
        "Can't detach views in-place. Use detach() instead. If you are using "
        "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as True, "
        "gradients are views of DDP buckets, and hence detach_() cannot be called on these "
        "gradients. To fix this error, please refer to the Optimizer.zero_grad() function in "
        "torch/optim/optimizer.py as the solution.",
        "{name} is a view of another tensor (indexing, view(), t(), ...), and a view shares its "
        "base's history, so it can't drop its own in place. Use `{plain} = {plain}.detach()`."),
    "partial_overlap": (
        RuntimeError,
        "unsupported operation: some elements of the input tensor and the written-to tensor refer "
        "to a single memory location. Please clone() the tensor before performing the operation.",
        "The tensor being written and the other operand share part of their memory (one is a view "
        "of the other), so the write would change the input while it is read. Pass a `.clone()` "
        "of the input instead."),
    "overlapping_write": (
        RuntimeError,
        "unsupported operation: more than one element of the written-to tensor refers to a "
        "single memory location. Please clone() the tensor before performing the operation.",
        "The tensor being written is a view (from expand(), for example) in which several elements "
        "share one memory location, so writing one would change the others. Write into a "
        "`.clone()` instead."),
    "derivative_not_implemented": (
        RuntimeError,
        "derivative for aten::{name} is not implemented",
        "PyTorch records {name} but defines no gradient for it (floor division is a step "
        "function; a remainder of a number by a tensor has no formula written), so backward() "
        "through its node raises. Call .detach() on its result where no gradient should flow."),
    "inplace_derivative": (
        NotImplementedError,
        "the derivative for 'inplace version of {name}' is not implemented.",
        "PyTorch records the in-place {name}_() but has no backward formula for it (its result "
        "overwrote the input the formula needs). Use the out-of-place `torch.{name}(x)` where a "
        "gradient must flow."),

    # == Dtypes: float vs int vs bool, NumPy dtypes, and ops a dtype doesn't support.
    "numpy_dtype": (
        TypeError,
        "can't convert np.ndarray of type numpy.{np_name}. The only supported types are: "
        "float64, float32, int64, int32, and bool.",
        "gradlab supports float32, float64, int32, int64 and bool (PyTorch lists more types). "
        "Convert the array first, e.g. `array.astype(np.float32)`."),
    "not_a_dtype": (
        TypeError,
        "expected a gradlab dtype such as torch.float32, got {value}",
        "gradlab's own message. Pass one of torch.float32, torch.float64, torch.int32, torch.int64, "
        "torch.bool (or a NumPy dtype of those)."),
    "unsupported_operand": (
        TypeError,
        "unsupported operand type: {type}",
        "gradlab's own message. Tensors combine with tensors, Python numbers and bools; this "
        "operand is a {type}. Convert it with torch.tensor(...)."),
    "where_condition": (
        RuntimeError,
        "where expected condition to be a boolean tensor, but got a tensor with dtype {legacy}",
        "torch.where(cond, a, b) takes a from where cond is True and b elsewhere, so cond must be "
        "a bool tensor, such as `x > 0`. Convert with `cond.bool()` or compare: `cond != 0`."),
    "floor_divide_bool": (
        NotImplementedError,
        "\"div_floor_cpu\" not implemented for 'Bool'",
        "Floor division isn't defined for two bool tensors. Convert first: `{plain}.int()`."),
    "pow_bool": (
        NotImplementedError,
        "\"pow\" not implemented for 'Bool'",
        "Powers aren't defined for bool tensors. Convert first: `{plain}.int()` or `{plain}.float()`."),
    "pow_args": (
        TypeError,
        "pow() received an invalid combination of arguments - got ({type}), but expected one of:\n"
        " * (Tensor exponent)\n      didn't match because some of the arguments have invalid "
        "types: (!{type}!)\n * (Number exponent)\n      didn't match because some of the "
        "arguments have invalid types: (!{type}!)\n",
        "pow() takes a number or a tensor as the exponent; this one is a {type}."),
    "int_negative_power": (
        RuntimeError,
        "Integers to negative integer powers are not allowed.",
        "{name} holds integers ({dtype}), and x ** {exponent} is a fraction. Use floats: "
        "`{plain}.float() ** {exponent}`."),
    "neg_bool": (
        RuntimeError,
        "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
        "invert a mask, use the `~` or `logical_not()` operator instead.",
        "{name} is a bool tensor. To flip True/False write `~{plain}`; to negate numbers convert "
        "first: `-{plain}.int()`."),
    "sub_bool_both": (
        RuntimeError,
        "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
        "`logical_xor()` operator instead.",
        "Both operands are bool tensors. For 'one or the other but not both' use `a ^ b`; to "
        "subtract counts convert first: `a.int() - b.int()`."),
    "sub_bool_one": (
        RuntimeError,
        "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
        "invert a mask, use the `~` or `logical_not()` operator instead.",
        "One operand is a bool (tensor or Python bool). To invert a mask use `~mask`; to do "
        "arithmetic convert it first: `mask.int()` or `mask.float()`."),
    "abs_bool": (
        NotImplementedError,
        "\"abs_cpu\" not implemented for 'Bool'",
        "abs() of a bool tensor means nothing. If you need numbers, convert first: `{plain}.int()`."),
    "kernel_dtype": (
        NotImplementedError,
        "\"{kernel}\" not implemented for '{legacy}'",
        "{fn}() works on floating-point numbers and {name} holds {dtype}s. Convert first: "
        "`{plain}.float()`."),
    "relu_bool": (
        RuntimeError,
        "Boolean inputs not supported for relu",
        "relu() works on numbers and {name} is a bool tensor. Convert first: `{plain}.float()`."),
    "clamp_no_bounds": (
        RuntimeError,
        "torch.clamp: At least one of 'min' or 'max' must not be None",
        "clamp() limits values to [min, max]; give at least one: `{plain}.clamp(min=0)`."),
    "clamp_tensor_bounds": (
        TypeError,
        "gradlab's clamp takes Python numbers for min and max",
        "gradlab's own message: PyTorch also accepts tensors for min/max, gradlab doesn't. Pass "
        "numbers (`bound.item()` for a one-element tensor), or use torch.where(x < lo, lo, x)."),

    # == Matrix products: @, matmul, mm, mv, dot, bmm.
    "mm_shapes": (
        RuntimeError,
        "mat1 and mat2 shapes cannot be multiplied ({m}x{k1} and {k2}x{n})",
        "For A @ B the inner sizes must agree: A has {k1} columns but B has {k2} rows. Did you "
        "mean to transpose one of them (`.T`)?"),
    "matmul_0d": (
        RuntimeError,
        "both arguments to matmul need to be at least 1D, but they are {a}D and {b}D",
        "A 0-d tensor is a single number: multiply by it with `*`, not `@`."),
    "mm_not_matrix": (
        RuntimeError,
        "{which} must be a matrix",
        "mm() multiplies two 2-D matrices, and {name} has shape {shape}. Use `@` (torch.matmul), "
        "which also handles vectors and batches."),
    "same_dtype": (
        RuntimeError,
        "expected {what} to have the same dtype, but got: {a} != {b}",
        "Matrix products don't mix dtypes. Convert one side, e.g. `b.to(a.dtype)` (most often: "
        "make both float32)."),
    "mv_dims": (
        RuntimeError,
        "vector + matrix @ vector expected, got {a}, {a}, {b}",
        "mv() multiplies a 2-D matrix by a 1-D vector; here they are {a}-D and {b}-D. For other "
        "shapes use `@` (torch.matmul)."),
    "addmv_dtype": (
        RuntimeError,
        "addmv input tensors must have the same dtype, but got {a}, {b}, and {a}",
        "Matrix products don't mix dtypes. Convert one side, e.g. `vec.to(mat.dtype)` (most often: "
        "make both float32)."),
    "scalar_type": (
        RuntimeError,
        "expected scalar type {a} but found {b}",
        "Matrix products don't mix dtypes. Convert one side, e.g. `b.to(a.dtype)` (most often: "
        "make both float32)."),
    "mv_size": (
        RuntimeError,
        "size mismatch, got input ({m}), mat ({m}x{k}), vec ({n})",
        "The matrix has {k} columns, so the vector needs {k} elements; it has {n}."),
    "dot_dims": (
        RuntimeError,
        "1D tensors expected, but got {a}D and {b}D tensors",
        "dot() takes two 1-D vectors. For matrices use `@` (torch.matmul); to multiply elementwise "
        "use `*`."),
    "dot_bool": (
        NotImplementedError,
        "\"dot\" not implemented for 'Bool'",
        "dot() of bool vectors isn't defined. Convert first: `a.int().dot(b.int())`, or count "
        "matches with `(a & b).sum()`."),
    "dot_dtype": (
        RuntimeError,
        "dot : expected both vectors to have same dtype, but found {a} and {b}",
        "dot() doesn't mix dtypes. Convert one side, e.g. `b.to(a.dtype)`."),
    "dot_size": (
        RuntimeError,
        "inconsistent tensor size, expected tensor [{a}] and src [{b}] to have the same number of "
        "elements, but got {a} and {b} elements respectively",
        "dot() pairs up elements, so both vectors need the same length; they have {a} and {b}."),
    "bmm_sizes": (
        RuntimeError,
        "Expected size for first two dimensions of batch2 tensor to be: [{batch}, {k}] but got: "
        "[{got_batch}, {got}].",
        "In a batched A @ B each matrix of A has {k} columns, so each matrix of B needs {k} rows; "
        "they have {got}."),
    "bmm_not_3d": (
        RuntimeError,
        "{which} must be a 3D tensor",
        "bmm() multiplies batches of matrices: both operands are 3-D (batch, rows, columns), and "
        "{name} is {ndim}-D. Use `@` (torch.matmul) for other shapes."),
    # == Reductions: sum, mean, max, min, argmax and friends.
    "mean_int": (
        RuntimeError,
        "mean(): could not infer output dtype. Input dtype must be either a floating point or "
        "complex dtype. Got: {legacy}",
        "The mean of integers is not an integer. Convert first: `{plain}.float().mean()`."),
    "var_int": (
        RuntimeError,
        "std and var only support floating point and complex dtypes",
        "A variance is a float even for whole numbers. Convert first: `{plain}.float().var()`."),
    "reduce_empty": (
        RuntimeError,
        "{op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
        "reduction dim with the 'dim' argument.",
        "{name} is empty (shape {shape}), so it has no {op}imum. Check how it became empty, or "
        "reduce along a dimension with dim=."),
    "arg_reduce_empty": (
        IndexError,
        "{op}(): Expected reduction dim to be specified for input.numel() == 0.",
        "{name} is empty (shape {shape}), so there is no element to point at. Check how it became "
        "empty."),
    "dim_repeated": (
        RuntimeError,
        "dim {dim} appears multiple times in the list of dims",
        "Each dim may be reduced once; the list names dim {dim} twice (a negative dim counts from "
        "the end, so -1 and {dim} can be the same dim). Drop the repeat."),
    "outer_1d": (
        RuntimeError,
        "outer: Expected 1-D argument {arg}, but got {ndim}-D",
        "outer() takes two vectors; for matrices use `@`, for a batch, broadcasting: "
        "`a[:, :, None] * b[:, None, :]`."),
    "masked_fill_mask_dtype": (
        RuntimeError,
        "masked_fill_ only supports boolean masks, but got mask with dtype {mask}",
        "The mask says where to fill: it must be a bool tensor, such as `{plain} > 0`. "
        "Turn numbers into one with `mask.bool()` (nonzero: True)."),
    "narrow_length": (
        RuntimeError,
        "narrow(): length must be non-negative.",
        "narrow(dim, start, length) keeps `length` elements from `start`: it can't be negative."),
    "narrow_start": (
        IndexError,
        "start out of range (expected to be in range of [{low}, {high}], but got {start})",
        "{name} has {size} elements along dim {dim}; start must be from {low} to {high} "
        "(negative counts from the end)."),
    "narrow_end": (
        RuntimeError,
        "start ({start}) + length ({length}) exceeds dimension size ({size}).",
        "{name} has {size} elements along dim {dim}: from {start}, at most {room} fit."),
    "permute_ndim": (
        RuntimeError,
        "permute(sparse_coo): number of dimensions in the tensor input does not match the length "
        "of the desired ordering of dimensions i.e. input.dim() = {ndim} is not equal to len(dims) = {n}",
        "permute() names every dim of {name} once, in its new order: {ndim} dims here, and {n} "
        "were given. To swap just two, use transpose(d0, d1)."),
    "permute_repeated": (
        RuntimeError,
        "permute(): duplicate dims are not allowed.",
        "permute() names every dim once, in its new order (a negative dim counts from the end, so "
        "-1 may be the same as the last one). Drop the repeat."),
    "reduce_empty_dim": (
        IndexError,
        "{op}(): Expected reduction dim {dim} to have non-zero size.",
        "{name} has shape {shape}: dimension {dim} is empty, so there is nothing to take the "
        "{op} of. Reduce along another dimension, or check how it became empty."),

    "svd_double_backward": (
        NotImplementedError,
        "gradlab has no second derivative through linalg.svd (LinalgSvdBackward0)",
        "gradlab's own message: the first derivative of singular values (and of the matrix "
        "2-norm and nuclear norm) is U·diag(g)·Vᵀ, but its derivative needs how U and V change "
        "with A, which gradlab does not implement (PyTorch does). Use create_graph=False, or the "
        "Frobenius norm."),
    "norm_int": (
        RuntimeError,
        "linalg.vector_norm: Expected a floating point or complex tensor as input. Got {legacy}",
        "A norm is a real number computed with square roots, so {name} must hold floats. Convert "
        "first: `{plain}.float().norm()`."),
    "vector_norm_ord": (
        TypeError,
        "linalg_vector_norm(): argument 'ord' (position 2) must be Number, not {type}",
        "vector_norm's ord is a number (2, 1, float('inf'), ...). 'fro' and 'nuc' are matrix "
        "norms: torch.linalg.norm(A, 'fro') or torch.linalg.matrix_norm."),
    "matrix_norm_args": (
        TypeError,
        "linalg_matrix_norm() received an invalid combination of arguments - got ({got}), but "
        "expected one of:\n * (Tensor input, Number ord, tuple of ints dim = {{-2,-1}}, bool "
        "keepdim = False, *, torch.dtype dtype = None, Tensor out = None)\n * (Tensor input, str "
        "ord = \"fro\", tuple of ints dim = {{-2,-1}}, bool keepdim = False, *, torch.dtype dtype "
        "= None, Tensor out = None)\n",
        "A matrix norm's ord is a number (2, -2, 1, -1, inf, -inf) or 'fro'/'nuc'; leave it out for "
        "the Frobenius norm (ord=None is linalg.norm's spelling, not matrix_norm's)."),
    "matrix_norm_order": (
        RuntimeError,
        "linalg.matrix_norm: Order {ord} not supported.",
        "A matrix norm's ord is one of 'fro' (√Σa², the default), 'nuc' (the sum of the singular "
        "values), 2 and -2 (the largest and smallest singular value), 1 and -1 (the largest and "
        "smallest column sum of |a|), inf and -inf (the same for rows). For another p, "
        "torch.linalg.vector_norm(A, p, dim=(-2, -1)) treats the matrix as one vector."),
    "matrix_norm_ndim": (
        RuntimeError,
        "{fn}: The input tensor A must have at least 2 dimensions.",
        "{name} has shape {shape}; a matrix norm (or a singular value) needs rows and columns. "
        "For a vector use torch.linalg.vector_norm, or make a 1-row matrix: `{plain}.unsqueeze(0)`."),
    "matrix_float": (
        RuntimeError,
        "{fn}: Expected a floating point or complex tensor as input. Got {legacy}",
        "Matrix norms and singular values are computed in floating point, so {name} must hold "
        "floats. Convert first: `{plain}.float()`."),
    "matrix_norm_dim": (
        RuntimeError,
        "linalg.matrix_norm: dim must be a 2-tuple. Got {dims}",
        "A matrix norm reduces two dims, the rows and the columns: pass dim=(row_dim, col_dim). "
        "Without dim it uses the last two, (-2, -1)."),
    "matrix_norm_same_dims": (
        RuntimeError,
        "linalg.matrix_norm: dims must be different. Got ({a}, {b})",
        "The two dims of a matrix norm are its rows and its columns, so they must differ (a "
        "negative dim counts from the end: -1 of a 2-d tensor is 1)."),
    "norm_dim_length": (
        RuntimeError,
        "linalg.norm: If dim is specified, it must be of length 1 or 2. Got {dims}",
        "torch.linalg.norm takes one dim (a vector norm) or two (a matrix norm). For a vector "
        "norm over more dims use torch.linalg.vector_norm(x, ord, dim=...)."),
    "norm_ndim": (
        RuntimeError,
        "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got {ndim}D.",
        "With an ord and no dim, linalg.norm must decide between a vector norm (1-d) and a matrix "
        "norm (2-d), and {name} has {ndim} dims. Pass dim=... (one dim or two), or use "
        "torch.linalg.vector_norm."),
    "norm_dtype_narrowing": (
        RuntimeError,
        "{fn}: the dtype of the input ({src}) should be convertible without narrowing to the "
        "specified dtype ({dst})",
        "dtype= asks for the norm to be computed in that dtype, and it may only widen: "
        "float32 to float64, not the other way. Convert the input first (`{plain}.float()`) if "
        "you want the narrower one."),

    # == torch.nn: modules, parameters, layers, losses and initialization.
    "module_init_kwargs": (
        TypeError,
        "{cls}.__init__() got an unexpected keyword argument '{arg}'",
        "nn.Module.__init__() takes no arguments: call `super().__init__()` with none, and keep "
        "your own arguments for your __init__."),
    "module_init_args": (
        TypeError,
        "{cls}.__init__() takes 1 positional argument but {n} were given",
        "nn.Module.__init__() takes no arguments: call `super().__init__()` with none, and keep "
        "your own arguments for your __init__."),
    "module_no_forward": (
        NotImplementedError,
        "Module [{cls}] is missing the required \"forward\" function",
        "Calling a module runs its forward(). {cls} has none: define `def forward(self, x):` as a "
        "method of the class (check its spelling and indentation)."),
    "module_before_init": (
        AttributeError,
        "cannot assign {what} before Module.__init__() call",
        "Call `super().__init__()` first in your module's __init__, before assigning layers or "
        "parameters to self."),
    "module_name_type": (
        TypeError,
        "{what} name should be a string. Got {type}",
        "Names of parameters, buffers and submodules are strings, like 'weight'."),
    "module_name_dot": (
        KeyError,
        "{what} name can't contain \".\"",
        "Dots separate nested names ('layer.weight'), so a single name can't contain one. Use an "
        "underscore."),
    "module_name_dot_got": (
        KeyError,
        "module name can't contain \".\", got: {attr}",
        "Dots separate nested names ('block.fc'), so a single name can't contain one. Use an "
        "underscore, or nest modules."),
    "module_name_empty": (
        KeyError,
        "{what} name can't be empty string \"\"",
        "Give the {what} a name, like 'weight'."),
    "module_attribute_exists": (
        KeyError,
        "attribute '{attr}' already exists",
        "The module already has a plain attribute named '{attr}'. Pick another name, or delete "
        "the attribute first."),
    "parameter_type": (
        TypeError,
        "cannot assign '{type}' object to parameter '{attr}' (torch.nn.Parameter or None required)",
        "register_parameter() takes an nn.Parameter: wrap the tensor, `nn.Parameter(t)`."),
    "parameter_nonleaf": (
        ValueError,
        "Cannot assign non-leaf Tensor to parameter '{attr}'. Model parameters must be created "
        "explicitly. To express '{attr}' as a function of another Tensor, compute the value in the "
        "forward() method.",
        "A parameter is a leaf the optimizer updates. Create it from plain values "
        "(`nn.Parameter(torch.randn(3))`) and compute anything derived from it in forward()."),
    "buffer_type": (
        TypeError,
        "cannot assign '{type}' object to buffer '{attr}' (torch Tensor or None required)",
        "A buffer holds a tensor (or None): convert the value with torch.tensor(...)."),
    "not_a_module": (
        TypeError,
        "{type} is not a Module subclass",
        "add_module() takes an nn.Module (a layer like nn.Linear(2, 3), or your own subclass)."),
    "assign_parameter_type": (
        TypeError,
        "cannot assign '{type}' as parameter '{attr}' (torch.nn.Parameter or None expected)",
        "'{attr}' is a parameter, so it can only be replaced by an nn.Parameter (or None). To "
        "change its values in place: `with torch.no_grad(): model.{attr}.copy_(t)`."),
    "assign_module_type": (
        TypeError,
        "cannot assign '{type}' as child module '{attr}' (torch.nn.Module or None expected)",
        "'{attr}' is a submodule, so it can only be replaced by another nn.Module (or None). Use "
        "another name for other values."),
    "assign_buffer_type": (
        TypeError,
        "cannot assign '{type}' as buffer '{attr}' (torch.nn.Buffer, torch.Tensor or None expected)",
        "'{attr}' is a buffer, so it can only hold a tensor (or None): use torch.tensor(value)."),
    "module_no_attribute": (
        AttributeError,
        "'{cls}' object has no attribute '{attr}'",
        "{cls} has no parameter, buffer, submodule or attribute '{attr}'. Check the spelling, "
        "and that __init__ sets `self.{attr} = ...` (print the model to see its submodules)."),
    "submodule_missing": (
        AttributeError,
        "{cls} has no attribute `{item}`",
        "get_submodule() follows dotted names like 'encoder.fc'; '{item}' is not among them. "
        "`dict(model.named_modules())` lists the valid names."),
    "submodule_not_module": (
        AttributeError,
        "`{item}` is not an nn.Module",
        "get_submodule() returns modules; '{item}' is a parameter, buffer or plain attribute. "
        "Use get_parameter()/getattr for those."),
    "train_mode_type": (
        ValueError,
        "training mode is expected to be boolean",
        "train() takes True or False (`model.train()` / `model.eval()`)."),
    "state_dict_type": (
        TypeError,
        "Expected state_dict to be dict-like, got {type}.",
        "load_state_dict() takes what state_dict() returned (a dict of names to tensors), e.g. "
        "`model.load_state_dict(torch.load(path))`."),
    "load_state_dict_assign": (
        NotImplementedError,
        "gradlab's load_state_dict copies values: assign=True is not supported",
        "gradlab's own message: gradlab always copies the values into the existing parameters. "
        "Leave assign at its default (False)."),
    "load_state_dict_mismatch": (
        RuntimeError,
        "Error(s) in loading state_dict for {cls}:\n\t{errors}",
        "The saved keys and shapes must match `model.state_dict()` exactly: was it saved from a "
        "differently built model? strict=False skips missing and unexpected keys (not size "
        "mismatches)."),
    "module_list_extend": (
        TypeError,
        "ModuleList.extend should be called with an iterable, but got {type}",
        "extend (and +=) takes a list of modules: `layers.extend([nn.Linear(2, 2)])`, or use append for one."),
    "embedding_index_type": (
        RuntimeError,
        "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; "
        "but got {legacy} instead (while checking arguments for embedding)",
        "An embedding looks rows up by number: `{plain}` must hold integers (`{plain}.long()`)."),
    "embedding_index_range": (
        IndexError,
        "index out of range in self",
        "`{plain}` holds {bad}, but the embedding has only {rows} rows (0 to {last})."),
    "gelu_approximate": (
        RuntimeError,
        "approximate argument must be either none or tanh.",
        "GELU has two forms: the exact one, `approximate='none'` (the default), and `approximate='tanh'`."),
    "layer_norm_shape": (
        RuntimeError,
        "Given normalized_shape={shape}, expected input with shape [*, {tail}], but got input of size{size}",
        "LayerNorm normalises over the last dimensions, which must be {shape}; `{plain}`'s shape is {size}."),
    "tril_dims": (
        RuntimeError,
        "{name}: input tensor must have at least 2 dimensions",
        "{name} keeps a triangle of a matrix; `{plain}` has {ndim} dimension(s)."),
    "module_list_index": (
        IndexError,
        "index {index} is out of range",
        "The container has {size} module(s), so valid indices are 0 to {last} (or -{size} to -1)."),
    "parameter_data_type": (
        AttributeError,
        "'{type}' object has no attribute 'detach'",
        "nn.Parameter wraps a tensor: `nn.Parameter(torch.tensor(...))` or "
        "`nn.Parameter(torch.randn(3, 2))`."),
    "parameter_int": (
        RuntimeError,
        "Only Tensors of floating point and complex dtype can require gradients",
        "nn.Parameter requires grad by default, and {name} holds {dtype}s. Convert it "
        "(`nn.Parameter({plain}.float())`) or pass requires_grad=False."),
    "linear_0d": (
        RuntimeError,
        "both arguments to linear need to be at least 1D, but they are {a}D and {b}D",
        "A linear layer maps vectors: give it an input with a feature dimension, shape "
        "(in_features,) or (N, in_features)."),
    "linear_dtype": (
        RuntimeError,
        "mat1 and mat2 must have the same dtype, but got {a} and {b}",
        "The input and the layer's weight have different dtypes. Layers are float32: convert the "
        "input with `x.float()` (or the model with `model.double()`)."),
    "linear_bias_dtype": (
        RuntimeError,
        "self and mat2 must have the same dtype, but got {a} and {b}",
        "The bias and the weight have different dtypes; make them match (both float32)."),
    "linear_shapes": (
        RuntimeError,
        "mat1 and mat2 shapes cannot be multiplied ({m}x{k1} and {k2}x{n})",
        "The layer expects {k2} input features (nn.Linear(in_features={k2}, ...)), and the input "
        "has {k1} in its last dimension. Change in_features, or check the input's shape."),
    "softmax_int": (
        NotImplementedError,
        "\"{op}_{last}kernel_impl\" not implemented for '{legacy}'",
        "{op} works with real numbers, and {name} holds {dtype}s. Convert first: `{plain}.float()`."),
    "reduction_invalid": (
        ValueError,
        "{reduction} is not a valid value for reduction",
        "reduction= must be 'mean' (the default), 'sum' or 'none'."),
    "weighted_mse_reduction": (
        ValueError,
        "Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.",
        "reduction= must be 'mean' (the default), 'sum' or 'none'."),
    "weighted_mse_size": (
        ValueError,
        "Weights and input must have the same size.",
        "weight= scales each element's squared error, so it needs the input's shape {shape}; it "
        "has shape {weight_shape}."),
    "loss_input_0d": (
        ValueError,
        "Expected 1 or more dimensions (got {ndim})",
        "The input holds one score per class: shape (C,) for one sample, (N, C) for a batch. A 0-d "
        "tensor has no classes."),
    "loss_batch_size": (
        ValueError,
        "Expected input batch_size ({n}) to match target batch_size ({m}).",
        "The input has {n} rows (one per sample) and the target has {m} class indices; input "
        "shape (N, C) needs target shape (N,)."),
    "loss_1d_target": (
        ValueError,
        "For 1D input, 1D target must have size 1, but got target size: {size}",
        "A 1-D input is one sample's class scores, so the target is one class index. For a batch, "
        "give the input shape (N, C)."),
    "loss_input_ndim": (
        NotImplementedError,
        "gradlab's nll_loss and cross_entropy take input of shape (C,) or (N, C)",
        "gradlab's own message: PyTorch also takes (N, C, d1, ...). Move the class dimension last "
        "and flatten the rest: `input.permute(0, 2, 1).reshape(-1, C)`, `target.reshape(-1)`."),
    "loss_multi_target": (
        RuntimeError,
        "0D or 1D target tensor expected, multi-target not supported",
        "The target holds one class index per sample, shape (N,), and it has shape {shape}. If it "
        "is one-hot, use `{plain}.argmax(dim=1)`."),
    "loss_target_dtype": (
        RuntimeError,
        "expected target dtype to be Long or Byte, but got {legacy}",
        "Targets are class indices, whole numbers: convert with `{plain} = {plain}.long()`."),
    "loss_weight_size": (
        RuntimeError,
        "weight tensor should be defined either for all {classes} classes or no classes but got "
        "weight tensor of shape: {weight_shape}",
        "weight= gives one weight per class, so it needs {classes} elements."),
    "loss_target_bounds": (
        IndexError,
        "Target {value} is out of bounds.",
        "Class indices run from 0 to {last} (the input has {classes} classes). Are the labels "
        "1-based, or does the model need more outputs?"),
    "loss_probability_dtype": (
        RuntimeError,
        "Expected floating point type for target with class probabilities, got {legacy}",
        "A target with the input's shape is read as class probabilities, which are floats. For "
        "class indices, the target has shape (N,): `{plain}.argmax(dim=1)` if it is one-hot."),
    "loss_probabilities": (
        NotImplementedError,
        "gradlab's cross_entropy takes class-index targets, not class probabilities",
        "gradlab's own message: PyTorch also takes class probabilities. Pass class indices, shape "
        "(N,), e.g. `target.argmax(dim=1)`."),
    "loss_label_smoothing": (
        NotImplementedError,
        "gradlab's cross_entropy does not support label_smoothing",
        "gradlab's own message: leave label_smoothing at 0."),
    "init_negative_slope": (
        ValueError,
        "negative_slope {param} not a valid number",
        "For 'leaky_relu', the parameter is the negative slope: a number such as 0.01."),
    "init_nonlinearity": (
        ValueError,
        "Unsupported nonlinearity {nonlinearity}",
        "Use one of 'linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu' (or a conv name)."),
    "init_fan": (
        ValueError,
        "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions",
        "This initializer scales by the number of inputs and outputs, which only a weight matrix "
        "(2 or more dimensions) has. For a bias use e.g. nn.init.zeros_ or uniform_."),
    "init_mode": (
        ValueError,
        "Mode {mode} not supported, please use one of ['fan_in', 'fan_out']",
        "mode= is 'fan_in' (the default: keeps forward activations' scale) or 'fan_out' (keeps "
        "gradients' scale)."),

    "softmax_dim": (
        TypeError,
        "{name}() missing 1 required positional arguments: \"dim\"",
        "x.{name}(dim) needs the dimension whose entries become probabilities: dim=-1 (or 1) for "
        "the classes of each row of a batch."),
    "bce_size": (
        ValueError,
        "Using a target size ({target_shape}) that is different to the input size ({input_shape}) is "
        "deprecated. Please ensure they have the same size.",
        "Binary cross-entropy compares each probability with its own 0/1 target, so both need the "
        "same shape; reshape the target (`target.view_as(input)`, or `.unsqueeze(1)` for a column)."),
    "bce_logits_size": (
        ValueError,
        "Target size ({target_shape}) must be the same as input size ({input_shape})",
        "Each logit needs its own 0/1 target: give the target the logits' shape "
        "(`target.view_as(logits)`, or `.unsqueeze(1)` for a column)."),
    "bce_dtype": (
        RuntimeError,
        "Found dtype {got} but expected {expected}",
        "Binary cross-entropy targets are probabilities (floats), in the input's dtype. Convert "
        "the labels: `target.float()`."),
    "bce_range": (
        RuntimeError,
        "all elements of {what} should be between 0 and 1",
        "binary_cross_entropy takes probabilities. For raw scores (logits) use "
        "F.binary_cross_entropy_with_logits (or nn.BCEWithLogitsLoss), which applies the sigmoid itself."),

    # == torch.optim: building optimizers (SGD, Adam), parameter groups and their state.
    "lr_invalid": (
        ValueError,
        "Invalid learning rate: {lr}",
        "The learning rate is a step size, 0 or more (typical: 0.1 for SGD, 0.001 for Adam)."),
    "eps_invalid": (
        ValueError,
        "Invalid epsilon value: {eps}",
        "eps guards a division against zero, so it must be 0 or more (the default 1e-8 is fine)."),
    "beta_invalid": (
        ValueError,
        "Invalid beta parameter at index {index}: {value}",
        "betas are decay rates in [0, 1), like the default (0.9, 0.999)."),
    "weight_decay_invalid": (
        ValueError,
        "Invalid weight_decay value: {weight_decay}",
        "weight_decay must be 0 or more (typical: 0 to 1e-2)."),
    "betas_type": (
        ValueError,
        "betas must be either both floats or both Tensors",
        "Write betas as two floats, e.g. betas=(0.9, 0.999) (not ints like 1)."),
    "adam_unsupported": (
        NotImplementedError,
        "gradlab's Adam supports neither capturable, differentiable nor fused",
        "gradlab's own message: these are GPU and meta-learning options. Leave them at False."),
    "momentum_invalid": (
        ValueError,
        "Invalid momentum value: {momentum}",
        "momentum must be 0 or more (typical: 0.9)."),
    "nesterov_invalid": (
        ValueError,
        "Nesterov momentum requires a momentum and zero dampening",
        "nesterov=True needs momentum > 0 and dampening=0, e.g. SGD(params, lr=0.1, momentum=0.9, "
        "nesterov=True)."),
    "embedding_unsupported": (
        NotImplementedError,
        "gradlab's embedding supports neither max_norm, scale_grad_by_freq nor sparse",
        "gradlab's own message: these options renormalise rows or change the gradient's layout. Leave them at their defaults."),
    "sgd_unsupported": (
        NotImplementedError,
        "gradlab's SGD supports neither differentiable=True nor fused=True",
        "gradlab's own message: these are GPU and meta-learning options. Leave them at False."),
    "optim_params_tensor": (
        TypeError,
        "params argument given to the optimizer should be an iterable of Tensors or dicts, but got "
        "{type}",
        "Pass the parameters as a collection: `optim.SGD(model.parameters(), lr=0.1)` or "
        "`optim.SGD([w, b], lr=0.1)`, not a single tensor."),
    "optim_empty": (
        ValueError,
        "optimizer got an empty parameter list",
        "The optimizer got no parameters. Check that the model registers some: assign layers to "
        "self after super().__init__(), and keep lists of layers in nn.ModuleList, not a plain "
        "list. (A model.parameters() generator is empty after one pass.)"),
    "param_group_type": (
        TypeError,
        "param_group must be a dict, but got {type}",
        "A parameter group is a dict: `{{'params': [w, b], 'lr': 0.01}}`."),
    "params_set": (
        TypeError,
        "optimizer parameters need to be organized in ordered collections, but the ordering of "
        "tensors in sets will change between runs. Please use a list instead.",
        "Pass a list, e.g. `list(params)`, so the optimizer's state matches the same parameters "
        "each run."),
    "param_names_missing": (
        ValueError,
        "all optimizer params should be with/without names. Some param names are missing",
        "Pass either all (name, tensor) pairs (`model.named_parameters()`) or all plain tensors, "
        "not a mix."),
    "optim_not_tensor": (
        TypeError,
        "optimizer can only optimize Tensors, but one of the params is {type}",
        "Every parameter must be a tensor. Did you pass a module (use `model.parameters()`) or "
        "a list of lists?"),
    "optim_nonleaf": (
        ValueError,
        "can't optimize a non-leaf Tensor",
        "{name} was computed from other tensors (its grad_fn is {node}), and the optimizer updates "
        "leaves. Optimize the leaf it came from (created with requires_grad=True), or an nn.Parameter."),
    "param_group_required": (
        ValueError,
        "parameter group didn't specify a value of required optimization parameter {option}",
        "This optimizer has no default for {option}: give it, e.g. `SGD(params, lr=0.1)`."),
    "param_group_names": (
        ValueError,
        "all optimizer param groups should be with/without names. cannot add param group {which} "
        "to the optimizer",
        "Give all parameter groups names (named_parameters()) or none."),
    "param_in_two_groups": (
        ValueError,
        "some parameters appear in more than one parameter group",
        "Each tensor may be in only one group, or it would be updated twice per step."),
    "optim_state_groups": (
        ValueError,
        "loaded state dict has a different number of parameter groups",
        "The saved optimizer state comes from an optimizer with other parameter groups. Build the "
        "optimizer exactly as when it was saved before loading its state."),
    "optim_state_group_size": (
        ValueError,
        "loaded state dict contains a parameter group that doesn't match the size of optimizer's "
        "group",
        "The saved optimizer state has a different number of parameters in a group. Build the "
        "model and optimizer exactly as when they were saved."),

    # == Devices, legacy constructors and data loading: torch.device, .to(device), torch.Tensor(...), Variable, torch.utils.data, torch.autograd.functional.
    "device_type": (
        RuntimeError,
        "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, "
        "lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type at start of device string: {string}",
        "A device is named by its type, optionally with an index: 'cpu', 'cuda', 'cuda:0'. "
        "'{string}' is not one of them (a GPU is 'cuda', not 'gpu')."),
    "device_string": (
        RuntimeError,
        "Invalid device string: '{string}'",
        "After the type comes ':' and a whole-number index, as in 'cuda:0'."),
    "device_ordinal": (
        RuntimeError,
        "Cannot access accelerator device when none is available.",
        "torch.device(0) means accelerator (GPU) number 0, and this machine has none. Use "
        "torch.device('cpu'), where everything in gradlab runs."),
    "cuda_unavailable": (
        AssertionError,
        "Torch not compiled with CUDA enabled",
        "gradlab, like a PyTorch built without CUDA, runs on the CPU only. Tutorials usually write "
        "`device = 'cuda' if torch.cuda.is_available() else 'cpu'`; that line picks 'cpu' here."),
    "legacy_data": (
        TypeError,
        "new(): data must be a sequence (got {type})",
        "torch.Tensor(...) takes sizes (torch.Tensor(2, 3)) or a list of values "
        "(torch.Tensor([2.5])). For a single number use torch.tensor(2.5), which also keeps ints as ints."),
    "legacy_str": (
        TypeError,
        "new(): invalid data type 'str'",
        "A tensor holds numbers. Convert the text first (float('2.5')), or use a list of numbers."),
    "legacy_keyword": (
        TypeError,
        "new() received an invalid combination of arguments - got ({got}), but expected one of:\n"
        " * (*, torch.device device = None)\n"
        "      didn't match because some of the keywords were incorrect: {keywords}\n"
        " * (torch.Storage storage)\n"
        " * (Tensor other)\n"
        " * (tuple of ints size, *, torch.device device = None)\n"
        " * (object data, *, torch.device device = None)\n",
        "The legacy constructor torch.Tensor(...) always makes float32 tensors that don't require "
        "grad, and takes no {keywords}. Use torch.tensor(data, {keywords}=...) instead."),
    "legacy_arguments": (
        TypeError,
        "new() received an invalid combination of arguments - got ({got}), but expected one of:\n"
        " * (*, torch.device device = None)\n"
        "      didn't match because some of the arguments have invalid types: ({marked})\n"
        " * (torch.Storage storage)\n"
        " * (Tensor other)\n"
        " * (tuple of ints size, *, torch.device device = None)\n"
        " * (object data, *, torch.device device = None)\n",
        "torch.Tensor(...) takes either whole-number sizes or one list (or tensor) of values, not "
        "a mix. For values use torch.tensor(data)."),
    "legacy_size": (
        TypeError,
        "new(): argument 'size' failed to unpack the object at pos {pos} with error \"type must be tuple of ints,but got {type}\"",
        "torch.Tensor(2, 3) reads every argument as a size, and sizes are whole numbers; argument "
        "{pos} is a {type}. For values write one list: torch.Tensor([2, 3.0])."),
    "legacy_device": (
        RuntimeError,
        "legacy constructor expects device type: cpu but device type: {type} was passed",
        "The legacy torch.Tensor(...) makes CPU tensors only, and gradlab has no other device anyway."),
    "legacy_dtype": (
        TypeError,
        "expected TensorOptions(dtype={expected}, device=cpu, layout=Strided, requires_grad=false (default), "
        "pinned_memory=false (default), memory_format=(nullopt)) (got TensorOptions(dtype={got}, device=cpu, "
        "layout=Strided, requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt)))",
        "torch.{cls}(t) wraps an existing tensor without converting it, so t must already have "
        "that dtype. Convert instead: `{plain}.to(torch.{dtype})`."),
    "variable_data": (
        TypeError,
        "Variable data has to be a tensor, but got {type}",
        "Variable (deprecated) only wraps an existing tensor: Variable(torch.tensor(data)). Since "
        "PyTorch 0.4 every tensor is a Variable: torch.tensor(data, requires_grad=True) is the modern spelling."),
    "dataset_getitem": (
        NotImplementedError,
        "Subclasses of Dataset should implement __getitem__.",
        "A Dataset is a class you write: give it `__getitem__(self, index)` returning one sample "
        "and `__len__(self)` returning how many there are."),
    "dataset_sizes": (
        AssertionError,
        "Size mismatch between tensors",
        "TensorDataset pairs the i-th row of every tensor, so they need the same first dimension; "
        "here they have {sizes}."),
    "batch_size": (
        ValueError,
        "batch_size should be a positive integer value, but got batch_size={batch_size}",
        "batch_size is how many samples go into one batch: a whole number, at least 1 (or None "
        "for no batching)."),
    "sampler_shuffle": (
        ValueError,
        "sampler option is mutually exclusive with shuffle",
        "A sampler decides the order itself; pass either shuffle=True or a sampler, not both."),
    "num_workers": (
        ValueError,
        "num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.",
        "num_workers counts helper processes that load batches. gradlab loads every batch in the "
        "main process, whatever the number."),
    "collate_type": (
        TypeError,
        "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {type}",
        "The DataLoader stacks the samples of a batch; it knows how to stack tensors, NumPy arrays, "
        "numbers, and lists, tuples and dicts of them. Make __getitem__ return those (or pass collate_fn)."),
    "functional_type": (
        TypeError,
        "The {arg} given to {fn} must be either a Tensor or a tuple of Tensors but the given {arg} has type {type}.",
        "{fn} takes a tensor or a tuple of tensors (not a list or a number); write ({example},) for one, "
        "(a, b) for several."),
    "functional_v_none_out": (
        RuntimeError,
        "The vector v can only be None if the user-provided function returns a single Tensor with a single element.",
        "A vector-Jacobian product needs one weight per output element: pass v with the output's shape."),
    "functional_v_none_in": (
        RuntimeError,
        "The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.",
        "This product needs one entry of v per input element: pass v with the input's shape."),
    "functional_v_count": (
        RuntimeError,
        "The given v should contain a single Tensor.",
        "The function has one {what}, so v is one tensor of the same shape."),
    "functional_v_length": (
        RuntimeError,
        "v is a tuple of invalid length: should be {expected} but got {got}.",
        "Give one tensor in v for each {what}, in the same order."),
    "functional_v_size": (
        RuntimeError,
        "{prefix}v has invalid size: should be {expected} but got {got}.",
        "Each tensor of v must have the shape of the {what} it weights."),
    "functional_single_tensor": (
        RuntimeError,
        "The function given to {fn} should return a single Tensor",
        "{fn} differentiates a scalar function twice: return one tensor with one element (a loss)."),
    "functional_single_element": (
        RuntimeError,
        "The Tensor returned by the function given to {fn} should contain a single element",
        "{fn} differentiates a scalar function twice: reduce the output to one element "
        "(`.sum()`), or use jacobian for a vector output."),
    "functional_strict_output": (
        RuntimeError,
        "Output {index} of the user-provided function does not require gradients. The outputs must be "
        "computed in a differentiable manner from the input when running in strict mode.",
        "With strict=True every output must depend on the inputs through recorded operations; "
        "this one is a constant (or was computed under no_grad, or detached)."),
    "functional_strict_independent": (
        RuntimeError,
        "The output of the user-provided function is independent of input {index}. This is not allowed in strict mode.",
        "With strict=True every input must influence the outputs; input {index} does not, so its "
        "derivative is zero. Use strict=False to get those zeros."),
    "multinomial_dim": (
        RuntimeError,
        "prob_dist must be 1 or 2 dim",
        "multinomial samples from one distribution (a 1-d tensor of weights) or from each row of a "
        "2-d tensor; {name} has shape {shape}."),
    "multinomial_dtype": (
        RuntimeError,
        "multinomial only supports floating-point dtypes for input, got: {legacy}",
        "The weights are probabilities (or counts) as floats: `{plain}.float()`."),
    "multinomial_count": (
        RuntimeError,
        "cannot sample n_sample <= 0 samples",
        "num_samples is how many indices to draw: at least 1."),
    "multinomial_too_many": (
        RuntimeError,
        "cannot sample n_sample > prob_dist.size(-1) samples without replacement",
        "Without replacement each index can be drawn once, so at most {size} samples here; pass "
        "replacement=True to draw more."),
    "multinomial_invalid": (
        RuntimeError,
        "probability tensor contains either `inf`, `nan` or element < 0",
        "Every weight must be a finite number ≥ 0 (they need not sum to 1)."),
    "multinomial_zero": (
        RuntimeError,
        "invalid multinomial distribution (sum of probabilities <= 0)",
        "All the weights of a row are 0, so there is nothing to draw from."),
    "one_hot_dtype": (
        RuntimeError,
        "one_hot is only applicable to index tensor of type LongTensor.",
        "one_hot takes class indices, whole numbers of dtype torch.int64 (torch.long); "
        "convert with `{plain}.long()`."),
    "one_hot_too_large": (
        RuntimeError,
        "Class values must be smaller than num_classes.",
        "Class indices run from 0 to num_classes − 1; the largest index here is {largest}."),
    "one_hot_negative": (
        RuntimeError,
        "Class values must be non-negative.",
        "Class indices run from 0 to num_classes − 1; one index here is negative."),
    "one_hot_empty": (
        RuntimeError,
        "Can not infer total number of classes from empty tensor.",
        "With no indices there is no largest one to count classes from: pass num_classes."),
    "dropout_p": (
        ValueError,
        "dropout probability has to be between 0 and 1, but got {p}",
        "p is the chance that each element is zeroed: 0 keeps everything, 1 drops everything."),

    # == Saving and loading: torch.save / torch.load (gradlab's format is a NumPy .npz, never a pickle).
    "tensor_pickle": (
        TypeError,
        "gradlab tensors are not pickled: use gradlab.save(obj, path) (a NumPy .npz file)",
        "gradlab's own message: PyTorch pickles tensors, gradlab refuses (loading a pickle can run "
        "arbitrary code). Save with torch.save(obj, path); copy.deepcopy also works."),
    "save_too_deep": (
        ValueError,
        "gradlab.save: the object is nested more than {depth} levels deep",
        "gradlab's own message (a limit of gradlab's format). Is there a cycle, like a list that "
        "contains itself?"),
    "save_dict_key": (
        TypeError,
        "gradlab.save: dict keys must be str or int, got {type}",
        "gradlab's own message: its file format stores only str and int keys. Convert keys with "
        "str(...)."),
    "save_unsupported": (
        TypeError,
        "gradlab.save can store tensors, numbers, strings, None and lists, tuples and dicts of "
        "them, not {type}{hint}",
        "gradlab's own message: its file format holds data, never code. Save the object's "
        "state_dict() and rebuild the object when loading."),
    "load_pickle": (
        LoadError,
        "{where} is not a gradlab save file: it holds pickled Python objects, which gradlab never "
        "loads (unpickling can run arbitrary code)",
        "gradlab's own message. A file written by PyTorch's torch.save is a pickle; load it with "
        "PyTorch, or save again with gradlab."),
    "load_not_save_file": (
        LoadError,
        "{where} is not a gradlab save file ({detail})",
        "gradlab's own message. gradlab.load reads only files written by gradlab.save."),
    "load_npy": (
        LoadError,
        "{where} holds a single NumPy array (.npy), not a gradlab save file",
        "gradlab's own message. For a NumPy array use `torch.from_numpy(np.load(path))`."),
    "load_invalid": (
        LoadError,
        "{where} is not a valid gradlab save file: {what}",
        "gradlab's own message: the file was damaged or changed after gradlab.save wrote it. "
        "Save it again."),
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


def _sections():
    """``[(title, intro, [keys])]`` from the ``# == Title: intro`` comments in this file's table."""
    import re
    with open(__file__, encoding="utf-8") as f:
        source = f.read()
    sections = []
    for line in source[source.index("\nERRORS = {"):].splitlines():
        header = re.match(r"    # == ([^:]+): (.*)$", line)
        key = re.match(r'    "(\w+)": \($', line)
        if header:
            sections.append((header.group(1), header.group(2), []))
        elif key and key.group(1) in ERRORS:
            sections[-1][2].append(key.group(1))
    return sections


def markdown() -> str:
    """The table of every error, for docs/errors.md, grouped by the table's sections."""
    sections = _sections()
    lines = ["# Errors gradlab raises", "",
             "Generated from `gradlab/errors.py` by `python -m gradlab.errors > docs/errors.md`.",
             "Each error keeps PyTorch's exception type and message (so searching for it finds "
             "PyTorch's answers) and adds a note, shown under the traceback, with the learner's own "
             "names and shapes. `{…}` marks what is filled in. Where PyTorch has no such error (a "
             "gradlab limit, gradlab's file format), the message is gradlab's own and the note "
             "says so.", ""]
    lines += [f"- [{title}](#{_anchor(title)}) ({len(keys)})" for title, _, keys in sections] + [""]
    for title, intro, keys in sections:
        lines += [f"## {title}", "", intro, ""]
        for key in keys:
            kind, message, note = ERRORS[key]
            source = ("gradlab's own text: PyTorch has no such error" if
                      note.startswith("gradlab's own message") else "PyTorch's text")
            lines += [f"### `{key}`", "", f"**{kind.__name__}** ({source}):", "",
                      _quote(message), "", "gradlab's note:", "", _quote(note), ""]
    return "\n".join(lines)


def _anchor(title):
    return "".join(c for c in title.lower().replace(" ", "-") if c.isalnum() or c in "-_")


def _quote(text):
    return "\n".join("> " + line for line in text.split("\n"))


def type_name(value):
    """A value's type as PyTorch's argument parser names it: ``int``, ``numpy.ndarray``."""
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"


if __name__ == "__main__":
    sys.stdout.write(markdown())
