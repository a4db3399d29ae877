"""Data sets: shapes, labels, reproducibility, splitting and batching."""

import numpy as np
import pytest

from nn import data


@pytest.mark.parametrize(
    "make, n_classes",
    [
        (lambda s: data.make_moons(100, noise=0.1, seed=s), 2),
        (lambda s: data.make_circles(100, noise=0.05, seed=s), 2),
        (lambda s: data.make_spiral(150, n_classes=3, seed=s), 3),
        (lambda s: data.make_blobs(90, centers=3, seed=s), 3),
    ],
)
def test_classification_sets_are_reproducible_and_balanced(make, n_classes):
    X, y = make(0)
    X2, y2 = make(0)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    assert not np.array_equal(make(1)[0], X)
    assert X.shape == (len(y), 2) and set(y.tolist()) == set(range(n_classes))
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1


def test_xor_is_the_truth_table():
    X, y = data.make_xor()
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and y.tolist() == [0, 1, 1, 0]


def test_ohm_law_regression_set():
    X, y = data.make_ohm(500, resistance=3.0, noise=0.01, seed=0)
    assert X.shape == (500, 1) and y.shape == (500,)
    slope = np.polyfit(X[:, 0], y, 1)[0]
    assert slope == pytest.approx(3.0, abs=0.01)


def test_train_test_split_holds_out_a_fraction():
    X, y = data.make_moons(100, seed=0)
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_size=0.2, seed=0)
    assert len(X_train) == 80 and len(X_test) == 20 and len(y_test) == 20
    assert sorted(map(tuple, np.vstack([X_train, X_test]))) == sorted(map(tuple, X))


def test_batches_cover_every_sample_once_in_a_seeded_order():
    X, y = np.arange(10).reshape(10, 1), np.arange(10)
    got = list(data.batches(X, y, batch_size=4, seed=0))
    assert [len(b[0]) for b in got] == [4, 4, 2]
    assert sorted(np.concatenate([b[1] for b in got]).tolist()) == list(range(10))
    again = list(data.batches(X, y, batch_size=4, seed=0))
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(got, again, strict=True))
    with pytest.raises(ValueError, match="X has 10 samples but y has 9"):
        next(data.batches(X, y[:9], 4))
