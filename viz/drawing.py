"""The library's entry points, ``draw_graph`` to ``explain``: each checks its arguments,
describes the graph once (a ``Figure`` with the options of ``look``), and draws one view of the
table (``viz.catalog``).
"""

from __future__ import annotations

from typing import Any

from autograd import Value

from . import view_graph, view_paths
from .catalog import draw
from .contraction import check_contract, contracted_figure
from .description import DEFAULT_MAX_NODES, drawable_order
from .explanation import DEFAULT_MAX_PATHS, explain_text
from .figure import Figure, check_options
from .network import read_model
from .render import Diagram, check_format
from .scene import Options, check_rankdir


def look(
    rankdir: str | None,
    max_nodes: int | None,
    format: str = "svg",
    *,
    legend: str | bool = "short",
    fontsize: float = 12,
    size: tuple[float, float] | str | None = None,
    theme: str = "light",
) -> Options:
    """The options every ``draw_*`` function takes, checked (``viz.figure.check_options``).

    - ``legend``: ``"short"`` (one line: this picture's result, e.g. ``∂e/∂b = 1·2 + 1·3 = 5,
      sum over 2 paths``), ``"full"`` (every row, with the counting rule and why reverse mode
      wins, as ``explain()`` gives them), ``"side"`` (the full legend beside the graph, wrapped
      narrow) or ``False`` (none).
    - ``fontsize``: the nodes' text in points (12); edge labels, titles and the legend follow.
    - ``size``: ``(width, height)`` in inches the picture is scaled down to fit, or ``"slide"``
      for a 16:9 Beamer frame (6.3 by 3.0 inches); of the layouts tried (the legend under or
      beside the graph, a tighter spacing, and with ``rankdir`` left out both LR and TB) the one
      that reads largest is kept. Without ``size``, a ``rankdir`` left out is "LR".
    - ``theme``: ``"light"``, ``"dark"`` (light text on a dark background, for dark slides) or
      ``"print"`` (greys: paths, brackets and sweeps told apart by line pattern and number).
      Every picture has an opaque background of its theme's colour.
    """
    return check_options(Options(rankdir, max_nodes, format, legend, fontsize, size, theme))


def _check_x(x: object) -> Value:
    if not isinstance(x, Value):
        raise TypeError(f"x must be the Value to differentiate by, got {type(x).__name__}")
    return x


# The library's entry points: each checks its arguments, describes the graph once, and draws.


def draw_graph(
    root: Value,
    rankdir: str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    *,
    model: object = None,
    collapse: str | None = None,
    show_constants: bool | None = None,
    show_data: bool = True,
    show_grad: bool = True,
    format: str = "svg",
    legend: str | bool = "short",
    fontsize: float = 12,
    size: tuple[float, float] | str | None = None,
    theme: str = "light",
    contract: bool = False,
) -> Diagram:
    """Every node's value and gradient, every edge's local derivative.

    - ``model``: an ``nn.Module`` whose graph this is. Its parameters are drawn with their names
      (``w0``, ``b`` inside the box of neuron ``L0.n1``), each neuron's nodes in a box inside its
      layer's, the model's inputs named ``x0``, ``x1``... Nothing is re-run.
    - ``collapse="neuron"`` (with ``model``): the classic network diagram, one box per neuron
      (its output, gradient, pre-activation z and bias) and its weights on the edges from the
      previous layer; the weight w_i is also the local derivative ∂z/∂x_i on that edge. A batch
      (the model called once per sample) is drawn once: a row per sample in each box, and the
      parameters' gradients marked Σ, the sums over the samples.
    - ``collapse="layer"`` (with ``model``): one box per layer, its weights, biases and their
      gradients as small tables (big ones cut with "…", their shape given), for networks too
      large for a box per neuron. Collapsed, ``max_nodes`` counts the boxes and edge labels
      drawn, not the scalar graph's nodes.
    - ``show_constants``: numbers that entered an operation (a data input, a target, a literal)
      drawn as small ellipses feeding it; by default when the graph has at most 60 nodes.
    - ``show_data``, ``show_grad``: the value and gradient rows (off for a cleaner slide).
    - ``format``: the default of ``.pipe()`` and ``.render()``, as in ``graphviz``.
    - ``contract=True``: each linear combination drawn as weighted edges into its sum, as in
      ``draw_paths`` (not with ``model``).
    - ``legend``, ``fontsize``, ``size``, ``theme``: how the picture looks, as in every
      ``draw_*`` function and ``frames`` (see ``look`` below: a one-line legend by default, the
      nodes' font size, a box or slide to fit, and the light, dark or print theme).

    Bookkeeping (a multiply or divide by 1, a multiply by 0 from a label, adding 0) is drawn in
    grey: it stays in the maths, the eye may skip it. Before any backward pass has reached the
    graph, the picture says so instead of showing a column of zero gradients.
    """
    rankdir = None if rankdir is None else check_rankdir(rankdir)
    check_format(format)
    for name, flag in (("show_data", show_data), ("show_grad", show_grad)):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, got {flag!r}")
    if show_constants is not None and not isinstance(show_constants, bool):
        raise TypeError(
            f"show_constants must be True, False or None (auto), got {show_constants!r}"
        )
    if collapse not in view_graph.COLLAPSE:
        raise ValueError(
            f"collapse must be None, 'neuron' (a box per neuron) or 'layer' (a box per layer), "
            f"got {collapse!r}"
        )
    if collapse and model is None:
        raise ValueError(f"collapse={collapse!r} needs the model: draw_graph(loss, model=model)")
    view, naming = None, {}
    # Collapsed, max_nodes counts the boxes drawn; the scalar graph may be far larger.
    counted = isinstance(max_nodes, int) and not isinstance(max_nodes, bool) and max_nodes > 0
    limit = view_graph.SCALAR_LIMIT if collapse and counted else max_nodes
    if model is not None:
        view = read_model(model, drawable_order(root, limit))
        naming = view_graph.naming(view)
    options = look(rankdir, limit, format, legend=legend, fontsize=fontsize, size=size, theme=theme)
    if check_contract(contract) and model is not None:
        raise ValueError("contract=True draws a graph without model=: pass one or the other")
    fig = (
        contracted_figure(root, None, options, True)
        if contract
        else Figure(root, None, options, **naming)
    )
    return draw(fig, "graph", view=view, collapse=collapse, show_constants=show_constants,
                show_data=show_data, show_grad=show_grad, max_boxes=max_nodes)  # fmt: skip


