"""NumPy's names for two arguments, accepted wherever PyTorch's argument parser accepts them.

PyTorch's parser for its built-in functions and tensor methods reads ``axis=`` as ``dim=`` and
``keepdims=`` as ``keepdim=`` (``numpy_compatibility_arg_names`` in
torch/csrc/utils/python_arg_parser.cpp), so ``x.sum(1, keepdims=True)`` and
``torch.mean(x, axis=0)`` work. Functions written in Python (``torch.nn.functional.softmax``,
...) don't get the translation, there or here. One rule, applied here to every tensor method and
``gradlab.*`` function that has a ``dim`` or ``keepdim`` parameter.
"""
from __future__ import annotations

import functools
import inspect

_ALIASES = (("axis", "dim"), ("keepdims", "keepdim"))


def accepts_numpy_names(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if kwargs:
            for numpy_name, torch_name in _ALIASES:
                if numpy_name in kwargs and torch_name not in kwargs:
                    kwargs[torch_name] = kwargs.pop(numpy_name)
        return fn(*args, **kwargs)
    return wrapper


def _takes_dim(fn):
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return "dim" in params or "keepdim" in params


def install(tensor_class, namespace):
    """Wrap every public method of ``tensor_class`` and function in ``namespace`` that has a dim."""
    for name in dir(tensor_class):  # its own methods and those of its mixins (views, in-place)
        fn = inspect.getattr_static(tensor_class, name)
        if not name.startswith("_") and inspect.isfunction(fn) and _takes_dim(fn):
            setattr(tensor_class, name, accepts_numpy_names(fn))
    for name, fn in list(namespace.items()):
        if not name.startswith("_") and inspect.isfunction(fn) and _takes_dim(fn):
            namespace[name] = accepts_numpy_names(fn)
