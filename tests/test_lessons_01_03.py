"""Claims the prose of lessons 01–03 makes about their own code, proved by running that code
(issue 10: a first walk-through found a stepper that started from a stale gradient, and a count
in the prose that the code did not do)."""
import re
import sys

import nbformat
import numpy as np
import pytest

from course_notebooks import COURSE, execute, read

WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}


def cell(nb, cid):
    return next(c for c in nb.cells if c.get("id") == cid)


def test_lesson_02_finite_differences_evaluate_the_function_as_often_as_the_prose_says():
    nb = read(COURSE / "02_tutorial_by_hand.ipynb")
    prose = cell(nb, "derivation-graph").source
    said = re.search(r"function evaluated (\w+) times", prose)
    assert said, "the prose no longer says how often the function is evaluated"
    calls = []

    def count(frame, event, arg):
        if event == "call" and frame.f_code.co_name == "f":
            calls.append(1)

    sys.setprofile(count)
    try:
        exec(cell(nb, "finite-diff").source, {"print": lambda *a, **k: None})
    finally:
        sys.setprofile(None)
    assert WORDS[said.group(1)] == len(calls) == 6     # 3 elements, x + h·e and x − h·e each


def test_lesson_03_stepper_starts_from_a_clean_leaf_and_ends_at_vjp(tmp_path):
    """The stepper cell's graph, as the lesson builds it: its last frame must be vᵀJ (by hand:
    vᵢ · 6yᵢ), not vᵀJ plus what an earlier backward(v) left in x.grad."""
    nb = read(COURSE / "03_nonscalar_outputs.ipynb")
    ids = [c.get("id") for c in nb.cells]
    nb.cells = nb.cells[:ids.index("stepper-widget")]
    probe = nbformat.v4.new_code_cell(
        "from gradlab import viz\n"
        "print(viz.backward_steps(z, gradient=v, names=locals())[-1].grads['x'].tolist())")
    nb.cells.append(probe)
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs = []
    execute(nb, COURSE)
    final = [float(s) for s in re.findall(r"[-\d.e]+", nb.cells[-1].outputs[0]["text"])]
    v, y = np.array([0.1, 1.0, 0.001]), np.array([3.0, 4.0, 5.0])
    np.testing.assert_allclose(final, v * 6 * y, rtol=1e-6)
