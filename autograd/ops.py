"""The primitive operations, each defined once: its name, forward formula, derivative rule and
how diagrams write it. Everything that lists operations (the Value methods, the gradviz parser,
the README, the tests) reads this table; adding a function of one Value is one ``Op`` here and
its one-line method on ``Value``.

Every rule has one signature, ``rule(m, a, b, out, c)``:

- ``a`` is the operand (the left one for two-parent operations), ``b`` the right operand or None;
- ``out`` is the result; ``c`` the operation's constant (``x * c``, ``x ** c``) or parameter (a
  ``leaky_relu`` slope), or None;
- it returns the local derivative d(out)/d(a) for one parent, the pair (d/da, d/db) for two.

``m`` is the namespace the rule computes in: ``autograd.floatmath`` gives plain floats (what the
forward pass stores on each edge), ``autograd.value.VALUE_MATH`` gives Values (what
``backward(create_graph=True)`` uses, so that derivatives can be differentiated again). The
operands and ``out`` are floats or Values accordingly.

Rules use only ``+``, ``-``, ``*`` and the functions of ``m`` (``m.div`` and ``m.pow`` instead of
``/`` and ``**``, which raise on Python floats), so the same text works in both number domains.
A piecewise rule branches with ``m.select(condition, if_true, if_false)`` on ``m.data(x)``: the
branch taken is constant around the point, so its own derivative is zero and a plain float is the
correct differentiable answer.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from . import arraymath as am
from . import floatmath as fm

# How tightly a written operation binds, for parentheses in formulas: a - (b + c), (a + b)·c.
SUM, PRODUCT, POWER, ATOM = 1, 2, 3, 4


class Op:
    """A primitive operation: its display name, forward formula on floats, derivative rule
    (``rule(m, a, b, out, c)``) and how diagrams write it."""

    __slots__ = ("name", "forward", "rule", "template", "precedence", "derivative_text", "batched")

    def __init__(
        self,
        name: str,
        forward: Callable[..., float] | None,
        rule: Callable | None,
        template: str = "",
        derivative_text: str | tuple[str, str] = "",
        precedence: int = ATOM,
        batched: Callable[..., Any] | None = None,
    ):
        self.name = name
        # Two parents: forward(a, b); a constant or parameter: forward(x, c); else forward(x).
        self.forward: Callable[..., float] = forward or _no_formula(name)
        self.rule: Callable[..., Any] = rule or _numbers_only(name)
        # The operation written out in its operands' names: "{a} + {b}", "{c} - {x}" for c - x
        # (c: the constant), "tanh({x})" by default for a function of one Value.
        self.template = template or f"{name}({{x}})"
        self.precedence = precedence
        # The derivative as diagrams write it (display text; the rule itself is ``rule``), in the
        # operands' names: "{b}" for d(a*b)/da, or one template per parent for two-parent
        # operations; "" where it is piecewise.
        self.derivative_text = derivative_text
        # The forward formula on NumPy arrays (one entry per sample), for traced replays; the
        # float formula itself where it already works on arrays (+, -, *, negation).
        self.batched: Callable[..., Any] = batched or self.forward

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


def _no_formula(name: str) -> Callable[..., float]:
    def forward(*operands: float) -> float:
        raise TypeError(f"{name!r} has no forward formula: its nodes are made by Value.from_op")

    return forward


def _numbers_only(name: str) -> Callable[..., Any]:
    """The rule of an operation made by ``Value.from_op``: its local derivatives were given as
    numbers, so there is nothing to rebuild as Values for a second derivative."""

    def rule(m: Any, a: Any, b: Any, out: Any, c: float | None) -> Any:
        raise TypeError(
            f"backward(create_graph=True) cannot differentiate the custom operation {name!r} "
            f"a second time: Value.from_op gave its local derivatives as numbers; build it from "
            f"the engine's operations instead"
        )

    return rule


def _pow_rule(m: Any, a: Any, b: Any, out: Any, c: float | None) -> Any:
    # d(a^b)/da = b a^(b-1);  d(a^b)/db = a^b log a.  As in PyTorch, each is 0 where the exponent
    # (respectively the base) makes the formula 0 * inf: b == 0, and a == 0 with b >= 0.
    da = m.select(m.data(b) == 0, 0.0, lambda: b * m.pow(a, b - 1.0))
    db = m.select((m.data(a) == 0) & (m.data(b) >= 0), 0.0, lambda: out * m.log(a))
    return (da, db)


_ONE_ONE = (1.0, 1.0)
_ONE_MINUS_ONE = (1.0, -1.0)

# --- leaves and the identity -------------------------------------------------------------------
LEAF = Op("", None, None, template="{x}")
IDENTITY = Op("id", lambda x: x, lambda m, a, b, out, c: 1.0, derivative_text="1")

# --- arithmetic between two Values: forward(a, b) ------------------------------------------------
ADD = Op("+", operator.add, lambda m, a, b, out, c: _ONE_ONE, "{a} + {b}", ("1", "1"), SUM)
SUB = Op("-", operator.sub, lambda m, a, b, out, c: _ONE_MINUS_ONE, "{a} - {b}", ("1", "-1"), SUM)
MUL = Op("*", operator.mul, lambda m, a, b, out, c: (b, a), "{a} * {b}", ("{b}", "{a}"), PRODUCT)
DIV = Op(
    "/",
    fm.div,
    lambda m, a, b, out, c: (m.div(1.0, b), -m.div(out, b)),
    "{a} / {b}",
    ("1/{b}", "-{out}/{b}"),
    PRODUCT,
    batched=am.div,
)
POW = Op(
    "**",
    fm.pow,
    _pow_rule,
    "{a} ** {b}",
    ("{b}·{a}^({b}-1)", "{out}·log {a}"),
    POWER,
    batched=am.pow,
)

# --- arithmetic with a constant c (a Python or NumPy number: not a node): forward(x, c) --------
ADD_CONST = Op("+", operator.add, lambda m, a, b, out, c: 1.0, "{x} + {c}", "1", SUM)
SUB_CONST = Op("-", operator.sub, lambda m, a, b, out, c: 1.0, "{x} - {c}", "1", SUM)
RSUB_CONST = Op("-", lambda x, c: c - x, lambda m, a, b, out, c: -1.0, "{c} - {x}", "-1", SUM)
MUL_CONST = Op("*", operator.mul, lambda m, a, b, out, c: c, "{x} * {c}", "{c}", PRODUCT)
DIV_CONST = Op(
    "/",
    fm.div,
    lambda m, a, b, out, c: fm.div(1.0, c),
    "{x} / {c}",
    "1/{c}",
    PRODUCT,
    batched=am.div,
)
RDIV_CONST = Op(  # c / x: d/dx = -c/x² = -out/x
    "/",
    lambda x, c: fm.div(c, x),
    lambda m, a, b, out, c: -m.div(out, a),
    "{c} / {x}",
    "-{out}/{x}",
    PRODUCT,
    batched=lambda x, c: am.div(c, x),
)
POW_CONST = Op(  # x ** c: d/dx = c x^(c-1)
    "**",
    fm.pow,
    lambda m, a, b, out, c: 0.0 if c == 0 else c * m.pow(a, c - 1.0),
    "{x} ** {c}",
    "{c}·{x}^({c}-1)",
    POWER,
    batched=am.pow,
)
RPOW_CONST = Op(  # c ** x: d/dx = c^x log c; for c == 0 as a ** b with a == 0 (PyTorch's rule):
    "**",  # 0 where x >= 0 (0 * -inf), and inf * log 0 = -inf where x < 0
    lambda x, c: fm.pow(c, x),
    lambda m, a, b, out, c: (
        out * fm.log(c) if c != 0 else m.select(m.data(a) >= 0, 0.0, lambda: out * fm.log(c))
    ),
    "{c} ** {x}",
    "{out}·log {c}",
    POWER,
    batched=lambda x, c: am.pow(c, x),
)
NEG = Op("neg", operator.neg, lambda m, a, b, out, c: -1.0, "-{x}", "-1", PRODUCT)

# --- functions of one Value: forward(x), or forward(x, c) with a parameter c -------------------
EXP = Op("exp", fm.exp, lambda m, a, b, out, c: out, derivative_text="{out}", batched=am.exp)
LOG = Op(
    "log", fm.log, lambda m, a, b, out, c: m.div(1.0, a), derivative_text="1/{x}", batched=am.log
)
SQRT = Op(
    "sqrt",
    fm.sqrt,
    lambda m, a, b, out, c: m.div(0.5, out),
    derivative_text="1/(2·{out})",
    batched=am.sqrt,
)
TANH = Op(
    "tanh",
    math.tanh,
    lambda m, a, b, out, c: 1.0 - out * out,
    derivative_text="1 - {out}²",
    batched=np.tanh,
)
SIGMOID = Op(
    "sigmoid",
    fm.sigmoid,
    lambda m, a, b, out, c: out * (1.0 - out),
    derivative_text="{out}·(1 - {out})",
    batched=am.sigmoid,
)
RELU = Op(
    "relu",
    lambda x: 0.0 if x <= 0 else x,  # nan stays nan
    lambda m, a, b, out, c: m.select(m.data(a) > 0, 1.0, 0.0),
    batched=lambda x: np.maximum(x, 0.0),  # nan stays nan; -0.0 gives 0.0, as above
)
LEAKY_RELU = Op(
    "leaky_relu",
    lambda x, slope: x if x > 0 else slope * x,
    lambda m, a, b, out, c: m.select(m.data(a) > 0, 1.0, c),
    template="leaky_relu({x}, {c})",
    batched=lambda x, slope: np.where(x > 0, x, slope * x),
)
ELU = Op(
    "elu",
    lambda x, alpha: x if x > 0 else alpha * math.expm1(x),
    lambda m, a, b, out, c: m.select(m.data(a) > 0, 1.0, lambda: out + c),
    template="elu({x}, {c})",
    batched=lambda x, alpha: am.select(x > 0, x, lambda: alpha * np.expm1(x)),
)
SOFTPLUS = Op(
    "softplus",
    fm.softplus,
    lambda m, a, b, out, c: m.sigmoid(a),
    derivative_text="sigmoid({x})",
    batched=am.softplus,
)
GAUSSIAN = Op(
    "gaussian",
    lambda x: fm.exp(-x * x),
    lambda m, a, b, out, c: -2.0 * (a * out),  # x·out first: 0, not -inf·0, at x = ±1e308
    derivative_text="-2·{x}·{out}",
    batched=lambda x: am.exp(-x * x),
)
STEP = Op(
    "step",
    lambda x: 1.0 if x >= 0 else 0.0,
    lambda m, a, b, out, c: 0.0,
    derivative_text="0",
    batched=lambda x: np.where(x >= 0, 1.0, 0.0),
)
ABS = Op("abs", math.fabs, lambda m, a, b, out, c: m.sign(a), template="|{x}|", batched=np.abs)
SIN = Op("sin", fm.sin, lambda m, a, b, out, c: m.cos(a), derivative_text="cos {x}", batched=am.sin)
COS = Op(
    "cos", fm.cos, lambda m, a, b, out, c: -m.sin(a), derivative_text="-sin {x}", batched=am.cos
)
TAN = Op(
    "tan",
    lambda x: fm.NAN if math.isinf(x) else math.tan(x),  # math.tan raises for ±inf
    lambda m, a, b, out, c: 1.0 + out * out,
    derivative_text="1 + {out}²",
    batched=lambda x: am.select(np.isinf(x), np.nan, lambda: np.tan(x)),
)

# The functions of one Value, each a method of Value with the same name (x.tanh()).
FUNCTIONS = (EXP, LOG, SQRT, TANH, SIGMOID, RELU, LEAKY_RELU, ELU, SOFTPLUS, GAUSSIAN, STEP, ABS,
             SIN, COS, TAN)  # fmt: skip
