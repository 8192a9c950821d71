"""``gradient_descent_playground()``: the guide's linear regression, learning rate and epochs
on sliders, the loss curve and w's path, and what happens when the learning rate is too big."""
from __future__ import annotations

import textwrap

import numpy as np

from ._common import App, image, new_figure, number

X = (1.0, 2.0, 3.0)
Y = (2.0, 4.0, 6.0)


def linear_regression(lr=0.1, epochs=10, x=X, y=Y, w0=0.0):
    """The guide's loop, run with gradlab; returns w and the loss per epoch.

    ``ws[k]`` and ``losses[k]`` are what the guide prints in epoch k (w before its update),
    ``grads[k]`` is w.grad in that epoch, ``w`` is w after the last update.
    """
    import gradlab as torch
    x = torch.tensor(list(x))
    y_true = torch.tensor(list(y))
    w = torch.tensor(float(w0), requires_grad=True)
    ws, losses, grads = [], [], []
    for epoch in range(epochs):
        y_pred = w * x
        loss = ((y_pred - y_true) ** 2).mean()
        loss.backward()
        ws.append(w.item())
        losses.append(loss.item())
        grads.append(w.grad.item())
        with torch.no_grad():
            w -= lr * w.grad
            w.grad.zero_()
    return {"ws": ws, "losses": losses, "grads": grads, "w": w.item(), "lr": lr, "epochs": epochs}


def contraction(lr, x=X):
    """How much w − w* shrinks per epoch: 1 − lr · 2·mean(x²) (the loss is (w − w*)²·mean(x²))."""
    return 1.0 - lr * 2.0 * float(np.mean(np.square(x)))


def largest_stable_lr(x=X):
    """Above this learning rate each step overshoots more than the last: 1 / mean(x²)."""
    return 1.0 / float(np.mean(np.square(x)))


def verdict(lr, run=None, x=X):
    """One or two sentences on what this learning rate does, checked against the run."""
    factor = contraction(lr, x)
    limit = largest_stable_lr(x)
    growing = run is not None and len(run["losses"]) > 1 and run["losses"][-1] > run["losses"][0]
    if abs(factor) > 1 or growing:
        return (f"DIVERGING: the learning rate {lr:g} is too large. Every step overshoots w = 2 "
                f"by more than the step before, so the loss grows (×{factor ** 2:.3g} per epoch). "
                f"For this data any learning rate above 1/mean(x²) = {limit:.4f} diverges.")
    if factor < 0:
        return (f"Converging with overshoot: each step jumps past w = 2 and back, but by less "
                f"each time (the loss shrinks ×{factor ** 2:.3g} per epoch). Above {limit:.4f} "
                f"it would diverge.")
    return (f"Converging: w approaches 2 from one side; the loss shrinks ×{factor ** 2:.3g} per "
            f"epoch. Above {limit:.4f} the learning rate would make it diverge.")


class GradientDescentPlayground(App):
    """The guide's linear regression (x = [1, 2, 3], y = [2, 4, 6], w from 0)."""

    def __init__(self, lr=0.1, epochs=10):
        super().__init__()
        self.lr = float(lr)
        self.epochs = int(epochs)

    def run(self):
        key = (self.lr, self.epochs)
        return self._cached(key, lambda: linear_regression(*key))

    def text(self):
        r = self.run()
        lines = [f"lr = {self.lr:g}, {self.epochs} epochs:  w = {number(r['w'])} after the last "
                 f"update (the best w is 2)",
                 "epoch        w      loss"]
        shown = list(range(len(r["ws"])))
        if len(shown) > 12:
            shown = shown[:6] + [None] + shown[-5:]
        for k in shown:
            if k is None:
                lines.append("  ...")
                continue
            lines.append(f"{k:5d} {number(r['ws'][k]):>10} {number(r['losses'][k]):>10}")
        lines += ["", textwrap.fill(verdict(self.lr, r), 88)]
        return "\n".join(lines)

    def figure(self):
        r = self.run()
        fig = new_figure(8.0, 3.2, left=0.08, wspace=0.3, bottom=0.16, top=0.9)
        ax1, ax2 = fig.subplots(1, 2)
        epochs = np.arange(len(r["losses"]))
        ax1.semilogy(epochs, np.maximum(r["losses"], 1e-12), "o-", ms=3)
        ax1.set_xlabel("epoch")
        ax1.set_ylabel("loss (log scale)")
        ax1.set_title("loss per epoch")
        ws = np.array(r["ws"] + [r["w"]])
        lo, hi = min(ws.min(), 2.0), max(ws.max(), 2.0)
        pad = 0.15 * (hi - lo or 1.0)
        grid = np.linspace(lo - pad, hi + pad, 200)
        mean_x2 = float(np.mean(np.square(X)))
        ax2.plot(grid, (grid - 2.0) ** 2 * mean_x2, color="gray", lw=1)
        path_loss = (ws - 2.0) ** 2 * mean_x2
        ax2.plot(ws, path_loss, "o-", color="tab:red", ms=3, lw=1)
        ax2.plot([ws[0]], [path_loss[0]], "s", color="black", ms=5)
        ax2.set_xlabel("w")
        ax2.set_ylabel("loss")
        ax2.set_title("w's path on the loss curve")
        return fig

    def _build_ui(self, w):
        lr = w.FloatSlider(value=self.lr, min=0.01, max=0.3, step=0.01, description="lr",
                           readout_format=".2f", continuous_update=False)
        epochs = w.IntSlider(value=self.epochs, min=1, max=50, description="epochs",
                             continuous_update=False)
        text = w.HTML()
        plot = image(w, 8.0)

        self.bind(lr, "lr", float)
        self.bind(epochs, "epochs", int)
        self.outputs = {"text": text, "plot": plot}
        return w.VBox([w.HBox([lr, epochs]), plot, text])


def gradient_descent_playground(lr=0.1, epochs=10):
    """The guide's linear regression with sliders: ``gradient_descent_playground()``."""
    return GradientDescentPlayground(lr, epochs)
