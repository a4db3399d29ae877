"""The forward and reverse sweeps, whole or at step k.

Forward and reverse mode are drawn so that they cannot be mistaken for each other: forward mode in
blue, its tangents flowing with the arrows; reverse mode in vermillion with dashed edges whose
arrowheads point back at the parents, its adjoints flowing against the flow of the computation.
Each node carries its number as the sum of the contributions of its edges and the order in which
the sweep completes it; each edge carries its local derivative and what it contributes.
"""

from __future__ import annotations

from .description import number
from .figure import Figure
from .labels import local_text
from .scene import (
    BLUE,
    HIGHLIGHT_FILL,
    INK,
    MUTED,
    VERMILLION,
    Annotations,
    EdgeStyle,
    Line,
    NodeStyle,
    line,
)
from .sweep import Sweep


def steps(fig: Figure, mode: str) -> int:
    """How many steps the sweep has (step 0 is before it)."""
    return len(fig.sweep(mode).steps)


def annotate(fig: Figure, mode: str, step: int | None = None) -> Annotations:
    """The sweep at ``step`` (all of it for None), with the caption of every step."""
    sw = fig.sweep(mode)
    n = len(sw.steps)
    k = n if step is None else step
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
            rows=(
                line(text := sw.value_text(sw.steps[i]), colour=theme, hidden=not done, room=text),
            ),  # fmt: skip
            fill=HIGHLIGHT_FILL if i == current else "",
            badge=str(i + 1).rjust(len(str(len(sw.steps)))),  # one width: the same layout
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
        text = sw.term_text(term)
        contribution = line(text, colour=theme, hidden=not done, room=text)
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
    captions = [step_caption(sw, i) for i in range(n + 1)]
    short = () if step is not None else _short(sw)  # a step's caption says what it computed
    return Annotations(nodes, edges, title, legend, captions, short=short)


def _short(sw: Sweep) -> Line:
    """The sweep's result in one short line (it sets the width of a small picture): "∂e/∂b = 5:
    a forward sweep from b, 2 multiplications", or every input's derivative from one reverse
    sweep."""
    value = {s.node: s.value for s in sw.steps}
    cost = f"{sw.multiplications} multiplications"
    if sw.mode == "forward":
        root = sw.graph.nodes[-1].id
        found = f"{sw.derivative(root)} = {number(value.get(root, 0.0))}"
        return line(f"{found}: a forward sweep from {sw.wrt_name}, {cost}")
    leaves = [n.id for n in sw.graph.nodes if n.leaf and n.id in value]
    found = ", ".join(f"{sw.derivative(i)} = {number(value[i])}" for i in leaves[:4])
    more = f" and {len(leaves) - 4} more" if len(leaves) > 4 else ""
    return line(f"{found}{more}: one reverse sweep, {cost}")


def step_caption(sw: Sweep, k: int) -> str:
    """What step k computes, in words and numbers (k = 0: before the sweep)."""
    if k == 0:
        what = "tangents" if sw.mode == "forward" else "adjoints"
        return f"before the sweep: no {what} yet; the local derivatives are on the edges"
    return sw.explain_step(sw.steps[k - 1])
