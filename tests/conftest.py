"""Fixtures shared by every test folder."""

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
