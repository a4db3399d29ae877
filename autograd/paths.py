"""Three ways to the same derivative d(out)/d(x) on a graph whose edges carry local derivatives.

1. The **path sum**: the sum over every path from x to out of the product of the local
   derivatives on the path's edges. Exact, but the number of paths can grow exponentially.
2. **Forward mode**: one sweep in topological order carrying d(node)/d(x) for every node
   (one sweep per input).
3. **Reverse mode**: one sweep in reverse topological order carrying d(out)/d(node) for every node
   (one sweep per output, all inputs at once): what ``backward()`` does.

Factorization (2 and 3) shares the common sub-products of the paths, which is why it needs a number
of multiplications linear in the size of the graph. ``factorize`` shows the sharing at its
plainest: where every path passes through the same nodes, the sum over paths is a product of
smaller sums, (2+3+5)·(7+11+13) for nine paths.

**How multiplications are counted**, by every method alike: one for each product of two numbers
the method forms, the ×1 of a ``+`` edge included; the seed, d(x)/d(x) = 1 or d(out)/d(out) = 1,
is where a sweep starts and is never multiplied in. So a path of k edges costs k - 1, forward mode
one per edge it crosses after the edges that leave x, reverse mode one per edge after the edges
that enter out.

>>> a, b = Value(2.0, "a"), Value(1.0, "b")
>>> e = (a + b) * (b + 1)
>>> count_paths(e, b), path_sum(e, b).total, forward_mode(e, b).derivative
(2, 5.0, 5.0)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from .chain import contributes, edges, reverse_sweep, topological_order
from .custom import refuse_in
from .value import Value


class TooManyPathsError(ValueError):
    """Raised by ``path_sum`` when listing the paths would exceed ``max_paths``."""

    def __init__(self, count: int, max_paths: int):
        self.count = count
        self.max_paths = max_paths
        super().__init__(
            f"the graph has {count} paths, more than max_paths={max_paths}; use count_paths() "
            f"for the number, forward_mode() or reverse_mode() for the derivative, or raise "
            f"max_paths"
        )


@dataclass(frozen=True)
class Edge:
    """One edge of the graph, from ``parent`` to ``child``, with d(child)/d(parent)."""

    parent: Value
    child: Value
    local_grad: float
    slot: int = 0  # which of the child's parents: 0 or 1 (``a * a`` has an edge in each)


@dataclass(frozen=True)
class Path:
    """A path from x to out: its edges in order (from x), and the product of their derivatives."""

    edges: tuple[Edge, ...]
    product: float

    @property
    def nodes(self) -> tuple[Value, ...]:
        """The nodes along the path, from x to out."""
        if not self.edges:
            return ()
        return (self.edges[0].parent,) + tuple(e.child for e in self.edges)


@dataclass(frozen=True)
class PathSum:
    """Every path from ``x`` to ``out`` with its product, and their sum d(out)/d(x)."""

    out: Value
    x: Value
    paths: tuple[Path, ...]
    total: float
    multiplications: int = field(default=0)


@dataclass(frozen=True)
class ForwardMode:
    """A forward-mode sweep from ``x``: d(node)/d(x) for every node of out's graph."""

    out: Value
    x: Value
    derivative: float
    tangents: dict[Value, float]
    multiplications: int


@dataclass(frozen=True)
class ReverseMode:
    """A reverse-mode sweep from ``out``: d(out)/d(node) for every node of its graph."""

    out: Value
    adjoints: dict[Value, float]
    multiplications: int

    def derivative(self, x: Value) -> float:
        """d(out)/d(x) (0.0 if out does not depend on x)."""
        return self.adjoints.get(x, 0.0)


def _check(out: object, x: object = None, with_x: bool = True) -> None:
    if not isinstance(out, Value):
        raise TypeError(f"out must be a Value, got {type(out).__name__}")
    if with_x and not isinstance(x, Value):
        raise TypeError(f"x must be a Value, got {type(x).__name__}")


def count_paths(out: Value, x: Value) -> int:
    """The exact number of paths from x to out (an edge used twice, as in ``a * a``, counts as
    two paths), by dynamic programming over the topological order: never by listing them.

    paths(x) = 1, and paths(node) = the sum of paths(parent) over the node's incoming edges.
    """
    _check(out, x)
    return _paths_from(descendants_in(topological_order(out), [x]), x).get(out, 0)


def _paths_from(below: list[Value], x: Value) -> dict[Value, int]:
    """The number of paths from x to each node of ``below`` (x and what depends on it, in
    topological order), an edge used twice counting twice."""
    counts = {x: 1}
    for node in below:
        if node is not x:
            counts[node] = sum(counts.get(p, 0) for p, _ in edges(node))
    return counts


