"""gradlab.check: the course's self-checks print stable, exact wording and never crash."""
import numpy as np
import pytest

import gradlab
from gradlab import check


def lines(capsys):
    return capsys.readouterr().out.splitlines()


# ------------------------------------------------------------------------------------- compare
def test_exact_match(capsys):
    result = check.compare("x.grad", [4.0, 6.0], [4.0, 6.0])
    assert result and result == True  # noqa: E712 - the documented bool-like behaviour
    assert lines(capsys) == ["[PASS] x.grad: exact match"]


def test_approximately_equal_reports_max_difference(capsys):
    result = check.compare("x.grad", np.array([1.0, 2.0 + 2.4e-7]), [1.0, 2.0])
    assert result
    assert lines(capsys) == ["[PASS] x.grad: approximately equal (max difference 2.4e-07)"]


def test_mismatch_with_hint(capsys):
    result = check.compare("x.grad", [4.0, 6.5], [4.0, 6.0], hint="d(x²)/dx = 2x")
    assert not result and result == False  # noqa: E712
    assert lines(capsys) == ["[FAIL] x.grad: max difference 0.5 — hint: d(x²)/dx = 2x"]


def test_mismatch_without_hint(capsys):
    check.compare("w", 3.0, 1.0)
    assert lines(capsys) == ["[FAIL] w: max difference 2"]


def test_tolerances_are_used(capsys):
    assert not check.compare("a", 1.001, 1.0)
    assert check.compare("a", 1.001, 1.0, rtol=1e-2)
    assert lines(capsys) == ["[FAIL] a: max difference 0.001",
                             "[PASS] a: approximately equal (max difference 0.001)"]


def test_shape_mismatch(capsys):
    assert not check.compare("x.grad", [1.0, 2.0, 3.0], [1.0, 2.0], hint="h")
    assert not check.compare("y", [[1.0, 2.0]], [1.0, 2.0])
    assert not check.compare("z", [1.0], 1.0)
    assert lines(capsys) == ["[FAIL] x.grad: shape (3,), expected shape (2,) — hint: h",
                             "[FAIL] y: shape (1, 2), expected shape (2,)",
                             "[FAIL] z: shape (1,), expected shape ()"]


