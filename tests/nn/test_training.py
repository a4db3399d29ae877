"""End to end: networks that learn, and fit's checks and progress bar."""

import numpy as np
import pytest

import nn
from autograd import TraceFallbackWarning
from nn import functional as F
from nn.optim import SGD, LambdaLR


def micrograd_recipe(X, y, seed, steps=100):
    """micrograd's demo: MLP(2, [16, 16, 1]), hinge + 1e-4 L2, SGD lr 1.0 - 0.9 k / 100."""
    model = nn.MLP(2, [16, 16, 1], seed=seed)
    opt = SGD(model.parameters(), lr=1.0)
    history = nn.fit(
        model,
        X,
        y * 2 - 1,
        loss=F.hinge_loss,
        optimizer=opt,
        epochs=steps,
        penalty=lambda ps: 1e-4 * F.l2_penalty(ps),
        scheduler=LambdaLR(opt, lambda k: 1.0 - 0.9 * k / 100),
        progress=False,
    )
    return model, history


def test_micrograd_recipe_learns_xor():
    X, y = nn.data.make_xor()
    model, history = micrograd_recipe(X, y, seed=1)
    assert history.accuracy[-1] == 1.0
    assert [int(model(x).data > 0) for x in X] == [0, 1, 1, 0]


def test_training_leaves_the_cyclic_collector_on_and_as_the_caller_had_it():
    import gc

    seen = []

    def loss(outputs, targets):
        seen.append(gc.isenabled())
        return F.mse_loss(outputs, targets)

    X, y = nn.data.make_xor()
    nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, loss=loss, epochs=2, progress=False)
    assert seen == [True, True] and gc.isenabled()  # tuned, not paused (test_training_collector.py)
    gc.disable()
    try:
        nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, epochs=1, progress=False)
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_logistic_regression_is_one_sigmoid_neuron():
    X, y = nn.data.make_blobs(60, centers=[[-2, -2], [2, 2]], cluster_std=0.5, seed=0)
    model = nn.Neuron(2, activation="sigmoid", seed=0)
    history = nn.fit(
        model,
        X,
        y,
        loss=F.binary_cross_entropy,
        optimizer=SGD(model.parameters(), lr=0.5),
        epochs=30,
        progress=False,
    )
    assert history.accuracy[-1] == 1.0


def test_softmax_regression_on_three_classes():
    X, y = nn.data.make_blobs(90, centers=[[-3, 0], [3, 0], [0, 4]], cluster_std=0.6, seed=0)
    model = nn.Layer(2, 3, activation="identity", seed=0)
    history = nn.fit(
        model,
        X,
        y,
        loss=F.cross_entropy,
        optimizer=SGD(model.parameters(), lr=0.3),
        epochs=30,
        progress=False,
    )
    assert history.accuracy[-1] == 1.0


def test_mini_batches_and_validation_are_recorded():
    X, y = nn.data.make_moons(60, noise=0.1, seed=0)
    X_tr, X_val, y_tr, y_val = nn.data.train_test_split(X, y * 2 - 1, seed=0)
    model = nn.MLP(2, [8, 1], seed=0)
    history = nn.fit(
        model,
        X_tr,
        y_tr,
        loss=F.hinge_loss,
        epochs=3,
        batch_size=10,
        validation=(X_val, y_val),
        progress=False,
        seed=0,
    )
    assert len(history.val_loss) == len(history.val_accuracy) == 3
    loss, acc = nn.evaluate(model, X_val, y_val, loss=F.hinge_loss)
    assert loss == pytest.approx(history.val_loss[-1]) and acc == history.val_accuracy[-1]
    assert nn.predict(model, X_val).shape == (len(X_val),)


def test_regression_has_no_accuracy():
    X, y = nn.data.make_ohm(40, seed=0)
    model = nn.Neuron(1, activation="identity", seed=0)
    history = nn.fit(
        model,
        X,
        y,
        loss=F.mse_loss,
        epochs=200,
        optimizer=SGD(model.parameters(), lr=0.5),
        progress=False,
    )
    assert history.accuracy == [] and model.w[0].data == pytest.approx(2.0, abs=0.1)


def test_progress_bar_shows_loss_and_can_be_silenced(capsys):
    X, y = nn.data.make_xor()
    nn.fit(nn.MLP(2, [4, 1], seed=0), X, y * 2 - 1, loss=F.hinge_loss, epochs=2, progress=True)
    err = capsys.readouterr().err
    assert "epoch" in err and "loss=" in err and "acc=" in err
    nn.fit(nn.MLP(2, [4, 1], seed=0), X, y * 2 - 1, loss=F.hinge_loss, epochs=2, progress=False)
    assert capsys.readouterr().err == ""


def test_bad_data_is_rejected_before_training():
    model = nn.MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    X, y = nn.data.make_moons(20, seed=0)
    with pytest.raises(ValueError, match="X has 20 samples but y has 19"):
        nn.fit(model, X, y[:19], progress=False)
    with pytest.raises(ValueError, match="X has 3 features per sample but the model takes 2"):
        nn.fit(model, np.ones((20, 3)), y, progress=False)
    with pytest.raises(ValueError, match=r"X must be 2-D .* got shape \(20,\)"):
        nn.fit(model, np.ones(20), y, progress=False)
    assert model.state_dict() == before


TRACEABLE = [
    (F.hinge_loss, "sign"),
    (F.mse_loss, "raw"),
    (F.binary_cross_entropy_with_logits, "01"),
]


@pytest.mark.parametrize("loss, targets", TRACEABLE)
def test_traced_training_takes_the_same_steps_as_the_engine(loss, targets):
    X, y = nn.data.make_moons(30, noise=0.1, seed=0)
    y = {"sign": y * 2.0 - 1.0, "raw": y * 1.0, "01": y * 1.0}[targets]
    runs = []
    for trace in (False, True):
        model = nn.MLP(2, [5, 5, 1], seed=3)
        history = nn.fit(model, X, y, loss=loss, optimizer=SGD(model.parameters(), lr=0.1),
                         epochs=3, batch_size=8, seed=0, progress=False, trace=trace,
                         penalty=lambda ps: 1e-3 * F.l2_penalty(ps))  # fmt: skip
        runs.append((np.array([p.data for p in model.parameters()]), history, model))
    (w_engine, h_engine, _), (w_traced, h_traced, model) = runs
    assert np.allclose(w_traced, w_engine, rtol=1e-10, atol=1e-12)
    assert np.allclose(h_traced.loss, h_engine.loss, rtol=1e-10)
    assert h_traced.accuracy == h_engine.accuracy
    assert np.allclose(nn.predict(model, X, trace=True), nn.predict(model, X), rtol=1e-12)
    traced_loss, traced_accuracy = nn.evaluate(model, X, y, loss=loss, trace=True)
    engine_loss, engine_accuracy = nn.evaluate(model, X, y, loss=loss)
    assert np.isclose(traced_loss, engine_loss, rtol=1e-12) and traced_accuracy == engine_accuracy


def test_trace_refuses_a_loss_of_its_own_and_auto_says_why_once():
    X, y = nn.data.make_xor()

    def my_loss(outputs, targets):
        return F.mse_loss(outputs, targets, reduction="sum")  # not a mean over samples

    with pytest.raises(ValueError, match="takes nn's losses"):
        nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, loss=my_loss, trace=True, progress=False)
    with pytest.warns(TraceFallbackWarning, match=r"runs untraced .* got 'my_loss'") as caught:
        nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, loss=my_loss, epochs=3, progress=False)
    assert len(caught) == 1
