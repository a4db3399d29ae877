"""The numbers a Value's methods take besides Values (a constant operand, a slope, a seed), checked
with an error that names what was given and what is accepted."""

from __future__ import annotations

from . import value  # value._constant, read when called (value.py imports this module first)


def bad_operand(symbol: str, other: object) -> TypeError:
    return TypeError(
        f"unsupported operand for {symbol}: a Value combines with Values, int, float or NumPy "
        f"real scalars, got {type(other).__name__} {other!r}"
    )


def parameter(name: str, x: object) -> float:
    c = value._constant(x)
    if c is None or isinstance(x, value.Value):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__} {x!r}")
    return c


def seed(grad: object) -> float:
    c = value._constant(grad)
    if c is None:
        raise TypeError(
            f"backward(grad=...) takes a real number (the seed d(out)/d(out)), "
            f"got {type(grad).__name__} {grad!r}"
        )
    return c
