import shutil
import sys
from pathlib import Path

import pytest

from autograd import Value


def _available(name: str) -> bool:
    return bool(shutil.which(name) or (Path(sys.executable).parent / name).is_file())


RENDERERS = [r for r in ("dot", "graphviz-pure") if _available(r)]


@pytest.fixture(params=RENDERERS or [pytest.param(None, marks=pytest.mark.skip("no renderer"))])
def renderer(request, monkeypatch):
    """Each Graphviz renderer available here (CI has both), forced one at a time."""
    monkeypatch.setenv("PATHGRAD_RENDERER", request.param)
    return request.param


@pytest.fixture
def classic():
    a, b = Value(2.0, "a"), Value(1.0, "b")
    c = a + b
    c.label = "c"
    d = b + 1
    d.label = "d"
    e = c * d
    e.label = "e"
    return a, b, c, d, e