def test_tensors_against_lists_numbers_and_arrays(capsys):
    x = gradlab.tensor([2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    assert check.compare("x.grad", x.grad, [4.0, 6.0])
    assert check.compare("x.grad", x.grad, np.array([4.0, 6.0]))
    assert check.compare("x", x, gradlab.tensor([2.0, 3.0]))      # requires_grad: detached
    assert check.compare("s", gradlab.tensor(24.0), 24)              # 0-d tensor vs int
    assert check.compare("i", gradlab.tensor([1, 2]), [1.0, 2.0])    # int vs float
    assert lines(capsys) == ["[PASS] x.grad: exact match", "[PASS] x.grad: exact match",
                             "[PASS] x: exact match", "[PASS] s: exact match", "[PASS] i: exact match"]


def test_float32_tensor_against_float64_expected(capsys):
    t = gradlab.tensor([0.1, 0.2])                       # float32: not exactly 0.1
    assert check.compare("t", t, [0.1, 0.2])
    out = lines(capsys)
    assert len(out) == 1 and out[0].startswith("[PASS] t: approximately equal (max difference ")


@pytest.mark.torch
def test_torch_tensors():
    torch = pytest.importorskip("torch")
    x = torch.tensor([2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    assert check.compare("x.grad", x.grad, gradlab.tensor([4.0, 6.0]))
    assert check.compare("x", x, [2.0, 3.0])


def test_nan_and_inf(capsys):
    assert check.compare("a", [float("nan"), 1.0], [float("nan"), 1.0])
    assert check.compare("b", [float("inf")], [float("inf")])
    assert not check.compare("c", [float("nan")], [1.0])
    assert not check.compare("d", [float("inf")], [1.0])
    assert lines(capsys) == ["[PASS] a: exact match", "[PASS] b: exact match",
                             "[FAIL] c: max difference inf", "[FAIL] d: max difference inf"]


def test_non_numeric_values_compare_with_equality(capsys):
    assert check.compare("name", "MulBackward0", "MulBackward0")
    assert not check.compare("name", "AddBackward0", "MulBackward0", hint="look at grad_fn")
    assert check.compare("flag", True, True)
    assert lines(capsys) == ["[PASS] name: exact match",
                             "[FAIL] name: not equal to the expected value — hint: look at grad_fn",
                             "[PASS] flag: exact match"]


def test_result_displays_nothing_in_ipython():
    result = check.compare("a", 1, 1)
    assert result._ipython_display_() is None
    assert repr(result) == "True"
    assert result != False  # noqa: E712


# -------------------------------------------------------------------------------------- answer
def test_answer_evaluates_in_callers_locals(capsys):
    def solution_cell_then_check():
        x = gradlab.tensor(2.0, requires_grad=True)
        (x ** 3).backward()
        return check.answer("x.grad", 12.0, hint="3x²")

    assert solution_cell_then_check()
    assert lines(capsys) == ["[PASS] x.grad: exact match"]


w_module_level = gradlab.tensor([1.0, 2.0])


def test_answer_evaluates_in_callers_globals(capsys):
    assert check.answer("w_module_level * 2", [2.0, 4.0])
    assert lines(capsys) == ["[PASS] w_module_level * 2: exact match"]


def test_answer_not_yet_when_name_missing(capsys):
    assert check.answer("undefined_name.grad", 1.0, hint="h") is None
    assert lines(capsys) == ["[NOT YET] undefined_name.grad is not defined — run your solution "
                             "cell above, then run this cell again."]


def test_answer_not_yet_when_attribute_missing_or_none(capsys):
    x = gradlab.tensor(2.0, requires_grad=True)          # no backward yet: x.grad is None
    assert check.answer("x.grad", 4.0) is None
    assert check.answer("x.no_such_attribute", 4.0) is None
    assert lines(capsys) == [
        "[NOT YET] x.grad is None — run your solution cell above, then run this cell again.",
        "[NOT YET] x.no_such_attribute is not defined — run your solution cell above, "
        "then run this cell again.",
    ]
    del x


def test_answer_never_raises_on_other_errors(capsys):
    x = gradlab.tensor([1.0])  # noqa: F841 - used by the expression
    assert not check.answer("x[5]", 1.0, hint="index")
    out = lines(capsys)
    assert len(out) == 1 and out[0].startswith("[FAIL] x[5]: evaluating it raised IndexError: ")
    assert out[0].endswith(" — hint: index")


def test_answer_mismatch_and_shape(capsys):
    g = [4.0, 6.5]  # noqa: F841
    assert check.answer("g", [4.0, 6.0], hint="2x") == False  # noqa: E712
    assert check.answer("g", [4.0], hint="2x") == False  # noqa: E712
    assert lines(capsys) == ["[FAIL] g: max difference 0.5 — hint: 2x",
                             "[FAIL] g: shape (2,), expected shape (1,) — hint: 2x"]


def test_no_ansi_escapes(capsys):
    x = gradlab.tensor([1.0])  # noqa: F841
    check.answer("x", [1.0])
    check.answer("x", [2.0], hint="h")
    check.answer("nope", 1)
    check.predict("q", "a", explain="e")
    assert "\x1b" not in capsys.readouterr().out


# ------------------------------------------------------------------------------------- predict
def test_predict_html_and_text():
    p = check.Prediction("What is `x.grad`?", "tensor([4., 6.])", explain="2x < 3x & more")
    assert p._repr_html_() == (
        '<div class="gradlab-predict"><p><b>Predict:</b> What is <code>x.grad</code>?</p>'
        "<details><summary>Reveal the answer</summary>"
        "<p><b>Answer:</b> tensor([4., 6.])</p><p>2x &lt; 3x &amp; more</p></details></div>")
    assert repr(p) == ("Predict: What is `x.grad`?\n"
                       "   Answer (think first!): tensor([4., 6.])\n"
                       "   Why: 2x < 3x & more")


def test_predict_without_explanation():
    p = check.Prediction("q", "a")
    assert "Why" not in repr(p)
    assert p._repr_html_().endswith("<p><b>Answer:</b> a</p></details></div>")


def test_predict_returns_none_and_displays(capsys):
    assert check.predict("q?", "a") is None
    # outside IPython, display() prints the text/plain version
    assert capsys.readouterr().out == "Predict: q?\n   Answer (think first!): a\n"


# ---------------------------------------------------------------------------------- the marks
def test_marks_are_ascii_so_every_font_has_them(capsys):
    """Emoji marks (✅ ❌ ⏳ 🤔) rendered as empty boxes in Chromium on Debian, which has no emoji
    font. Everything the checks print around the learner's own text (name, hint, question,
    answer) must be plain ASCII, the em dash aside (every text font has it)."""
    x = gradlab.tensor([1.0])  # noqa: F841 - used by the expressions
    check.answer("x", [1.0])
    check.answer("x", [1.0 + 1e-7])
    check.answer("x", [2.0], hint="h")
    check.answer("x", [1.0, 2.0], hint="h")
    check.answer("x[9]", 1.0)
    check.answer("nope", 1)
    check.compare("s", "a", "b", hint="h")
    check.predict("q", "a", explain="e")
    out = capsys.readouterr().out + check.Prediction("q", "a", "e")._repr_html_()
    assert {c for c in out if ord(c) > 127} <= {"—"}, out
    for mark in (check.PASS, check.FAIL, check.NOT_YET, check.PREDICT):
        assert mark in out and mark.isascii()
