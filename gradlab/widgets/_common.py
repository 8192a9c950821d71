"""What every widget shares: lazy imports, figures rendered to PNG, and the ``App`` base.

Each widget is an ``App``: its logic is plain Python (pytest drives it), and ``.ui`` builds the
ipywidgets controls on first use. ``app.controls`` and ``app.outputs`` name the widgets, so a
test can set ``app.controls["x"].value = 2.0`` and read ``app.outputs["text"].value``; the
browser only renders them. Displaying an ``App`` in Jupyter displays its ``.ui``.
"""
from __future__ import annotations

import html
import io


def ipywidgets():
    try:
        import ipywidgets
    except ImportError as e:  # pragma: no cover - the course extra installs it
        raise ImportError("gradlab.widgets needs ipywidgets: pip install 'gradlab[course]'") from e
    return ipywidgets


def new_figure(width=6.4, height=3.6, **margins):
    """A matplotlib Figure that is not registered with pyplot (no global state, no auto-show).
    Fixed margins (``subplots_adjust``): a layout engine would cost more than the drawing."""
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width, height), dpi=90)
    fig.subplots_adjust(**{"left": 0.1, "right": 0.97, "bottom": 0.15, "top": 0.9, **margins})
    return fig


def png(fig):
    """A figure as PNG bytes (Agg: the same picture on every run)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def pre(text):
    return ("<pre style='font-size:12px; line-height:1.35; margin:0; white-space:pre'>"
            f"{html.escape(text)}</pre>")


def image(w, fig_width):
    """An Image widget shown at the figure's own size (90 dpi), not stretched to the page."""
    return w.Image(format="png", layout=w.Layout(width=f"{round(fig_width * 90)}px"))


def number(value, digits=4):
    """A float with a fixed number of decimals (never NumPy's ``np.float64(...)``)."""
    value = float(value)
    if value != value:
        return "nan"
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    if value != 0 and (abs(value) >= 1e6 or abs(value) < 10 ** -digits):
        return f"{value:.{digits - 1}e}"
    return f"{value:.{digits}f}"


class App:
    """Base of the widgets: ``.ui`` (built on first use), ``.controls``, ``.outputs``."""

    _ui = None

    def __init__(self):
        self.controls = {}
        self.outputs = {}

    @property
    def ui(self):
        if self._ui is None:
            self._ui = self._build_ui(ipywidgets())
            self.refresh()
        return self._ui

    def _build_ui(self, w):  # pragma: no cover - each widget builds its own
        raise NotImplementedError

    _quiet = False  # True while several controls change at once: refresh once, at the end

    def bind(self, control, attr, convert=lambda value: value):
        """Keep ``self.<attr>`` equal to ``control``'s value, refreshing what is shown."""
        def on_change(change):
            setattr(self, attr, convert(change["new"]))
            if not self._quiet:
                self.refresh()
        control.observe(on_change, names="value")
        self.controls[attr] = control

    def refresh(self):
        """Show ``self.text()`` and ``self.figure()`` in the "text" and "plot" outputs."""
        if "text" in self.outputs:
            self.outputs["text"].value = pre(self.text())
        if "plot" in self.outputs:
            self.outputs["plot"].value = png(self.figure())

    def _cached(self, key, compute):
        """``compute()``, reused while ``key`` (the settings it depends on) stays the same."""
        if getattr(self, "_cache_key", None) != key:
            self._cache_value = compute()
            self._cache_key = key
        return self._cache_value

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        return self.ui._repr_mimebundle_(include=include, exclude=exclude, **kwargs)

    def __repr__(self):
        return f"<gradlab.widgets.{type(self).__name__}>"
