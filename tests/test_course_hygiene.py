"""Guards for the course notebooks, so that nbval's comparison means something.

nbval silently skips cells with no stored execution, and compares whatever was stored: these
tests fail on the ways a notebook can pass nbval without being checked, or fail it on another
machine. Every course/*.ipynb is checked; see course/README.md for the conventions.
"""
import re

import pytest

from course_notebooks import (COURSE, NOTEBOOK_IDS, NOTEBOOKS, ROOT, code_cells,
                              editions_module, gradlab_names, output_texts, read, tags,
                              to_pytorch, uses_gradlab_by_name)

NAME = re.compile(r"^(\d\d)_[a-z0-9]+(?:_[a-z0-9]+)*\.ipynb$")
ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,16}\b")
ABSOLUTE_PATH = re.compile(
    re.escape(str(ROOT)) + r"|/root/|/tmp/|/home/|/Users/|/var/folders/|/usr/lib/|/usr/local/"
    r"|/opt/|site-packages|dist-packages|[A-Za-z]:\\\\?Users")

per_notebook = pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)


def where(path, cell):
    return f"{path.name}, cell {cell.get('id')!r}"


def test_course_has_a_welcome_notebook():
    assert (COURSE / "00_welcome.ipynb").exists()


def test_notebooks_are_numbered_contiguously_from_00():
    names = [p.name for p in NOTEBOOKS]
    bad = [n for n in names if not NAME.match(n)]
    assert not bad, f"course notebooks must be named NN_slug.ipynb (lowercase, _): {bad}"
    numbers = [int(NAME.match(n).group(1)) for n in names]
    assert numbers == list(range(len(numbers))), (
        f"notebook numbers must be 00, 01, 02, ... without gaps or repeats: {names}")


@per_notebook
def test_kernelspec_is_python3(path):
    nb = read(path)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


@per_notebook
def test_no_widget_state_or_timings(path):
    nb = read(path)
    assert "widgets" not in nb.metadata, (
        f"{path.name}: widget state stored (scripts/store-outputs drops it)")
    timed = [where(path, c) for c in nb.cells if "execution" in c.get("metadata", {})]
    assert not timed, f"cell timings stored (use scripts/store-outputs): {timed}"


@per_notebook
def test_cell_ids_are_unique(path):
    ids = [c.get("id") for c in read(path).cells]
    assert None not in ids
    assert len(ids) == len(set(ids)), f"{path.name}: duplicate cell ids"


@per_notebook
def test_every_code_cell_has_stored_outputs(path):
    """nbval does not compare a cell that has never been executed: it would pass unchecked."""
    missing = [where(path, c) for c in code_cells(read(path))
               if c.source.strip() and c.execution_count is None and "nbval-skip" not in tags(c)]
    assert not missing, f"cells never executed (run scripts/store-outputs {path.name}): {missing}"


@per_notebook
def test_errors_only_where_the_lesson_is_the_error(path):
    for cell in code_cells(read(path)):
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if "raises-exception" in tags(cell):
            assert errors, f"{where(path, cell)} is tagged raises-exception but stores no error"
        else:
            assert not errors, (
                f"{where(path, cell)} stores an error: {errors[0].ename}: {errors[0].evalue} "
                f"(fix it, or tag the cell raises-exception if the error is the lesson)")


@per_notebook
def test_no_memory_addresses_or_absolute_paths_in_outputs(path):
    problems = []
    for cell in code_cells(read(path)):
        for part, text in output_texts(cell):
            if m := ADDRESS.search(text):
                problems.append(f"{where(path, cell)} {part}: memory address {m.group(0)}")
            if m := ABSOLUTE_PATH.search(text):
                problems.append(f"{where(path, cell)} {part}: absolute path {m.group(0)!r}")
    assert not problems, ("stored outputs must not depend on the machine (scripts/store-outputs "
                          "sanitizes addresses and paths):\n" + "\n".join(problems))


