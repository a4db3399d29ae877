"""What a picture shows, before any DOT is written: the styles a view gives the nodes and edges
of a description (its *annotations*), the options every view of a figure shares, and the ``Scene``
they make together (written by ``viz.dot``).

A view computes ``Annotations`` (rows of text per node, label lines, colours and direction per
edge, a title, a legend, the captions of its steps); ``Options`` (the layout direction, the drawing
limit, a title) are applied to them in one place, ``viz.figure``, which makes the ``Scene``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the scene layer needs the description's types, not its code
    from .description import ConstantInfo, GraphDescription

RANKDIRS = ("LR", "RL", "TB", "BT")

# Okabe & Ito's colour-blind-safe palette, in their order (black last: plain edges are dark grey).
ORANGE, SKY_BLUE, GREEN, YELLOW = "#E69F00", "#56B4E9", "#009E73", "#F0E442"
BLUE, VERMILLION, PURPLE, BLACK = "#0072B2", "#D55E00", "#CC79A7", "#000000"
# Tol's "muted" colours after them: twelve paths need twelve colours (see ``viz.themes``). Yellow
# is left out (1.3:1 on white); green and reddish purple, which deuteranopes confuse, are apart.
OLIVE, INDIGO, TEAL, WINE, ROSE = "#999933", "#332288", "#44AA99", "#882255", "#CC6677"
PATH_COLOURS = (ORANGE, SKY_BLUE, GREEN, VERMILLION, BLUE, BLACK, PURPLE, OLIVE, INDIGO, TEAL,
                WINE, ROSE)  # fmt: skip
# The same palette for text on white: yellow and sky blue are too light to read.
TEXT_COLOURS = (BLUE, VERMILLION, GREEN, PURPLE, ORANGE, BLACK)

INK = "#444444"  # ordinary edges and text
MUTED = "#BBBBBB"  # what a view is not about
BACKGROUND = "#FFFFFF"  # hidden text is drawn in it
LEAF_FILL = "#EEF3FB"
OP_FILL = "#F4F4F4"
HIGHLIGHT_FILL = "#FFF1B8"
CELL_COLOUR = "#8A8A8A"  # the cells' own border colour: the table's outline may be invisible


MAX_TITLE = 120  # characters of a title
MAX_CAPTION = 240  # characters of a caption


@dataclass(frozen=True)
class Span:
    """A run of text in one style. ``hidden`` text is not written at all (a number not computed
    yet): its line keeps its room, as a box of fixed size, empty. A line with a span that has a
    ``room`` (the longest text the line holds in any step) is written in a box of fixed size too,
    wide enough for that, whether hidden or shown: every step has the same layout."""

    text: str
    colour: str = ""
    bold: bool = False
    hidden: bool = False
    room: str = ""


Line = tuple[Span, ...]


def line(*parts: str | Span, colour: str = "", hidden: bool = False, room: str = "") -> Line:
    """A line of text from strings and spans; ``colour``, ``hidden`` and ``room`` apply to the
    strings."""
    return tuple(
        p if isinstance(p, Span) else Span(p, colour, hidden=hidden, room=room) for p in parts
    )


@dataclass(frozen=True)
class NodeStyle:
    """How one node is drawn: rows under its value, header fill, sweep number, outline."""

    rows: tuple[Line, ...] = ()
    fill: str = ""  # the header's fill; by default one for leaves and one for operations
    badge: str = ""  # a number before the name (the order a sweep visits the node in)
    badge_fill: str = ""
    border: str = ""  # an outline colour for the node a view points at
    data_hidden: bool = False  # the value not computed yet (the forward pass, step by step)
    data_row: bool = True  # False: no data row at all (a slide that shows only the gradients)
    muted: bool = False  # drawn in grey: bookkeeping (a multiply or divide by 1) the eye may skip
    oval: bool = False  # only the name, in a small ellipse: a thumbnail of the graph
    # Rows of cells after the rows; the first one's cells after its first head the columns.
    table: tuple[tuple[Line, ...], ...] = ()


@dataclass(frozen=True)
class EdgeStyle:
    """How one edge is drawn. Several ``colours`` draw parallel bands of those colours;
    ``backward`` puts the arrowhead at the parent end (the adjoint flowing back)."""

    lines: tuple[Line, ...] = ()
    colours: tuple[str, ...] = (INK,)
    width: float = 1.2
    dashed: bool = False
    backward: bool = False
    pattern: str = ""  # a line pattern ("dashed", "dotted"): a path's, with its ``marker``
    marker: str = ""  # an arrowhead other than the default (a path's marker)
    beside: bool = False  # an edge within a rank: its label placed beside it once laid out
    to_header: bool = False  # from box to box at their headers (a network's neurons), not rows


@dataclass(frozen=True)
class Caption:
    """Text under the picture in a box of fixed size, so that frames keep one layout."""

    text: str
    width: int  # points
    lines: int = 1

    @classmethod
    def fitting(cls, text: str, every: Sequence[str]) -> Caption:
        """``text`` in a box wide enough for the longest of ``every`` caption of a sequence."""
        longest = min(max(map(len, every), default=0), MAX_CAPTION)
        return cls(text, max(280, int(6.6 * longest) + 16))


@dataclass(frozen=True)
class Cluster:
    """A labelled box around nodes that belong together (a neuron, a layer): dashed and grey;
    with a ``colour``, a picture of its own (one of small multiples), framed in that colour
    with its label under it."""

    label: str | Line
    nodes: tuple[str, ...] = ()
    clusters: tuple[Cluster, ...] = ()
    colour: str = ""


@dataclass(frozen=True)
class Scene:
    """Everything a view draws: the graph and a style for each of its nodes and edges."""

    graph: GraphDescription
    nodes: Mapping[str, NodeStyle] = field(default_factory=dict)
    edges: Sequence[EdgeStyle] = ()  # one per edge of graph.edges, in order; plain if empty
    title: str = ""
    legend: Sequence[tuple[tuple[str, ...], Line]] = ()  # (swatch colours, text) per row
    caption: Caption | None = None
    rankdir: str = "LR"
    constants: Sequence[ConstantInfo] = ()  # drawn as small ellipses feeding their operation
    clusters: Sequence[Cluster] = ()
    compact: bool = False  # less space between nodes and ranks, smaller edge labels
    # Groups of nodes laid out side by side (one column, or row), each in the order given.
    same_rank: Sequence[Sequence[str]] = ()
    # > 0: the clusters in a grid of this many columns, row by row, each placed by its first
    # and last node (a copy of a graph, its nodes in topological order: small multiples).
    columns: int = 0
    footer: Line = ()  # a line centred under the picture (a legend row when there is a legend)
    theme: str = "light"  # ``viz.themes``: the colours the scene's light palette becomes
    fontsize: float = 12.0  # points of the nodes' text; the rest of the text follows
    size: tuple[float, float] | None = None  # inches: the picture scaled down to fit this box
    legend_side: bool = False  # the legend beside the graph, wrapped narrow, instead of under it
    tight: bool = False  # less space between nodes, ranks and the text in a node (to fit a box)


def check_rankdir(rankdir: object) -> str:
    if rankdir == "TD":  # what Mermaid and many users write for top-down
        return "TB"
    if rankdir not in RANKDIRS:
        got = repr(rankdir) if len(repr(rankdir)) <= 80 else repr(rankdir)[:79] + "…"
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)} or TD, got {got}")
    return rankdir  # type: ignore[return-value]


@dataclass(frozen=True)
class Annotations:
    """What a view computes from a description: a style per node and per edge, its title and
    legend, and for a view in steps the caption of every step (step 0 first). ``graph`` replaces
    the figure's description for a view that draws it otherwise (a neuron per node)."""

    nodes: Mapping[str, NodeStyle] = field(default_factory=dict)
    edges: Sequence[EdgeStyle] = ()  # one per edge of the description, in order; plain if empty
    title: str = ""
    legend: Sequence[tuple[tuple[str, ...], Line]] = ()
    captions: Sequence[str] = ()  # a view in steps: what step k computes, k = 0 ... n
    text: str = ""  # the diagram's text (``Diagram.text``) when not a step's caption
    constants: Sequence[ConstantInfo] = ()
    clusters: Sequence[Cluster] = ()
    compact: bool = False
    same_rank: Sequence[Sequence[str]] = ()
    graph: GraphDescription | None = None
    columns: int = 0
    footer: Line = ()
    short: Line = ()  # the legend in one line: this picture's result (``legend="short"``)
    fit: tuple[float, float] | None = None


@dataclass(frozen=True)
class Options:
    """What every view of a figure shares, applied to the annotations in one place
    (``viz.figure``): the layout direction, the drawing limit, the render format, the legend
    ("full", "short", "side" or False), the nodes' font size in points, a target size in inches
    (or "slide") and the theme ("light", "dark", "print")."""

    rankdir: str | None = "LR"  # None: left to right, or with a size the way that reads larger
    max_nodes: int | None = None  # None: ``describe``'s limit (300 nodes)
    format: str = "svg"  # the default of ``Diagram.pipe()`` and ``.render()``
    legend: str | bool = "short"
    fontsize: float = 12.0
    size: tuple[float, float] | str | None = None
    theme: str = "light"
