"""The habits of PyTorch and NumPy users on a Value: ``item()``, ``float(v)``, comparisons, and
NumPy's arithmetic on either side."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import ops, value
from .recorder import TAPE  # what a trace hears: a number read, a comparison made

if TYPE_CHECKING:
    from .value import Value

# The functions of one Value, as methods: what the gradviz parser and error messages list.
METHOD_NAMES = tuple(op.name for op in ops.FUNCTIONS)


class Habits:
    """Methods of ``Value`` that read its number the way PyTorch's and NumPy's users expect."""

    __slots__ = ()

    if TYPE_CHECKING:  # the Value attributes these methods read
        data: float

    def item(self) -> float:
        """The number, as a Python float (PyTorch's name; the same as ``.data``)."""
        if TAPE.on:
            TAPE.read(self, self.data, "item()")
        return self.data

    def __float__(self) -> float:
        """``float(v)``: the number. The graph is not followed: for a differentiable function,
        use the method (``v.sin()``), not ``math.sin(v)``."""
        if TAPE.on:
            TAPE.read(self, self.data, "float()")
        return self.data

    # Comparisons compare the numbers and return a bool (max(a, b), sorted(values), if v > 0);
    # == and != stay identity, so that Values can be dictionary keys and set members.
    def __lt__(self, other: Value | float) -> bool:
        outcome = self.data < _compared(other)
        if TAPE.on:
            TAPE.compared("<", self, other, outcome)
        return outcome

    def __le__(self, other: Value | float) -> bool:
        outcome = self.data <= _compared(other)
        if TAPE.on:
            TAPE.compared("<=", self, other, outcome)
        return outcome

    def __gt__(self, other: Value | float) -> bool:
        outcome = self.data > _compared(other)
        if TAPE.on:
            TAPE.compared(">", self, other, outcome)
        return outcome

    def __ge__(self, other: Value | float) -> bool:
        outcome = self.data >= _compared(other)
        if TAPE.on:
            TAPE.compared(">=", self, other, outcome)
        return outcome

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        """NumPy's arithmetic with a Value gives a Value (``np.float64(3) * x``); NumPy's
        functions of a Value are refused with the method to use (``np.sin(x)``: ``x.sin()``)."""
        operator_name = _UFUNC_OPERATORS.get(ufunc.__name__)
        if method == "__call__" and operator_name and len(inputs) == 2 and not kwargs:
            a, b = inputs
            if isinstance(a, value.Value):
                return getattr(a, f"__{operator_name}__")(b)
            return getattr(b, f"__r{operator_name}__")(a)
        raise _not_a_method(f"numpy.{ufunc.__name__}", ufunc.__name__)


_UFUNC_OPERATORS = {
    "add": "add", "subtract": "sub", "multiply": "mul", "true_divide": "truediv",
    "divide": "truediv", "power": "pow",
}  # fmt: skip
_METHOD_OF = {"absolute": "abs", "fabs": "abs", "negative": "__neg__"}


def _not_a_method(what: str, name: str) -> TypeError:
    method = _METHOD_OF.get(name, name)
    if callable(getattr(value.Value, method, None)) and not method.startswith("_"):
        hint = f"use the method, x.{method}(), which records the operation"
    else:
        hint = f"Values have these functions as methods: {', '.join(METHOD_NAMES)}"
    return TypeError(f"{what} does not work on a Value; {hint}")


def _compared(other: object) -> float:
    if isinstance(other, value.Value):
        return other.data
    c = value._constant(other)
    if c is None:
        raise TypeError(
            f"a Value compares with Values and real numbers, not {type(other).__name__}"
        )
    return c
