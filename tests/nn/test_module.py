"""Modules: parameters, state dicts, JSON files, calling conventions, errors."""

import json
from pathlib import Path

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


def test_save_and_load_round_trip_gives_identical_predictions(tmp_path):
    model = nn.MLP(2, [5, 1], seed=3)
    path = tmp_path / "model.json"
    model.save(path)
    assert json.loads(path.read_text())["format"] == "pathgrad-module"
    other = nn.MLP(2, [5, 1], seed=99)
    other.load(path)
    X, _ = nn.data.make_moons(20, seed=0)
    assert [other(x).data for x in X] == [model(x).data for x in X]


def test_loading_another_architecture_fails_clearly(tmp_path):
    path = tmp_path / "model.json"
    nn.MLP(2, [5, 1], seed=3).save(path)
    with pytest.raises(
        ValueError, match=r"holds a MLP\(2, \[5, 1\].*does not fit this MLP\(2, \[4, 1\]"
    ):
        nn.MLP(2, [4, 1]).load(path)
    path.write_text("not json")
    with pytest.raises(ValueError, match="not a pathgrad model file"):
        nn.MLP(2, [4, 1]).load(path)


def test_bad_sizes_are_rejected():
    with pytest.raises(ValueError, match="nin must be a positive int, got 0"):
        nn.Neuron(0)
    with pytest.raises(TypeError, match="nouts must be a non-empty list"):
        nn.MLP(2, 3)


# --- model files: the architecture as data; files written by pathgrad 0.1.0 still load ----------
OLD_FILE = Path(__file__).parent / "files" / "mlp_saved_by_0.1.0.json"


def test_a_model_file_states_its_architecture_as_fields(tmp_path):
    path = tmp_path / "model.json"
    nn.MLP(2, [3, 1], activation="tanh", seed=0).save(path)
    assert json.loads(path.read_text())["architecture"] == {
        "kind": "MLP",
        "inputs": 2,
        "sizes": [3, 1],
        "activation": "tanh",
        "output_activation": "identity",
    }
    layer, neuron = tmp_path / "layer.json", tmp_path / "neuron.json"
    nn.Layer(2, 3, activation="sigmoid").save(layer)
    nn.Neuron(4).save(neuron)
    assert json.loads(layer.read_text())["architecture"] == {
        "kind": "Layer",
        "inputs": 2,
        "outputs": 3,
        "activation": "sigmoid",
    }
    assert nn.load(neuron).architecture() == {"kind": "Neuron", "inputs": 4, "activation": "relu"}


def test_a_file_written_by_pathgrad_0_1_0_still_loads():
    document = json.loads(OLD_FILE.read_text())
    assert document["architecture"] == "MLP(2, [3, 1], activation=tanh, output_activation=identity)"
    model = nn.load(OLD_FILE)
    assert repr(model.layers[0]) == "Layer(2, 3, activation=tanh)"
    assert model.state_dict() == document["state"]
    other = nn.MLP(2, [3, 1], activation="tanh", seed=1)
    other.load(OLD_FILE)
    assert other.state_dict() == document["state"]
    with pytest.raises(ValueError, match=r"does not fit this MLP\(2, \[4, 1\]"):
        nn.MLP(2, [4, 1], activation="tanh").load(OLD_FILE)


def test_a_structured_file_claiming_a_huge_model_is_refused_before_it_is_built(tmp_path):
    path = tmp_path / "model.json"
    architecture = {"kind": "Layer", "inputs": 100000, "outputs": 100000, "activation": "tanh"}
    document = {"format": "pathgrad-module", "version": 1, "architecture": architecture}
    path.write_text(json.dumps({**document, "state": {"b": 0.5}}))
    with pytest.raises(ValueError, match="which has 10000100000 parameters, and 1 numbers"):
        nn.load(path)
    architecture.update(inputs=10**30)
    path.write_text(json.dumps({**document, "state": {"b": 0.5}}))
    with pytest.raises(ValueError, match="sizes are too large"):
        nn.load(path)
    architecture.update(inputs="3")
    path.write_text(json.dumps({**document, "state": {"b": 0.5}}))
    with pytest.raises(ValueError, match="which nn.load cannot rebuild"):
        nn.load(path)
