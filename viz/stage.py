"""The player's stage: every step of every chapter drawn on one layout.

The chapters (the forward pass, the reverse sweep, the paths one by one) are the views' own
annotations at each step (``viz.catalog.VIEWS``), composed here over one ``Figure``. Each node
row and each edge line is given the room of the longest text it holds in any step of any chapter
(``Span.room``: a box of fixed size, ``viz.dot.boxed``), and every node keeps the same cells, so
that Graphviz lays every step out the same: no node moves or changes size when the chapter
changes. The title, legend and caption are not drawn: the page writes each step's caption
under the picture, with its chapter and position.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .catalog import VIEWS
from .description import GraphDescription, NodeInfo, number, symbol
from .figure import Figure
from .labels import edge_indices, factor, factorization_text, plural, route
from .scene import MUTED, Annotations, EdgeStyle, Line, NodeStyle, Span, line
from .sweep import signed_sum
from .textsize import text_width

# Grey text that still reads: 4.7:1 on white (MUTED, for lines and swatches, is 1.9:1).
MUTED_TEXT = "#767676"
MAX_PATH_STEPS = 12  # the paths chapter lists each path, up to this many


@dataclass(frozen=True)
class Step:
    """One step of the player: its chapter, where it is in it ("step 2 of 5", "path 1 of 2"),
    what it computes (its caption, lines separated by newlines), and what it draws."""

    chapter: str
    position: str
    caption: str
    annotations: Annotations


def steps(fig: Figure, paths: bool) -> list[Step]:
    """The player's steps over ``fig`` (its ``x`` the variable of the paths chapter), each drawn
    on the one stage."""
    found: list[Step] = []
    for chapter, name in (("forward pass", "values"), ("reverse sweep", "reverse")):
        view = VIEWS[name]
        assert view.steps is not None
        n = view.steps(fig)
        for k in range(n + 1):
            annotations = view.annotate(fig, step=k)
            found.append(Step(chapter, f"step {k} of {n}", annotations.captions[k], annotations))
    if paths:
        found += _paths(fig)
    return stage(found, fig.graph)


def _paths(fig: Figure) -> list[Step]:
    """Each path alone, all of them with their sum, then the factorized view."""
    graph, paths = fig.graph, fig.path_sum(MAX_PATH_STEPS).paths
    oname, xname = symbol(graph.nodes[-1].name), symbol(graph.node_of(fig.wrt).name)
    found, symbols, numbers = [], [], []
    for i, path in enumerate(paths, start=1):
        edges = [graph.edges[j] for j in reversed(edge_indices(graph, path))]
        locals_ = [f"∂{symbol(graph.node(e.child).name)}/∂{symbol(graph.node(e.parent).name)}"
                   for e in edges]  # fmt: skip
        factors = "·".join(factor(e.local_grad) for e in edges) or "1"
        product = "·".join(locals_) or "1"
        symbols.append(product)
        numbers.append(factors)
        caption = (f"path {i} of {len(paths)}: {route(graph, path)}\n"
                   f"path {i}: {product} = {factors} = {number(path.product)}")  # fmt: skip
        annotations = VIEWS["paths"].annotate(fig, max_paths=MAX_PATH_STEPS, only=i, reveal=True)
        found.append(Step("paths", f"path {i} of {len(paths)}", caption, annotations))
    total = sum(p.product for p in paths)
    if len(paths) == 1:
        caption = (
            f"∂{oname}/∂{xname} = the product along the only path\n= {symbols[0]} = {number(total)}"
        )
    else:
        caption = (f"∂{oname}/∂{xname} = the sum over the {plural(len(paths), 'path')}\n"
                   f"= {' + '.join(symbols)}\n= {signed_sum(p.product for p in paths)} "
                   f"= {number(total)}")  # fmt: skip
    annotations = VIEWS["paths"].annotate(fig, max_paths=MAX_PATH_STEPS, reveal=True)
    found.append(Step("paths", "their sum", caption, annotations))
    found.append(Step("paths", "factorized", _identity(fig, symbols, numbers, total),
                      VIEWS["factorized"].annotate(fig)))  # fmt: skip
    return found


def _identity(fig: Figure, symbols: list[str], numbers: list[str], total: float) -> str:
    """The factorized step's caption: the identity it states, in symbols and numbers."""
    graph, fact = fig.graph, fig.factorization()
    text = factorization_text(graph, fact)
    if text and fact is not None:  # "factorized: every path passes through Y, so the sum ..."
        where, identity = text.split(", so ", 1)
        return f"{where}:\n{identity}"
    oname, xname = symbol(graph.nodes[-1].name), symbol(graph.node_of(fig.wrt).name)
    return (
        f"no node but {xname} and {oname} is on every path: nothing to factor out, and forward "
        f"mode computes each node once\n∂{oname}/∂{xname} = {' + '.join(symbols)} = "
        f"{' + '.join(numbers)} = {number(total)}"
    )


