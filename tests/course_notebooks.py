"""Shared helpers for the tests that check the course notebooks (hygiene, parity, editions).

Every test built on ``NOTEBOOKS`` applies to every ``course/*.ipynb`` automatically: a new
lesson is checked as soon as it exists.
"""
from __future__ import annotations

import ast
import io
import os
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SANITIZE_CFG = COURSE / "nbval_sanitize.cfg"
MAKE_EDITIONS = ROOT / "scripts" / "make-editions"

NOTEBOOKS = sorted(COURSE.glob("*.ipynb"))
NOTEBOOK_IDS = [p.name for p in NOTEBOOKS]

# `import gradlab as torch`, alone on its line but for a comment
_GRADLAB_AS_TORCH = re.compile(r"^(\s*)import gradlab as torch(?=\s*(?:#.*)?$)", re.MULTILINE)
_GRADLAB_WORD = re.compile(r"\bgradlab\b")


def read(path: Path):
    return nbformat.read(path, as_version=4)


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def _names(source: str) -> set[str] | None:
    """The NAME tokens of the code (not strings, not comments); None if it doesn't tokenize."""
    try:
        return {t.string for t in tokenize.generate_tokens(io.StringIO(source).readline)
                if t.type == tokenize.NAME}
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None


def _python_only(source: str) -> str:
    """Drop IPython magics and shell lines (``%matplotlib``, ``!pip``) so the rest tokenizes."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                      for line in source.splitlines())


def gradlab_names(sources) -> set[str]:
    """Names bound to gradlab things by the cells: ``gradlab`` itself, ``check`` from
    ``from gradlab import check``, ``viz`` from ``import gradlab.viz as viz``, ... -- but not
    ``torch`` from ``import gradlab as torch`` (that is the PyTorch-compatible spelling)."""
    names = {"gradlab"}
    for source in sources:
        try:
            tree = ast.parse(_python_only(source))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "gradlab":
                names.update(a.asname or a.name for a in node.names)
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split(".")[0] == "gradlab" and a.asname != "torch":
                        names.add(a.asname or "gradlab")
    return names


def uses_gradlab_by_name(source: str, names=frozenset({"gradlab"})) -> bool:
    """True if the code names ``gradlab`` (or one of ``names``, see ``gradlab_names``) anywhere
    but in ``import gradlab as torch``, comments and strings."""
    code = _GRADLAB_AS_TORCH.sub("", _python_only(source))
    found = _names(code)
    if found is None:  # doesn't tokenize: fall back to words outside comments
        words = set(re.findall(r"\w+", "\n".join(l.split("#", 1)[0] for l in code.splitlines())))
        found = words
    return bool(found & (set(names) | {"gradlab"}))


def to_pytorch(source: str) -> str:
    """``import gradlab as torch`` -> ``import torch`` (what a learner pasting into PyTorch does)."""
    return _GRADLAB_AS_TORCH.sub(r"\1import torch", source)


def sanitize_patterns():
    """(compiled regex, replacement) pairs from nbval_sanitize.cfg, parsed the way nbval does."""
    text = SANITIZE_CFG.read_text(encoding="utf-8")
    pairs = re.findall(r"^regex: (.*)$\n^replace: (.*)$", text, flags=re.MULTILINE)
    return [(re.compile(r), s) for r, s in pairs]


def sanitize(text: str, patterns=None) -> str:
    for regex, replacement in (sanitize_patterns() if patterns is None else patterns):
        text = regex.sub(replacement, text)
    return text


def output_texts(cell):
    """Every piece of text stored in a cell's outputs, traceback included: (where, text)."""
    for i, out in enumerate(cell.get("outputs", [])):
        kind = out.get("output_type")
        if kind == "stream":
            yield f"output {i} ({out.get('name')})", out.get("text", "")
        elif kind in ("execute_result", "display_data"):
            for mime, value in out.get("data", {}).items():
                if isinstance(value, str) and (mime.startswith("text/") or mime.endswith("+xml")):
                    yield f"output {i} ({mime})", value
        elif kind == "error":
            yield f"output {i} (error)", f"{out.get('ename')}: {out.get('evalue')}"
            yield f"output {i} (traceback)", "\n".join(out.get("traceback", []))


def compared_text(cell, patterns) -> list[tuple[str, str]]:
    """What nbval compares in a cell's outputs, as text, sanitized: stdout, text/plain, errors.

    Streams are merged per name (the kernel may split them), stderr is left out (warnings carry
    file paths and differ in wording between libraries); rich formats other than text/plain are
    left out (the parity run compares what a learner reads in PyTorch: printed text and reprs).
    """
    items: list[tuple[str, str]] = []
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            if out.get("name") != "stdout":
                continue
            text = sanitize(out.get("text", ""), patterns)
            if items and items[-1][0] == "stdout":
                items[-1] = ("stdout", items[-1][1] + text)
            else:
                items.append(("stdout", text))
        elif kind in ("execute_result", "display_data"):
            if "text/plain" in out.get("data", {}):
                items.append(("text/plain", sanitize(out["data"]["text/plain"], patterns)))
        elif kind == "error":
            items.append(("error", sanitize(f"{out.get('ename')}: {out.get('evalue')}", patterns)))
    return items


def editions_module():
    """scripts/make-editions, imported (not run) so tests can call it without a new process."""
    import importlib.machinery
    import importlib.util

    loader = importlib.machinery.SourceFileLoader("make_editions", str(MAKE_EDITIONS))
    spec = importlib.util.spec_from_loader("make_editions", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def make_editions(out_dir: Path, *notebooks: Path) -> int:
    """scripts/make-editions --out out_dir [notebooks]: writes the editions; returns exit code."""
    return editions_module().main(["--out", str(out_dir), *map(str, notebooks)])


def run_make_editions(*args: str) -> subprocess.CompletedProcess:
    """Run the scripts/make-editions command itself (with this interpreter)."""
    return subprocess.run(
        [sys.executable, str(MAKE_EDITIONS), *args], capture_output=True, text=True,
        env={**os.environ, "PYTHON": sys.executable, "GRADLAB_SCRIPT_PY": sys.executable})


# ------------------------------------------------------------------------------- running notebooks
def _current_env_kernel_manager():
    """A kernel in this interpreter's environment, whatever kernelspecs the machine has
    (what ``--nbval-current-env`` does for nbval)."""
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import KernelManager

    class CurrentEnv(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f",
                                    "{connection_file}"],
                              display_name="Python 3 (current env)", language="python")

    return KernelManager(kernel_name="python3", kernel_spec_manager=CurrentEnv())


def execute(nb, cwd: Path, *, timeout: int = 120, allow_errors: bool = True):
    """Run ``nb`` in place with nbclient, in folder ``cwd``, the way nbval/nbconvert would:
    cells tagged ``nbval-skip`` are skipped, ``raises-exception`` cells may raise."""
    from nbclient import NotebookClient

    km = _current_env_kernel_manager()
    client = NotebookClient(nb, km=km, timeout=timeout, allow_errors=allow_errors,
                            record_timing=False, skip_cells_with_tag="nbval-skip",
                            resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute()
    finally:  # the client only shuts down kernels it created itself
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    return nb
