"""viz: pictures of Value graphs that show why a gradient has the value it has.

Each view returns a ``Diagram`` (``.source`` DOT text, ``.save(path)``, a picture in Jupyter):

- ``draw_graph`` (also ``draw_dot``): values, gradients, local derivatives on the edges;
- ``draw_forward(out, x)``: tangents d(node)/d(x) flowing with the arrows, node by node;
- ``draw_reverse(out)``: adjoints d(out)/d(node) flowing back against them;
- ``draw_paths(out, x)``: each path from x to out in its own colour on the graph's own edges
  (``only=i`` for one, ``layout="multiples"`` for one small picture per path);
- ``draw_factorized(out, x)``: the same paths regrouped where they all meet,
  (2+3+5)·(7+11+13) instead of nine products;
- ``draw_depends(out, node)``: which inputs ``node`` depends on, the rest of the graph greyed;
- ``frames(out, ...)`` and ``save_animation``: a sweep step by step, as GIF or numbered files;
- ``player(out, wrt=None)``: one self-contained web page stepping through the forward pass, the
  reverse sweep and the paths, with previous/next/play and the keyboard;
- ``explain(out, x)``: the same derivation as text.

The way through, one direction: ``description`` (the graph described once) -> a ``view_*`` module
(annotations) -> ``figure`` (the options every view shares, the scene) -> ``dot`` (DOT text) ->
``render``. ``catalog`` is the table of views that the functions above (``drawing``),
``gradviz --view``, ``frames`` and the player read.
"""

from autograd import __version__

from .animation import frames, save_animation
from .description import GraphTooLargeError, describe
from .drawing import (
    draw_depends,
    draw_dot,
    draw_factorized,
    draw_forward,
    draw_graph,
    draw_paths,
    draw_reverse,
    explain,
)
from .player_page import player
from .render import Diagram, RendererNotFoundError

__all__ = [
    "__version__",
    "Diagram",
    "GraphTooLargeError",
    "RendererNotFoundError",
    "describe",
    "draw_depends",
    "draw_dot",
    "draw_factorized",
    "draw_forward",
    "draw_graph",
    "draw_paths",
    "draw_reverse",
    "explain",
    "frames",
    "player",
    "save_animation",
]
