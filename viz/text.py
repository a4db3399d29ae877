"""Text made safe for a picture: escaped for Graphviz's HTML-like labels, shortened, wrapped.

Characters that XML cannot carry and bidirectional controls are written as visible escapes
(\\x07, \\u202e), so a label shows as it was typed.
"""

from __future__ import annotations

import html
import unicodedata
from dataclasses import replace

from .scene import Line, Span

# Bidirectional controls reorder the text around them (U+202E shows "abc" as "cba"): a label
# holding one is drawn with it as a visible escape, as it was typed.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_INVISIBLE = BIDI_CONTROLS | {"\ufffe", "\uffff"}
MAX_WORD = 32  # characters of a word in a legend row: a long name there is shortened
LEGEND_WIDTH = 100  # characters of a legend line: a longer sentence wraps


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


def keep_end_spaces(text: str, trailing: bool = True) -> str:
    """``text`` with the spaces at its ends as no-break spaces (SVG viewers drop ordinary ones
    between runs of different styles); with ``trailing=False`` the trailing ones stay."""
    stripped = text.strip(" ")
    if not stripped:
        return "\u00a0" * len(text)
    start = len(text) - len(text.lstrip(" "))
    end = len(text) - len(text.rstrip(" "))
    return "\u00a0" * start + stripped + ("\u00a0" if trailing else " ") * end
