"""The table of views: each name with its function, whether it needs the variable x, its options,
and its steps; the library's ``draw_*`` functions, ``gradviz --view``, ``frames`` and the player
all read it.

A view is a module ``view_<name>.py`` with ``annotate(fig, **options) -> Annotations``; a view in
steps also has ``steps(fig)``. Views never import each other: a figure of several (the frames of
the paths, the player) composes them here, over one ``Figure``. Adding a view is one module and
one row below (and its ``draw_*`` entry point).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from autograd import Value

from . import view_depends, view_factorized, view_graph, view_paths, view_sweep, view_values
from .description import DEFAULT_MAX_NODES, drawable_order
from .explanation import DEFAULT_MAX_PATHS, explain_text
from .figure import Figure, check_step
from .network import read_model
from .render import Diagram, check_format
from .scene import Annotations, Options, check_rankdir


@dataclass(frozen=True)
class View:
    """One row of the table."""

    annotate: Callable[..., Annotations]
    needs_x: bool = False  # differentiates by a variable x (forward mode, paths)
    x_as: str = ""  # the option x is passed as, where x may be any node (depends: ``node``)
    options: tuple[str, ...] = ()  # its own options, as ``gradviz`` spells them (--step, --only)
    steps: Callable[[Figure], int] | None = None  # a view in steps: how many (step 0 before)
    text: Callable[[Figure], str] | None = None  # the diagram's text, when the view has none
    command_line: bool = True  # a ``gradviz --view``; the forward pass is the player's chapter
    # A sequence that is not the view's own steps: (view, its options) per frame.
    frames: Callable[[Figure], list[tuple[str, dict[str, Any]]]] | None = None


def _paths_one_by_one(fig: Figure) -> list[tuple[str, dict[str, Any]]]:
    """Each path alone, all of them with their sum, then the factorized view (at most 12)."""
    count, most = fig.count_paths(), view_paths.MAX_MULTIPLES
    if not 1 <= count <= most:
        raise ValueError(
            f"mode='paths' steps through 1 to {most} paths, and there are {count}: use "
            f"mode='forward' or draw_factorized(out, x)"
        )
    alone = [("paths", {"max_paths": most, "only": i, "reveal": True}) for i in range(1, count + 1)]
    return [*alone, ("paths", {"max_paths": most, "reveal": True}), ("factorized", {})]


VIEWS: dict[str, View] = {
    "graph": View(view_graph.annotate),
    "forward": View(lambda fig, **o: view_sweep.annotate(fig, "forward", **o), needs_x=True,
                    options=("step",), steps=lambda fig: view_sweep.steps(fig, "forward")),
    "reverse": View(lambda fig, **o: view_sweep.annotate(fig, "reverse", **o), options=("step",),
                    steps=lambda fig: view_sweep.steps(fig, "reverse")),
    "paths": View(view_paths.annotate, needs_x=True, options=("only", "layout"),
                  text=lambda fig: explain_text(fig), frames=_paths_one_by_one),
    "factorized": View(view_factorized.annotate, needs_x=True),
    "values": View(view_values.annotate, options=("step",), steps=view_values.steps,
                   command_line=False),
    "depends": View(view_depends.annotate, needs_x=True, x_as="node",
                    frames=lambda fig: [("depends", {"node": n.value}) for n in fig.graph.nodes]),
}  # fmt: skip
STEPPED = tuple(name for name, view in VIEWS.items() if view.steps is not None)
# What ``frames`` and ``gradviz --animate`` step through: a view's steps, or its own sequence.
SEQUENCES = tuple(
    name
    for name, v in VIEWS.items()
    if (v.steps is not None or v.frames is not None) and v.command_line
)


def draw(fig: Figure, name: str, step: int | None = None, **options: Any) -> Diagram:
    """View ``name`` of the figure (at ``step``, for a view in steps), as a picture."""
    view = VIEWS[name]
    if step is not None:
        if view.steps is None:
            raise ValueError(f"the {name} view has no steps: step=k goes with {STEPPED}")
        step = check_step(step, view.steps(fig))
        annotations = view.annotate(fig, step=step, **options)
    else:
        annotations = view.annotate(fig, **options)
    if view.text is not None and not annotations.text:
        annotations = replace(annotations, text=view.text(fig))
    return fig.diagram(annotations, step)


def sequence(fig: Figure, name: str) -> list[Diagram]:
    """The frames of view ``name``: every step 0 to n of a view in steps, else the view's own
    sequence (for "paths": each path alone, all of them, then the factorized view)."""
    view = VIEWS[name]
    if view.frames is not None:
        return [draw(fig, other, **options) for other, options in view.frames(fig)]
    assert view.steps is not None, name
    return [draw(fig, name, step=k) for k in range(view.steps(fig) + 1)]


def _check_x(x: object) -> Value:
    if not isinstance(x, Value):
        raise TypeError(f"x must be the Value to differentiate by, got {type(x).__name__}")
    return x


# The library's entry points: each checks its arguments, describes the graph once, and draws.


def draw_graph(
    root: Value,
    rankdir: str = "LR",
    max_nodes: int = DEFAULT_MAX_NODES,
    *,
    model: object = None,
    collapse: str | None = None,
    show_constants: bool | None = None,
    show_data: bool = True,
    show_grad: bool = True,
    format: str = "svg",
) -> Diagram:
    """Every node's value and gradient, every edge's local derivative.

    - ``model``: an ``nn.Module`` whose graph this is. Its parameters are drawn with their names
      (``w0``, ``b`` inside the box of neuron ``L0.n1``), each neuron's nodes in a box inside its
      layer's, the model's inputs named ``x0``, ``x1``... Nothing is re-run.
    - ``collapse="neuron"`` (with ``model``): the classic network diagram, one box per neuron
      (its output, gradient, pre-activation z and bias) and its weights on the edges from the
      previous layer; the weight w_i is also the local derivative ∂z/∂x_i on that edge.
    - ``show_constants``: numbers that entered an operation (a data input, a target, a literal)
      drawn as small ellipses feeding it; by default when the graph has at most 60 nodes.
    - ``show_data``, ``show_grad``: the value and gradient rows (off for a cleaner slide).
    - ``format``: the default of ``.pipe()`` and ``.render()``, as in ``graphviz``.

    Bookkeeping (a multiply or divide by 1, a multiply by 0 from a label, adding 0) is drawn in
    grey: it stays in the maths, the eye may skip it. Before any backward pass has reached the
    graph, the picture says so instead of showing a column of zero gradients.
    """
    rankdir = check_rankdir(rankdir)
    check_format(format)
    for name, flag in (("show_data", show_data), ("show_grad", show_grad)):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, got {flag!r}")
    if show_constants is not None and not isinstance(show_constants, bool):
        raise TypeError(
            f"show_constants must be True, False or None (auto), got {show_constants!r}"
        )
    if collapse not in (None, "neuron"):
        raise ValueError(f"collapse must be None or 'neuron', got {collapse!r}")
    if collapse and model is None:
        raise ValueError("collapse='neuron' needs the model: draw_graph(loss, model=model, ...)")
    view, naming = None, {}
    if model is not None:
        view = read_model(model, drawable_order(root, max_nodes))
        naming = view_graph.naming(view)
    fig = Figure(root, options=Options(rankdir, max_nodes, format), **naming)
    return draw(fig, "graph", view=view, collapse=collapse, show_constants=show_constants,
                show_data=show_data, show_grad=show_grad)  # fmt: skip


def draw_dot(root: Value, format: str = "svg", rankdir: str = "LR", **options: Any) -> Diagram:
    """``draw_graph`` with the signature of micrograd's ``draw_dot(root, format, rankdir)``."""
    return draw_graph(root, rankdir, format=format, **options)


