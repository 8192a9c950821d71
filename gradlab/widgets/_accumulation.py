"""``accumulation_timeline()``: ``.grad`` across a script of ``backward()``, ``grad.zero_()``,
``grad = None``, ``optimizer.zero_grad()`` and ``optimizer.step()`` calls (the guide's weights = ones(4),
output = (weights * 3).sum())."""
from __future__ import annotations

import textwrap

import numpy as np

from ._common import App, image, new_figure

ACTIONS = ("backward()", "grad.zero_()", "grad = None", "optimizer.zero_grad()", "optimizer.step()")

SCENARIOS = {
    "backward() three times, no zeroing": ["backward()"] * 3,
    "backward(), then weights.grad.zero_()": ["backward()", "grad.zero_()"] * 3,
    "backward(), optimizer.step(), optimizer.zero_grad()":
        ["backward()", "optimizer.step()", "optimizer.zero_grad()"] * 3,
    "backward(), optimizer.step() — zero_grad() forgotten": ["backward()", "optimizer.step()"] * 3,
    "backward(), then weights.grad = None": ["backward()", "grad = None"] * 3,
}


def run_timeline(actions, lr=0.01):
    """Run ``actions`` with gradlab; one record per call, after it ran.

    Each record: {"call": the line of code, "weights": repr, "grad": repr or "None",
    "grad0": weights.grad[0] or None, "weight0": weights[0], "error": message or None}.
    """
    import gradlab as torch
    weights = torch.ones(4, requires_grad=True)
    optimizer = torch.optim.SGD([weights], lr=lr)
    code = {"backward()": "(weights * 3).sum().backward()", "grad.zero_()": "weights.grad.zero_()",
            "grad = None": "weights.grad = None", "optimizer.zero_grad()": "optimizer.zero_grad()",
            "optimizer.step()": "optimizer.step()"}
    records = []
    for action in actions:
        if action not in code:
            raise ValueError(f"unknown call {action!r}: choose from {ACTIONS}")
        error = None
        try:
            if action == "backward()":
                output = (weights * 3).sum()
                output.backward()
            elif action == "grad.zero_()":
                weights.grad.zero_()
            elif action == "grad = None":
                weights.grad = None
            elif action == "optimizer.zero_grad()":
                optimizer.zero_grad()
            else:
                optimizer.step()
        except Exception as e:  # e.g. weights.grad.zero_() while .grad is None
            error = f"{type(e).__name__}: {e}"
        grad = weights.grad
        records.append({"call": code[action], "weights": repr(weights), "grad": repr(grad),
                        "grad0": None if grad is None else float(grad.tolist()[0]),
                        "weight0": float(weights.tolist()[0]), "error": error})
    return records


def explain(records, k):
    """What call ``k`` (0-based) did to ``weights.grad``, in one sentence."""
    rec = records[k]
    before = records[k - 1]["grad0"] if k > 0 else None
    after = rec["grad0"]
    if rec["error"]:
        return f"{rec['call']} failed: {rec['error']}"
    if rec["call"].endswith("backward()"):
        if before is None:
            return f"backward() stores the gradient: weights.grad[0] = {after:g}."
        return (f"backward() ADDS the new gradient to the old one: weights.grad[0] goes "
                f"{before:g} → {after:g}. Gradients accumulate until you zero them.")
    if rec["call"] == "weights.grad.zero_()":
        return "weights.grad.zero_() writes zeros into the gradient tensor (it stays a tensor)."
    if rec["call"] == "weights.grad = None":
        return ("weights.grad = None drops the gradient tensor: the next backward() stores a "
                "fresh one instead of adding (what optimizer.zero_grad() does).")
    if rec["call"] == "optimizer.zero_grad()":
        return "optimizer.zero_grad() sets weights.grad to None (PyTorch 2.x: set_to_none=True)."
    return (f"optimizer.step() moves the weights against the gradient: weights[0] is now "
            f"{rec['weight0']:.4f} (weights −= lr · weights.grad).")


