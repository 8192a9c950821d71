"""A graph-level differential fuzzer: random autograd programs run under torch and under gradlab.

A *program* is a list of statements (source text; a grad-mode block is one statement with its
indented body). ``generate(seed)`` writes one: it executes each new statement under real torch as
it goes, so that it can read the live shapes, flags and versions and pick statements that are
well-formed (an op gets operands whose shapes fit, a view gets valid dims). A statement that makes
torch raise is kept now and then and ends the program there, so error parity is fuzzed as well.

``compare(program)`` runs the program from scratch under each library, with the name ``torch``
bound to torch or to gradlab (exactly ``import gradlab as torch``), and compares:

- where it raised (statement index), the exception's type and ``str(e)``;
- every name the program bound: for a tensor its shape, dtype, values, requires_grad, is_leaf,
  retains_grad, grad_fn name, _version and .grad (recursively, ``None`` included); numbers,
  tuples and the ``log`` list that hooks append to;
- the warnings the statements issued (category and message, torch's C++ location removed).

A difference is **hard** when the raise differs (one side only, another statement, type or
message) and **silent** when neither or both raise the same and some value, gradient or flag
differs. ``minimize`` shrinks a failing program by delta debugging over statements, keeping the
same kind of difference; ``repro`` prints it ready to paste.

torch 2.13.0 itself is wrong or crashes on a few programs; ``TORCH_BUGS`` lists them (reviewed,
each with why), the generator never writes them, and tests/test_exactness.py checks gradlab's
answer for them against hand math.
"""
from __future__ import annotations

import random
import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import torch

torch.set_num_threads(1)

# -- torch's own bugs, never generated ------------------------------------------------------------
# Each: (name, why, what the generator does about it). Keep short and reviewed: no blanket skips.
TORCH_BUGS = [
    ("hook on a view after its base changed in place",
     "torch 2.13.0 segfaults in view.register_hook(...) once the view's base (or another view of "
     "it) was modified in place after the view was taken (its grad_fn is regenerated lazily).",
     "the generator registers hooks only on tensors whose _version is the one they were made with"),
]

VALUES = [-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0]
SHAPES = [(), (), (1,), (3,), (3,), (2, 3), (2, 3), (3, 1), (1, 3), (2, 2), (2, 1, 3), (2, 3, 2),
          (2, 2, 2, 2), (0,), (1, 1)]

_TRIGGERED = re.compile(r" \(Triggered internally at [^)]*\)\.?$", re.S)


# -- writing programs ------------------------------------------------------------------------------

def _literal(rng, shape):
    if not shape:
        return repr(rng.choice(VALUES))
    return "[" + ", ".join(_literal(rng, shape[1:]) for _ in range(shape[0])) + "]"


