"""``stepper(loss)``: the backward pass one node at a time, on the graph's diagram."""
from __future__ import annotations

from ..viz import _render
from ..viz._stepper import backward_steps
from ._common import App, pre


class Stepper(App):
    """The real backward pass (``gradlab.viz.backward_steps``) with Prev/Next and a slider.

    ``step`` is 1-based, as the slider shows it. The diagram highlights the node running in
    this step (gold) and the nodes already run (pale yellow); leaves show their ``.grad`` as
    of this step. The ledger beside it says what arrived, which rule applied and what was sent.
    """

    def __init__(self, loss, names=None, gradient=None, rankdir="TB"):
        super().__init__()
        self.loss, self.gradient = loss, gradient   # what loss.backward(gradient) would use
        self.steps = backward_steps(loss, gradient=gradient, names=names)
        self.rankdir = rankdir  # "TB": a tall diagram fits beside the ledger
        self.step = 1
        self._html = {}

    @property
    def frame(self):
        return self.steps[self.step - 1]

    def go(self, step):
        self.step = min(max(int(step), 1), len(self.steps))
        if self._ui is not None and self.controls["step"].value != self.step:
            self.controls["step"].value = self.step  # its observer refreshes
        else:
            self.refresh()

    def next(self):
        self.go(self.step + 1)

    def prev(self):
        self.go(self.step - 1)

    def source(self):
        """DOT text of this step's diagram."""
        return self.steps.source(self.step - 1, self.rankdir)

    def ledger(self):
        return self.frame.text()

    def diagram_html(self):
        if self.step not in self._html:
            diagram = self.steps.diagram(self.step - 1, self.rankdir)
            self._html[self.step] = _render.html_of(diagram.source, diagram.text)
        return self._html[self.step]

    def _build_ui(self, w):
        n = len(self.steps)
        prev = w.Button(description="◀ Prev", layout=w.Layout(width="90px"))
        nxt = w.Button(description="Next ▶", layout=w.Layout(width="90px"))
        slider = w.IntSlider(value=self.step, min=1, max=n, description="step", continuous_update=False)
        status = w.HTML()
        # Side by side when both fit, the ledger below the diagram when not (row wrap); the SVG
        # scales down to its box (gradlab.viz._render.html_of), so nothing is cut off.
        diagram = w.HTML(layout=w.Layout(flex="0 1 auto", max_width="100%"))
        ledger = w.HTML(layout=w.Layout(flex="1 1 auto", overflow_x="auto", margin="0 0 0 16px"))
        prev.on_click(lambda _: self.prev())
        nxt.on_click(lambda _: self.next())
        slider.observe(lambda change: self.go(change["new"]), names="value")
        self.controls = {"prev": prev, "next": nxt, "step": slider}
        self.outputs = {"status": status, "diagram": diagram, "ledger": ledger}
        return w.VBox([w.HBox([prev, nxt, slider, status], layout=w.Layout(flex_flow="row wrap")),
                       w.HBox([diagram, ledger], layout=w.Layout(flex_flow="row wrap",
                                                                  align_items="flex-start"))])

    def refresh(self):
        if self._ui is None and not self.controls:
            return
        n = len(self.steps)
        self.controls["prev"].disabled = self.step <= 1
        self.controls["next"].disabled = self.step >= n
        self.outputs["status"].value = f"<b>{self.frame.title}</b>"
        self.outputs["diagram"].value = self.diagram_html()
        self.outputs["ledger"].value = pre(self.ledger())


def stepper(loss, names=None, gradient=None, rankdir="TB"):
    """Step through ``loss``'s backward pass: ``stepper(loss, names=locals())``."""
    return Stepper(loss, names=names, gradient=gradient, rankdir=rankdir)
