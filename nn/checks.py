"""What nn's modules check in what they are given, and how their errors quote it (bounded,
whatever its length)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from autograd import Value

Input = Any  # what a model takes: a list, tuple or 1-D array of numbers or Values, or one number


def quoted(text: str, most: int = 200) -> str:
    """``text``, or its first ``most`` characters and how long it is."""
    return text if len(text) <= most else f"{text[:most]}... ({len(text)} characters)"


def listing(items: list[str], most: int = 6) -> str:
    """The first ``most`` items, each quoted, and how many more there are."""
    shown = ", ".join(quoted(item, 80) for item in items[:most])
    return shown + (f", ... ({len(items) - most} more)" if len(items) > most else "")


def positive_int(what: str, n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{what} must be a positive int, got {n!r}")
    return int(n)


def as_float(name: str, x: Any) -> float:
    if not is_real(x):
        raise TypeError(f"parameter {name} holds {type(x).__name__} {x!r}, not a real number")
    return float(x)


def is_real(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def model_input(x: Input, n: int) -> list:
    """A model's input as a list of numbers or Values, checked for its length."""
    if isinstance(x, np.ndarray):
        if x.ndim != 1:
            raise ValueError(f"expected a 1-D input of length {n}, got an array of shape {x.shape}")
        x = x.tolist()
    elif isinstance(x, (Value, numbers.Real)):
        x = [x]
    elif not isinstance(x, (list, tuple)):
        raise TypeError(
            f"a model takes a list, tuple or 1-D NumPy array of numbers or Values, "
            f"got {type(x).__name__}"
        )
    if len(x) != n:
        raise ValueError(f"expected {n} inputs, got {len(x)}")
    return list(x)
