"""viz: pictures of Value graphs that show why a gradient has the value it has.

Each view returns a ``Diagram`` (``.source`` DOT text, ``.save(path)``, inline SVG in Jupyter):

- ``draw_graph`` (also ``draw_dot``): values, gradients, local derivatives on the edges;
- ``draw_forward(out, x)``: every node's tangent d(node)/d(x);
- ``draw_reverse(out)``: every node's adjoint d(out)/d(node);
- ``draw_paths(out, x)``: each path from x to out in its own colour, the sum of their products
  beside forward and reverse mode and the multiplications each needs;
- ``explain(out, x)``: the same derivation as text.
"""

from .describe import GraphTooLargeError, describe
from .render import Diagram, RendererNotFoundError
from .views import draw_dot, draw_forward, draw_graph, draw_paths, draw_reverse, explain

__all__ = [
    "Diagram",
    "GraphTooLargeError",
    "RendererNotFoundError",
    "describe",
    "draw_dot",
    "draw_forward",
    "draw_graph",
    "draw_paths",
    "draw_reverse",
    "explain",
]
