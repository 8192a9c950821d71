"""gradlab.save / gradlab.load: NumPy .npz files with a JSON manifest, never pickle.

Round trips keep values, dtypes, shapes, requires_grad, Parameters, container types, key types
and order. Tampered or foreign files (a pickle renamed .npz, an object array, a missing or
extra array, a manifest that lies about a shape, a broken manifest) are refused with a
``LoadError`` that names the problem, raised from gradlab's code with no NumPy frames or
chained NumPy exception. Loading a state dict of the wrong shape into a model fails with
PyTorch's load_state_dict message (compared with torch).
"""
from __future__ import annotations

import io
import json
import math
import os
import pickle
import traceback
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
import torch

import gradlab
from gradlab.serialization import MANIFEST, LoadError

pytestmark = pytest.mark.torch


def _kind(t):
    # Parameter or plain tensor (a view is gradlab's Tensor subclass that names itself Tensor)
    return "Parameter" if isinstance(t, gradlab.nn.Parameter) else type(t).__name__


def tensors_equal(a, b):
    return (_kind(a) == _kind(b) and a.dtype is b.dtype and a.shape == b.shape and a.requires_grad == b.requires_grad
            and np.array_equal(a.detach().numpy(), b.detach().numpy(), equal_nan=True))


def same(a, b):
    """Deep equality that compares tensors by value and containers by type."""
    if isinstance(a, gradlab.Tensor):
        return tensors_equal(a, b)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a.keys()) == list(b.keys()) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def write_npz(path, manifest=None, **arrays):
    """A hand-made .npz, for tampering: ``manifest`` (a dict) is stored as gradlab stores it."""
    if manifest is not None:
        arrays[MANIFEST] = np.frombuffer(json.dumps(manifest).encode(), dtype=np.uint8)
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def read_npz(path):
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    manifest = json.loads(arrays.pop(MANIFEST).tobytes().decode())
    return manifest, arrays


def refused(path, *fragments):
    """Loading ``path`` raises LoadError from gradlab's code, mentioning every fragment."""
    with pytest.raises(LoadError) as info:
        gradlab.load(path)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    err = info.value
    assert err.__cause__ is None and (err.__context__ is None or err.__suppress_context__)
    frames = traceback.extract_tb(err.__traceback__)
    assert not any(f"{os.sep}numpy{os.sep}" in fr.filename for fr in frames), frames
    return message


# -- round trips -------------------------------------------------------------------------------

@pytest.mark.parametrize("t", [
    gradlab.tensor([[1.5, -2.0], [3.25, 4.0]]),
    gradlab.tensor(2.5),
    gradlab.tensor([1, 2, 3]),
    gradlab.tensor([1, 2], dtype=gradlab.int32),
    gradlab.tensor([True, False]),
    gradlab.tensor([1e-300, 2.0], dtype=gradlab.float64),
    gradlab.zeros(0, 3),
    gradlab.tensor([float("nan"), float("inf"), -float("inf")]),
    gradlab.tensor([1.0, 2.0], requires_grad=True),
    gradlab.nn.Parameter(gradlab.tensor([0.5, 0.25])),
    gradlab.nn.Parameter(gradlab.tensor([0.5]), requires_grad=False),
    gradlab.arange(12.0).reshape(3, 4).t(),  # not contiguous
], ids=lambda t: f"{t.dtype}-{tuple(t.shape)}-{type(t).__name__}")
def test_tensor_round_trip(tmp_path, t):
    gradlab.save(t, tmp_path / "t.pt")
    back = gradlab.load(tmp_path / "t.pt")
    assert tensors_equal(back, t) and back.is_leaf and repr(back) == repr(t)


def test_non_leaf_is_saved_as_a_leaf_like_torch(tmp_path):
    for lib in (torch, gradlab):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        lib.save(x * 2, tmp_path / f"{lib.__name__}.pt")
        back = lib.load(tmp_path / f"{lib.__name__}.pt")
        assert back.is_leaf and back.requires_grad and back.tolist() == [2.0, 4.0]