def draw_forward(
    out: Value,
    x: Value,
    rankdir: str = "LR",
    max_nodes: int = DEFAULT_MAX_NODES,
    *,
    step: int | None = None,
) -> Diagram:
    """Forward mode from x: tangents d(node)/d(x) flow with the arrows.

    Each node shows its tangent as the sum of its incoming edges' contributions
    (``∂e/∂b = 2 + 3 = 5``) and a number, the order in which the sweep completes it; each edge
    shows its local derivative and ``tangent(parent) · local → contribution``. With ``step=k``
    the picture is the sweep after its first k steps (0: nothing computed yet; step 1 is the seed
    ∂x/∂x = 1): the node of step k highlighted, the tangents not computed yet left empty, and the
    same layout at every k.
    """
    fig = Figure(out, None, Options(rankdir, max_nodes))
    fig.x = _check_x(x)
    return draw(fig, "forward", step)


def draw_reverse(
    out: Value,
    rankdir: str = "LR",
    max_nodes: int = DEFAULT_MAX_NODES,
    *,
    step: int | None = None,
) -> Diagram:
    """Reverse mode from out: adjoints d(out)/d(node) flow back, against the arrows.

    Edges are dashed with their arrowheads at the parent; each node shows its adjoint as the sum
    of its outgoing edges' contributions and the order in which the sweep completes it; each edge
    shows ``adjoint(child) · local → contribution``. With ``step=k``, the sweep after its first k
    steps (step 1 is the seed ∂out/∂out = 1), as in ``draw_forward``.
    """
    return draw(Figure(out, None, Options(rankdir, max_nodes)), "reverse", step)


