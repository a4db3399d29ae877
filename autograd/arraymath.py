"""The NumPy half of the namespace the derivative rules compute in: the same rules of
``autograd.ops``, evaluated on whole arrays at once (one entry per sample of a batch).

It mirrors ``autograd.floatmath`` function for function, with the same IEEE 754 results
(``1 / 0 = inf``, ``log 0 = -inf``, ``sqrt(-1) = nan``); callers silence NumPy's warnings about
them once around a whole replay (``np.errstate(all="ignore")``), as ``Traced`` does. ``select``
evaluates both branches and picks per entry, where the float and Value namespaces evaluate only
the one taken.
"""

from __future__ import annotations

from typing import Any

import numpy as np

INF = np.inf
NAN = np.nan


def data(x: Any) -> Any:
    """The numbers themselves (arrays are their own data)."""
    return x


def div(a: Any, b: Any) -> Any:
    return np.divide(a, b)


def pow(a: Any, b: Any) -> Any:
    return np.power(np.asarray(a, dtype=float), b)


def exp(x: Any) -> Any:
    return np.exp(x)


def log(x: Any) -> Any:
    return np.log(x)


def sqrt(x: Any) -> Any:
    return np.sqrt(x)


def sin(x: Any) -> Any:
    return np.sin(x)


def cos(x: Any) -> Any:
    return np.cos(x)


def sigmoid(x: Any) -> Any:
    """1 / (1 + e^-x) on the side that cannot overflow, entry by entry."""
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softplus(x: Any) -> Any:
    """log(1 + e^x) = max(x, 0) + log1p(e^-|x|)."""
    x = np.asarray(x, dtype=float)
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def sign(x: Any) -> Any:
    """-1, 0 or 1 by the sign of each entry (0 at 0, and at NaN, as ``floatmath.sign``)."""
    s = np.sign(x)
    return np.where(s != s, 0.0, s)


def select(condition: Any, if_true: Any, if_false: Any) -> Any:
    """Entry by entry, ``if_true`` where ``condition`` holds, else ``if_false`` (each a value,
    or a function of no arguments giving one)."""
    a = if_true() if callable(if_true) else if_true
    b = if_false() if callable(if_false) else if_false
    if a.__class__ is float and b.__class__ is float and a == 1.0 and b == 0.0:
        return np.asarray(condition, dtype=np.float64)  # the same 1s and 0s, 3x faster
    return np.where(condition, a, b)
