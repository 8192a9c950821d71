"""The guide's code runs under gradlab and prints exactly what PyTorch prints.

docs/autograd_guide.md is a beginner's guide to PyTorch autograd.  Every ```python block in
it is assigned, in the reviewed table GUIDE_PYTHON_BLOCKS below, either to a *session* or to
an *illustration*:

* A session is a name.  Its blocks run in document order in one shared namespace, like a
  learner typing them into one notebook.  After a block raises, the session goes on with the
  next block (as a notebook would).  Each session runs twice: once with real PyTorch as
  ``torch``, once with gradlab as ``torch``.  The guide's text runs unchanged; ``import torch``
  is redirected by a custom ``__import__`` in the namespace's ``__builtins__``.  Each block's
  stdout, warnings and exception (type and message) must be identical in the two runs.
* An illustration is a block that lists values or output, or writes maths in a code fence
  (``weights = [1.0, 1.0, 1.0, 1.0]``, ``x.grad = tensor([6., 8., 10.])``).  It is not run;
  the table gives the reason.

``torch.randn``/``torch.rand`` draw from a seeded NumPy generator in both runs (see
SeededLibrary), so outputs that print random tensors must also match character for character.
"""

from __future__ import annotations

import builtins
import contextlib
import functools
import importlib
import io
import re
import types
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import torch

REPO_ROOT = Path(__file__).resolve().parents[1]
GUIDE = REPO_ROOT / "docs" / "autograd_guide.md"
# Where the guide comes from: shared/ sits beside the repo on developers' machines and in CI.
GUIDE_SOURCE = REPO_ROOT / ".." / "shared" / "source" / "autograd_guide.md"

pytestmark = pytest.mark.torch


# --------------------------------------------------------------------------------------------
# Parsing the guide's fenced code blocks
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CodeBlock:
    index: int  # position among all fenced blocks of the guide, from 0
    lang: str  # first word of the info string ("" when there is none)
    line: int  # 1-based line number of the block's first line of code
    text: str  # the code, with the fence's own indentation removed

    @property
    def first_line(self) -> str:
        return self.text.splitlines()[0] if self.text.strip() else ""


_OPENING_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_CLOSING_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})[ \t]*$")


def parse_code_blocks(markdown: str) -> list[CodeBlock]:
    """Fenced code blocks as CommonMark reads them (fences indented by up to 3 spaces, as in
    list items; a closing fence uses the same character and is at least as long)."""
    lines = markdown.splitlines()
    blocks: list[CodeBlock] = []
    i = 0
    while i < len(lines):
        opening = _OPENING_FENCE.match(lines[i])
        if not opening or (opening["fence"][0] == "`" and "`" in opening["info"]):
            i += 1
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        info = opening["info"].split()
        body: list[str] = []
        j = i + 1
        while j < len(lines):
            closing = _CLOSING_FENCE.match(lines[j])
            if closing and closing["fence"][0] == fence[0] and len(closing["fence"]) >= len(fence):
                break
            line = lines[j]
            strip = len(line) - len(line.lstrip(" "))
            body.append(line[min(strip, indent):])
            j += 1
        blocks.append(CodeBlock(len(blocks), info[0] if info else "", i + 2, "\n".join(body) + "\n"))
        i = j + 1
    return blocks


