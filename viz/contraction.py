"""Contraction: each linear combination c₁·x₁ + c₂·x₂ + ... drawn as weighted edges xᵢ → sum,
as (α+β+γ)(δ+ε+ζ) is usually drawn (C. Olah, *Calculus on Computational Graphs:
Backpropagation*, 2015): X ⇉ Y ⇉ Z, three edges each, a path's product αδ = 2·7.

Built with Values, Y = α·X + β·X + γ·X is the nodes α·X, β·X, γ·X, α·X + β·X and Y, and a path
reads 2·1·1·7·1·1. ``contract(graph, x)`` rewrites the description (data flows describe →
contract → annotate → write → render; the Values are untouched):

- a **sum** is a node made by ``+`` or ``-`` (of two Values, or of a Value and a number). Its
  **terms** are its operands, where an operand that is itself a sum is replaced by its own
  terms (with its sign) when it is *absorbable*: unlabelled, used by this sum only, neither x
  nor the root. The chain is followed as far as it goes (maximal); a number added is kept in the
  sum's formula.
- a term that is an absorbable **product** c·u becomes one edge u → sum whose local derivative is
  the product of the derivatives along the way (±c): the multiplier c is a number (``2 * u``,
  ``u * 2``) or a leaf Value that is not x and not u (``α * u``; when both operands are such
  leaves, the left one is the multiplier: write c·x, as the figure does). The edge's formula is the
  leaf's name (``α``) or the number; a leaf left without any edge is no longer drawn.
- any other term u becomes an edge u → sum of derivative ±1. Terms with the same u stay separate,
  parallel edges: three paths X ⇉ Y, as in the figure.

A sum whose chain absorbs nothing is left as it is, so a graph without linear combinations comes
back unchanged (the same object). Every derivative with respect to x is unchanged (the
multipliers do not depend on x); what changes is the graph the paths and the multiplications are
counted on. ``contracted_figure`` gives a ``Figure`` whose path sums, sweeps and factorization
are computed on the contracted description (``viz.graph_paths``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from autograd import Factorization, ForwardMode, Path, PathSum, ReverseMode, Value, ops

from .description import (
    MAX_FORMULA_NAME,
    EdgeInfo,
    GraphDescription,
    NodeInfo,
    local_formula,
    number,
    symbol,
    written,
)
from .figure import Figure
from .graph_paths import DescribedPaths
from .labels import edge_indices, factor_text
from .scene import Line, Options, line

SUMS = (ops.ADD, ops.SUB, ops.ADD_CONST, ops.SUB_CONST, ops.RSUB_CONST)  # a + b, a - b, a + 1...
COUNTED = "in the contracted graph"


@dataclass(frozen=True)
class _Term:
    """One term of a sum: an edge source → sum of local derivative ``weight``."""

    source: str  # the node id the edge leaves
    weight: float  # the product of the local derivatives from source to the sum
    text: str = ""  # the multiplier without its sign: a leaf's name ("α"), a number, "" for 1
    negative: bool = False
    product: str = ""  # the id of the product node c·u the term replaces, if any

    @property
    def formula(self) -> str:
        return ("-" if self.negative else "") + (self.text or "1")


def check_contract(contract: object) -> bool:
    if not isinstance(contract, bool):
        raise TypeError(
            f"contract must be True (each linear combination drawn as weighted edges into its "
            f"sum) or False (the Value graph as built), got {contract!r}"
        )
    return contract


def contract(graph: GraphDescription, x: Value | None) -> GraphDescription:
    """``graph`` with every maximal linear combination drawn as weighted edges (see the module's
    docstring); ``graph`` itself when there is none."""
    uses: dict[str, int] = {n.id: 0 for n in graph.nodes}
    into: dict[str, list[EdgeInfo]] = {n.id: [] for n in graph.nodes}
    consumer: dict[str, str] = {}
    for edge in graph.edges:
        uses[edge.parent] += 1
        into[edge.child].append(edge)
        consumer[edge.parent] = edge.child
    root = graph.nodes[-1].id

    def absorbable(node: NodeInfo) -> bool:
        custom = any(e.custom for e in into[node.id])
        return not (uses[node.id] != 1 or node.value.label or node.value is x or node.id == root
                    or custom)  # fmt: skip

    def term(part: NodeInfo, sign: float) -> _Term:
        v = part.value
        if absorbable(part) and v.operation is ops.MUL_CONST:
            weight = sign * into[part.id][0].local_grad
            text = number(abs(weight)) if abs(weight) != 1 else ""
            return _Term(into[part.id][0].parent, weight, text, weight < 0, part.id)
        if absorbable(part) and v.operation is ops.MUL and v.parents[0] is not v.parents[1]:
            leaves = [not p.parents and p is not x for p in v.parents]
            if any(leaves):
                k = 0 if leaves[0] else 1  # the multiplier: the left one when both could be
                c, source = graph.node_of(v.parents[k]), into[part.id][1 - k]
                weight = sign * source.local_grad
                if c.value.label:
                    return _Term(source.parent, weight, symbol(c.name), sign < 0, part.id)
                text = number(abs(weight)) if abs(weight) != 1 else ""
                return _Term(source.parent, weight, text, weight < 0, part.id)
        return _Term(part.id, sign, "", sign < 0)

    absorbed: set[str] = set()
    sums: dict[str, tuple[list[_Term], float]] = {}
    for node in graph.nodes:
        if node.value.operation not in SUMS or (
            absorbable(node) and graph.node(consumer[node.id]).value.operation in SUMS
        ):  # not a sum, or a part of the sum that uses it
            continue
        terms: list[_Term] = []
        offset, inside = 0.0, []
        stack: list[tuple[bool, NodeInfo, float]] = [(True, node, 1.0)]
        while stack:  # depth first, the left operand first, without recursion
            is_sum, at, sign = stack.pop()
            if not is_sum:
                terms.append(term(at, sign))
                continue
            op, c = at.value.operation, at.value.constant
            if c is not None:  # a number added: kept in the sum's formula
                offset += sign * (-c if op is ops.SUB_CONST else c)
            for edge in reversed(into[at.id]):
                part = graph.node(edge.parent)
                inner = part.value.operation in SUMS and absorbable(part)
                if inner:
                    inside.append(part.id)
                stack.append((inner, part, sign * edge.local_grad))
        if inside or any(t.product for t in terms):
            absorbed.update(inside)
            absorbed.update(t.product for t in terms if t.product)
            sums[node.id] = (terms, offset)
    if not sums:
        return graph
    return _rewrite(graph, sums, absorbed, into, x)


def _rewrite(
    graph: GraphDescription,
    sums: dict[str, tuple[list[_Term], float]],
    absorbed: set[str],
    into: dict[str, list[EdgeInfo]],
    x: Value | None,
) -> GraphDescription:
    """The description with each sum's incoming edges replaced by its terms' weighted edges, the
    sums' formulas written in their terms, and what reads a renamed node's name rewritten."""
    kept_edges = [e for e in graph.edges if e.child not in sums and e.child not in absorbed]
    used = {e.parent for e in kept_edges} | {t.source for terms, _ in sums.values() for t in terms}
    root = graph.nodes[-1].id
    kept = [n for n in graph.nodes  # not absorbed, nor a multiplier now written on its edges
            if n.id not in absorbed and (n.id in used or n.id == root or n.value is x)]  # fmt: skip
    taken = {n.name for n in kept}
    nodes: dict[str, NodeInfo] = {}
    edges: list[EdgeInfo] = []
    renamed: set[str] = set()
    for node in kept:
        incoming = into[node.id]
        if node.id in sums:
            terms, offset = sums[node.id]
            nodes[node.id] = _sum_node(node, terms, offset, nodes, taken)
            incoming = [EdgeInfo(t.source, node.id, t.weight, t.formula, weighted=True)
                        for t in terms]  # fmt: skip
        elif any(e.parent in renamed for e in incoming):
            nodes[node.id], incoming = _rewritten(node, incoming, nodes, taken)
        else:
            nodes[node.id] = node
        if nodes[node.id].name != node.name:
            renamed.add(node.id)
        edges += incoming
    ids = set(nodes)
    constants = tuple(c for c in graph.constants if c.child in ids)
    return GraphDescription(tuple(nodes.values()), tuple(edges), constants)


def _named(node: NodeInfo, formula: str, compact: str, taken: set[str]) -> NodeInfo:
    """``node`` with a new formula; its name too where the old one was derived from it."""
    if node.value.label or node.op:  # the name is not the formula: keep it
        return replace(node, op=formula, formula=formula)
    if len(compact) <= MAX_FORMULA_NAME and compact not in taken:
        taken.add(compact)
        return replace(node, name=compact, op="", formula=formula)
    name = next(f"v{k}" for k in range(1, len(taken) + 2) if f"v{k}" not in taken)
    taken.add(name)
    return replace(node, name=name, op=formula, formula=formula)


def _sum_node(
    node: NodeInfo,
    terms: list[_Term],
    offset: float,
    nodes: dict[str, NodeInfo],
    taken: set[str],
) -> NodeInfo:
    """A sum's node with its formula written in its terms: "α·X + β·X + γ·X"."""
    text = ""
    for i, t in enumerate(terms):
        source = symbol(nodes[t.source].name)
        part = f"{t.text}·{source}" if t.text else source
        sign = ("-" if t.negative else "") if i == 0 else (" - " if t.negative else " + ")
        text += sign + part
    if offset:
        text += f" - {number(-offset)}" if offset < 0 else f" + {number(offset)}"
    return _named(node, text, text.replace(" ", ""), taken)


