"""The course as a learner meets it: JupyterLab on 127.0.0.1, driven by Playwright in headless
Chromium, at a 1280 x 900 window with the file browser open (an output area of about 848 px).

nbval proves what the kernel prints; these tests prove what a learner sees. For every
course/*.ipynb (lessons added later included), from a fresh kernel:

- Run All finishes, and no cell shows an error but those tagged `raises-exception`;
- every diagram is an SVG that fits its output area (nothing cut off on the right);
- every self-check cell's source is folded away (it holds the answer), every check passes, and
  every prediction's answer stays hidden until its "Reveal the answer" is clicked;
- every widget renders its controls and fits its output area; driven as a learner would, the
  numbers it shows equal values this file computes on its own (hand formulas, plain NumPy):
  the derivative explorer's y and dy/dx after moving x, the playground's w and loss after
  changing the learning rate, the accumulation timeline's weights.grad and weights at a chosen
  call, the optimizer race's final positions and losses; the stepper, clicked to its last
  frame, ends with the gradients ``backward()`` stores. A widget of a kind this file does not
  know is moved by its first slider and must change what it shows.

And `scripts/open-course` lands a learner in their own copy of the learner edition, at
00_welcome, with nothing but the lessons in view.

Screenshots of each notebook after Run All, each diagram and each widget after interaction go
to screenshots/ (git-ignored), for a person to look at. One JupyterLab serves a temporary copy
of course/ (Lab's autosave must never touch the committed notebooks); each notebook gets a
fresh kernel, shut down after its test. Needs Debian's chromium (scripts/setup-env installs it)
and the Python playwright package; never `playwright install`.
"""
from __future__ import annotations

import ast
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import numpy as np
import pytest

from course_notebooks import COURSE, NOTEBOOK_IDS, NOTEBOOKS, ROOT, code_cells, read, tags

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WINDOW = {"width": 1280, "height": 900}
RUN_TIMEOUT = 240          # seconds for Run All (a loaded 2-core machine)
UPDATE_TIMEOUT_MS = 30_000  # a widget's update goes through the kernel
SHOTS = ROOT / "screenshots"
SELF_CHECK = re.compile(r"\bcheck\.(answer|predict)\s*\(")
WIDGET_CALL = re.compile(r"\bwidgets\.(\w+)\s*\(")


# ---------------------------------------------------------------------------------- the server
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lab_env(folder: Path) -> dict:
    """Settings for a quiet, deterministic Lab: no news toast, every cell rendered (no
    windowing, so the DOM holds all cells, in order)."""
    settings = folder / "lab-settings"
    for extension, values in {
            "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
            "notebook-extension/tracker": {"windowingMode": "none"}}.items():
        target = settings / "@jupyterlab" / f"{extension}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    (folder / "lab-workspaces").mkdir(exist_ok=True)
    return {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(folder / "lab-workspaces")}


