"""The sum over paths drawn on the graph's own edges, or as small multiples, one path each.

Every edge of the graph is drawn once. An edge on some of the paths is drawn in their colours, as
parallel bands, and its label lists their numbers in the same colours, so that a grey-scale print
still tells the paths apart; an edge of one path also has the path's line pattern and arrowhead
(``viz.themes.PATH_STYLES``: twelve colours, Okabe and Ito's colour-blind-safe palette first).
"""

from __future__ import annotations

import math

from autograd import PathSum

from .contraction import contraction_rows, counted_in, engine, product_text, symbolic_product
from .description import copies, input_value, number
from .figure import Figure
from .labels import (
    COUNT_RULE,
    WHY_REVERSE,
    edge_indices,
    factor,
    inputs_comparison,
    local_text,
    plural,
    route,
    shorten_terms,
)
from .scene import (
    INK,
    MUTED,
    Annotations,
    Cluster,
    EdgeStyle,
    Line,
    NodeStyle,
    Span,
    line,
)
from .sweep import signed_sum
from .themes import path_style

LAYOUTS = ("graph", "multiples")
MAX_MULTIPLES = 12


def path_colour(i: int) -> str:
    """The colour of path number i (1-based)."""
    return path_style(i).colour


def check(fig: Figure, max_paths: int, only: object, layout: object) -> int:
    """The number of paths, once ``only`` and ``layout`` are checked."""
    count = fig.count_paths()
    if only is not None and (
        isinstance(only, bool)
        or not isinstance(only, int)
        or not 1 <= only <= min(count, max_paths)
    ):
        raise ValueError(
            f"only must be a path number from 1 to {count} (as numbered in the legend), got "
            f"{only!r}"
            if count <= max_paths
            else f"only= needs the paths listed, but there are "
            f"{count}, more than max_paths={max_paths}"
        )
    return count


def annotate(
    fig: Figure,
    max_paths: int = 12,
    only: int | None = None,
    layout: str = "graph",
    reveal: bool = False,
) -> Annotations:
    """The paths from x to out on the graph's own edges, or as small multiples (see
    ``viz.draw_paths``). With ``reveal`` (the paths one by one, ``frames(mode="paths")``) and
    ``only=i``, the products of the paths after i and the sum are not written yet."""
    graph, out, x = fig.graph, fig.root, fig.wrt
    count = check(fig, max_paths, only, layout)
    if layout == "multiples":
        return _multiples(fig, count)
    listed = fig.path_sum(max_paths) if count <= max_paths else None
    paths = listed.paths if listed else ()
    through: dict[int, list[int]] = {}
    for number_, path in enumerate(paths, start=1):
        for i in edge_indices(graph, path):
            through.setdefault(i, []).append(number_)

    edges = []
    for i in range(len(graph.edges)):
        numbers = through.get(i, [])
        if not numbers:
            edges.append(EdgeStyle((line(local_text(graph, i), colour=MUTED),), (MUTED,)))
            continue
        # With only=k the other paths' numbers stay, greyed, so that every k has one layout.
        shown = [n for n in numbers if only in (None, n)]
        ink = INK if shown else MUTED
        tags = [Span("path " if len(numbers) == 1 else "paths ", ink)]
        for n in numbers:
            tags += [Span(str(n), path_colour(n) if n in shown else MUTED, bold=True), Span(" ")]
        colours = tuple(path_colour(n) for n in shown) or (MUTED,)
        alone = path_style(shown[0]) if len(shown) == 1 else None  # one band: its pattern too
        lines: tuple[Line, ...] = (line(local_text(graph, i), colour=ink), tuple(tags[:-1]))
        if graph.edges[i].weighted:  # contract=True: a blank line keeps a parallel edge off it
            lines += (line(" "),)
        edges.append(EdgeStyle(lines, colours, width=2.5 if shown else 1.2,
                               pattern=alone.pattern if alone else "",
                               marker=alone.marker if alone else ""))  # fmt: skip
    ends = {graph.node_of(v).id for v in (out, x) if any(n.value is v for n in graph.nodes)}
    nodes = {i: NodeStyle(border=INK) for i in ends}
    xname, oname = input_value(graph, x), input_value(graph, out)
    legend = _legend(fig, listed, count, xname, oname, max_paths, only, reveal)
    title = f"∂{oname}/∂{xname}: the sum over paths versus factorization"
    if only is not None:
        title = f"∂{oname}/∂{xname}: path {only} of {count}"
    short = _short(fig, listed, count, oname, xname, only)
    return Annotations(nodes, edges, title, legend, short=short)


def _short(fig: Figure, listed: PathSum | None, count: int, oname: str, xname: str,
           only: int | None) -> Line:  # fmt: skip
    """The picture's result in one line: ∂e/∂b = 1·2 + 1·3 = 5, sum over 2 paths. (One run of
    text: a renderer may misplace the spaces between runs of different styles.)"""
    lhs = f"∂{oname}/∂{xname}"
    if listed is None:
        total = number(fig.forward().derivative)
        return line(f"{lhs} = {total}, a sum over {count} paths (too many to list: "
                    "draw_factorized groups them)")  # fmt: skip
    factors = ["·".join(number(e.local_grad) for e in p.edges) for p in listed.paths]
    if only is not None:
        product = product_text(fig, listed.paths[only - 1], factors[only - 1])
        # Not the sum: the frames of the paths one by one reach it later.
        return line(f"path {only}: {product}, one of the {count} paths "
                    f"from {xname} to {oname}")  # fmt: skip
    terms = shorten_terms(" + ".join(factors), 48)
    paths = f"sum over {count} paths" if count != 1 else "one path"
    return line(f"{lhs} = {terms} = {number(listed.total)}, {paths}")