@per_notebook
def test_gradlab_only_tag_matches_use_of_gradlab_by_name(path):
    """gradlab-only <=> the cell names gradlab, or a name imported from it (``check``...)."""
    cells = code_cells(read(path))
    names = gradlab_names(c.source for c in cells)
    problems = []
    for cell in cells:
        uses = uses_gradlab_by_name(cell.source, names)
        tagged = "gradlab-only" in tags(cell)
        if uses and not tagged:
            problems.append(f"{where(path, cell)} uses gradlab by name: tag it gradlab-only (keep "
                            f"`import gradlab as torch` in a cell of its own: the PyTorch run "
                            f"needs it)")
        if tagged and not uses:
            problems.append(f"{where(path, cell)} is tagged gradlab-only but is plain PyTorch "
                            f"code: remove the tag (the parity run should check it)")
    assert not problems, "\n".join(problems)


@per_notebook
def test_diagram_and_widget_outputs_are_not_compared(path):
    problems = []
    for cell in code_cells(read(path)):
        t = tags(cell)
        if t & {"diagram", "widget"} and "nbval-ignore-output" not in t:
            problems.append(f"{where(path, cell)} is a diagram/widget: add nbval-ignore-output "
                            f"(test its DOT / logic in tests/test_viz.py or tests/test_widgets.py)")
        if "nbval-ignore-output" in t and not t & {"diagram", "widget"}:
            comments = [line for line in cell.source.splitlines()
                        if line.lstrip().startswith("#") and "nbval" in line]
            if not comments:
                problems.append(f"{where(path, cell)} ignores its output: say why in a comment "
                                f"that mentions nbval, or tag it diagram/widget")
        if "raises-exception" in t and "nbval-ignore-output" in t:
            problems.append(f"{where(path, cell)}: an expected error's message is the lesson; "
                            f"don't ignore its output")
    assert not problems, "\n".join(problems)


@per_notebook
def test_no_nbval_comment_markers(path):
    """Tags do the job (and show in JupyterLab); a comment marker doubles it or is ignored."""
    marked = [where(path, c) for c in code_cells(read(path))
              if re.search(r"^\s*#\s*NBVAL_", c.source, re.MULTILINE)]
    assert not marked, f"use cell tags instead of # NBVAL_ comments: {marked}"


@per_notebook
def test_every_code_cell_starts_with_a_comment_saying_what_it_does(path):
    """The live edition empties the code to type and keeps this line as the hint; the learner
    edition keeps it in an emptied solution cell (course/README.md, "Cell hints")."""
    missing = [where(path, c) for c in code_cells(read(path))
               if not re.match(r"#\s*\S", c.source.split("\n", 1)[0])]
    assert not missing, ("start every code cell with a one-line '# ...' comment saying what "
                         f"it does: {missing}")


@per_notebook
def test_self_check_sources_are_hidden(path):
    """A self-check cell holds the answer (check.predict's answer, check.answer's expected
    value): its source is hidden, so the learner predicts before seeing it."""
    module = editions_module()
    shown = [where(path, c) for c in read(path).cells if module.is_self_check(c)
             and not c.get("metadata", {}).get("jupyter", {}).get("source_hidden")]
    assert not shown, (f"self-check cells with visible source (scripts/store-outputs "
                       f"{path.name} hides them): {shown}")


def _fresh_machine_glyphs():
    """Code points of DejaVu Sans and DejaVu Sans Mono (matplotlib ships both): the fonts a
    fresh Debian has (fontconfig pulls in fonts-dejavu-core). No emoji font is among them."""
    fonttools = pytest.importorskip("fontTools.ttLib")
    matplotlib = pytest.importorskip("matplotlib")
    from pathlib import Path
    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    glyphs = set()
    for name in ("DejaVuSans.ttf", "DejaVuSansMono.ttf"):
        glyphs |= set(fonttools.TTFont(fonts / name).getBestCmap())
    return glyphs