class Lab:
    def __init__(self, base, token, root, process, log):
        self.base, self.token, self.root, self.process, self.log = base, token, root, process, log

    def api(self, method, path):
        request = urllib.request.Request(f"{self.base}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self):
        for kernel in self.api("GET", "/api/kernels"):
            self.api("DELETE", f"/api/kernels/{kernel['id']}")


def _start_lab(command, env, log_path, token, port) -> Lab:
    log = open(log_path, "wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    lab = Lab(f"http://127.0.0.1:{port}", token, None, process, log)
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{lab.base}/api/status?token={token}", timeout=2):
                return lab
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                _stop_lab(lab)
                pytest.fail("JupyterLab did not start:\n" + log_path.read_text(errors="replace"))
            time.sleep(0.3)


def _stop_lab(lab: Lab):
    lab.process.send_signal(signal.SIGTERM)  # Lab shuts its kernels down on SIGTERM
    try:
        lab.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        lab.process.kill()
        lab.process.wait()
    lab.log.close()


def _require_browser():
    if CHROMIUM is None:
        pytest.skip("no chromium on PATH (scripts/setup-env installs it)")
    pytest.importorskip("playwright.sync_api")
    pytest.importorskip("jupyterlab")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """One JupyterLab for the module, serving a copy of the course."""
    _require_browser()
    folder = tmp_path_factory.mktemp("lab")
    root = folder / "course"
    shutil.copytree(COURSE, root, ignore=shutil.ignore_patterns("editions", ".ipynb_checkpoints"))
    port, token = _free_port(), uuid.uuid4().hex
    lab = _start_lab(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
         f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--LabApp.expose_app_in_browser=True"],
        _lab_env(folder), folder / "jupyterlab.log", token, port)
    lab.root = root
    yield lab
    _stop_lab(lab)


@pytest.fixture(scope="module")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, lab):
    context = browser.new_context(viewport=WINDOW)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()
    lab.shut_down_kernels()   # a fresh kernel for the next notebook, and no CPU left spinning


@pytest.fixture(scope="module")
def shots():
    SHOTS.mkdir(exist_ok=True)
    return SHOTS


# ------------------------------------------------------------------------- driving a notebook
CELLS_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  return panel.content.widgets.filter(c => c.model.type === 'code').map(c => ({
    id: c.model.id, count: c.model.executionCount, inputHidden: c.inputHidden,
    outputs: c.model.outputs.toJSON().map(o => o.output_type === 'error'
      ? `error ${o.ename}: ${o.evalue}` : o.output_type)}));
}"""

KERNEL_JS = """async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({code, store_history: false});
  let out = '';
  future.onIOPub = (msg) => {
    if (msg.header.msg_type === 'stream') out += msg.content.text;
    if (msg.header.msg_type === 'error') out += `ERROR ${msg.content.ename}: ${msg.content.evalue}`;
  };
  await future.done;
  return out;
}"""


# The oracle for the stepper: right after a cell shows a stepper (before later cells can free
# its graph), run the real backward() on the stepper's graph from the leaves' gradients at that
# time, keep the result, and put everything back as it was (retain_graph: the lesson's own
# backward() still works).
STEPPER_ORACLE = """
def _gradlab_backward_oracle(result, _store={}):
    app = result.result
    if type(app).__name__ != "Stepper":
        return
    leaves, held = app.steps.leaves, {k: t.grad for k, t in app.steps.leaves.items()}
    for k, t in leaves.items():
        t.grad = None if app.steps.before[k] is None else app.steps.before[k].clone()
    try:
        app.loss.backward(app.gradient, retain_graph=True)
        _store[result.execution_count] = {k: None if t.grad is None else t.grad.tolist()
                                          for k, t in leaves.items()}
    finally:
        for k, t in leaves.items():
            t.grad = held[k]
