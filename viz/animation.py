"""Sequences of diagrams: a sweep step by step, the paths one by one, written as an animated GIF
or as numbered files.

Every frame of a sequence has the same layout (text not computed yet is laid out but not drawn),
so that the eye follows the numbers rather than boxes moving about.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING

from autograd import Value
from autograd.files import atomic_write, atomic_write_all

from .catalog import SEQUENCES, VIEWS, sequence
from .contraction import check_contract, contracted_figure
from .description import DEFAULT_MAX_NODES
from .drawing import look
from .figure import Figure
from .render import Diagram, in_parallel, render

if TYPE_CHECKING:  # Pillow is imported where a GIF is written, not with the module
    from PIL import Image

FRAME_MODES = SEQUENCES  # forward, reverse, paths, depends
# Every frame draws the whole graph, and a sweep has a frame per node: the work grows with the
# square of the graph (1,000 nodes took 101 s and 1.2 GB). Larger graphs are refused up front.
MAX_FRAME_NODES = DEFAULT_MAX_NODES


def frames(
    out: Value,
    x: Value | None = None,
    mode: str = "reverse",
    rankdir: str = "LR",
    max_nodes: int = DEFAULT_MAX_NODES,
    *,
    theme: str = "light",
    legend: str | bool = "short",
    fontsize: float = 12,
    size: tuple[float, float] | str | None = None,
    contract: bool = False,
) -> list[Diagram]:
    """The diagrams of a sequence, first to last.

    - ``mode="reverse"``: ``draw_reverse(out, step=k)`` for k = 0 ... n (n nodes);
    - ``mode="forward"``: ``draw_forward(out, x, step=k)`` for every step from x;
    - ``mode="paths"``: each path from x alone (``draw_paths(out, x, only=i)``), all of them
      with their sum, then ``draw_factorized(out, x)`` (at most 12 paths);
    - ``mode="depends"``: each node in topological order with what it depends on
      (``draw_depends(out, node)``).

    Each diagram's ``.text`` says what its step computes. ``theme``, ``legend``, ``fontsize``
    and ``size`` are the ``draw_*`` functions' (see ``viz.catalog.look``). ``contract=True``
    (with ``mode="paths"``) draws linear combinations as weighted edges, as ``draw_paths`` does.
    ``max_nodes`` may be at most 300 (``MAX_FRAME_NODES``): every frame draws the whole graph,
    so the work grows with its square.
    """
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive whole number, got {max_nodes!r}")
    if max_nodes > MAX_FRAME_NODES:
        raise ValueError(
            f"frames draws the whole graph at every step, so its work grows with the square of "
            f"the graph: max_nodes may be at most {MAX_FRAME_NODES}, got {max_nodes} (draw one "
            f"step with draw_reverse(out, step=k) or draw_forward(out, x, step=k))"
        )
    if mode not in FRAME_MODES:
        raise ValueError(f"mode must be one of {', '.join(FRAME_MODES)}, got {mode!r}")
    view = VIEWS[mode]
    if view.needs_x and not view.x_as and not isinstance(x, Value):
        raise TypeError(f"mode={mode!r} needs x, the Value to differentiate by")
    options = look(rankdir, max_nodes, theme=theme, legend=legend, fontsize=fontsize, size=size)
    if check_contract(contract) and mode != "paths":
        raise ValueError(f"contract=True goes with mode='paths', got mode={mode!r}")
    if contract and isinstance(x, Value):
        return sequence(contracted_figure(out, x, options, True), mode)
    return sequence(Figure(out, x, options), mode)


def save_animation(
    diagrams: list[Diagram],
    path: str | os.PathLike,
    seconds_per_frame: float = 1.2,
    dpi: float = 72,
) -> list[Path]:
    """Write a sequence of diagrams: ``backprop.gif`` as one animated GIF (looping, the last frame
    held three times as long), or ``step.svg`` / ``step.png`` as numbered files ``step-01.svg``,
    ``step-02.svg``, ... Returns the paths written. ``dpi`` is the resolution of GIF and PNG
    frames. GIF uses Pillow, a dependency of pathgrad. Files are written atomically: the numbered
    files are complete in a temporary folder before any is moved into place."""
    path = Path(path)
    diagrams = list(diagrams)
    if not diagrams or not all(isinstance(d, Diagram) for d in diagrams):
        raise ValueError("save_animation takes a non-empty list of Diagrams (see viz.frames())")
    for name, value in (("seconds_per_frame", seconds_per_frame), ("dpi", dpi)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ValueError(f"{name} must be a positive number, got {value!r}")
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("gif", "svg", "png"):
        raise ValueError(
            f"save_animation writes .gif (one animated file) or .svg/.png (numbered files), "
            f"got {path.name!r}"
        )
    if fmt == "gif":
        _write_gif(in_parallel(lambda d: _image(render(d.source, "png", dpi)), diagrams), path,
                   seconds_per_frame)  # fmt: skip
        return [path]
    images = in_parallel(lambda d: render(d.source, fmt, dpi if fmt == "png" else None), diagrams)
    width = len(str(len(images)))
    # All in a temporary folder first, then moved: a failure leaves the previous files.
    return atomic_write_all({path.with_name(f"{path.stem}-{i:0{width}d}.{fmt}"): data
                             for i, data in enumerate(images, start=1)})  # fmt: skip


def _image(png: bytes) -> Image.Image:
    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("RGB")


def _write_gif(images: list, path: Path, seconds: float) -> None:
    from PIL import Image

    width = max(im.width for im in images)
    height = max(im.height for im in images)
    # One palette for every frame, built from all of them (a colour seen in any frame keeps its
    # own entry): the frames side by side, quantized once, then each frame mapped onto it.
    pages = []
    for image in images:
        page = Image.new("RGB", (width, height), "white")
        page.paste(image, (0, 0))  # the picture at the top left, as Graphviz drew it
        pages.append(page)
    palette = _palette(pages)
    frames_ = [page.quantize(palette=palette, dither=Image.Dither.NONE) for page in pages]
    durations = [int(seconds * 1000)] * len(frames_)
    durations[-1] *= 3
    atomic_write(path, lambda f: frames_[0].save(f, format="GIF", save_all=True,
                 append_images=frames_[1:], duration=durations, loop=0))  # fmt: skip


def _palette(pages: list[Image.Image]) -> Image.Image:
    """A palette image for every page: the 192 colours covering most pixels over all the frames
    (fills, text, each path's edges) exactly, and 64 more by median cut for the anti-aliased
    edges between them. A colour that only one frame uses keeps its entry."""
    from PIL import Image

    counts: dict[tuple[int, ...], int] = {}
    for page in pages:
        for count, colour in page.getcolors(maxcolors=page.width * page.height) or ():
            key = tuple(colour) if isinstance(colour, tuple) else (int(colour),) * 3
            counts[key] = counts.get(key, 0) + count
    ranked = sorted(counts, key=lambda c: (-counts[c], c))
    exact, rest = ranked[:192], ranked[192:]
    if rest:
        strip = Image.new("RGB", (len(rest), 1))
        strip.putdata(rest)
        mixed = strip.quantize(colors=64, method=Image.Quantize.MEDIANCUT)
        flat = (mixed.getpalette() or [])[: 3 * 64]
        exact += [tuple(flat[i : i + 3]) for i in range(0, len(flat), 3)]
    palette = Image.new("P", (1, 1))
    palette.putpalette([channel for colour in exact for channel in colour])
    return palette
