"""The habits users bring from PyTorch, micrograd and JAX."""

import math

import numpy as np
import pytest

from autograd import Value, grad, value_and_grad


def test_item_float_and_comparisons_use_the_number():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    assert a.item() == 2.0 and float(b) == 3.0
    assert a < b and a <= 2 and b > a and b >= 3.0 and not a > b
    assert max(a, b) is b and sorted([b, a]) == [a, b]
    assert (a > 0) is True
    assert a != Value(2.0) and len({a, Value(2.0)}) == 2  # == is identity: Values stay keys
    with pytest.raises(TypeError, match="compares with Values and real numbers, not str"):
        _ = a < "3"


def test_backward_accepts_retain_graph_and_can_run_again():
    x = Value(3.0)
    y = x * x
    y.backward(retain_graph=True)
    y.backward(retain_graph=False)
    assert x.grad == 12.0
    with pytest.raises(TypeError, match="retain_graph must be True, False or None"):
        y.backward(retain_graph="yes")


def test_argnums_as_jax_spells_it():
    def f(x, y):
        return x * y * y

    assert grad(f, argnums=1)(2.0, 3.0) == 12.0
    assert grad(f, argnums=(0, 1))(2.0, 3.0) == (9.0, 12.0)
    assert value_and_grad(f, argnums=0)(2.0, 3.0) == (18.0, 9.0)
    with pytest.raises(TypeError, match="not both"):
        grad(f, 1, argnums=1)


def test_numpy_functions_name_the_method_to_use_and_numpy_arithmetic_still_works():
    x = Value(0.5)
    with pytest.raises(
        TypeError, match=r"numpy.sin does not work on a Value; use the method, x.sin\(\)"
    ):
        np.sin(x)
    with pytest.raises(TypeError, match=r"x.exp\(\)"):
        np.exp(x)
    y = np.float64(3) * x + np.float32(1) - np.int64(2) / x
    assert isinstance(y, Value) and y.data == pytest.approx(3 * 0.5 + 1 - 4)


def test_micrograd_names_prev_and_op():
    a, b = Value(2.0), Value(3.0)
    c = a * b
    assert c._prev == {a, b} and (a * a)._prev == {a}
    assert c._op == "*" and a._op == "" and a.tanh()._op == "tanh"


def test_an_operation_of_your_own_back_propagates_like_the_engines():
    x = Value(0.5, "x")
    t = math.tanh(x.data)
    y = Value.from_op(t, [x], [1 - t * t], op="tanh")
    assert y._op == "tanh" and y.parents == (x,)
    (y * 2).backward()
    assert x.grad == pytest.approx(2 * (1 - math.tanh(0.5) ** 2))
    a, b = Value(2.0), Value(3.0)
    hypot = Value.from_op(math.hypot(2, 3), (a, b), (2 / math.hypot(2, 3), 3 / math.hypot(2, 3)),
                          op="hypot")  # fmt: skip
    hypot.backward()
    assert (a.grad, b.grad) == pytest.approx((2 / 13**0.5, 3 / 13**0.5))
    with pytest.raises(TypeError, match="cannot differentiate the custom operation 'tanh'"):
        y.backward(create_graph=True)
    with pytest.raises(ValueError, match="one local derivative per parent"):
        Value.from_op(1.0, [x], [1.0, 2.0])
    with pytest.raises(TypeError, match="one or two parent Values"):
        Value.from_op(1.0, [x, x, x], [1.0, 1.0, 1.0])