get_ipython().events.register("post_run_cell", _gradlab_backward_oracle)
"""


def open_and_run_all(page, lab, name):
    """Open a notebook, wait for its kernel, Run All Cells, wait until every code cell has run
    (read from the notebook's model: a cell with a hidden source shows no prompt)."""
    from playwright.sync_api import expect

    page.goto(f"{lab.base}/lab/tree/{name}?token={lab.token}&reset")
    expect(page.locator(".jp-StatusBar-TextItem:has-text('| Idle')").first).to_be_visible(
        timeout=90_000)
    in_kernel(page, STEPPER_ORACLE)
    page.locator(".lm-MenuBar-itemLabel:text-is('Run')").click()
    page.locator(".lm-Menu-itemLabel:text-is('Run All Cells')").click()
    deadline = time.monotonic() + RUN_TIMEOUT
    while True:
        cells = page.evaluate(CELLS_JS)
        done = all(c["count"] is not None for c in cells)
        if done and page.locator(".jp-StatusBar-TextItem:has-text('| Idle')").count():
            return cells
        assert time.monotonic() < deadline, (
            f"{name}: cells still running after {RUN_TIMEOUT} s: "
            f"{[c['id'] for c in cells if c['count'] is None]}")
        time.sleep(0.5)


def in_kernel(page, code: str) -> str:
    """Run ``code`` in the notebook's kernel (not stored in its history); its stdout."""
    out = page.evaluate(KERNEL_JS, code)
    assert "ERROR" not in out, out
    return out


def screenshot(page, locator, path):
    locator.scroll_into_view_if_needed()
    page.screenshot(path=str(path))  # viewport: Lab scrolls inside its own panel


def wait_until(predicate, message, timeout=UPDATE_TIMEOUT_MS / 1000):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, message()
        time.sleep(0.2)


def settle(locator, quiet=1.0, limit=20.0):
    """Wait until the element's HTML has not changed for ``quiet`` seconds (each slider step
    is one round trip through the kernel)."""
    deadline, last, since = time.monotonic() + limit, locator.inner_html(), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < quiet:
        time.sleep(0.2)
        now = locator.inner_html()
        if now != last:
            last, since = now, time.monotonic()


# --------------------------------------------------------------------------- what a learner sees
BOXES_JS = """(area) => {
  // every picture and block of text in an output area: its right edge against the area's
  const right = area.getBoundingClientRect().right;
  return [...area.querySelectorAll('img, svg, pre, canvas')]
    .filter(e => e.getBoundingClientRect().width > 24)   // not icons
    .map(e => ({tag: e.tagName, right: e.getBoundingClientRect().right, area: right,
                width: e.getBoundingClientRect().width}));
}"""


def assert_fits(area, where):
    """Nothing in the output area reaches past its right edge (would be cut off)."""
    boxes = area.evaluate(BOXES_JS)
    over = [b for b in boxes if b["right"] > b["area"] + 1]
    assert not over, (f"{where}: cut off on the right at a 1280-px window: "
                      + ", ".join(f"{b['tag']} {b['width']:.0f} px wide ends "
                                  f"{b['right'] - b['area']:.0f} px past the output area"
                                  for b in over))
    return boxes


def _call_args(source, function):
    """The literal arguments of the first ``check.<function>(...)`` call in ``source``."""
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == function):
            args = [ast.literal_eval(a) if isinstance(a, ast.Constant) else None for a in node.args]
            kwargs = {k.arg: k.value for k in node.keywords}
            if len(args) < 2 and "answer" in kwargs:
                args.append(ast.literal_eval(kwargs["answer"]))
            return args
    return []


def check_self_checks(page, cell, dom, where):
    """Source folded away; check.answer passes (this is the edition with solutions); the
    prediction's answer hidden until revealed."""
    from playwright.sync_api import expect

    expect(dom.locator(".jp-InputPlaceholder")).to_be_visible()
    expect(dom.locator(".jp-InputArea-editor")).to_have_count(0)
    output = dom.locator(".jp-OutputArea")
    if "check.answer" in cell.source:
        text = output.inner_text()
        assert text.strip() and all(line.startswith("[PASS] ") for line in
                                    text.strip().splitlines()), f"{where}: {text!r}"
    if "check.predict" in cell.source:
        question, answer = _call_args(cell.source, "predict")[:2]
        details = output.locator(".gradlab-predict details")
        expect(details).to_have_count(1)
        revealed = details.locator("p", has_text="Answer:")
        expect(revealed).to_be_hidden()
        details.locator("summary").click()
        expect(revealed).to_be_visible()
        expect(revealed).to_contain_text(answer.replace("`", ""))


# ------------------------------------------------------------------------------ widget drivers
NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|[-+]?inf|nan"


def numbers(text):
    return [float(v) for v in re.findall(NUMBER, text)]


def shown(value, expected, rel=1e-4, digits=4):
    """A value printed with ``digits`` decimals (or in e-notation) agrees with ``expected``."""
    return math.isclose(value, expected, rel_tol=rel, abs_tol=0.6 * 10 ** -digits)