class AccumulationTimeline(App):
    """Choose a script; the slider walks through its calls, showing ``weights.grad``."""

    def __init__(self, scenario=None, actions=None, lr=0.01):
        super().__init__()
        self.scenarios = dict(SCENARIOS)
        if actions is not None:
            scenario = scenario or "your script"
            self.scenarios[scenario] = list(actions)
        self.scenario = scenario or next(iter(SCENARIOS))
        self.lr = lr
        self.step = len(self.scenarios[self.scenario])

    def records(self):
        key = (tuple(self.scenarios[self.scenario]), self.lr)
        return self._cached(key, lambda: run_timeline(key[0], self.lr))

    def text(self):
        records = self.records()
        shown = records[:self.step]
        width = max(len(r["call"]) for r in records)
        lines = ["weights = torch.ones(4, requires_grad=True)",
                 f"optimizer = torch.optim.SGD([weights], lr={self.lr:g})", ""]
        # With an optimizer in the script, the weights change too: show them under each call.
        steps = any(r["call"] == "optimizer.step()" for r in records)
        for k, r in enumerate(shown):
            lines.append(f"{k + 1:2d}. {r['call'].ljust(width)}   weights.grad = {r['grad']}")
            if steps:
                lines.append(f"    {'':{width}}   weights      = {r['weights']}")
        if shown:
            lines += ["", textwrap.fill(explain(records, self.step - 1), 88)]
        else:
            lines += ["", "weights.grad is None until the first backward()."]
        return "\n".join(lines)

    def figure(self):
        records = self.records()
        fig = new_figure(6.0, 2.6, bottom=0.2, top=0.95, left=0.12)
        ax = fig.add_subplot()
        steps = np.arange(len(records) + 1)
        grads = [np.nan] + [np.nan if r["grad0"] is None else r["grad0"] for r in records]
        ax.step(steps, grads, where="post", color="tab:blue", lw=2, label="weights.grad[0]")
        shown = np.array(grads[:self.step + 1])
        ax.plot(steps[:self.step + 1], shown, "o", color="tab:blue")
        for k, r in enumerate(records, start=1):
            if r["grad0"] is None and k <= self.step:
                ax.annotate("None", (k, 0), ha="center", fontsize=8, color="gray")
        ax.axvline(self.step, color="gray", lw=0.8, ls="--")
        ax.set_xticks(steps)
        ax.set_xlabel("after call #")
        ax.set_ylabel("weights.grad[0]")
        ax.set_ylim(bottom=min(0, np.nanmin(grads) if np.isfinite(grads).any() else 0) - 0.5,
                    top=(np.nanmax(grads) if np.isfinite(grads).any() else 1) + 1)
        ax.legend(loc="upper left", fontsize=9)
        return fig

    def _build_ui(self, w):
        scenario = w.Dropdown(options=list(self.scenarios), value=self.scenario, description="script",
                              layout=w.Layout(width="520px"))
        n = len(self.scenarios[self.scenario])
        step = w.IntSlider(value=self.step, min=0, max=n, description="after call", continuous_update=False)
        text = w.HTML()
        plot = image(w, 6.0)

        def on_scenario(change):
            self.scenario = change["new"]
            self.step = len(self.scenarios[self.scenario])
            step.max = max(step.max, self.step)
            step.value = self.step
            step.max = self.step
            self.refresh()

        def on_step(change):
            self.step = int(change["new"])
            self.refresh()
        scenario.observe(on_scenario, names="value")
        step.observe(on_step, names="value")
        self.controls = {"scenario": scenario, "step": step}
        self.outputs = {"text": text, "plot": plot}
        return w.VBox([scenario, step, text, plot])



def accumulation_timeline(scenario=None, actions=None, lr=0.01):
    """``.grad`` across scripted calls: ``accumulation_timeline()`` or
    ``accumulation_timeline(actions=["backward()", "backward()", "grad.zero_()"])``."""
    return AccumulationTimeline(scenario, actions, lr)
