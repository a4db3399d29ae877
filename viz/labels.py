"""Texts the views share: edge labels, the counting rule, paths located on the description, the
factorized sum over paths in one line, and which nodes are bookkeeping."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from autograd import Factorization, Path, Value, ops
from autograd import count_paths as _count_paths
from autograd import forward_mode as _forward_mode
from autograd import path_sum as _path_sum

from .description import GraphDescription, number, symbol

COUNT_RULE = (
    "counting one multiplication per product of two numbers, the ×1 of + edges included; "
    "the seed 1 is never multiplied in"
)
CUSTOM_BACKWARD = "custom backward"  # an edge whose local derivative is the user's _backward
WHY_REVERSE = (
    "reverse mode wins on networks: one sweep gives the derivative for every input, while paths "
    "are listed again for each input and their number grows exponentially with depth"
)


def factor(value: float) -> str:
    """A number as a factor of a product: a negative one in parentheses ("0.5·(-3)")."""
    text = number(value)
    return f"({text})" if text.startswith("-") else text


def plural(count: int, noun: str) -> str:
    """ "1 path", "2 paths"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def local_text(
    graph: GraphDescription, i: int, symbolic: bool = False, longest: int | None = None
) -> str:
    """ "∂e/∂c = 2", or with ``symbolic`` "∂e/∂c = d = 2" where the rule names an operand;
    just "∂ = 2" where the names would make it longer than ``longest`` characters."""
    edge = graph.edges[i]
    child, parent = symbol(graph.node(edge.child).name), symbol(graph.node(edge.parent).name)
    if edge.custom:  # the child's backward is a function of the user's
        return CUSTOM_BACKWARD
    value = number(edge.local_grad)
    if edge.weighted:  # a contracted sum's edge (viz.contraction): its weight, "α = 2"
        text = f"{edge.formula} = {value}" if edge.formula not in ("", value) else value
    elif symbolic and edge.formula and edge.formula != value:
        text = f"∂{child}/∂{parent} = {edge.formula} = {value}"
    else:
        text = f"∂{child}/∂{parent} = {value}"
    return text if longest is None or len(text) <= longest else f"∂ = {value}"


def edge_indices(graph: GraphDescription, path: Path) -> list[int]:
    """The description's edge index for each edge of an ``autograd`` path, in order."""
    index = {}
    slots: dict[str, int] = {}
    for i, edge in enumerate(graph.edges):
        slot = slots.get(edge.child, 0)
        index[(edge.child, slot)] = i
        slots[edge.child] = slot + 1
    return [index[(graph.node_of(e.child).id, e.slot)] for e in path.edges]


def factor_text(graph: GraphDescription, i: int) -> str:
    """One edge's factor in a symbolic product: its formula, or its number."""
    edge = graph.edges[i]
    text = edge.formula or number(edge.local_grad)
    return f"({text})" if any(ch in text for ch in " +-") and not text.startswith("(") else text


def route(graph: GraphDescription, path: Path) -> str:
    """ "b → c → e"."""
    return " → ".join(graph.node_of(v).name for v in path.nodes)


def inputs_comparison(
    graph: GraphDescription, reverse_mults: int, max_paths: int, engine: Any = None
) -> str:
    """The cost of every input's derivative by each method, on this graph (with ``engine``'s
    ``count_paths``, ``forward_mode`` and ``path_sum``: ``autograd``'s by default)."""
    count_paths, forward_mode, path_sum = (
        (_count_paths, _forward_mode, _path_sum)
        if engine is None
        else (engine.count_paths, engine.forward_mode, engine.path_sum)
    )
    out = graph.nodes[-1].value
    leaves = [n for n in graph.nodes if not n.value.parents and n.value is not out]
    if len(leaves) < 2:
        return ""
    names = ", ".join(n.name for n in leaves[:4]) + (", …" if len(leaves) > 4 else "")
    forward = sum(forward_mode(out, n.value).multiplications for n in leaves)
    if all(count_paths(out, n.value) <= max_paths for n in leaves):
        paths = str(sum(path_sum(out, n.value, max_paths).multiplications for n in leaves))
    else:
        paths = f"more than {max_paths} paths to list"
    sweeps = f"{len(leaves)} sweep{'s' if len(leaves) > 1 else ''}"
    return (
        f"every input's derivative ({names}): path sums {paths}, forward mode {forward} "
        f"in {sweeps}, reverse mode {reverse_mults} in 1 sweep"
    )


MAX_BRACKETS_SHOWN = 6
MAX_TERMS_SHOWN = 8


def bracket(graph: GraphDescription, paths: Iterable[Path]) -> tuple[list[str], list[str]]:
    """A segment's path products as terms: symbolic ("α") and numeric ("2")."""
    symbolic, numeric = [], []
    for path in paths:
        factors = [factor_text(graph, i) for i in edge_indices(graph, path)]
        factors = [f for f in factors if f != "1"]
        symbolic.append("·".join(factors) or "1")
        numeric.append(factor(path.product))
    return symbolic, numeric


def shorten_terms(text: str, limit: int = 60) -> str:
    """A sum "2·7 + 3·7 + 5·7 + ..." of at most ``limit`` characters, cut at the end of a term
    ("2·7 + 3·7 + …"), never inside one (where "3…" would read as a term worth 3)."""
    if len(text) <= limit:
        return text
    cut = max(text.rfind(" + ", 0, limit - 4), text.rfind(" - ", 0, limit - 4))
    return text[:cut] + " + …" if cut > 0 else text[: limit - 1] + "…"


def product_of_brackets(brackets: list[list[str]]) -> str:
    """ "(2+3+5)·(7+11+13)", shortened past a few brackets or terms."""
    parts = []
    for terms in brackets:
        shown = terms if len(terms) <= MAX_TERMS_SHOWN else [*terms[:3], "…", terms[-1]]
        text = "+".join(shown)
        parts.append(f"({text})" if len(terms) > 1 and len(brackets) > 1 else text)
    if len(parts) > MAX_BRACKETS_SHOWN:
        parts = [*parts[:2], "…", parts[-1]]
        return "·".join(parts) + f" ({len(brackets)} brackets)"
    return "·".join(parts)


def factorization_text(graph: GraphDescription, fact: Factorization | None) -> str:
    """One line: where the paths factor and the identity, or "" when they do not."""
    if fact is None or len(fact.segments) < 2:
        return ""
    brackets = [bracket(graph, seg.paths) for seg in fact.segments]
    inner = ", ".join(graph.node_of(v).name for v in fact.shared[1:-1])
    count = 1
    for seg in fact.segments:
        count *= len(seg.paths)
    numeric = product_of_brackets([b[1] for b in brackets])
    symbolic = product_of_brackets([b[0] for b in brackets])
    both = numeric if symbolic == numeric else f"{symbolic} = {numeric}"
    return (
        f"factorized: every path passes through {inner}, so the sum over {plural(count, 'path')} "
        f"= {both} = {number(fact.total)}"
    )


def is_bookkeeping(v: Value) -> bool:
    """A multiply or divide by 1, a multiply by 0, adding or subtracting 0: what a loss's
    averaging and a label's zero leave in the graph."""
    op, c = v.operation, v.constant
    return (op in (ops.MUL_CONST, ops.DIV_CONST) and c == 1) or (
        op in (ops.MUL_CONST, ops.ADD_CONST, ops.SUB_CONST) and c == 0
    )
