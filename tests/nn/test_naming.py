"""One name per parameter (its place, as in PyTorch), and the notes' names shown instead."""

import json
from pathlib import Path

import nn
from autograd.trace import trace
from nn import functional as F

OLD_FILE = Path(__file__).parent / "files" / "mlp_saved_by_0.1.0.json"


def test_a_parameter_is_called_the_same_in_named_parameters_state_dict_and_its_label():
    model = nn.MLP(2, [3, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert list(model.state_dict()) == names == [p.label for p in model.parameters()]


def test_the_notes_names_change_what_is_shown_never_the_state_dict_keys():
    xor = nn.MLP(2, [2, 1], activation="relu", seed=0)
    keys = list(xor.state_dict())
    xor.name_inputs(["x₁", "x₂"]).name_layers([("W", "c", "h"), ("w", "b", "y")])
    labels = [p.label for p in xor.parameters()]
    # W_ij: input i of neuron j, as in h = g(Wᵀx + c); the output layer a vector w and a scalar b.
    assert labels == ["W₁₁", "W₂₁", "c₁", "W₁₂", "W₂₂", "c₂", "w₁", "w₂", "b"]
    assert list(xor.state_dict()) == keys and xor.input_names == ("x₁", "x₂")
    xor.layers[0].name("W", "c", index="out,in")  # PyTorch's weight[j, i]
    assert [p.label for p in xor.layers[0].parameters()][:2] == ["W₁₁", "W₁₂"]
    assert nn.Layer(12, 2).name("V", "a").neurons[1].w[10].label == "V₁₁,₂"


def test_state_dicts_and_files_written_before_keep_loading_into_a_named_model():
    model = nn.MLP(2, [3, 1], activation="tanh", output_activation=None, seed=1)
    model.name_layers([("W", "c"), ("w", "b")])
    state = json.loads(OLD_FILE.read_text())["state"]
    model.load_state_dict(state)  # keys such as layers.0.neurons.0.w.0
    assert model.layers[0].neurons[0].w[0].data == state["layers.0.neurons.0.w.0"]
    model.load(OLD_FILE)
    assert nn.load(OLD_FILE).state_dict() == model.state_dict()


def test_a_trace_prints_the_names_shown():
    model = nn.MLP(2, [1], seed=0).name_layers([("w", "b")])
    text = str(trace(lambda x, t: F.mse_loss([model(x)], [t]), [1.0, 2.0], 0.5,
                     params=model.parameters()))  # fmt: skip
    assert "= w₁" in text and "= b" in text
