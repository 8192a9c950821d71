"""``optimizer_race()``: SGD, SGD with momentum, Nesterov and Adam on a 2-D loss surface,
their paths on a contour plot. Every step is ``gradlab.optim``'s own."""
from __future__ import annotations

import numpy as np

from ._common import App, image, new_figure, number


def _bowl(p):
    return 0.1 * p[0] ** 2 + 2.0 * p[1] ** 2


def _rosenbrock(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


# name: (function of a 2-vector, start, minimum, plot box, default lr for SGD, for Adam, steps)
SURFACES = {
    "elongated bowl: 0.1·x² + 2·y²": (_bowl, (-4.5, 1.5), (0.0, 0.0), (-5, 5, -2.2, 2.2), 0.2, 0.3, 100),
    "Rosenbrock: (1 − x)² + 100·(y − x²)²": (_rosenbrock, (-1.5, 2.0), (1.0, 1.0), (-2, 2, -1, 3), 1e-3, 0.05, 500),
}

RACERS = ("SGD", "SGD + momentum", "Nesterov", "Adam")
COLORS = {"SGD": "tab:blue", "SGD + momentum": "tab:orange", "Nesterov": "tab:green", "Adam": "tab:red"}


def make_optimizer(racer, params, lr, adam_lr, momentum):
    import gradlab
    if racer == "SGD":
        return gradlab.optim.SGD(params, lr=lr)
    if racer == "SGD + momentum":
        return gradlab.optim.SGD(params, lr=lr, momentum=momentum)
    if racer == "Nesterov":
        return gradlab.optim.SGD(params, lr=lr, momentum=momentum, nesterov=True)
    if racer == "Adam":
        return gradlab.optim.Adam(params, lr=adam_lr)
    raise ValueError(f"unknown optimizer {racer!r}")


def race(surface, steps=None, lr=None, adam_lr=None, momentum=0.9):
    """Each racer's path: {racer: array of shape (steps + 1, 2)}, starting point first.

    The loop is the usual one: ``zero_grad(); loss = f(p); loss.backward(); step()``. A path
    that overflows stops at the last finite point (the text says it diverged)."""
    import gradlab
    f, start, _, _, default_lr, default_adam, default_steps = SURFACES[surface]
    steps = default_steps if steps is None else steps
    lr = default_lr if lr is None else lr
    adam_lr = default_adam if adam_lr is None else adam_lr
    paths = {}
    for racer in RACERS:
        p = gradlab.tensor(list(start), requires_grad=True)
        opt = make_optimizer(racer, [p], lr, adam_lr, momentum)
        path = [list(start)]
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging racer overflows
            for _ in range(steps):
                opt.zero_grad()
                loss = f(p)
                loss.backward()
                opt.step()
                point = p.tolist()
                if not np.all(np.isfinite(point)):
                    break
                path.append(point)
        paths[racer] = np.array(path, dtype=np.float64)
    return paths


def surface_value(surface, point):
    f = SURFACES[surface][0]
    return float(f(np.asarray(point, dtype=np.float64)))


class OptimizerRace(App):
    """Four optimizers from one start on one surface, for ``steps`` steps."""


    def __init__(self, surface=None, steps=None, lr=None, adam_lr=None, momentum=0.9):
        super().__init__()
        self.surface = surface or next(iter(SURFACES))
        self.steps = SURFACES[self.surface][6] if steps is None else int(steps)
        self.lr = SURFACES[self.surface][4] if lr is None else float(lr)
        self.adam_lr = SURFACES[self.surface][5] if adam_lr is None else float(adam_lr)
        self.momentum = float(momentum)

    def paths(self):
        key = (self.surface, self.steps, self.lr, self.adam_lr, self.momentum)
        return self._cached(key, lambda: race(*key))

    def text(self):
        paths = self.paths()
        goal = SURFACES[self.surface][2]
        lines = [f"{self.surface}: minimum at {goal}, start at {SURFACES[self.surface][1]}",
                 f"{self.steps} steps, lr = {self.lr:g} (SGD family, momentum {self.momentum:g}), "
                 f"Adam lr = {self.adam_lr:g}", "",
                 f"{'optimizer':16} {'x':>9} {'y':>9} {'loss':>11}  distance to minimum"]
        for racer, path in paths.items():
            x, y = path[-1]
            loss = surface_value(self.surface, path[-1])
            dist = float(np.hypot(x - goal[0], y - goal[1]))
            note = "   diverged" if len(path) < self.steps + 1 else ""
            lines.append(f"{racer:16} {number(x):>9} {number(y):>9} {number(loss):>11}  "
                         f"{number(dist)}{note}")
        return "\n".join(lines)

    def figure(self):
        paths = self.paths()
        f, start, goal, box = SURFACES[self.surface][:4]
        x0, x1, y0, y1 = box
        gx, gy = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
        z = f(np.stack([gx, gy]))
        fig = new_figure(6.4, 4.2, bottom=0.11, top=0.97)
        ax = fig.add_subplot()
        levels = np.geomspace(max(z.min(), 1e-3), z.max(), 18)
        ax.contour(gx, gy, z, levels=levels, colors="gray", linewidths=0.6)
        for racer, path in paths.items():
            ax.plot(path[:, 0], path[:, 1], "-", color=COLORS[racer], lw=1.4, label=racer)
            ax.plot(path[-1, 0], path[-1, 1], "o", color=COLORS[racer], ms=5)
        ax.plot(*start, "ks", ms=6)
        ax.plot(*goal, "k*", ms=12)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.legend(loc="lower right", fontsize=8)
        return fig

    def _build_ui(self, w):
        surface = w.Dropdown(options=list(SURFACES), value=self.surface, description="surface",
                             layout=w.Layout(width="420px"))
        steps = w.IntSlider(value=self.steps, min=1, max=500, description="steps", continuous_update=False)
        lr = w.FloatLogSlider(value=self.lr, base=10, min=-5, max=0, step=0.1, description="SGD lr",
                              readout_format=".1e", continuous_update=False)
        adam_lr = w.FloatLogSlider(value=self.adam_lr, base=10, min=-4, max=0, step=0.1,
                                   description="Adam lr", readout_format=".1e", continuous_update=False)
        # min 0.01: Nesterov needs momentum > 0 (PyTorch's SGD raises ValueError at 0)
        momentum = w.FloatSlider(value=self.momentum, min=0.01, max=0.99, step=0.01,
                                 description="momentum", continuous_update=False)
        text = w.HTML()
        plot = image(w, 6.4)

        def on_surface(change):
            self.surface = change["new"]
            self._quiet = True  # one refresh for the surface and its learning rates
            try:
                lr.value, adam_lr.value, steps.value = SURFACES[self.surface][4:7]
            finally:
                self._quiet = False
            self.lr, self.adam_lr, self.steps = float(lr.value), float(adam_lr.value), int(steps.value)
            self.refresh()

        surface.observe(on_surface, names="value")
        self.controls["surface"] = surface
        self.bind(steps, "steps", int)
        self.bind(lr, "lr", float)
        self.bind(adam_lr, "adam_lr", float)
        self.bind(momentum, "momentum", float)
        self.outputs = {"text": text, "plot": plot}
        return w.VBox([surface, w.HBox([steps, momentum]), w.HBox([lr, adam_lr]), plot, text])


def optimizer_race(surface=None, steps=None, lr=None, adam_lr=None, momentum=0.9):
    """SGD, momentum, Nesterov and Adam racing on a 2-D surface: ``optimizer_race()``."""
    return OptimizerRace(surface, steps, lr, adam_lr, momentum)
