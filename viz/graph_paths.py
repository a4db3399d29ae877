"""The path sum, forward mode, reverse mode and the factorization counted on a graph description's
own edges, not on its Values' edges: what a contracted description (``viz.contraction``), whose
edges are weighted sums rather than operations, is counted on.

The rules and the counts are ``autograd.paths``'s, applied to the description's edges: a path of
k edges costs k - 1 multiplications, forward mode one per edge it crosses after the edges leaving
x, reverse mode one per edge after the edges entering out, an exact zero factor gives exactly 0.
The results are ``autograd``'s own types (``Path``'s edges name the description's Values, and an
edge's ``slot`` is its place among its child's incoming edges in the description), so a view
reads them as it reads ``autograd.path_sum``'s.
"""

from __future__ import annotations

import math

from autograd import (
    Edge,
    Factorization,
    ForwardMode,
    Path,
    PathSum,
    ReverseMode,
    TooManyPathsError,
    Value,
)

from .description import GraphDescription


class DescribedPaths:
    """``count_paths``, ``path_sum``, ``forward_mode``, ``reverse_mode`` and ``factorize`` with
    ``autograd``'s signatures, over ``graph``'s edges (its nodes are in topological order)."""

    def __init__(self, graph: GraphDescription) -> None:
        self.graph = graph
        self.order = [n.id for n in graph.nodes]
        self.value = {n.id: n.value for n in graph.nodes}
        self.ids = {n.value: n.id for n in graph.nodes}
        self.incoming: dict[str, list[int]] = {i: [] for i in self.order}
        self.slot: list[int] = []
        for i, edge in enumerate(graph.edges):
            self.slot.append(len(self.incoming[edge.child]))
            self.incoming[edge.child].append(i)

    def _below(self, x: str) -> list[str]:
        """x and the nodes that depend on it, in topological order."""
        inside, kept = {x}, []
        for node in self.order:
            if node == x or any(self.graph.edges[i].parent in inside for i in self.incoming[node]):
                inside.add(node)
                kept.append(node)
        return kept

    def _refuse(self, nodes: list[str], what: str) -> None:
        for node in nodes:
            if any(self.graph.edges[i].custom for i in self.incoming[node]):
                name = self.graph.node(node).name
                raise TypeError(
                    f"{what} on the contracted graph cannot go through the node {name!r}: its "
                    f"backward is a function of your own (_backward), so its local derivatives "
                    f"are not known as numbers; draw it with contract=False"
                )

    def _counts(self, x: str) -> dict[str, int]:
        counts = {x: 1}
        for node in self._below(x):
            if node != x:
                counts[node] = sum(
                    counts.get(self.graph.edges[i].parent, 0) for i in self.incoming[node]
                )
        return counts

    def count_paths(self, out: Value, x: Value) -> int:
        """The number of paths from x to out (parallel edges count once each)."""
        if out not in self.ids or x not in self.ids:
            return 0
        return self._counts(self.ids[x]).get(self.ids[out], 0)

    def path_sum(self, out: Value, x: Value, max_paths: int = 10_000) -> PathSum:
        """Every path from x to out with the product of its edges' derivatives, and their sum."""
        count = self.count_paths(out, x)
        if count > max_paths:
            raise TooManyPathsError(count, max_paths)
        paths: list[Path] = []
        if count:
            xi, oi = self.ids[x], self.ids[out]
            below = self._below(xi)
            self._refuse(below, "path_sum")
            on_a_path = set(below)
            trail: list[int] = []  # edge indices from out back towards x
            stack = [(oi, iter(self.incoming[oi]))]  # depth first, without recursion
            while stack:
                node, incoming = stack[-1]
                if node == xi:
                    paths.append(self._path(tuple(reversed(trail))))
                    stack.pop()
                    if trail:
                        trail.pop()
                    continue
                for i in incoming:
                    parent = self.graph.edges[i].parent
                    if parent in on_a_path:
                        trail.append(i)
                        stack.append((parent, iter(self.incoming[parent])))
                        break
                else:
                    stack.pop()
                    if trail:
                        trail.pop()
        total = float(sum(p.product for p in paths))
        mults = sum(max(len(p.edges) - 1, 0) for p in paths)
        return PathSum(out, x, tuple(paths), total, mults)

    def _path(self, indices: tuple[int, ...]) -> Path:
        edges = []
        product = 1.0
        for i in indices:
            edge = self.graph.edges[i]
            edges.append(Edge(self.value[edge.parent], self.value[edge.child], edge.local_grad,
                              self.slot[i]))  # fmt: skip
            product *= edge.local_grad
        if any(e.local_grad == 0 for e in edges):  # a zero factor: exactly 0
            product = 0.0
        return Path(tuple(edges), product)

    def forward_mode(self, out: Value, x: Value) -> ForwardMode:
        """tangent(x) = 1, then tangent(node) = sum over incoming edges of local · tangent."""
        tangents = {n.value: 0.0 for n in self.graph.nodes}
        mults = 0
        if x in self.ids:
            xi = self.ids[x]
            below = self._below(xi)
            self._refuse(below, "forward mode")
            tangent = dict.fromkeys(self.order, 0.0)
            tangent[xi] = 1.0
            reached = set(below)
            for node in below[1:]:
                total = 0.0
                for i in self.incoming[node]:
                    edge = self.graph.edges[i]
                    t = tangent[edge.parent]
                    if edge.parent in reached and edge.local_grad != 0 and t != 0:
                        total += edge.local_grad * t
                        mults += edge.parent != xi  # 1 · local is not a multiplication
                tangent[node] = total
            tangents = {self.value[i]: t for i, t in tangent.items()}
        return ForwardMode(out, x, tangents.get(out, 0.0), tangents, mults)

    def reverse_mode(self, out: Value) -> ReverseMode:
        """adjoint(out) = 1, then adjoint(parent) += local · adjoint(node), in reverse order."""
        self._refuse(self.order, "reverse mode")
        adjoint = dict.fromkeys(self.order, 0.0)
        oi = self.ids[out]
        adjoint[oi] = 1.0
        mults = 0
        for node in reversed(self.order):
            for i in self.incoming[node]:
                edge = self.graph.edges[i]
                mults += node != oi  # the seed 1 is never multiplied in
                if edge.local_grad != 0 and adjoint[node] != 0:
                    adjoint[edge.parent] += edge.local_grad * adjoint[node]
        return ReverseMode(out, {self.value[i]: a for i, a in adjoint.items()}, mults)

    def factorize(self, out: Value, x: Value, max_paths: int = 10_000) -> Factorization:
        """The paths from x to out split at the nodes they all pass through (see
        ``autograd.factorize``)."""
        if x not in self.ids or out not in self.ids:
            return Factorization(out, x, (), (), 0.0)
        order = self._below(self.ids[x])
        if not order or order[-1] != self.ids[out]:
            return Factorization(out, x, (), (), 0.0)
        from_x = self._counts(order[0])
        to_out = dict.fromkeys(order, 0)
        to_out[order[-1]] = 1
        for node in reversed(order):
            for i in self.incoming[node]:
                parent = self.graph.edges[i].parent
                if parent in to_out:
                    to_out[parent] += to_out[node]
        total_paths = from_x[order[-1]]
        shared = tuple(self.value[v] for v in order if from_x[v] * to_out[v] == total_paths)
        segments = tuple(
            self.path_sum(end, start, max_paths)
            for start, end in zip(shared, shared[1:], strict=False)
        )
        total = math.prod((s.total for s in segments), start=1.0)
        return Factorization(out, x, shared, segments, total)
