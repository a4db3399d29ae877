"""The factorized view: the sum over paths regrouped at the nodes every path passes through.

On (α+β+γ)(δ+ε+ζ) the nine path products 2·7 + 2·11 + ... + 5·13 regroup as (2+3+5)·(7+11+13):
each node carries its derivative as the grouped sum that forward mode computes there
(∂Y/∂X = 2 + 3 + 5 = 10, then ∂Z/∂X = 7·10 + 11·10 + 13·10 = 310), each bracket's edges have
their own colour, and the legend states the identity with the multiplications of each side.
"""

from __future__ import annotations

from autograd import Factorization

from .contraction import contraction_rows, counted_in
from .description import number
from .figure import Figure
from .labels import (
    COUNT_RULE,
    WHY_REVERSE,
    bracket,
    edge_indices,
    factor,
    factorization_text,
    local_text,
    product_of_brackets,
    shorten_terms,
)
from .scene import (
    BLUE,
    GREEN,
    HIGHLIGHT_FILL,
    INK,
    MUTED,
    ORANGE,
    PURPLE,
    Annotations,
    EdgeStyle,
    Line,
    NodeStyle,
    line,
)

SEGMENT_COLOURS = (BLUE, ORANGE, GREEN, PURPLE)
SEGMENT_PATTERNS = ("solid", "dashed", "dotted")  # a bracket told apart without colour too
Terms = tuple[list[str], list[str]]  # a bracket's path products: symbolic ("α"), numeric ("2")


def annotate(fig: Figure, max_paths: int = 10_000) -> Annotations:
    """∂out/∂x as forward mode computes it, grouped at the nodes all paths share (see
    ``viz.draw_factorized``)."""
    graph = fig.graph
    fact = fig.factorization(max_paths, strict=True)
    sw = fig.sweep("forward")
    values = {s.node: s.value for s in sw.steps}
    shared = [graph.node_of(v).id for v in fact.shared]
    brackets = [bracket(graph, seg.paths) for seg in fact.segments]

    segment_of: dict[int, int] = {}
    for k, seg in enumerate(fact.segments):
        for path in seg.paths:
            for i in edge_indices(graph, path):
                segment_of[i] = k
    nodes = {}
    for node in graph.nodes:
        if node.id not in values:
            text = f"{sw.derivative(node.id)} = 0"  # greyed: it does not depend on x
            nodes[node.id] = NodeStyle(rows=(line(text, colour=MUTED),))
        elif node.id in shared[1:]:
            k = shared.index(node.id) - 1
            rows = shared_rows(sw.derivative(node.id), sw.derivative(shared[k]), brackets[k],
                               values[shared[k]], values[node.id], k == 0)  # fmt: skip
            nodes[node.id] = NodeStyle(rows=rows, fill=HIGHLIGHT_FILL, border=INK)
        else:
            step = next(s for s in sw.steps if s.node == node.id)
            border = INK if node.id == shared[0] else ""
            nodes[node.id] = NodeStyle(rows=(line(sw.value_text(step)),), border=border)
    edges = []
    for i in range(len(graph.edges)):
        segment = segment_of.get(i)
        colour = MUTED if segment is None else SEGMENT_COLOURS[segment % len(SEGMENT_COLOURS)]
        pattern = "" if segment is None else SEGMENT_PATTERNS[segment % len(SEGMENT_PATTERNS)]
        lines: tuple[Line, ...] = (line(local_text(graph, i, symbolic=True)),)
        if graph.edges[i].weighted:  # contract=True: a blank line keeps a parallel edge off it
            lines += (line(" "),)
        edges.append(EdgeStyle(lines, (colour,), width=1.2 if segment is None else 2.4,
                               pattern=pattern))  # fmt: skip
    title = f"∂{sw.out_name}/∂{sw.wrt_name}: the sum over paths, factorized"
    legend = legend_rows(fig, fact, brackets, sw.out_name, sw.wrt_name, sw.multiplications)
    count = fig.count_paths()
    numeric = product_of_brackets([b[1] for b in brackets])
    totals = "·".join(number(seg.total) for seg in fact.segments)
    grouped = f" = {totals}" if len(fact.segments) > 1 else ""
    short = line(f"∂{sw.out_name}/∂{sw.wrt_name} = {numeric}{grouped} = {number(fact.total)}, "
                 f"the sum over {count} path{'s' * (count != 1)} factorized")  # fmt: skip
    return Annotations(nodes, edges, title, legend, text=factorization_text(graph, fact),
                       short=short)  # fmt: skip


def shared_rows(lhs: str, before: str, terms: Terms, carried: float, value: float,
                first: bool) -> tuple[Line, ...]:  # fmt: skip
    """A shared node's rows: ∂Y/∂X = 2 + 3 + 5 = 10, or ∂Z/∂X = 7·10 + 11·10 + 13·10 = 310."""
    symbolic, numeric = terms
    if not first:
        numeric = [f"{t}·{factor(carried)}" for t in numeric]
    rows = []
    if symbolic != terms[1]:
        group = " + ".join(symbolic)
        if not first:
            group = f"({group})·{before}" if len(symbolic) > 1 else f"{group}·{before}"
        rows.append(line(f"{lhs} = {shorten_terms(group)}"))
    rows.append(line(f"{lhs} = {shorten_terms(' + '.join(numeric))} = {number(value)}", colour=INK))
    return tuple(rows)


def legend_rows(fig: Figure, fact: Factorization, brackets: list[Terms], oname: str, xname: str,
                forward_mults: int) -> list[tuple[tuple[str, ...], Line]]:  # fmt: skip
    graph = fig.graph
    colours = tuple(SEGMENT_COLOURS[k % len(SEGMENT_COLOURS)] for k in range(len(brackets)))
    count = fig.count_paths()
    rows = []
    symbolic = product_of_brackets([b[0] for b in brackets])
    numeric = product_of_brackets([b[1] for b in brackets])
    values = "·".join(factor(seg.total) for seg in fact.segments)
    head = f"sum over the {count} path{'s' if count != 1 else ''} from {xname} to {oname} = "
    if symbolic != numeric:
        rows.append((colours, line(head + symbolic)))
        grouped = f" = {values}" if len(brackets) > 1 else ""  # one bracket: its value is the total
        rows.append(((), line(f"= {numeric}{grouped} = {number(fact.total)}")))
    elif len(brackets) > 1:
        rows.append((colours, line(f"{head}{numeric} = {values} = {number(fact.total)}")))
    else:
        rows.append((colours, line(f"{head}{numeric} = {number(fact.total)}")))
    if len(fact.segments) > 1:
        inner = ", ".join(graph.node_of(v).name for v in fact.shared[1:-1])
        rows.append(((), line(f"every path passes through {inner} (outlined): each path is one "
                              "term of each bracket, joined end to end")))  # fmt: skip
    else:
        rows.append(((), line(f"no node but {xname} and {oname} is on every path: nothing to "
                              "factor out, but forward mode still computes each node once for "
                              "all the paths through it")))  # fmt: skip
    listed = (
        f"{fig.path_sum(10_000).multiplications} to list the paths one by one"
        if count <= 10_000
        else f"{count} paths to list one by one"
    )
    reverse = fig.reverse().multiplications
    sweeps = f"{forward_mults} in forward mode from {xname}; {reverse} in reverse mode from {oname}"
    where = counted_in(fig)  # contract=True: " in the contracted graph"
    rows.append(((), line(f"multiplications{where}: {listed}; {sweeps}, for every input")))
    rows.append(((), line(COUNT_RULE)))
    rows.append(((), line(WHY_REVERSE)))
    rows += contraction_rows(fig)
    return rows
