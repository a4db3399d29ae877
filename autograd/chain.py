"""The chain rule: the topological order, and every loop of reverse mode that walks it.

Each node stores d(node)/d(parent) on its edges when it is made (``value.py``, by the rules in
``ops.py``). Reverse mode orders the graph parents first, seeds the root, and walks the order
backwards adding ``d(node)/d(parent) * grad(node)`` to each parent. Three loops do that walk:
1. ``backward``, the fast loop, on the nodes' ``.grad`` in place; 2. ``reverse_sweep``, the same
sum kept in a dict, which can carry differentiable Values (``create_graph``, ``detect_anomaly``,
``grad()``); 3. ``backward_in_place``, micrograd's loop of ``_backward()`` calls, for a graph
holding a node whose backward step is the user's own (``autograd.custom``). Nothing recurses.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import custom
from .switches import STATE, check_gradient, is_anomaly_enabled

if TYPE_CHECKING:
    from .value import Value

Adjoints = dict[Any, Any]  # node -> d(root)/d(node): floats, or Values with create_graph


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on (``root`` included), parents before children, each once;
    deterministic (a depth-first search visiting parents in operand order)."""
    if not hasattr(root, "_a"):
        raise TypeError(f"topological_order() takes a Value, got {type(root).__name__}")
    order: list[Value] = []
    visited = {root}
    stack: list[Value] = []  # nodes whose second parent (_b) is still to be visited
    push, pop, emit, seen = stack.append, stack.pop, order.append, visited.add
    node = root
    while True:
        p = node._a  # descend through first parents while they are new
        while p is not None and p not in visited:
            seen(p)
            push(node)
            node = p
            p = node._a
        p = node._b  # node's first parent is done (or absent); now its second
        if p is not None and p not in visited:
            seen(p)
            push(node)  # revisited after p: its _a and _b are then both visited
            node = p
            continue
        emit(node)
        if not stack:
            return order
        node = pop()


def edges(node: Value) -> tuple:
    """A node's ``(parent, local derivative)`` pairs, in operand order: none for a leaf."""
    if node._b is not None:
        return ((node._a, node._da), (node._b, node._db))
    return () if node._a is None else ((node._a, node._da),)


# --- 1. the fast loop -------------------------------------------------------------------------
def backward(root: Value, seed: float, create_graph: bool = False) -> None:
    """``root.backward(seed, create_graph)``: ``node.grad = seed * d(root)/d(node)`` for every
    node root depends on; leaves accumulate, interior nodes are overwritten."""
    order = topological_order(root)
    if custom.MADE and (own := custom.first_in(order)) is not None:
        if create_graph:
            raise custom.refusal(own, "backward(create_graph=True)")
        backward_in_place(root, order, seed)
        return
    if create_graph or (STATE.switched and is_anomaly_enabled()):
        from .valuemath import differentiable_edges

        local = differentiable_edges if create_graph else None
        store_adjoints(reverse_sweep(order, {root: seed}, local), create_graph)
        return
    # The hot path: the same chain rule as reverse_sweep, accumulated on the nodes themselves
    # rather than in a dict: half the time of reverse_sweep on a 100k-node chain (0.50,
    # sort included; ``python benchmarks/tricks.py``). tests/autograd/test_sweeps_agree.py
    # checks that both, the anomaly path and create_graph give the same gradients. A zero
    # factor contributes nothing, even times an infinite or NaN one (``contributes``).
    for node in order:
        if node._a is not None:
            node.grad = 0.0
    root.grad += seed
    for node in reversed(order):
        a = node._a
        g = node.grad
        if a is not None and g:
            d = node._da
            if d:
                a.grad += d * g
            b = node._b
            if b is not None:
                d = node._db
                if d:
                    b.grad += d * g


