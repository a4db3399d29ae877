"""``explain``: the derivation of one derivative as text, from a figure's description."""

from __future__ import annotations

from .contraction import counted_in, product_text
from .description import number, symbol
from .figure import Figure
from .labels import COUNT_RULE, factor, factorization_text

DEFAULT_MAX_PATHS = 12


def explain_text(fig: Figure, max_paths: int = DEFAULT_MAX_PATHS) -> str:
    """∂out/∂x in words and numbers (see ``viz.explain``), for the figure's root and x."""
    out, x = fig.root, fig.x
    names = {n.value: symbol(n.name) for n in fig.graph.nodes}
    if x not in names:
        label = x.label if x is not None else ""
        return f"∂{names[out]}/∂{symbol(label or 'x')} = 0: {names[out]} does not depend on it"
    reverse = fig.reverse()
    forward = fig.forward()
    oname, xname = names[out], names[x]
    # The chain rule at x: one term per edge leaving x (towards nodes that reach out).
    graph = fig.graph
    terms = [e for e in graph.edges if graph.node(e.parent).value is x]
    if x is out:
        lines = [f"∂{oname}/∂{oname} = 1"]
    else:
        children = [graph.node(e.child).value for e in terms]
        # A contracted sum's edge (contract=True) is its weight: ∂Z/∂Y·α, or α into out.
        weights = [e.weighted and c is out for c, e in zip(children, terms, strict=True)]
        symbolic = " + ".join(
            (e.formula if w else f"∂{oname}/∂{names[c]}·")
            + ("" if w else e.formula if e.weighted else f"∂{names[c]}/∂{xname}")
            for c, e, w in zip(children, terms, weights, strict=True)
        )
        numeric = " + ".join(
            ("" if w else f"{factor(reverse.derivative(c))}·") + factor(e.local_grad)
            for c, e, w in zip(children, terms, weights, strict=True)
        )
        lines = [f"∂{oname}/∂{xname} = {symbolic} = {numeric} = {number(reverse.derivative(x))}"]
    count = fig.count_paths()
    if count <= max_paths:
        result = fig.path_sum(max_paths)
        products = [
            f"{'→'.join(names[v] for v in p.nodes) or xname}: "
            + product_text(fig, p, "·".join(factor(e.local_grad) for e in p.edges) or "1")
            for p in result.paths
        ]
        lines.append(f"paths from {xname} to {oname} ({count}): " + "; ".join(products))
        lines.append(f"sum over paths = {number(result.total)}")
        mults = f"path sum {result.multiplications}"
    else:
        lines.append(f"paths from {xname} to {oname}: {count}, too many to list")
        mults = "path sum (not listed)"
    if count > 1:
        factored = factorization_text(fig.graph, fig.factorization())
        if factored:
            lines.append(factored)
    lines.append(
        f"multiplications{counted_in(fig)}: {mults}, forward mode {forward.multiplications}, "
        f"reverse mode {reverse.multiplications} (all inputs at once)"
    )
    lines.append(f"({COUNT_RULE})")
    return "\n".join(lines)