def path_sum(out: Value, x: Value, max_paths: int = 10_000) -> PathSum:
    """List every path from x to out with the product of its edges' local derivatives, and sum
    them: d(out)/d(x) = sum over paths of prod over edges of d(child)/d(parent).

    Raises ``TooManyPathsError`` (a ``ValueError``) stating the count when it exceeds
    ``max_paths``. ``multiplications`` counts the products: a path of k edges needs k - 1.
    """
    _check(out, x)
    count = count_paths(out, x)
    if count > max_paths:
        raise TooManyPathsError(count, max_paths)
    on_a_path = set(descendants_in(topological_order(out), [x]))
    refuse_in(on_a_path, "path_sum")
    paths: list[Path] = []
    trail: list[Edge] = []  # edges from out back towards x
    # Depth-first from out through parents on a path to x, without recursion.
    stack = [(out, iter(_incoming(out)))] if out in on_a_path else []
    while stack:
        node, incoming = stack[-1]
        if node is x:
            chain = tuple(reversed(trail))
            product = 1.0
            for edge in chain:
                product *= edge.local_grad
            if any(edge.local_grad == 0 for edge in chain):  # a zero factor: exactly 0
                product = 0.0
            paths.append(Path(chain, product))
            stack.pop()
            if trail:
                trail.pop()
            continue
        for edge in incoming:
            if edge.parent in on_a_path:
                trail.append(edge)
                stack.append((edge.parent, iter(_incoming(edge.parent))))
                break
        else:
            stack.pop()
            if trail:
                trail.pop()
    total = sum(p.product for p in paths)
    mults = sum(max(len(p.edges) - 1, 0) for p in paths)
    return PathSum(out, x, tuple(paths), float(total), mults)


def _incoming(node: Value) -> list[Edge]:
    return [Edge(p, node, d, slot) for slot, (p, d) in enumerate(edges(node))]


def forward_mode(out: Value, x: Value) -> ForwardMode:
    """One forward sweep from x: tangent(x) = 1 and, in topological order,
    tangent(node) = sum over incoming edges of d(node)/d(parent) * tangent(parent).

    ``tangents`` has every node of out's graph (0.0 for those that do not depend on x);
    ``multiplications`` counts the edge products the sweep needs: one per edge it crosses, except
    the edges leaving x, whose tangent is the seed 1.
    """
    _check(out, x)
    order = topological_order(out)
    below = descendants_in(order, [x])  # the nodes whose tangent can be non-zero
    refuse_in(below, "forward_mode")
    reached = set(below)
    tangents = dict.fromkeys(order, 0.0)
    tangents[x] = 1.0
    mults = 0
    for node in below:
        if node is x:
            continue
        total = 0.0
        for p, d in edges(node):
            if p in reached and contributes(d, tangents[p]):
                total += d * tangents[p]
                mults += p is not x  # 1 * d(node)/d(x) is not a multiplication
        tangents[node] = total
    return ForwardMode(out, x, tangents.get(out, 0.0), tangents, mults)


def reverse_mode(out: Value) -> ReverseMode:
    """One reverse sweep from out: adjoint(out) = 1 and, in reverse topological order,
    adjoint(parent) += d(node)/d(parent) * adjoint(node).

    ``adjoints`` has every node of out's graph; ``multiplications`` counts the edge products: one
    per edge, except the edges entering out, whose adjoint is the seed 1. Unlike ``backward()``,
    it leaves the nodes' ``.grad`` untouched.
    """
    _check(out, with_x=False)
    order = topological_order(out)
    adjoints = dict.fromkeys(order, 0.0)
    adjoints.update(reverse_sweep(order, {out: 1.0}))
    mults = sum(len(edges(node)) for node in order if node is not out)
    return ReverseMode(out, adjoints, mults)


@dataclass(frozen=True)
class Factorization:
    """d(out)/d(x) as a product of path sums, split at the nodes that every path passes through.

    ``shared`` runs from x to out in topological order (x and out included) and holds each node
    that lies on every path from x to out; ``segments[i]`` is the path sum from ``shared[i]`` to
    ``shared[i + 1]``. The chain rule gives

        d(out)/d(x) = prod over i of segments[i].total,

    and every path from x to out is one path of each segment, joined end to end: the number of
    paths is the product of the segments' path counts.
    """

    out: Value
    x: Value
    shared: tuple[Value, ...]
    segments: tuple[PathSum, ...]
    total: float


def factorize(out: Value, x: Value, max_paths: int = 10_000) -> Factorization:
    """Split the paths from x to out at the nodes they all pass through, and sum each piece.

    On (α+β+γ)(δ+ε+ζ), where three branches lead from X to Y and three more from Y to Z, the
    shared nodes are X, Y, Z and the nine path products regroup as (2+3+5)·(7+11+13). Where no
    node but x and out is shared there is a single segment: the path sum itself. When out does
    not depend on x, ``shared`` and ``segments`` are empty and ``total`` is 0. Raises
    ``TooManyPathsError`` when a segment has more than ``max_paths`` paths.
    """
    _check(out, x)
    order = descendants_in(topological_order(out), [x])
    if not order or order[-1] is not out:
        return Factorization(out, x, (), (), 0.0)
    from_x = _paths_from(order, x)
    to_out = dict.fromkeys(order, 0)
    to_out[out] = 1
    for node in reversed(order):
        for p, _ in edges(node):
            if p in to_out:
                to_out[p] += to_out[node]
    total_paths = from_x[out]
    shared = tuple(v for v in order if from_x[v] * to_out[v] == total_paths)
    segments = tuple(
        path_sum(end, start, max_paths) for start, end in zip(shared, shared[1:], strict=False)
    )
    total = math.prod((s.total for s in segments), start=1.0)
    return Factorization(out, x, shared, segments, total)


def descendants_in(order: list[Value], sources: Iterable[Value]) -> list[Value]:
    """The nodes of ``order`` (a topological order) that are, or depend on, one of ``sources``,
    in the same order."""
    inside = set(sources)
    kept = []
    for node in order:
        if node in inside or node._a in inside or node._b in inside:
            inside.add(node)
            kept.append(node)
    return kept
