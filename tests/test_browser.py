"""The course in a real browser: JupyterLab on 127.0.0.1, driven by Playwright in headless Chromium.

nbval proves what the kernel prints; these tests prove what a learner sees: the notebook opens,
"Run All Cells" finishes with no error, the self-checks and the predict-then-reveal work, and
widgets react to a slider. Each test gets its own JupyterLab server (a reopened notebook would
reattach to an old kernel) serving a temporary copy of course/ (Lab's autosave must never touch
the committed notebooks). Screenshots go to the test's temporary folder.

Needs Debian's chromium (scripts/setup-env installs it) and the Python playwright package; never
`playwright install`.
"""
import json
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

import pytest

from course_notebooks import COURSE, NOTEBOOKS, read, tags

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
RUN_TIMEOUT_MS = 180_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    """A fresh JupyterLab serving a copy of the course; yields (base_url, token, root)."""
    if CHROMIUM is None:
        pytest.skip("no chromium on PATH (scripts/setup-env installs it)")
    pytest.importorskip("playwright.sync_api")
    pytest.importorskip("jupyterlab")

    root = tmp_path / "course"
    shutil.copytree(COURSE, root, ignore=shutil.ignore_patterns("editions", ".ipynb_checkpoints"))
    settings = tmp_path / "lab-settings"
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
     ).write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    workspaces = tmp_path / "lab-workspaces"
    workspaces.mkdir()

    port, token = _free_port(), uuid.uuid4().hex
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "JUPYTERLAB_WORKSPACES_DIR": str(workspaces)}
    log = open(tmp_path / "jupyterlab.log", "wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
         f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("JupyterLab did not start:\n"
                                + (tmp_path / "jupyterlab.log").read_text(errors="replace"))
                time.sleep(0.3)
        yield base, token, root
    finally:
        server.send_signal(signal.SIGTERM)  # Lab shuts its kernels down on SIGTERM
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture
def page(tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(60_000)
        yield page
        browser.close()


def open_and_run_all(page, base, token, name):
    """Open a notebook, wait for its kernel, Run All Cells, wait until every cell has run."""
    from playwright.sync_api import expect

    page.goto(f"{base}/lab/tree/{name}?token={token}&reset")
    expect(page.locator(".jp-StatusBar-TextItem:has-text('| Idle')").first).to_be_visible(
        timeout=90_000)
    page.locator(".lm-MenuBar-itemLabel:text-is('Run')").click()
    page.locator(".lm-Menu-itemLabel:text-is('Run All Cells')").click()
    prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt")
    deadline = time.monotonic() + RUN_TIMEOUT_MS / 1000
    while True:
        texts = [t.strip() for t in prompts.all_text_contents()]
        if texts and all(re.fullmatch(r"\[\d+\]:", t) for t in texts):
            return len(texts)
        assert time.monotonic() < deadline, f"{name}: cells still running: {texts}"
        time.sleep(0.5)


def assert_no_error_output(page, name, allowed=0):
    errors = page.locator(".jp-Notebook [data-mime-type='application/vnd.jupyter.stderr']")
    tracebacks = [t for t in errors.all_text_contents() if "Traceback" in t or "Error" in t]
    assert len(tracebacks) <= allowed, f"{name}: error output in the browser: {tracebacks[:1]}"


def settle(locator, quiet=1.0, limit=20.0):
    """Wait until the element's HTML has not changed for ``quiet`` seconds (updates go through
    the kernel, one slider step at a time)."""
    deadline, last, since = time.monotonic() + limit, locator.inner_html(), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < quiet:
        time.sleep(0.2)
        now = locator.inner_html()
        if now != last:
            last, since = now, time.monotonic()


def screenshot(page, locator, path):
    locator.scroll_into_view_if_needed()
    page.screenshot(path=str(path))  # viewport: Lab scrolls inside its own panel


def test_welcome_runs_in_jupyterlab(lab, page, tmp_path):
    from playwright.sync_api import expect

    base, token, _ = lab
    n = open_and_run_all(page, base, token, "00_welcome.ipynb")
    assert n == sum(1 for c in read(COURSE / "00_welcome.ipynb").cells if c.cell_type == "code")
    assert_no_error_output(page, "00_welcome.ipynb")

    outputs = page.locator(".jp-Notebook [data-mime-type='application/vnd.jupyter.stdout']")
    expect(outputs.filter(has_text="[PASS] w.grad: exact match")).to_have_count(1)
    expect(outputs.filter(has_text="tensor(12.)")).to_have_count(1)
    expect(outputs.filter(has_text="tensor(17.)")).to_have_count(1)

    # predict-then-reveal: the answer is folded away until the learner opens it
    details = page.locator(".gradlab-predict details")
    expect(details).to_have_count(1)
    answer = details.locator("p", has_text="Answer:")
    expect(answer).to_be_hidden()
    details.locator("summary").click()
    expect(answer).to_be_visible()
    expect(answer).to_contain_text("tensor(17.)")
    screenshot(page, details, tmp_path / "welcome-predict.png")
    assert (tmp_path / "welcome-predict.png").stat().st_size > 10_000


def _widget_notebooks():
    found = []
    for path in NOTEBOOKS:
        if any("widget" in tags(c) for c in read(path).cells if c.cell_type == "code"):
            found.append(path)
    return found


@pytest.mark.parametrize("path", _widget_notebooks() or [None],
                         ids=[p.name for p in _widget_notebooks()] or ["no-widget-notebooks"])
def test_widgets_react_to_a_slider(lab, page, tmp_path, path):
    """In every notebook with a `widget` cell: after Run All, moving the first slider of each
    widget cell changes what that cell shows (the update goes through the kernel)."""
    if path is None:
        pytest.skip("no course notebook has a cell tagged `widget` yet")
    base, token, _ = lab
    open_and_run_all(page, base, token, path.name)
    assert_no_error_output(page, path.name, allowed=sum(
        "raises-exception" in tags(c) for c in read(path).cells))

    nb = read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    cells = page.locator(".jp-Notebook .jp-CodeCell")
    moved = 0
    for index, cell in enumerate(code):
        if "widget" not in tags(cell):
            continue
        area = cells.nth(index).locator(".jp-OutputArea")
        handle = area.locator(".noUi-handle").first
        if handle.count() == 0:
            continue
        area.scroll_into_view_if_needed()
        handle.wait_for(state="visible")
        before = area.inner_html()
        value = float(handle.get_attribute("aria-valuenow"))
        at_max = value >= float(handle.get_attribute("aria-valuemax"))
        handle.focus()
        for _ in range(5):  # move away from the end the slider starts at
            handle.press("ArrowLeft" if at_max else "ArrowRight")
        assert float(handle.get_attribute("aria-valuenow")) != value, (
            f"{path.name}, cell {cell.id!r}: the slider did not move")
        deadline = time.monotonic() + 30
        while area.inner_html() == before:
            assert time.monotonic() < deadline, (
                f"{path.name}, cell {cell.id!r}: moving the slider changed nothing")
            time.sleep(0.3)
        settle(area)
        screenshot(page, area, tmp_path / f"{path.stem}-{cell.id}.png")
        moved += 1
    if moved == 0:
        pytest.skip(f"{path.name}: no widget cell with a slider")