def pre_text(area):
    return area.locator(".widget-html-content pre").first.inner_text()


def slider(area, label):
    return area.locator(".widget-slider", has=area.page.locator(f".widget-label:text-is('{label}')"))


def press(control, key, times):
    """Press ``key`` on a slider's handle ``times`` times; the value its readout settles on
    (the readout shows the widget's value; the handle's aria-valuenow can lag a step)."""
    handle, readout = control.locator(".noUi-handle"), control.locator(".widget-readout")
    handle.focus()
    for _ in range(times):
        handle.press(key)
    value = readout.inner_text()
    while True:
        time.sleep(0.4)
        now = readout.inner_text()
        if now == value:
            return float(now)
        value = now


def value_of(control):
    return float(control.locator(".widget-readout").inner_text())


class NP:
    """The preset functions of the derivative explorer, in plain Python floats."""
    exp, tanh = staticmethod(math.exp), staticmethod(math.tanh)

    @staticmethod
    def sigmoid(x):
        return 1 / (1 + math.exp(-x))

    @staticmethod
    def relu(x):
        return max(x, 0.0)


class Num(float):
    def abs(self):
        return abs(float(self))


def drive_derivative_explorer(page, area, where):
    """Move x with the keyboard; y and dy/dx shown must be f(x) and a float64 central
    difference of f, computed here."""
    control = slider(area, "x")
    start = value_of(control)
    x = press(control, "ArrowLeft" if start > 0 else "ArrowRight", 3)
    assert x != start, f"{where}: the x slider did not move"
    page_text = lambda: pre_text(area)  # noqa: E731
    wait_until(lambda: f"at x = {x:.2f}\n" in page_text(),
               lambda: f"{where}: the text never showed x = {x:.2f}: {page_text()!r}")
    settle(area)
    text = page_text()
    fn = re.search(r"f\(x\) = (.*?)   at x = ", text).group(1)
    f = lambda v: float(eval(fn, {"__builtins__": {}, "torch": NP}, {"x": Num(v)}))  # noqa: E731
    h = 1e-6
    expected = {"y = f(x)": f(x), "dy/dx by autograd": (f(x + h) - f(x - h)) / (2 * h)}
    for label, value in expected.items():
        line = next(l for l in text.splitlines() if l.strip().startswith(label))
        assert shown(float(line.rsplit("=", 1)[1]), value, rel=1e-5), (
            f"{where}: {label} shows {line!r}; at x = {x} it is {value:.6f}")


def drive_stepper(page, area, where, cell_count):
    """Click Next to the last frame; the ledger's final .grad of every leaf must be what
    ``backward()`` stores on the stepper's own graph from the same start (STEPPER_ORACLE)."""
    nxt = area.locator("button", has_text="Next")
    step = slider(area, "step").locator(".noUi-handle")
    total = int(float(step.get_attribute("aria-valuemax")))
    for k in range(2, total + 1):
        nxt.click()
        wait_until(lambda: f"Step {k} of {total}:" in pre_text(area),
                   lambda: f"{where}: Next did not show step {k}: {pre_text(area)[:80]!r}")
    assert nxt.is_disabled() and int(float(step.get_attribute("aria-valuenow"))) == total
    ledger = pre_text(area).split(".grad of the leaves after this step:")[1]
    ours = {}
    for block in re.split(r"\n  (?=\S)", "\n" + ledger.strip("\n")):
        if ".grad = " in block:
            name, values = block.strip().split(".grad = ", 1)
            ours[name.strip()] = None if values.strip() == "None" else values
    out = in_kernel(page, "import json as _json\n"
                          "print(_json.dumps(_gradlab_backward_oracle.__defaults__[0]"
                          f"[{cell_count}]))")
    truth = json.loads(out)
    assert set(ours) == set(truth), f"{where}: ledger leaves {set(ours)}, graph leaves {set(truth)}"
    for name, value in truth.items():
        if value is None or "..." in (ours[name] or ""):
            assert ours[name] is None or value is not None
            continue
        got = numbers(ours[name])
        want = np.ravel(value)
        assert len(got) == want.size and np.allclose(got, want, rtol=1e-3, atol=1e-4), (
            f"{where}: the ledger ends with {name}.grad = {ours[name]!r}, backward() stores {value}")


