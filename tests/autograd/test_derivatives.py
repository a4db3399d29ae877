"""Every operation's derivative, and random compositions, against sympy and central differences."""

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from oracles import (
    BINARY,
    UNARY,
    X,
    Y,
    build,
    central_difference,
    check_grads,
    close,
    expressions,
)
from oracles import sympy_derivative as sym_d

from autograd import Value


@pytest.mark.parametrize("name", sorted(UNARY))
@given(frac=st.floats(0, 1))
@settings(max_examples=20, deadline=None)
def test_unary_derivative_matches_sympy_and_finite_differences(name, frac):
    fn, fn_sympy, (lo, hi) = UNARY[name]
    x0 = lo + (hi - lo) * frac
    x = Value(x0)
    y = fn(x)
    y.backward()
    assert close(y.data, float(fn_sympy(X).subs(X, x0)))
    assert close(x.grad, sym_d(fn_sympy(X), X, {X: x0}))
    assert close(x.grad, central_difference(lambda t: fn(Value(t)).data, [x0], 0), 1e-5, 1e-6)


@pytest.mark.parametrize("name", sorted(BINARY))
@given(fa=st.floats(0, 1), fb=st.floats(0, 1))
@settings(max_examples=20, deadline=None)
def test_binary_derivatives_match_sympy_and_finite_differences(name, fa, fb):
    fn, fn_sympy, (lo, hi) = BINARY[name]
    a0, b0 = lo + (hi - lo) * fa, lo + (hi - lo) * fb
    a, b = Value(a0), Value(b0)
    fn(a, b).backward()
    expr = fn_sympy(X, Y)
    at = {X: a0, Y: b0}
    assert close(a.grad, sym_d(expr, X, at))
    assert close(b.grad, sym_d(expr, Y, at))

    def f(s, t):
        return fn(Value(s), Value(t)).data

    assert close(a.grad, central_difference(f, [a0, b0], 0), 1e-5, 1e-6)
    assert close(b.grad, central_difference(f, [a0, b0], 1), 1e-5, 1e-6)


@given(expr=expressions(), x0=st.floats(-2, 2), y0=st.floats(-2, 2))
@settings(max_examples=150, deadline=None)
def test_random_compositions_match_sympy(expr, x0, y0):
    x, y = Value(x0), Value(y0)
    out = build(expr, {"x": x, "y": y}, "value")
    assume(isinstance(out, Value))  # else the expression did not involve x or y
    out.backward()
    sym = build(expr, {"x": X, "y": Y}, "sympy")
    at = {X: x0, Y: y0}
    assert close(out.data, float(sym.subs(at).evalf(30)), 1e-9, 1e-9)
    assert close(x.grad, sym_d(sym, X, at), 1e-8, 1e-8)
    assert close(y.grad, sym_d(sym, Y, at), 1e-8, 1e-8)


@given(expr=expressions(max_leaves=8), x0=st.floats(-2, 2), y0=st.floats(-2, 2))
@settings(max_examples=100, deadline=None)
def test_random_compositions_match_central_differences(expr, x0, y0):
    x, y = Value(x0), Value(y0)
    out = build(expr, {"x": x, "y": y}, "value")
    assume(isinstance(out, Value))
    out.backward()

    def f(s, t):
        v = build(expr, {"x": Value(s), "y": Value(t)}, "value")
        return v.data if isinstance(v, Value) else v

    for i, leaf in enumerate((x, y)):
        fd = central_difference(f, [x0, y0], i, h=1e-5)
        assert math.isclose(leaf.grad, fd, rel_tol=1e-4, abs_tol=1e-5)


def test_the_documented_activation_derivatives():
    x = Value(-0.7)
    g = x.elu(alpha=2.0)
    g.backward()
    assert close(x.grad, g.data + 2.0)  # elu'(x) = g(x) + alpha for x < 0
    x = Value(0.3)
    g = x.softplus()
    g.backward()
    assert close(x.grad, Value(0.3).sigmoid().data)  # softplus' = sigmoid
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0  # relu'(0) = 0
    x = Value(0.0)
    out = x.step()
    out.backward()
    assert (out.data, x.grad) == (1.0, 0.0)  # Heaviside, derivative 0
    x = Value(-2.0)
    x.leaky_relu().backward()
    assert x.grad == 0.01  # default slope


@pytest.mark.parametrize("name", [n for n in sorted(UNARY) if n[-1] not in "+-"])
def test_smooth_functions_pass_check_grads_to_second_order(name):
    fn, _, (lo, hi) = UNARY[name]
    check_grads(fn, lo + 0.37 * (hi - lo))


def test_check_grads_in_two_variables():
    check_grads(lambda x, y: (x * y).tanh() + x / (1 + y * y), 0.3, -0.8)
