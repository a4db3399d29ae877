"""The backprop player: one self-contained web page that steps through a graph.

Three chapters: the forward pass (values appear node by node in topological order), the reverse
sweep (adjoints appear node by node, the edge contributions lit as they are added) and, when a
variable is given, the paths from it one by one, their sum and the factorized grouping. Each step
is a diagram of the same layout (the views' ``step=k`` pictures), rendered to SVG and inlined with
a few lines of plain JavaScript: no network request, works from ``file://`` and in Jupyter.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

from autograd import Value
from autograd.files import atomic_write

from .catalog import look, sequence
from .dot import MAX_TOOLTIP, shorten, visible
from .figure import Figure
from .render import Diagram, RendererNotFoundError, RenderError, in_parallel, render
from .scene import MAX_TITLE
from .view_paths import MAX_MULTIPLES

DEFAULT_MAX_NODES = 60  # every step is a picture of the whole graph


class Player:
    """A sequence of chapters of diagrams, shown as one self-contained page."""

    def __init__(self, chapters: list[tuple[str, list[Diagram]]], title: str) -> None:
        self.chapters = chapters
        self.title = title

    @property
    def steps(self) -> list[tuple[str, Diagram]]:
        """Every step: (its chapter's name, its diagram), first to last."""
        return [(name, d) for name, diagrams in self.chapters for d in diagrams]

    def html(self) -> str:
        """The page: the SVG of every step, the controls, and the script that steps through."""
        steps = self.steps
        svgs = in_parallel(lambda step: _inline_svg(render(step[1].source, "svg")), steps)
        figures = "\n".join(
            f'<figure class="step" data-step="{i}"{"" if i == 0 else " hidden"}>{svg}</figure>'
            for i, svg in enumerate(svgs)
        )
        texts = [visible(d.text) for _, d in steps]
        data = {"chapters": [name for name, _ in steps], "texts": texts}
        title = visible(self.title)
        return PAGE.format(
            title=html.escape(shorten(title, MAX_TITLE)),
            full_title=html.escape(shorten(title, MAX_TOOLTIP), quote=True),
            last=len(steps) - 1,
            figures=figures,
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
        # it and several players on one notebook do not share ids.
        try:
            page = self.html()
        except (RenderError, RendererNotFoundError) as err:  # the reason, not a traceback
            reason = html.escape(str(err)[:500])
            return f"<pre>{html.escape(repr(self))}\n(the page could not be drawn: {reason})</pre>"
        return (
            f'<iframe srcdoc="{html.escape(page, quote=True)}" '
            'style="width:100%;height:640px;border:0" sandbox="allow-scripts"></iframe>'
        )

    def __repr__(self) -> str:
        return f"<Player: {len(self.steps)} steps; .save('backprop.html') to open it in a browser>"


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
    chapters = [
        ("forward pass", sequence(fig, "values")),
        ("reverse sweep", sequence(fig, "reverse")),
    ]
    if wrt is not None and 1 <= fig.count_paths() <= MAX_MULTIPLES:
        chapters.append(("paths", sequence(fig, "paths")))
    return Player(chapters, f"backpropagation through {fig.graph.nodes[-1].name}")


def _inline_svg(svg: bytes) -> str:
    """An SVG document as an element to inline: without its XML prolog and DOCTYPE."""
    text = svg.decode("utf-8")
    return text[text.index("<svg") :]


def _script_json(data: object) -> str:
    """JSON that is safe inside <script>: no "</script>" or "<!--" can end it early."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


SCRIPT = """
(function () {
  const data = JSON.parse(document.getElementById("player-data").textContent);
  const steps = Array.from(document.querySelectorAll("figure.step"));
  const slider = document.getElementById("slider");
  const caption = document.getElementById("caption");
  const chapter = document.getElementById("chapter");
  const counter = document.getElementById("counter");
  const playButton = document.getElementById("play");
  let current = 0, timer = null;
  function show(k) {
    current = Math.max(0, Math.min(steps.length - 1, k));
    steps.forEach((step, i) => { step.hidden = i !== current; });
    slider.value = current;
    caption.textContent = data.texts[current];
    chapter.textContent = data.chapters[current];
    counter.textContent = "step " + (current + 1) + " of " + steps.length;
  }
  function pause() { clearInterval(timer); timer = null; playButton.textContent = "play"; }
  function play() {
    if (current === steps.length - 1) show(0);
    playButton.textContent = "pause";
    const advance = () => (current === steps.length - 1 ? pause() : show(current + 1));
    timer = setInterval(advance, 1200);
  }
  document.getElementById("prev").onclick = () => { pause(); show(current - 1); };
  document.getElementById("next").onclick = () => { pause(); show(current + 1); };
  playButton.onclick = () => (timer ? pause() : play());
  slider.oninput = () => { pause(); show(Number(slider.value)); };
  document.addEventListener("keydown", (event) => {
    if (event.key === "ArrowRight") { pause(); show(current + 1); }
    else if (event.key === "ArrowLeft") { pause(); show(current - 1); }
    else if (event.key === " ") { event.preventDefault(); timer ? pause() : play(); }
    else return;
  });
  show(0);
})();
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; margin: 1em; color: #222; }}
#controls {{ display: flex; gap: 0.5em; align-items: center; margin: 0.5em 0; }}
#controls button {{ font-size: 1em; padding: 0.3em 0.9em; }}
#slider {{ flex: 1; }}
#chapter {{ font-weight: bold; }}
#caption {{ font-size: 1.2em; min-height: 1.5em; }}
h1, #caption {{ overflow-wrap: anywhere; }}
figure.step {{ margin: 0; overflow-x: auto; }}
figure.step svg {{ max-width: 100%; height: auto; }}
</style>
</head>
<body>
<h1 title="{full_title}">{title}</h1>
<div id="controls">
<button id="prev" title="previous step (left arrow)">previous</button>
<button id="play" title="play or pause (space)">play</button>
<button id="next" title="next step (right arrow)">next</button>
<input id="slider" type="range" min="0" max="{last}" value="0" aria-label="step">
<span id="chapter"></span> <span id="counter"></span>
</div>
{figures}
<p id="caption"></p>
<script type="application/json" id="player-data">{data}</script>
<script>{script}</script>
</body>
</html>
"""
