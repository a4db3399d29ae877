"""grad, value_and_grad, hessian and create_graph: higher derivatives against sympy."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import BINARY, UNARY, X, Y, close
from oracles import sympy_derivative as sym_d

from autograd import Value, grad, hessian, value_and_grad


def test_grad_returns_a_float_for_number_arguments():
    d = grad(lambda x: x**3)(2.0)
    assert type(d) is float and d == 12.0


def test_argnum_selects_one_or_several_arguments():
    def f(x, y):
        return x * x * y

    assert grad(f, argnum=1)(3.0, 2.0) == 9.0
    assert grad(f, argnum=(0, 1))(3.0, 2.0) == (12.0, 9.0)
    value, grads = value_and_grad(f, argnum=(0, 1))(3.0, 2.0)
    assert value == 18.0 and grads == (12.0, 9.0)


def test_nested_grad_does_not_confuse_the_variables():
    def g(x):
        return x * grad(lambda y: x * y)(x)  # the inner derivative is x, so g(x) = x^2

    assert grad(g)(3.0) == 6.0


def test_higher_derivatives_by_nesting():
    def f(x):
        return x**4

    assert grad(grad(f))(2.0) == 48.0
    assert grad(grad(grad(f)))(2.0) == 48.0
    assert grad(grad(grad(grad(f))))(2.0) == 24.0


@pytest.mark.parametrize("name", sorted(UNARY))
@given(frac=st.floats(0, 1))
@settings(max_examples=5, deadline=None)
def test_second_and_third_derivatives_of_every_operation_match_sympy(name, frac):
    fn, fn_sympy, (lo, hi) = UNARY[name]
    x0 = lo + (hi - lo) * frac
    expr = fn_sympy(X)
    assert close(grad(grad(fn))(x0), sym_d(expr, X, {X: x0}, 2), 1e-8, 1e-8)
    assert close(grad(grad(grad(fn)))(x0), sym_d(expr, X, {X: x0}, 3), 1e-8, 1e-8)


@pytest.mark.parametrize("name", sorted(BINARY))
@given(fa=st.floats(0, 1), fb=st.floats(0, 1))
@settings(max_examples=5, deadline=None)
def test_hessian_of_every_two_argument_operation_matches_sympy(name, fa, fb):
    fn, fn_sympy, (lo, hi) = BINARY[name]
    a0, b0 = lo + (hi - lo) * fa, lo + (hi - lo) * fb
    h = hessian(fn)(a0, b0)
    assert isinstance(h, np.ndarray) and h.shape == (2, 2) and h.dtype == float
    expr, at = fn_sympy(X, Y), {X: a0, Y: b0}
    want = [[float(expr.diff(u).diff(v).subs(at)) for v in (X, Y)] for u in (X, Y)]
    assert np.allclose(h, want, rtol=1e-8, atol=1e-8)
    # third derivatives of the two-argument operations, by nesting
    d3 = grad(lambda a: grad(grad(fn, 0), 0)(a, b0))(a0)
    assert close(d3, sym_d(expr, X, at, 3), 1e-7, 1e-7)


def test_hessian_of_a_function_of_three_variables():
    h = hessian(lambda x, y, z: x * y * z + x**2)(1.0, 2.0, 3.0)
    assert np.array_equal(h, [[2.0, 3.0, 2.0], [3.0, 0.0, 1.0], [2.0, 1.0, 0.0]])


def test_backward_with_create_graph_leaves_a_differentiable_gradient():
    x = Value(2.0)
    y = x**3 + x.sin()
    y.backward(create_graph=True)
    assert math.isclose(x.grad, 12 + math.cos(2))
    first = x.grad_graph
    assert isinstance(first, Value) and math.isclose(first.data, x.grad)
    x.grad = 0.0
    first.backward()
    assert math.isclose(x.grad, 12 - math.sin(2))


def test_grad_of_a_constant_function_is_zero():
    assert grad(lambda x: Value(3.0))(1.0) == 0.0
    assert grad(lambda x: 3.0)(1.0) == 0.0


def test_bad_uses_of_grad_are_named():
    with pytest.raises(TypeError, match="expected a function to differentiate, got int"):
        grad(3)
    with pytest.raises(TypeError, match="argnum must be an int or a non-empty tuple"):
        grad(lambda x: x, argnum="0")
    with pytest.raises(IndexError, match="argnum 2 is out of range: .* 1 argument"):
        grad(lambda x: x, argnum=2)(1.0)
    with pytest.raises(TypeError, match="argument 0 must be a real number or a Value"):
        grad(lambda x: x)("1")
    with pytest.raises(TypeError, match="must return a Value .* got list"):
        grad(lambda x: [x])(1.0)
