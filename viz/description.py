"""A plain description of a Value graph: what every view draws, before any DOT is written.

Nodes get stable ids in topological order (``n0``, ``n1``, ...); edges keep every repetition
(``a * a`` has two edges from ``a``), each with its local derivative. The same graph always gives
the same description.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from autograd import Value, ops, topological_order

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
    name: str  # the label; else the formula when short ("w0·x0"); else v1, v2, ... in order
    op: str  # what the header writes after "name = ": the formula, "" when the name is it
    data: float
    grad: float
    value: Value
    formula: str = ""  # the operation in its operands' names, "b + 1", "tanh(n)"; "" for a leaf

    @property
    def leaf(self) -> bool:
        return not self.value.parents


@dataclass(frozen=True)
class EdgeInfo:
    parent: str
    child: str
    local_grad: float  # nan where ``custom``
    formula: str = ""  # the local derivative in the operands' names: "d" for ∂(c*d)/∂c
    custom: bool = False  # the child's backward is the user's own function (_backward)
    weighted: bool = False  # a weighted edge of a contracted sum (viz.contraction): its weight


@dataclass(frozen=True)
class ConstantInfo:
    """A number that entered an operation (``x * 2``, ``1 - y``): not a node of the graph, but
    a picture may show it as one."""

    id: str
    child: str
    value: float
    name: str = ""  # "x0" when a diagram knows it is the model's input 0


@dataclass(frozen=True)
class GraphDescription:
    nodes: tuple[NodeInfo, ...]
    edges: tuple[EdgeInfo, ...]
    constants: tuple[ConstantInfo, ...] = ()

    def node(self, node_id: str) -> NodeInfo:
        """The node with id ``node_id`` ("n3")."""
        return self._by_id[node_id]

    @cached_property
    def _by_id(self) -> dict[str, NodeInfo]:
        return {node.id: node for node in self.nodes}

    def node_of(self, value: Value) -> NodeInfo:
        for node in self.nodes:
            if node.value is value:
                return node
        raise KeyError(value)


def copies(graph: GraphDescription, prefixes: Sequence[str]) -> GraphDescription:
    """One graph made of a copy of ``graph`` per prefix, the copy's ids prefixed with it
    ("p1_n3"): small multiples draw one copy per path. Copy k's nodes, edges and constants come
    k-th, each in the order of ``graph``'s."""

    def copy(prefix: str) -> GraphDescription:
        return GraphDescription(
            tuple(replace(n, id=prefix + n.id) for n in graph.nodes),
            tuple(replace(e, parent=prefix + e.parent, child=prefix + e.child)
                  for e in graph.edges),
            tuple(replace(c, id=prefix + c.id, child=c.child and prefix + c.child)
                  for c in graph.constants),
        )  # fmt: skip

    parts = [copy(prefix) for prefix in prefixes]
    return GraphDescription(
        tuple(n for part in parts for n in part.nodes),
        tuple(e for part in parts for e in part.edges),
        tuple(c for part in parts for c in part.constants),
    )


def describe(
    root: Value,
    max_nodes: int = DEFAULT_MAX_NODES,
    *,
    names: Mapping[Value, str] | None = None,
    constant_names: Mapping[Value, str] | None = None,
    scopes: Mapping[Value, object] | None = None,
) -> GraphDescription:
    """The nodes and edges of ``root``'s graph; raises ``GraphTooLargeError`` past ``max_nodes``.

    ``names`` names nodes (a model's parameters; before their labels); ``constant_names`` names
    the constant of an operation (``{w0 * 2: "x0"}`` writes ``w0·x0``); formula names are kept
    unique within each of the ``scopes`` a node is mapped to (a neuron's box), else in the graph.
    """
    order = drawable_order(root, max_nodes)
    constant_names = constant_names or {}
    ids = {v: f"n{i}" for i, v in enumerate(order)}
    named = _Names(order, names or {}, constant_names, scopes or {})
    nodes = tuple(
        NodeInfo(ids[v], named.name[v], named.header(v), v.data, v.grad, v, named.formula(v))
        for v in order
    )
    edges = tuple(
        EdgeInfo(
            ids[p],
            ids[v],
            math.nan if d is None else d,
            local_formula(v, i, named.name),
            custom=d is None,
        )  # fmt: skip
        for v in order
        for i, (p, d) in enumerate(zip(v.parents, v.local_grads, strict=True))
    )
    constants = tuple(
        ConstantInfo(f"k{i}", ids[v], float(v.constant or 0.0), constant_names.get(v, ""))
        for i, v in enumerate(v for v in order if has_constant_operand(v))
    )
    return GraphDescription(nodes, edges, constants)


def drawable_order(root: object, max_nodes: object) -> list[Value]:
    """root's graph in topological order, once root and max_nodes are checked."""
    if not isinstance(root, Value):
        raise TypeError(f"expected a Value to draw, got {type(root).__name__}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int, got {max_nodes!r}")
    order = topological_order(root)
    if len(order) > max_nodes:
        raise GraphTooLargeError(len(order), max_nodes)
    return order


def has_constant_operand(v: Value) -> bool:
    """Whether a number entered v's operation as an operand (``x * 2``, ``1 - x``, ``2 ** x``);
    an exponent (``x ** 2``) or a function's parameter (a leaky_relu slope) is not one."""
    op = v.operation
    return v.constant is not None and op.name in ("+", "-", "*", "/") or op is ops.RPOW_CONST


