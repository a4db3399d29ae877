"""A line of spans as Graphviz's HTML-like label text, in a theme's colours.

Text not computed yet (a *hidden* span) is never written: not in white, not at all, so no SVG,
PNG, PDF text layer or page holds a later number. Its room is kept instead: a line that is
hidden in some step of a sequence is written in a box of fixed size, wide enough for its text
(``viz.textsize`` estimates it generously) whether the text is shown or not, so every frame has
the same layout and the picture does not jump from one step to the next.
"""

from __future__ import annotations

import math

from .scene import Line
from .text import escape, keep_end_spaces, shorten
from .textsize import LINE_HEIGHT, text_width
from .themes import LIGHT, Theme

MAX_TEXT = 120  # characters of a run of text: an edge label's line, a row


def markup(
    spans: Line,
    most: int = MAX_TEXT,
    trailing: bool = True,
    theme: Theme = LIGHT,
    raw: bool = False,
) -> str:
    """A line of spans as HTML-like label text, each run cut to ``most`` characters, in
    ``theme``'s text colours (``raw``: the spans' colours as they are). Hidden spans are left
    out."""
    out = []
    for span in spans:
        # Spaces at the ends of a run become no-break spaces: SVG viewers drop ordinary ones
        # between runs of different styles ("e = *" would show as "e= *"). Only the leading ones
        # matter (each run is placed where the previous one ends, its spaces included): with
        # ``trailing=False`` a run's trailing spaces stay as typed.
        text = escape(keep_end_spaces(shorten(span.text, most), trailing))
        if not text or span.hidden:  # Graphviz refuses an empty <B></B> or <FONT></FONT>
            continue
        if span.bold:
            text = f"<B>{text}</B>"
        colour = span.colour if raw else span.colour and theme.text(span.colour)
        if colour:
            text = f'<FONT COLOR="{colour}">{text}</FONT>'
        out.append(text)
    return "".join(out)


def is_boxed(spans: Line) -> bool:
    """Whether a line is written in a box of fixed size: it is hidden in some step, or holds a
    room for text of another step (``Span.room``)."""
    return any(span.hidden or span.room for span in spans)


def boxed(
    spans: Line, size: float, most: int = MAX_TEXT, theme: Theme = LIGHT, raw: bool = False
) -> str:
    """A line as the text of a table cell: for a line that is hidden in some step
    (``is_boxed``), a box of fixed size wide enough for its text at ``size`` points, shown or
    not, and for its ``room`` (a borderless table of one cell, so that the cell around it still
    stretches to its row with every renderer); otherwise the line's text."""
    text = markup(spans, most, theme=theme, raw=raw)
    if not is_boxed(spans):
        return text
    shown = sum(text_width(shorten(s.text, most), size, s.bold) for s in spans)
    # The room as if bold: wide enough for the text it stands for in any style.
    room = max((text_width(shorten(s.room, most), size, bold=True) for s in spans), default=0.0)
    rows = 1 + max((s.text.count("\n") + s.room.count("\n") for s in spans), default=0)
    width = math.ceil(max(shown, room) + 2)
    height = math.ceil(size * LINE_HEIGHT * rows + 2)
    return (
        f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0"><TR><TD '
        f'FIXEDSIZE="TRUE" WIDTH="{width}" HEIGHT="{height}">{text}</TD></TR></TABLE>'
    )


def legend_box(parts: list[Line], size: float = 14) -> str:
    """The attributes of a legend row's box of fixed size: the room of its text at ``size``
    points, shown or not (see ``boxed``)."""
    widest = max(sum(text_width(s.text, size, s.bold) for s in part) for part in parts)
    height = math.ceil(size * LINE_HEIGHT * len(parts) + 6)
    return f' FIXEDSIZE="TRUE" WIDTH="{math.ceil(widest + 6)}" HEIGHT="{height}"'
