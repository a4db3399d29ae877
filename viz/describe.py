"""A plain description of a Value graph: what every view draws, before any DOT is written.

Nodes get stable ids in topological order (``n0``, ``n1``, ...); edges keep every repetition
(``a * a`` has two edges from ``a``), each with its local derivative. The same graph always gives
the same description.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from autograd import Value, topological_order

DEFAULT_MAX_NODES = 300


class GraphTooLargeError(ValueError):
    """The graph has more nodes than the drawing limit."""

    def __init__(self, count: int, max_nodes: int):
        self.count = count
        self.max_nodes = max_nodes
        super().__init__(
            f"the graph has {count} nodes, more than max_nodes={max_nodes}: the picture would be "
            f"unreadable and slow to lay out; pass max_nodes={count} (or more) to draw it anyway"
        )


@dataclass(frozen=True)
class NodeInfo:
    id: str
    name: str  # the label, or v<i> for an unlabelled node
    op: str  # "" for a leaf; with its constant for operations like x * 2 ("x * 2")
    data: float
    grad: float
    value: Value


@dataclass(frozen=True)
class EdgeInfo:
    parent: str
    child: str
    local_grad: float
    formula: str = ""  # the local derivative in the operands' names: "d" for ∂(c*d)/∂c


@dataclass(frozen=True)
class GraphDescription:
    nodes: tuple[NodeInfo, ...]
    edges: tuple[EdgeInfo, ...]

    def node(self, node_id: str) -> NodeInfo:
        """The node with id ``node_id`` ("n3")."""
        return self.nodes[int(node_id[1:])]

    def node_of(self, value: Value) -> NodeInfo:
        for node in self.nodes:
            if node.value is value:
                return node
        raise KeyError(value)


def describe(root: Value, max_nodes: int = DEFAULT_MAX_NODES) -> GraphDescription:
    """The nodes and edges of ``root``'s graph; raises ``GraphTooLargeError`` past ``max_nodes``."""
    if not isinstance(root, Value):
        raise TypeError(f"expected a Value to draw, got {type(root).__name__}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int, got {max_nodes!r}")
    order = topological_order(root)
    if len(order) > max_nodes:
        raise GraphTooLargeError(len(order), max_nodes)
    ids = {v: f"n{i}" for i, v in enumerate(order)}
    names = node_names(order)
    nodes = tuple(NodeInfo(ids[v], names[v], _op_text(v), v.data, v.grad, v) for v in order)
    edges = tuple(
        EdgeInfo(ids[p], ids[v], d, local_formula(v, i, names))
        for v in order
        for i, (p, d) in enumerate(zip(v.parents, v.local_grads, strict=True))
    )
    return GraphDescription(nodes, edges)


def local_formula(v: Value, i: int, names: dict[Value, str]) -> str:
    """d(v)/d(v's i-th parent) written in the operands' names, from the operation's own
    template in ``autograd.ops``: "b" for ∂(a*b)/∂a, "1 - o²" for tanh; "" when it has none."""
    template = v._op.derivative
    parents = v.parents
    if isinstance(template, tuple):
        template = template[i]
        args = {"a": symbol(names[parents[0]]), "b": symbol(names[parents[1]])}
    else:
        args = {"x": symbol(names[parents[0]])}
        if v._const is not None:
            args["c"] = number(v._const)
    return template.format(out=symbol(names[v]), **args) if template else ""


def node_names(order: list[Value]) -> dict[Value, str]:
    """Each node's display name: its label, or v<i> from its place in the topological order."""
    return {v: v.label or f"v{i}" for i, v in enumerate(order)}


def _op_text(v: Value) -> str:
    """The operation, with its constant where it has one: "x * 2", "1 / x", "leaky_relu(x, 0.1)".

    Reads the engine's record of the operation (autograd keeps the constant beside the node)."""
    const = v._const
    if const is None:
        return v.op
    return v._op.template.format(c=number(const))


def symbol(name: str) -> str:
    """A node name as it reads inside ∂-notation: compound names get parentheses, ∂(a+b)/∂b."""
    return name if re.fullmatch(r"[\w.]+", name) else f"({name})"


def number(x: float) -> str:
    """A short, deterministic rendering of a number: 2, 0.5, 0.3333, 1.2e+10, inf, nan."""
    if isinstance(x, int):
        return str(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.4g}"
