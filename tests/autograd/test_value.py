"""The Value node: its attributes, the classic numbers, numbers mixing in, and bad input."""

import math

import numpy as np
import pytest

from autograd import Value
from autograd.examples import classic as classic_graph


def test_classic_graph_numbers():
    a, b, c, d, e = classic_graph()
    e.backward()
    assert (e.data, a.grad, b.grad) == (6.0, 2.0, 5.0)
    assert (c.grad, d.grad, e.grad) == (2.0, 3.0, 1.0)


def test_product_of_sum_and_product():
    a, b = Value(-2.0), Value(3.0)
    f = (a * b) * (a + b)
    f.backward()
    assert (a.grad, b.grad) == (-3.0, -8.0)


def test_reused_operand_keeps_both_edges_and_adds_gradients():
    a = Value(3.0)
    s = a + a
    m = a * a
    assert s.parents == (a, a) and m.parents == (a, a)
    assert s.local_grads == (1.0, 1.0) and m.local_grads == (3.0, 3.0)
    s.backward()
    assert a.grad == 2.0


def test_edges_carry_local_derivatives():
    a, b, c, d, e = classic_graph()
    assert e.op == "*" and e.parents == (c, d) and e.local_grads == (2.0, 3.0)
    assert c.op == "+" and c.local_grads == (1.0, 1.0)
    assert a.op == "" and a.parents == () and a.local_grads == ()
    assert d.parents == (b,)  # the constant 1 is not a node


def test_attributes_of_a_new_leaf():
    v = Value(3, "w")
    assert (v.data, v.grad, v.label, v.op, v.parents, v.grad_graph) == (3.0, 0.0, "w", "", (), None)
    assert type(v.data) is float


def test_repr_shows_label_data_and_grad():
    assert repr(Value(2.0, "a")) == "Value(label='a', data=2.0, grad=0.0)"
    assert repr(Value(2.0)) == "Value(data=2.0, grad=0.0)"


@pytest.mark.parametrize(
    "make, data, dx",
    [
        (lambda x: 2 * x, 6.0, 2.0),
        (lambda x: x + 1, 4.0, 1.0),
        (lambda x: 1 / x, 1 / 3, -1 / 9),
        (lambda x: x**3, 27.0, 27.0),
        (lambda x: 2**x, 8.0, 8 * math.log(2)),
        (lambda x: np.float64(3) * x, 9.0, 3.0),
        (lambda x: x * np.float32(2), 6.0, 2.0),
        (lambda x: np.int64(5) - x, 2.0, -1.0),
        (lambda x: x / 2, 1.5, 0.5),
        (lambda x: 4 - x, 1.0, -1.0),
        (lambda x: -x, -3.0, -1.0),
    ],
)
def test_numbers_mix_in_on_either_side(make, data, dx):
    x = Value(3.0)
    y = make(x)
    assert isinstance(y, Value)
    y.backward()
    assert math.isclose(y.data, data) and math.isclose(x.grad, dx)


def test_value_exponent():
    x, y = Value(2.0), Value(3.0)
    z = x**y
    z.backward()
    assert z.data == 8.0 and x.grad == 12.0 and math.isclose(y.grad, 8 * math.log(2))


@pytest.mark.parametrize(
    "bad, words",
    [("3", "got str '3'"), (None, "got NoneType"), ([1.0], "got list"), (1j, "got complex")],
)
def test_value_rejects_what_is_not_a_real_number(bad, words):
    with pytest.raises(TypeError, match="int, float, or a NumPy real scalar") as err:
        Value(bad)
    assert words in str(err.value)


def test_value_of_a_value_suggests_detach():
    with pytest.raises(TypeError, match=r"\.detach\(\)"):
        Value(Value(1.0))


def test_label_must_be_a_string():
    with pytest.raises(TypeError, match="label must be a str, got int"):
        Value(1.0, label=3)


def test_operand_of_unsupported_type_raises_type_error_naming_it():
    with pytest.raises(TypeError, match="unsupported operand for \\*: .* got str '2'"):
        Value(1.0) * "2"
    with pytest.raises(TypeError, match="got list"):
        [1.0] + Value(1.0)
    with pytest.raises(TypeError, match="slope must be a real number, got str"):
        Value(1.0).leaky_relu("a")


def test_backward_seed_must_be_a_number():
    with pytest.raises(TypeError, match="backward.*got str"):
        Value(1.0).backward("1")


def test_backward_seed_scales_gradients():
    x = Value(3.0)
    (x * x).backward(grad=0.5)
    assert x.grad == 3.0
