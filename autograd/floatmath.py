"""IEEE 754 arithmetic on Python floats, as NumPy and PyTorch do it.

Python's own float operations raise where IEEE 754 returns a special value: ``1.0 / 0.0`` raises
``ZeroDivisionError``, ``math.exp(1000)`` raises ``OverflowError``, ``math.log(0)`` and
``math.sqrt(-1)`` raise ``ValueError``. The engine calls these functions instead, so that no such
exception ever escapes from inside it: results are ``inf``, ``-inf`` or ``nan`` as they would be in
NumPy.

This module is also the *float* half of the namespace the derivative rules are written against
(see ``autograd.ops``): a rule calls ``m.div``, ``m.pow``, ``m.exp``..., and ``m`` is this module
(local derivatives as floats), ``autograd.value.VALUE_MATH`` (as differentiable Values) or
``autograd.arraymath`` (as NumPy arrays, one entry per sample, for traced replays).
"""

from __future__ import annotations

import math
from typing import Any

INF = math.inf
NAN = math.nan


def data(x: float) -> float:
    """The number itself (the float twin of ``Value.data``)."""
    return x


def div(a: float, b: float) -> float:
    """a / b, with a / ±0 = ±inf (sign of a times sign of the zero) and 0 / 0 = nan."""
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0 or a != a:
            return NAN
        return math.copysign(INF, a) * math.copysign(1.0, b)


def _is_odd_integer(x: float) -> bool:
    return x == x and not math.isinf(x) and x == int(x) and int(x) % 2 == 1


def pow(a: float, b: float) -> float:
    """a ** b as C pow(): overflow is ±inf, 0 ** negative is inf, negative ** fraction is nan."""
    try:
        return math.pow(a, b)
    except OverflowError:
        if a < 0 and _is_odd_integer(b):
            return -INF
        return INF
    except ValueError:
        if a == 0:  # b < 0
            return -INF if math.copysign(1.0, a) < 0 and _is_odd_integer(b) else INF
        return NAN


def exp(x: float) -> float:
    """e ** x; inf on overflow."""
    try:
        return math.exp(x)
    except OverflowError:
        return INF


def log(x: float) -> float:
    """Natural logarithm: log(0) = -inf, log(negative) = nan."""
    if x > 0:
        return math.log(x)
    if x == 0:
        return -INF
    return NAN


def sqrt(x: float) -> float:
    """Square root: sqrt(negative) = nan."""
    return math.sqrt(x) if x >= 0 else NAN


def sin(x: float) -> float:
    """Sine: sin(±inf) = nan."""
    try:
        return math.sin(x)
    except ValueError:
        return NAN


def cos(x: float) -> float:
    """Cosine: cos(±inf) = nan."""
    try:
        return math.cos(x)
    except ValueError:
        return NAN


def sign(x: float) -> float:
    """-1.0, 0.0 or 1.0 by the sign of x (0 at 0)."""
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


def select(condition: bool, if_true: Any, if_false: Any) -> Any:
    """``if_true`` if ``condition`` holds, else ``if_false``; either may be a function of no
    arguments, called only when taken (the array namespace evaluates both)."""
    chosen = if_true if condition else if_false
    return chosen() if callable(chosen) else chosen


def sigmoid(x: float) -> float:
    """1 / (1 + e^-x), computed on the side that cannot overflow: sigmoid(-1000) = 0.0."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def softplus(x: float) -> float:
    """log(1 + e^x) = max(x, 0) + log1p(e^-|x|): softplus(1000) = 1000.0, softplus(-1000) = 0.0."""
    if x > 0:
        return x + math.log1p(math.exp(-x))
    return math.log1p(math.exp(x))