def draw_dot(
    root: Value, format: str = "svg", rankdir: str | None = None, **options: Any
) -> Diagram:
    """``draw_graph`` with the signature of micrograd's ``draw_dot(root, format, rankdir)``."""
    return draw_graph(root, rankdir, format=format, **options)


def draw_forward(
    out: Value,
    x: Value,
    rankdir: str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    *,
    step: int | None = None,
    legend: str | bool = "short",
    fontsize: float = 12,
    size: tuple[float, float] | str | None = None,
    theme: str = "light",
    contract: bool = False,
) -> Diagram:
    """Forward mode from x: tangents d(node)/d(x) flow with the arrows.

    Each node shows its tangent as the sum of its incoming edges' contributions
    (``∂e/∂b = 2 + 3 = 5``) and a number, the order in which the sweep completes it; each edge
    shows its local derivative and ``tangent(parent) · local → contribution``. With ``step=k``
    the picture is the sweep after its first k steps (0: nothing computed yet; step 1 is the seed
    ∂x/∂x = 1): the node of step k highlighted, the tangents not computed yet left empty, and the
    same layout at every k. ``contract=True``: linear combinations drawn as weighted edges, as in
    ``draw_paths``.
    ``legend``, ``fontsize``, ``size`` and ``theme`` are described under ``look``.
    """
    options = look(rankdir, max_nodes, legend=legend, fontsize=fontsize, size=size, theme=theme)
    return draw(contracted_figure(out, _check_x(x), options, contract), "forward", step)


def draw_reverse(
    out: Value,
    rankdir: str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    *,
    step: int | None = None,
    legend: str | bool = "short",
    fontsize: float = 12,
    size: tuple[float, float] | str | None = None,
    theme: str = "light",
    contract: bool = False,
) -> Diagram:
    """Reverse mode from out: adjoints d(out)/d(node) flow back, against the arrows.

    Edges are dashed with their arrowheads at the parent; each node shows its adjoint as the sum
    of its outgoing edges' contributions and the order in which the sweep completes it; each edge
    shows ``adjoint(child) · local → contribution``. With ``step=k``, the sweep after its first k
    steps (step 1 is the seed ∂out/∂out = 1), as in ``draw_forward``. ``contract=True``:
    linear combinations drawn as weighted edges, as in ``draw_paths`` (a multiplier drawn as an
    edge's weight has no box, so its own adjoint is not shown).
    ``legend``, ``fontsize``, ``size`` and ``theme`` are described under ``look``.
    """
    options = look(rankdir, max_nodes, legend=legend, fontsize=fontsize, size=size, theme=theme)
    return draw(contracted_figure(out, None, options, contract), "reverse", step)