def _legend(
    fig: Figure,
    listed: PathSum | None,
    count: int,
    xname: str,
    oname: str,
    max_paths: int,
    only: int | None,
    reveal: bool = False,
) -> list[tuple[tuple[str, ...], Line]]:
    graph, x = fig.graph, fig.wrt
    rows: list[tuple[tuple[str, ...], Line]] = []
    stepping = reveal and only is not None  # some of the legend is for later frames

    def row(text: str, colour: str = "", later: bool = False) -> Line:
        """A legend line; with ``later``, its room only (the frames of the paths one by one)."""
        return line(text, colour=colour, hidden=later, room=text if reveal else "")

    paths = listed.paths if listed else ()
    for n, path in enumerate(paths, start=1):
        factors = "·".join(factor(e.local_grad) for e in path.edges)
        faded = only is not None and n != only  # contract=True: "αδ = 2·7 = 14"
        text = f"path {n}: {route(graph, path)}: {product_text(fig, path, factors)}"
        later = stepping and n > (only or 0)
        rows.append(((MUTED if faded else path_colour(n),),
                     row(text, MUTED if faded else "", later)))  # fmt: skip
    forward, reverse = fig.forward(), fig.reverse()
    where = counted_in(fig)  # contract=True: " in the contracted graph"
    if listed:
        terms = signed_sum(p.product for p in paths)
        which = f"sum over the {count} paths: {terms}" if count > 1 else "the only path"
        cost = f"{listed.multiplications} multiplications{where}"
        rows.append(((), row(f"{which} = {number(listed.total)} ({cost})", later=stepping)))
    else:
        rows.append(((), line(f"{count} paths, too many to list (max_paths={max_paths}): "
                              f"draw_factorized(out, x) groups them")))  # fmt: skip
    rows.append(((), row(f"forward mode from {xname}: {number(forward.derivative)} "
                         f"({forward.multiplications} multiplications{where})",
                         later=stepping)))  # fmt: skip
    cost = f"{reverse.multiplications} multiplications{where}, every input at once"
    rows.append(((), row(f"reverse mode from {oname}: {number(reverse.derivative(x))} ({cost})",
                         later=stepping)))  # fmt: skip
    comparison = fig.once(
        "inputs", lambda: inputs_comparison(graph, reverse.multiplications, 10_000, engine(fig))
    )
    rows += [((), line(text)) for text in (COUNT_RULE, comparison, WHY_REVERSE) if text]
    rows += contraction_rows(fig)
    return rows


def _multiples(fig: Figure, count: int) -> Annotations:
    """One small picture per path: a copy of the graph each (ids "p1_n0", ...), its path's edges
    in the path's colour with their local derivatives, in a grid with path 1 first and the sum
    of the products beneath."""
    graph, out, x = fig.graph, fig.root, fig.wrt
    if count > MAX_MULTIPLES:
        raise ValueError(
            f"{count} paths are too many for small multiples (at most {MAX_MULTIPLES}): "
            f"draw_factorized(out, x) shows them all at once, grouped where they share nodes"
        )
    paths = fig.path_sum(MAX_MULTIPLES).paths
    xname, oname = input_value(graph, x), input_value(graph, out)
    prefixes = [f"p{n}_" for n in range(1, len(paths) + 1)]
    nodes, edges, clusters = {}, [], []
    for n, (prefix, path) in enumerate(zip(prefixes, paths, strict=True), start=1):
        on_path = set(edge_indices(graph, path))
        style = path_style(n)
        colour = style.colour
        for node in graph.nodes:
            end = node.value is x or node.value is out
            nodes[prefix + node.id] = NodeStyle(oval=True, muted=not end)
        for i, edge in enumerate(graph.edges):
            if i in on_path:
                text = number(edge.local_grad)  # contract=True: a labelled weight, "α = 2"
                if edge.weighted and edge.formula != text:
                    text = f"{edge.formula} = {text}"
                edges.append(EdgeStyle((line(text, colour=INK),), (colour,), 3,
                                       pattern=style.pattern, marker=style.marker))  # fmt: skip
            else:
                edges.append(EdgeStyle((), (MUTED,), 1))
        factors = "·".join(factor(e.local_grad) for e in path.edges)
        symbols = symbolic_product(fig, path)
        factors = f"{symbols} = {factors}" if symbols else factors
        label = line(Span(f"path {n}", bold=True), f": {factors} = ",
                     Span(number(path.product), bold=True))  # fmt: skip
        clusters.append(Cluster(label, tuple(prefix + v.id for v in graph.nodes), colour=colour))
    total = sum(p.product for p in paths)
    terms = signed_sum(p.product for p in paths) or "0"
    footer = line(
        Span(f"∂{oname}/∂{xname}", bold=True),
        f" = sum over the {plural(count, 'path')} = {terms} = ",
        Span(number(total), bold=True),
    )
    columns = math.ceil(math.sqrt(len(paths))) if paths else 1
    return Annotations(nodes, edges, clusters=clusters, compact=True,
                       graph=copies(graph, prefixes), columns=columns, footer=footer,
                       text="".join(span.text for span in footer))  # fmt: skip
