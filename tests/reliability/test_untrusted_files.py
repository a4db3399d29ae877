"""A checkpoint is checked before it is believed: sizes, names, keys, and the length of what an
error message quotes from it."""

import json

import pytest

import nn
from autograd import Value


def _file(tmp_path, architecture, state):
    path = tmp_path / "model.json"
    document = {"format": "pathgrad-module", "version": 1, "architecture": architecture}
    path.write_text(json.dumps({**document, "state": state}))
    return path


@pytest.mark.parametrize(
    "architecture, claimed",
    [
        ("MLP(100000, [100000, 1], activation=relu, output_activation=identity)", 10000200001),
        ("Neuron(999999999999, activation=relu)", 1000000000000),
        ("Layer(100000, 100000, activation=tanh)", 10000100000),
    ],
)
def test_a_file_claiming_a_huge_model_is_refused_before_it_is_built(tmp_path, architecture,
                                                                     claimed):  # fmt: skip
    path = _file(tmp_path, architecture, {f"p{i}": 0.5 for i in range(13)})
    assert path.stat().st_size < 400
    with pytest.raises(ValueError, match=f"which has {claimed} parameters, and 13 numbers"):
        nn.load(path)


def test_sizes_past_any_real_model_are_refused(tmp_path):
    path = _file(tmp_path, f"Neuron({'9' * 5000}, activation=relu)", {"b": 0.0})
    with pytest.raises(ValueError, match="sizes are too large") as err:
        nn.load(path)
    assert len(str(err.value)) < 500


def test_an_error_quotes_at_most_a_few_hundred_characters_of_the_file(tmp_path):
    architecture = "MLP(" + "x" * 9_000_000 + ")"
    path = _file(tmp_path, architecture, {"a" * 1_000_000: 1.0})
    for load in (nn.load, nn.MLP(1, [1], seed=0).load):
        with pytest.raises(ValueError, match=r"\(9000005 characters\)") as err:
            load(path)
        assert len(str(err.value)) < 1000


def test_only_ascii_digits_are_sizes(tmp_path):
    path = _file(tmp_path, "Neuron(\u0663, activation=relu)", {"w.0": 0.0, "b": 0.0})
    with pytest.raises(ValueError, match="which nn.load cannot rebuild"):
        nn.load(path)


def test_a_saved_model_still_loads(tmp_path):
    model = nn.MLP(3, [4, 2], seed=1)
    model.save(tmp_path / "m.json")
    assert nn.load(tmp_path / "m.json").state_dict() == model.state_dict()


def test_a_checkpoint_with_a_key_twice_is_refused(tmp_path):
    model = nn.Neuron(2, seed=0)
    path = tmp_path / "n.json"
    model.save(path)
    text = path.read_text().replace('"b":', '"w.0": 3.0, "b":')
    path.write_text(text)
    for load in (nn.load, model.load):
        with pytest.raises(ValueError, match="the key w.0 appears twice"):
            load(path)


class Shared(nn.Module):
    def __init__(self):
        self.p = {"0.1": Value(1.0), "0": {"1": Value(2.0)}}


def test_two_parameters_with_one_name_are_refused(tmp_path):
    model = Shared()
    with pytest.raises(ValueError, match="two parameters of Shared are named p.0.1"):
        list(model.named_parameters())
    with pytest.raises(ValueError, match="named p.0.1"):
        model.save(tmp_path / "shared.json")
    assert not (tmp_path / "shared.json").exists()
