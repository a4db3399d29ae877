"""nn's own MLP and Layer get their tape written from their structure (``nn.structure``): it must
be the tape ``autograd.trace`` records, instruction for instruction, and replay to the engine's
numbers."""

import numpy as np
import pytest

import nn
from autograd import Value, trace
from nn import functional as F
from nn.activations import ACTIVATIONS
from nn.structure import traced_structure
from nn.traced import TracedModel

SHAPES = {
    "MLP(3, [4, 2])": lambda act: nn.MLP(3, [4, 2], activation=act, output_activation=act, seed=1),
    "MLP(2, [3, 1])": lambda act: nn.MLP(2, [3, 1], activation=act, seed=2),
    "MLP(4, [5, 5, 3])": lambda act: nn.MLP(4, [5, 5, 3], activation=act, seed=3),
    "Layer(3, 1)": lambda act: nn.Layer(3, 1, activation=act, seed=4),
    "Layer(3, 4)": lambda act: nn.Layer(3, 4, activation=act, seed=5),
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_the_tape_written_from_the_structure_is_the_recorded_tape(activation, shape):
    model = SHAPES[shape](activation)
    params = model.parameters()
    x = np.linspace(-0.7, 0.9, model.nin)
    recorded = trace(model, x, params=params)
    written = traced_structure(model, model, model.nin, params)
    assert written is not None
    assert written.signature() == recorded.signature()
    assert [(s, id(p)) for s, p in written.tape.params] == [
        (s, id(p)) for s, p in recorded.tape.params
    ]
    assert str(written) == str(recorded)  # the listing, labels and all


def test_a_fit_by_the_written_tape_trains_as_the_engine():
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(40, 5)), rng.integers(0, 3, size=40)
    states = []
    for mode in (True, False):
        model = nn.MLP(5, [6, 3], activation="tanh", seed=7)
        if mode:
            written = TracedModel(model, X, y, F.cross_entropy).loss_tape
            assert written is not None and written.fn is not model  # the structural path
        history = nn.fit(model, X, y, loss=F.cross_entropy, epochs=3, batch_size=8, seed=0,
                         progress=False, trace=mode)  # fmt: skip
        states.append((list(model.state_dict().values()), history.loss))
    np.testing.assert_allclose(states[0][0], states[1][0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(states[0][1], states[1][1], rtol=1e-10)


def test_an_activation_of_several_operations_is_recorded_instead():
    def swish(v: Value) -> Value:
        return v * v.sigmoid()

    model = nn.MLP(2, [3, 2], activation=swish, seed=0)
    assert traced_structure(model, model, 2, model.parameters()) is None