# --- one stage ---------------------------------------------------------------------------------
def stage(found: Sequence[Step], graph: GraphDescription) -> list[Step]:
    """The steps with one layout: every node row and edge line given the room of the longest
    text it holds in any step, the same cells in every step, grey text darkened to read, and
    no title, legend or caption in the picture (the page writes the caption)."""
    node_ids = [node.id for node in graph.nodes]
    rows = {n.id: [_node_rows(s.annotations.nodes.get(n.id, NodeStyle()), n) for s in found]
            for n in graph.nodes}  # fmt: skip
    node_rooms = {i: _rooms(every) for i, every in rows.items()}
    badges = {i: max(len(s.annotations.nodes.get(i, NodeStyle()).badge) for s in found)
              for i in node_ids}  # fmt: skip
    count = max((len(s.annotations.edges) for s in found), default=0)
    lines = [[s.annotations.edges[j].lines if s.annotations.edges else () for s in found]
             for j in range(count)]  # fmt: skip
    edge_rooms = [_rooms(every) for every in lines]
    staged = []
    for k, step in enumerate(found):
        a = step.annotations
        nodes = {}
        for i in node_ids:
            style = a.nodes.get(i, NodeStyle())
            badge = style.badge.rjust(badges[i]) if badges[i] else ""
            # A badge's white number on grey reads at 1.9:1 on MUTED: darker grey, 4.5:1.
            grey = MUTED_TEXT if style.badge_fill == MUTED else style.badge_fill
            nodes[i] = replace(style, rows=_fill(rows[i][k], node_rooms[i], False),
                               data_row=False, data_hidden=False, badge=badge,
                               badge_fill=grey)  # fmt: skip
        edges = []
        for j in range(count):
            edge = a.edges[j] if a.edges else EdgeStyle()
            muted = edge.colours == (MUTED,)
            edges.append(replace(edge, lines=_fill(lines[j][k], edge_rooms[j], muted)))
        plain = replace(a, nodes=nodes, edges=edges, title="", legend=(), short=(), captions=(),
                        text=step.caption, footer=())  # fmt: skip
        staged.append(replace(step, annotations=plain))
    return staged


def _node_rows(style: NodeStyle, node: NodeInfo) -> tuple[Line, ...]:
    """A node's rows under its header, its value first (as the DOT writer draws it)."""
    if not style.data_row:
        return style.rows
    ink = MUTED if style.muted else ""
    data = line(f"data {number(node.data)}", colour=ink, hidden=style.data_hidden)
    return (data, *style.rows)


def _rooms(every: Sequence[Sequence[Line]]) -> list[str]:
    """For each slot (row or line), the widest text any step holds there."""
    slots = max(map(len, every), default=0)
    rooms = []
    for s in range(slots):
        texts = [_text(lines[s]) for lines in every if s < len(lines)]
        rooms.append(max(texts, key=lambda t: (text_width(t, 12), t)))
    return rooms


def _text(spans: Line) -> str:
    return max(("".join(s.text for s in spans), *(s.room for s in spans)),
               key=lambda t: text_width(t, 12))  # fmt: skip


def _fill(lines: Sequence[Line], rooms: list[str], muted: bool) -> tuple[Line, ...]:
    """The lines of one step in the stage's slots: each with its slot's room, an empty slot
    kept as room only; grey text (and the text of a grey edge) darkened to read."""
    out: list[Line] = []
    for s, room in enumerate(rooms):
        if s >= len(lines) or not lines[s]:
            out.append((Span("", hidden=True, room=room),))
            continue
        out.append(tuple(
            replace(span, room=room, colour=MUTED_TEXT if span.colour == MUTED
                    or (muted and not span.colour) else readable(span.colour))
            for span in lines[s]
        ))  # fmt: skip
    return tuple(out)


def readable(colour: str, least: float = 4.5) -> str:
    """A text colour that reads on white (WCAG contrast ``least``): the colour itself, or the
    same hue darkened until it does (a path's orange number becomes a darker orange)."""
    if not colour.startswith("#") or len(colour) != 7:
        return colour
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    while _contrast(rgb) < least:
        rgb = [int(v * 0.9) for v in rgb]
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def _contrast(rgb: list[int]) -> float:
    """WCAG's contrast ratio of a colour against white."""
    linear = [v / 255 / 12.92 if v <= 10 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in rgb]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)