class _Writer:
    """Picks statements that fit the live torch namespace ``ns``."""

    def __init__(self, rng):
        self.rng = rng
        self.count = 0
        self.made_at_version = {}   # name -> the _version the tensor had when it was bound

    # names
    def new(self, prefix="t"):
        self.count += 1
        return f"{prefix}{self.count}"

    def tensors(self, ns, pred=lambda t: True):
        return [k for k, v in ns.items() if isinstance(v, torch.Tensor) and not k.startswith("_")
                and _get(lambda: pred(v)) is True]

    def floats(self, ns, pred=lambda t: True):
        return self.tensors(ns, lambda t: t.is_floating_point() and pred(t))

    def pick(self, names):
        return self.rng.choice(names) if names else None

    # helpers
    def leaf(self, shape=None, rg=None, name=None):
        rng = self.rng
        shape = rng.choice(SHAPES) if shape is None else shape
        rg = rng.random() < 0.7 if rg is None else rg
        name = name or self.new("a" if rg else "c")
        args = [_literal(rng, shape)]
        if rng.random() < 0.1:
            args.append("dtype=torch.float64")
        if rg:
            args.append("requires_grad=True")
        return name, f"{name} = torch.tensor({', '.join(args)})"

    def dim(self, t):
        n = t.dim()
        return self.rng.choice([0, -1]) if n == 0 else self.rng.randrange(-n, n)

    def compatible(self, ns, x, exact=False):
        """A name broadcastable with ``x`` (onto ``x``'s shape when ``exact``), or None."""
        shape = tuple(ns[x].shape)
        out = []
        for k in self.floats(ns):
            try:
                b = np.broadcast_shapes(shape, tuple(ns[k].shape))
            except ValueError:
                continue
            if not exact or b == shape:
                out.append(k)
        return self.pick(out)

    def broadcast_shape(self, shape):
        """A random shape that broadcasts with ``shape``."""
        rng = self.rng
        s = [d if rng.random() < 0.6 else 1 for d in shape]
        s = s[rng.randrange(len(s) + 1):] if s and rng.random() < 0.3 else s
        if rng.random() < 0.15:
            s = [2] + s
        return tuple(s)

    # statement kinds: each returns a list of statements, or [] when it does not apply
    def s_leaf(self, ns):
        return [self.leaf()[1]]

    def s_unary(self, ns):
        x = self.pick(self.floats(ns))
        if x is None:
            return []
        op = self.rng.choice([
            "{x}.exp()", "{x}.neg()", "-{x}", "{x}.abs()", "{x}.relu()", "{x}.sigmoid()",
            "{x}.tanh()", "{x}.sqrt()", "{x}.log()", "{x}.square()", "{x}.reciprocal()",
            "{x}.sign()", "{x}.pow(2)", "{x} ** 3", "{x}.pow(-1)", "{x}.pow(0.5)", "{x} * 2",
            "2 * {x}", "{x} / 2", "1 / {x}", "{x} - 1.5", "3 - {x}", "{x}.clamp(-1, 1)",
            "{x}.clamp(min=0)", "{x}.clamp(max=0.5)", "torch.exp({x})", "{x}.clone()",
            "torch.relu({x})", "{x} + 0", "{x}.sub({x}, alpha=2)", "{x} * {x}", "{x}.abs().sqrt()",
        ]).format(x=x)
        return [f"{self.new()} = {op}"]

    def s_binary(self, ns):
        x = self.pick(self.floats(ns))
        if x is None:
            return []
        pre = []
        y = self.compatible(ns, x) if self.rng.random() < 0.7 else None
        if y is None:
            y, line = self.leaf(self.broadcast_shape(tuple(ns[x].shape)))
            pre.append(line)
        if self.rng.random() < 0.5:
            x, y = y, x
        op = self.rng.choice([
            "{x} + {y}", "{x} - {y}", "{x} * {y}", "{x} / {y}", "torch.maximum({x}, {y})",
            "torch.minimum({x}, {y})", "{x}.sub({y}, alpha=2)", "torch.sub({x}, {y}, alpha=0.5)",
            "torch.where({x} > {y}, {x}, {y})", "torch.where({x} > 0, {x}, {y})", "{x}.pow({y})",
            "torch.mul({x}, {y})", "{x} * {y} + {x}",
        ]).format(x=x, y=y)
        return pre + [f"{self.new()} = {op}"]

    def s_reduce(self, ns):
        x = self.pick(self.floats(ns))
        if x is None:
            return []
        t, rng = ns[x], self.rng
        d, kd = self.dim(t), rng.choice(["", ", keepdim=True"])
        forms = ["{x}.sum()", "{x}.mean()", "{x}.sum({d}{kd})", "{x}.mean({d}{kd})",
                 "{x}.sum(dim={d})", "{x}.max()", "{x}.min()", "{x}.max({d}{kd})[0]",
                 "{x}.min({d}{kd}).values", "torch.softmax({x}, {d})", "torch.log_softmax({x}, dim={d})",
                 "torch.sum({x})", "torch.mean({x}, {d})", "{x}.max(dim={d}).values"]
        if t.dim() >= 2:
            forms += ["{x}.sum(dim=(0, 1){kd})", "{x}.mean((-1, 0))"]
        op = rng.choice(forms).format(x=x, d=d, kd=kd)
        return [f"{self.new()} = {op}"]

    def s_view(self, ns):
        x = self.pick(self.tensors(ns))
        if x is None:
            return []
        t, rng = ns[x], self.rng
        n, shape = t.dim(), tuple(t.shape)
        forms = ["{x}[None]", "{x}.unsqueeze({du})", "{x}.reshape(-1)", "{x}.view(-1)",
                 "{x}.flatten()", "{x}.squeeze()", "{x}[...]", "{x}.expand({ex})"]
        if n >= 1 and shape[0] > 0:
            i = rng.randrange(-shape[0], shape[0])
            forms += [f"{{x}}[{i}]", "{x}[1:]", "{x}[::2]", "{x}[0:1]", f"{{x}}[{i}, ...]",
                      "{x}[[0, 0]]", "{x}[torch.tensor([0, -1])]", "{x}.squeeze(0)",
                      "{x}[{x} > 0]"]
        if n <= 2:
            forms += ["{x}.t()"]
        if n >= 2:
            perm = list(range(n))
            rng.shuffle(perm)
            forms += ["{x}.transpose({d1}, {d2})", f"{{x}}.permute({', '.join(map(str, perm))})",
                      "{x}.mT", "{x}[:, 0]", "{x}[:, 1:]", "{x}.reshape({rs})", "{x}.view({rs})"]
        ex = ", ".join(map(str, [2] + list(shape))) if rng.random() < 0.5 else \
            ", ".join(str(s if s != 1 else 3) for s in shape) or "3"
        rs = f"{shape[-1]}, -1" if n >= 2 else "-1"
        d1, d2 = (self.dim(t), self.dim(t))
        op = rng.choice(forms).format(x=x, du=rng.randrange(-n - 1, n + 1), ex=ex, rs=rs,
                                      d1=d1, d2=d2)
        return [f"{self.new('v')} = {op}"]

    def s_matmul(self, ns):
        x = self.pick(self.floats(ns, lambda t: 1 <= t.dim() <= 4 and 0 not in t.shape))
        if x is None:
            return []
        rng, shape = self.rng, tuple(ns[x].shape)
        k, m = shape[-1], rng.choice([1, 2, 3])
        batch = rng.choice([(), (), (2,), (1,), (2, 2)])
        yshape = rng.choice([(k,), (k, m), batch + (k, m)])
        y, line = self.leaf(yshape)
        forms = ["{x} @ {y}", "torch.matmul({x}, {y})"]
        if len(shape) == 2 and len(yshape) == 2:
            forms.append("{x}.mm({y})")
        if len(shape) == 2 and len(yshape) == 1:
            forms.append("{x}.mv({y})")
        if len(shape) == 1 and len(yshape) == 1:
            forms.append("torch.dot({x}, {y})")
        op = rng.choice(forms).format(x=x, y=y)
        return [line, f"{self.new()} = {op}"]

    def s_join(self, ns):
        x = self.pick(self.floats(ns))
        if x is None:
            return []
        t, rng = ns[x], self.rng
        same = [k for k in self.floats(ns) if ns[k].shape == t.shape]
        y = rng.choice(same)
        d = self.dim(t)
        op = rng.choice(["torch.cat([{x}, {y}])", "torch.cat([{x}, {y}], dim={d})",
                         "torch.stack([{x}, {y}])", "torch.stack([{x}, {y}], dim={d})",
                         "torch.cat(({x}, {y}, {x}), {d})"]).format(x=x, y=y, d=d)
        return [f"{self.new()} = {op}"]

    def s_inplace(self, ns):
        rng = self.rng
        # Mostly non-leaves (and leaves that don't require grad); sometimes a leaf that does.
        cands = self.floats(ns, lambda t: not (t.is_leaf and t.requires_grad))
        x = self.pick(cands) if cands and rng.random() < 0.92 else self.pick(self.floats(ns))
        if x is None:
            return []
        t = ns[x]
        z = self.compatible(ns, x, exact=True)
        forms = ["{x}.add_(1)", "{x}.mul_(2)", "{x}.div_(2)", "{x}.clamp_(-1, 1)", "{x}.pow_(2)",
                 "{x}.zero_()", "{x}.fill_(0.5)", "{x} += 1", "{x} *= 3", "{x} -= 0.5",
                 "{x}.sub_(1.5)", "{x}[{x} > 0] = 0.0"]
        if z is not None:
            forms += ["{x}.add_({z})", "{x}.mul_({z})", "{x}.sub_({z})", "{x} += {z}",
                      "{x} *= {z}", "{x}.copy_({z})", "{x}.div_({z})"]
        if t.dim() >= 1 and t.shape[0] > 0:
            forms += ["{x}[0] = 5.0", "{x}[0].mul_(3)", "{x}[-1:].add_(1)", "{x}[0] = {x}[-1] * 2"]
            if t.dim() >= 2:
                forms += ["{x}[:, 0] = 0.0", "{x}.t().add_(1)" if t.dim() == 2 else "{x}[0, 0] += 1"]
            row = [k for k in self.floats(ns) if tuple(ns[k].shape) == tuple(t.shape[1:])]
            if row:
                forms.append("{x}[0] = " + rng.choice(row))
        return [rng.choice(forms).format(x=x, z=z)]

    def s_leaf_update(self, ns):
        a = self.pick(self.floats(ns, lambda t: t.is_leaf and t.requires_grad))
        if a is None:
            return []
        forms = ["{a}.add_(1)", "{a}.mul_(0.5)", "{a}[0] = 0.0" if ns[a].dim() else "{a}.zero_()",
                 "{a} -= 0.1"]
        if ns[a].grad is not None:
            forms += ["{a} -= 0.1 * {a}.grad", "{a}.sub_({a}.grad)"]
        return ["with torch.no_grad():\n    " + self.rng.choice(forms).format(a=a)]

    def s_grad_mode(self, ns):
        rng = self.rng
        body = rng.choice([self.s_unary, self.s_binary, self.s_reduce, self.s_view])(ns)
        if not body:
            return []
        head = rng.choice(["with torch.no_grad():", "with torch.set_grad_enabled(False):",
                           "with torch.enable_grad():", "with torch.no_grad():\n    with torch.enable_grad():",
                           "with torch.inference_mode():"])
        indent = "        " if head.count("with") == 2 else "    "
        return [head + "\n" + "\n".join(indent + line for line in body)]

    def s_detach(self, ns):
        rng = self.rng
        x = self.pick(self.floats(ns))
        if x is None:
            return []
        t = ns[x]
        forms = ["{n} = {x}.detach()", "{n} = {x}.detach().requires_grad_()", "{n} = {x}.detach() * 2"]
        if _get(lambda: t.is_leaf) is True:
            forms += ["{x}.requires_grad_()", "{x}.requires_grad_(False)" if rng.random() < 0.3 else
                      "{x}.requires_grad_(True)"]
        else:
            forms += ["{x}.detach_()"] if rng.random() < 0.3 else []
        return [rng.choice(forms).format(x=x, n=self.new())]

    def _hookable(self, ns, t_name):
        t = ns[t_name]
        return t._base is None or self.made_at_version.get(t_name) == _version(t)

    def s_hook(self, ns):
        names = [k for k in self.floats(ns, lambda t: t.requires_grad) if self._hookable(ns, k)]
        x = self.pick(names)
        if x is None:
            return []
        hook = self.rng.choice(["lambda g: g * 2", "lambda g: log.append(round(g.sum().item(), 3))",
                                "lambda g: None", "lambda g: g + 1", "lambda g: g.clamp(min=0)"])
        return [f"{x}.register_hook({hook})"]

    def s_retain(self, ns):
        names = [k for k in self.floats(ns, lambda t: t.requires_grad) if self._hookable(ns, k)]
        x = self.pick(names)
        return [f"{x}.retain_grad()"] if x else []

    def s_backward(self, ns):
        rng = self.rng
        x = self.pick(self.floats(ns, lambda t: t.requires_grad))
        if x is None:
            return []
        t = ns[x]
        leaves = self.floats(ns, lambda v: v.is_leaf and v.requires_grad)
        rg = rng.choice(["", "", ", retain_graph=True"])
        some = rng.sample(leaves, min(len(leaves), rng.choice([1, 1, 2])))
        if t.numel() == 1 and t.dim() == 0:
            s, pre = x, []
        elif rng.random() < 0.4:
            grad = f"torch.tensor({_literal(rng, tuple(t.shape))})" if rng.random() < 0.5 \
                else f"torch.ones_like({x})"
            return [f"{x}.backward({grad}{rg})" if rng.random() < 0.5 else
                    f"{x}.backward(gradient={grad}{rg})"]
        else:
            s = self.new("s")
            pre = [f"{s} = {x}.{rng.choice(['sum', 'mean'])}()"]
        form = rng.choice([
            "{s}.backward({rg0})", "{s}.backward({rg0})", "{s}.backward(inputs=[{some}]{rg})",
            "{s}.backward(create_graph=True)",
            "{g} = torch.autograd.grad({s}, [{some}]{rg})",
            "{g} = torch.autograd.grad({s}, [{some}], allow_unused=True{rg})",
            "{g}, = torch.autograd.grad({s}, {one}, create_graph=True)",
        ])
        line = form.format(s=s, rg=rg, rg0=rg[2:], some=", ".join(some) or x, one=some[0] if some else x,
                           g=self.new("g"))
        return pre + [line]

    def s_second_order(self, ns):
        g = self.pick(self.floats(ns, lambda t: t.requires_grad and not t.is_leaf))
        if g is None:
            return []
        return [f"{g}.sum().backward()"]

    def s_grad_reset(self, ns):
        a = self.pick(self.floats(ns, lambda t: t.is_leaf and t.grad is not None))
        if a is None:
            return []
        return [self.rng.choice(["{a}.grad = None", "{a}.grad.zero_()", "{n} = {a}.grad * 1"]).format(
            a=a, n=self.new())]

    def s_item(self, ns):
        x = self.pick(self.floats(ns, lambda t: t.numel() == 1))
        return [f"f{self.count} = {x}.item()"] if x else []

    KINDS = [("s_leaf", 8), ("s_unary", 14), ("s_binary", 13), ("s_reduce", 10), ("s_view", 13),
             ("s_matmul", 4), ("s_join", 3), ("s_inplace", 11), ("s_leaf_update", 3),
             ("s_grad_mode", 4), ("s_detach", 4), ("s_hook", 3), ("s_retain", 3),
             ("s_backward", 9), ("s_second_order", 1), ("s_grad_reset", 2), ("s_item", 1)]


