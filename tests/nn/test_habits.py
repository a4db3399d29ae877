"""The habits users bring: seeds, micrograd's initialisation, rebuilding from a file, fit's
arguments, modules that keep parameters in other containers."""

import numpy as np
import pytest

import nn
from nn import functional as F
from nn.optim import Adam


@pytest.fixture
def unseeded():
    """manual_seed's generator dropped afterwards, so that other tests start unseeded."""
    yield
    nn.init._SEEDED.clear()


def test_manual_seed_makes_models_reproducible_and_seed_still_wins(unseeded):
    nn.manual_seed(3)
    first = [p.data for p in nn.MLP(2, [3, 1]).parameters()]
    nn.manual_seed(3)
    again = [p.data for p in nn.MLP(2, [3, 1]).parameters()]
    assert first == again
    assert [p.data for p in nn.MLP(2, [3, 1], seed=1).parameters()] == [
        p.data for p in nn.MLP(2, [3, 1], seed=1).parameters()
    ]
    with pytest.raises(TypeError, match="manual_seed takes an int"):
        nn.manual_seed("3")


def test_micrograd_initialisation_is_uniform_on_minus_one_one():
    weights = [w.data for w in nn.Neuron(1000, init="micrograd", seed=0).w]
    assert -1 <= min(weights) < -0.99 and 0.99 < max(weights) <= 1


def test_fit_takes_metrics_lr_and_refuses_an_optimizer_class():
    X, y = nn.data.make_xor()
    labels = y * 2 - 1
    model = nn.MLP(2, [4, 1], seed=0)

    def hinge(o, t):
        return F.hinge_loss(o, t)

    history = nn.fit(model, X, labels, loss=hinge, metrics="sign", lr=0.05, epochs=2,
                     progress=False)  # fmt: skip
    assert len(history.accuracy) == 2
    assert nn.fit(model, X, labels, loss=hinge, epochs=1, progress=False).accuracy == []
    custom = nn.fit(model, X, labels, loss=hinge, epochs=1, progress=False,
                    metrics=lambda o, t: np.ones(len(t), bool))  # fmt: skip
    assert custom.accuracy == [1.0]
    with pytest.raises(
        TypeError, match=r"like Adam\(model.parameters\(\), lr=0.01\), not the class"
    ):
        nn.fit(model, X, labels, optimizer=Adam, progress=False)
    with pytest.raises(TypeError, match="not both"):
        nn.fit(model, X, labels, optimizer=Adam(model.parameters()), lr=0.1, progress=False)
    with pytest.raises(ValueError, match="metrics must be 'auto', None"):
        nn.fit(model, X, labels, metrics="precision", progress=False)
