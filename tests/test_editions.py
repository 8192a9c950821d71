"""The learner and live-coding editions: generated from the course by scripts/make-editions.

- the committed course/editions/ are exactly what the script writes today;
- the learner edition (solutions emptied) runs top to bottom without an error: self-checks say
  "not yet" instead of crashing;
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


def test_learner_edition_empties_solutions_only(fixture_editions):
    source = cells_by_id(read(FIXTURE))
    learner = cells_by_id(read(fixture_editions / "learner" / FIXTURE.name))
    assert learner["solution"].source == ""
    for cid in ("imports", "data", "check", "grad-fn", "vector-backward", "predict", "sum"):
        assert learner[cid].source == source[cid].source
    assert learner["check"].metadata["tags"] == ["gradlab-only"]   # tags kept


def test_live_edition_keeps_setup_and_first_import_only(fixture_editions):
    source = cells_by_id(read(FIXTURE))
    live = cells_by_id(read(fixture_editions / "live" / FIXTURE.name))
    assert live["imports"].source == source["imports"].source      # the first import cell
    assert live["data"].source == source["data"].source            # tagged setup
    for cid in ("solution", "check", "grad-fn", "vector-backward", "predict", "sum"):
        assert live[cid].source == "", cid
    assert live["title"].source == source["title"].source          # prose kept
    assert live["exercise"].source == source["exercise"].source


def test_fixture_learner_edition_runs_and_says_not_yet(fixture_editions):
    path = fixture_editions / "learner" / FIXTURE.name
    nb = execute(read(path), path.parent, allow_errors=False)   # raises-exception cells allowed
    check = cells_by_id(nb)["check"]
    assert [o.text for o in check.outputs] == [
        "⏳ not yet: x.grad is not defined — run your solution cell above, then run this cell again.\n"]
    assert cells_by_id(nb)["vector-backward"].outputs[0].output_type == "error"


def test_fixture_live_edition_runs(fixture_editions):
    path = fixture_editions / "live" / FIXTURE.name
    execute(read(path), path.parent, allow_errors=False)


def test_editions_are_deterministic(tmp_path, fixture_editions):
    again = tmp_path / "again"
    assert make_editions(again, FIXTURE) == 0
    for edition in ("learner", "live"):
        a = (fixture_editions / edition / FIXTURE.name).read_bytes()
        b = (again / edition / FIXTURE.name).read_bytes()
        assert a == b
        assert a.endswith(b"}\n") and b"\r" not in a