def _execute(src, ns):
    exec(compile(src, "<program>", "exec"), ns)


def _fresh(lib):
    return {"torch": lib, "log": []}


def generate(seed: int, keep_errors: float = 0.35) -> list[str]:
    """A well-formed random program of 3–25 statements (seeded: the same seed, the same program)."""
    rng = random.Random(seed)
    w = _Writer(rng)
    length = rng.randint(3, 25)
    kinds, weights = zip(*_Writer.KINDS)
    program, ns = [], _fresh(torch)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first = w.leaf(rg=True)[1]
        _execute(first, ns)
        program.append(first)
        tries = 0
        while len(program) < length and tries < 200:
            tries += 1
            last = len(program) == length - 1
            kind = "s_backward" if last and rng.random() < 0.6 else rng.choices(kinds, weights)[0]
            stmts = getattr(w, kind)(ns)
            if not stmts:
                continue
            for i, stmt in enumerate(stmts):
                before = set(ns)
                try:
                    _execute(stmt, ns)
                except Exception:
                    if rng.random() < keep_errors:
                        program.append(stmt)
                        return program
                    # Drop the statement: rebuild the namespace from the program so far.
                    ns = _fresh(torch)
                    for s in program:
                        _execute(s, ns)
                    break
                program.append(stmt)
                for name in set(ns) - before:
                    if isinstance(ns[name], torch.Tensor):
                        w.made_at_version[name] = _version(ns[name])
    return program


