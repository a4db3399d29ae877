"""Turning DOT text into pictures: the Graphviz ``dot`` program if it is on PATH, otherwise the
pip-installable ``graphviz-pure`` (``pip install 'pathgrad[render]'``).

A ``Diagram`` always has its DOT text; rendering happens only when it is saved or displayed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

FORMATS = ("svg", "png", "pdf", "dot")
INSTALL_HINT = (
    "install Graphviz (e.g. 'apt install graphviz' or 'brew install graphviz') or the "
    "pure renderer ('pip install \"pathgrad[render]\"', which provides graphviz-pure)"
)
# PATHGRAD_RENDERER=dot|graphviz-pure|none forces a choice (for tests, and to compare the two).
RENDERER_ENV = "PATHGRAD_RENDERER"


class RendererNotFoundError(RuntimeError):
    """Neither Graphviz's ``dot`` nor ``graphviz-pure`` is available."""


def find_renderer(fmt: str = "svg") -> list[str]:
    """The command that renders DOT to ``fmt``: ``dot`` first, then ``graphviz-pure``."""
    forced = os.environ.get(RENDERER_ENV)
    if not forced:
        candidates = ["dot", "graphviz-pure"]
    elif forced == "none":
        candidates = []
    else:
        candidates = [forced]
    if fmt == "pdf":  # graphviz-pure does not write PDF
        candidates = [c for c in candidates if c == "dot"]
    for name in candidates:
        path = shutil.which(name) or _beside_interpreter(name)
        if path:
            return [path]
    if fmt == "pdf":
        raise RendererNotFoundError(
            "saving as PDF needs the Graphviz dot program (graphviz-pure writes svg and png): "
            "install Graphviz, e.g. 'apt install graphviz' or 'brew install graphviz'"
        )
    raise RendererNotFoundError(f"no Graphviz renderer found to write {fmt}: {INSTALL_HINT}")


def _beside_interpreter(name: str) -> str | None:
    # A virtual environment's scripts are found even when its bin/ is not on PATH (Jupyter).
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.is_file() and os.access(candidate, os.X_OK) else None


def render(source: str, fmt: str, dpi: float | None = None) -> bytes:
    """DOT text rendered to ``fmt`` ("svg", "png", "pdf") by the renderer found; ``dpi`` sets
    a PNG's resolution (the renderer's default, 96, when None)."""
    command = find_renderer(fmt) + [f"-T{fmt}"]
    if dpi is not None:
        command.append(f"-Gdpi={dpi:g}")
    try:
        done = subprocess.run(
            command, input=source.encode("utf-8"), capture_output=True, timeout=120, check=False
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"{command[0]} took more than 120 s to lay out the graph") from None
    if done.returncode != 0:
        raise RuntimeError(
            f"{command[0]} failed ({done.returncode}): {done.stderr.decode(errors='replace')}"
        )
    return done.stdout


def format_of(path: str | os.PathLike) -> str:
    """The output format named by a file's extension."""
    ext = Path(path).suffix.lower().lstrip(".")
    if ext == "gv":
        ext = "dot"
    if ext not in FORMATS:
        shown = f"'.{ext}'" if ext else "no extension"
        raise ValueError(
            f"cannot tell the format from {shown} in {os.fspath(path)!r}: "
            f"use .svg, .png, .pdf or .dot"
        )
    return ext


class Diagram:
    """A picture of a graph: ``.source`` (DOT text), ``.save(path)``, and inline SVG in Jupyter."""

    def __init__(self, source: str, text: str = "") -> None:
        self.source = source
        self.text = text  # the same content in words, where the view has some (explain)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the diagram, in the format of the file's extension (.svg, .png, .pdf, .dot)."""
        path = Path(path)
        fmt = format_of(path)
        data = self.source.encode("utf-8") if fmt == "dot" else render(self.source, fmt)
        path.write_bytes(data)
        return path

    def svg(self) -> str:
        """The diagram as SVG text."""
        return render(self.source, "svg").decode("utf-8")

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        try:
            return {"image/svg+xml": self.svg()}
        except RendererNotFoundError:
            return {"text/plain": f"{self.source}\n(to see the picture, {INSTALL_HINT})"}

    def __repr__(self) -> str:
        lines = self.source.count("\n")
        return f"<Diagram: {lines} lines of DOT; .save('graph.svg') to render>"
