"""The learner and live-coding editions: generated from the course by scripts/make-editions.

- the committed course/editions/ are exactly what the script writes today;
- the learner edition (solutions emptied) runs top to bottom without an error: self-checks say
  "not yet" instead of crashing;
- the live edition keeps prompts and self-checks, and every cell it empties keeps its hint;
- self-check cells have their source hidden (it holds the answer);
- the transformations themselves, on a fixture lesson with one of each kind of cell.
"""
import shutil

import pytest

from course_notebooks import (COURSE, FIXTURES, NOTEBOOK_IDS, NOTEBOOKS, code_cells, execute,
                              editions_module, make_editions, read, run_make_editions,
                              tags)

EDITIONS = COURSE / "editions"
FIXTURE = FIXTURES / "lesson.ipynb"


@pytest.fixture(scope="module")
def fresh_editions(tmp_path_factory):
    out = tmp_path_factory.mktemp("editions")
    assert make_editions(out) == 0
    return out


@pytest.fixture(scope="module")
def fixture_editions(tmp_path_factory):
    out = tmp_path_factory.mktemp("fixture-editions")
    assert make_editions(out, FIXTURE) == 0
    return out


# --------------------------------------------------------------------- the committed editions
def test_committed_editions_are_current(fresh_editions):
    expected = sorted(p.relative_to(fresh_editions) for p in fresh_editions.rglob("*.ipynb"))
    committed = sorted(p.relative_to(EDITIONS) for p in EDITIONS.rglob("*.ipynb"))
    assert committed == expected, "run scripts/make-editions (or scripts/store-outputs)"
    stale = [str(rel) for rel in expected
             if (EDITIONS / rel).read_bytes() != (fresh_editions / rel).read_bytes()]
    assert not stale, f"editions out of date, run scripts/make-editions: {stale}"


def test_every_notebook_has_both_editions():
    for path in NOTEBOOKS:
        for edition in ("learner", "live"):
            assert (EDITIONS / edition / path.name).exists(), f"{edition}/{path.name} missing"


def test_make_editions_check_mode(fresh_editions, tmp_path):
    """The command itself: --check passes on current editions, fails on a changed one."""
    copy = tmp_path / "editions"
    shutil.copytree(fresh_editions, copy)
    assert editions_module().main(["--check", "--out", str(copy)]) == 0
    victim = next(copy.rglob("*.ipynb"))
    victim.write_text(victim.read_text(encoding="utf-8") + " ", encoding="utf-8")
    result = run_make_editions("--check", "--out", str(copy))
    assert result.returncode == 1 and "out of date" in result.stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_learner_edition_runs_without_error(path):
    learner = EDITIONS / "learner" / path.name
    nb = execute(read(learner), learner.parent, allow_errors=False)
    for cell in code_cells(nb):
        if "raises-exception" in tags(cell):
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, f"learner/{path.name}, cell {cell.id!r}: {errors[0].evalue}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_editions_have_no_outputs_and_keep_the_prose(path):
    source = read(path)
    for edition in ("learner", "live"):
        nb = read(EDITIONS / edition / path.name)
        assert [c.id for c in nb.cells] == [c.id for c in source.cells]
        assert "widgets" not in nb.metadata
        for ours, theirs in zip(nb.cells, source.cells):
            if ours.cell_type == "code":
                assert ours.outputs == [] and ours.execution_count is None
            else:
                assert ours.source == theirs.source


# ----------------------------------------------------------- the transformations, on the fixture
def cells_by_id(nb):
    return {c.id: c for c in nb.cells}


def test_learner_edition_empties_solutions_to_their_hint(fixture_editions):
    source = cells_by_id(read(FIXTURE))
    learner = cells_by_id(read(fixture_editions / "learner" / FIXTURE.name))
    assert learner["solution"].source == (
        "# Exercise: make x require grad and backpropagate (x * x).sum()")
    for cid in ("imports", "data", "check", "grad-fn", "diagram", "vector-backward", "predict",
                "sum"):
        assert learner[cid].source == source[cid].source
    assert learner["check"].metadata["tags"] == ["gradlab-only"]   # tags kept


