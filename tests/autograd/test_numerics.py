"""IEEE 754 results instead of Python exceptions, and functions that never overflow."""

import math

import pytest

from autograd import Value


def test_sigmoid_and_softplus_do_not_overflow():
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(1000.0).softplus().data == 1000.0
    assert Value(-1000.0).softplus().data == 0.0
    x = Value(-1000.0)
    x.softplus().backward()
    assert x.grad == 0.0


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda: Value(1000.0).exp(), math.inf),
        (lambda: Value(0.0).log(), -math.inf),
        (lambda: Value(-1.0).log(), math.nan),
        (lambda: Value(-1.0).sqrt(), math.nan),
        (lambda: 1 / Value(0.0), math.inf),
        (lambda: -1 / Value(0.0), -math.inf),
        (lambda: Value(1.0) / Value(0.0), math.inf),
        (lambda: Value(0.0) / Value(0.0), math.nan),
        (lambda: Value(0.0) ** -1, math.inf),
        (lambda: Value(-8.0) ** (1 / 3), math.nan),
        (lambda: Value(10.0) ** 400, math.inf),
        (lambda: Value(-10.0) ** 401, -math.inf),
        (lambda: 10 ** Value(400.0), math.inf),
        (lambda: Value(math.inf).sin(), math.nan),
        (lambda: Value(math.inf).cos(), math.nan),
        (lambda: Value(1e200) * Value(1e200), math.inf),
        (lambda: Value(40.0).gaussian(), 0.0),
    ],
)
def test_special_values_follow_ieee_754(make, expected):
    out = make()
    if math.isnan(expected):
        assert math.isnan(out.data)
    else:
        assert out.data == expected
    out.backward()  # no exception from the derivative rules either


def test_backward_through_singular_points_gives_ieee_values():
    x = Value(0.0)
    x.sqrt().backward()
    assert x.grad == math.inf
    x = Value(0.0)
    x.log().backward()
    assert x.grad == math.inf
