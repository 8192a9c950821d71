"""The lessons are PyTorch code: run them on real PyTorch and compare with what gradlab printed.

Every course notebook is executed (in its folder, by nbclient) with ``import gradlab as torch``
turned into ``import torch`` and the ``gradlab-only`` cells left out. Each remaining cell's text
outputs (stdout, text/plain, an error's type and message; sanitized like nbval does) must equal
the outputs stored in the notebook, which gradlab produced. Cells whose output nbval ignores are
run but not compared.

Differences must be listed, with a reason, in course/parity_exceptions.toml; an entry that no
longer differs must be removed.
"""
import copy
import difflib

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest depends on tomli there
    import tomli as tomllib

import pytest

from course_notebooks import (COURSE, FIXTURES, NOTEBOOK_IDS, NOTEBOOKS, code_cells, compared_text,
                              execute, read, sanitize_patterns, tags, to_pytorch)

EXCEPTIONS_FILE = COURSE / "parity_exceptions.toml"

pytestmark = pytest.mark.torch


def load_exceptions():
    data = tomllib.loads(EXCEPTIONS_FILE.read_text(encoding="utf-8"))
    unknown = set(data) - {"difference"}
    assert not unknown, f"{EXCEPTIONS_FILE.name}: unknown tables {unknown}"
    entries = data.get("difference", [])
    for e in entries:
        assert set(e) == {"notebook", "cell", "reason"}, (
            f"{EXCEPTIONS_FILE.name}: each [[difference]] has exactly notebook, cell, reason: {e}")
        assert e["reason"].strip(), f"{EXCEPTIONS_FILE.name}: empty reason for {e}"
    return {(e["notebook"], e["cell"]): e["reason"] for e in entries}


def compared(cell) -> bool:
    t = tags(cell)
    return not t & {"gradlab-only", "nbval-skip", "nbval-ignore-output"}


def pytorch_version(nb):
    """The notebook as a learner would run it on PyTorch: gradlab-only cells emptied."""
    nb = copy.deepcopy(nb)
    for cell in code_cells(nb):
        cell.outputs = []
        cell.execution_count = None
        cell.source = "" if "gradlab-only" in tags(cell) else to_pytorch(cell.source)
    return nb


def parity_differences(path):
    """{cell id: readable diff} between the stored outputs and PyTorch's, for compared cells."""
    stored = read(path)
    ran = execute(pytorch_version(stored), path.parent)
    patterns = sanitize_patterns()
    differences = {}
    for ours, theirs in zip(code_cells(stored), code_cells(ran)):
        if not compared(ours) or not ours.source.strip():
            continue
        a, b = compared_text(ours, patterns), compared_text(theirs, patterns)
        if a != b:
            render = lambda items: [f"[{k}] {line}" for k, v in items for line in v.splitlines()]
            diff = "\n".join(difflib.unified_diff(render(a), render(b), "gradlab (stored)",
                                                  "pytorch", lineterm="", n=2))
            differences[ours.id] = diff
    return differences


def test_exceptions_file_names_existing_cells():
    exceptions = load_exceptions()
    for notebook, cell in exceptions:
        path = COURSE / notebook
        assert path in NOTEBOOKS, f"{EXCEPTIONS_FILE.name}: no notebook {notebook}"
        ids = {c.id for c in read(path).cells}
        assert cell in ids, f"{EXCEPTIONS_FILE.name}: {notebook} has no cell {cell!r}"


@pytest.mark.slow  # a kernel importing torch per notebook: ~7 s each, > 30 s for the course
@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_lessons_print_what_pytorch_prints(path):
    pytest.importorskip("torch")
    exceptions = {cell: reason for (nb, cell), reason in load_exceptions().items()
                  if nb == path.name}
    differences = parity_differences(path)
    unlisted = {cell: d for cell, d in differences.items() if cell not in exceptions}
    stale = sorted(set(exceptions) - set(differences))
    message = []
    for cell, diff in unlisted.items():
        message.append(f"{path.name}, cell {cell!r}: gradlab and PyTorch print different things\n"
                       f"{diff}\n(fix gradlab or the lesson; or, if the difference is expected, "
                       f"list it in course/{EXCEPTIONS_FILE.name} with the reason)")
    for cell in stale:
        message.append(f"{path.name}, cell {cell!r} is listed in {EXCEPTIONS_FILE.name} but no "
                       f"longer differs: remove the entry")
    assert not message, "\n\n".join(message)


def test_parity_machinery_on_the_fixture_lesson():
    """The fixture has a gradlab-only check cell, a solution, a raises-exception cell: all
    compared cells agree with PyTorch, and the check cell is skipped."""
    pytest.importorskip("torch")
    assert parity_differences(FIXTURES / "lesson.ipynb") == {}


def test_parity_machinery_reports_a_difference(tmp_path):
    pytest.importorskip("torch")
    nb = read(FIXTURES / "lesson.ipynb")
    first = next(c for c in code_cells(nb) if compared(c) and c.outputs)
    first.outputs[0]["text"] = "something else\n"
    path = tmp_path / "lesson.ipynb"
    import nbformat
    nbformat.write(nb, path)
    differences = parity_differences(path)
    assert list(differences) == [first.id]
    assert "-[stdout] something else" in differences[first.id]
