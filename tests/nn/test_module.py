"""Modules: parameters, state dicts, JSON files, calling conventions, errors."""

import numpy as np
import pytest

import nn
from autograd import Value


def course_xor_network() -> nn.MLP:
    """The course's XOR network: h = relu(W x + c), y = w·h + b."""
    model = nn.MLP(2, [2, 1], activation="relu")
    W, c, w, b = [[1, 1], [1, 1]], [0, -1], [1, -2], 0
    state = {}
    for i in range(2):
        for j in range(2):
            state[f"layers.0.neurons.{i}.w.{j}"] = W[i][j]
        state[f"layers.0.neurons.{i}.b"] = c[i]
        state[f"layers.1.neurons.0.w.{i}"] = w[i]
    state["layers.1.neurons.0.b"] = b
    model.load_state_dict(state)
    return model


def test_the_course_xor_network_computes_xor_exactly():
    model = course_xor_network()
    X, y = nn.data.make_xor()
    assert [model(x).data for x in X] == [0.0, 1.0, 1.0, 0.0] == list(y)


def test_parameters_are_named_and_ordered_stably():
    model = nn.MLP(2, [16, 16, 1], seed=0)
    names = [n for n, _ in model.named_parameters()]
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert names[-1] == "layers.2.neurons.0.b"
    assert model.num_parameters() == len(model.parameters()) == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1
    assert model.parameters() == [p for _, p in model.named_parameters()]


def test_the_same_seed_gives_the_same_weights():
    a, b = nn.MLP(3, [4, 1], seed=7), nn.MLP(3, [4, 1], seed=7)
    assert a.state_dict() == b.state_dict()
    assert nn.MLP(3, [4, 1], seed=8).state_dict() != a.state_dict()


@pytest.mark.parametrize(
    "init, bound", [("uniform", 1.0), ("xavier", (3 / 50) ** 0.5), ("he", (6 / 50) ** 0.5)]
)
def test_initialisation_is_scaled_by_fan_in(init, bound):
    layer = nn.Layer(50, 40, activation="tanh", init=init, seed=0)
    weights = np.array([w.data for n in layer.neurons for w in n.w])
    assert np.all(np.abs(weights) <= bound) and np.max(np.abs(weights)) > 0.9 * bound
    assert all(n.b.data == 0.0 for n in layer.neurons)


def test_models_return_a_value_for_one_output_and_a_list_otherwise():
    assert isinstance(nn.Neuron(2, seed=0)([1.0, 2.0]), Value)
    assert isinstance(nn.Layer(2, 3, seed=0)((1.0, 2.0)), list)
    thin = nn.MLP(2, [1, 1], seed=0)  # a one-neuron hidden layer
    assert isinstance(thin(np.array([1.0, 2.0])), Value)
    wide_out = nn.MLP(2, [1, 3], seed=0)
    out = wide_out([Value(1.0), 2.0])
    assert isinstance(out, list) and len(out) == 3


def test_wrong_input_length_states_both_lengths():
    with pytest.raises(ValueError, match="expected 2 inputs, got 3"):
        nn.MLP(2, [4, 1], seed=0)([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="list, tuple or 1-D NumPy array"):
        nn.MLP(2, [4, 1], seed=0)("ab")


def test_activations_by_name_or_callable_and_unknown_names():
    neuron = nn.Neuron(1, activation="tanh", seed=0)
    neuron.w[0].data = 1.0
    assert neuron([0.5]).data == pytest.approx(np.tanh(0.5))
    square = nn.Neuron(1, activation=lambda v: v * v, seed=0)
    square.w[0].data = 3.0
    assert square([1.0]).data == 9.0
    for name in nn.ACTIVATIONS:
        nn.Neuron(2, activation=name, seed=0)([0.3, -0.2])
    with pytest.raises(ValueError, match="unknown activation 'swish'; expected one of identity"):
        nn.Neuron(2, activation="swish")


def test_zero_grad_resets_gradients():
    model = nn.MLP(2, [3, 1], seed=0)
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0 for p in model.parameters())


def test_repr_shows_the_architecture():
    text = repr(nn.MLP(2, [16, 16, 1], seed=0))
    assert text.splitlines()[0] == "MLP("
    assert "(0): Layer(2, 16, activation=relu)" in text
    assert "(2): Layer(16, 1, activation=identity)" in text
    assert repr(nn.Neuron(3, activation="tanh")) == "Neuron(3, activation=tanh)"


def test_load_state_dict_says_what_is_missing_unexpected_or_not_a_number():
    model = nn.MLP(2, [2, 1], seed=0)
    state = model.state_dict()
    del state["layers.0.neurons.0.b"]
    state["layers.9.extra"] = 1.0
    state["layers.1.neurons.0.b"] = "zero"
    before = model.state_dict()
    with pytest.raises(ValueError) as err:
        model.load_state_dict(state)
    message = str(err.value)
    assert "missing 1: layers.0.neurons.0.b" in message
    assert "unexpected 1: layers.9.extra" in message
    assert "not a number: layers.1.neurons.0.b='zero'" in message
    assert model.state_dict() == before  # nothing was changed


def test_bad_sizes_are_rejected():
    with pytest.raises(ValueError, match="nin must be a positive int, got 0"):
        nn.Neuron(0)
    with pytest.raises(TypeError, match="nouts must be a non-empty list"):
        nn.MLP(2, 3)