@functools.cache
def guide_blocks() -> tuple[CodeBlock, ...]:
    return tuple(parse_code_blocks(GUIDE.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------------------------
# The reviewed table: every ```python block of the guide, in document order
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    """Run this block in `session`.  `raises`: the exception type PyTorch raises here (checked
    against PyTorch by test_table_matches_torch); gradlab must raise the same type and message."""
    session: str
    raises: str | None = None


@dataclass(frozen=True)
class Illustration:
    """Not run: the block shows values or output, or maths, rather than code to execute."""
    reason: str


# index: (the block's first line, as a check that the index still points at it; assignment)
GUIDE_PYTHON_BLOCKS: dict[int, tuple[str, Run | Illustration]] = {
    # "Step-by-Step Example", Steps 1-4: one session sharing x, y, z.
    0: ("import torch", Run("first_example")),
    1: ("y = x * x + 2", Run("first_example")),
    2: ("z = y.sum()  # Convert vector to scalar (required for backward)", Run("first_example")),
    4: ("print(x.grad)  # tensor([4., 6.])", Run("first_example")),
    # "Autograd Example with Chain Rule".
    6: ("x = torch.tensor(2.0, requires_grad=True)", Run("chain_rule")),
    # "Vector Output Example", then "Zeroing Gradients" and "Disable Gradient Tracking", which
    # go on using its x.
    8: ("x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)", Run("vector_output")),
    9: ("x.grad.zero_()  # reset gradients to zero", Run("vector_output")),
    10: ("with torch.no_grad():", Run("vector_output")),
    11: ("x = torch.tensor([1.0], requires_grad=True)", Run("vector_output")),
    # "Real Example: Linear Regression with Autograd" (prints w.item() and loss.item()).
    12: ("# y = wx + b (manual implementation)", Run("linear_regression")),
    # "PyTorch Autograd Tutorial - Full Documentation".
    13: ("import torch", Run("full_documentation")),
    14: ("z_i = 3 * y_i^2", Illustration(
        "maths written in a code fence: `^` means a power here (XOR in Python), z_i and y_i "
        "are subscripted names, not variables")),
    16: ("x = tensor([1.0, 2.0, 3.0], requires_grad=True)", Illustration(
        "'Suppose:' a value written in printed-repr notation (bare `tensor(...)`), "
        "not code")),
    17: ("x.grad = tensor([6., 8., 10.])", Illustration(
        "the final gradient, as a value listing in repr notation")),
    18: ("x = tensor([1., 2., 3.], requires_grad=True)", Illustration(
        "'Output Example': a listing of printed output (`grad_fn=<MeanBackward0>` is not "
        "Python)")),
    # "What is Autograd?": Basics, Build a Computation Graph, the non-scalar error, Fix 1 and
    # Fix 2, all on one x.
    19: ("import torch", Run("scalar_outputs")),
    20: ("y = x + 2        # y is a function of x", Run("scalar_outputs")),
    # The guide's point: backward() on a 3-element z fails ("grad can be implicitly created
    # only for scalar outputs"); print(z) before it still prints.
    21: ("print(z)         # Shape: [3]", Run("scalar_outputs", raises="RuntimeError")),
    23: ("z = (y * y * 3).mean()", Run("scalar_outputs")),
    24: ("z = y * y * 3      # z shape: [3]", Run("scalar_outputs")),
    # "Example Code".
    25: ("import torch", Run("example_code")),
    # "PyTorch: Disabling Gradient Tracking": requires_grad_(False), detach(), no_grad().
    26: ("x = torch.randn(3, requires_grad=True)", Run("disable_tracking")),
    27: ("a = torch.randn(3, requires_grad=True)", Run("disable_tracking")),
    28: ("m = torch.randn(3, requires_grad=True)", Run("disable_tracking")),
    # "Use Cases": need a `model` and an `input` (see SESSION_SETUP).
    29: ("model.eval()", Run("model_use_cases")),
    30: ("for param in model.backbone.parameters():", Run("model_use_cases")),
    31: ("x = model(input)", Run("model_use_cases")),
    # Multiple backward passes and gradient accumulation: the loop, then the step-by-step
    # explanation typed after it.
    32: ("import numpy as np", Run("accumulation")),
    33: ("weights = torch.ones(4, requires_grad=True)", Run("accumulation")),
    34: ("weights = [1.0, 1.0, 1.0, 1.0]", Illustration(
        "'This creates a tensor:' a value listing (running it would rebind weights to a list)")),
    35: ("model_outputs = (weights * 3).sum()", Run("accumulation")),
    36: ("model_outputs = 12.0  (scalar)", Illustration(
        "a value listing with an annotation, not valid Python")),
    38: ("[3.0, 3.0, 3.0, 3.0]", Illustration("the gradient, as a value listing")),
    # Blocks 39 and 41 quote the loop's `weights.grad.zero_()`.  Typed after 33 and 35, weights
    # is a fresh leaf that never had backward(): its .grad is None, so both raise
    # AttributeError ('NoneType' object has no attribute 'zero_') -- in gradlab too.
    39: ("weights.grad.zero_()", Run("accumulation", raises="AttributeError")),
    41: ("weights.grad.zero_()", Run("accumulation", raises="AttributeError")),
    # "Stochastic Gradient Descent (SGD) optimizer": the full code, then the step-by-step
    # explanation typed after it.
    43: ("import numpy as np", Run("sgd_optimizer")),
    44: ("weights = torch.ones(4, requires_grad=True)", Run("sgd_optimizer")),
    46: ("optimizer = torch.optim.SGD([weights], lr=0.01)", Run("sgd_optimizer")),
    47: ("output = (weights * 3).sum()", Run("sgd_optimizer")),
    48: ("weights.grad = [3.0, 3.0, 3.0, 3.0]", Illustration(
        "the gradient, as a value listing (not an assignment of a list to .grad)")),
    # "This is computed by: output.backward()" -- typed again right after block 47 did it, so
    # it is a second backward through a freed graph: PyTorch's "Trying to backward through the
    # graph a second time ..." RuntimeError.  The weights still get the single gradient of 3.
    49: ("output.backward()", Run("sgd_optimizer", raises="RuntimeError")),
    50: ("optimizer.step()", Run("sgd_optimizer")),
    51: ("weights = weights - learning_rate * grad", Illustration(
        "the SGD update formula in pseudo-code (learning_rate and grad are not defined)")),
    53: ("optimizer.zero_grad()", Run("sgd_optimizer")),
    54: ("weights.grad = None or [0.0, 0.0, 0.0, 0.0] (depending on version/settings)",
         Illustration("possible values of weights.grad, with an annotation; not valid Python")),
    55: ('print("Updated Weights:", weights)', Run("sgd_optimizer")),
    # "What Was Wrong in Your Original Code?": step() with no gradients changes nothing.
    56: ("optimizer.step()", Run("sgd_optimizer")),
}


@dataclass(frozen=True)
class SessionSetup:
    """Extra code for a session, written in PyTorch's API and run the same way under both
    libraries.  `needs`: the gradlab submodule the session needs; without it, it is skipped."""
    needs: str | None = None
    prelude: str = ""
    epilogue: str = ""


NEEDS_SKIP_REASON = "needs gradlab.optim/nn (issue 4)"

SESSION_SETUP: dict[str, SessionSetup] = {
    "sgd_optimizer": SessionSetup(needs="optim"),
    "model_use_cases": SessionSetup(
        needs="nn",
        # Not from the guide: the smallest `model` the use-case snippets need (one with a
        # `backbone` submodule) and an `input` batch.  Parameter values never reach stdout.
        prelude="""\
class TinyModel(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU())
        self.head = torch.nn.Linear(3, 2)

    def forward(self, x):
        return self.head(self.backbone(x))

model = TinyModel()
input = torch.randn(2, 4)
""",
        # Not from the guide: print what the snippets did, so that it is compared too.
        epilogue="""\
print("training:", model.training)
print("output:", tuple(output.shape), output.requires_grad)
print("backbone:", [p.requires_grad for p in model.backbone.parameters()])
print("head:", [p.requires_grad for p in model.head.parameters()])
print("x, y:", x.requires_grad, y.requires_grad)
""",
    ),
}


def session_names() -> list[str]:
    names: list[str] = []
    for _, (_, assignment) in sorted(GUIDE_PYTHON_BLOCKS.items()):
        if isinstance(assignment, Run) and assignment.session not in names:
            names.append(assignment.session)
    return names


SESSIONS = session_names()


# --------------------------------------------------------------------------------------------
# Running a session under one library
# --------------------------------------------------------------------------------------------

RANDOM_SEED = 20240229


class SeededLibrary(types.ModuleType):
    """`torch` for the guide's code: the real library (torch or gradlab), except that randn and
    rand draw float32 values from a seeded NumPy generator, identical for both libraries, and
    build the tensor with the library's own `tensor(...)`."""

    def __init__(self, library: types.ModuleType, seed: int = RANDOM_SEED):
        super().__init__("torch")
        self._library = library
        self._rng = np.random.default_rng(seed)

    def __getattr__(self, name):
        return getattr(self._library, name)

    def _from_values(self, values: np.ndarray, requires_grad: bool, dtype):
        kwargs = {"requires_grad": requires_grad}
        if dtype is not None:
            kwargs["dtype"] = dtype
        return self._library.tensor(values.astype(np.float32).tolist(), **kwargs)

    @staticmethod
    def _shape(size) -> tuple[int, ...]:
        if len(size) == 1 and not hasattr(size[0], "__index__"):  # randn((2, 3))
            size = size[0]
        return tuple(n.__index__() for n in size)

    def randn(self, *size, requires_grad=False, dtype=None):
        return self._from_values(self._rng.standard_normal(self._shape(size)), requires_grad, dtype)

    def rand(self, *size, requires_grad=False, dtype=None):
        return self._from_values(self._rng.random(self._shape(size)), requires_grad, dtype)


def _builtins_importing_torch_as(torch_module: types.ModuleType) -> dict:
    """A copy of the builtins whose __import__ resolves `torch` (and `torch.x.y`) to
    `torch_module`; every other import is the real one."""
    real_import = builtins.__import__

    def guide_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and (name == "torch" or name.startswith("torch.")):
            if not fromlist:  # `import torch`, `import torch.nn as nn`: bind the top package
                return torch_module
            target = torch_module
            for part in name.split(".")[1:]:
                target = getattr(target, part)
            return target
        return real_import(name, globals, locals, fromlist, level)

    namespace = dict(vars(builtins))
    namespace["__import__"] = guide_import
    return namespace


@dataclass(frozen=True)
class Outcome:
    label: str  # "block 21 (docs/autograd_guide.md:462)", "prelude", "epilogue"
    stdout: str
    warnings: tuple[str, ...]
    error: str | None  # "RuntimeError: message"

    def describe(self) -> str:
        parts = [f"stdout:\n{self.stdout}" if self.stdout else "stdout: (none)"]
        parts += [f"warning: {w}" for w in self.warnings]
        parts.append(f"raised: {self.error}" if self.error else "raised: nothing")
        return "\n".join(parts)


def _run_code(code: str, filename: str, first_line: int, namespace: dict, label: str) -> Outcome:
    stdout = io.StringIO()
    error = None
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(stdout):
        warnings.simplefilter("always")
        try:
            # Padding keeps the guide's own line numbers in tracebacks.
            exec(compile("\n" * (first_line - 1) + code, filename, "exec"), namespace)
        except Exception as exc:  # noqa: BLE001 - the exception is the observation
            error = f"{type(exc).__name__}: {exc}"
    return Outcome(
        label,
        stdout.getvalue(),
        tuple(f"{w.category.__name__}: {w.message}" for w in caught),
        error,
    )


def session_blocks(session: str) -> list[CodeBlock]:
    blocks = guide_blocks()
    return [
        blocks[index]
        for index, (_, assignment) in sorted(GUIDE_PYTHON_BLOCKS.items())
        if isinstance(assignment, Run) and assignment.session == session
    ]


def run_session(session: str, library: types.ModuleType) -> list[Outcome]:
    """Run the session's blocks in order in one namespace where `torch` is `library`."""
    seeded = SeededLibrary(library)
    namespace = {
        "__name__": "__guide__",
        "__builtins__": _builtins_importing_torch_as(seeded),
        # As in a notebook where `import torch` ran in an earlier cell: some sessions start
        # in the middle of the guide.
        "torch": seeded,
    }
    setup = SESSION_SETUP.get(session, SessionSetup())
    outcomes = []
    if setup.prelude:
        outcomes.append(_run_code(setup.prelude, f"<{session} prelude>", 1, namespace, "prelude"))
    rel = GUIDE.relative_to(REPO_ROOT).as_posix()
    for block in session_blocks(session):
        label = f"block {block.index} ({rel}:{block.line})"
        outcomes.append(_run_code(block.text, str(GUIDE), block.line, namespace, label))
    if setup.epilogue:
        outcomes.append(_run_code(setup.epilogue, f"<{session} epilogue>", 1, namespace, "epilogue"))
    return outcomes


@functools.cache
def torch_outcomes(session: str) -> tuple[Outcome, ...]:
    return tuple(run_session(session, torch))


def mismatches(expected: list[Outcome], actual: list[Outcome], names=("torch", "gradlab")) -> str:
    report = []
    for want, got in zip(expected, actual):
        if want != got:
            report.append(
                f"== {want.label} differs\n"
                f"--- {names[0]}\n{want.describe()}\n"
                f"--- {names[1]}\n{got.describe()}"
            )
    return "\n".join(report)


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------

def test_guide_copy_is_byte_identical_to_source():
    if not GUIDE_SOURCE.exists():
        pytest.skip(f"no source guide at {GUIDE_SOURCE}")
    assert GUIDE.read_bytes() == GUIDE_SOURCE.read_bytes(), (
        f"{GUIDE} differs from {GUIDE_SOURCE.resolve()}: copy the source guide over it, then "
        "review GUIDE_PYTHON_BLOCKS"
    )


def test_table_assigns_every_python_block():
    blocks = guide_blocks()
    python = {b.index: b for b in blocks if b.lang == "python"}
    missing = [python[i] for i in sorted(python.keys() - GUIDE_PYTHON_BLOCKS.keys())]
    assert not missing, "python blocks missing from GUIDE_PYTHON_BLOCKS:\n" + "\n".join(
        f"  {b.index}: (line {b.line}) {b.first_line!r}" for b in missing
    )
    stale = sorted(GUIDE_PYTHON_BLOCKS.keys() - python.keys())
    assert not stale, f"GUIDE_PYTHON_BLOCKS names blocks that are not ```python blocks: {stale}"
    moved = [
        f"  {i}: table says {first!r}, guide has {python[i].first_line!r} (line {python[i].line})"
        for i, (first, _) in GUIDE_PYTHON_BLOCKS.items()
        if python[i].first_line != first
    ]
    assert not moved, "the guide's blocks moved; review the table:\n" + "\n".join(moved)


def test_table_is_consistent():
    assert set(SESSION_SETUP) <= set(SESSIONS)
    for index, (_, assignment) in GUIDE_PYTHON_BLOCKS.items():
        if isinstance(assignment, Illustration):
            assert assignment.reason.strip(), f"block {index}: an illustration needs a reason"
    for setup in SESSION_SETUP.values():
        assert setup.needs in (None, "optim", "nn")


@pytest.mark.parametrize("session", SESSIONS)
def test_table_matches_torch(session):
    """The oracle side alone: under PyTorch, exactly the blocks marked `raises=` raise, with
    that type.  (A block that raises NameError here is in the wrong session.)"""
    expected = {
        index: assignment.raises
        for index, (_, assignment) in sorted(GUIDE_PYTHON_BLOCKS.items())
        if isinstance(assignment, Run) and assignment.session == session
    }
    setup = SESSION_SETUP.get(session, SessionSetup())
    outcomes = list(torch_outcomes(session))
    if setup.prelude:
        assert outcomes.pop(0).error is None, "the session's prelude fails under torch"
    if setup.epilogue:
        assert outcomes.pop().error is None, "the session's epilogue fails under torch"
    got = {
        index: outcome.error.split(":")[0] if outcome.error else None
        for index, outcome in zip(expected, outcomes)
    }
    assert got == expected, "\n".join(o.describe() for o in outcomes if o.error)


@pytest.mark.parametrize("session", SESSIONS)
def test_harness_is_deterministic(session):
    """torch against torch: the seeded randn and the capture leave nothing to chance."""
    first, again = list(torch_outcomes(session)), run_session(session, torch)
    if again != first:
        pytest.fail(mismatches(first, again, ("torch", "torch again")), pytrace=False)


@pytest.fixture(scope="module")
def gradlab():
    return importlib.import_module("gradlab")


@pytest.mark.parametrize("session", SESSIONS)
def test_guide_session_prints_what_torch_prints(session, gradlab):
    needs = SESSION_SETUP.get(session, SessionSetup()).needs
    if needs is not None and not hasattr(gradlab, needs):
        pytest.skip(NEEDS_SKIP_REASON)
    expected = list(torch_outcomes(session))
    actual = run_session(session, gradlab)
    if actual != expected:
        pytest.fail(f"session {session!r}:\n" + mismatches(expected, actual), pytrace=False)