# -- running and comparing ----------------------------------------------------------------------

def _get(f):
    """``f()``, or what it raised: reading an attribute can raise (torch: a no_grad view's grad_fn
    after its base changed in place; an inference tensor's _version)."""
    try:
        return f()
    except Exception as e:  # noqa: BLE001
        return ("raises", type(e).__name__, str(e))


def _describe(v, depth=0):
    """What a learner could print about ``v``, as plain comparable data."""
    if depth > 3:
        return ("...",)
    if type(v).__name__ in ("Tensor", "Parameter"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            grad = _get(lambda: v.grad)
        fn = _get(lambda: v.grad_fn)
        return {
            "shape": tuple(v.shape), "dtype": str(v.dtype).replace("torch.", ""),
            "value": np.array(v.detach().numpy(), copy=True),
            "requires_grad": v.requires_grad, "is_leaf": _get(lambda: v.is_leaf),
            "retains_grad": _get(lambda: v.retains_grad),
            # The class name, which repr(t.grad_fn) shows (torch's name() says
            # "torch::autograd::CopySlices" where the repr says CopySlices).
            "grad_fn": fn if fn is None or isinstance(fn, tuple) else type(fn).__name__,
            # A .grad's _version is the engine's business (torch may copy into it): not compared.
            "_version": _get(lambda: v._version) if depth == 0 else None,
            "grad": grad if grad is None or isinstance(grad, tuple) else _describe(grad, depth + 1),
        }
    if isinstance(v, (list, tuple)):
        return (type(v).__name__, [_describe(e, depth + 1) for e in v])
    if isinstance(v, (bool, int, float, str, type(None))):
        return v
    return ("object",)   # hook handles and the like


@dataclass
class Run:
    error: tuple | None          # (statement index, type name, message)
    state: dict                  # name -> description
    warned: list = field(default_factory=list)


def run(program, lib) -> Run:
    ns = _fresh(lib)
    error = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for i, src in enumerate(program):
            try:
                _execute(src, ns)
            except Exception as e:  # noqa: BLE001 - the exception is what we compare
                error = (i, type(e).__name__, str(e))
                break
        state = {k: _describe(v) for k, v in ns.items() if k not in ("torch", "__builtins__")}
    # gradlab names the nodes of a create_graph=True backward after the ops its rules are written
    # with, not after PyTorch's fused kernels (README, "Where gradlab differs"): from the first such
    # statement on, grad_fn names are compared only for tensors bound before it.
    higher = next((i for i, src in enumerate(program) if "create_graph=True" in src), None)
    if higher is not None:
        before = set(run_names(program[:higher]))
        for k, d in state.items():
            if isinstance(d, dict):
                if k not in before:
                    d["grad_fn"] = "(not compared: after create_graph)"
                if isinstance(d["grad"], dict):
                    d["grad"]["grad_fn"] = "(not compared: after create_graph)"
    warned = [(w.category.__name__, _TRIGGERED.sub("", str(w.message))) for w in caught
              if not issubclass(w.category, RuntimeWarning)]
    return Run(error, state, warned)


def _version(t):
    return _get(lambda: t._version)


def run_names(program):
    """The names a program binds (statically: assignment targets)."""
    import ast
    names = []
    for src in program:
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.append(node.id)
    return names


@dataclass
class Difference:
    kind: str        # "hard", "silent", "version" or "warning"
    what: str        # e.g. "raise one side", "message", "grad", "value", "requires_grad"
    where: str       # the name (and field path) or the statement
    gradlab: object
    torch: object

    @property
    def signature(self):
        """What minimizing keeps: the kind, what differs, and for a hard difference the error
        types on each side (so that shrinking doesn't trade the bug for a NameError)."""
        if self.kind == "hard":
            return (self.kind, self.what, _etype(self.torch), _etype(self.gradlab))
        return (self.kind, self.what)

    @property
    def cause(self):
        """A coarser key that groups programs showing the same bug (for the report)."""
        if self.kind == "hard":
            g = re.sub(r"\d+", "N", self.gradlab[2])[:70] if self.gradlab else None
            t = re.sub(r"\d+", "N", self.torch[2])[:70] if self.torch else None
            return self.signature + (t, g)
        fn = lambda d: d.get("grad_fn") if isinstance(d, dict) else None  # noqa: E731
        return (self.kind, self.what, ".grad" in self.where, fn(self.torch), fn(self.gradlab))


def _etype(error):
    return None if error is None else error[1]


def _close(a, b):
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind in "biu":
        return np.array_equal(a, b)
    with np.errstate(all="ignore"):
        return bool(np.allclose(a, b, rtol=1e-4, atol=1e-5, equal_nan=True))


def _diff(g, t, path):
    """The first field where descriptions ``g`` and ``t`` differ, as (field, path), or None."""
    if isinstance(t, dict) and isinstance(g, dict):
        order = ["shape", "dtype", "value", "requires_grad", "is_leaf", "grad_fn", "retains_grad",
                 "_version", "grad"]
        for key in order:
            a, b = g[key], t[key]
            if key == "value":
                if not _close(a, b):
                    return "value", path
            elif key == "grad" and not isinstance(a, tuple) and not isinstance(b, tuple):
                if (a is None) != (b is None):
                    return "grad None-ness", path + ".grad"
                if a is not None:
                    d = _diff(a, b, path + ".grad")
                    if d:
                        return ("grad" if d[0] == "value" else d[0]), d[1]
            elif a != b:
                return key, path
        return None
    if isinstance(t, tuple) and isinstance(g, tuple) and len(t) == 2 and isinstance(t[1], list):
        if g[0] != t[0] or len(g[1]) != len(t[1]):
            return "type", path
        for i, (a, b) in enumerate(zip(g[1], t[1])):
            d = _diff(a, b, f"{path}[{i}]")
            if d:
                return d
        return None
    if isinstance(t, float) and isinstance(g, float):
        return None if np.isclose(g, t, rtol=1e-4, atol=1e-5, equal_nan=True) else ("value", path)
    if type(g) is not type(t) or (not isinstance(t, tuple) and g != t):
        return "type" if type(g) is not type(t) else "value", path
    return None


def compare(program) -> Difference | None:
    t, g = run(program, torch), run(program, _gradlab())
    if t.error != g.error:
        if t.error is None or g.error is None:
            what = "raise one side"
        elif t.error[0] != g.error[0]:
            what = "raise elsewhere"
        elif t.error[1] != g.error[1]:
            what = "error type"
        else:
            what = "message"
        return Difference("hard", what, f"statement {(t.error or g.error)[0] + 1}", g.error, t.error)
    names = sorted(set(t.state) | set(g.state))
    for name in names:
        if name not in t.state or name not in g.state:
            return Difference("silent", "binding", name, name in g.state, name in t.state)
        d = _diff(g.state[name], t.state[name], name)
        if d:
            # A tensor's _version is printable but says nothing about values or gradients (torch's
            # own kernels bump it: a 1-D matmul's output is squeezed in place): its own kind.
            kind = "version" if d[0] == "_version" else "silent"
            return Difference(kind, d[0], d[1], _pick(g.state, d[1]), _pick(t.state, d[1]))
    if t.warned != g.warned:
        return Difference("warning", "warnings", "", g.warned, t.warned)
    return None


def _pick(state, path):
    """The printable piece of a description at ``path`` (``x.grad`` -> x's grad's values)."""
    parts = re.split(r"(\.grad|\[\d+\])", path)
    v = state.get(parts[0])
    for p in parts[1:]:
        if not p:
            continue
        if p == ".grad":
            v = v.get("grad") if isinstance(v, dict) else v
        else:
            v = v[1][int(p[1:-1])] if isinstance(v, tuple) else v
    if isinstance(v, dict):
        return {k: (v[k].tolist() if k == "value" else v[k]) for k in
                ("value", "requires_grad", "is_leaf", "grad_fn", "_version")} | \
            {"grad": None if v["grad"] is None else v["grad"]["value"].tolist()}
    return v


def _gradlab():
    import gradlab
    return gradlab


# -- minimizing and printing -----------------------------------------------------------------------

def minimize(program, signature=None, budget=400):
    """The smallest sub-program (by delta debugging over statements) with the same kind of
    difference as ``program``."""
    first = compare(program)
    if first is None:
        return program
    signature = signature or first.signature
    calls = [0]

    def fails(p):
        calls[0] += 1
        d = compare(p)
        return d is not None and d.signature == signature

    n = 2
    while len(program) >= 2 and calls[0] < budget:
        chunk = max(1, len(program) // n)
        subsets = [program[i:i + chunk] for i in range(0, len(program), chunk)]
        reduced = False
        for i in range(len(subsets)):
            complement = [s for j, sub in enumerate(subsets) if j != i for s in sub]
            if complement and fails(complement):
                program, n, reduced = complement, max(n - 1, 2), True
                break
        if not reduced:
            if chunk == 1:
                break
            n = min(len(program), n * 2)
    return program


def repro(program, diff=None) -> str:
    """The program ready to paste (``import torch`` or ``import gradlab as torch``), with results."""
    lines = ["import torch  # or: import gradlab as torch", "log = []", *program]
    if diff is not None:
        lines += [f"# {diff.kind} difference ({diff.what}) at {diff.where}:",
                  f"#   torch:   {diff.torch!r}", f"#   gradlab: {diff.gradlab!r}"]
    return "\n".join(lines)
