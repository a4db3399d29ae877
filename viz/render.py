"""Turning DOT text into pictures: the Graphviz ``dot`` program if it is on PATH, otherwise the
pure-Python ``graphviz-pure``, which every install of pathgrad brings.

A ``Diagram`` always has its DOT text; rendering happens only when it is saved or displayed.
"""

from __future__ import annotations

import base64
import html
import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from autograd.files import atomic_write, atomic_write_all

from .dot import as_digraph

if TYPE_CHECKING:
    import graphviz

FORMATS = ("svg", "png", "pdf", "dot")
INSTALL_HINT = (
    "install Graphviz (e.g. 'apt install graphviz' or 'brew install graphviz') or the "
    "pure renderer that pathgrad depends on ('pip install graphviz-pure')"
)
# PATHGRAD_RENDERER=dot|graphviz-pure|none forces a choice (for tests, and to compare the two).
RENDERER_ENV = "PATHGRAD_RENDERER"
TIME_LIMIT = 60.0  # seconds a renderer may take before it is stopped


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


class RenderError(RuntimeError):
    """The renderer failed, or took longer than its time limit and was stopped."""


def render(
    source: str, fmt: str, dpi: float | None = None, time_limit: float | None = None
) -> bytes:
    """DOT text rendered to ``fmt`` ("svg", "png", "pdf") by the renderer found; ``dpi`` sets
    a PNG's resolution (the renderer's default, 96, when None). A renderer still running after
    ``time_limit`` seconds (default ``TIME_LIMIT``, 60) is stopped, and ``RenderError`` says so."""
    time_limit = TIME_LIMIT if time_limit is None else time_limit
    command = find_renderer(fmt) + [f"-T{fmt}"]
    if dpi is not None:
        command.append(f"-Gdpi={dpi:g}")
    try:
        done = subprocess.run(
            command, input=source.encode("utf-8"), capture_output=True, timeout=time_limit,
            check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        name = Path(command[0]).name
        faster = "" if name.startswith("dot") else (
            ", or install Graphviz's dot, which is much faster than graphviz-pure"
        )  # fmt: skip
        raise RenderError(
            f"{name} was stopped after {time_limit:g} s laying out the graph: draw a smaller "
            f"graph (many edges into or out of one node are the slowest){faster}"
        ) from None
    if done.returncode != 0:
        raise RenderError(
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


DEFAULT_DPI = 150  # PNG resolution: sharp on a projector (Graphviz's own default, 96, is not)


def check_format(fmt: object) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    return fmt  # type: ignore[return-value]


class Diagram:
    """A picture of a graph: its DOT text, rendered when saved or displayed (in Jupyter an
    SVG image that shrinks to the output area's width, with a PNG beside it).

    It answers to the names of ``graphviz.Digraph``, which micrograd's ``draw_dot`` returns:
    ``.source``, ``.pipe(format="svg")``, ``.render("graph", format="png")``, ``.view()``, and
    ``.digraph`` is the same picture as a real ``graphviz.Digraph``. ``format`` is the default
    for ``pipe`` and ``render``. PNG is written at 150 dpi unless ``dpi`` says otherwise.
    """

    def __init__(self, source: str, text: str = "", format: str = "svg") -> None:
        self.source = source
        self.text = text  # the same content in words, where the view has some (explain)
        self.format = check_format(format)

    @property
    def digraph(self) -> graphviz.Digraph:
        """The picture as a ``graphviz.Digraph`` (whose own ``render`` needs Graphviz's dot)."""
        return as_digraph(self.source, self.format)

    def pipe(self, format: str | None = None, dpi: float | None = None) -> bytes:
        """The rendered picture as bytes, in ``format`` (default: the diagram's own)."""
        fmt = check_format(format or self.format)
        if fmt == "dot":
            return self.source.encode("utf-8")
        if fmt == "png" and dpi is None:
            dpi = DEFAULT_DPI
        return render(self.source, fmt, dpi)

    def save(self, path: str | os.PathLike, dpi: float | None = None) -> Path:
        """Write the diagram, in the format of the file's extension (.svg, .png, .pdf, .dot),
        atomically: a failure leaves the previous file as it was."""
        path = Path(path)
        data = self.pipe(format_of(path), dpi)  # rendered in full before the file is touched
        return atomic_write(path, data)  # the previous file stays whole if writing fails

    def render(
        self,
        filename: str | os.PathLike | None = None,
        directory: str | os.PathLike | None = None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,
        outfile: str | os.PathLike | None = None,
    ) -> str:
        """As ``graphviz.Digraph.render``: write the DOT text to ``filename`` (default
        "pathgrad.gv") and the picture beside it as ``filename.format``, or to ``outfile``
        (whose extension gives the format); returns the picture's path. ``cleanup`` deletes
        the DOT file; ``view`` opens the picture with the system's viewer."""
        if outfile is not None:
            picture = Path(outfile)
            fmt = format_of(picture) if format is None else check_format(format)
            source = Path(filename) if filename is not None else picture.with_suffix(".gv")
        else:
            fmt = check_format(format or self.format)
            source = Path(filename if filename is not None else "pathgrad.gv")
            picture = source.with_name(f"{source.name}.{fmt}")
        if directory is not None:
            source, picture = Path(directory) / source, Path(directory) / picture
        source.parent.mkdir(parents=True, exist_ok=True)
        data = self.pipe(fmt)
        atomic_write_all({source: self.source, picture: data})
        if cleanup:
            source.unlink()
        if view:
            open_file(picture)
        return os.fspath(picture)

    def view(
        self,
        filename: str | os.PathLike | None = None,
        directory: str | os.PathLike | None = None,
        cleanup: bool = False,
    ) -> str:
        """Render (as ``render``) and open the picture with the system's viewer."""
        return self.render(filename, directory, view=True, cleanup=cleanup)

    def svg(self) -> str:
        """The diagram as SVG text."""
        return self.pipe("svg").decode("utf-8")

    def _repr_mimebundle_(
        self, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None
    ) -> tuple[dict[str, str], dict[str, dict[str, int]]] | dict[str, str]:
        """What Jupyter shows: the SVG as an HTML image that shrinks to the output area's width
        (JupyterLab shows it whether or not the notebook is trusted), a PNG beside it for
        front ends that show no HTML, and a sentence saying what to do where only text shows."""
        if include is not None and not set(include) & {"text/html", "image/png"}:
            return {"text/plain": repr(self)}  # a terminal: no rendering for nothing
        try:
            svg = self.svg()
        except RendererNotFoundError:
            return {"text/plain": f"{self.source}\n(to see the picture, {INSTALL_HINT})"}
        except RenderError as err:  # shown as text with the reason, rather than a traceback
            reason = str(err) if len(str(err)) <= 500 else str(err)[:500] + "…"
            shown = self.text or repr(self)
            return {"text/plain": f"{shown}\n(the picture could not be drawn: {reason})"}
        width, height = css_size(svg)
        bundle = {"text/html": html_image(svg, width, height, self.text), "text/plain": repr(self)}
        metadata = {}
        try:  # two pixels per CSS pixel up to a 1200 px wide output area: sharp, not huge
            dpi = min(2 * 96, PNG_WIDTH / max(width, 1) * 96)
            png = stored_png(self.pipe("png", dpi=dpi))
            bundle["image/png"] = base64.b64encode(png).decode("ascii")
            metadata["image/png"] = {"width": width, "height": height}
        except RenderError:
            pass  # the HTML image is what JupyterLab shows
        return bundle, metadata

    def __repr__(self) -> str:
        lines = self.source.count("\n")
        return (
            f"<Diagram: {lines} lines of DOT. A picture in Jupyter: run the cell if only this "
            "text shows; elsewhere .save('graph.svg') or .view()>"
        )


PNG_WIDTH = 2400  # pixels: a displayed PNG is drawn at most this wide (2× a 1200 px output)
_SVG_SIZE = re.compile(r'<svg[^>]*?\swidth="([0-9.]+)pt"[^>]*?\sheight="([0-9.]+)pt"')


def css_size(svg: str) -> tuple[int, int]:
    """An SVG's width and height in CSS pixels (Graphviz writes points: 72 pt = 96 px)."""
    found = _SVG_SIZE.search(svg)
    if found is None:
        return 0, 0
    return round(float(found.group(1)) * 4 / 3), round(float(found.group(2)) * 4 / 3)


def stored_png(data: bytes) -> bytes:
    """A PNG in 256 colours: a diagram has few, and a notebook stores it a fifth the size."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        fewer = image.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    fewer.save(out, "PNG", optimize=True)
    return out.getvalue()


def html_image(svg: str, width: int, height: int, alt: str = "") -> str:
    """The SVG as an HTML image at its own size that shrinks to fit the width it is given
    (JupyterLab draws an ``image/svg+xml`` output at its full width, cut off beyond it)."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    size = f'width="{width}" height="{height}" ' if width and height else ""
    text = html.escape(alt[:1000] if alt else "a graph drawn by pathgrad", quote=True)
    return (
        f'<img src="data:image/svg+xml;base64,{data}" {size}alt="{text}" '
        'style="max-width: 100%; height: auto">'
    )


def open_file(path: Path) -> None:
    """Open a file with the platform's default application, as ``graphviz.view`` does."""
    if sys.platform == "darwin":
        command = ["open", os.fspath(path)]
    elif sys.platform.startswith("win"):
        os.startfile(os.fspath(path))  # type: ignore[attr-defined]
        return
    else:
        command = ["xdg-open", os.fspath(path)]
    if shutil.which(command[0]) is None:
        raise RuntimeError(f"cannot open {path}: {command[0]} is not installed; the file is saved")
    subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


_Item = TypeVar("_Item")
_Result = TypeVar("_Result")


def in_parallel(work: Callable[[_Item], _Result], diagrams: list[_Item]) -> list[_Result]:
    # Each render is a process of its own, and decoding a PNG releases the GIL: two threads
    # keep both cores busy.
    with ThreadPoolExecutor(max_workers=max(os.cpu_count() or 1, 2)) as pool:
        return list(pool.map(work, diagrams))
