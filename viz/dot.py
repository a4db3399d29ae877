"""The DOT writer: ``build_dot`` writes a ``Scene`` (``viz.scene``) with the ``graphviz`` package.

Nodes are HTML-like tables (or, in a thumbnail, their name in a small oval); every edge of the
description is drawn exactly once, in its own style. All user text is escaped, so labels such as
``<b>``, ``{x|y}``, ``"q"`` or ``&`` show as typed.

Text can be *hidden*: laid out at its full size but drawn invisibly. The step-by-step frames of a
sweep use it for the numbers not computed yet, so that every frame has the same layout and the
picture does not jump from one step to the next.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Sequence
from dataclasses import replace

import graphviz

from .description import ConstantInfo, GraphDescription, NodeInfo, number
from .grid import add_grid, declare_order
from .scene import (
    BACKGROUND,
    CELL,
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

# Bidirectional controls reorder the text around them (U+202E shows "abc" as "cba"): a label
# holding one is drawn with it as a visible escape, as it was typed.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_INVISIBLE = BIDI_CONTROLS | {"\ufffe", "\uffff"}
MAX_NAME = 60  # characters of a name in a node's header (the full name is the node's tooltip)
MAX_TEXT = 120  # characters of a run of text: an edge label's line, a row
MAX_LEGEND = 480  # characters of a legend row's run: the library's sentences stay whole
MAX_WORD = 32  # characters of a word in a legend row: a long name there is shortened
LEGEND_WIDTH = 100  # characters of a legend line: a longer sentence wraps
MAX_TOOLTIP = 2000  # characters: Graphviz refuses a string of more than 16384 bytes
OVAL = {"shape": "ellipse", "fontsize": "11", "margin": "0.04,0.02", "height": "0.3"}


def visible(text: str) -> str:
    """``text`` with the characters that XML cannot carry (control characters but the newline,
    surrogates) and the bidirectional controls written as visible escapes: \\x07, \\u202e."""
    return "".join(_code(ch) if _hidden(ch) else ch for ch in text)


def _hidden(ch: str) -> bool:
    return ch in _INVISIBLE or ch != "\n" and unicodedata.category(ch) in ("Cc", "Cs")


def _code(ch: str) -> str:
    return f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}"


def wrapped(spans: Line, width: int = LEGEND_WIDTH) -> list[Line]:
    """A line of spans broken at spaces into lines of at most ``width`` characters (a word
    longer than that stands alone), each span keeping its style."""
    lines: list[list[Span]] = [[]]
    used = 0
    for span in spans:
        words = span.text.split(" ")
        for i, word in enumerate(words):
            piece = word if i == len(words) - 1 else word + " "
            if used and used + len(piece.rstrip()) > width:
                lines.append([])
                used = 0
                piece = piece.lstrip()
            if piece:
                line = lines[-1]
                if line and i > 0 and line[-1].colour == span.colour and line[-1].bold == span.bold:
                    line[-1] = replace(line[-1], text=line[-1].text + piece)  # the same run
                else:
                    line.append(replace(span, text=piece))
                used += len(piece)
    return [tuple(line) for line in lines if line]


def shorten_words(text: str, most: int = MAX_WORD) -> str:
    """Every word of ``text`` longer than ``most`` characters shortened (a long name inside one
    of the library's sentences), the sentence itself kept whole."""
    return " ".join(shorten(word, most) if len(word) > most else word for word in text.split(" "))


def shorten(text: str, most: int) -> str:
    """``text``, or its start and end around "…" in ``most`` characters: a long name stays
    recognisable and a picture stays a picture ("a_very_long_name" -> "a_very…name")."""
    if len(text) <= most:
        return text
    tail = most // 3
    return text[: most - 1 - tail] + "…" + text[len(text) - tail :]


def escape(text: str) -> str:
    """Text made safe for a Graphviz HTML-like label and for the SVG it becomes.

    Markup characters become entities; a newline becomes a line break; characters that XML cannot
    carry (control characters, surrogates) and bidirectional controls (U+202E) are shown as
    visible escapes like \\x07 and \\u202e (``visible``); a backslash is doubled, since
    Graphviz expands \\N, \\G and the like even inside HTML-like labels (and even when
    written as an entity).
    """
    out = []
    for ch in text:
        if ch == "\n":
            out.append("<BR/>")
        elif ch == "\\":
            out.append("\\\\")
        elif _hidden(ch):
            out.append(_code(ch))
        else:
            out.append(html.escape(ch, quote=True))
    return "".join(out)


def new_digraph(rankdir: str, title: str = "") -> graphviz.Digraph:
    """A Digraph with the house fonts and sizes (readable on a projector)."""
    dot = graphviz.Digraph("pathgrad")
    dot.attr(rankdir=check_rankdir(rankdir), fontname="Helvetica", nodesep="0.35", ranksep="0.6")
    dot.attr("node", shape="plain", fontname="Helvetica", fontsize="12")
    dot.attr("edge", fontname="Helvetica", fontsize="11", color=INK, arrowsize="0.8")
    if title:
        dot.attr(label=f"<<B>{escape(shorten(title, MAX_TITLE))}</B>>", labelloc="t",
                 labeljust="l", fontsize="14")  # fmt: skip
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
    dot = new_digraph(scene.rankdir, "" if below else scene.title)
    if scene.compact:
        dot.attr(nodesep="0.3", ranksep="0.3")
        dot.attr("node", fontsize="11")
        dot.attr("edge", fontsize="10")
    if scene.columns > 0:  # a grid of small pictures: packed tight, small arrowheads
        dot.attr(newrank="true", nodesep="0.15", ranksep="0.35")
        dot.attr("edge", arrowsize="0.6")
        declare_order(dot, scene.clusters, graph)
    placed: set[str] = set()
    for i, cluster in enumerate(scene.clusters):
        _add_cluster(dot, f"cluster_{i}", cluster, graph, scene, placed)
    for node in graph.nodes:
        if node.id not in placed:
            dot.node(node.id, **_node_label(node, scene))
    for constant in scene.constants:
        if constant.id not in placed:
            _add_constant(dot, constant, scene)
        if constant.child:  # else the scene's edges say where it goes
            dot.edge(constant.id, constant.child, color=MUTED, arrowsize="0.5", penwidth="1")
    for group in scene.same_rank:
        with dot.subgraph() as row:
            row.attr(rank="same")
            for node_id in group:
                row.node(node_id)
            for first, second in zip(group, group[1:], strict=False):
                row.edge(first, second, style="invis")
    plain = EdgeStyle()
    for i, edge in enumerate(graph.edges):
        style = scene.edges[i] if scene.edges else plain
        attrs = edge_attributes(style)
        if style.beside:  # from the side facing the next node of the rank to that node
            ports = ("s", "n") if scene.rankdir in ("LR", "RL") else ("e", "w")
            attrs.update(tailport=ports[0], headport=ports[1])
        dot.edge(edge.parent, edge.child, **attrs)
    if scene.columns > 0 and scene.clusters:
        add_grid(dot, scene.clusters, graph, scene.columns, scene.rankdir)
    if scene.legend or scene.caption is not None:  # under the picture, the title first
        legend = [*scene.legend, ((), scene.footer)] if scene.footer else scene.legend
        dot.attr(label=notes_table(scene.title, scene.caption, legend), labelloc="b",
                 labeljust="l")  # fmt: skip
    elif scene.footer:
        dot.attr(label=f"<{markup(scene.footer, MAX_LEGEND, trailing=False)}>", labelloc="b",
                 labeljust="c", fontsize="14")  # fmt: skip
    return dot.source


def _add_cluster(dot: graphviz.Digraph, name: str, cluster: Cluster, graph: GraphDescription,
                 scene: Scene, placed: set[str]) -> None:  # fmt: skip
    with dot.subgraph(name=name) as box:
        label = f"<{markup(_line(cluster.label), MAX_TITLE, trailing=False)}>"
        if cluster.colour:  # a picture of its own, its label under it
            box.attr(label=label, labelloc="b", color=cluster.colour, penwidth="1.5",
                     fontsize="12")  # fmt: skip
        else:
            box.attr(label=label, labeljust="l", style="rounded,dashed", color=MUTED,
                     fontcolor=INK, fontsize="12", margin="6")  # fmt: skip
        for i, inner in enumerate(cluster.clusters):
            _add_cluster(box, f"{name}_{i}", inner, graph, scene, placed)
        for node_id in cluster.nodes:
            node = graph.node(node_id)
            box.node(node_id, **_node_label(node, scene))
            placed.add(node_id)
        for constant in scene.constants:  # beside the operation it enters
            if constant.child in cluster.nodes:
                _add_constant(box, constant, scene)
                placed.add(constant.id)


def _node_label(node: NodeInfo, scene: Scene) -> dict[str, str]:
    """The node's attributes: its table (or with ``oval`` its name in a small ellipse), and its
    full name as a tooltip where it is shortened."""
    style = scene.nodes.get(node.id, NodeStyle())
    if style.oval:
        ink = MUTED if style.muted else INK
        return {"label": escape(shorten(node.name, MAX_NAME)), "color": ink, "fontcolor": ink,
                **OVAL}  # fmt: skip
    attrs = {"label": node_table(node, style, 2 if scene.compact else 4)}
    if len(node.name) > MAX_NAME or len(node.op) > MAX_NAME:
        full = f"{node.name} = {node.op}" if node.op else node.name
        # Graphviz reads a tooltip's backslashes twice: four of them draw one.
        attrs["tooltip"] = visible(shorten(full, MAX_TOOLTIP)).replace("\\", "\\" * 4)
    return attrs


def _add_constant(dot: graphviz.Digraph, constant: ConstantInfo, scene: Scene) -> None:
    muted = scene.nodes.get(constant.child, NodeStyle()).muted
    text = f"{constant.name} = " if constant.name else ""
    dot.node(constant.id, label=escape(text + number(constant.value)), color=MUTED,
             fontcolor=MUTED if muted else INK, **OVAL)  # fmt: skip


def markup(spans: Line, most: int = MAX_TEXT, trailing: bool = True) -> str:
    """A line of spans as HTML-like label text, each run cut to ``most`` characters."""
    out = []
    for span in spans:
        # Spaces at the ends of a run become no-break spaces: SVG viewers drop ordinary ones
        # between runs of different styles ("e = *" would show as "e= *"). Only the leading ones
        # matter (each run is placed where the previous one ends, its spaces included): with
        # ``trailing=False`` a run's trailing spaces stay as typed.
        text = escape(_keep_end_spaces(shorten(span.text, most), trailing))
        if span.bold:
            text = f"<B>{text}</B>"
        colour = BACKGROUND if span.hidden else span.colour
        if colour:
            text = f'<FONT COLOR="{colour}">{text}</FONT>'
        out.append(text)
    return "".join(out)


def _line(label: str | Line) -> Line:
    return line(label) if isinstance(label, str) else label


def _keep_end_spaces(text: str, trailing: bool = True) -> str:
    stripped = text.strip(" ")
    if not stripped:
        return "\u00a0" * len(text)
    start = len(text) - len(text.lstrip(" "))
    end = len(text) - len(text.rstrip(" "))
    return "\u00a0" * start + stripped + ("\u00a0" if trailing else " ") * end


def node_table(node: NodeInfo, style: NodeStyle, padding: int = 4) -> str:
    fill = style.fill or (LEAF_FILL if node.leaf else OP_FILL)
    ink = MUTED if style.muted else ""
    head = [Span(shorten(node.name, MAX_NAME), ink, bold=True)]
    if node.op or node.leaf:
        head.append(Span(f" = {shorten(node.op, MAX_NAME)}" if node.op else " (leaf)", ink))
    columns = 2 if style.badge else max(map(len, style.table), default=1)
    span = f' COLSPAN="{columns}"' if columns > 1 else ""
    cells = f'<TD{CELL} BGCOLOR="{fill}"{"" if style.badge else span}>{markup(tuple(head))}</TD>'
    if style.table:  # the header's row carries the names of the table's columns
        cells = f'<TD{CELL} BGCOLOR="{fill}" ALIGN="LEFT">{markup(tuple(head))}</TD>' + "".join(
            f'<TD{CELL} BGCOLOR="{fill}" ALIGN="RIGHT">{markup(cell)}</TD>'
            for cell in style.table[0][1:]
        )
    if style.badge:
        badge = Span(style.badge, "#FFFFFF" if style.badge_fill else "", bold=True)
        cells = f'<TD{CELL} BGCOLOR="{style.badge_fill or fill}">{markup((badge,))}</TD>' + cells
    data = line("data " + number(node.data), colour=ink, hidden=style.data_hidden)
    rows = [f"<TR>{cells}</TR>"]
    body = (data, *style.rows) if style.data_row else style.rows
    rows += [f"<TR><TD{CELL}{span}>{markup(row)}</TD></TR>" for row in body]
    rows += [
        "<TR>" + "".join(f'<TD{CELL} ALIGN="{"LEFT" if i == 0 else "RIGHT"}">{markup(cell)}</TD>'
                         for i, cell in enumerate(row)) + "</TR>"
        for row in style.table[1:]
    ]  # fmt: skip
    # The outline is always there (white unless set), so highlighting never changes the size.
    return (
        f'<<TABLE BORDER="2" COLOR="{style.border or BACKGROUND}" CELLBORDER="1" CELLSPACING="0" '
        f'CELLPADDING="{padding}">' + "".join(rows) + "</TABLE>>"
    )


def edge_attributes(style: EdgeStyle) -> dict[str, str]:
    attrs = {
        "xlabel" if style.beside else "label": "<"
        + "<BR/>".join(markup(row) for row in style.lines)
        + ">",
        "color": ":".join(style.colours),
        "penwidth": f"{style.width:g}",
    }
    attrs["fontcolor"] = style.colours[0] if len(style.colours) == 1 else INK
    if style.dashed:
        attrs["style"] = "dashed"
    if style.backward:
        attrs["dir"] = "back"
    return attrs


def notes_table(
    title: str, caption: Caption | None, legend: Sequence[tuple[tuple[str, ...], Line]]
) -> str:
    """The block under the picture: the title, the caption in a box of fixed size (the same in
    every frame of a sequence, whatever its text), and the legend's rows with their swatches."""
    swatches = max((len(c) for c, _ in legend), default=0)
    span = f' COLSPAN="{swatches + 1}"' if swatches else ""
    rows = []
    if title:
        rows.append(f'<TR><TD ALIGN="LEFT"{span}><FONT POINT-SIZE="14">'
                    f"<B>{escape(shorten(title, MAX_TITLE))}</B>"
                    "</FONT></TD></TR>")  # fmt: skip
    if caption is not None:
        height = 18 * caption.lines + 6
        rows.append(f'<TR><TD{span} FIXEDSIZE="TRUE" WIDTH="{caption.width}" HEIGHT="{height}" '
                    f'ALIGN="LEFT" BALIGN="LEFT">{escape(shorten(caption.text, MAX_CAPTION))}</TD>'
                    "</TR>")  # fmt: skip
    for colours, text in legend:
        cells = "".join(f'<TD BGCOLOR="{c}" WIDTH="12"> </TD>' for c in colours)
        cells += "<TD> </TD>" * (swatches - len(colours))
        words = tuple(replace(span, text=shorten_words(span.text)) for span in text)
        lines = '<BR ALIGN="LEFT"/>'.join(markup(part, MAX_LEGEND) for part in wrapped(words))
        rows.append(f'<TR>{cells}<TD ALIGN="LEFT" BALIGN="LEFT">{lines}</TD></TR>')
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="2">'
        + "".join(rows)
        + "</TABLE>>"
    )