def test_nested_containers_round_trip(tmp_path):
    t = gradlab.tensor([1.0, 2.0])
    obj = {"a": [1, 2.5, "three", None, True, (4, 5.0)], 0: {"nested": OrderedDict([("z", t), ("y", 1)])},
           7: float("inf"), "nan": float("nan"), "big": 2 ** 62, "empty": {}, "list": [], "tuple": ()}
    gradlab.save(obj, tmp_path / "obj")
    assert os.path.exists(tmp_path / "obj")  # the name is kept: no ".npz" appended
    back = gradlab.load(tmp_path / "obj")
    assert same(back, obj)
    assert type(back[0]["nested"]) is OrderedDict and isinstance(back["a"][5], tuple)


def test_shared_tensor_is_stored_once_and_loaded_as_one(tmp_path):
    t = gradlab.tensor([1.0, 2.0])
    gradlab.save({"x": t, "again": [t]}, tmp_path / "s.npz")
    _, arrays = read_npz(tmp_path / "s.npz")
    assert list(arrays) == ["t0"]
    back = gradlab.load(tmp_path / "s.npz")
    assert back["x"] is back["again"][0]


def test_file_objects(tmp_path):
    buf = io.BytesIO()
    gradlab.save({"w": gradlab.ones(2)}, buf)
    buf.seek(0)
    assert gradlab.load(buf)["w"].tolist() == [1.0, 1.0]


def test_model_state_dict_round_trip_gives_the_same_model(tmp_path):
    gradlab.manual_seed(0)
    model = gradlab.nn.Sequential(gradlab.nn.Linear(3, 4), gradlab.nn.ReLU(), gradlab.nn.Linear(4, 2))
    gradlab.save(model.state_dict(), tmp_path / "model.pt")
    gradlab.manual_seed(1)
    fresh = gradlab.nn.Sequential(gradlab.nn.Linear(3, 4), gradlab.nn.ReLU(), gradlab.nn.Linear(4, 2))
    sd = gradlab.load(tmp_path / "model.pt")
    assert type(sd) is OrderedDict and list(sd) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert repr(fresh.load_state_dict(sd)) == "<All keys matched successfully>"
    x = gradlab.randn(5, 3)
    assert fresh(x).equal(model(x))


def test_optimizer_state_dict_round_trip_keeps_int_keys_and_tuples(tmp_path):
    w = gradlab.ones(3, requires_grad=True)
    opt = gradlab.optim.Adam([w], lr=0.1)
    (w * w).sum().backward()
    opt.step()
    gradlab.save(opt.state_dict(), tmp_path / "opt.pt")
    back = gradlab.load(tmp_path / "opt.pt")
    assert same(back, opt.state_dict())
    assert list(back["state"]) == [0] and back["param_groups"][0]["betas"] == (0.9, 0.999)
    assert repr(back["state"][0]["step"]) == "tensor(1.)"


def test_unsupported_objects_are_refused_on_save(tmp_path):
    with pytest.raises(TypeError, match="save its state_dict"):
        gradlab.save(gradlab.nn.Linear(2, 2), tmp_path / "m.pt")
    with pytest.raises(TypeError, match="not object"):
        gradlab.save({"x": object()}, tmp_path / "o.pt")
    with pytest.raises(TypeError, match="dict keys must be str or int"):
        gradlab.save({(1, 2): 3}, tmp_path / "k.pt")
    with pytest.raises(TypeError, match="not pickled"):
        pickle.dumps(gradlab.ones(2))


# -- tampered and foreign files ------------------------------------------------------------------

def saved_state_dict(tmp_path):
    gradlab.manual_seed(0)
    model = gradlab.nn.Linear(3, 2)
    gradlab.save(model.state_dict(), tmp_path / "good.pt")
    return model, read_npz(tmp_path / "good.pt")


