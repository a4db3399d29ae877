"""Text made safe to draw: characters that XML cannot carry and bidirectional controls written as
visible escapes, markup escaped for Graphviz's HTML-like labels, long names shortened."""

from __future__ import annotations

import html
import unicodedata

# Bidirectional controls reorder the text around them (U+202E shows "abc" as "cba"): a label
# holding one is drawn with it as a visible escape, as it was typed.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_INVISIBLE = BIDI_CONTROLS | {"\ufffe", "\uffff"}


def visible(text: str) -> str:
    """``text`` with the characters that XML cannot carry (control characters but the newline,
    surrogates) and the bidirectional controls written as visible escapes: \\x07, \\u202e."""
    return "".join(_code(ch) if _hidden(ch) else ch for ch in text)


def _hidden(ch: str) -> bool:
    return ch in _INVISIBLE or ch != "\n" and unicodedata.category(ch) in ("Cc", "Cs")


def _code(ch: str) -> str:
    return f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}"


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
