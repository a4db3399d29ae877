"""The views over one graph, and ``explain``: the same derivative drawn and told several ways."""

from __future__ import annotations

from autograd import Value, count_paths, forward_mode, path_sum, reverse_mode, topological_order

from .describe import DEFAULT_MAX_NODES, GraphDescription, describe, node_names, number, symbol
from .dot import PATH_COLOURS, Annotation, build_dot
from .render import Diagram

DEFAULT_MAX_PATHS = 12


def draw_graph(root: Value, rankdir: str = "LR", max_nodes: int = DEFAULT_MAX_NODES) -> Diagram:
    """Every node's value and gradient, every edge's local derivative.

    Before any backward pass has reached the graph, the picture says so instead of showing a
    column of zero gradients.
    """
    graph = describe(root, max_nodes)
    reached = any(n.grad != 0.0 for n in graph.nodes)
    if reached:
        annotation = Annotation("grad", {n.id: n.grad for n in graph.nodes})
        title = ""
    else:
        annotation = None
        title = "no backward pass yet: call .backward() to see the gradients"
    return Diagram(build_dot(graph, rankdir, annotation, title))


draw_dot = draw_graph  # the name micrograd users know


def draw_forward(
    out: Value, x: Value, rankdir: str = "LR", max_nodes: int = DEFAULT_MAX_NODES
) -> Diagram:
    """Forward mode from x: every node annotated with its tangent d(node)/d(x)."""
    graph = describe(out, max_nodes)
    result = forward_mode(out, x)
    names = _symbols(graph)
    xname = names.get(x, symbol(x.label or "x"))
    values = {n.id: result.tangents.get(n.value, 0.0) for n in graph.nodes}
    title = (
        f"forward mode from {xname}: ∂{names[out]}/∂{xname} = {number(result.derivative)} "
        f"({result.multiplications} multiplications, one sweep per input)"
    )
    highlight = [graph.node_of(x).id] if x in names else []
    return Diagram(build_dot(graph, rankdir, Annotation(f"∂·/∂{xname}", values), title, highlight))


def draw_reverse(out: Value, rankdir: str = "LR", max_nodes: int = DEFAULT_MAX_NODES) -> Diagram:
    """Reverse mode from out: every node annotated with its adjoint d(out)/d(node)."""
    graph = describe(out, max_nodes)
    result = reverse_mode(out)
    oname = _symbols(graph)[out]
    values = {n.id: result.adjoints.get(n.value, 0.0) for n in graph.nodes}
    title = (
        f"reverse mode from {oname}: all ∂{oname}/∂· in one sweep "
        f"({result.multiplications} multiplications)"
    )
    return Diagram(
        build_dot(
            graph, rankdir, Annotation(f"∂{oname}/∂·", values), title, [graph.node_of(out).id]
        )  # fmt: skip
    )


def draw_paths(
    out: Value,
    x: Value,
    rankdir: str = "LR",
    max_paths: int = DEFAULT_MAX_PATHS,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> Diagram:
    """The path sum beside the factorized result.

    Each path from x to out is drawn in its own colour; the legend lists each path's product of
    local derivatives and their sum, next to forward and reverse mode and the number of
    multiplications each needed. With more than ``max_paths`` paths, the legend gives their exact
    number instead of the list.
    """
    graph = describe(out, max_nodes)
    names = _symbols(graph)
    xname, oname = names.get(x, symbol(x.label or "x")), names[out]
    forward, reverse = forward_mode(out, x), reverse_mode(out)
    count = count_paths(out, x)
    overlays, rows = [], []
    if count <= max_paths:
        result = path_sum(out, x, max_paths=max_paths)
        for i, path in enumerate(result.paths):
            colour = PATH_COLOURS[i % len(PATH_COLOURS)]
            route = " → ".join(names[v] for v in path.nodes)
            factors = "·".join(number(e.local_grad) for e in path.edges)
            rows.append((colour, f"path {i + 1}: {route}: {factors} = {number(path.product)}"))
            for e in path.edges:
                overlays.append((graph.node_of(e.parent).id, graph.node_of(e.child).id, colour,
                                 f"path {i + 1}"))  # fmt: skip
        rows.append(("", f"path sum: {count} paths, total {number(result.total)} "
                         f"({result.multiplications} multiplications)"))  # fmt: skip
    else:
        rows.append(
            ("", f"path sum: {count} paths, too many to list (limit max_paths={max_paths})")
        )
    rows.append(("", f"forward mode from {xname}: {number(forward.derivative)} "
                     f"({forward.multiplications} multiplications)"))  # fmt: skip
    rows.append(("", f"reverse mode from {oname}: {number(reverse.derivative(x))} "
                     f"({reverse.multiplications} multiplications)"))  # fmt: skip
    title = f"∂{oname}/∂{xname}: the sum over paths versus factorization"
    highlight = [n.id for n in graph.nodes if n.value is x or n.value is out]
    source = build_dot(graph, rankdir, None, title, highlight, overlays, rows)
    return Diagram(source, explain(out, x))


def explain(out: Value, x: Value, max_paths: int = DEFAULT_MAX_PATHS) -> str:
    """The derivative of out with respect to x in words and numbers, e.g.

        ∂e/∂b = ∂e/∂c·∂c/∂b + ∂e/∂d·∂d/∂b = 2·1 + 3·1 = 5

    followed by the paths with their products, and the multiplications each method needs.
    """
    if not isinstance(out, Value) or not isinstance(x, Value):
        raise TypeError("explain(out, x) takes two Values")
    names = {v: symbol(n) for v, n in node_names(topological_order(out)).items()}
    if x not in names:
        return f"∂{names[out]}/∂{symbol(x.label or 'x')} = 0: {names[out]} does not depend on it"
    reverse = reverse_mode(out)
    forward = forward_mode(out, x)
    oname, xname = names[out], names[x]
    # The chain rule at x: one term per edge leaving x (towards nodes that reach out).
    terms = [
        (child, d)
        for child in names
        for p, d in zip(child.parents, child.local_grads, strict=True)
        if p is x
    ]
    if x is out:
        lines = [f"∂{oname}/∂{oname} = 1"]
    else:
        symbolic = " + ".join(f"∂{oname}/∂{names[c]}·∂{names[c]}/∂{xname}" for c, _ in terms)
        numeric = " + ".join(f"{number(reverse.derivative(c))}·{number(d)}" for c, d in terms)
        lines = [f"∂{oname}/∂{xname} = {symbolic} = {numeric} = {number(reverse.derivative(x))}"]
    count = count_paths(out, x)
    if count <= max_paths:
        result = path_sum(out, x, max_paths=max_paths)
        products = [
            f"{'→'.join(names[v] for v in p.nodes) or xname}: "
            f"{'·'.join(number(e.local_grad) for e in p.edges) or '1'} = {number(p.product)}"
            for p in result.paths
        ]
        lines.append(f"paths from {xname} to {oname} ({count}): " + "; ".join(products))
        lines.append(f"sum over paths = {number(result.total)}")
        mults = f"path sum {result.multiplications}"
    else:
        lines.append(f"paths from {xname} to {oname}: {count}, too many to list")
        mults = "path sum (not listed)"
    lines.append(
        f"multiplications: {mults}, forward mode {forward.multiplications}, "
        f"reverse mode {reverse.multiplications}"
    )
    return "\n".join(lines)


def _symbols(graph: GraphDescription) -> dict[Value, str]:
    """Each drawn node's name as it reads in ∂-notation."""
    return {n.value: symbol(n.name) for n in graph.nodes}
