"""The course's widgets (ipywidgets 8), each one line in a notebook:

- ``stepper(loss, names=locals())``: the backward pass node by node on the graph's diagram;
- ``derivative_explorer("x**3")``: y, autograd's dy/dx, a finite difference, the tangent;
- ``gradient_descent_playground()``: the guide's linear regression, learning rate and epochs;
- ``accumulation_timeline()``: ``.grad`` across ``backward()``/``zero_()``/``step()`` calls;
- ``optimizer_race()``: SGD, momentum, Nesterov and Adam on a 2-D loss surface;
- ``training_explorer(X, y)``: lesson 7's classifier, its loss curve and decision boundary.

Each returns an ``App`` whose logic is plain Python (``.text()``, ``.figure()``, ...); its
``.ui`` (built when displayed) holds the ipywidgets, named in ``.controls`` and ``.outputs``.
ipywidgets and matplotlib are imported only when a widget is built or a figure drawn.
"""
from __future__ import annotations

from ._accumulation import AccumulationTimeline, accumulation_timeline, run_timeline
from ._common import App
from ._explorer import DerivativeExplorer, derivative_explorer
from ._playground import GradientDescentPlayground, gradient_descent_playground, linear_regression
from ._race import OptimizerRace, optimizer_race, race
from ._stepper import Stepper, stepper
from ._training import TrainingExplorer, training_explorer

__all__ = ["stepper", "derivative_explorer", "gradient_descent_playground", "accumulation_timeline",
           "optimizer_race", "training_explorer", "App", "Stepper", "DerivativeExplorer",
           "GradientDescentPlayground", "AccumulationTimeline", "OptimizerRace", "TrainingExplorer",
           "linear_regression", "run_timeline", "race"]