def guide_regression(lr, epochs):
    """The guide's loop by hand in float32: w ← w − lr · mean(2(wx − y)x); (w, loss) per epoch."""
    x = np.array([1, 2, 3], np.float32)
    y = np.array([2, 4, 6], np.float32)
    w, rows = np.float32(0), []
    for _ in range(epochs):
        rows.append((float(w), float(np.mean((w * x - y) ** 2, dtype=np.float32))))
        grad = np.mean(np.float32(2) * (w * x - y) * x, dtype=np.float32)
        w = np.float32(w - np.float32(lr) * grad)
    return float(w), rows


def drive_gradient_descent_playground(page, area, where):
    """Raise the learning rate by 5 steps; the w and loss of every epoch shown, and the final
    w, must be the guide's loop run here with that learning rate."""
    lr = press(slider(area, "lr"), "ArrowRight", 5)
    epochs = int(value_of(slider(area, "epochs")))
    wait_until(lambda: pre_text(area).startswith(f"lr = {lr:g}, {epochs} epochs"),
               lambda: f"{where}: the text never showed lr = {lr:g}: {pre_text(area)[:60]!r}")
    settle(area)
    text = pre_text(area)
    w, rows = guide_regression(lr, epochs)
    final = float(re.search(r"w = (\S+) after the last update", text).group(1))
    assert shown(final, w), f"{where}: lr = {lr}: w shown {final}, by hand {w}"
    table = [numbers(line) for line in text.splitlines() if re.match(r"\s+\d+\s", line)]
    assert table, f"{where}: no epochs shown"
    for epoch, w_k, loss_k in table:
        assert shown(w_k, rows[int(epoch)][0]) and shown(loss_k, rows[int(epoch)][1]), (
            f"{where}: lr = {lr}, epoch {epoch:g}: shown w {w_k}, loss {loss_k}; by hand "
            f"{rows[int(epoch)]}")


def timeline_by_hand(calls, lr):
    """weights = ones(4), output = (weights * 3).sum(): (grad, weights) after each call."""
    weights, grad, out = np.ones(4, np.float32), None, []
    for call in calls:
        if call.endswith(".backward()"):
            grad = np.full(4, 3, np.float32) if grad is None else grad + 3
        elif call == "weights.grad.zero_()":
            grad = None if grad is None else np.zeros(4, np.float32)   # None: it raises
        elif call == "optimizer.zero_grad()":
            grad = None
        elif call == "optimizer.step()":
            if grad is not None:
                weights = weights - np.float32(lr) * grad
        else:
            raise AssertionError(f"unknown call {call!r}")
        out.append((grad, weights.copy()))
    return out


def _timeline_rows(text):
    rows = []
    for line in text.splitlines():
        m = re.match(r"\s*(\d+)\. (.+?)\s+weights\.grad = (.*)$", line)
        if m:
            rows.append({"call": m.group(2), "grad": m.group(3)})
        elif rows and line.strip().startswith("weights      = "):
            rows[-1]["weights"] = line.split("=", 1)[1]
    return rows


