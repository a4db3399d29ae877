"""Small data sets as NumPy arrays, reproducible from a seed, and helpers to split and batch them.

Every generator returns ``(X, y)``: X of shape (n_samples, n_features), y of shape (n_samples,)
(integer class labels, or floats for regression).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from .init import generator
from .module import Module

Seed = int | np.random.Generator | None  # see nn.init.generator
Data = np.ndarray | Sequence[Any]  # samples (rows) or labels


def _count(n: object, name: str = "n_samples", minimum: int = 1) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {n!r}")
    return int(n)


def _noise(noise: object) -> float:
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or noise < 0:
        raise ValueError(f"noise must be a number >= 0, got {noise!r}")
    return float(noise)


def _shuffled(X: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple:
    order = rng.permutation(len(X))
    return X[order], y[order]


def make_xor(
    n_samples: int = 4, noise: float = 0.0, seed: Seed = None
) -> tuple[np.ndarray, np.ndarray]:
    """The XOR truth table: inputs (0,0), (0,1), (1,0), (1,1) with labels 0, 1, 1, 0, repeated
    to ``n_samples`` points (in that order), with Gaussian noise of std ``noise`` on the inputs."""
    n = _count(n_samples)
    rng = generator(seed)
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    X = corners[np.arange(n) % 4] + rng.normal(0.0, _noise(noise), size=(n, 2))
    y = np.array([0, 1, 1, 0])[np.arange(n) % 4]
    return X, y


def make_moons(n_samples: int = 100, noise: float = 0.0, seed: Seed = None) -> tuple:
    """Two interleaving half circles, as scikit-learn's: labels 0 (upper) and 1 (lower).

    The same draws in the same order as scikit-learn's ``make_moons(n, noise=noise)``, so that
    after ``np.random.seed(1337)`` (and with ``seed=None``) it gives the very points of
    micrograd's demo."""
    n = _count(n_samples, minimum=2)
    rng = generator(seed)
    n_out, n_in = n // 2, n - n // 2
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    X = np.vstack(
        [
            np.column_stack([np.cos(t_out), np.sin(t_out)]),
            np.column_stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5]),
        ]
    )
    y = np.concatenate([np.zeros(n_out, dtype=int), np.ones(n_in, dtype=int)])
    X, y = _shuffled(X, y, rng)
    return X + rng.normal(0.0, _noise(noise), size=X.shape), y


def make_circles(
    n_samples: int = 100, noise: float = 0.0, factor: float = 0.5, seed: Seed = None
) -> tuple:
    """A circle of radius ``factor`` (label 1) inside one of radius 1 (label 0)."""
    n = _count(n_samples, minimum=2)
    if not 0 < factor < 1:
        raise ValueError(f"factor must be in (0, 1), got {factor!r}")
    rng = generator(seed)
    n_out, n_in = n // 2 + n % 2, n // 2
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.vstack(
        [
            np.column_stack([np.cos(t_out), np.sin(t_out)]),
            factor * np.column_stack([np.cos(t_in), np.sin(t_in)]),
        ]
    )
    y = np.concatenate([np.zeros(n_out, dtype=int), np.ones(n_in, dtype=int)])
    X, y = _shuffled(X, y, rng)
    return X + rng.normal(0.0, _noise(noise), size=X.shape), y


