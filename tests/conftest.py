"""Fixtures shared by every test folder."""

import contextlib
import io
import shutil
import sys
from pathlib import Path

import pytest


def _available(name: str) -> bool:
    return bool(shutil.which(name) or (Path(sys.executable).parent / name).is_file())


RENDERERS = [r for r in ("dot", "graphviz-pure") if _available(r)]


@pytest.fixture(params=RENDERERS or [pytest.param(None, marks=pytest.mark.skip("no renderer"))])
def renderer(request, monkeypatch):
    """Each Graphviz renderer available here (CI has both), forced one at a time."""
    monkeypatch.setenv("PATHGRAD_RENDERER", request.param)
    return request.param


@pytest.hookimpl(hookwrapper=True)
def pytest_terminal_summary():
    """Keep ``make test``'s output ours: nbmake prints a line advertising itself at the end of
    every run (with print, not through pytest's reporter). Other printed lines pass through."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        yield
    kept = [line for line in printed.getvalue().splitlines() if "about nbmake at" not in line]
    if any(kept):
        print("\n".join(kept))


# The steps of the suite that take more than a few seconds, announced on a line of their own as
# they start, so that make test never waits silently (times measured on a 2-core machine).
SLOW_STEPS = {
    "tests/test_packaging.py": "building the wheel and the sdist, and installing the wheel in a "
    "fresh virtual environment (about 20 s)",
    "tests/test_notebooks_in_jupyterlab.py": "opening the five notebooks in JupyterLab in "
    "Chromium and running their cells there (about 90 s)",
    "tests/test_docs_site.py": "opening every page of the documentation site in Chromium "
    "(about 20 s)",
}  # and each notebook under --nbmake: notebooks/conftest.py
_announced: set[str] = set()
_config: list[pytest.Config] = []


def pytest_configure(config):
    _config.append(config)


def pytest_runtest_logstart(nodeid, location):
    reporter = _config[0].pluginmanager.get_plugin("terminalreporter") if _config else None
    path = nodeid.split("::")[0]
    for prefix, what in SLOW_STEPS.items():
        if path.startswith(prefix) and path not in _announced and reporter is not None:
            _announced.add(path)
            if getattr(reporter._tw, "width_of_current_line", 1):  # on a line of its own
                reporter.write("\n")
            reporter.write(f"{what} ", flush=True)
