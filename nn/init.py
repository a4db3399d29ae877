"""Weight initialisation: every random draw goes through a seeded NumPy generator."""

from __future__ import annotations

import math

import numpy as np

INITS = ("uniform", "micrograd", "xavier", "he")

_SEEDED: list[np.random.Generator] = []  # the generator of manual_seed, when it was called


def manual_seed(seed: int) -> None:
    """Seed every initialisation that is not given its own ``seed=``, as ``torch.manual_seed``
    does: after ``nn.manual_seed(0)`` the same code builds the same models. Without it (and
    without ``seed=``), every run draws fresh weights."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"manual_seed takes an int, got {type(seed).__name__} {seed!r}")
    _SEEDED[:] = [np.random.default_rng(int(seed))]


def generator(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A NumPy generator from a seed: an int, an existing generator, or None (the generator of
    ``manual_seed`` if it was called, else fresh entropy)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return _SEEDED[0] if _SEEDED else np.random.default_rng()
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return np.random.default_rng(seed)
    raise TypeError(f"seed must be an int, a numpy Generator or None, got {type(seed).__name__}")


def draw_weights(init: str, fan_in: int, n: int, rng: np.random.Generator) -> list[float]:
    """n weights for a unit with ``fan_in`` inputs.

    - "uniform" (also "micrograd"): U(-1, 1), as micrograd does;
    - "xavier": U(-a, a) with a = sqrt(3 / fan_in), so Var w = 1 / fan_in;
    - "he": U(-a, a) with a = sqrt(6 / fan_in), so Var w = 2 / fan_in.
    """
    if init in ("uniform", "micrograd"):
        bound = 1.0
    elif init == "xavier":
        bound = math.sqrt(3.0 / fan_in)
    elif init == "he":
        bound = math.sqrt(6.0 / fan_in)
    else:
        raise ValueError(f"unknown init {init!r}; expected one of {', '.join(INITS)}")
    return [float(w) for w in rng.uniform(-bound, bound, size=n)]