@per_notebook
def test_every_character_has_a_glyph_on_a_fresh_machine(path):
    """Emoji (✅ ❌ ⏳ 🤔) rendered as empty boxes in Chromium on Debian: no emoji font. Every
    character of the prose, the code and the stored outputs must be in the fonts every Debian
    has (DejaVu), so what the learner reads is what the author wrote."""
    glyphs = _fresh_machine_glyphs()
    missing = {}
    for cell in read(path).cells:
        texts = [cell.source] + [text for _, text in output_texts(cell)]
        for text in texts:
            for ch in text:
                if ord(ch) > 127 and ord(ch) not in glyphs:
                    missing.setdefault(f"U+{ord(ch):04X} {ch}", where(path, cell))
    assert not missing, ("characters no font on a fresh Debian has (they show as empty boxes; "
                         f"use words or marks like [PASS]): {missing}")


@per_notebook
def test_every_exercise_has_a_solution_and_a_check(path):
    """An "Exercise" heading starts an exercise: before the next heading there is a `solution`
    cell and a check.answer cell. A question with nothing to check is a "Predict", not an
    exercise (issue 10: "Exercise 3" in 01 and "Exercise 1" in 02 had no check)."""
    problems, current, found = [], None, set()

    def close():
        if current is not None and found != {"solution", "check"}:
            problems.append(f"{path.name}, {current!r}: no "
                            + " and no ".join(sorted({"solution", "check"} - found)) + " cell")

    for cell in read(path).cells:
        if cell.cell_type == "markdown":
            headings = re.findall(r"^#+\s*(.*)$", cell.source, re.MULTILINE)
            if headings:
                close()
                current = next((h for h in headings if h.startswith("Exercise")), None)
                found = set()
        elif current is not None:
            if "solution" in tags(cell):
                found.add("solution")
            if re.search(r"\bcheck\.answer\s*\(", cell.source):
                found.add("check")
    close()
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- the helpers the guards rely on
@pytest.mark.parametrize("source, expected", [
    ("import gradlab as torch\nx = torch.ones(2)", False),
    ("  import gradlab as torch", False),
    ("import gradlab as torch    # in PyTorch: import torch", False),
    ("import gradlab as torch, gradlab.viz", True),
    ("from gradlab import check\ncheck.answer('x', 1)", True),
    ("import gradlab\nprint('ok')", True),
    ("gradlab.viz.draw(y)", True),
    ("x = torch.ones(2)  # gradlab prints the same", False),
    ("# only a comment about gradlab\nx = 1", False),
    ("%matplotlib inline\nimport gradlab.viz", True),
    ("import gradlab_extra as g", False),
])
def test_uses_gradlab_by_name(source, expected):
    assert uses_gradlab_by_name(source) is expected


def test_to_pytorch_keeps_the_rest_of_the_line():
    assert to_pytorch("import gradlab as torch    # in PyTorch: import torch\nx = 1") == (
        "import torch    # in PyTorch: import torch\nx = 1")
    assert to_pytorch("  import gradlab as torch") == "  import torch"
    assert to_pytorch("import gradlab as torchvision") == "import gradlab as torchvision"


def test_names_imported_from_gradlab_count_as_gradlab():
    sources = ["import gradlab as torch", "from gradlab import check", "import gradlab.viz as gv",
               "from gradlab.widgets import stepper as st"]
    names = gradlab_names(sources)
    assert names == {"gradlab", "check", "gv", "st"}
    assert uses_gradlab_by_name("check.predict('q', 'a')", names)
    assert uses_gradlab_by_name("gv.draw(y)", names)
    assert not uses_gradlab_by_name("print('check this')  # check", names)
    assert not uses_gradlab_by_name("y = torch.ones(2)", names)


@pytest.mark.parametrize("text", [
    f"File {ROOT}/gradlab/_tensor.py:12", "/tmp/ipykernel_12/3.py:1: UserWarning",
    "/home/ada/x.ipynb", "/root/.pyenv/lib/python3.11/site-packages/numpy/x.py",
    "C:\\Users\\ada\\x.py",
])
def test_absolute_paths_are_detected(text):
    assert ABSOLUTE_PATH.search(text)


@pytest.mark.parametrize("text", [
    "<ipykernel>/3.py:1: UserWarning", "tensor([4., 6.])", "File gradlab/_tensor.py:12",
    "<MulBackward0 object at 0xADDRESS>", "1/2 = 0.5",
])
def test_sanitized_text_passes(text):
    assert not ABSOLUTE_PATH.search(text) and not ADDRESS.search(text)
