"""Fitting a picture to a box (``size=(width, height)`` in inches, or a slide): the layout that
reads largest once scaled down to fit.

Graphviz scales a drawing down to its ``size`` attribute; how far depends on the layout. Each
candidate (the direction, when the caller left it open; the legend beside the graph or under it;
the usual or a tighter spacing) is laid out once by the renderer, and the one whose text comes
out largest in the box is kept. Without a renderer, or past ``MOST_NODES`` nodes, the scene is
drawn as it was asked for (Graphviz still scales it to the box).
"""

from __future__ import annotations

import re
from dataclasses import replace

from .dot import build_dot
from .render import RendererNotFoundError, RenderError, render
from .scene import Scene

ROTATED = {"LR": "TB", "TB": "LR", "RL": "BT", "BT": "RL"}
# Nodes past which only the layout asked for is drawn: up to eight layouts of a large graph
# would take minutes with graphviz-pure (a deterministic limit, not a clock).
MOST_NODES = 100
_SIZE = re.compile(rb'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


def natural_size(source: str) -> tuple[float, float]:
    """The width and height in points of DOT text laid out at its natural size."""
    found = _SIZE.search(render(source, "svg")[:2000])
    if found is None:
        raise RenderError("the renderer's SVG did not state its width and height")
    return float(found.group(1)), float(found.group(2))


def scale_in(box: tuple[float, float], width: float, height: float) -> float:
    """How much a drawing of ``width`` by ``height`` points is scaled down to fit ``box``
    (inches): 1 when it fits already."""
    return min(1.0, box[0] * 72 / width, box[1] * 72 / height)


def fitted(scene: Scene, rotate: bool, side: bool) -> Scene:
    """``scene`` in the candidate layout that reads largest in ``scene.size``: its direction or,
    with ``rotate``, the other one; with ``side``, the legend under the graph or beside it; the
    usual spacing or a tighter one. Ties keep the earlier candidate (the scene as asked for)."""
    if scene.size is None or len(scene.graph.nodes) > MOST_NODES:
        return scene
    candidates = [scene]
    if rotate:
        candidates.append(replace(scene, rankdir=ROTATED[scene.rankdir]))
    if side:
        candidates += [replace(c, legend_side=not c.legend_side) for c in candidates]
    candidates += [replace(c, tight=True) for c in candidates]
    best, best_scale = scene, 0.0
    for candidate in candidates:
        try:
            width, height = natural_size(build_dot(replace(candidate, size=None)))
        except (RendererNotFoundError, RenderError):
            return scene
        scale = scale_in(scene.size, width, height)
        if scale > best_scale + 1e-3:
            best, best_scale = candidate, scale
    return best