def test_wrong_shape_consistent_file_fails_in_load_state_dict_like_torch(tmp_path):
    model, (manifest, arrays) = saved_state_dict(tmp_path)
    # Tamper consistently: manifest and array agree, but the weight no longer fits the model.
    weight_node = manifest["root"]["items"][0][1]
    weight_node["shape"] = [2, 4]
    arrays[weight_node["array"]] = np.zeros((2, 4), np.float32)
    write_npz(tmp_path / "bad.pt", manifest, **arrays)
    sd = gradlab.load(tmp_path / "bad.pt")
    with pytest.raises(RuntimeError) as g_err:
        model.load_state_dict(sd)
    with pytest.raises(RuntimeError) as t_err:
        torch.nn.Linear(3, 2).load_state_dict({"weight": torch.zeros(2, 4), "bias": torch.zeros(2)})
    assert str(g_err.value) == str(t_err.value)
    assert "size mismatch for weight" in str(g_err.value)
    assert model.weight.shape == (2, 3)  # nothing was copied


def test_missing_key_fails_in_load_state_dict_like_torch(tmp_path):
    model, (manifest, arrays) = saved_state_dict(tmp_path)
    bias_node = manifest["root"]["items"].pop(1)[1]
    del arrays[bias_node["array"]]
    write_npz(tmp_path / "bad.pt", manifest, **arrays)
    sd = gradlab.load(tmp_path / "bad.pt")
    with pytest.raises(RuntimeError) as g_err:
        model.load_state_dict(sd)
    with pytest.raises(RuntimeError) as t_err:
        torch.nn.Linear(3, 2).load_state_dict({"weight": torch.zeros(2, 3)})
    assert str(g_err.value) == str(t_err.value) == (
        'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". ')


def test_array_shape_disagreeing_with_manifest_is_refused(tmp_path):
    _, (manifest, arrays) = saved_state_dict(tmp_path)
    arrays["t0"] = np.zeros((3, 3), np.float32)
    write_npz(tmp_path / "bad.pt", manifest, **arrays)
    refused(tmp_path / "bad.pt", "'t0'", "shape (3, 3)", "manifest says (2, 3)")


def test_array_dtype_disagreeing_with_manifest_is_refused(tmp_path):
    _, (manifest, arrays) = saved_state_dict(tmp_path)
    arrays["t1"] = arrays["t1"].astype(np.float64)
    write_npz(tmp_path / "bad.pt", manifest, **arrays)
    refused(tmp_path / "bad.pt", "'t1'", "float64", "float32")


def test_missing_array_is_refused(tmp_path):
    _, (manifest, arrays) = saved_state_dict(tmp_path)
    del arrays["t1"]
    write_npz(tmp_path / "bad.pt", manifest, **arrays)
    refused(tmp_path / "bad.pt", "array 't1' is missing")


def test_extra_array_is_refused(tmp_path):
    _, (manifest, arrays) = saved_state_dict(tmp_path)
    write_npz(tmp_path / "bad.pt", manifest, smuggled=np.zeros(3), **arrays)
    refused(tmp_path / "bad.pt", "smuggled")


def test_object_array_is_refused_never_unpickled(tmp_path):
    marker = tmp_path / "pwned"
    _, (manifest, arrays) = saved_state_dict(tmp_path)
    arrays["t0"] = np.array([Boom(str(marker)), 1], dtype=object)  # np.savez pickles it
    write_npz(tmp_path / "bad.pt", manifest, **arrays)
    refused(tmp_path / "bad.pt", "'t0'", "object")
    assert not marker.exists()


def test_object_array_manifest_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    with open(tmp_path / "bad.pt", "wb") as f:
        np.savez(f, **{MANIFEST: np.array([Boom(str(marker))], dtype=object)})
    refused(tmp_path / "bad.pt", MANIFEST, "object")
    assert not marker.exists()


