"""The factorized view: the sum over paths regrouped at the nodes every path passes through.

On (α+β+γ)(δ+ε+ζ) the nine path products 2·7 + 2·11 + ... + 5·13 regroup as (2+3+5)·(7+11+13):
each node carries its derivative as the grouped sum that forward mode computes there
(∂Y/∂X = 2 + 3 + 5 = 10, then ∂Z/∂X = 7·10 + 11·10 + 13·10 = 310), each bracket's edges have
their own colour, and the legend states the identity with the multiplications of each side.
"""

from __future__ import annotations

from autograd import (
    Factorization,
    Value,
    count_paths,
    factorize,
    path_sum,
    reverse_mode,
)

from .describe import DEFAULT_MAX_NODES, GraphDescription, describe, number
from .dot import (
    BLUE,
    GREEN,
    HIGHLIGHT_FILL,
    INK,
    MUTED,
    ORANGE,
    PURPLE,
    EdgeStyle,
    NodeStyle,
    Scene,
    build_dot,
    check_rankdir,
    line,
)
from .labels import COUNT_RULE, WHY_REVERSE, edge_indices, factor_text, local_text
from .render import Diagram
from .sweep import sweep

SEGMENT_COLOURS = (BLUE, ORANGE, GREEN, PURPLE)
MAX_BRACKETS_SHOWN = 6
MAX_TERMS_SHOWN = 8


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
    graph = describe(out, max_nodes)
    rankdir = check_rankdir(rankdir)
    if not isinstance(x, Value):
        raise TypeError(f"x must be the Value to differentiate by, got {type(x).__name__}")
    fact = factorize(out, x, max_paths)
    sw = sweep(graph, "forward", x)
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
            text = f"{sw.derivative(node.id)} = 0 (does not depend on {sw.wrt_name})"
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
        edges.append(EdgeStyle((line(local_text(graph, i, symbolic=True)),), (colour,),
                               width=1.2 if segment is None else 2.4))  # fmt: skip
    title = f"∂{sw.out_name}/∂{sw.wrt_name}: the sum over paths, factorized"
    legend = legend_rows(graph, fact, brackets, sw.out_name, sw.wrt_name, sw.multiplications)
    scene = Scene(graph, nodes, edges, title, legend, rankdir=rankdir)
    return Diagram(build_dot(scene), factorization_text(graph, fact))


def bracket(graph: GraphDescription, paths) -> tuple[list[str], list[str]]:
    """A segment's path products as terms: symbolic ("α") and numeric ("2")."""
    symbolic, numeric = [], []
    for path in paths:
        factors = [factor_text(graph, i) for i in edge_indices(graph, path)]
        factors = [f for f in factors if f != "1"]
        symbolic.append("·".join(factors) or "1")
        numeric.append(number(path.product))
    return symbolic, numeric


def shared_rows(lhs, before, terms, carried, value, first):
    """A shared node's rows: ∂Y/∂X = 2 + 3 + 5 = 10, or ∂Z/∂X = 7·10 + 11·10 + 13·10 = 310."""
    symbolic, numeric = terms
    if not first:
        numeric = [f"{t}·{number(carried)}" for t in numeric]
    rows = []
    if symbolic != terms[1]:
        group = " + ".join(symbolic)
        if not first:
            group = f"({group})·{before}" if len(symbolic) > 1 else f"{group}·{before}"
        rows.append(line(f"{lhs} = {shorten(group)}"))
    rows.append(line(f"{lhs} = {shorten(' + '.join(numeric))} = {number(value)}", colour=INK))
    return tuple(rows)


def shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def product_of_brackets(brackets: list[list[str]]) -> str:
    """ "(2+3+5)·(7+11+13)", shortened past a few brackets or terms."""
    parts = []
    for terms in brackets:
        shown = terms if len(terms) <= MAX_TERMS_SHOWN else [*terms[:3], "…", terms[-1]]
        text = "+".join(shown)
        parts.append(f"({text})" if len(terms) > 1 and len(brackets) > 1 else text)
    if len(parts) > MAX_BRACKETS_SHOWN:
        parts = [*parts[:2], "…", parts[-1]]
        return "·".join(parts) + f" ({len(brackets)} brackets)"
    return "·".join(parts)


def factorization_text(graph: GraphDescription, fact: Factorization | None) -> str:
    """One line: where the paths factor and the identity, or "" when they do not."""
    if fact is None or len(fact.segments) < 2:
        return ""
    brackets = [bracket(graph, seg.paths) for seg in fact.segments]
    inner = ", ".join(graph.node_of(v).name for v in fact.shared[1:-1])
    count = 1
    for seg in fact.segments:
        count *= len(seg.paths)
    numeric = product_of_brackets([b[1] for b in brackets])
    symbolic = product_of_brackets([b[0] for b in brackets])
    both = numeric if symbolic == numeric else f"{symbolic} = {numeric}"
    return (
        f"factorized: every path passes through {inner}, so the sum over {count} paths "
        f"= {both} = {number(fact.total)}"
    )


def legend_rows(graph, fact, brackets, oname, xname, forward_mults):
    out, x = fact.out, fact.x
    colours = tuple(SEGMENT_COLOURS[k % len(SEGMENT_COLOURS)] for k in range(len(brackets)))
    count = count_paths(out, x)
    rows = []
    symbolic = product_of_brackets([b[0] for b in brackets])
    numeric = product_of_brackets([b[1] for b in brackets])
    values = "·".join(number(seg.total) for seg in fact.segments)
    head = f"sum over the {count} path{'s' if count != 1 else ''} from {xname} to {oname} = "
    if symbolic != numeric:
        rows.append((colours, line(head + symbolic)))
        rows.append(((), line(f"= {numeric} = {values} = {number(fact.total)}")))
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
        f"{path_sum(out, x, 10_000).multiplications} to list the paths one by one"
        if count <= 10_000
        else f"{count} paths to list one by one"
    )
    reverse = reverse_mode(out).multiplications
    sweeps = f"{forward_mults} in forward mode from {xname}; {reverse} in reverse mode from {oname}"
    rows.append(((), line(f"multiplications: {listed}; {sweeps}, for every input")))
    rows.append(((), line(COUNT_RULE)))
    rows.append(((), line(WHY_REVERSE)))
    return rows
