"""Edge cases of numbers in the engine: 0 ** x, numbers too large for a float, underflow (the nn
cases are in tests/nn/test_number_edge_cases.py)."""

import math

import pytest

from autograd import Value, grad, trace


@pytest.mark.parametrize("x", [0.0, 1.0, 2.5])
def test_zero_to_the_power_x_has_gradient_zero_like_a_value_base(x):
    assert grad(lambda t: 0**t)(x) == 0.0
    assert grad(lambda t: Value(0.0) ** t)(x) == 0.0
    assert math.isclose(grad(lambda t: 2**t)(x), 2**x * math.log(2))


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
