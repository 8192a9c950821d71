"""``Module``: the base of every layer and model, as in ``torch/nn/modules/module.py``.

A module keeps its parameters, buffers and submodules in three ordered dicts, filled by
attribute assignment (``self.fc = Linear(3, 2)`` registers a submodule, ``self.w =
Parameter(...)`` a parameter). Everything else is walking those dicts in that order:
``parameters()``, ``named_parameters()``, ``state_dict()``, ``train()``/``eval()``, the repr.
Calling a module runs its ``forward``.
"""
from __future__ import annotations

from collections import OrderedDict, namedtuple
from collections.abc import Mapping

from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from .parameter import Parameter
from ..errors import error


def zero_grads(params, set_to_none: bool = True) -> None:
    """Forget the parameters' gradients: ``None`` (PyTorch 2.x's default), or zeros in place.
    Shared by ``Module.zero_grad`` and ``Optimizer.zero_grad``."""
    for p in params:
        if p.grad is None:
            continue
        if set_to_none:
            p.grad = None
            continue
        if p.grad.grad_fn is not None:
            p.grad.detach_()
        else:
            p.grad.requires_grad_(False)
        p.grad.zero_()


def typename(obj) -> str:
    """``torch.typename``: ``torch.FloatTensor`` for a tensor, ``int`` for 3, ``numpy.ndarray``..."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module = obj.__class__.__module__ or ""
        qualname = obj.__class__.__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns; prints ``<All keys matched successfully>`` when clean."""

    __slots__ = ()

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _addindent(s, spaces):
    lines = s.split("\n")
    if len(lines) == 1:
        return s
    first = lines.pop(0)
    return first + "\n" + "\n".join((spaces * " ") + line if line.strip() else "" for line in lines)


