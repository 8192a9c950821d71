"""``gradlab.save`` / ``gradlab.load``: tensors and state dicts in a NumPy ``.npz`` file.

A save file is a zip of ``.npy`` arrays (what ``np.savez`` writes): one array per tensor
(``t0``, ``t1``, ...) and ``__manifest__``, UTF-8 JSON describing the saved object: dicts
(keys kept with their type, order kept), lists, tuples, numbers, strings, ``None`` and tensors
(array name, dtype, shape, ``requires_grad``, whether it is a ``Parameter``).

Loading never unpickles: arrays are read with ``np.load(..., allow_pickle=False)``, so a file
can hold only numbers, never code. Anything that is not exactly what ``save`` writes (a pickle,
an object array, a missing or extra array, a shape or dtype that disagrees with the manifest, a
malformed manifest) is refused with a ``LoadError`` that says what is wrong.
"""
from __future__ import annotations

import io
import json
import numbers
import os
import re
import tempfile
import zipfile
from collections import OrderedDict

import numpy as np

from . import _dtype
from ._tensor import Tensor
from .errors import LoadError, error

MANIFEST = "__manifest__"
FORMAT = "gradlab.save"
VERSION = 1
_ALLOWED_DTYPES = {d.np.name: d for d in (_dtype.float32, _dtype.float64, _dtype.int32, _dtype.int64,
                                          _dtype.bool_)}
_ARRAY_NAME = re.compile(r"t[0-9]{1,9}")
_MAX_DEPTH = 64
# What a load may allocate is what the manifest declares: each array's shape times its itemsize,
# plus room for the .npy header (at most 64 KiB by NumPy's format); the manifest itself is JSON,
# far below this cap even for a model with a hundred thousand tensors. A small compressed file
# that expands to much more (a "zip bomb") is refused before the memory is taken.
_NPY_HEADER_MAX = 65536 + 16
_MANIFEST_MAX = 16 * 2 ** 20
_HEAD = 2 ** 20  # how much of an unrecognised file is read to say what it is


# ``LoadError`` (the file is not a gradlab save file, or it has been damaged or tampered with) is
# defined in gradlab.errors, with every other error, and belongs to this module's API.


# -- saving ----------------------------------------------------------------------------------------

