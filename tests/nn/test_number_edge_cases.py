"""Edge cases of numbers in nn: NumPy arguments, optimizers given a parameter twice, zero_grad of
a gradient graph, NaN in training data."""

import warnings

import numpy as np
import pytest

import nn
from autograd import Value
from nn.optim import SGD, Adam


def test_a_parameter_given_twice_is_stepped_once_with_a_warning():
    p = Value(1.0)
    with pytest.warns(UserWarning, match="1 parameter\\(s\\) more than once"):
        opt = SGD([p, p], lr=0.1)
    p.grad = 1.0
    opt.step()
    assert p.data == pytest.approx(0.9)


def test_numpy_numbers_are_accepted_for_every_numeric_argument():
    X, y = nn.data.make_xor()
    model = nn.MLP(2, [2, 1], seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt = Adam(model.parameters(), lr=np.float32(0.1), betas=(np.float64(0.9), 0.999))
        nn.fit(model, X, y, optimizer=opt, epochs=np.int64(2), batch_size=np.int64(2),
               progress=False)  # fmt: skip
    assert opt.lr == pytest.approx(0.1)


def test_zero_grad_clears_the_gradient_graph_too():
    w = Value(3.0)
    model = nn.Neuron(1, activation="identity")
    model.w = [w]
    seen = []
    for _ in range(3):
        model.zero_grad()
        (w * w * w).backward(create_graph=True)
        seen.append(w.grad_graph.data)
    assert seen == [27.0, 27.0, 27.0]
    opt = SGD([w], lr=0.1)
    opt.zero_grad()
    assert w.grad_graph is None and w.grad == 0.0


def test_training_data_with_nan_is_refused_with_its_row():
    X, y = nn.data.make_xor()
    X = X.astype(float)
    X[2, 1] = np.nan
    with pytest.raises(
        ValueError, match="X has NaN or infinite values in 1 row\\(s\\), the first at row 2"
    ):
        nn.fit(nn.MLP(2, [2, 1]), X, y, progress=False)
    with pytest.raises(ValueError, match="y has NaN or infinite values"):
        nn.fit(nn.MLP(2, [2, 1]), X[:2], [0.0, np.inf], progress=False)
