"""The two worked examples the README's pictures, the tests and the docs build on, in one place.

- ``classic()``: e = (a + b)(b + 1) at a = 2, b = 1, with c = a + b and d = b + 1 labelled;
  de/da = 2, de/db = 5.
- ``three_by_three()``: (α+β+γ)(δ+ε+ζ), nine paths from X to Z summing to 310.
"""

from __future__ import annotations

from .value import Value


def classic() -> tuple[Value, Value, Value, Value, Value]:
    """a, b, c, d, e of e = (a + b)(b + 1) at a = 2, b = 1, each labelled."""
    a, b = Value(2.0, "a"), Value(1.0, "b")
    c = a + b
    c.label = "c"
    d = b + 1
    d.label = "d"
    e = c * d
    e.label = "e"
    return a, b, c, d, e


def three_by_three(symbols: bool = False) -> tuple[Value, Value, Value]:
    """(X, Y, Z) of (α+β+γ)(δ+ε+ζ): X fans out through multipliers 2, 3, 5 into Y, and Y through
    7, 11, 13 into Z; nine paths summing to 310. With ``symbols`` the multipliers are labelled
    Values α ... ζ, otherwise plain numbers (constants, not nodes)."""
    numbers = (2, 3, 5, 7, 11, 13)
    m = [Value(v, s) for v, s in zip(numbers, "αβγδεζ", strict=True)] if symbols else numbers
    x = Value(1.0, "X")
    y = m[0] * x + m[1] * x + m[2] * x
    y.label = "Y"
    z = m[3] * y + m[4] * y + m[5] * y
    z.label = "Z"
    return x, y, z
