"""Grad modes: ``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``.

Each is a context manager that restores the previous mode on exit and also works as a function
decorator, with or without parentheses, as in ``torch/autograd/grad_mode.py``. The mode is per
thread: a ``no_grad`` block in one thread never stops another thread from recording.
"""
from __future__ import annotations

import functools
import threading

from ..errors import error


class _State(threading.local):
    enabled = True
    inference = False
    trace = None  # a list while gradcheck records which op ran on which inputs


_state = _State()


def is_grad_enabled() -> bool:
    return _state.enabled


def is_inference_mode_enabled() -> bool:
    return _state.inference


class _Mode:
    """Base: subclasses say which mode ``__enter__`` switches to; ``__exit__`` restores."""

    def __new__(cls, orig_func=None, *args, **kwargs):
        # ``@no_grad`` without parentheses passes the function itself.
        if cls in _NO_ARG_DECORATORS and callable(orig_func) and not args and not kwargs:
            return cls()(orig_func)
        return super().__new__(cls)

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)

        return wrapper

    def clone(self):
        return type(self)()

    def __enter__(self):
        self._prev = (_state.enabled, _state.inference)
        self._switch()

    def __exit__(self, *exc):
        _state.enabled, _state.inference = self._prev
        return False


class no_grad(_Mode):
    """Operations inside record no graph: results have ``requires_grad=False``."""

    def __init__(self, orig_func=None):
        pass

    def _switch(self):
        _state.enabled = False


class enable_grad(_Mode):
    """Turn recording back on inside a ``no_grad`` block."""

    def __init__(self, orig_func=None):
        pass

    def _switch(self):
        _state.enabled = True


class set_grad_enabled(_Mode):
    """``set_grad_enabled(False)`` switches at once when called; as a context manager it restores."""

    def __init__(self, mode: bool):
        if not isinstance(mode, bool):
            raise error("set_grad_enabled_type", type=type(mode).__name__)
        self.mode = mode
        self._prev = (_state.enabled, _state.inference)
        _state.enabled = mode

    def __call__(self, func):
        _state.enabled = self._prev[0]  # used as a decorator: switch only while func runs
        return super().__call__(func)

    def _switch(self):
        _state.enabled = self.mode

    def clone(self):
        c = object.__new__(set_grad_enabled)
        c.mode = self.mode
        return c

    def __enter__(self):
        if not hasattr(self, "_prev"):
            self._prev = (_state.enabled, _state.inference)
        _state.enabled = self.mode


class inference_mode(_Mode):
    """Like ``no_grad``, and tensors made inside are inference tensors that can never join a graph."""

    def __init__(self, mode: bool = True):
        if callable(mode):  # used bare as a decorator; handled in __new__
            mode = True
        self.mode = mode

    def _switch(self):
        _state.enabled, _state.inference = not self.mode, self.mode

    def clone(self):
        return inference_mode(self.mode)


_NO_ARG_DECORATORS = (no_grad, enable_grad, inference_mode)
