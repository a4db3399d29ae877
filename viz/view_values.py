"""The forward pass in steps: step k shows the values of the first k nodes in topological order,
the edges into the node just computed lit (the player's first chapter)."""

from __future__ import annotations

from autograd.ops import ATOM

from .description import GraphDescription, number, symbol, written
from .figure import Figure
from .labels import factor, local_text
from .scene import BLUE, HIGHLIGHT_FILL, INK, MUTED, Annotations, EdgeStyle, NodeStyle, line


def steps(fig: Figure) -> int:
    return len(fig.graph.nodes)


def annotate(fig: Figure, step: int | None = None) -> Annotations:
    """The values of the first ``step`` nodes (all of them for None)."""
    graph = fig.graph
    k = len(graph.nodes) if step is None else step
    entering: dict[str, list[int]] = {n.id: [] for n in graph.nodes}
    for i, edge in enumerate(graph.edges):
        entering[edge.child].append(i)
    captions = ["before the forward pass: no values yet"]
    captions += [computation(graph, node.id) for node in graph.nodes]
    done = {n.id for n in graph.nodes[:k]}
    current = graph.nodes[k - 1].id if k and step is not None else None
    nodes = {
        n.id: NodeStyle(rows=(line(data := f"data {number(n.data)}", hidden=n.id not in done,
                                   room=data),), data_row=False,
                        badge=str(i + 1).rjust(len(str(len(graph.nodes)))),
                        badge_fill=BLUE if n.id in done else MUTED,
                        fill=HIGHLIGHT_FILL if n.id == current else "",
                        border=BLUE if n.id == current else "")
        for i, n in enumerate(graph.nodes)
    }  # fmt: skip
    active = set(entering[current]) if current else set()
    # An edge's local derivative needs the values of its ends: shown once its node is computed.
    edges = []
    for i, edge in enumerate(graph.edges):
        local = local_text(graph, i)
        known = edge.child in done
        edges.append(EdgeStyle((line(local, colour=INK if known else MUTED, hidden=not known,
                                     room=local),),
                               (BLUE,) if i in active else (MUTED,),
                               width=3 if i in active else 1.2))  # fmt: skip
    title = "forward pass: values in topological order"
    return Annotations(nodes, edges, title, captions=captions)


def computation(graph: GraphDescription, node_id: str) -> str:
    """How the forward pass computes one node: "c = a + b = 2 + 1 = 3"."""
    node = graph.node(node_id)
    v = node.value
    name = symbol(node.name)
    if not v.parents:
        return f"{name} = {number(v.data)}: an input"
    const = "" if v.constant is None else number(v.constant)
    numbers, _ = written(v, [(factor(p.data), ATOM) for p in v.parents], const)
    formula = f"{node.op} = " if node.op else ""  # none when the name is the formula
    return f"{name} = {formula}{numbers} = {number(v.data)}"
