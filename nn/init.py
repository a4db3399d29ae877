"""Weight initialisation: every random draw goes through a seeded NumPy generator."""

from __future__ import annotations

import math

import numpy as np

INITS = ("uniform", "xavier", "he")


def generator(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A NumPy generator from a seed (an int, an existing generator, or None for fresh entropy)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)):
        return np.random.default_rng(seed)
    raise TypeError(f"seed must be an int, a numpy Generator or None, got {type(seed).__name__}")


def draw_weights(init: str, fan_in: int, n: int, rng: np.random.Generator) -> list[float]:
    """n weights for a unit with ``fan_in`` inputs.

    - "uniform": U(-1, 1), as micrograd does;
    - "xavier": U(-a, a) with a = sqrt(3 / fan_in), so Var w = 1 / fan_in;
    - "he": U(-a, a) with a = sqrt(6 / fan_in), so Var w = 2 / fan_in.
    """
    if init == "uniform":
        bound = 1.0
    elif init == "xavier":
        bound = math.sqrt(3.0 / fan_in)
    elif init == "he":
        bound = math.sqrt(6.0 / fan_in)
    else:
        raise ValueError(f"unknown init {init!r}; expected one of {', '.join(INITS)}")
    return [float(w) for w in rng.uniform(-bound, bound, size=n)]
