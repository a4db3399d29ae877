"""The notebooks in JupyterLab, as a student meets them: opened without running anything (the
notebook is not trusted in this browser), every stored picture shows, whole, no wider than the
output area; then, with every cell run in JupyterLab's own kernel, the same holds for the new
outputs, and no cell fails.

JupyterLab runs on a free port of 127.0.0.1, on a copy of notebooks/, with its settings, trust
database and workspaces in a temporary directory, and headless Chromium (the system's) drives it
through Playwright. ``PATHGRAD_SCREENSHOTS=docs/images`` also writes the screenshots of notebooks
1 and 2 that docs/images holds (jupyterlab_notebook1.png, ..._run.png).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
JUPYTER = Path(sys.executable).parent / "jupyter"
SHOTS = os.environ.get("PATHGRAD_SCREENSHOTS")  # a directory: write the screenshots there
RUN_TIMEOUT = 600  # seconds for a notebook's cells (they take about 30 s here)

# Every picture in an output of the notebook on screen: loaded, drawn with a size, and inside
# its output area.
PICTURES = """() => {
    const root = window.jupyterapp.shell.currentWidget.node;
    return [...root.querySelectorAll('.jp-OutputArea-output')].flatMap(out => {
        const area = out.getBoundingClientRect();
        return [...out.querySelectorAll('img')].map(img => {
            const box = img.getBoundingClientRect();
            return {mime: out.dataset.mimeType, loaded: img.complete && img.naturalWidth > 0,
                    width: box.width, height: box.height, natural: img.naturalWidth,
                    left: box.left - area.left, right: box.right - area.right,
                    scrolls: out.scrollWidth > out.clientWidth + 1};
        });
    });
}"""
LOADED = """expected => {
    const images = [...window.jupyterapp.shell.currentWidget.node
        .querySelectorAll('.jp-OutputArea-output img')];
    return images.length >= expected && images.every(img => img.complete);
}"""
PROMPTS = """() => [...window.jupyterapp.shell.currentWidget.node
    .querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent.trim())"""
OPEN = """async path => {
    const panel = await window.jupyterapp.commands.execute('docmanager:open', {path});
    await panel.context.ready;
    await panel.revealed;
    return panel.content.widgets.filter(c => c.model.type === 'code' && c.model.outputs.length)
        .map(c => c.model.trusted);
}"""
CLOSE = """async () => {
    const panel = window.jupyterapp.shell.currentWidget;
    await panel.sessionContext.shutdown();
    panel.dispose();
}"""
RUN = """async () => {
    await window.jupyterapp.shell.currentWidget.sessionContext.ready;
    await window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs');
    window.jupyterapp.commands.execute('notebook:run-all-cells');
}"""
FAILED = """() => [...window.jupyterapp.shell.currentWidget.node
    .querySelectorAll('.jp-OutputArea-output')].map(o => o.innerText)
    .filter(t => t.includes('Traceback'))"""


def stored_pictures(path: Path) -> int:
    """How many outputs of the notebook file hold a picture (PNG, SVG or an HTML image)."""
    count = 0
    for cell in json.loads(path.read_text())["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            html = "".join(data.get("text/html", ""))
            if "image/png" in data or "image/svg+xml" in data or "<img" in html:
                count += 1
    return count


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving a copy of notebooks/, its URL; every cell rendered at once (no
    windowing), so that every picture is in the page."""
    if importlib.util.find_spec("jupyterlab") is None:  # it runs the notebooks: never skipped
        pytest.fail("JupyterLab is not installed: make .venv/.installed-dev installs it")
    if shutil.which("chromium") is None:
        pytest.skip("no Chromium on PATH: install it (apt-get install chromium) to run this test")
    root = tmp_path_factory.mktemp("lab")
    for notebook in NOTEBOOKS:
        shutil.copy(notebook, root)
    home = tmp_path_factory.mktemp("jupyter")
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    news = home / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)  # no pop-up asking to fetch Jupyter's news
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    port = _free_port()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),  # an empty trust database: nothing trusted
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "IPYTHONDIR": str(home / "ipython"),
        "PATH": f"{JUPYTER.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONWARNINGS": "ignore",
    }
    env.pop("PATHGRAD_RENDERER", None)
    command = [str(JUPYTER), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
               "--ServerApp.token=", "--ServerApp.password=", f"--ServerApp.root_dir={root}",
               f"--LabApp.user_settings_dir={home / 'settings'}",
               f"--LabApp.workspaces_dir={home / 'workspaces'}",
               "--LabApp.expose_app_in_browser=True",
               "--ServerApp.disable_check_xsrf=True", "--allow-root"]  # fmt: skip
    log = (home / "server.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(1200):  # a minute at most
            try:
                urllib.request.urlopen(url + "api/status", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"JupyterLab stopped: {(home / 'server.log').read_text()}")
                time.sleep(0.05)
        yield url
    finally:  # the server shuts its kernels down, then stops
        try:
            urllib.request.urlopen(urllib.request.Request(url + "api/shutdown", method="POST"))
            server.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            server.terminate()
            server.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def app(lab):
    """JupyterLab open in headless Chromium, one tab for the module."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"))
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(f"{lab}lab/workspaces/pathgrad-test?reset")
        page.wait_for_function("() => window.jupyterapp", timeout=120_000)
        page.evaluate("() => window.jupyterapp.restored")
        yield page, problems
        browser.close()


def open_notebook(page, path: Path) -> None:
    """The notebook open in JupyterLab, its stored outputs drawn; as a student opens it, its
    outputs are not trusted."""
    trusted = page.evaluate(OPEN, path.name)
    assert trusted and not any(trusted), "the notebook's outputs should not be trusted"
    wait_for_pictures(page, path)


def wait_for_pictures(page, path: Path) -> None:
    """Until the page shows as many loaded pictures as the file holds, for a minute at most
    (the assertions that follow say what is missing)."""
    from playwright.sync_api import TimeoutError as Waited

    with contextlib.suppress(Waited):
        page.wait_for_function(LOADED, arg=stored_pictures(path), timeout=60_000)


def assert_every_picture_shows_and_fits(page, expected: int) -> list[dict]:
    pictures = page.evaluate(PICTURES)
    assert len(pictures) >= expected, f"{len(pictures)} pictures shown of {expected} stored"
    for n, picture in enumerate(pictures, start=1):
        where = f"picture {n} ({picture['mime']})"
        assert picture["loaded"] and picture["width"] > 0 and picture["height"] > 0, where
        assert picture["left"] >= -1 and picture["right"] <= 1, f"{where} is cut off: {picture}"
        assert not picture["scrolls"], f"{where} scrolls sideways"
    texts = page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.node.querySelector('.jp-Notebook').innerText"
    )
    assert "Cannot display" not in texts
    return pictures


def screenshot(page, name: str, pictures: list[dict], suffix: str) -> None:
    """Notebook 1 at its first diagram, notebook 2 at its widest picture (scaled to fit)."""
    if not SHOTS:
        return
    root = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    if name.startswith("01"):
        pick = root.locator(".jp-OutputArea-output img[src^='data:image/svg']").first
    else:
        widest = max(range(len(pictures)), key=lambda i: pictures[i]["natural"])
        pick = root.locator(".jp-OutputArea-output img").nth(widest)
    pick.evaluate(
        "e => { e.scrollIntoView({block: 'start'});"
        " e.closest('.jp-WindowedPanel-outer').scrollBy(0, -140); }"
    )
    page.wait_for_timeout(500)
    page.screenshot(path=str(Path(SHOTS) / f"jupyterlab_notebook{name[1]}{suffix}.png"))


def run_all(page) -> None:
    """Every cell run, in order, in the notebook's kernel (the stored outputs and numbers cleared
    first); fails on the first cell that fails."""
    page.evaluate(RUN)
    assert not any(p[1:-2].isdigit() for p in page.evaluate(PROMPTS)), "outputs not cleared"
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline:
        prompts = page.evaluate(PROMPTS)
        if prompts and all(p[1:-2].isdigit() for p in prompts):
            return
        failed = page.evaluate(FAILED)
        if failed:
            pytest.fail(f"a cell failed: {failed[0][:2000]}")
        page.wait_for_timeout(250)
    pytest.fail(f"the cells did not finish in {RUN_TIMEOUT} s: {page.evaluate(PROMPTS)}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_every_picture_shows_and_fits_before_and_after_running_the_cells(app, path):
    page, problems = app
    open_notebook(page, path)
    try:
        pictures = assert_every_picture_shows_and_fits(page, stored_pictures(path))
        screenshot(page, path.stem, pictures, "") if path.stem[:2] in ("01", "02") else None
        run_all(page)
        wait_for_pictures(page, path)
        pictures = assert_every_picture_shows_and_fits(page, stored_pictures(path))
        screenshot(page, path.stem, pictures, "_run") if path.stem[:2] in ("01", "02") else None
        assert problems == []
    finally:
        page.evaluate(CLOSE)