def test_live_edition_keeps_prompts_checks_and_setup_and_leaves_hints(fixture_editions):
    """Finding 4 of issue 10: the live edition had emptied every code cell but the import,
    prediction prompts and checks included, with no hint of what goes in the empty cells."""
    source = cells_by_id(read(FIXTURE))
    live = cells_by_id(read(fixture_editions / "live" / FIXTURE.name))
    for cid in ("imports", "data", "check", "predict", "diagram"):   # setup, self-checks, diagram
        assert live[cid].source == source[cid].source, cid
    hints = {"solution": "# Exercise: make x require grad and backpropagate (x * x).sum()",
             "grad-fn": "# y * 2 records a MulBackward0 node",
             "vector-backward": "# backward() on a vector: the error is the lesson",
             "sum": "# The sum of z, as a cell's last expression"}
    for cid, hint in hints.items():                                  # the code to type
        assert live[cid].source == hint, cid
    assert live["title"].source == source["title"].source          # prose kept
    assert live["exercise"].source == source["exercise"].source


def test_hint_is_the_first_comment_line_only():
    hint = editions_module().hint
    assert hint("# Freeze the backbone\nfor p in model.parameters():\n    p.requires_grad_(False)") == (
        "# Freeze the backbone")
    assert hint("x = 1  # not a hint\ny = 2") == ""
    assert hint("") == ""


def test_self_check_sources_are_hidden_everywhere(fixture_editions):
    """Finding 3 of issue 10: a check.predict cell's code, right above "Reveal the answer",
    contained the answer. Self-check cells are hidden in every edition; other cells are not."""
    for nb in (read(fixture_editions / "learner" / FIXTURE.name),
               read(fixture_editions / "live" / FIXTURE.name)):
        hidden = {c.id for c in nb.cells
                  if c.get("metadata", {}).get("jupyter", {}).get("source_hidden")}
        assert hidden == {"check", "predict"}


def test_hide_self_checks_finds_calls_not_mentions():
    module = editions_module()
    import nbformat
    cells = [nbformat.v4.new_code_cell(s) for s in (
        "# Check\nfrom gradlab import check\ncheck.answer('x', 1)",
        "check.predict(\n  'q', 'a')",
        "# check.answer('x', 1) would check it",
        "x = 1",
    )]
    assert [module.is_self_check(c) for c in cells] == [True, True, False, False]


def test_fixture_learner_edition_runs_and_says_not_yet(fixture_editions):
    path = fixture_editions / "learner" / FIXTURE.name
    nb = execute(read(path), path.parent, allow_errors=False)   # raises-exception cells allowed
    check = cells_by_id(nb)["check"]
    assert [o.text for o in check.outputs] == [
        "[NOT YET] x.grad is not defined — run your solution cell above, then run this cell again.\n"]
    assert cells_by_id(nb)["vector-backward"].outputs[0].output_type == "error"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_live_edition_keeps_every_prompt_and_leaves_a_hint_in_every_empty_cell(path):
    """In every lesson's live edition: the self-checks and prompts are there, unchanged, and a
    cell that was emptied still says what goes in it (its first comment line)."""
    module = editions_module()
    live = {c.id: c for c in read(EDITIONS / "live" / path.name).cells}
    problems = []
    for cell in code_cells(read(path)):
        ours = live[cell.id].source
        if module.is_self_check(cell) and ours != cell.source:
            problems.append(f"{cell.id}: self-check emptied")
        if ours != cell.source and (not ours or ours != module.hint(cell.source)):
            problems.append(f"{cell.id}: emptied without a hint (start the cell with a one-line "
                            f"'# ...' comment saying what it does)")
    assert not problems, f"live/{path.name}:\n" + "\n".join(problems)


def test_editions_are_deterministic(tmp_path, fixture_editions):
    again = tmp_path / "again"
    assert make_editions(again, FIXTURE) == 0
    for edition in ("learner", "live"):
        a = (fixture_editions / edition / FIXTURE.name).read_bytes()
        b = (again / edition / FIXTURE.name).read_bytes()
        assert a == b
        assert a.endswith(b"}\n") and b"\r" not in a
