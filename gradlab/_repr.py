"""``repr(tensor)`` exactly as PyTorch 2.x prints it (the logic of ``torch/_tensor_str.py``).

Floats share one format per tensor: whole numbers print as ``2.``; otherwise 4 decimals; and
scientific notation when the nonzero magnitudes span more than 1000x, exceed 1e8 or go below
1e-4. Every element is padded to the widest one. Rows wrap at 80 columns; tensors with more
than 1000 elements are summarised with ``...`` (3 items at each edge).
"""
from __future__ import annotations

import math

import numpy as np

from . import _dtype

_PROFILES = {"default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
             "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
             "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80)}


class _PrintOptions:
    """``torch._tensor_str.PRINT_OPTS``: what ``set_printoptions`` changes."""
    precision, threshold, edgeitems, linewidth, sci_mode = 4, 1000, 3, 80, None


PRINT_OPTS = _PrintOptions()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None,
                     sci_mode=None):
    """``torch.set_printoptions``: digits after the point, the summarising threshold, items per
    edge, line width, and ``sci_mode`` (True/False forces scientific notation on or off, None lets
    each tensor choose). As in PyTorch, every call sets ``sci_mode``, default None."""
    for key, value in _PROFILES.get(profile, {}).items():
        setattr(PRINT_OPTS, key, value)
    for key, value in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                       ("linewidth", linewidth)):
        if value is not None:
            setattr(PRINT_OPTS, key, value)
    PRINT_OPTS.sci_mode = sci_mode


class _Formatter:
    def __init__(self, values: np.ndarray):
        self.floating = values.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.max_width = True, False, 1
        flat = values.reshape(-1)
        if not self.floating:
            for v in flat.tolist():
                self.max_width = max(self.max_width, len(str(v)))
            return
        finite = flat[np.isfinite(flat) & (flat != 0)].astype(np.float64)
        if finite.size == 0:
            return
        magnitudes = np.abs(finite)
        lo, hi = magnitudes.min(), magnitudes.max()
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        if PRINT_OPTS.sci_mode is not None:  # set_printoptions(sci_mode=...) decides instead
            self.sci_mode = PRINT_OPTS.sci_mode
        for v in finite.tolist():
            if self.sci_mode:
                width = len(f"{v:.{PRINT_OPTS.precision}e}")
            elif self.int_mode:
                width = len(f"{v:.0f}") + 1
            else:
                width = len(f"{v:.{PRINT_OPTS.precision}f}")
            self.max_width = max(self.max_width, width)

    def format(self, value) -> str:
        if self.floating:
            if self.sci_mode:
                text = f"{value:{self.max_width}.{PRINT_OPTS.precision}e}"
            elif self.int_mode:
                text = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    text += "."
            else:
                text = f"{value:.{PRINT_OPTS.precision}f}"
        else:
            text = str(value)
        return (self.max_width - len(text)) * " " + text


def _summarized(a: np.ndarray) -> np.ndarray:
    """The elements that will be shown, for choosing the format."""
    if a.ndim == 0:
        return a
    if a.shape[0] > 2 * PRINT_OPTS.edgeitems:
        a = np.concatenate([a[:PRINT_OPTS.edgeitems], a[-PRINT_OPTS.edgeitems:]])
    if a.ndim == 1:
        return a
    return np.stack([_summarized(row) for row in a])


def _vector(a, indent, summarize, fmt):
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / (fmt.max_width + 2)))
    if summarize and a.shape[0] > 2 * PRINT_OPTS.edgeitems:
        data = ([fmt.format(v) for v in a[:PRINT_OPTS.edgeitems].tolist()] + [" ..."]
                + [fmt.format(v) for v in a[-PRINT_OPTS.edgeitems:].tolist()])
    else:
        data = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _body(a, indent, summarize, fmt):
    # Iterative over the outer axes would obscure the layout rules; the depth is a.ndim (small).
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector(a, indent, summarize, fmt)
    if summarize and a.shape[0] > 2 * PRINT_OPTS.edgeitems:
        rows = ([_body(a[i], indent + 1, summarize, fmt) for i in range(PRINT_OPTS.edgeitems)] + ["..."]
                + [_body(a[i], indent + 1, summarize, fmt) for i in range(len(a) - PRINT_OPTS.edgeitems, len(a))])
    else:
        rows = [_body(a[i], indent + 1, summarize, fmt) for i in range(a.shape[0])]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def tensor_str(a: np.ndarray, indent: int) -> str:
    if a.size == 0:
        return "[]"
    summarize = a.size > PRINT_OPTS.threshold
    fmt = _Formatter(_summarized(a) if summarize else a)
    return _body(a, indent, summarize, fmt)


def _add_suffixes(text, suffixes, indent):
    parts = [text]
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(t, prefix="tensor(") -> str:
    a, dtype = t._data, t.dtype
    indent = len(prefix)
    suffixes = []
    if a.size == 0:
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
        if dtype is not _dtype.default_float:
            suffixes.append(f"dtype={dtype!r}")
        body = "[]"
    else:
        if dtype not in (_dtype.default_float, _dtype.int64, _dtype.bool_):
            suffixes.append(f"dtype={dtype!r}")
        body = tensor_str(a, indent)
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(t.grad_fn).__name__}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)
