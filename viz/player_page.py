"""The backprop player: one self-contained web page that steps through a graph.

Three chapters: the forward pass (values appear node by node in topological order), the reverse
sweep (adjoints appear node by node, the edge contributions lit as they are added) and, when a
variable is given, the paths from it one by one, their sum and the factorized grouping. Every
step is drawn on one stage (``viz.stage``: one layout, nodes never move), so the page holds the
first step's SVG whole and each later step as the lines of SVG that change from the step before;
a few lines of plain JavaScript rebuild the step shown. No network request: it works from
``file://`` and in Jupyter. Only the step shown is in the page's picture and text: a later step's
numbers are in the page's data, never drawn, selectable or copied before their step.
"""

from __future__ import annotations

import base64
import difflib
import html
import json
import os
import re
from pathlib import Path

from autograd import Value
from autograd.files import atomic_write

from .dot import MAX_TOOLTIP
from .drawing import look
from .figure import Figure
from .player_script import PAGE, SCRIPT
from .render import Diagram, RendererNotFoundError, RenderError, in_parallel, render
from .scene import MAX_TITLE
from .stage import MAX_PATH_STEPS, Step, steps
from .text import shorten, visible

_FONT_SIZE = re.compile(r'font-size="([\d.]+)"')  # in the SVG's own units
DEFAULT_MAX_NODES = 60  # every step is a picture of the whole graph


class Player:
    """The steps of a graph's forward pass, reverse sweep and paths, shown as one page."""

    def __init__(self, figure: Figure, staged: list[Step], title: str) -> None:
        self.figure = figure
        self.staged = staged
        self.title = title
        self._diagrams: list[Diagram] = []

    @property
    def steps(self) -> list[tuple[str, Diagram]]:
        """Every step: (its chapter's name, its diagram), first to last."""
        if not self._diagrams:
            self._diagrams = [self.figure.diagram(s.annotations) for s in self.staged]
        return [(s.chapter, d) for s, d in zip(self.staged, self._diagrams, strict=True)]

    def html(self) -> str:
        """The page: the first step's SVG, each later step as its changes, the controls, and the
        script that steps through."""
        svgs = in_parallel(lambda d: _inline_svg(render(d[1].source, "svg")), self.steps)
        lines = [svg.split("\n") for svg in svgs]
        changes = [_changes(before, after) for before, after in zip(lines, lines[1:], strict=False)]
        total = len(self.staged)
        chapters = [s.chapter for s in self.staged]
        positions = [f"{s.position} · {i} of {total}" for i, s in enumerate(self.staged, 1)]
        texts = [visible(s.caption) for s in self.staged]
        sizes = [float(size) for svg in svgs for size in _FONT_SIZE.findall(svg)]
        data = {"chapters": chapters, "positions": positions, "texts": texts, "first": svgs[0],
                "changes": changes, "smallest": min(sizes, default=0.0)}  # fmt: skip
        title = visible(self.title)
        return PAGE.format(
            title=html.escape(shorten(title, MAX_TITLE)),
            full_title=html.escape(shorten(title, MAX_TOOLTIP), quote=True),
            last=total - 1,
            first=svgs[0],
            chapter=html.escape(chapters[0]),
            position=html.escape(positions[0]),
            caption=html.escape(texts[0]),
            data=_script_json(data),
            script=SCRIPT,
        )

    def save(self, path: str | os.PathLike) -> Path:
        """Write the page to ``path`` (.html), one file with nothing to fetch, atomically."""
        path = Path(path)
        if path.suffix.lower() not in (".html", ".htm"):
            raise ValueError(f"a player is saved as .html, got {path.name!r}")
        return atomic_write(path, self.html())  # the previous page stays whole if writing fails

    def _repr_html_(self) -> str:
        # In Jupyter the page runs in an iframe of its own, so that its script and styles stay in
        # it and several players on one notebook do not share ids. Under it, covered by it, the
        # first step as a PNG: an untrusted notebook (JupyterLab strips iframes and scripts from
        # the outputs of a notebook not run in this browser) still shows the picture.
        try:
            page = self.html()
            png = render(self.steps[0][1].source, "png", 96)
        except (RenderError, RendererNotFoundError) as err:  # the reason, not a traceback
            reason = html.escape(str(err)[:500])
            return f"<pre>{html.escape(repr(self))}\n(the page could not be drawn: {reason})</pre>"
        first = base64.b64encode(png).decode("ascii")
        caption = html.escape(self.staged[0].caption)
        return (
            '<div style="position:relative;min-height:640px">'
            f'<img src="data:image/png;base64,{first}" alt="{caption}" '
            'style="max-width:100%;height:auto">'
            f"<p>{html.escape(repr(self))} (run the cell to step through it)</p>"
            f'<iframe srcdoc="{html.escape(page, quote=True)}" style="position:absolute;top:0;'
            'left:0;width:100%;height:100%;border:0;background:#fff" '
            'sandbox="allow-scripts"></iframe></div>'
        )

    def __repr__(self) -> str:
        return f"<Player: {len(self.staged)} steps; .save('backprop.html') to open it in a browser>"


def player(
    out: Value,
    wrt: Value | None = None,
    rankdir: str = "LR",
    max_nodes: int = DEFAULT_MAX_NODES,
    *,
    theme: str = "light",
    legend: str | bool = "short",
    fontsize: float = 12,
    size: tuple[float, float] | str | None = None,
) -> Player:
    """A ``Player`` stepping through out's forward pass and reverse sweep, and with ``wrt`` the
    paths from it one by one (when there are at most 12), their sum and the factorized view.

    ``.save("backprop.html")`` writes one self-contained page; in Jupyter it shows inline.
    Raises ``GraphTooLargeError`` past ``max_nodes`` (60: every step draws the whole graph).
    ``theme``, ``legend``, ``fontsize`` and ``size`` are the ``draw_*`` functions' (the pictures'
    own; the page around them stays light).
    """
    options = look(rankdir, max_nodes, theme=theme, legend=legend, fontsize=fontsize, size=size)
    fig = Figure(out, None, options)  # one description for every step
    if wrt is not None and not isinstance(wrt, Value):
        raise TypeError(f"wrt must be a Value or None, got {type(wrt).__name__}")
    fig.x = wrt
    paths = wrt is not None and 1 <= fig.count_paths() <= MAX_PATH_STEPS
    return Player(fig, steps(fig, paths), f"backpropagation through {fig.graph.nodes[-1].name}")


def _changes(before: list[str], after: list[str]) -> list[list[object]]:
    """The lines of ``after`` that differ from ``before``: [start, end, new lines] per change,
    replacing lines start to end (exclusive) of ``before``, in order."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [[i1, i2, after[j1:j2]] for tag, i1, i2, j1, j2 in matcher.get_opcodes()
            if tag != "equal"]  # fmt: skip


def _inline_svg(svg: bytes) -> str:
    """An SVG document as an element to inline: without its XML prolog, DOCTYPE and comments."""
    text = svg.decode("utf-8")
    return text[text.index("<svg") :].strip()


def _script_json(data: object) -> str:
    """JSON that is safe inside <script>: no "</script>" or "<!--" can end it early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