class Module:
    """Base class for all neural-network modules; subclasses define ``forward``."""

    training: bool

    def __init__(self, *args, **kwargs):
        if kwargs:
            raise error("module_init_kwargs", cls=type(self).__name__, arg=next(iter(kwargs)))
        if args:
            raise error("module_init_args", cls=type(self).__name__, n=len(args) + 1)
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", OrderedDict())

    # -- calling -------------------------------------------------------------------------------
    def forward(self, *args, **kwargs):
        raise error("module_no_forward", cls=type(self).__name__)

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # -- registration -------------------------------------------------------------------------------
    def _check_new_name(self, name, what: str, registry: str) -> None:
        """PyTorch's checks before registering a parameter or buffer under ``name``."""
        if registry not in self.__dict__:
            raise error("module_before_init", what=what)
        if not isinstance(name, str):
            raise error("module_name_type", what=what, type=typename(name))
        if "." in name:
            raise error("module_name_dot", what=what)
        if name == "":
            raise error("module_name_empty", what=what)
        if hasattr(self, name) and name not in self.__dict__[registry]:
            raise error("module_attribute_exists", attr=name)

    def register_parameter(self, name: str, param) -> None:
        self._check_new_name(name, "parameter", "_parameters")
        if param is not None and not isinstance(param, Parameter):
            raise error("parameter_type", type=typename(param), attr=name)
        if param is not None and param.grad_fn is not None:
            raise error("parameter_nonleaf", param, attr=name)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor, persistent: bool = True) -> None:
        self._check_new_name(name, "buffer", "_buffers")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise error("buffer_type", type=typename(tensor), attr=name)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module) -> None:
        if not isinstance(module, Module) and module is not None:
            raise error("not_a_module", type=typename(module))
        if not isinstance(name, str):
            raise error("module_name_type", what="module", type=typename(name))
        if hasattr(self, name) and name not in self._modules:
            raise error("module_attribute_exists", attr=name)
        if "." in name:
            raise error("module_name_dot_got", attr=name)
        if name == "":
            raise error("module_name_empty", what="module")
        self._modules[name] = module

    register_module = add_module

    def __setattr__(self, name, value):
        params = self.__dict__.get("_parameters")
        modules = self.__dict__.get("_modules")
        buffers = self.__dict__.get("_buffers")
        if isinstance(value, Parameter):
            if params is None:
                raise error("module_before_init", what="parameters")
            self._remove(name, self.__dict__, buffers, modules)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise error("assign_parameter_type", type=typename(value), attr=name)
            self.register_parameter(name, value)
        elif isinstance(value, Module):
            if modules is None:
                raise error("module_before_init", what="module")
            self._remove(name, self.__dict__, params, buffers)
            modules[name] = value
        elif modules is not None and name in modules:
            if value is not None:
                raise error("assign_module_type", type=typename(value), attr=name)
            modules[name] = value
        elif buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise error("assign_buffer_type", type=typename(value), attr=name)
            buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    @staticmethod
    def _remove(name, *dicts):
        for d in dicts:
            if d is not None and name in d:
                del d[name]

    def __getattr__(self, name):
        # Only called when normal lookup fails: parameters, buffers and submodules live in dicts.
        d = self.__dict__
        for where in ("_parameters", "_buffers", "_modules"):
            if where in d and name in d[where]:
                return d[where][name]
        raise error("module_no_attribute", cls=type(self).__name__, attr=name)

    def __delattr__(self, name):
        for where in (self._parameters, self._buffers, self._modules):
            if name in where:
                del where[name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    # -- walking the tree -------------------------------------------------------------------------
    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        if memo is None:
            memo = set()
        if self in memo:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            yield from module.named_modules(memo, prefix + ("." if prefix else "") + name, remove_duplicate)

    def modules(self):
        for _, module in self.named_modules():
            yield module

    def named_children(self):
        memo = set()
        for name, module in self._modules.items():
            if module is not None and module not in memo:
                memo.add(module)
                yield name, module

    def children(self):
        for _, module in self.named_children():
            yield module

    def _named_members(self, members, prefix="", recurse=True, remove_duplicate=True):
        memo = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse \
            else [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in members(module).items():
                if value is None or id(value) in memo:
                    continue
                if remove_duplicate:
                    memo.add(id(value))
                yield module_prefix + ("." if module_prefix else "") + name, value

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        yield from self._named_members(lambda m: m._parameters, prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        yield from self._named_members(lambda m: m._buffers, prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def get_submodule(self, target: str):
        module = self
        if target == "":
            return module
        for item in target.split("."):
            if not hasattr(module, item):
                raise error("submodule_missing", cls=module._get_name(), item=item)
            module = getattr(module, item)
            if not isinstance(module, Module):
                raise error("submodule_not_module", item=item)
        return module

    def apply(self, fn):
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # -- modes and gradients ----------------------------------------------------------------------
    def train(self, mode: bool = True):
        if not isinstance(mode, bool):
            raise error("train_mode_type")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self):
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True):
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        zero_grads(self.parameters(), set_to_none)

    # -- dtypes and devices (everything is on the CPU) -----------------------------------------------
    def to(self, *args, **kwargs):
        from .. import _device, _dtype
        dtype = kwargs.get("dtype")
        _device.check(kwargs.get("device"))
        for a in args:
            if isinstance(a, _dtype.dtype):
                dtype = a
            elif _device.is_device(a):
                _device.check(a)  # the CPU is fine; CUDA raises PyTorch's AssertionError
        if dtype is not None:
            self._cast(dtype)
        return self

    def _cast(self, dtype):
        with no_grad():
            for t in list(self.parameters()) + list(self.buffers()):
                if t.dtype.is_floating_point and t.dtype is not dtype:
                    t.data = t.to(dtype)
                    if t._grad is not None:
                        t._grad = t._grad.to(dtype)
        return self

    def float(self):
        from .. import _dtype
        return self._cast(_dtype.float32)

    def double(self):
        from .. import _dtype
        return self._cast(_dtype.float64)

    def cpu(self):
        return self

    def cuda(self, device=None):
        from ..errors import error
        raise error("cuda_unavailable")

    # -- state dicts -------------------------------------------------------------------------------
    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        """Every parameter and persistent buffer by dotted name (``'0.weight'``), detached."""
        if args:  # the old positional form: (destination, prefix, keep_vars)
            destination, prefix, keep_vars = (list(args) + [destination, prefix, keep_vars][len(args):])[:3]
        if destination is None:
            destination = OrderedDict()
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars else buf.detach()
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
        return destination

    def _load_from_state_dict(self, state_dict, prefix, strict, missing_keys, unexpected_keys, error_msgs):
        persistent = {k: v for k, v in self._buffers.items() if k not in self._non_persistent_buffers_set}
        local_state = {k: v for k, v in list(self._parameters.items()) + list(persistent.items())
                       if v is not None}
        for name, param in local_state.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            value = state_dict[key]
            if not isinstance(value, Tensor):
                error_msgs.append(f'While copying the parameter named "{key}", expected torch.Tensor or '
                                  f"Tensor-like object from checkpoint but received {type(value)}")
                continue
            if param.ndim == 0 and value.ndim == 1 and value.shape[0] == 1:
                value = value[0]
            if value.shape != param.shape:
                error_msgs.append(f"size mismatch for {key}: copying a param with shape {value.shape} from "
                                  f"checkpoint, the shape in current model is {param.shape}.")
                continue
            try:
                with no_grad():
                    param.copy_(value)
            except Exception as ex:
                error_msgs.append(f'While copying the parameter named "{key}", whose dimensions in the model '
                                  f"are {param.size()} and whose dimensions in the checkpoint are "
                                  f"{value.size()}, an exception occurred : {ex.args}.")
        if strict:
            for key in state_dict:
                if key.startswith(prefix):
                    parts = key[len(prefix):].split(".", 1)
                    if len(parts) > 1:
                        if parts[0] not in self._modules:
                            unexpected_keys.append(key)
                    elif parts[0] not in local_state:
                        unexpected_keys.append(key)

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Copy values into this module's parameters; with ``strict``, keys must match exactly."""
        if not isinstance(state_dict, Mapping):
            raise error("state_dict_type", type=type(state_dict))
        if assign:
            raise error("load_state_dict_assign")
        missing_keys, unexpected_keys, error_msgs = [], [], []
        state_dict = OrderedDict(state_dict)

        def load(module, local, prefix=""):
            module._load_from_state_dict(local, prefix, True, missing_keys, unexpected_keys, error_msgs)
            for name, child in module._modules.items():
                if child is not None:
                    child_prefix = prefix + name + "."
                    load(child, {k: v for k, v in local.items() if k.startswith(child_prefix)}, child_prefix)

        load(self, state_dict)
        if strict:
            if unexpected_keys:
                error_msgs.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in unexpected_keys)))
            if missing_keys:
                error_msgs.insert(0, "Missing key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in missing_keys)))
        if error_msgs:
            raise error("load_state_dict_mismatch", cls=type(self).__name__, errors="\n\t".join(error_msgs))
        return _IncompatibleKeys(missing_keys, unexpected_keys)

    # -- printing ---------------------------------------------------------------------------------
    def _get_name(self):
        return type(self).__name__

    def extra_repr(self) -> str:
        return ""

    def __repr__(self):
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({key}): " + _addindent(repr(module), 2) for key, module in self._modules.items()]
        lines = extra_lines + child_lines
        main = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                main += extra_lines[0]
            else:
                main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"

    def __dir__(self):
        attrs = list(dir(type(self))) + list(self.__dict__)
        attrs += list(self._parameters) + list(self._modules) + list(self._buffers)
        return sorted(a for a in set(attrs) if not a[0].isdigit())
