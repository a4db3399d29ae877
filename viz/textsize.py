"""How wide a run of text is drawn, estimated generously: the box of fixed size that reserves the
room of a number not computed yet (``viz.dot``) must hold it once shown, with every renderer.

The widths are Helvetica's (Adobe's metrics, thousandths of the font size), which Arial and
Liberation Sans share; text the table does not cover counts as wide as an "M" (two for wide East
Asian characters), and the whole is given a tenth more for fonts that run wider.
"""

from __future__ import annotations

import unicodedata

# Helvetica's advance widths for " " to "~" (Adobe Font Metrics), in thousandths of the size.
_ASCII = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)  # fmt: skip
_OTHER = {"\u00a0": 278, "·": 278, "∂": 556, "→": 1000, "…": 1000, "−": 584, "Σ": 667, "∇": 722}
WIDEST = 833  # an "M": what an unknown character counts as
SLACK = 1.1  # for fonts that run wider than Helvetica
BOLD = 1.08  # Helvetica-Bold against Helvetica, about
LINE_HEIGHT = 1.2  # a line of text, in font sizes (Graphviz's own line spacing)


def char_width(ch: str) -> int:
    """One character's advance in thousandths of the font size, rounded up where unsure."""
    code = ord(ch)
    if 32 <= code < 127:
        return _ASCII[code - 32]
    if ch in _OTHER:
        return _OTHER[ch]
    if unicodedata.combining(ch):
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2 * WIDEST
    return WIDEST


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of ``text`` at ``size`` points, in points, estimated on the large side."""
    thousandths = sum(map(char_width, text)) * (BOLD if bold else 1.0)
    return thousandths * size / 1000 * SLACK