def _rewritten(
    node: NodeInfo, incoming: list[EdgeInfo], nodes: dict[str, NodeInfo], taken: set[str]
) -> tuple[NodeInfo, list[EdgeInfo]]:
    """A node that reads a renamed node: its formula and its edges' formulas in the new names."""
    v = node.value
    names = {nodes[e.parent].value: nodes[e.parent].name for e in incoming}
    names[v] = node.name
    operands = [(name, ops.ATOM if re.fullmatch(r"[\w.]+", name) else 0)
                for name in (nodes[e.parent].name for e in incoming)]  # fmt: skip
    const = "" if v.constant is None else number(v.constant)
    formula = written(v, operands, const)[0]
    node = _named(node, formula, written(v, operands, const, compact=True)[0], taken)
    names[v] = node.name
    edges = [replace(e, formula=local_formula(v, i, names)) for i, e in enumerate(incoming)]
    return node, edges


class ContractedFigure(Figure):
    """A figure whose description is contracted: its path sums, sweeps and factorization are
    counted on the contracted description's edges, not on the Values' edges."""

    def __init__(self, fig: Figure, graph: GraphDescription) -> None:
        vars(self).update(vars(fig))  # the same figure (options, root, x), but for the graph
        self._once = {}
        self.value_graph = fig.graph
        self.graph = graph
        self.paths = DescribedPaths(graph)

    def reverse(self) -> ReverseMode:
        return self.once("reverse", lambda: self.paths.reverse_mode(self.root))

    def forward(self) -> ForwardMode:
        return self.once("forward", lambda: self.paths.forward_mode(self.root, self.wrt))

    def count_paths(self) -> int:
        return self.once("count", lambda: self.paths.count_paths(self.root, self.wrt))

    def path_sum(self, max_paths: int) -> PathSum:
        return self.once(
            ("paths", max_paths), lambda: self.paths.path_sum(self.root, self.wrt, max_paths)
        )

    def _factorize(self, max_paths: int) -> Factorization:
        return self.paths.factorize(self.root, self.wrt, max_paths)


