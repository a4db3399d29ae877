"""The graph view, forward and reverse mode (whole, or at step k of their sweep), and ``explain``.

Forward and reverse mode are drawn so that they cannot be mistaken for each other: forward mode in
blue, its tangents flowing with the arrows; reverse mode in vermillion with dashed edges whose
arrowheads point back at the parents, its adjoints flowing against the flow of the computation.
Each node carries its number as the sum of the contributions of its edges and the order in which
the sweep completes it; each edge carries its local derivative and what it contributes.
"""

from __future__ import annotations

from autograd import (
    TooManyPathsError,
    Value,
    count_paths,
    factorize,
    forward_mode,
    path_sum,
    reverse_mode,
)
from autograd import topological_order as _order

from .describe import DEFAULT_MAX_NODES, describe, node_names, number, symbol
from .dot import (
    BLUE,
    HIGHLIGHT_FILL,
    INK,
    MUTED,
    VERMILLION,
    Caption,
    EdgeStyle,
    NodeStyle,
    Scene,
    build_dot,
    check_rankdir,
    line,
)
from .factorized import factorization_text
from .labels import COUNT_RULE, local_text
from .render import Diagram
from .sweep import Sweep, sweep

DEFAULT_MAX_PATHS = 12


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
    graph = describe(out, max_nodes)
    _check_input(x)
    return Diagram(*sweep_scene(sweep(graph, "forward", x), step, rankdir))


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
    graph = describe(out, max_nodes)
    return Diagram(*sweep_scene(sweep(graph, "reverse"), step, rankdir))


def sweep_scene(sw: Sweep, step: int | None, rankdir: str) -> tuple[str, str]:
    """The DOT text of a sweep at ``step`` (all of it for None), and its caption in words."""
    rankdir = check_rankdir(rankdir)
    n = len(sw.steps)
    k = n if step is None else check_step(step, n)
    forward = sw.mode == "forward"
    theme = BLUE if forward else VERMILLION
    graph = sw.graph
    order = {s.node: i for i, s in enumerate(sw.steps)}
    term_of = {t.edge: (i, t) for i, s in enumerate(sw.steps) for t in s.terms}
    current = k - 1 if step is not None and k > 0 else None

    nodes = {}
    for node in graph.nodes:
        i = order.get(node.id)
        if i is None:  # forward mode: the node does not depend on x; its tangent is 0
            text = f"{sw.derivative(node.id)} = 0 (does not depend on {sw.wrt_name})"
            nodes[node.id] = NodeStyle(rows=(line(text, colour=MUTED),))
            continue
        done = i < k
        nodes[node.id] = NodeStyle(
            rows=(line(sw.value_text(sw.steps[i]), colour=theme, hidden=not done),),
            fill=HIGHLIGHT_FILL if i == current else "",
            badge=str(i + 1),
            badge_fill=theme if done else MUTED,
            border=theme if i == current else "",
        )
    edges = []
    for j in range(len(graph.edges)):
        local = local_text(graph, j)
        if j not in term_of:  # forward mode: the parent does not depend on x
            edges.append(EdgeStyle((line(local, colour=MUTED),), (MUTED,)))
            continue
        i, term = term_of[j]
        done = i < k
        contribution = line(sw.term_text(term), colour=theme, hidden=not done)
        edges.append(
            EdgeStyle(
                (line(local, colour=INK if done else MUTED), contribution),
                (theme if done else MUTED,),
                width=3.5 if i == current else (2.2 if done else 1.2),
                dashed=not forward,
                backward=not forward,
            )
        )
    if forward:
        title = f"forward mode from {sw.wrt_name}: tangents ∂·/∂{sw.wrt_name} flow with the arrows"
        seeds = f"the edges leaving {sw.wrt_name} excepted"
        reach = "one sweep per input: each other input needs a sweep of its own"
    else:
        title = f"reverse mode from {sw.out_name}: adjoints ∂{sw.out_name}/∂· flow back"
        seeds = f"the edges entering {sw.out_name} excepted"
        reach = "one sweep gives the derivative for every input at once"
    legend = [
        ((theme,), line(f"numbers: the order in which the sweep completes the nodes; {reach}")),
        (
            (),
            line(
                f"{sw.multiplications} multiplications: one per edge product, {seeds} "
                f"(their factor is the seed 1)"
            ),
        ),  # fmt: skip
    ]
    caption = None
    words = ""
    if step is not None:
        title += f" (step {k} of {n})"
        texts = [step_caption(sw, i) for i in range(n + 1)]
        words = texts[k]
        caption = Caption.fitting(words, texts)
    scene = Scene(graph, nodes, edges, title, legend, caption, rankdir)
    return build_dot(scene), words


