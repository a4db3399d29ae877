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