def make_spiral(
    n_samples: int = 150, n_classes: int = 3, noise: float = 0.2, seed: Seed = None
) -> tuple:
    """``n_classes`` interleaved spiral arms (as in CS231n), labels 0 .. n_classes-1."""
    n = _count(n_samples)
    k = _count(n_classes, "n_classes", minimum=2)
    rng = generator(seed)
    per_class = [n // k + (1 if c < n % k else 0) for c in range(k)]
    xs, ys = [], []
    for c, m in enumerate(per_class):
        r = np.linspace(0.0, 1.0, m)
        t = np.linspace(c * 4.0, (c + 1) * 4.0, m) + rng.normal(0.0, _noise(noise), size=m)
        xs.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
        ys.append(np.full(m, c))
    return _shuffled(np.vstack(xs), np.concatenate(ys), rng)


def make_blobs(
    n_samples: int = 100,
    centers: int | Data = 3,
    cluster_std: float = 1.0,
    n_features: int = 2,
    seed: Seed = None,
) -> tuple:
    """Gaussian blobs around ``centers`` (a count, drawn in [-10, 10], or an array of points)."""
    n = _count(n_samples)
    rng = generator(seed)
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        centers = rng.uniform(
            -10.0, 10.0, size=(_count(centers, "centers"), _count(n_features, "n_features"))
        )
    centers = np.asarray(centers, dtype=float)
    if centers.ndim != 2:
        raise ValueError(
            f"centers must be a count or a 2-D array of points, got shape {centers.shape}"
        )
    y = np.arange(n) % len(centers)
    X = centers[y] + rng.normal(0.0, _noise(cluster_std), size=(n, centers.shape[1]))
    return _shuffled(X, y, rng)


def make_ohm(
    n_samples: int = 50, resistance: float = 2.0, noise: float = 0.1, seed: Seed = None
) -> tuple[np.ndarray, np.ndarray]:
    """Noisy linear regression from Ohm's law, V = R·I: currents I in [0, 1] as X (n, 1),
    voltages V = resistance · I + Gaussian noise as y (n,)."""
    n = _count(n_samples)
    rng = generator(seed)
    current = rng.uniform(0.0, 1.0, size=n)
    voltage = resistance * current + rng.normal(0.0, _noise(noise), size=n)
    return current.reshape(-1, 1), voltage


def _check_xy(X: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError("X and y must be arrays with one row per sample")
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)}")
    return X, y


def _check_data(
    model: Module, X: Data, y: Data, x_name: str, y_name: str
) -> tuple[np.ndarray, np.ndarray]:
    """fit's and evaluate's (X, y) as arrays, checked against ``model``: X 2-D numbers with the
    model's ``nin`` features, one target per sample, no NaN or infinite value."""
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"{x_name} must be 2-D (samples, features), got shape {X.shape}")
    nin = getattr(model, "nin", None)
    if nin is not None and X.shape[1] != nin:
        raise ValueError(f"{x_name} has {X.shape[1]} features per sample but the model takes {nin}")
    if y.ndim == 0 or len(y) != len(X):
        raise ValueError(
            f"{x_name} has {len(X)} samples but {y_name} has {len(y) if y.ndim else 'no axis'}"
        )
    if not np.issubdtype(X.dtype, np.number):
        raise ValueError(f"{x_name} must hold numbers, got dtype {X.dtype}")
    for name, data in ((x_name, X), (y_name, y)):
        if np.issubdtype(data.dtype, np.number):
            bad = ~np.isfinite(data.reshape(len(data), -1)).all(axis=1)
            if bad.any():
                rows = np.flatnonzero(bad)
                raise ValueError(
                    f"{name} has NaN or infinite values in {len(rows)} row(s), the first at row "
                    f"{rows[0]}: {data[rows[0]]!r}; training on them would turn every parameter "
                    f"into NaN"
                )
    return X, y


def train_test_split(
    X: Data, y: Data, test_size: float = 0.25, shuffle: bool = True, seed: Seed = None
) -> tuple:
    """(X_train, X_test, y_train, y_test), with a fraction ``test_size`` of the samples held out."""
    X, y = _check_xy(X, y)
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be a fraction in (0, 1), got {test_size!r}")
    n_test = max(1, round(len(X) * test_size))
    if n_test >= len(X):
        raise ValueError(f"cannot hold out {n_test} of {len(X)} samples and keep any for training")
    order = generator(seed).permutation(len(X)) if shuffle else np.arange(len(X))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def batches(
    X: Data, y: Data, batch_size: int, shuffle: bool = True, seed: Seed = None
) -> Iterator[tuple]:
    """Successive (X_batch, y_batch) of ``batch_size`` samples (the last may be smaller), in a
    seeded random order when ``shuffle``."""
    X, y = _check_xy(X, y)
    size = _count(batch_size, "batch_size")
    order = generator(seed).permutation(len(X)) if shuffle else np.arange(len(X))
    for start in range(0, len(X), size):
        chosen = order[start : start + size]
        yield X[chosen], y[chosen]
