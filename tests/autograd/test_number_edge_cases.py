"""Edge cases of numbers: 0 ** x, NumPy arguments, optimizers given a parameter twice."""

import math
import warnings

import numpy as np
import pytest

import nn
from autograd import Value, grad, trace
from nn.optim import SGD, Adam


@pytest.mark.parametrize("x", [0.0, 1.0, 2.5])
def test_zero_to_the_power_x_has_gradient_zero_like_a_value_base(x):
    assert grad(lambda t: 0**t)(x) == 0.0
    assert grad(lambda t: Value(0.0) ** t)(x) == 0.0
    assert math.isclose(grad(lambda t: 2**t)(x), 2**x * math.log(2))


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


def test_a_number_too_large_for_a_float_is_refused_clearly():
    with pytest.raises(OverflowError, match="takes a real number that fits a float"):
        Value(10**400)
    with pytest.raises(OverflowError, match="fits a float"):
        Value(1.0) * 10**400


@pytest.mark.parametrize("x", [-1.0, -0.5, -3.0])
def test_zero_to_a_negative_power_has_gradient_minus_inf_as_in_pytorch(x):
    # d/dx 0**x = 0**x · log 0 = inf · -inf: PyTorch's torch.pow(0., x).backward() gives -inf,
    # for a number base and for a tensor base alike.
    assert grad(lambda t: 0**t)(x) == -math.inf
    assert grad(lambda t: Value(0.0) ** t)(x) == -math.inf


@pytest.mark.parametrize("x, expected", [(-1.0, -math.inf), (0.0, 0.0), (2.0, 0.0)])
def test_the_traced_replay_differentiates_zero_to_the_x_as_the_engine(x, expected):
    for base in (0.0, Value(0.0)):
        p = Value(x)
        traced = trace(lambda t, p=p, base=base: base ** (p * t), 1.0, params=[p])
        traced.backward([1.0], reduction="sum")
        assert p.grad == expected


@pytest.mark.parametrize("x", [1e308, -1e308, 1e200, 30.0])
def test_the_gaussian_has_derivative_zero_where_it_underflows(x):
    # gaussian'(x) = -2x·exp(-x²): exp(-x²) is 0 in floating point, and so is the product
    # (PyTorch's graph of exp(-x*x) gives 0 too), not -inf·0 = nan.
    assert grad(lambda t: t.gaussian())(x) == 0.0
    p = Value(x)
    traced = trace(lambda t, p=p: (p * t).gaussian(), 1.0, params=[p])
    traced.backward([1.0], reduction="sum")
    assert p.grad == 0.0