def contracted_figure(root: Value, x: Value | None, options: Options, contract_: bool) -> Figure:
    """``Figure(root, x, options)``, with its description contracted when ``contract_``."""
    fig = Figure(root, x, options)
    if check_contract(contract_):
        graph = contract(fig.graph, x)
        if graph is not fig.graph:
            return ContractedFigure(fig, graph)
    return fig


def engine(fig: Figure) -> DescribedPaths | None:
    """What a figure's paths are counted with: its contracted description, or None for the
    Value graph (``autograd``'s functions)."""
    return fig.paths if isinstance(fig, ContractedFigure) else None


def counted_in(fig: Figure) -> str:
    """ " in the contracted graph" for a contracted figure's multiplication counts, else ""."""
    return f" {COUNTED}" if isinstance(fig, ContractedFigure) else ""


def symbolic_product(fig: Figure, path: Path) -> str:
    """A contracted figure's path as the product of its multipliers' names, "αδ" ("α·w0" where
    a name is longer than a letter), factors 1 left out; "" where that reads as its numbers or
    the figure is not contracted."""
    if not isinstance(fig, ContractedFigure):
        return ""
    factors = [factor_text(fig.graph, i) for i in edge_indices(fig.graph, path)]
    shown = [f for f in factors if f != "1"] or ["1"]
    text = ("" if all(len(f) == 1 and f.isalpha() for f in shown) else "·").join(shown)
    numbers = "·".join(number(e.local_grad) for e in path.edges)
    return "" if text in (numbers, "1") else text


def product_text(fig: Figure, path: Path, factors: str) -> str:
    """ "2·7 = 14" from a path's ``factors`` written in numbers, or for a contracted figure
    "αδ = 2·7 = 14" ("a = 2" for a single factor)."""
    product, symbols = number(path.product), symbolic_product(fig, path)
    if not symbols:
        return f"{factors} = {product}"
    return f"{symbols} = {product}" if factors == product else f"{symbols} = {factors} = {product}"


def contraction_rows(fig: Figure) -> list[tuple[tuple[str, ...], Line]]:
    """The row a contracted figure's legend adds: what its edges are, and what is counted."""
    if not isinstance(fig, ContractedFigure):
        return []
    return [((), line(
        "contract=True: each sum c₁·x₁ + c₂·x₂ + ... is drawn as weighted edges xᵢ → sum, "
        "labelled with their multipliers; paths and multiplications are counted in this "
        "contracted graph, the derivatives are the Value graph's"))]  # fmt: skip
