"""The themes a picture is drawn in: light (the default), dark (for dark slides) and print
(greyscale-safe), and the twelve styles that tell the paths apart.

Views colour their scenes with the light theme's palette (``viz.scene``); a ``Theme`` translates
each of those colours when the DOT is written (``viz.dot``, the one place): a colour for lines
and fills, and for text a colour of at least 4.5:1 contrast (WCAG 2) against the background and
every fill text sits on, darkened (or, on a dark background, lightened) from the line's colour
until it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from .scene import (
    BACKGROUND,
    BLACK,
    BLUE,
    CELL_COLOUR,
    HIGHLIGHT_FILL,
    INDIGO,
    INK,
    LEAF_FILL,
    MUTED,
    OP_FILL,
    PATH_COLOURS,
    WINE,
)

THEMES_ACCEPTED = ("light", "dark", "print")
TEXT_CONTRAST = 4.5  # WCAG 2, level AA, for ordinary text


@dataclass(frozen=True)
class PathStyle:
    """How path number n is drawn: a colour, a line pattern and an arrowhead (its marker), so
    that two paths differ in colour and in pattern or marker, and a greyscale print still tells
    them apart."""

    colour: str
    pattern: str  # "solid", "dashed" or "dotted" (Graphviz's line styles)
    marker: str  # a Graphviz arrowhead


# ``PATH_COLOURS``' order: green (path 3) and reddish purple (path 7), which deuteranopes confuse,
# are four apart and dotted versus solid; the pattern changes from one path to the next, the
# marker every three paths, so that no two paths share colour, pattern and marker.
_PATTERNS = ("solid", "dashed", "dotted")
_MARKERS = ("normal", "empty", "diamond", "dot")
PATH_STYLES = tuple(
    PathStyle(colour, _PATTERNS[i % 3], _MARKERS[i // 3]) for i, colour in enumerate(PATH_COLOURS)
)


def path_style(n: int) -> PathStyle:
    """The style of path number n (1-based); path 13 is drawn as path 1."""
    return PATH_STYLES[(n - 1) % len(PATH_STYLES)]


def luminance(colour: str) -> float:
    """WCAG 2's relative luminance of "#RRGGBB": 0 for black, 1 for white."""
    channels = []
    for k in (1, 3, 5):
        c = int(colour[k : k + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """WCAG 2's contrast ratio of two "#RRGGBB" colours, from 1 (the same) to 21 (black, white)."""
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix(colour: str, towards: str, t: float) -> str:
    """``colour`` moved a fraction t of the way to ``towards``."""
    parts = (
        round(int(colour[k : k + 2], 16) * (1 - t) + int(towards[k : k + 2], 16) * t)
        for k in (1, 3, 5)
    )
    return "#" + "".join(f"{p:02X}" for p in parts)


def is_hex(colour: str) -> bool:
    return len(colour) == 7 and colour[0] == "#" and all(c in "0123456789abcdefABCDEF"
                                                         for c in colour[1:])  # fmt: skip


@dataclass(frozen=True)
class Theme:
    """A background, the colour each light-theme colour becomes, and the fills text sits on."""

    name: str
    background: str
    colours: Mapping[str, str] = field(default_factory=dict)  # light colour -> this theme's
    grey: bool = False  # every colour not in ``colours`` drawn as a grey of its luminance

    def line(self, colour: str) -> str:
        """The theme's colour for a line, a fill or a swatch drawn in ``colour``."""
        colour = colour.upper() if is_hex(colour) else colour
        if colour in self.colours:
            return self.colours[colour]
        if self.grey and is_hex(colour):  # darker than the muted grey: an ink of its own
            level = round(0x70 * min(1.0, luminance(colour) / 0.5))
            return f"#{level:02X}{level:02X}{level:02X}"
        return colour

    def surfaces(self) -> tuple[str, ...]:
        """What text is written on: the background and the fills of the nodes' headers."""
        return (self.background, *(self.line(f) for f in (LEAF_FILL, OP_FILL, HIGHLIGHT_FILL)))

    def text(self, colour: str) -> str:
        """The colour text drawn in ``colour`` is written in: readable on every surface."""
        return _readable(self.name, self.line(colour))

    def on(self, fill: str) -> str:
        """Black or white, whichever reads better on ``fill``, a colour of this theme (a badge's
        number on its fill)."""
        return "#000000" if contrast(fill, "#000000") >= contrast(fill, "#FFFFFF") else "#FFFFFF"


@lru_cache(maxsize=512)
def _readable(name: str, colour: str) -> str:
    theme = THEMES[name]
    if not is_hex(colour):
        return colour
    dark = luminance(theme.background) < 0.2
    towards = "#FFFFFF" if dark else "#000000"
    surfaces = theme.surfaces()
    for step in range(21):
        candidate = mix(colour, towards, step / 20)
        if all(contrast(candidate, s) >= TEXT_CONTRAST for s in surfaces):
            return candidate
    return towards


LIGHT = Theme("light", BACKGROUND)
DARK = Theme(
    "dark",
    "#1E1E1E",
    {
        BACKGROUND: "#1E1E1E",
        INK: "#E6E6E6",
        BLACK: "#F2F2F2",
        MUTED: "#6E6E6E",
        CELL_COLOUR: "#8C8C8C",
        LEAF_FILL: "#1F3350",
        OP_FILL: "#333333",
        HIGHLIGHT_FILL: "#5A4A0C",
        BLUE: "#3D9BE0",
        INDIGO: "#8C7FE0",
        WINE: "#D0609A",
        "#FFFFFF": "#1E1E1E",
    },
)
PRINT = Theme(
    "print",
    BACKGROUND,
    {
        INK: "#000000",
        MUTED: "#B4B4B4",
        CELL_COLOUR: "#808080",
        LEAF_FILL: "#E6E6E6",
        OP_FILL: "#FFFFFF",
        HIGHLIGHT_FILL: "#CCCCCC",
        "#FFFFFF": "#FFFFFF",
    },
    grey=True,
)
THEMES = {t.name: t for t in (LIGHT, DARK, PRINT)}


def check_theme(theme: object) -> str:
    """A theme's name, checked."""
    if theme not in THEMES:
        raise ValueError(f"theme must be one of {', '.join(map(repr, THEMES_ACCEPTED))}, "
                         f"got {theme!r}")  # fmt: skip
    return theme  # type: ignore[return-value]
