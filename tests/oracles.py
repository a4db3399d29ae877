"""Independent oracles shared by the tests: sympy's symbolic derivatives, central differences,
and hypothesis strategies for random expressions."""

from __future__ import annotations

import math

import sympy as sp
from hypothesis import strategies as st

from autograd import Value

X = sp.Symbol("x", real=True)
Y = sp.Symbol("y", real=True)

# name -> (what it does to a Value, the same function in sympy, a domain away from kinks)
UNARY = {
    "neg": (lambda v: -v, lambda s: -s, (-3, 3)),
    "exp": (Value.exp, sp.exp, (-3, 3)),
    "log": (Value.log, sp.log, (0.2, 4)),
    "sqrt": (Value.sqrt, sp.sqrt, (0.2, 4)),
    "tanh": (Value.tanh, sp.tanh, (-3, 3)),
    "sigmoid": (Value.sigmoid, lambda s: 1 / (1 + sp.exp(-s)), (-4, 4)),
    "softplus": (Value.softplus, lambda s: sp.log(1 + sp.exp(s)), (-4, 4)),
    "gaussian": (Value.gaussian, lambda s: sp.exp(-(s**2)), (-2, 2)),
    "sin": (Value.sin, sp.sin, (-3, 3)),
    "cos": (Value.cos, sp.cos, (-3, 3)),
    "tan": (Value.tan, sp.tan, (-1.3, 1.3)),
    "relu+": (Value.relu, lambda s: s, (0.1, 3)),
    "relu-": (Value.relu, lambda s: sp.Integer(0) * s, (-3, -0.1)),
    "abs+": (Value.abs, lambda s: s, (0.1, 3)),
    "abs-": (Value.abs, lambda s: -s, (-3, -0.1)),
    "step": (Value.step, lambda s: sp.Integer(0) * s + 1, (0.1, 3)),
    "leaky_relu-": (lambda v: v.leaky_relu(0.1), lambda s: s / 10, (-3, -0.1)),
    "leaky_relu+": (lambda v: v.leaky_relu(0.1), lambda s: s, (0.1, 3)),
    "elu-": (lambda v: v.elu(0.5), lambda s: sp.Rational(1, 2) * (sp.exp(s) - 1), (-3, -0.1)),
    "elu+": (lambda v: v.elu(0.5), lambda s: s, (0.1, 3)),
    "square": (lambda v: v**2, lambda s: s**2, (-3, 3)),
    "cube": (lambda v: v**3, lambda s: s**3, (-3, 3)),
    "pow_frac": (lambda v: v**1.5, lambda s: s ** sp.Rational(3, 2), (0.2, 3)),
    "rpow": (lambda v: 2**v, lambda s: 2**s, (-3, 3)),
    "add_const": (lambda v: v + 1.5, lambda s: s + sp.Rational(3, 2), (-3, 3)),
    "radd_const": (lambda v: 1.5 + v, lambda s: s + sp.Rational(3, 2), (-3, 3)),
    "sub_const": (lambda v: v - 2, lambda s: s - 2, (-3, 3)),
    "rsub_const": (lambda v: 2 - v, lambda s: 2 - s, (-3, 3)),
    "mul_const": (lambda v: v * 3, lambda s: 3 * s, (-3, 3)),
    "rmul_const": (lambda v: 3 * v, lambda s: 3 * s, (-3, 3)),
    "div_const": (lambda v: v / 4, lambda s: s / 4, (-3, 3)),
    "rdiv_const": (lambda v: 2 / v, lambda s: 2 / s, (0.3, 3)),
}

# name -> (what it does to two Values, the same in sympy, domain of both operands)
BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b, (-3, 3)),
    "sub": (lambda a, b: a - b, lambda a, b: a - b, (-3, 3)),
    "mul": (lambda a, b: a * b, lambda a, b: a * b, (-3, 3)),
    "div": (lambda a, b: a / b, lambda a, b: a / b, (0.3, 3)),
    "pow": (lambda a, b: a**b, lambda a, b: a**b, (0.3, 3)),
}


def sympy_derivative(expr: sp.Expr, wrt: sp.Symbol, at: dict, order: int = 1) -> float:
    return float(sp.diff(expr, wrt, order).subs(at).evalf(30))


def central_difference(f, args: list[float], i: int, h: float = 1e-6) -> float:
    """(f(x + h) - f(x - h)) / 2h in argument i, with f taking and returning floats."""
    up, down = list(args), list(args)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (2 * h)


