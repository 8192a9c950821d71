"""Self-checks for the course notebooks: ``from gradlab import check``.

Three helpers, all printing stable plain text (no colours, no addresses, no timings) so that a
notebook's stored output can be compared by nbval run after run. The marks are ASCII words
(``[PASS]``, ``[FAIL]``, ``[NOT YET]``, ``Predict:``), not emoji: every font has them, so they
read the same in any browser on any machine (Chromium on Debian has no emoji font).

``check.answer("x.grad", [4.0, 6.0], hint="...")``
    Evaluates ``"x.grad"`` in the *caller's* namespace and compares it with the expected value.
    If the name is not defined yet (or is ``None``), prints a "not yet" line and returns ``None``
    instead of raising, so the learner edition (solutions emptied) still runs top to bottom.

``check.predict("What is x.grad?", "tensor([4., 6.])", explain="...")``
    Predict-then-reveal: shows the question and a collapsed ``<details>`` with the answer.

``check.compare(name, ours, reference)``
    The report behind ``answer`` (in the spirit of karpathy's ``cmp()``): exact match,
    approximate match with the largest difference, or the largest difference and a hint.

Values may be numbers, nested lists, NumPy arrays, gradlab tensors or PyTorch tensors; they are
compared as NumPy arrays.  Shapes must agree exactly.
"""
from __future__ import annotations

import html
import re
import sys

import numpy as np

__all__ = ["answer", "predict", "compare", "Result"]

_RTOL = 1e-5
_ATOL = 1e-8

# The marks the checks print: ASCII, so that no font is missing them (tests/test_check.py).
PASS = "[PASS]"
FAIL = "[FAIL]"
NOT_YET = "[NOT YET]"
PREDICT = "Predict:"


class Result:
    """The outcome of a check: truthy when it passed.

    ``bool(result)``, ``result == True`` and ``if check.answer(...):`` behave like a bool.  In a
    notebook it displays nothing (the printed line already says everything), so a check as the
    last line of a cell does not add an ``Out[n]: True``.
    """

    __slots__ = ("passed", "message")

    def __init__(self, passed: bool, message: str):
        self.passed = bool(passed)
        self.message = message

    def __bool__(self) -> bool:
        return self.passed

    def __eq__(self, other):
        if isinstance(other, Result):
            return self.passed == other.passed
        if isinstance(other, (bool, np.bool_)):
            return self.passed == bool(other)
        return NotImplemented

    def __hash__(self):
        return hash(self.passed)

    def __repr__(self) -> str:
        return repr(self.passed)

    def _ipython_display_(self):  # IPython: show nothing (the line was printed already)
        pass


# ----------------------------------------------------------------------------------------------
# Converting values
# ----------------------------------------------------------------------------------------------
def _to_numpy(value):
    """A NumPy array for numbers, lists, arrays, gradlab tensors and PyTorch tensors."""
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # gradlab.Tensor, torch.Tensor
        value = value.detach()
        if hasattr(value, "cpu"):
            value = value.cpu()
        return np.asarray(value.numpy())
    if isinstance(value, (list, tuple)):
        return np.asarray([_to_numpy(v) for v in value])
    return np.asarray(value)


def _is_numeric(a: np.ndarray) -> bool:
    return a.dtype.kind in "biuf"


def _fmt(d: float) -> str:
    """A difference with a few significant digits: 0.5, 123.4, 2.4e-07."""
    if d == 0:
        return "0"
    if 1e-3 <= d < 1e4:
        return f"{d:.4g}"
    return f"{d:.2g}"


def _shape(a: np.ndarray) -> str:
    return "(" + ", ".join(str(n) for n in a.shape) + ("," if a.ndim == 1 else "") + ")"


def _with_hint(line: str, hint: str) -> str:
    return f"{line} — hint: {hint}" if hint else line


