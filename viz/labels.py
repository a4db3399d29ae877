"""Texts the views share: edge labels, the counting rule, and paths located on the description."""

from __future__ import annotations

from autograd import Path, Value, count_paths, forward_mode, path_sum

from .describe import GraphDescription, number, symbol

COUNT_RULE = (
    "counting one multiplication per product of two numbers, the ×1 of + edges included; "
    "the seed 1 is never multiplied in"
)
CUSTOM_BACKWARD = "custom backward"  # an edge whose local derivative is the user's _backward
WHY_REVERSE = (
    "reverse mode wins on networks: one sweep gives the derivative for every input, while paths "
    "are listed again for each input and their number grows exponentially with depth"
)


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
    if symbolic and edge.formula and edge.formula != value:
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


def inputs_comparison(graph: GraphDescription, reverse_mults: int, max_paths: int) -> str:
    """The cost of every input's derivative by each method, on this graph."""
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


def input_value(graph: GraphDescription, x: Value) -> str:
    """x's name as it reads in ∂-notation, whether or not x is in the graph."""
    for node in graph.nodes:
        if node.value is x:
            return symbol(node.name)
    return symbol(x.label or "x")
