"""The DOT writer: ``build_dot`` writes a ``Scene`` (``viz.scene``) with the ``graphviz`` package.

Nodes are HTML-like tables (or, in a thumbnail, their name in a small oval); every edge of the
description is drawn exactly once, in its own style. All user text is escaped, so labels such as
``<b>``, ``{x|y}``, ``"q"`` or ``&`` show as typed.

Text can be *hidden*: not written, its room kept by a box of fixed size (``viz.markup``). The
step-by-step frames of a sweep use it for the numbers not computed yet, so that every frame has
the same layout and no file holds a number before its step computes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import graphviz

from .description import ConstantInfo, GraphDescription, NodeInfo, number
from .grid import add_grid, declare_order
from .markup import boxed, is_boxed, legend_box, markup
from .scene import (
    BLACK,
    CELL_COLOUR,
    INK,
    LEAF_FILL,
    MAX_CAPTION,
    MAX_TITLE,
    MUTED,
    OP_FILL,
    Caption,
    Cluster,
    EdgeStyle,
    Line,
    NodeStyle,
    Scene,
    Span,
    check_rankdir,
    line,
)
from .text import BIDI_CONTROLS as BIDI_CONTROLS  # read from here by other modules
from .text import LEGEND_WIDTH, escape, shorten, shorten_words, wrapped
from .text import visible as visible
from .themes import LIGHT, THEMES, Theme

MAX_NAME = 60  # characters of a name in a node's header (the full name is the node's tooltip)
MAX_LEGEND = 480  # characters of a legend row's run: the library's sentences stay whole
MAX_TOOLTIP = 2000  # characters: Graphviz refuses a string of more than 16384 bytes
OVAL = {"shape": "ellipse", "margin": "0.04,0.02", "height": "0.3"}
TAIL = ' PORT="tail"'  # the last cell of a table's header row: edges leave the box there
HEADER_SIDES = {"LR": ("e", "w"), "RL": ("w", "e"), "TB": ("s", "n"), "BT": ("n", "s")}
SIDE_WIDTH = 44  # characters of a line of a legend beside the graph


def points(size: float, scale: float) -> str:
    """A font size of the house style (12 points for a node) at ``scale``, for Graphviz."""
    return f"{size * scale:.3g}"


def new_digraph(
    rankdir: str, title: str = "", theme: Theme = LIGHT, scale: float = 1.0
) -> graphviz.Digraph:
    """A Digraph with the house fonts and sizes (readable on a projector) in ``theme``'s colours
    on its opaque background, its text ``scale`` times the house sizes (12 points in a node)."""
    dot = graphviz.Digraph("pathgrad")
    # margin=0: a PDF's page is the picture, all of it in the background's colour (Graphviz
    # leaves a transparent half-inch around it); clusters set their own margins.
    dot.attr(rankdir=check_rankdir(rankdir), fontname="Helvetica", nodesep="0.35", ranksep="0.6",
             bgcolor=theme.background, fontcolor=theme.text(BLACK), margin="0")  # fmt: skip
    dot.attr("node", shape="plain", fontname="Helvetica", fontsize=points(12, scale),
             fontcolor=theme.text(BLACK))  # fmt: skip
    dot.attr("edge", fontname="Helvetica", fontsize=points(11, scale), color=theme.line(INK),
             arrowsize="0.8")  # fmt: skip
    if title:
        dot.attr(label=f"<<B>{escape(shorten(title, MAX_TITLE))}</B>>", labelloc="t",
                 labeljust="l", fontsize=points(14, scale))  # fmt: skip
    return dot


def as_digraph(source: str, fmt: str) -> graphviz.Digraph:
    """DOT text written by ``build_dot`` as a ``graphviz.Digraph`` rendering to ``fmt``."""
    lines = source.splitlines(keepends=True)
    return graphviz.Digraph("pathgrad", body=lines[1:-1], format=fmt)


def build_dot(scene: Scene) -> str:
    """The DOT source of a scene."""
    graph = scene.graph
    if scene.edges and len(scene.edges) != len(graph.edges):
        raise ValueError("a scene needs one edge style per edge of the graph")
    below = bool(scene.legend) or scene.caption is not None
    theme, scale = THEMES[scene.theme], scene.fontsize / 12
    dot = new_digraph(scene.rankdir, "" if below else scene.title, theme, scale)
    if scene.size is not None:  # scaled down to fit, never up
        dot.attr(size=f"{scene.size[0]:g},{scene.size[1]:g}")
    if scene.tight:
        dot.attr(nodesep="0.2", ranksep="0.3")
    if scene.compact:
        dot.attr(nodesep="0.3", ranksep="0.3")
        dot.attr("node", fontsize=points(11, scale))
        dot.attr("edge", fontsize=points(10, scale))
    if scene.columns > 0:  # a grid of small pictures: packed tight, small arrowheads
        dot.attr(newrank="true", nodesep="0.15", ranksep="0.35")
        dot.attr("edge", arrowsize="0.6")
        declare_order(dot, scene.clusters, graph)
    placed: set[str] = set()
    for i, cluster in enumerate(scene.clusters):
        _add_cluster(dot, f"cluster_{i}", cluster, graph, scene, placed, theme)
    for node in graph.nodes:
        if node.id not in placed:
            dot.node(node.id, **_node_label(node, scene, theme))
    for constant in scene.constants:
        if constant.id not in placed:
            _add_constant(dot, constant, scene, theme)
        if constant.child:  # else the scene's edges say where it goes
            dot.edge(constant.id, constant.child, color=theme.line(MUTED), arrowsize="0.5",
                     penwidth="1")  # fmt: skip
    for group in scene.same_rank:
        with dot.subgraph() as row:
            row.attr(rank="same")
            for node_id in group:
                row.node(node_id)
            for first, second in zip(group, group[1:], strict=False):
                row.edge(first, second, style="invis")
    plain = EdgeStyle()
    styles = {n.id: scene.nodes.get(n.id, NodeStyle()) for n in graph.nodes}
    tails = {i: "tail" if len(s.table) > 1 and len(s.table[0]) > 1 else "head"
             for i, s in styles.items() if not s.oval}  # fmt: skip
    for i, edge in enumerate(graph.edges):
        style = scene.edges[i] if scene.edges else plain
        attrs = edge_attributes(style, theme, (10 if scene.compact else 11) * scale)
        if style.beside:  # from the side facing the next node of the rank to that node
            ports = ("s", "n") if scene.rankdir in ("LR", "RL") else ("e", "w")
            attrs.update(tailport=ports[0], headport=ports[1])
        if style.to_header:  # box to box: from and to the header, not the nearest row
            out, into = HEADER_SIDES[scene.rankdir]
            if edge.parent in tails:  # the header row's end (a table's last column)
                attrs["tailport"] = f"{tails[edge.parent]}:{out}"
            attrs["headport"] = f"head:{into}"
        dot.edge(edge.parent, edge.child, **attrs)
    if scene.columns > 0 and scene.clusters:
        add_grid(dot, scene.clusters, graph, scene.columns, scene.rankdir)
    if scene.legend or scene.caption is not None:  # under the picture, the title first
        legend = [*scene.legend, ((), scene.footer)] if scene.footer else scene.legend
        width = SIDE_WIDTH if scene.legend_side else LEGEND_WIDTH
        notes = notes_table(scene.title, scene.caption, legend, theme, scale, width)
        if scene.legend_side:
            _beside(dot, scene, notes)
        else:
            dot.attr(label=notes, labelloc="b", labeljust="l", fontsize=points(14, scale))
    elif scene.footer:
        dot.attr(label=f"<{markup(scene.footer, MAX_LEGEND, trailing=False, theme=theme)}>",
                 labelloc="b", labeljust="c", fontsize=points(14, scale))  # fmt: skip
    return dot.source


def _beside(dot: graphviz.Digraph, scene: Scene, notes: str) -> None:
    """The legend as a node of its own beside the graph: a column after the last one (left to
    right), or beside the last row (top to bottom)."""
    dot.node("legend", label=notes, shape="plain", fontsize=dot.graph_attr.get("fontsize", "14"))
    with dot.subgraph() as side:
        side.attr(rank="sink" if scene.rankdir in ("LR", "RL") else "max")
        side.node("legend")


def _add_cluster(dot: graphviz.Digraph, name: str, cluster: Cluster, graph: GraphDescription,
                 scene: Scene, placed: set[str], theme: Theme) -> None:  # fmt: skip
    with dot.subgraph(name=name) as box:
        label = f"<{markup(_line(cluster.label), MAX_TITLE, trailing=False, theme=theme)}>"
        size = points(12, scene.fontsize / 12)
        if cluster.colour:  # a picture of its own, its label under it
            box.attr(label=label, labelloc="b", color=theme.line(cluster.colour),
                     penwidth="1.5", fontsize=size, margin="8")  # fmt: skip
        else:
            box.attr(label=label, labeljust="l", style="rounded,dashed", color=theme.line(MUTED),
                     fontcolor=theme.text(INK), fontsize=size, margin="6")  # fmt: skip
        for i, inner in enumerate(cluster.clusters):
            _add_cluster(box, f"{name}_{i}", inner, graph, scene, placed, theme)
        for node_id in cluster.nodes:
            node = graph.node(node_id)
            box.node(node_id, **_node_label(node, scene, theme))
            placed.add(node_id)
        for constant in scene.constants:  # beside the operation it enters
            if constant.child in cluster.nodes:
                _add_constant(box, constant, scene, theme)
                placed.add(constant.id)


def _node_label(node: NodeInfo, scene: Scene, theme: Theme) -> dict[str, str]:
    """The node's attributes: its table (or with ``oval`` its name in a small ellipse), and its
    full name as a tooltip where it is shortened."""
    style = scene.nodes.get(node.id, NodeStyle())
    if style.oval:
        ink = MUTED if style.muted else INK
        return {"label": escape(shorten(node.name, MAX_NAME)), "color": theme.line(ink),
                "fontcolor": theme.text(ink), "fontsize": points(11, scene.fontsize / 12),
                **OVAL}  # fmt: skip
    padding = 2 if scene.compact or scene.tight else 4
    size = (11 if scene.compact else 12) * scene.fontsize / 12  # the node attribute's points
    attrs = {"label": node_table(node, style, padding, theme, size)}
    if len(node.name) > MAX_NAME or len(node.op) > MAX_NAME:
        full = f"{node.name} = {node.op}" if node.op else node.name
        # Graphviz reads a tooltip's backslashes twice: four of them draw one.
        attrs["tooltip"] = visible(shorten(full, MAX_TOOLTIP)).replace("\\", "\\" * 4)
    return attrs


def _add_constant(dot: graphviz.Digraph, constant: ConstantInfo, scene: Scene,
                  theme: Theme) -> None:  # fmt: skip
    muted = scene.nodes.get(constant.child, NodeStyle()).muted
    text = f"{constant.name} = " if constant.name else ""
    dot.node(constant.id, label=escape(text + number(constant.value)), color=theme.line(MUTED),
             fontcolor=theme.text(MUTED if muted else INK),
             fontsize=points(11, scene.fontsize / 12), **OVAL)  # fmt: skip


def _line(label: str | Line) -> Line:
    return line(label) if isinstance(label, str) else label


def node_table(node: NodeInfo, style: NodeStyle, padding: int = 4, theme: Theme = LIGHT,
               size: float = 12) -> str:  # fmt: skip
    """A node's box: its header, rows and table, its text ``size`` points."""
    fill = theme.line(style.fill or (LEAF_FILL if node.leaf else OP_FILL))
    cell = f' COLOR="{theme.line(CELL_COLOUR)}"'

    def text(spans: Line) -> str:
        return markup(spans, theme=theme)

    ink = MUTED if style.muted else ""
    head = [Span(shorten(node.name, MAX_NAME), ink, bold=True)]
    if node.op or node.leaf:
        head.append(Span(f" = {shorten(node.op, MAX_NAME)}" if node.op else " (leaf)", ink))
    columns = 2 if style.badge else max(map(len, style.table), default=1)
    span = f' COLSPAN="{columns}"' if columns > 1 else ""
    cells = (f'<TD{cell} PORT="head" BGCOLOR="{fill}"{"" if style.badge else span}>'
             f"{text(tuple(head))}</TD>")  # fmt: skip
    if style.table:  # the header's row carries the names of the table's columns
        cells = (
            f'<TD{cell} PORT="head" BGCOLOR="{fill}" ALIGN="LEFT">{text(tuple(head))}</TD>'
            + "".join(
                f"<TD{cell}{TAIL if k == len(style.table[0]) - 1 else ''} "
                f'BGCOLOR="{fill}" ALIGN="RIGHT">{text(head_cell)}</TD>'
                for k, head_cell in enumerate(style.table[0][1:], start=1)
            )
        )
    data = line("data " + number(node.data), colour=ink, hidden=style.data_hidden)
    body = (data, *style.rows) if style.data_row else style.rows
    if style.badge:
        # A strip down the node's left side, in a box as wide as the badge's digits (views pad
        # every badge of a picture to one width): wider rows widen the node's column, not it.
        badge_fill = theme.line(style.badge_fill) if style.badge_fill else fill
        badge = Span(style.badge.strip(), theme.on(badge_fill), bold=True,
                     room="9" * len(style.badge))  # fmt: skip
        height = f' ROWSPAN="{1 + len(body)}"' if body and not style.table else ""
        badge_cell = boxed((badge,), size, theme=theme, raw=True)
        cells = f'<TD{cell} BGCOLOR="{badge_fill}"{height}>{badge_cell}</TD>' + cells
        span = span if style.table else ""
    rows = [f"<TR>{cells}</TR>"]
    rows += [f"<TR><TD{cell}{span}>{boxed(row, size, theme=theme)}</TD></TR>" for row in body]
    rows += [
        "<TR>" + "".join(f'<TD{cell} ALIGN="{"LEFT" if i == 0 else "RIGHT"}">{text(c)}</TD>'
                         for i, c in enumerate(row)) + "</TR>"
        for row in style.table[1:]
    ]  # fmt: skip
    # The outline is always there (transparent unless set), so highlighting never changes the
    # size; drawn in the background's colour, Graphviz 2.43 drew it over the cells' right and
    # bottom borders, leaving the box open.
    outline = theme.line(style.border) if style.border else "transparent"
    return (
        f'<<TABLE BORDER="2" COLOR="{outline}" CELLBORDER="1" CELLSPACING="0" '
        f'CELLPADDING="{padding}">' + "".join(rows) + "</TABLE>>"
    )


