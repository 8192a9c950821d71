"""Real beginner PyTorch code runs unchanged under gradlab and prints what PyTorch prints.

The corpus (``tutorial_corpus.py``) is the autograd code of public introductions. Every case runs
twice, in two subprocesses: under torch 2.13.0 (the expected printout, produced now, never
stored) and under gradlab answering ``import torch``. Printouts are compared character for
character, except that object addresses (``0x7f...``) never match and, in cases that draw random
numbers (``mask="numbers"``), the numbers, the spacing around them and the line breaks that
depend on their widths are masked. Cases that
need names gradlab lacks are xfail(strict=True): they turn into failures the day they pass, so
the marks cannot go stale.
"""
from __future__ import annotations

import difflib
import functools
import json
import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tutorial_corpus import CASES, SOURCES  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
pytestmark = pytest.mark.torch


@functools.lru_cache(maxsize=None)
def printouts(library):
    """``{case id: printout}`` for every case, run once per session per library."""
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, os.path.join(HERE, "tutorial_runner.py"), library],
                          capture_output=True, text=True, timeout=900, cwd=HERE, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_SUFFIX = re.compile(r",\s*(grad_fn|requires_grad|dtype)=")
_NUMBER = re.compile(r"\s*-?(?:\d+\.\d*|\.\d+|\d+)(?:e[+-]?\d+)?\s*")


def normalize(text, mask):
    text = _ADDRESS.sub("0x…", text)
    if mask == "numbers":
        text = _NUMBER.sub("#", text)
        # Whether a repr's suffix wraps to its own line depends on the numbers' widths too.
        text = _SUFFIX.sub(r", \1=", text)
    return text


def _param(c):
    marks = []
    if c["needs"]:
        marks.append(pytest.mark.xfail(strict=True, reason=f"needs {', '.join(c['needs'])}: issue 12"))
    return pytest.param(c, id=c["id"], marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_prints_what_pytorch_prints(case):
    pytest.importorskip("torch")
    expected = normalize(printouts("torch")[case["id"]], case["mask"])
    got = normalize(printouts("gradlab")[case["id"]], case["mask"])
    assert got == expected, "\n".join(difflib.unified_diff(
        expected.splitlines(), got.splitlines(), "pytorch", "gradlab", lineterm=""))


def test_corpus_breadth():
    """At least 40 cases from at least 5 public repositories, each case's source recorded."""
    repos = {SOURCES[c["source"]][0] for c in CASES}
    assert len(CASES) >= 40 and len(repos) >= 5, (len(CASES), repos)
    assert len({c["id"] for c in CASES}) == len(CASES)
    for repo, path, commit in SOURCES.values():
        assert re.fullmatch(r"[0-9a-f]{40}", commit) and path and "/" in repo


def test_masked_cases_have_a_fixed_variant_or_say_why():
    """A masked case checks structure only; a deterministic twin (``<id>-fixed``) checks the
    numbers, or the case says why no fixed variant could."""
    ids = {c["id"] for c in CASES}
    lacking = [c["id"] for c in CASES if c["mask"] and c["id"] + "-fixed" not in ids and not c["why"]]
    assert not lacking, lacking


def missing_names():
    """Every name the corpus needs that gradlab lacks (the xfail reasons), with its cases."""
    names = {}
    for c in CASES:
        for n in c["needs"]:
            names.setdefault(n, []).append(c["id"])
    return names


if __name__ == "__main__":
    for name, ids in sorted(missing_names().items()):
        print(f"{name}: {', '.join(ids)}")