class Boom:
    """Unpickling this creates a file: proof that code ran."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_pickle_renamed_npz_is_refused_without_running_it(tmp_path):
    marker = tmp_path / "pwned"
    with open(tmp_path / "model.npz", "wb") as f:
        pickle.dump({"weight": Boom(str(marker))}, f)
    refused(tmp_path / "model.npz", "not a gradlab save file", "pickle")
    assert not marker.exists()


def test_torch_save_file_is_refused(tmp_path):
    torch.save({"weight": torch.ones(2)}, tmp_path / "torch.pt")
    refused(tmp_path / "torch.pt", "not a valid gradlab save file")


def test_foreign_and_broken_files_are_refused(tmp_path):
    (tmp_path / "random.pt").write_bytes(os.urandom(256))
    refused(tmp_path / "random.pt", "not a gradlab save file")
    (tmp_path / "empty.pt").write_bytes(b"")
    refused(tmp_path / "empty.pt", "not a gradlab save file")
    np.save(tmp_path / "plain.npy", np.zeros(3))
    refused(tmp_path / "plain.npy", "single NumPy array")
    with open(tmp_path / "plain.npz", "wb") as f:
        np.savez(f, a=np.zeros(2))
    refused(tmp_path / "plain.npz", f"no '{MANIFEST}'")
    gradlab.save({"w": gradlab.ones(200)}, tmp_path / "good.pt")
    data = (tmp_path / "good.pt").read_bytes()
    (tmp_path / "truncated.pt").write_bytes(data[: len(data) // 2])
    refused(tmp_path / "truncated.pt", "not a")
    with zipfile.ZipFile(tmp_path / "text.npz", "w") as z:
        z.writestr(MANIFEST + ".npy", "hello")
    refused(tmp_path / "text.npz")
    with pytest.raises(FileNotFoundError):
        gradlab.load(tmp_path / "nothing-here.pt")


@pytest.mark.parametrize("manifest_bytes,fragment", [
    (b"{not json", "not valid JSON"),
    (b"\xff\xfe", "not valid JSON"),
    (json.dumps({"format": "other", "version": 1, "root": {"type": "none"}}).encode(), "does not describe"),
    (json.dumps({"format": "gradlab.save", "version": 99, "root": {"type": "none"}}).encode(), "version 99"),
    (json.dumps({"format": "gradlab.save", "version": 1, "root": {"type": "pickle", "value": "x"}}).encode(),
     "unknown entry type"),
    (json.dumps({"format": "gradlab.save", "version": 1, "root": {"type": "int", "value": "7"}}).encode(),
     "int entry holds str"),
    (json.dumps({"format": "gradlab.save", "version": 1, "root": {"type": "dict", "items": [[{"type": "none"},
                 {"type": "none"}]]}}).encode(), "dict key"),
    (json.dumps({"format": "gradlab.save", "version": 1, "root": {"type": "tensor", "array": "../t0",
                 "dtype": "float32", "shape": []}}).encode(), "bad array name"),
    (json.dumps({"format": "gradlab.save", "version": 1, "root": {"type": "tensor", "array": "t0",
                 "dtype": "object", "shape": []}}).encode(), "unsupported dtype"),
    (json.dumps({"format": "gradlab.save", "version": 1, "root": {"type": "tensor", "array": "t0",
                 "dtype": "float32", "shape": [-1]}}).encode(), "bad shape"),
    (b"[" * 100000 + b"]" * 100000, "manifest"),
], ids=["json", "utf8", "format", "version", "type", "int", "key", "name", "dtype", "shape", "deep"])
def test_bad_manifest_is_refused(tmp_path, manifest_bytes, fragment):
    with open(tmp_path / "bad.pt", "wb") as f:
        np.savez(f, **{MANIFEST: np.frombuffer(manifest_bytes, dtype=np.uint8), "t0": np.zeros((), np.float32)})
    refused(tmp_path / "bad.pt", fragment)


def test_load_never_allows_pickle(tmp_path, monkeypatch):
    """Every np.load call gradlab makes passes allow_pickle=False."""
    gradlab.save({"w": gradlab.ones(2)}, tmp_path / "good.pt")
    calls = []
    real_load = np.load

    def spy(*args, **kwargs):
        calls.append(kwargs.get("allow_pickle"))
        return real_load(*args, **kwargs)

    monkeypatch.setattr(np, "load", spy)
    assert gradlab.load(tmp_path / "good.pt")["w"].tolist() == [1.0, 1.0]
    assert calls == [False]
