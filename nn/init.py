"""Weight initialisation: every random draw goes through a seeded generator: NumPy's, or for
``init="micrograd"`` Python's ``random``, as micrograd draws."""

from __future__ import annotations

import math
import random
from types import ModuleType

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
    """A NumPy generator from a seed: an int, an existing generator (or ``RandomState``), or
    None: the generator of ``manual_seed`` if it was called, else NumPy's global random state,
    which ``np.random.seed`` sets (as scikit-learn's ``random_state=None`` does)."""
    if isinstance(seed, (np.random.Generator, np.random.RandomState)):
        return seed  # type: ignore[return-value]  # a RandomState draws with the same names
    if seed is None:
        if _SEEDED:
            return _SEEDED[0]
        return np.random.mtrand._rand  # type: ignore[return-value]  # the same method names
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return np.random.default_rng(seed)
    raise TypeError(f"seed must be an int, a numpy Generator or None, got {type(seed).__name__}")


class PythonRandom:
    """Python's ``random`` (the module itself, or a ``random.Random``), drawing U(-1, 1) one
    weight at a time with ``uniform(-1, 1)``, exactly as micrograd's ``Neuron`` does."""

    def __init__(self, source: ModuleType | random.Random) -> None:
        self.source = source

    def uniform(self, low: float, high: float, size: int) -> list[float]:
        return [self.source.uniform(low, high) for _ in range(size)]


Source = np.random.Generator | PythonRandom


def weight_source(
    init: str | None, seed: int | np.random.Generator | PythonRandom | None
) -> Source:
    """Where a model's weights are drawn from.

    ``init="micrograd"`` draws from Python's ``random``, in micrograd's order (each neuron's
    weights in turn): with ``seed=None`` from the ``random`` module itself, so that
    ``random.seed(1337)`` before building the model gives micrograd's weights; with an int seed
    from ``random.Random(seed)``. Every other init (and a NumPy generator given as seed) draws
    from NumPy (see ``generator``)."""
    if isinstance(seed, PythonRandom):
        return seed
    if init == "micrograd" and not isinstance(seed, (np.random.Generator, np.random.RandomState)):
        if seed is None:
            return PythonRandom(random)
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"seed must be an int, a numpy Generator or None, got {seed!r}")
        return PythonRandom(random.Random(int(seed)))
    return generator(seed)


def draw_weights(init: str, fan_in: int, n: int, rng: Source) -> list[float]:
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
