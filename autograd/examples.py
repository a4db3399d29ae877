"""The two worked examples the README's pictures, the tests and the docs build on, in one place.

- ``classic()``: e = (a + b)(b + 1) at a = 2, b = 1, with c = a + b and d = b + 1 labelled;
  de/da = 2, de/db = 5.
- ``three_by_three()``: (α+β+γ)(δ+ε+ζ), nine paths from X to Z summing to 310.

And two families whose size grows, for the counts that show why backpropagation is reverse mode:

- ``stacked(k)``: the three-by-three example's stage repeated k times, 3^k paths from x to out.
- ``neuron(n)``: tanh(w·x + b) with n inputs, a function of its n + 1 parameters.
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


def stacked(k: int) -> tuple[Value, Value]:
    """(x, out) of k three-way stages: each stage sends its input through three multipliers and
    adds them, (2, 3, 5) and (7, 11, 13) in turn, so out = 10^⌈k/2⌉ · 31^⌊k/2⌋ · x and there are
    3^k paths from x to out. ``stacked(2)`` is ``three_by_three()``'s graph."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"stacked(k) takes a whole number of stages k >= 1, got {k!r}")
    x = Value(1.0, "x")
    out = x
    for stage in range(k):
        m1, m2, m3 = (2, 3, 5) if stage % 2 == 0 else (7, 11, 13)
        out = m1 * out + m2 * out + m3 * out
    out.label = "out"
    return x, out


def neuron(n: int) -> tuple[list[Value], Value]:
    """(parameters, out) of a neuron tanh(w0·x0 + ... + w(n-1)·x(n-1) + b) with n inputs: the
    parameters are the n weights w0 ... and the bias b (Values, b = 0.1, the weights 0.5 and
    -0.25 in turn); the inputs x_i = 1/n are numbers. Its graph is a tree: one path from each
    parameter to out."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"neuron(n) takes a whole number of inputs n >= 1, got {n!r}")
    weights = [Value(0.5 if i % 2 == 0 else -0.25, f"w{i}") for i in range(n)]
    bias = Value(0.1, "b")
    z = bias
    for w in weights:
        z = z + w * (1 / n)
    out = z.tanh()
    out.label = "out"
    return [*weights, bias], out
