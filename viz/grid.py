"""Small multiples in a grid: the DOT constraints that lay clusters out in rows and columns,
in reading order (path 1 at the top left), whatever the nodes are called.

Graphviz has no grid of clusters, so each cluster is pinned by two of its nodes: its *anchor*,
the source that starts its longest chain of edges (so it sits at the cluster's first rank;
another source, such as a labelled multiplier, floats next to the node it feeds and pins
nothing), and its *last* node (the copy's output). With ``rankdir=LR`` a row runs along the
ranks: an invisible edge from a cluster's last node to its right neighbour's anchor puts that
neighbour after it, and the anchors of a column share a rank. An invisible *fence* edge that
spans every rank keeps each row in a band of its own, and the anchors are named first, in
reading order, because that order is what Graphviz keeps for rows no edge orders. With
``rankdir=TB`` it is the same, turned: a column runs along the ranks and a row shares one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .description import GraphDescription
from .scene import Cluster

if TYPE_CHECKING:
    import graphviz  # the DOT writer (viz.dot) passes its Digraph in


def declare_order(
    dot: graphviz.Digraph, clusters: Sequence[Cluster], graph: GraphDescription
) -> None:
    """Name the clusters' anchors before anything else, in reading order: Graphviz stacks
    pictures that no edge orders (the rows with LR, the columns with TB) in the order it first
    meets them, and an invisible edge within a rank does not reorder clusters (neither ``dot``
    nor graphviz-pure), so the order of first mention is what keeps path 1 first."""
    for box in clusters:
        if box.nodes:
            dot.node(anchor(box, graph))


def add_grid(
    dot: graphviz.Digraph,
    clusters: Sequence[Cluster],
    graph: GraphDescription,
    columns: int,
    rankdir: str,
) -> None:
    """Invisible edges and same-rank groups that place ``clusters`` (each a copy of a graph,
    its nodes in topological order) in a grid of ``columns`` columns, row by row; with
    ``declare_order`` called before the clusters are, the rows (LR) or the columns (TB) come
    in reading order."""
    boxes = [c for c in clusters if c.nodes]
    if not boxes or columns < 1:
        return
    first = [anchor(box, graph) for box in boxes]
    last = [box.nodes[-1] for box in boxes]
    rows = [list(range(i, min(i + columns, len(boxes)))) for i in range(0, len(boxes), columns)]
    cols = [list(range(k, len(boxes), columns)) for k in range(min(columns, len(boxes)))]
    # Along the ranks: a row with LR (or RL), a column with TB (or BT). Across: the other.
    along, across = (rows, cols) if rankdir in ("LR", "RL") else (cols, rows)
    backwards = rankdir in ("RL", "BT")  # ranks grow leftwards or upwards: chain the other way
    for line in along:
        for before, after in zip(line, line[1:], strict=False):
            if backwards:
                before, after = after, before
            # weight 0: the edge orders the ranks but does not pull the two pictures level
            # (it joins the last node of one to the anchor of the next, at different heights)
            dot.edge(last[before], first[after], style="invis", weight="0")
    # A fence between two rows (LR): an invisible edge from the next row's first anchor to
    # this row's last node spans every rank, so Graphviz lays it between the two rows, and
    # no picture of one row reaches into the other's band, in any column.
    for upper, lower in zip(along, along[1:], strict=False):
        if backwards:
            dot.edge(first[upper[-1]], last[lower[0]], style="invis", weight="0")
        else:
            dot.edge(first[lower[0]], last[upper[-1]], style="invis", weight="0")
    for line in across:
        with dot.subgraph() as group:
            group.attr(rank="same")
            for i in line:
                group.node(first[i])
    _fill_last_row(dot, rows, cols, first, last, columns, rankdir)


def _fill_last_row(dot: graphviz.Digraph, rows: list[list[int]], cols: list[list[int]],
                   first: list[str], last: list[str], columns: int,
                   rankdir: str) -> None:  # fmt: skip
    """A short last row's empty cells, each an invisible point in its column after the picture
    above it: without it nothing holds a column's lone picture in the first row, and Graphviz
    may lay it level with the second (path 3 beside path 5)."""
    if len(rows) < 2:
        return
    backwards = rankdir in ("RL", "BT")
    for k in range(len(rows[-1]), columns):
        pad = f"grid_pad_{k}"
        dot.node(pad, style="invis", shape="point", width="0")
        above, before = cols[k][-1], rows[-1][-1]  # the picture above it, the row's last
        for i in (above, before):  # after them, as the row's chain and the fence run
            ends = (pad, first[i]) if backwards else (last[i], pad)
            dot.edge(*ends, style="invis", weight="0")
        with dot.subgraph() as group:  # in its column (LR) or its row (TB)
            group.attr(rank="same")
            group.node(pad)
            group.node(first[cols[k][0]] if rankdir in ("LR", "RL") else first[rows[-1][0]])


def anchor(cluster: Cluster, graph: GraphDescription) -> str:
    """The node of ``cluster`` that starts its longest chain of edges (the first such in the
    cluster's order): in a layered drawing it sits at the cluster's first rank."""
    inside = set(cluster.nodes)
    below: dict[str, list[str]] = {node: [] for node in cluster.nodes}
    for edge in graph.edges:
        if edge.parent in inside and edge.child in inside:
            below[edge.parent].append(edge.child)
    depth: dict[str, int] = {}
    for node in reversed(cluster.nodes):  # parents first: read backwards, children come first
        depth[node] = max((depth.get(child, 0) + 1 for child in below[node]), default=0)
    return max(cluster.nodes, key=lambda node: depth[node])  # max keeps the first of equals
