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
        for p, d in edges_of(node):
            term = d * g
            prev = get(p)
            adjoints[p] = term if prev is None else prev + term
            if check:
                _check_gradient(node, adjoints[p])
    return adjoints


def _check_gradient(node: Value, grad: Any) -> None:
    value = getattr(grad, "data", grad)
    if math.isfinite(value):
        return
    file, line = STATE.sites.get(node, ("<created outside detect_anomaly>", 0))
    inputs = ", ".join(repr(p.data) for p in node.parents)
    raise FloatingPointError(
        f"backward through operation {node._fn.name!r} on inputs ({inputs}) gave a non-finite "
        f"gradient {value!r} (node created at {file}:{line})"
    )