def _check_timeline(area, where):
    text = pre_text(area)
    lr = float(re.search(r"lr=([\d.e-]+)\)", text).group(1))
    rows = _timeline_rows(text)
    truth = timeline_by_hand([r["call"] for r in rows], lr)
    steps = any(r["call"] == "optimizer.step()" for r in rows)
    for k, (row, (grad, weights)) in enumerate(zip(rows, truth), start=1):
        if grad is None:
            assert row["grad"] == "None", f"{where}: call {k}: grad {row['grad']!r}, by hand None"
        else:
            assert np.allclose(numbers(row["grad"]), grad), (
                f"{where}: call {k} {row['call']}: weights.grad {row['grad']!r}, by hand {grad}")
        if steps:
            assert "weights" in row, f"{where}: call {k}: the weights are not shown"
            assert np.allclose(numbers(row["weights"]), weights, atol=1e-4), (
                f"{where}: call {k}: weights {row['weights']!r}, by hand {weights}")
    return rows


def drive_accumulation_timeline(page, area, where):
    """Slide back two calls: the calls shown and weights.grad after each must be what the
    calls do by hand; then pick a script with optimizer.step(): the weights too."""
    control = slider(area, "after call")
    total = int(value_of(control))
    k = int(press(control, "ArrowLeft", 2))
    assert k == total - 2, f"{where}: the slider did not move"
    wait_until(lambda: len(_timeline_rows(pre_text(area))) == k,
               lambda: f"{where}: after call {k}, the text shows {pre_text(area)!r}")
    settle(area)
    _check_timeline(area, where)
    select = area.locator("select").first
    scripts = [o for o in select.locator("option").all_text_contents() if "optimizer.step()" in o]
    if scripts:
        select.select_option(label=scripts[-1])
        wait_until(lambda: any(r["call"] == "optimizer.step()" for r in _timeline_rows(pre_text(area))),
                   lambda: f"{where}: choosing {scripts[-1]!r} changed nothing")
        settle(area)
        rows = _check_timeline(area, where)
        assert len(rows) == len(timeline_by_hand([r["call"] for r in rows], 0.01))


