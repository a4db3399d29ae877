"""Checkpoints: saving never destroys the previous file; loading is all or nothing."""

import json

import numpy as np
import pytest

import nn


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
