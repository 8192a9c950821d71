"""``training_explorer(X, y)``: lesson 7's classifier (Linear → Tanh or ReLU → Linear,
cross-entropy, full batch), trained with gradlab for the settings on the controls. A slider walks
through the training steps: the loss curve so far and the decision boundary after that step."""
from __future__ import annotations

import numpy as np

from ._common import App, image, new_figure, number

OPTIMIZERS = ("SGD", "SGD + momentum", "Adam")
ACTIVATIONS = ("Tanh", "ReLU")


def _array(values, dtype):
    """A NumPy copy of a tensor (gradlab or PyTorch), an array or nested lists."""
    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy() if hasattr(values, "cpu") else values.detach().numpy()
    return np.array(values, dtype=dtype)


def make_model(hidden, activation):
    import gradlab as torch
    layer = {"Tanh": torch.nn.Tanh, "ReLU": torch.nn.ReLU}[activation]
    return torch.nn.Sequential(torch.nn.Linear(2, hidden), layer(), torch.nn.Linear(hidden, 2))


def reset_weights(model, seed):
    """Lesson 7's start: for each Linear layer, weight then bias drawn by NumPy's generator from
    U(−1/√in_features, 1/√in_features) (PyTorch's rule for Linear)."""
    import gradlab as torch
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for layer in model:
            if isinstance(layer, torch.nn.Linear):
                bound = 1 / np.sqrt(layer.in_features)
                for param in (layer.weight, layer.bias):
                    values = rng.uniform(-bound, bound, size=tuple(param.shape))
                    param.copy_(torch.tensor(values.astype(np.float32)))


def make_optimizer(name, params, lr):
    import gradlab as torch
    if name == "SGD":
        return torch.optim.SGD(params, lr=lr)
    if name == "SGD + momentum":
        return torch.optim.SGD(params, lr=lr, momentum=0.9)
    if name == "Adam":
        return torch.optim.Adam(params, lr=lr)
    raise ValueError(f"unknown optimizer {name!r}: choose from {OPTIMIZERS}")