def edge_label(lines: Sequence[Line], size: float = 11, theme: Theme = LIGHT) -> str:
    """An edge's label: its lines one under the other; in a table of one cell per line when a
    line is hidden in some step (each such line in a box of fixed size, see ``boxed``)."""
    if not any(map(is_boxed, lines)):
        return "<" + "<BR/>".join(markup(row, theme=theme) for row in lines) + ">"
    cells = "".join(f"<TR><TD>{boxed(row, size, theme=theme)}</TD></TR>" for row in lines)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">{cells}</TABLE>>'


def edge_attributes(style: EdgeStyle, theme: Theme = LIGHT, size: float = 11) -> dict[str, str]:
    attrs = {
        "xlabel" if style.beside else "label": edge_label(style.lines, size, theme),
        "color": ":".join(theme.line(c) for c in style.colours),
        "penwidth": f"{style.width:g}",
    }
    attrs["fontcolor"] = theme.text(style.colours[0] if len(style.colours) == 1 else INK)
    if style.dashed or style.pattern not in ("", "solid"):
        attrs["style"] = style.pattern if style.pattern not in ("", "solid") else "dashed"
    if style.marker:
        attrs["arrowhead"] = style.marker
    if style.backward:
        attrs["dir"] = "back"
    return attrs


def notes_table(
    title: str,
    caption: Caption | None,
    legend: Sequence[tuple[tuple[str, ...], Line]],
    theme: Theme = LIGHT,
    scale: float = 1.0,
    width: int = LEGEND_WIDTH,
) -> str:
    """The block under the picture: the title, the caption in a box of fixed size (the same in
    every frame of a sequence, whatever its text), and the legend's rows with their swatches."""
    swatches = max((len(c) for c, _ in legend), default=0)
    span = f' COLSPAN="{swatches + 1}"' if swatches else ""
    rows = []
    if title:  # wrapped as the legend's lines are (narrow beside the graph)
        heading = wrapped((Span(shorten(title, MAX_TITLE), bold=True),), width)
        lines = '<BR ALIGN="LEFT"/>'.join(markup(part, MAX_TITLE, theme=theme) for part in heading)
        rows.append(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"{span}>'
                    f'<FONT POINT-SIZE="{points(14, scale)}">{lines}</FONT></TD></TR>')  # fmt: skip
    if caption is not None:
        height = round((18 * caption.lines + 6) * scale)
        rows.append(f'<TR><TD{span} FIXEDSIZE="TRUE" WIDTH="{round(caption.width * scale)}" '
                    f'HEIGHT="{height}" '
                    f'ALIGN="LEFT" BALIGN="LEFT">{escape(shorten(caption.text, MAX_CAPTION))}</TD>'
                    "</TR>")  # fmt: skip
    for colours, text in legend:
        cells = "".join(_swatch(theme.line(c), scale) for c in colours)
        cells += "<TD> </TD>" * (swatches - len(colours))
        words = tuple(replace(span, text=shorten_words(span.text)) for span in text)
        parts = wrapped(words, width)
        lines = '<BR ALIGN="LEFT"/>'.join(markup(part, MAX_LEGEND, theme=theme) for part in parts)
        box = legend_box(parts, 14 * scale) if is_boxed(words) else ""
        rows.append(f'<TR>{cells}<TD ALIGN="LEFT" BALIGN="LEFT"{box}>{lines}</TD></TR>')
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="2">'
        + "".join(rows)
        + "</TABLE>>"
    )


def _swatch(colour: str, scale: float) -> str:
    """A square of ``colour`` at the top of its legend row, however many lines the row has."""
    side = round(12 * scale)
    return ('<TD VALIGN="TOP" ALIGN="LEFT"><TABLE BORDER="0" CELLSPACING="0" CELLPADDING="0">'
            f'<TR><TD BGCOLOR="{colour}" WIDTH="{side}" HEIGHT="{side}" FIXEDSIZE="TRUE"> </TD>'
            "</TR></TABLE></TD>")  # fmt: skip
