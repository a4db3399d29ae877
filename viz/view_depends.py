"""Which inputs a node depends on: the node, everything it was computed from and the leaves it
reads highlighted, the rest of the graph muted (what a change of which inputs can move it)."""

from __future__ import annotations

from autograd import Value

from .description import number
from .figure import Figure
from .labels import local_text
from .scene import HIGHLIGHT_FILL, INK, MUTED, ORANGE, Annotations, EdgeStyle, NodeStyle, line


def annotate(fig: Figure, node: Value) -> Annotations:
    """``node`` outlined, its ancestors drawn as usual with the leaves among them filled, every
    other node and edge in grey; the legend lists the leaves it depends on."""
    graph = fig.graph
    target = next((n for n in graph.nodes if n.value is node), None)
    if target is None:
        raise ValueError(
            f"the node {node.label or number(node.data)!r} is not in the graph of "
            f"{graph.nodes[-1].name}: pass one of the Values it was computed from"
        )
    ancestors = {target.id}
    for edge in reversed(graph.edges):  # children come after their parents in the description
        if edge.child in ancestors:
            ancestors.add(edge.parent)
    leaves = [n for n in graph.nodes if n.id in ancestors and n.leaf]
    nodes = {}
    for n in graph.nodes:
        if n.id == target.id:
            nodes[n.id] = NodeStyle(border=ORANGE, fill=HIGHLIGHT_FILL)
        elif n.id not in ancestors:
            nodes[n.id] = NodeStyle(muted=True)
        elif n.leaf:
            nodes[n.id] = NodeStyle(fill=HIGHLIGHT_FILL, border=INK)
    edges = [
        EdgeStyle((line(local_text(graph, i), colour=INK if on else MUTED),),
                  (ORANGE if on else MUTED,), width=2.2 if on else 1.2)
        for i, edge in enumerate(graph.edges)
        for on in (edge.child in ancestors,)
    ]  # fmt: skip
    names = ", ".join(n.name for n in leaves) or "none"
    title = f"what {target.name} depends on"
    count = len(ancestors) - 1
    legend = (
        ((ORANGE,), line(f"{target.name} is computed from {count} node{'s' * (count != 1)}")),
        ((), line(f"the inputs it depends on (filled): {names}; the greyed nodes cannot move it")),
    )
    text = f"{target.name} depends on {names}"
    return Annotations(nodes, edges, title, legend, text=text, short=line(text))
