"""Run every corpus case under one library and print ``{case id: printout}`` as JSON.

``python tutorial_runner.py torch`` runs the snippets under real PyTorch;
``python tutorial_runner.py gradlab`` runs the same text with ``import torch`` (and every
``torch.*`` submodule) answered by gradlab, the way a learner's ``import gradlab as torch`` would.

Each case runs in a fresh namespace, with the random generator reset to one fixed seed and the print options to the defaults. Its printout is everything it writes to stdout, every
warning it raises (``Warning: <Category>: <message>``) and, if it stops on an exception, the
line ``<ExceptionType>: <message>`` (a notebook would stop there too). Notebook-style cases
(``cells=True``) also show each cell's last expression, as Jupyter does, with ``repr``.
"""
from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.abc
import importlib.util
import io
import json
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tutorial_corpus import CASES  # noqa: E402


class _TorchIsGradlab(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``import torch.x.y`` gives ``gradlab.x.y`` (an ImportError if gradlab has no such module)."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname == "torch" or fullname.startswith("torch."):
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        module = importlib.import_module("gradlab" + spec.name[len("torch"):])
        spec.loader_state = module.__spec__  # the import system overwrites it; exec_module restores
        return module

    def exec_module(self, module):
        module.__spec__ = module.__spec__.loader_state


def _cells(case):
    return case["code"] if isinstance(case["code"], list) else [case["code"]]


def _run_cell(source, namespace, display):
    tree = ast.parse(source)
    last = None
    if display and tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, "<cell>", "exec"), namespace)
    if last is not None:
        value = eval(compile(last, "<cell>", "eval"), namespace)
        if value is not None:
            print(repr(value))


# Every case starts from the same generator state, whatever ran before it.
DEFAULT_SEED = 67280421310721


def run_case(case):
    import torch
    torch.manual_seed(DEFAULT_SEED)
    if hasattr(torch, "set_printoptions"):
        torch.set_printoptions(profile="default")  # a case's set_printoptions ends with it
    out = io.StringIO()
    namespace = {"__name__": "__main__"}
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
        warnings.simplefilter("always")
        try:
            for cell in _cells(case):
                _run_cell(cell, namespace, case.get("cells", False))
        except Exception as e:  # the printout shows where it stopped
            print(f"{type(e).__name__}: {e}")
    text = out.getvalue()
    for w in caught:
        if not issubclass(w.category, RuntimeWarning):  # NumPy's overflow chatter is not torch's
            text += f"Warning: {w.category.__name__}: {w.message}\n"
    return text


def main(library):
    if library == "gradlab":
        sys.meta_path.insert(0, _TorchIsGradlab())
    import torch
    if library == "torch":
        torch.set_num_threads(1)  # tiny tensors; the machine's 2 cores are shared
    wanted = set(sys.argv[2:])
    results = {c["id"]: run_case(c) for c in CASES if not wanted or c["id"] in wanted}
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
