"""fit, evaluate and predict by traced replay give the engine's numbers for every model nn
builds, every loss it has, a user's Module that branches on its input, and under no_grad."""

import warnings

import numpy as np
import pytest

import nn
from autograd import TraceFallbackWarning, Value, no_grad
from nn import functional as F
from nn.optim import SGD


def trained(make, X, y, loss, trace, **kwargs):
    model = make()
    history = nn.fit(model, X, y, loss=loss, optimizer=SGD(model.parameters(), lr=0.1),
                     epochs=3, batch_size=8, seed=0, progress=False, trace=trace,
                     **kwargs)  # fmt: skip
    return model, np.array([p.data for p in model.parameters()]), history


def same_training(make, X, y, loss, **kwargs):
    (_, engine, h_engine), (model, traced, h_traced) = (
        trained(make, X, y, loss, trace, **kwargs) for trace in (False, True)
    )
    assert np.allclose(traced, engine, rtol=1e-10, atol=1e-12)
    assert np.allclose(h_traced.loss, h_engine.loss, rtol=1e-10)
    assert h_traced.accuracy == h_engine.accuracy
    return model


@pytest.mark.parametrize("loss", [F.cross_entropy, F.nll_loss])
def test_several_outputs_train_evaluate_and_predict_as_the_engine(loss):
    X, y = nn.data.make_blobs(40, centers=[[-2, 0], [2, 0], [0, 3]], seed=0)
    if loss is F.nll_loss:

        class LogSoftmaxMLP(nn.Module):  # a user's Module: nll_loss wants log-probabilities
            def __init__(self):
                self.mlp = nn.MLP(2, [6, 3], activation="tanh", seed=1)

            def __call__(self, x):
                return F.log_softmax(self.mlp(x))

        make = LogSoftmaxMLP
    else:
        make = lambda: nn.MLP(2, [6, 3], activation="tanh", seed=1)  # noqa: E731
    model = same_training(make, X, y, loss)
    assert np.allclose(nn.predict(model, X, trace=True), nn.predict(model, X), rtol=1e-10)
    traced_loss, traced_accuracy = nn.evaluate(model, X, y, loss=loss, trace=True)
    engine_loss, engine_accuracy = nn.evaluate(model, X, y, loss=loss)
    assert np.isclose(traced_loss, engine_loss, rtol=1e-10) and traced_accuracy == engine_accuracy


def test_cross_entropy_against_probability_rows_and_binary_cross_entropy_trace():
    X, y = nn.data.make_blobs(30, centers=[[-2, 0], [2, 0]], seed=2)
    rows = np.eye(2)[y] * 0.8 + 0.1
    same_training(lambda: nn.MLP(2, [5, 2], seed=4), X, rows, F.cross_entropy)
    probability = lambda: nn.MLP(2, [5, 1], output_activation="sigmoid", seed=4)  # noqa: E731
    same_training(probability, X, y * 1.0, F.binary_cross_entropy)


class Gate(nn.Module):
    """w0·x if x > 0 else w1·x: a forward that branches on its input."""

    def __init__(self):
        self.w = [Value(0.5), Value(-1.5)]

    def __call__(self, x):
        x = x[0]
        return self.w[0] * x if x > 0 else self.w[1] * x


def test_a_module_that_branches_on_its_input_trains_as_the_engine_and_says_where():
    X = np.linspace(-2, 2, 24).reshape(-1, 1)
    y = np.where(X[:, 0] > 0, 2.0, -3.0) * X[:, 0]
    with pytest.warns(TraceFallbackWarning, match=r"comparison > at .*test_traced_training"):
        same_training(Gate, X, y, F.mse_loss)


def test_training_inside_no_grad_trains_and_predicting_inside_it_gives_every_row():
    X, y = nn.data.make_moons(24, noise=0.1, seed=0)
    _, outside, _ = trained(lambda: nn.MLP(2, [4, 1], seed=0), X, y * 1.0, F.mse_loss, True)
    for trace in (True, False):
        with no_grad():
            model, inside, _ = trained(lambda: nn.MLP(2, [4, 1], seed=0), X, y * 1.0,
                                       F.mse_loss, trace)  # fmt: skip
            traced = nn.predict(model, X, trace=True)
        assert np.allclose(inside, outside, rtol=1e-10, atol=1e-12)
        assert np.allclose(traced, nn.predict(model, X), rtol=1e-12)
        assert len(set(traced.tolist())) == len(X)


def test_fit_traces_by_default_without_a_word():
    X, y = nn.data.make_moons(20, noise=0.1, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        same_training(lambda: nn.MLP(2, [4, 4, 1], seed=0), X, y * 2.0 - 1, F.hinge_loss,
                      penalty=lambda ps: 1e-3 * F.l2_penalty(ps))  # fmt: skip
    with pytest.raises(ValueError, match="trace must be True, False or 'auto'"):
        nn.fit(nn.MLP(2, [1]), X, y, trace="yes", progress=False)


class GateClasses(nn.Module):
    """Three logits, two of them swapped when x0 > 0: cross-entropy over a branching forward."""

    def __init__(self):
        self.mlp = nn.MLP(2, [5, 3], seed=3)

    def __call__(self, x):
        a, b, c = self.mlp(x)
        return [b, a, c] if x[0] > 0 else [a, b, c]


def test_cross_entropy_over_a_branching_module_trains_as_the_engine_and_says_where():
    X, y = nn.data.make_blobs(30, centers=[[-2, 0], [2, 0], [0, 3]], seed=5)
    X = X - X[0] if X[0, 0] > 0 else X  # the traced example takes one branch, others the other
    with pytest.warns(TraceFallbackWarning, match=r"comparison > at .*test_traced_training"):
        same_training(GateClasses, X, y, F.cross_entropy)


def test_fused_cross_entropy_matches_finite_differences_and_the_engine_on_infinite_logits():
    from nn.traced import cross_entropy

    z = np.array([[0.3, -1.2, 2.0], [5.0, 5.0, -700.0], [np.inf, 1.0, 0.0], [1.0, -np.inf, 0.0]])
    q = np.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    loss, grad = cross_entropy(z, q)
    h = 1e-6
    for r in range(2):  # central differences of F.cross_entropy, the engine's loss
        for k in range(3):
            up, down = z[r].copy(), z[r].copy()
            up[k] += h
            down[k] -= h
            slope = (F.cross_entropy([list(up)], [q[r]]).data
                     - F.cross_entropy([list(down)], [q[r]]).data) / (2 * h)  # fmt: skip
            assert grad[r, k] == pytest.approx(slope, abs=1e-6)
        assert loss[r] == pytest.approx(F.cross_entropy([list(z[r])], [q[r]]).data, rel=1e-12)
    for r in (2, 3):  # a non-finite logit: the engine's numbers, conventions included
        logits = [Value(x) for x in z[r]]
        engine = F.cross_entropy([logits], [q[r]])
        engine.backward()
        np.testing.assert_array_equal(loss[r], engine.data)
        np.testing.assert_array_equal(grad[r], [x.grad for x in logits])


def test_fused_cross_entropy_by_class_index_gives_the_one_hot_rows_numbers():
    from nn.traced import cross_entropy

    z = np.array([[0.3, -1.2, 2.0], [5.0, 5.0, -700.0], [np.inf, 1.0, 0.0], [1.0, -np.inf, 0.0]])
    labels = np.array([1, 2, 0, 2])
    by_rows = cross_entropy(z, np.eye(3)[labels])
    by_index = cross_entropy(z, None, labels)
    for a, b in zip(by_rows, by_index, strict=True):  # the same numbers, bit for bit
        np.testing.assert_array_equal(a, b)
