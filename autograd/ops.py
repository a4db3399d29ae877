"""The primitive operations: each one's forward formula beside its derivative rule, written once.

A rule returns the local derivative of the result with respect to each parent:

- one parent: ``rule(m, x, out, c) -> d``, where ``c`` is the operation's constant (``x * c``,
  ``x ** c``, a ``leaky_relu`` slope...) or None;
- two parents: ``rule(m, a, b, out) -> (da, db)``.

``m`` is the namespace the rule computes in: ``autograd.floatmath`` gives plain floats (what the
forward pass stores on each edge), ``autograd.value.VALUE_MATH`` gives Values (what
``backward(create_graph=True)`` uses, so that derivatives can be differentiated again). The
operands and ``out`` are floats or Values accordingly.

Rules use only ``+``, ``-``, ``*`` and the functions of ``m`` (``m.div`` and ``m.pow`` instead of
``/`` and ``**``, which raise on Python floats), so the same text works in both number domains.
A piecewise rule branches on ``m.data(x)``: the branch taken is constant around the point, so its
own derivative is zero and a plain float is the correct differentiable answer.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from . import floatmath as F

# How tightly a written operation binds, for parentheses in formulas: a - (b + c), (a + b)·c.
SUM, PRODUCT, POWER, ATOM = 1, 2, 3, 4


class Op:
    """A primitive operation: its display name, its derivative rule, (for functions of one
    Value) its forward formula on floats, and how diagrams write it."""

    __slots__ = ("name", "rule", "forward", "template", "precedence", "derivative")

    def __init__(
        self,
        name: str,
        rule: Callable | None,
        forward: Callable[..., float] | None = None,
        template: str = "",
        derivative: str | tuple[str, str] = "",
        precedence: int = ATOM,
    ):
        self.name = name
        self.rule = rule
        self.forward = forward
        # The operation written out in its operands' names: "{a} + {b}", "{c} - {x}" for c - x
        # (c: the constant), "tanh({x})" by default for a function of one Value.
        self.template = template or f"{name}({{x}})"
        self.precedence = precedence
        # The rule as diagrams write it, in the names of the operands: "{b}" for d(a*b)/da, or
        # one template per parent for two-parent operations; "" where it is piecewise.
        self.derivative = derivative

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


def _sign(x: float) -> float:
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


def _pow_rule(m, a, b, out):
    # d(a^b)/da = b a^(b-1);  d(a^b)/db = a^b log a.  As in PyTorch, each is 0 where the exponent
    # (respectively the base) makes the formula 0 * inf: b == 0, and a == 0 with b >= 0.
    da = 0.0 if m.data(b) == 0 else b * m.pow(a, b - 1.0)
    db = 0.0 if m.data(a) == 0 and m.data(b) >= 0 else out * m.log(a)
    return (da, db)


def _pow_const_rule(m, x, out, c):
    # d(x^c)/dx = c x^(c-1)
    return 0.0 if c == 0 else c * m.pow(x, c - 1.0)


_ONE_ONE = (1.0, 1.0)
_ONE_MINUS_ONE = (1.0, -1.0)

# --- leaves and the identity -------------------------------------------------------------------
LEAF = Op("", None, template="{x}")
IDENTITY = Op("id", lambda m, x, out, c: 1.0, lambda x: x, derivative="1")

# --- arithmetic between two Values ----------------------------------------------------------
ADD = Op(
    "+", lambda m, a, b, out: _ONE_ONE, template="{a} + {b}", derivative=("1", "1"), precedence=SUM
)  # a + b
SUB = Op(
    "-",
    lambda m, a, b, out: _ONE_MINUS_ONE,
    template="{a} - {b}",
    derivative=("1", "-1"),
    precedence=SUM,
)  # a - b
MUL = Op(
    "*",
    lambda m, a, b, out: (b, a),
    template="{a} * {b}",
    derivative=("{b}", "{a}"),
    precedence=PRODUCT,
)  # a * b
DIV = Op(
    "/",
    lambda m, a, b, out: (m.div(1.0, b), -m.div(out, b)),
    template="{a} / {b}",
    derivative=("1/{b}", "-{out}/{b}"),
    precedence=PRODUCT,
)  # a / b
POW = Op(
    "**",
    _pow_rule,
    template="{a} ** {b}",
    derivative=("{b}·{a}^({b}-1)", "{out}·log {a}"),
    precedence=POWER,
)  # a ** b

# --- arithmetic with a constant c (a Python or NumPy number: not a node of the graph) ------------
ADD_CONST = Op(
    "+", lambda m, x, out, c: 1.0, template="{x} + {c}", derivative="1", precedence=SUM
)  # x + c
SUB_CONST = Op(
    "-", lambda m, x, out, c: 1.0, template="{x} - {c}", derivative="1", precedence=SUM
)  # x - c
RSUB_CONST = Op(
    "-", lambda m, x, out, c: -1.0, template="{c} - {x}", derivative="-1", precedence=SUM
)  # c - x
MUL_CONST = Op(
    "*", lambda m, x, out, c: c, template="{x} * {c}", derivative="{c}", precedence=PRODUCT
)  # x * c
DIV_CONST = Op(
    "/",
    lambda m, x, out, c: F.div(1.0, c),
    template="{x} / {c}",
    derivative="1/{c}",
    precedence=PRODUCT,
)  # x / c
RDIV_CONST = Op(
    "/",
    lambda m, x, out, c: -m.div(out, x),
    template="{c} / {x}",
    derivative="-{out}/{x}",
    precedence=PRODUCT,
)  # c / x: -c/x^2 = -out/x
POW_CONST = Op(
    "**", _pow_const_rule, template="{x} ** {c}", derivative="{c}·{x}^({c}-1)", precedence=POWER
)  # x ** c
RPOW_CONST = Op(
    "**",
    lambda m, x, out, c: 0.0 if c == 0 else out * F.log(c),  # as for a ** b with a == 0
    template="{c} ** {x}",
    derivative="{out}·log {c}",
    precedence=POWER,
)  # c ** x: c^x log c

# --- functions of one Value (c: the function's parameter, if any) -----------------------------
NEG = Op("neg", lambda m, x, out, c: -1.0, lambda x: -x, "-{x}", "-1", precedence=PRODUCT)
EXP = Op("exp", lambda m, x, out, c: out, F.exp, derivative="{out}")
LOG = Op("log", lambda m, x, out, c: m.div(1.0, x), F.log, derivative="1/{x}")
SQRT = Op("sqrt", lambda m, x, out, c: m.div(0.5, out), F.sqrt, derivative="1/(2·{out})")
TANH = Op("tanh", lambda m, x, out, c: 1.0 - out * out, math.tanh, derivative="1 - {out}²")
SIGMOID = Op(
    "sigmoid", lambda m, x, out, c: out * (1.0 - out), F.sigmoid, derivative="{out}·(1 - {out})"
)
SOFTPLUS = Op("softplus", lambda m, x, out, c: m.sigmoid(x), F.softplus, derivative="sigmoid({x})")
GAUSSIAN = Op(
    "gaussian",
    lambda m, x, out, c: -2.0 * x * out,
    lambda x: F.exp(-x * x),
    derivative="-2·{x}·{out}",
)
SIN = Op("sin", lambda m, x, out, c: m.cos(x), F.sin, derivative="cos {x}")
COS = Op("cos", lambda m, x, out, c: -m.sin(x), F.cos, derivative="-sin {x}")
ABS = Op("abs", lambda m, x, out, c: _sign(m.data(x)), math.fabs, template="|{x}|")
STEP = Op("step", lambda m, x, out, c: 0.0, lambda x: 1.0 if x >= 0 else 0.0, derivative="0")
RELU = Op(
    "relu",
    lambda m, x, out, c: 1.0 if m.data(x) > 0 else 0.0,
    lambda x: 0.0 if x <= 0 else x,  # nan stays nan
)
LEAKY_RELU = Op(
    "leaky_relu",
    lambda m, x, out, c: 1.0 if m.data(x) > 0 else c,
    lambda x, slope: x if x > 0 else slope * x,
    template="leaky_relu({x}, {c})",
)
ELU = Op(
    "elu",
    lambda m, x, out, c: 1.0 if m.data(x) > 0 else out + c,
    lambda x, alpha: x if x > 0 else alpha * math.expm1(x),
    template="elu({x}, {c})",
)