def draw_paths(
    out: Value,
    x: Value,
    rankdir: str | None = None,
    max_paths: int = 12,
    max_nodes: int = DEFAULT_MAX_NODES,
    *,
    only: int | None = None,
    layout: str = "graph",
    legend: str | bool = "short",
    fontsize: float = 12,
    size: tuple[float, float] | str | None = None,
    theme: str = "light",
    contract: bool = False,
) -> Diagram:
    """The path sum beside the factorized result.

    Paths are numbered from 1, as in the legend, which lists each path's product of local
    derivatives, their sum, and forward and reverse mode with the multiplications each needs.
    ``only=i`` highlights path i and greys the rest. ``layout="multiples"`` draws one small
    picture per path with its product beneath and the sum at the end (up to 12 paths). With more
    than ``max_paths`` paths the legend gives their exact number instead of the list;
    ``draw_factorized`` shows any number of paths at once.

    ``contract=True`` draws each linear combination c₁·x₁ + c₂·x₂ + ... as weighted edges
    xᵢ → sum, labelled with their multipliers (``viz.contraction``): Y = α·X + β·X + γ·X is
    three edges X → Y, and a path of (α+β+γ)(δ+ε+ζ) reads αδ = 2·7 = 14, as the figure is
    usually drawn. The derivatives are unchanged; paths and multiplications are counted in that
    graph.
    ``legend``, ``fontsize``, ``size`` and ``theme`` are described under ``look``.
    """
    if layout not in view_paths.LAYOUTS:
        raise ValueError(f"layout must be 'graph' or 'multiples', got {layout!r}")
    fig = contracted_figure(
        out,
        _check_x(x),
        look(rankdir, max_nodes, legend=legend, fontsize=fontsize, size=size, theme=theme),
        contract,
    )
    return draw(fig, "paths", max_paths=max_paths, only=only, layout=layout)


def draw_factorized(
    out: Value,
    x: Value,
    rankdir: str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    max_paths: int = 10_000,
    *,
    legend: str | bool = "short",
    fontsize: float = 12,
    size: tuple[float, float] | str | None = None,
    theme: str = "light",
    contract: bool = False,
) -> Diagram:
    """∂out/∂x as forward mode computes it, grouped at the nodes all paths share.

    Nodes on every path from x to out (outlined) carry their derivative as a bracket of path
    products times the derivative before it; the other nodes carry forward mode's sum of edge
    contributions. Edge labels name the symbol a derivative comes from (``∂c/∂a = b = 2``). The
    legend states ``sum over paths = (2+3+5)·(7+11+13)`` (with the labelled multipliers' symbols
    when there are some) and the multiplications of the path sum, forward and reverse mode.
    ``contract=True``: linear combinations drawn as weighted edges, as in ``draw_paths``.
    ``legend``, ``fontsize``, ``size`` and ``theme`` are described under ``look``.
    """
    fig = contracted_figure(
        out,
        _check_x(x),
        look(rankdir, max_nodes, legend=legend, fontsize=fontsize, size=size, theme=theme),
        contract,
    )
    return draw(fig, "factorized", max_paths=max_paths)


def draw_depends(
    out: Value,
    node: Value,
    rankdir: str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    *,
    legend: str | bool = "short",
    fontsize: float = 12,
    size: tuple[float, float] | str | None = None,
    theme: str = "light",
) -> Diagram:
    """Which inputs ``node`` depends on, in the graph of ``out``: the node outlined, the nodes
    it was computed from drawn as usual (the leaves among them filled), the rest greyed; the
    legend and ``.text`` name the inputs (``draw_depends(e, d)``: d depends on b).
    ``legend``, ``fontsize``, ``size`` and ``theme`` are described under ``look``.
    """
    fig = Figure(
        out,
        None,
        look(rankdir, max_nodes, legend=legend, fontsize=fontsize, size=size, theme=theme),
    )
    if not isinstance(node, Value):
        raise TypeError(f"node must be a Value of the graph, got {type(node).__name__}")
    fig.x = node
    return draw(fig, "depends", node=node)


def explain(
    out: Value, x: Value, max_paths: int = DEFAULT_MAX_PATHS, *, contract: bool = False
) -> str:
    """The derivative of out with respect to x in words and numbers, e.g.

        ∂e/∂b = ∂e/∂c·∂c/∂b + ∂e/∂d·∂d/∂b = 2·1 + 3·1 = 5

    followed by the paths with their products, how they factor at the nodes every path passes
    through, and the multiplications each method needs. ``contract=True``: counted on the
    graph with linear combinations as weighted edges (see ``draw_paths``): αδ = 2·7 = 14.
    """
    if not isinstance(out, Value) or not isinstance(x, Value):
        raise TypeError("explain(out, x) takes two Values")
    return explain_text(contracted_figure(out, x, Options(max_nodes=2**62), contract), max_paths)