# ----------------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------------
def compare(name: str, ours, reference, rtol: float = _RTOL, atol: float = _ATOL, *,
            hint: str = "") -> Result:
    """Compare ``ours`` with ``reference``, print one line, return a truthy/falsy ``Result``.

    ``[PASS] name: exact match`` · ``[PASS] name: approximately equal (max difference 2.4e-07)``
    · ``[FAIL] name: max difference 0.5 — hint: ...`` · ``[FAIL] name: shape (3,), expected
    shape (2,)``.
    """
    try:
        a = _to_numpy(ours)
        b = _to_numpy(reference)
    except Exception:  # ragged lists and the like: fall back to ==
        a = b = None

    if a is None or not (_is_numeric(a) and _is_numeric(b)):
        try:
            same = bool(ours == reference)
        except Exception:
            same = False
        line = f"{PASS} {name}: exact match" if same else _with_hint(
            f"{FAIL} {name}: not equal to the expected value", hint)
        print(line)
        return Result(same, line)

    if a.shape != b.shape:
        line = _with_hint(f"{FAIL} {name}: shape {_shape(a)}, expected shape {_shape(b)}", hint)
        print(line)
        return Result(False, line)

    a64 = a.astype(np.float64)
    b64 = b.astype(np.float64)
    if np.array_equal(a64, b64, equal_nan=True):
        line = f"{PASS} {name}: exact match"
        print(line)
        return Result(True, line)

    both_nan = np.isnan(a64) & np.isnan(b64)
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(a64 - b64)
    diff = np.where(both_nan, 0.0, diff)
    # inf - inf is nan: equal infinities count as equal, anything else nan as infinitely far
    same_inf = np.isinf(a64) & (a64 == b64)
    diff = np.where(same_inf, 0.0, diff)
    diff = np.where(np.isnan(diff), np.inf, diff)
    maxdiff = float(diff.max()) if diff.size else 0.0

    if np.allclose(a64, b64, rtol=rtol, atol=atol, equal_nan=True):
        line = f"{PASS} {name}: approximately equal (max difference {_fmt(maxdiff)})"
        print(line)
        return Result(True, line)

    line = _with_hint(f"{FAIL} {name}: max difference {_fmt(maxdiff)}", hint)
    print(line)
    return Result(False, line)


def answer(expr: str, expected, *, hint: str = "", rtol: float = _RTOL,
           atol: float = _ATOL) -> Result | None:
    """Evaluate ``expr`` (e.g. ``"x.grad"``) where it was called and compare it with ``expected``.

    Never raises: a name that does not exist yet, or a value that is still ``None``, prints a
    "not yet" line and returns ``None``; any other error is reported as a failed check.
    """
    frame = sys._getframe(1)
    try:
        try:
            value = eval(expr, frame.f_globals, frame.f_locals)
        finally:
            del frame
    except (NameError, AttributeError):
        print(f"{NOT_YET} {expr} is not defined — run your solution cell above, "
              f"then run this cell again.")
        return None
    except Exception as exc:  # noqa: BLE001 - a learner's bug must not crash the check cell
        line = _with_hint(f"{FAIL} {expr}: evaluating it raised {type(exc).__name__}: {exc}", hint)
        print(line)
        return Result(False, line)
    if value is None:
        print(f"{NOT_YET} {expr} is None — run your solution cell above, "
              f"then run this cell again.")
        return None
    return compare(expr, value, expected, rtol, atol, hint=hint)


_CODE = re.compile(r"`([^`]+)`")


def _html_text(text: str) -> str:
    """Escape ``text`` for HTML; `backticks` become <code>, blank lines become paragraphs."""
    out = html.escape(text, quote=False)
    out = _CODE.sub(r"<code>\1</code>", out)
    return "<br>".join(out.split("\n"))


class Prediction:
    """What ``check.predict`` displays: HTML with a collapsed answer, and a plain-text twin."""

    def __init__(self, question: str, answer: str, explain: str = ""):
        self.question = question
        self.answer = answer
        self.explain = explain

    def _repr_html_(self) -> str:
        parts = [
            '<div class="gradlab-predict">',
            f"<p><b>{PREDICT}</b> {_html_text(self.question)}</p>",
            "<details><summary>Reveal the answer</summary>",
            f"<p><b>Answer:</b> {_html_text(self.answer)}</p>",
        ]
        if self.explain:
            parts.append(f"<p>{_html_text(self.explain)}</p>")
        parts.append("</details></div>")
        return "".join(parts)

    def __repr__(self) -> str:
        lines = [f"{PREDICT} {self.question}", f"   Answer (think first!): {self.answer}"]
        if self.explain:
            lines.append(f"   Why: {self.explain}")
        return "\n".join(lines)


def predict(question: str, answer: str, explain: str = "") -> None:
    """Show a question, and the answer (with ``explain``) folded away until the learner opens it."""
    prediction = Prediction(question, str(answer), explain)
    try:
        from IPython.display import display
    except ImportError:  # plain Python: the text version
        print(repr(prediction))
    else:
        display(prediction)
    return None
