"""Walking the graph: the topological order, and the reverse sweep of the chain rule.

Every walk of a graph starts from ``topological_order``, and every reverse accumulation is
``reverse_sweep``, with one exception: ``Value.backward``'s hand-written loop, the same chain
rule written for speed (see the measurement beside it). Nothing here recurses, so graphs of any
depth work under Python's default recursion limit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .switches import STATE, is_anomaly_enabled

if TYPE_CHECKING:
    from .value import Value


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on (``root`` included), parents before children, each once.

    The order is deterministic: a depth-first search that visits parents in operand order, so
    the same graph always gives the same list.
    """
    if not hasattr(root, "_a"):
        raise TypeError(f"topological_order() takes a Value, got {type(root).__name__}")
    order: list[Value] = []
    visited = {root}
    # The stack holds nodes whose second parent (_b) is still to be visited.
    stack: list[Value] = []
    push, pop, emit, seen = stack.append, stack.pop, order.append, visited.add
    node = root
    while True:
        # Descend through first parents while they are new.
        p = node._a
        while p is not None and p not in visited:
            seen(p)
            push(node)
            node = p
            p = node._a
        # node's first parent is done (or absent); now its second.
        p = node._b
        if p is not None and p not in visited:
            seen(p)
            push(node)  # revisited after p: its _a and _b are then both visited
            node = p
            continue
        emit(node)
        if not stack:
            return order
        node = pop()


def descendants_in(order: list[Value], sources) -> list[Value]:
    """The nodes of ``order`` (a topological order) that are, or depend on, one of ``sources``,
    in the same order."""
    inside = set(sources)
    kept = []
    for node in order:
        if node in inside or node._a in inside or node._b in inside:
            inside.add(node)
            kept.append(node)
    return kept


def edges(node: Value) -> tuple:
    """A node's ``(parent, local derivative)`` pairs, in operand order: none for a leaf."""
    if node._b is not None:
        return ((node._a, node._da), (node._b, node._db))
    return () if node._a is None else ((node._a, node._da),)


def reverse_sweep(
    order: list[Value], seeds: dict, edges_of: Callable[[Value], tuple] | None = None
) -> dict:
    """Adjoints by the chain rule, for the nodes of ``order`` (a topological order).

    ``seeds`` maps output nodes to d(out)/d(node); the result maps each node reached to
    ``adjoint(node) = sum over its children c of d(c)/d(node) * adjoint(c)``, leaving the nodes
    themselves untouched.

    ``edges_of(node)`` gives a node's ``(parent, d)`` pairs; by default the stored floats.
    ``Value.backward(create_graph=True)`` passes one that rebuilds the local derivatives as Values,
    which makes the adjoints differentiable Values.
    """
    edges_of = edges_of or edges
    adjoints = dict(seeds)
    get = adjoints.get
    check = is_anomaly_enabled()
    for node in reversed(order):
        if node._a is None:
            continue
        g = get(node)
        if g is None:
            continue
        for p, term in _terms(node, g, edges_of):
            prev = get(p)
            if term is None:  # nothing to add, but p is reached: its adjoint is at least 0
                if prev is None:
                    adjoints[p] = 0.0
                continue
            adjoints[p] = term if prev is None else prev + term
            if check:
                check_gradient(node, adjoints[p])
    return adjoints


def _terms(node: Value, g: Any, edges_of: Callable[[Value], tuple]) -> list:
    """(parent, d * g) for each of node's edges, None where it contributes nothing (see
    ``contributes``)."""
    pairs = edges_of(node)
    if getattr(g, "data", g) == 0:  # a zero gradient carries nothing (see ``contributes``)
        return [(p, d * g if contributes(d, g) else None) for p, d in pairs]
    if pairs[0][1] is None:  # a custom node (autograd.custom): its own function says
        from .custom import observed_step

        return observed_step(node, g)
    return [(p, d * g if contributes(d, g) else None) for p, d in pairs]


def contributes(d: Any, g: Any) -> bool:
    """Whether an edge with local derivative ``d`` adds ``d * g`` to its parent's adjoint (or,
    in forward mode, to its child's tangent ``g``).

    A product with an exact zero factor is exactly zero: a zero local derivative contributes
    nothing even when the gradient arriving is infinite or NaN (IEEE's 0 * inf is NaN), and a
    zero gradient carries nothing through an infinite local derivative. This is PyTorch's
    convention at a dead relu or a step (their backward selects), applied to every operation, so
    that ``backward``, ``create_graph``, forward mode, path sums and the traced replay agree on
    every path. A differentiable zero (a Value worth 0, from ``create_graph``) is kept where the
    other factor is finite, for the derivatives of the derivative.
    """
    dv, gv = getattr(d, "data", d), getattr(g, "data", g)
    if dv != 0 and gv != 0:  # nan != 0: a NaN carries on
        return True
    if dv is d and gv is g:  # plain numbers
        return False
    return math.isfinite(dv) and math.isfinite(gv)


def check_gradient(node: Value, grad: Any) -> None:
    value = getattr(grad, "data", grad)
    if math.isfinite(value):
        return
    file, line = STATE.sites.get(node, ("<created outside detect_anomaly>", 0))
    inputs = ", ".join(repr(p.data) for p in node.parents)
    raise FloatingPointError(
        f"backward through operation {node._fn.name!r} on inputs ({inputs}) gave a non-finite "
        f"gradient {value!r} (node created at {file}:{line})"
    )