def step_caption(sw: Sweep, k: int) -> str:
    """What step k computes, in words and numbers (k = 0: before the sweep)."""
    if k == 0:
        what = "tangents" if sw.mode == "forward" else "adjoints"
        return f"before the sweep: no {what} yet; the local derivatives are on the edges"
    return sw.explain_step(sw.steps[k - 1])


def check_step(step: object, n: int) -> int:
    if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= n:
        raise ValueError(
            f"step must be an int from 0 (before the sweep) to {n} (the sweep's last step), "
            f"got {step!r}"
        )
    return step


def explain(out: Value, x: Value, max_paths: int = DEFAULT_MAX_PATHS) -> str:
    """The derivative of out with respect to x in words and numbers, e.g.

        ∂e/∂b = ∂e/∂c·∂c/∂b + ∂e/∂d·∂d/∂b = 2·1 + 3·1 = 5

    followed by the paths with their products, how they factor at the nodes every path passes
    through, and the multiplications each method needs.
    """
    if not isinstance(out, Value) or not isinstance(x, Value):
        raise TypeError("explain(out, x) takes two Values")
    names = {v: symbol(n) for v, n in node_names(_order(out)).items()}
    if x not in names:
        return f"∂{names[out]}/∂{symbol(x.label or 'x')} = 0: {names[out]} does not depend on it"
    reverse = reverse_mode(out)
    forward = forward_mode(out, x)
    oname, xname = names[out], names[x]
    # The chain rule at x: one term per edge leaving x (towards nodes that reach out).
    terms = [
        (child, d)
        for child in names
        for p, d in zip(child.parents, child.local_grads, strict=True)
        if p is x
    ]
    if x is out:
        lines = [f"∂{oname}/∂{oname} = 1"]
    else:
        symbolic = " + ".join(f"∂{oname}/∂{names[c]}·∂{names[c]}/∂{xname}" for c, _ in terms)
        numeric = " + ".join(f"{number(reverse.derivative(c))}·{number(d)}" for c, d in terms)
        lines = [f"∂{oname}/∂{xname} = {symbolic} = {numeric} = {number(reverse.derivative(x))}"]
    count = count_paths(out, x)
    if count <= max_paths:
        result = path_sum(out, x, max_paths=max_paths)
        products = [
            f"{'→'.join(names[v] for v in p.nodes) or xname}: "
            f"{'·'.join(number(e.local_grad) for e in p.edges) or '1'} = {number(p.product)}"
            for p in result.paths
        ]
        lines.append(f"paths from {xname} to {oname} ({count}): " + "; ".join(products))
        lines.append(f"sum over paths = {number(result.total)}")
        mults = f"path sum {result.multiplications}"
    else:
        lines.append(f"paths from {xname} to {oname}: {count}, too many to list")
        mults = "path sum (not listed)"
    if count > 1:
        factored = factorization_text(describe(out, max(len(names), 1)), factorize_or_none(out, x))
        if factored:
            lines.append(factored)
    lines.append(
        f"multiplications: {mults}, forward mode {forward.multiplications}, "
        f"reverse mode {reverse.multiplications} (all inputs at once)"
    )
    lines.append(f"({COUNT_RULE})")
    return "\n".join(lines)


def factorize_or_none(out: Value, x: Value):
    """``factorize(out, x)``, or None when a segment has too many paths to list."""
    try:
        return factorize(out, x, max_paths=10_000)
    except TooManyPathsError:
        return None


def _check_input(x: object) -> None:
    if not isinstance(x, Value):
        raise TypeError(f"x must be the Value to differentiate by, got {type(x).__name__}")