def train(X, y, hidden=16, activation="Tanh", optimizer="SGD", lr=1.0, steps=300, seed=2):
    """Train with gradlab; one record per number of steps taken, k = 0 … steps.

    Returns {"losses", "accuracies": lists of steps + 1 floats, the loss and the accuracy of the
    parameters after k steps; "params": steps + 1 lists of NumPy arrays, the parameters (in
    ``model.parameters()`` order) after k steps}. The loop is lesson 6's five steps; an update
    that overflows stops the run (the lists end early)."""
    import gradlab as torch
    X = torch.tensor(_array(X, np.float32))
    y = torch.tensor(_array(y, np.int64))
    model = make_model(hidden, activation)
    reset_weights(model, seed)
    opt = make_optimizer(optimizer, model.parameters(), lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    losses, accuracies, params = [], [], []
    with np.errstate(over="ignore", invalid="ignore"):  # a learning rate far too large overflows
        for k in range(steps + 1):
            logits = model(X)
            loss = loss_fn(logits, y)
            if not np.isfinite(loss.item()):
                break
            losses.append(loss.item())
            accuracies.append((logits.argmax(dim=1) == y).float().mean().item())
            params.append([p.detach().numpy().copy() for p in model.parameters()])
            if k == steps:
                break
            loss.backward()
            opt.step()
            opt.zero_grad()
    return {"losses": losses, "accuracies": accuracies, "params": params}


def probabilities(params, activation, points):
    """P(class 1) at each of ``points`` (shape (n, 2)) for a model with these parameters."""
    import gradlab as torch
    model = make_model(params[0].shape[0], activation)
    with torch.no_grad():
        for p, saved in zip(model.parameters(), params):
            p.copy_(torch.tensor(saved))
        scores = model(torch.tensor(_array(points, np.float32)))
        return torch.softmax(scores, dim=1)[:, 1].numpy()


class TrainingExplorer(App):
    """Train lesson 7's classifier on (X, y); ``step`` picks which step to show."""

    def __init__(self, X, y, hidden=16, activation="Tanh", optimizer="SGD", lr=1.0, steps=300,
                 seed=2):
        super().__init__()
        self.X = _array(X, np.float32)
        self.y = _array(y, np.int64)
        self.hidden, self.activation, self.optimizer = int(hidden), activation, optimizer
        self.lr, self.steps, self.seed = float(lr), int(steps), int(seed)
        self.step = self.steps
        pad = 0.4
        (x0, y0), (x1, y1) = self.X.min(axis=0) - pad, self.X.max(axis=0) + pad
        self.grid = np.meshgrid(np.linspace(x0, x1, 90), np.linspace(y0, y1, 60))

    def run(self):
        key = (self.hidden, self.activation, self.optimizer, self.lr, self.steps, self.seed)
        return self._cached(key, lambda: train(self.X, self.y, *key))

    def shown_step(self):
        """The step on the slider, or the last one a diverged run reached."""
        return min(self.step, len(self.run()["losses"]) - 1)

    def boundary(self):
        """P(class 1) on the plot's grid after ``shown_step()`` steps, shaped like the grid."""
        gx, gy = self.grid
        points = np.stack([gx.ravel(), gy.ravel()], axis=1)
        return probabilities(self.run()["params"][self.shown_step()], self.activation,
                             points).reshape(gx.shape)

    def text(self):
        r, k = self.run(), self.shown_step()
        n = len(self.y)
        last = len(r["losses"]) - 1
        lines = [f"{self.optimizer}, lr = {self.lr:g}, {self.hidden} hidden units ({self.activation}), "
                 f"{self.steps} steps on {n} points",
                 f"after step {k:3d}:  loss {number(r['losses'][k])}   accuracy "
                 f"{r['accuracies'][k]:.1%} ({round(r['accuracies'][k] * n)} of {n} points)"]
        if last < self.steps:
            lines.append(f"DIVERGED after step {last}: the learning rate is too large (the loss "
                         f"overflowed).")
        elif k != last:
            lines.append(f"after step {last:3d}:  loss {number(r['losses'][last])}   accuracy "
                         f"{r['accuracies'][last]:.1%}")
        return "\n".join(lines)

    def figure(self):
        r, k = self.run(), self.shown_step()
        fig = new_figure(8.4, 3.3, left=0.07, right=0.98, wspace=0.25, bottom=0.15, top=0.9)
        ax1, ax2 = fig.subplots(1, 2)
        ax1.plot(np.arange(len(r["losses"])), r["losses"], color="lightgray", lw=1)
        ax1.plot(np.arange(k + 1), r["losses"][:k + 1], color="tab:blue", lw=1.5)
        ax1.plot([k], [r["losses"][k]], "o", color="tab:blue", ms=5)
        ax1.set_ylim(bottom=0)
        ax1.set_xlabel("step")
        ax1.set_ylabel("loss")
        ax1.set_title("training loss")
        gx, gy = self.grid
        probs = self.boundary()
        ax2.contourf(gx, gy, probs, levels=np.linspace(0, 1, 11), cmap="coolwarm", alpha=0.6)
        if probs.min() < 0.5 < probs.max():
            ax2.contour(gx, gy, probs, levels=[0.5], colors="k", linewidths=1)
        ax2.scatter(self.X[:, 0], self.X[:, 1], c=self.y, cmap="coolwarm", s=8,
                    edgecolors="k", linewidths=0.3)
        ax2.set_xlim(gx.min(), gx.max())
        ax2.set_ylim(gy.min(), gy.max())
        ax2.set_title(f"decision boundary after step {k}")
        return fig

    def _build_ui(self, w):
        label = {"style": {"description_width": "85px"}}  # room for "hidden units"
        step = w.IntSlider(value=self.step, min=0, max=self.steps, description="after step",
                           continuous_update=False, layout=w.Layout(width="560px"), **label)
        optimizer = w.Dropdown(options=list(OPTIMIZERS), value=self.optimizer,
                               description="optimizer", **label)
        activation = w.Dropdown(options=list(ACTIVATIONS), value=self.activation,
                                description="activation", **label)
        hidden = w.IntSlider(value=self.hidden, min=1, max=32, description="hidden units",
                             continuous_update=False, **label)
        lr = w.FloatLogSlider(value=self.lr, base=10, min=-3, max=1, step=0.1, description="lr",
                              readout_format=".3g", continuous_update=False, **label)
        text = w.HTML()
        plot = image(w, 8.4)
        self.bind(step, "step", int)
        self.bind(optimizer, "optimizer")
        self.bind(activation, "activation")
        self.bind(hidden, "hidden", int)
        self.bind(lr, "lr", float)
        self.outputs = {"text": text, "plot": plot}
        return w.VBox([step, w.HBox([optimizer, activation]), w.HBox([hidden, lr]), plot, text])


def training_explorer(X, y, hidden=16, activation="Tanh", optimizer="SGD", lr=1.0, steps=300, seed=2):
    """Lesson 7's classifier trained on (X, y) with these settings: ``training_explorer(X, y)``."""
    return TrainingExplorer(X, y, hidden, activation, optimizer, lr, steps, seed)