def _surface(text):
    head = text.splitlines()[0]
    start = tuple(numbers(re.search(r"start at \(([^)]*)\)", head).group(1)))
    if head.startswith("elongated bowl"):
        return (lambda p: 0.1 * p[0] ** 2 + 2 * p[1] ** 2,
                lambda p: np.array([0.2 * p[0], 4 * p[1]], np.float32)), start
    if head.startswith("Rosenbrock"):
        return ((lambda p: (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2),
                lambda p: np.array([-2 * (1 - p[0]) - 400 * p[0] * (p[1] - p[0] ** 2),
                                    200 * (p[1] - p[0] ** 2)], np.float32)), start
    raise AssertionError(f"unknown surface {head!r}")


def race_by_hand(grad, start, steps, lr, adam_lr, momentum):
    """SGD, momentum, Nesterov, Adam as PyTorch defines them, float32: each one's last point
    (the last finite one, if it diverged)."""
    f32 = np.float32
    ends = {}
    for racer in ("SGD", "SGD + momentum", "Nesterov", "Adam"):
        p, buf, m, v = np.array(start, f32), None, np.zeros(2, f32), np.zeros(2, f32)
        with np.errstate(all="ignore"):
            for t in range(1, steps + 1):
                g = grad(p)
                if racer == "Adam":
                    m = f32(0.9) * m + f32(0.1) * g
                    v = f32(0.999) * v + f32(0.001) * g * g
                    denom = np.sqrt(v) / f32(math.sqrt(1 - 0.999 ** t)) + f32(1e-8)
                    new = p - f32(adam_lr / (1 - 0.9 ** t)) * m / denom
                else:
                    if racer != "SGD":
                        buf = g.copy() if buf is None else f32(momentum) * buf + g
                        g = g + f32(momentum) * buf if racer == "Nesterov" else buf
                    new = p - f32(lr) * g
                if not np.all(np.isfinite(new)):
                    break
                p = new.astype(f32)
        ends[racer] = p
    return ends


def drive_optimizer_race(page, area, where):
    """Take 10 steps off the race; every racer's final x, y and loss must be the four
    optimizers' update rules run here, from the same start with the same settings."""
    steps = int(press(slider(area, "steps"), "ArrowLeft", 10))
    wait_until(lambda: f"\n{steps} steps, lr = " in pre_text(area),
               lambda: f"{where}: the text never showed {steps} steps: {pre_text(area)[:120]!r}")
    settle(area)
    text = pre_text(area)
    settings = re.search(r"lr = (\S+) \(SGD family, momentum (\S+)\), Adam lr = (\S+)", text)
    lr, momentum, adam_lr = (float(v.rstrip(",")) for v in settings.groups())
    readouts = {label: float(slider(area, label).locator(".widget-readout").inner_text())
                for label in ("SGD lr", "Adam lr", "momentum")}
    assert shown(readouts["SGD lr"], lr, rel=0.06) and shown(readouts["Adam lr"], adam_lr, rel=0.06)
    (f, grad), start = _surface(text)
    ends = race_by_hand(grad, start, steps, lr, adam_lr, momentum)
    for racer, p in ends.items():
        row = next(line for line in text.splitlines() if line.startswith(racer + " ")
                   and not line.startswith(racer + " +"))
        x, y, loss = numbers(row[len(racer):])[:3]
        assert shown(x, p[0], rel=1e-3) and shown(y, p[1], rel=1e-3) and shown(
            loss, f(p.astype(np.float64)), rel=2e-3), (
            f"{where}: {racer} after {steps} steps shows {row.strip()!r}; by hand x = {p[0]}, "
            f"y = {p[1]}, loss = {f(p.astype(np.float64))}")


def drive_unknown(page, area, where):
    """A widget kind this file has no oracle for: its first slider must change what it shows."""
    control = area.locator(".widget-slider").first
    if control.count() == 0:
        return
    before = area.inner_html()
    handle = control.locator(".noUi-handle")
    value = value_of(control)
    at_max = float(handle.get_attribute("aria-valuenow")) >= float(handle.get_attribute("aria-valuemax"))
    assert press(control, "ArrowLeft" if at_max else "ArrowRight", 5) != value, (
        f"{where}: the slider did not move")
    wait_until(lambda: area.inner_html() != before, lambda: f"{where}: moving the slider changed nothing")
    settle(area)


DRIVERS = {"derivative_explorer": drive_derivative_explorer,
           "gradient_descent_playground": drive_gradient_descent_playground,
           "accumulation_timeline": drive_accumulation_timeline,
           "optimizer_race": drive_optimizer_race}


# ---------------------------------------------------------------------------------- the tests
@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_notebook_as_a_learner_sees_it(lab, page, shots, path):
    from playwright.sync_api import expect

    nb = read(path)
    cells = code_cells(nb)
    model = open_and_run_all(page, lab, path.name)
    assert [c["id"] for c in model] == [c.id for c in cells]
    dom = page.locator(".jp-Notebook .jp-CodeCell")
    assert dom.count() == len(cells)
    page.locator(".jp-Notebook .jp-Cell").first.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"{path.stem}.png"))

    errors = [f"{c['id']}: {o}" for c, cell in zip(model, cells) for o in c["outputs"]
              if o.startswith("error") and "raises-exception" not in tags(cell)]
    assert not errors, f"{path.name}: errors after Run All: {errors}"

    drove = 0
    for index, (cell, state) in enumerate(zip(cells, model)):
        where = f"{path.name}, cell {cell.id!r}"
        here = dom.nth(index)
        area = here.locator(".jp-OutputArea")
        t = tags(cell)
        if SELF_CHECK.search(cell.source):
            check_self_checks(page, cell, here, where)
        if "diagram" in t:
            pictures = area.locator("img[src^='data:image/svg'], svg:not(.jp-icon3 svg)")
            assert pictures.count() >= 1 and area.evaluate(
                "(a) => [...a.querySelectorAll('img, svg')].some("
                "e => e.getBoundingClientRect().width > 24)"), f"{where}: no diagram shown"
            assert_fits(area, where)
            screenshot(page, area, shots / f"{path.stem}-{cell.id}.png")
        if "widget" in t:
            controls = area.locator(".widget-slider, .widget-button, .widget-dropdown, button")
            expect(controls.first).to_be_visible(timeout=UPDATE_TIMEOUT_MS)
            assert "Error displaying widget" not in area.inner_text(), f"{where}: {area.inner_text()}"
            area.scroll_into_view_if_needed()
            kind = (WIDGET_CALL.findall(cell.source) or ["?"])[-1]
            if kind == "stepper":
                drive_stepper(page, area, where, state["count"])
            else:
                DRIVERS.get(kind, drive_unknown)(page, area, where)
            assert_fits(area, where + " after interaction")
            screenshot(page, area, shots / f"{path.stem}-{cell.id}.png")
            drove += 1
    assert drove == sum("widget" in tags(c) for c in cells)