def save(obj, f) -> None:
    """Save ``obj`` (a tensor, or nested dicts/lists/tuples of tensors, numbers, strings, None)."""
    arrays, memo = {}, {}

    def encode(x, depth):
        if depth > _MAX_DEPTH:
            raise error("save_too_deep", depth=_MAX_DEPTH)
        if isinstance(x, Tensor):
            name = memo.get(id(x))
            if name is None:  # a tensor that appears twice is stored once and loaded as one tensor
                name = memo[id(x)] = f"t{len(arrays)}"
                arrays[name] = np.asarray(x._data, order="C")  # (ascontiguousarray makes 0-d 1-d)
            from .nn.parameter import Parameter
            return {"type": "tensor", "array": name, "dtype": x._data.dtype.name,
                    "shape": list(x._data.shape), "requires_grad": bool(x.requires_grad),
                    "parameter": isinstance(x, Parameter)}
        if x is None:
            return {"type": "none"}
        if isinstance(x, (bool, np.bool_)):
            return {"type": "bool", "value": bool(x)}
        if isinstance(x, numbers.Integral):
            return {"type": "int", "value": int(x)}
        if isinstance(x, numbers.Real):
            return {"type": "float", "value": float(x)}
        if isinstance(x, str):
            return {"type": "str", "value": x}
        if isinstance(x, (list, tuple)):
            return {"type": "tuple" if isinstance(x, tuple) else "list",
                    "items": [encode(v, depth + 1) for v in x]}
        if isinstance(x, dict):
            for k in x:
                if not isinstance(k, (str, int)):
                    raise error("save_dict_key", type=type(k).__name__)
            return {"type": "ordereddict" if isinstance(x, OrderedDict) else "dict",
                    "items": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in x.items()]}
        hint = " (save its state_dict() instead)" if hasattr(x, "state_dict") else ""
        raise error("save_unsupported", type=type(x).__name__, hint=hint)

    root = encode(obj, 0)
    manifest = json.dumps({"format": FORMAT, "version": VERSION, "root": root}, allow_nan=True)
    arrays[MANIFEST] = np.frombuffer(manifest.encode("utf-8"), dtype=np.uint8)
    if hasattr(f, "write"):
        np.savez(f, **arrays)
        return
    path = os.fspath(f)
    # Write beside the target, then rename: an interrupted save never leaves half a file.
    fd, tmp = tempfile.mkstemp(prefix=".gradlab-save-", dir=os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(fd, "wb") as out:
            np.savez(out, **arrays)  # a file object: np.savez would append ".npz" to a name
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# -- loading ---------------------------------------------------------------------------------------

def load(f, map_location=None, weights_only=None, mmap=None, **kwargs):
    """Load what ``save`` wrote. Never unpickles; refuses anything else with a ``LoadError``."""
    where = repr(os.fspath(f)) if isinstance(f, (str, os.PathLike)) else "the file"
    try:
        archive = np.load(f, allow_pickle=False)
    except ValueError as e:
        if "pickle" in str(e):  # NumPy's guess for anything that is neither a zip nor a .npy
            raise _not_npz(f, where) from None
        raise error("load_not_save_file", where=where, detail=e) from None
    except FileNotFoundError:
        raise
    except Exception as e:  # not a zip, truncated, unreadable...
        raise error("load_not_save_file", where=where, detail=f"{type(e).__name__}: {e}") from None
    if isinstance(archive, np.ndarray):
        raise error("load_npy", where=where)
    with archive:
        return _Reader(archive, where).read()


def _not_npz(f, where):
    """Say what a file that NumPy took for a pickle (neither a zip nor a .npy) actually is."""
    try:
        if hasattr(f, "read"):
            f.seek(0)
            head = f.read(_HEAD)
            is_zip = zipfile.is_zipfile(f)
        else:
            with open(f, "rb") as fh:
                head = fh.read(_HEAD)
            is_zip = zipfile.is_zipfile(f)
    except OSError:
        return error("load_not_save_file", where=where, detail="unreadable")
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return error("load_pickle", where=where)  # a pickle's opening PROTO opcode
    if is_zip:  # a zip is found from its end, so bytes put in front don't hide it
        start = head.find(b"PK\x03\x04")
        junk = f"{start} bytes of" if start > 0 else "more than 1 MiB of"
        return error("load_not_save_file", where=where,
                     detail=f"a zip archive with {junk} something else in front of it")
    return error("load_not_save_file", where=where,
                 detail=f"neither a zip archive (.npz) nor a NumPy array (.npy); it starts with {head[:8]!r}")


class _Reader:
    def __init__(self, archive, where):
        self.archive, self.where = archive, where
        self.tensors = {}
        self.used = set()  # array names the manifest refers to
        self.arrays = {}

    def fail(self, what):
        raise error("load_invalid", where=self.where, what=what) from None

    def array(self, name, limit, declared):
        """Array ``name``, read without ever holding more than ``limit`` bytes of it."""
        member = name + ".npy" if name + ".npy" in self.archive.zip.namelist() else name
        info = self.archive.zip.getinfo(member)
        if info.file_size > limit:
            self.fail(f"array '{name}' expands to {info.file_size} bytes, more than {declared}")
        try:
            with self.archive.zip.open(member) as stream:
                raw = stream.read(limit + 1)
            if len(raw) > limit:  # the zip's own size field lied
                self.fail(f"array '{name}' expands to more than {limit} bytes, more than {declared}")
            value = np.lib.format.read_array(io.BytesIO(raw), allow_pickle=False)
        except LoadError:
            raise
        except ValueError as e:
            if "allow_pickle" in str(e) or "object" in str(e).lower():
                self.fail(f"array '{name}' holds Python objects (dtype=object), which gradlab never "
                          "loads (that would need pickle, which can run code)")
            self.fail(f"array '{name}' cannot be read ({e})")
        except Exception as e:
            self.fail(f"array '{name}' cannot be read ({type(e).__name__}: {e})")
        if not isinstance(value, np.ndarray):
            self.fail(f"entry '{name}' is not a NumPy array")
        if value.dtype.hasobject:
            self.fail(f"array '{name}' holds Python objects (dtype=object)")
        return value

    def read(self):
        files = list(self.archive.files)
        if MANIFEST not in files:
            self.fail(f"it has no '{MANIFEST}' entry")
        raw = self.array(MANIFEST, _MANIFEST_MAX, f"a manifest may hold ({_MANIFEST_MAX} bytes)")
        if raw.dtype != np.uint8 or raw.ndim != 1:
            self.fail("the manifest is not UTF-8 bytes")
        try:
            manifest = json.loads(raw.tobytes().decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as e:
            self.fail(f"the manifest is not valid JSON ({type(e).__name__})")
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or "root" not in manifest:
            self.fail("the manifest does not describe a gradlab save")
        if manifest.get("version") != VERSION:
            self.fail(f"format version {manifest.get('version')!r} is not supported (expected {VERSION})")
        result = self.decode(manifest["root"], 0)
        extra = sorted(set(files) - {MANIFEST} - self.used)
        if extra:
            self.fail(f"it holds entries the manifest does not mention: {', '.join(extra)}")
        return result

    def decode(self, node, depth):
        if depth > _MAX_DEPTH:
            self.fail(f"the manifest is nested more than {_MAX_DEPTH} levels deep")
        if not isinstance(node, dict) or not isinstance(node.get("type"), str):
            self.fail(f"bad manifest entry {str(node)[:80]!r}")
        kind = node["type"]
        if kind == "tensor":
            return self.tensor(node)
        if kind == "none":
            return None
        if kind in ("bool", "int", "float", "str"):
            value = node.get("value")
            expected = {"bool": bool, "int": int, "float": (float, int), "str": str}[kind]
            if not isinstance(value, expected) or (kind in ("int", "float") and isinstance(value, bool)):
                self.fail(f"a {kind} entry holds {type(value).__name__}")
            return float(value) if kind == "float" else value
        if kind not in ("list", "tuple", "dict", "ordereddict"):
            self.fail(f"unknown entry type {kind!r}")
        items = node.get("items")
        if not isinstance(items, list):
            self.fail(f"a {kind} entry has no list of items")
        if kind in ("list", "tuple"):
            values = [self.decode(v, depth + 1) for v in items]
            return tuple(values) if kind == "tuple" else values
        if kind in ("dict", "ordereddict"):
            out = OrderedDict() if kind == "ordereddict" else {}
            for pair in items:
                if not isinstance(pair, list) or len(pair) != 2:
                    self.fail("a dict item is not a [key, value] pair")
                key = self.decode(pair[0], depth + 1)
                if not isinstance(key, (str, int)):
                    self.fail(f"a dict key is a {type(key).__name__}, not a str or int")
                out[key] = self.decode(pair[1], depth + 1)
            return out

    def tensor(self, node):
        name, dtype, shape = node.get("array"), node.get("dtype"), node.get("shape")
        if not isinstance(name, str) or not _ARRAY_NAME.fullmatch(name):
            self.fail(f"bad array name {name!r}")
        if dtype not in _ALLOWED_DTYPES:
            self.fail(f"tensor '{name}' has unsupported dtype {dtype!r}")
        if not isinstance(shape, list) or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0
                                                  for s in shape):
            self.fail(f"tensor '{name}' has a bad shape {shape!r}")
        requires_grad, parameter = node.get("requires_grad", False), node.get("parameter", False)
        if not isinstance(requires_grad, bool) or not isinstance(parameter, bool):
            self.fail(f"tensor '{name}' has bad flags")
        if requires_grad and not _ALLOWED_DTYPES[dtype].is_floating_point:
            self.fail(f"tensor '{name}' of dtype {dtype} cannot require grad")
        if name not in self.archive.files:
            self.fail(f"array '{name}' is missing")
        if name not in self.used:
            self.used.add(name)
            nbytes = int(np.prod(shape, dtype=object)) * np.dtype(dtype).itemsize
            self.arrays[name] = self.array(
                name, nbytes + _NPY_HEADER_MAX,
                f"its shape {tuple(shape)} and dtype {dtype} in the manifest declare ({nbytes} bytes)")
        data = self.arrays[name]
        if data.dtype.name != dtype:
            self.fail(f"array '{name}' has dtype {data.dtype.name}, the manifest says {dtype}")
        if list(data.shape) != shape:
            self.fail(f"array '{name}' has shape {tuple(data.shape)}, the manifest says {tuple(shape)}")
        key = (name, requires_grad, parameter)
        if key in self.tensors:  # saved once, referred to twice: one tensor, as it was
            return self.tensors[key]
        t = Tensor._make(np.array(data, dtype=_ALLOWED_DTYPES[dtype].np, copy=True))
        if parameter:
            from .nn.parameter import Parameter
            t = Parameter(t, requires_grad=requires_grad)
        elif requires_grad:
            t.requires_grad_(True)
        self.tensors[key] = t
        return t