def check_grads(f, *args: float, order: int = 2, h: float = 1e-5, rtol: float = 1e-4,
                atol: float = 1e-5) -> None:  # fmt: skip
    """Check f's derivatives at ``args`` against central differences, up to ``order`` 2: every
    first partial derivative from ``grad``, and every second one from ``grad(grad(...))``, as
    HIPS autograd's ``check_grads`` does. ``f`` takes and returns Values (or numbers)."""
    from autograd import grad

    def number(g):
        def at(*xs):
            out = g(*(Value(x) for x in xs))
            return float(getattr(out, "data", out))

        return at

    points = list(args)
    for i in range(len(points)):
        first = grad(f, i)
        numeric = central_difference(number(f), points, i, h)
        assert math.isclose(first(*points), numeric, rel_tol=rtol, abs_tol=atol), (i, numeric)
        if order >= 2:
            for j in range(len(points)):
                second = grad(first, j)(*points)
                numeric = central_difference(number(first), points, j, h)
                assert math.isclose(second, numeric, rel_tol=rtol * 10, abs_tol=atol * 10), (
                    (i, j),
                    second,
                    numeric,
                )


def close(a: float, b: float, rel: float = 1e-9, abs_: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


# --- random smooth expressions of two variables --------------------------------------------------
# An expression is a nested tuple: ("x",) | ("y",) | ("const", c) | (unary, e) | (binary, e1, e2).
# Every function is smooth on the whole line, and division is by 1 + e^2, so any draw is defined.
_SMOOTH_UNARY = ["tanh", "sin", "cos", "sigmoid", "softplus", "gaussian", "square", "neg"]
_SMOOTH_BINARY = ["add", "sub", "mul", "safe_div"]


def expressions(max_leaves: int = 12) -> st.SearchStrategy:
    leaves = st.one_of(
        st.just(("x",)),
        st.just(("y",)),
        st.floats(-2, 2, allow_nan=False).map(lambda c: ("const", c)),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.tuples(st.sampled_from(_SMOOTH_UNARY), inner),
            st.tuples(st.sampled_from(_SMOOTH_BINARY), inner, inner),
        ),
        max_leaves=max_leaves,
    )


def build(expr: tuple, env: dict, lib: str):
    """Evaluate an expression tree with Values (lib="value") or sympy (lib="sympy")."""
    kind = expr[0]
    if kind in ("x", "y"):
        return env[kind]
    if kind == "const":
        return expr[1] if lib == "value" else sp.Float(expr[1], 30)
    args = [build(e, env, lib) for e in expr[1:]]
    if kind == "safe_div":
        a, b = args
        return a / (1 + b * b)
    if kind in BINARY:
        fn_value, fn_sympy, _ = BINARY[kind]
        return (fn_value if lib == "value" else fn_sympy)(*args)
    fn_value, fn_sympy, _ = UNARY[kind]
    (a,) = args
    if lib == "value":
        return fn_value(a) if isinstance(a, Value) else fn_value(Value(a))
    return fn_sympy(a)


# --- random DAGs with shared sub-expressions and repeated edges ----------------------------------
_DAG_UNARY = ["tanh", "sin", "sigmoid", "mul_const", "square"]
_DAG_BINARY = ["add", "sub", "mul"]


@st.composite
def dags(draw, max_steps: int = 10):
    """A recipe for a graph: leaves, then steps each combining earlier nodes (possibly the same
    node twice, possibly one already used elsewhere). Returns (leaf values, steps)."""
    leaves = draw(st.lists(st.floats(-1.5, 1.5), min_size=1, max_size=3))
    steps = []
    for k in range(draw(st.integers(1, max_steps))):
        available = len(leaves) + k
        if draw(st.booleans()):
            steps.append(
                (
                    draw(st.sampled_from(_DAG_BINARY)),
                    draw(st.integers(0, available - 1)),
                    draw(st.integers(0, available - 1)),
                )
            )
        else:
            steps.append((draw(st.sampled_from(_DAG_UNARY)), draw(st.integers(0, available - 1))))
    return leaves, steps


def build_dag(recipe) -> tuple[list[Value], Value]:
    leaves, steps = recipe
    nodes = [Value(v, f"x{i}") for i, v in enumerate(leaves)]
    for op, *operands in steps:
        args = [nodes[i] for i in operands]
        if op in BINARY:
            nodes.append(BINARY[op][0](*args))
        else:
            nodes.append(UNARY[op][0](*args))
    return nodes[: len(leaves)], nodes[-1]
