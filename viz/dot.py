"""DOT text for a graph description, built with the ``graphviz`` package.

Nodes are HTML-like tables (name and operation, value, and one annotation row: the gradient, or a
forward-mode tangent, or a reverse-mode adjoint); edges carry their local derivative. All user text
is escaped, so labels such as ``<b>``, ``{x|y}``, ``"q"`` or ``&`` show as typed.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import graphviz

from .describe import GraphDescription, NodeInfo, number, symbol

RANKDIRS = ("LR", "RL", "TB", "BT")
PATH_COLOURS = (
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4",
    "#42d4f4", "#f032e6", "#9a6324", "#808000", "#469990",
)  # fmt: skip
LEAF_FILL = "#eef3fb"
OP_FILL = "#f7f7f7"
HIGHLIGHT_FILL = "#fff4cc"


def escape(text: str) -> str:
    """Text made safe for a Graphviz HTML-like label and for the SVG it becomes.

    Markup characters become entities; a newline becomes a line break; characters that XML cannot
    carry (control characters, surrogates) are shown as visible escapes like \\x07.
    """
    out = []
    for ch in text:
        if ch == "\n":
            out.append("<BR/>")
        elif unicodedata.category(ch) in ("Cc", "Cs") or ch in "\ufffe\uffff":
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}")
        else:
            out.append(html.escape(ch, quote=True))
    return "".join(out)


@dataclass(frozen=True)
class Annotation:
    """One extra row per node: its caption (e.g. "grad", "∂e/∂·") and a value per node id."""

    caption: str
    values: dict[str, float]


def build_dot(
    graph: GraphDescription,
    rankdir: str = "LR",
    annotation: Annotation | None = None,
    title: str = "",
    highlight: Sequence[str] = (),
    edge_overlays: Sequence[tuple[str, str, str, str]] = (),
    legend_rows: Sequence[tuple[str, str]] = (),
) -> str:
    """The DOT source of a view.

    ``edge_overlays`` are extra coloured edges (parent id, child id, colour, tooltip) drawn beside
    the plain ones; ``legend_rows`` are (colour, text) lines in a legend box.
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    dot = graphviz.Digraph("pathgrad")
    dot.attr(rankdir=rankdir, fontname="Helvetica", nodesep="0.3", ranksep="0.5")
    dot.attr("node", shape="plain", fontname="Helvetica", fontsize="11")
    dot.attr("edge", fontname="Helvetica", fontsize="10", color="#555555", arrowsize="0.7")
    if title:
        dot.attr(label=f"<{escape(title)}>", labelloc="t", fontsize="13")
    names = {n.id: n.name for n in graph.nodes}
    for node in graph.nodes:
        dot.node(node.id, label=_node_table(node, annotation, node.id in highlight))
    for edge in graph.edges:
        child, parent = symbol(names[edge.child]), symbol(names[edge.parent])
        text = f"∂{child}/∂{parent} = {number(edge.local_grad)}"
        dot.edge(edge.parent, edge.child, label=f"<{escape(text)}>")
    for parent, child, colour, tooltip in edge_overlays:
        dot.edge(parent, child, color=colour, penwidth="2.5", arrowsize="0.5",
                 tooltip=tooltip, constraint="false")  # fmt: skip
    if legend_rows:
        dot.node("legend", label=_legend(legend_rows))
    return dot.source


def _node_table(node: NodeInfo, annotation: Annotation | None, highlighted: bool) -> str:
    fill = HIGHLIGHT_FILL if highlighted else (OP_FILL if node.op else LEAF_FILL)
    head = f"<B>{escape(node.name)}</B>"
    head += f" = {escape(node.op)}" if node.op else " (leaf)"
    rows = [
        f'<TR><TD BGCOLOR="{fill}">{head}</TD></TR>',
        f"<TR><TD>data {escape(number(node.data))}</TD></TR>",
    ]
    if annotation is not None:
        value = annotation.values.get(node.id)
        shown = "" if value is None else number(value)
        rows.append(f"<TR><TD>{escape(annotation.caption)} {escape(shown)}</TD></TR>")
    return (
        '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">'
        + "".join(rows)
        + "</TABLE>>"
    )


def _legend(rows: Sequence[tuple[str, str]]) -> str:
    cells = []
    for colour, text in rows:
        swatch = f'<TD BGCOLOR="{colour}" WIDTH="14"> </TD>' if colour else "<TD> </TD>"
        cells.append(f'<TR>{swatch}<TD ALIGN="LEFT">{escape(text)}</TD></TR>')
    return (
        '<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="2" CELLPADDING="3">'
        + "".join(cells)
        + "</TABLE>>"
    )