def local_formula(v: Value, i: int, names: Mapping[Value, str]) -> str:
    """d(v)/d(v's i-th parent) written in the operands' names, from the operation's own
    template in ``autograd.ops``: "b" for ∂(a*b)/∂a, "1 - o²" for tanh; "" when it has none."""
    template = v.operation.derivative_text
    parents = v.parents
    if isinstance(template, tuple):
        template = template[i]
        args = {"a": symbol(names[parents[0]]), "b": symbol(names[parents[1]])}
    else:
        args = {"x": symbol(names[parents[0]])}
        if v.constant is not None:
            args["c"] = number(v.constant)
    return template.format(out=symbol(names[v]), **args) if template else ""


MAX_FORMULA_NAME = 14  # characters: a longer formula makes a box too wide, and v<k> is used
MAX_SYMBOL = 32  # characters of a name inside ∂-notation (edge labels, rows, captions)
MAX_OPERAND = 16  # characters of an operand's name in a header's formula


def written(
    v: Value, operands: Sequence[tuple[str, int]], const: str = "", compact: bool = False
) -> tuple[str, int]:
    """v's operation written with ``operands`` ((text, precedence) per parent) and its constant:
    ("b + 1", SUM), or compact for a name ("b+1", "w0·x0", "(y-t)²"). Operands are put in
    parentheses where the operation binds tighter: "(a + b) * c", "a - (b - c)"."""
    op = v.operation
    template = op.template
    if compact and (op.precedence != ops.ATOM or op in ops.FUNCTIONS):  # not from_op's names
        if op is ops.POW_CONST and v.constant in (2, 3):
            template = "{x}²" if v.constant == 2 else "{x}³"
        template = template.replace(" * ", "·").replace(" ** ", "^").replace(" ", "")
    tight = op.precedence
    keys = ("x",) if len(operands) == 1 else ("a", "b")
    args = {}
    for key, (text, precedence) in zip(keys, operands, strict=True):
        right = key == "b" or key == "x" and template.index("{x}") > template.find("{c}") >= 0
        args[key] = f"({text})" if _grouped(op, tight, precedence, right) else text
    if "{c}" in template:
        args["c"] = const if not const.startswith("-") else f"({const})"
    return template.format(**args), tight


def _grouped(op: ops.Op, tight: int, precedence: int, right: bool) -> bool:
    """Whether an operand of the given precedence needs parentheses in op's formula."""
    if tight == ops.ATOM:  # a function: its operand is already in its parentheses
        return False
    if precedence != tight:
        return precedence < tight
    return tight == ops.POWER or (right and op.name in ("-", "/")) or op is ops.NEG


class _Names:
    """The display names of a graph's nodes, given in topological order (see ``describe``)."""

    def __init__(
        self,
        order: list[Value],
        given: Mapping[Value, str],
        constant_names: Mapping[Value, str],
        scopes: Mapping[Value, object],
    ) -> None:
        self.name: dict[Value, str] = {}
        self.precedence: dict[Value, int] = {}
        self.derived: set[Value] = set()
        self.constant_names = constant_names
        used: set[tuple[object, str]] = set()
        taken = {v.label for v in order} | set(given.values())
        count = 0
        for v in order:
            name = given.get(v) or v.label
            precedence = ops.ATOM if re.fullmatch(r"[\w.]+", name) else 0
            if not name and v.parents:
                text, tight = self.write(v, compact=True)
                key = (scopes.get(v), text)
                if len(text) <= MAX_FORMULA_NAME and key not in used and text not in taken:
                    used.add(key)
                    name, precedence = text, tight
                    self.derived.add(v)
            while not name:
                count += 1
                name = f"v{count}" if f"v{count}" not in taken else ""
                precedence = ops.ATOM
            self.name[v] = name
            self.precedence[v] = precedence

    def write(self, v: Value, compact: bool = False, shorten: bool = False) -> tuple[str, int]:
        operands = []
        for p in v.parents:
            text = self.name[p]
            if shorten and len(text) > MAX_OPERAND:
                text = text[: MAX_OPERAND - 1] + "…"
            operands.append((text, self.precedence[p]))
        const = ""
        if v.constant is not None:
            const = self.constant_names.get(v, "") or number(v.constant)
        return written(v, operands, const, compact)

    def formula(self, v: Value) -> str:
        return self.write(v)[0] if v.parents else ""

    def header(self, v: Value) -> str:
        """The header's text after "name = ": "" for a leaf and where the name is the formula."""
        if not v.parents or v in self.derived:
            return ""
        return self.write(v, shorten=True)[0]


def node_names(order: list[Value]) -> dict[Value, str]:
    """Each node's display name (see ``describe``), for nodes in topological order."""
    return _Names(order, {}, {}, {}).name


def symbol(name: str) -> str:
    """A node name as it reads inside ∂-notation: compound names get parentheses, ∂(a+b)/∂b;
    a name longer than ``MAX_SYMBOL`` characters is shortened around "…"."""
    if len(name) > MAX_SYMBOL:
        name = name[: MAX_SYMBOL - 9] + "…" + name[-8:]
    return name if re.fullmatch(r"[\w.…]+", name) else f"({name})"


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


def input_value(graph: GraphDescription, x: Value) -> str:
    """x's name as it reads in ∂-notation, whether or not x is in the graph."""
    for node in graph.nodes:
        if node.value is x:
            return symbol(node.name)
    return symbol(x.label or "x")
