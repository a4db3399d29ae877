"""Model files (nn.checkpoint): save and load round trip; saving never destroys the previous file
(not even under kill -9); loading is all or nothing; a file is checked before it is believed:
sizes, names, keys, and the length of what an error message quotes from it."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nn
from autograd import Value


@pytest.fixture
def saved(tmp_path):
    model = nn.MLP(2, [2, 1], seed=0)
    path = tmp_path / "model.json"
    model.save(path)
    return model, path


def test_numpy_parameters_are_saved_as_plain_numbers(saved):
    model, path = saved
    model.layers[0].neurons[0].b.data = np.float32(0.5)
    model.save(path)
    other = nn.MLP(2, [2, 1], seed=1)
    other.load(path)
    assert other.layers[0].neurons[0].b.data == 0.5


def test_a_failed_save_leaves_the_previous_file_and_no_temporary_file(saved):
    model, path = saved
    before = path.read_bytes()
    model.layers[0].neurons[0].b.data = "oops"
    with pytest.raises(TypeError, match="parameter layers.0.neurons.0.b holds str"):
        model.save(path)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["model.json"]


def test_a_save_that_fails_while_writing_leaves_the_previous_file(saved, monkeypatch):
    model, path = saved
    before = path.read_bytes()

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        model.save(path)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["model.json"]


def _edit(path, change):
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


@pytest.mark.parametrize(
    "text, words",
    [
        (b"\xff\xfe not text", "not UTF-8 text"),
        (b"{", "not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"format": "pathgrad-module", "version": 1}', "fit this MLP"),
        (b"[]", "no 'pathgrad-module' format tag"),
    ],
)
def test_every_bad_file_gives_one_value_error_naming_it(saved, text, words):
    model, path = saved
    before = model.state_dict()
    path.write_bytes(text)
    with pytest.raises(ValueError, match=words) as err:
        model.load(path)
    assert str(path) in str(err.value)
    assert model.state_dict() == before


def test_a_huge_integer_changes_nothing(saved):
    model, path = saved
    before = model.state_dict()
    text = path.read_text()
    first = next(iter(before))
    last = list(before)[-1]
    document = json.loads(text)
    document["state"][first] = 0.25
    path.write_text(json.dumps(document).replace(json.dumps(document["state"][last]), "9" * 401))
    with pytest.raises(ValueError, match="non-finite values for"):
        model.load(path)
    assert model.state_dict() == before  # the first parameter was not set either


def test_wrong_version_missing_state_and_nan_are_refused(saved):
    model, path = saved
    _edit(path, lambda d: d.update(version=2))
    with pytest.raises(ValueError, match="version 2; this pathgrad reads version 1"):
        model.load(path)
    model.save(path)
    _edit(path, lambda d: d.pop("state"))
    with pytest.raises(ValueError, match="no 'state' mapping"):
        model.load(path)
    model.save(path)
    name = next(iter(model.state_dict()))
    _edit(path, lambda d: d["state"].update({name: float("nan")}))
    with pytest.raises(ValueError, match=f"non-finite values for {name}; pass allow_nonfinite"):
        model.load(path)
    model.load(path, allow_nonfinite=True)
    assert np.isnan(model.state_dict()[name])


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


def test_nn_load_rebuilds_the_module_the_file_describes(tmp_path):
    model = nn.MLP(2, [4, 3, 1], activation="tanh", output_activation="sigmoid", seed=0)
    model.save(tmp_path / "m.json")
    rebuilt = nn.load(tmp_path / "m.json")
    assert rebuilt.describe() == model.describe()
    assert rebuilt([0.5, -1.0]).data == model([0.5, -1.0]).data
    neuron = nn.Neuron(3, activation="relu", seed=0)
    neuron.save(tmp_path / "n.json")
    assert nn.load(tmp_path / "n.json").state_dict() == neuron.state_dict()


class Pair(nn.Module):
    def __init__(self):
        self.weights = {"scale": Value(2.0), "shift": Value(1.0)}
        self.fixed = (Value(3.0),)

    def __call__(self, x):
        return self.weights["scale"] * x[0] + self.weights["shift"] + self.fixed[0]


class Hidden(nn.Module):
    def __init__(self):
        self.kept = {Value(1.0)}  # a set: not a container nn looks into

    def parameters(self):
        return list(self.kept)


def test_modules_with_dicts_and_tuples_save_and_odd_ones_are_refused(tmp_path):
    pair = Pair()
    assert [n for n, _ in pair.named_parameters()] == ["weights.scale", "weights.shift", "fixed.0"]
    pair.save(tmp_path / "p.json")
    other = Pair()
    other.weights["scale"].data = 0.0
    other.load(tmp_path / "p.json")
    assert other.weights["scale"].data == 2.0
    with pytest.raises(ValueError, match="cannot save Hidden: its parameters\\(\\) gives 1 Values"):
        Hidden().save(tmp_path / "h.json")
    with pytest.raises(ValueError, match="nn.load cannot rebuild"):
        nn.load(tmp_path / "p.json")


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


# --- untrusted files (were tests/reliability/test_untrusted_files.py) -----------------------------
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


# --- kill -9 while writing (was tests/reliability/test_kill_writers.py) ---------------------------
SCRIPT = Path(__file__).parents[2] / "benchmarks" / "kill_writers.py"


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_checkpoint_writers_leave_a_whole_file_and_clean_exits_no_temporary():
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--rounds", "2", "--writers", "checkpoint"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "kills 2," in done.stdout and "broken 0" in done.stdout
    assert "left after clean exits 0" in done.stdout