def draw_paths(
    out: Value,
    x: Value,
    rankdir: str = "LR",
    max_paths: int = 12,
    max_nodes: int = DEFAULT_MAX_NODES,
    *,
    only: int | None = None,
    layout: str = "graph",
) -> Diagram:
    """The path sum beside the factorized result.

    Paths are numbered from 1, as in the legend, which lists each path's product of local
    derivatives, their sum, and forward and reverse mode with the multiplications each needs.
    ``only=i`` highlights path i and greys the rest. ``layout="multiples"`` draws one small
    picture per path with its product beneath and the sum at the end (up to 12 paths). With more
    than ``max_paths`` paths the legend gives their exact number instead of the list;
    ``draw_factorized`` shows any number of paths at once.
    """
    if layout not in view_paths.LAYOUTS:
        raise ValueError(f"layout must be 'graph' or 'multiples', got {layout!r}")
    fig = Figure(out, None, Options(rankdir, max_nodes))
    fig.x = _check_x(x)
    return draw(fig, "paths", max_paths=max_paths, only=only, layout=layout)


def draw_factorized(
    out: Value,
    x: Value,
    rankdir: str = "LR",
    max_nodes: int = DEFAULT_MAX_NODES,
    max_paths: int = 10_000,
) -> Diagram:
    """∂out/∂x as forward mode computes it, grouped at the nodes all paths share.

    Nodes on every path from x to out (outlined) carry their derivative as a bracket of path
    products times the derivative before it; the other nodes carry forward mode's sum of edge
    contributions. Edge labels name the symbol a derivative comes from (``∂c/∂a = b = 2``). The
    legend states ``sum over paths = (2+3+5)·(7+11+13)`` (with the labelled multipliers' symbols
    when there are some) and the multiplications of the path sum, forward and reverse mode.
    """
    fig = Figure(out, None, Options(rankdir, max_nodes))
    fig.x = _check_x(x)
    return draw(fig, "factorized", max_paths=max_paths)


def draw_depends(
    out: Value, node: Value, rankdir: str = "LR", max_nodes: int = DEFAULT_MAX_NODES
) -> Diagram:
    """Which inputs ``node`` depends on, in the graph of ``out``: the node outlined, the nodes
    it was computed from drawn as usual (the leaves among them filled), the rest greyed; the
    legend and ``.text`` name the inputs (``draw_depends(e, d)``: d depends on b).
    """
    fig = Figure(out, None, Options(rankdir, max_nodes))
    if not isinstance(node, Value):
        raise TypeError(f"node must be a Value of the graph, got {type(node).__name__}")
    fig.x = node
    return draw(fig, "depends", node=node)


def explain(out: Value, x: Value, max_paths: int = DEFAULT_MAX_PATHS) -> str:
    """The derivative of out with respect to x in words and numbers, e.g.

        ∂e/∂b = ∂e/∂c·∂c/∂b + ∂e/∂d·∂d/∂b = 2·1 + 3·1 = 5

    followed by the paths with their products, how they factor at the nodes every path passes
    through, and the multiplications each method needs.
    """
    if not isinstance(out, Value) or not isinstance(x, Value):
        raise TypeError("explain(out, x) takes two Values")
    return explain_text(Figure(out, x, Options(max_nodes=2**62)), max_paths)