def test_open_course_lands_a_learner_on_welcome_in_their_own_copy(browser, tmp_path):
    """Finding 5 of issue 10: `scripts/open-course` opened course/, the maintainers' folder with
    the solutions. It must open the learner's own copy of the learner edition, at 00_welcome,
    with nothing but the lessons in view, and never overwrite what the learner changed."""
    from playwright.sync_api import expect

    jupyter = ROOT / ".venv" / "bin" / "jupyter"
    if not jupyter.exists():
        pytest.skip("scripts/open-course runs .venv/bin/jupyter (made by scripts/setup-env)")
    copy = tmp_path / "my-course"
    learner = COURSE / "editions" / "learner"
    port, token = _free_port(), uuid.uuid4().hex
    env = {**_lab_env(tmp_path), "GRADLAB_COURSE_COPY": str(copy), "GRADLAB_SKIP_APT": "1"}
    command = [str(ROOT / "scripts" / "open-course"), "--no-browser", f"--port={port}",
               f"--IdentityProvider.token={token}"]
    lab = _start_lab(command, env, tmp_path / "open-course.log", token, port)
    try:
        lessons = sorted(p.name for p in learner.glob("*.ipynb"))
        assert sorted(p.name for p in copy.iterdir()) == lessons
        assert all((copy / n).read_bytes() == (learner / n).read_bytes() for n in lessons)
        page = browser.new_context(viewport=WINDOW).new_page()
        page.goto(f"{lab.base}/?token={token}")
        tabs = page.locator(".jp-MainAreaWidget .lm-TabBar-tab, #jp-main-dock-panel .lm-TabBar-tab")
        expect(page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current")).to_have_text(
            "00_welcome.ipynb", timeout=90_000)
        assert tabs.count() == 1                                  # that notebook, nothing else
        listing = page.locator(".jp-DirListing-content .jp-DirListing-itemText")
        expect(listing.first).to_be_visible()
        assert sorted(listing.all_text_contents()) == lessons   # nothing but the lessons
        expect(page.locator(".jp-Notebook").first).to_contain_text("Welcome to gradlab")
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "open-course-landing.png"))
        page.context.close()
    finally:
        _stop_lab(lab)
    # Again, after the learner changed one lesson and deleted another: the changed one is kept,
    # the deleted one comes back fresh.
    mine = copy / "01_what_is_autograd.ipynb"
    mine.write_text(mine.read_text(encoding="utf-8").replace("What is autograd", "My notes"),
                    encoding="utf-8")
    (copy / "02_tutorial_by_hand.ipynb").unlink()
    port = _free_port()
    command[2] = f"--port={port}"
    _stop_lab(_start_lab(command, env, tmp_path / "open-course-2.log", token, port))
    assert "My notes" in mine.read_text(encoding="utf-8")
    assert (copy / "02_tutorial_by_hand.ipynb").read_bytes() == (
        learner / "02_tutorial_by_hand.ipynb").read_bytes()
