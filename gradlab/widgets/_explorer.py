"""``derivative_explorer()``: y, autograd's dy/dx, a finite difference and the tangent line."""
from __future__ import annotations

import numpy as np

from ._common import App, image, new_figure, number

PRESETS = ("x**3", "x**2 - 2*x", "torch.exp(x)", "torch.tanh(x)", "torch.sigmoid(x)",
           "torch.relu(x)", "x.abs()")


def make_function(fn):
    """``fn`` as a callable on gradlab tensors: a callable, or an expression in ``x`` that may
    use ``torch.`` (gradlab) functions, e.g. ``"x**3"`` or ``"torch.tanh(x)"``."""
    if callable(fn):
        return fn, getattr(fn, "__name__", "f")
    import gradlab
    code = compile(fn, "<function>", "eval")
    namespace = {"__builtins__": {}, "torch": gradlab, "gradlab": gradlab}

    def f(x):
        return eval(code, namespace, {"x": x})  # noqa: S307 - the learner's own expression
    return f, fn


class DerivativeExplorer(App):
    """A point moving along y = f(x): y, dy/dx by autograd, a central finite difference
    (f(x+h) − f(x−h)) / 2h, and the tangent line y + dy/dx · (t − x) on a plot."""

    def __init__(self, fn="x**3", x=2.0, x_range=(-3.0, 3.0), h=1e-3):
        super().__init__()
        self.fn = fn
        self.x = float(x)
        self.x_range = (float(x_range[0]), float(x_range[1]))
        self.h = float(h)

    def evaluate(self, x=None):
        """{"x", "y", "dydx" (autograd), "fd" (finite difference), "h"} at ``x`` (float64)."""
        import gradlab
        x = self.x if x is None else float(x)
        f, _ = make_function(self.fn)
        t = gradlab.tensor(x, dtype=gradlab.float64, requires_grad=True)
        y = f(t)
        y.backward()
        dydx = t.grad.item() if t.grad is not None else 0.0
        with gradlab.no_grad():
            up = f(gradlab.tensor(x + self.h, dtype=gradlab.float64)).item()
            down = f(gradlab.tensor(x - self.h, dtype=gradlab.float64)).item()
        return {"x": x, "y": y.item(), "dydx": dydx, "fd": (up - down) / (2 * self.h), "h": self.h}

    def curve(self, points=241):
        """(xs, ys) of the function over ``x_range`` (one vectorised forward pass)."""
        import gradlab
        f, _ = make_function(self.fn)
        xs = np.linspace(self.x_range[0], self.x_range[1], points)
        with gradlab.no_grad():
            ys = f(gradlab.tensor(xs, dtype=gradlab.float64))
        ys = np.asarray(ys._data if hasattr(ys, "_data") else ys, dtype=np.float64)
        return xs, np.broadcast_to(ys, xs.shape)

    def tangent(self, half_width=None):
        """(ts, line) of the tangent at ``x``: y + dy/dx · (t − x)."""
        v = self.evaluate()
        half = half_width or (self.x_range[1] - self.x_range[0]) / 4
        ts = np.array([v["x"] - half, v["x"] + half])
        return ts, v["y"] + v["dydx"] * (ts - v["x"])

    def text(self):
        v = self.evaluate()
        _, name = make_function(self.fn)
        gap = abs(v["dydx"] - v["fd"])
        return (f"f(x) = {name}   at x = {number(v['x'], 2)}\n"
                f"  y = f(x)                         = {number(v['y'])}\n"
                f"  dy/dx by autograd (x.grad)       = {number(v['dydx'])}\n"
                f"  (f(x+h) − f(x−h)) / 2h, h = {v['h']:g}  = {number(v['fd'])}\n"
                f"  difference                       = {number(gap, 2)}")

    def figure(self):
        xs, ys = self.curve()
        ts, line = self.tangent()
        v = self.evaluate()
        _, name = make_function(self.fn)
        fig = new_figure(6.0, 3.6, left=0.1, top=0.97, bottom=0.13)
        ax = fig.add_subplot()
        ax.plot(xs, ys, color="tab:blue", label=f"y = {name}")
        ax.plot(ts, line, color="tab:orange", lw=2, label=f"tangent, slope {number(v['dydx'], 2)}")
        ax.plot([v["x"]], [v["y"]], "o", color="black")
        finite = ys[np.isfinite(ys)]
        if finite.size:
            lo, hi = float(finite.min()), float(finite.max())
            pad = 0.1 * (hi - lo or 1.0)
            ax.set_ylim(lo - pad, hi + pad)
        ax.set_xlim(*self.x_range)
        ax.axhline(0, color="gray", lw=0.5)
        ax.axvline(0, color="gray", lw=0.5)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.legend(loc="upper left", fontsize=9)
        return fig

    def _build_ui(self, w):
        options = list(PRESETS) if self.fn in PRESETS or callable(self.fn) else [self.fn, *PRESETS]
        fn = w.Dropdown(options=options, value=self.fn if not callable(self.fn) else options[0],
                        description="f(x) =")
        if callable(self.fn):
            fn.disabled = True
        lo, hi = self.x_range
        x = w.FloatSlider(value=self.x, min=lo, max=hi, step=0.05, description="x",
                          readout_format=".2f", continuous_update=False)
        text = w.HTML()
        plot = image(w, 6.0)

        self.bind(fn, "fn")
        self.bind(x, "x", float)
        self.outputs = {"text": text, "plot": plot}
        return w.VBox([w.HBox([fn, x]), text, plot])


def derivative_explorer(fn="x**3", x=2.0, x_range=(-3.0, 3.0), h=1e-3):
    """A slider for x on y = fn(x): ``derivative_explorer("x**3")``."""
    return DerivativeExplorer(fn, x=x, x_range=x_range, h=h)