# --- 2. the reverse sweep, its adjoints kept apart from the nodes --------------------------------
def reverse_sweep(
    order: list[Value], seeds: Adjoints, local: Callable[[Value], tuple] | None = None
) -> Adjoints:
    """Adjoints by the chain rule over ``order`` (a topological order), the nodes untouched:
    from ``seeds`` (output node -> d(out)/d(node)), each node reached gets ``adjoint(node) = sum
    over its children c of d(c)/d(node) * adjoint(c)``. ``local(node)`` gives its (parent, d)
    pairs: the stored floats by default; ``create_graph``'s as Values (differentiable adjoints)."""
    local = local or edges
    adjoints = dict(seeds)
    get = adjoints.get
    check = is_anomaly_enabled()
    for node in reversed(order):
        if node._a is None:
            continue
        g = get(node)
        if g is None:
            continue
        pairs = local(node)
        terms: list[tuple[Any, Any]]
        if pairs[0][1] is None and getattr(g, "data", g) != 0:  # a custom node: its function says
            terms = custom.observed_step(node, g)
        else:
            terms = [(p, d * g if contributes(d, g) else None) for p, d in pairs]
        for p, term in terms:
            prev = get(p)
            if term is None:  # nothing to add, but p is reached: its adjoint is at least 0
                if prev is None:
                    adjoints[p] = 0.0
                continue
            adjoints[p] = term if prev is None else prev + term
            if check:
                check_gradient(node, adjoints[p])
    return adjoints


def contributes(d: Any, g: Any) -> bool:
    """Whether an edge with local derivative ``d`` adds ``d * g`` to its parent's adjoint (or,
    in forward mode, to its child's tangent ``g``). An exact zero factor gives exactly zero, even
    times inf or NaN (IEEE's 0 * inf is NaN): PyTorch's convention at a dead relu, applied to
    every operation, so that every sweep agrees. A differentiable zero (a Value worth 0, from
    ``create_graph``) is kept where the other factor is finite, for the next derivative."""
    dv, gv = getattr(d, "data", d), getattr(g, "data", g)
    if dv != 0 and gv != 0:  # nan != 0: a NaN carries on
        return True
    if dv is d and gv is g:  # plain numbers
        return False
    return math.isfinite(dv) and math.isfinite(gv)


def store_adjoints(adjoints: Adjoints, as_graph: bool = False) -> None:
    """Write a reverse sweep's adjoints into ``.grad``, and into ``.grad_graph`` as Values when
    ``as_graph`` (a constant gradient becomes a leaf Value) or when they are Values already."""
    from .value import Value, as_value

    for node, g in adjoints.items():
        interior = node._a is not None
        if as_graph or isinstance(g, Value) or node.grad_graph is not None:
            g_value = as_value(g)
            if interior or node.grad_graph is None:
                node.grad_graph = g_value
            else:
                node.grad_graph = node.grad_graph + g_value
            g = g_value.data
        node.grad = g if interior else node.grad + g


# --- 3. micrograd's loop, for graphs with the user's own backward steps ------------------------
def backward_in_place(root: Value, order: list[Value], seed: float) -> None:
    """``root.backward()`` on a graph with custom nodes, as micrograd runs it: after zeroing the
    interior nodes and seeding the root, every node's ``_backward`` in reverse topological order
    (the user's function for custom nodes, ``builtin_step`` for the others)."""
    check = STATE.switched and is_anomaly_enabled()
    for node in order:
        if node._a is not None:
            node.grad = 0.0
    root.grad += seed
    for node in reversed(order):
        if node._a is None:
            continue
        if type(node._fn) is custom.CustomOp:
            custom.step_of(node)()
        else:
            builtin_step(node)
        if check:
            for p, _ in edges(node):
                check_gradient(node, p.grad)


def builtin_step(v: Value) -> None:
    """One node's step of the chain rule: ``parent.grad += d(v)/d(parent) * v.grad`` per edge.
    A zero factor adds nothing, even times an infinite or NaN one (``contributes``)."""
    g = v.grad
    if g:
        for p, d in edges(v):
            if d:
                p.grad += d * g
