"""The Value node: a scalar, the operations that made it, and the local derivative on each edge."""

from __future__ import annotations

import math
import numbers

from . import chain, custom, ops
from . import floatmath as fm
from .chain import edges
from .copies import Copies
from .copies import _leaf as _leaf  # pickles made before copies.py name autograd.value._leaf
from .creation import make_under_switches
from .custom import OwnOperations
from .habits import METHOD_NAMES as METHOD_NAMES  # the functions of one Value, by name
from .habits import Habits
from .reals import bad_operand as _bad_operand
from .reals import parameter as _parameter
from .reals import seed as _seed
from .recorder import TAPE  # what a trace hears: a detach
from .switches import STATE


class Value(Habits, OwnOperations, Copies):
    """A scalar in a computational graph.

    Attributes:
        data: the number (a float).
        grad: d(root)/d(self) after ``root.backward()``; 0.0 until a backward pass reaches it.
            Leaves accumulate (reset: ``v.grad = 0``, or nn's ``zero_grad()``); interior nodes hold
            the latest pass's gradient.
        grad_graph: after ``backward(create_graph=True)``, the same gradient as a Value that can be
            differentiated again; None otherwise.
        label: a name for display ("" if none).
        parents: the Values this one was computed from, in operand order; an operand used twice
            appears twice (``(a * a).parents == (a, a)``). Empty for a leaf.
        local_grads: d(self)/d(parent) for each parent, in the same order (floats).

    Python and NumPy numbers mix in on either side (``2 * x``, ``x ** 3``, ``1 / x``); they are
    constants, not nodes of the graph.

    >>> a, b = Value(2.0, "a"), Value(1.0, "b")
    >>> e = (a + b) * (b + 1)
    >>> e.backward()
    >>> e.data, a.grad, b.grad
    (6.0, 2.0, 5.0)
    """

    data: float
    grad: float
    grad_graph: Value | None
    label: str
    _fn: ops.Op
    _const: float | None
    _a: Value | None
    _da: float
    _b: Value | None
    _db: float

    # The (at most two) edges live in the node itself: parent _a with local derivative _da, and
    # parent _b with _db (_b is None for one parent; both are None for a leaf); ``edges`` shows
    # them as (parent, d) pairs. No tuple per node: 144 bytes per node against 224 for a tuple
    # of pairs (0.64; ``python benchmarks/tricks.py``), and fewer objects for the collector.
    # __weakref__: weak references to Values work (as to tensors); detect_anomaly uses them to
    # remember where each node was made without keeping it alive. It costs 8 bytes per node.
    # __dict__: attributes of the user's own (an optimizer's moments ``p.m``, a drawing tag), as
    # micrograd's Values take them. The dict is made only when first used: 8 bytes per node.
    __slots__ = (
        "data",
        "grad",
        "grad_graph",
        "label",
        "_fn",
        "_const",
        "_a",
        "_da",
        "_b",
        "_db",
        "__weakref__",
        "__dict__",
    )

    def __init__(
        self,
        data: float,
        _children: tuple | list | set | frozenset | str = (),
        _op: str = "",
        label: str = "",
    ) -> None:
        """``Value(2.0, "a")`` or ``Value(2.0, label="a")``: a leaf. micrograd's form
        ``Value(t, (x,), "tanh")`` (a tuple, list or set of one or two Values as the second
        argument) makes a node of your own whose ``_backward`` you assign (see ``_backward``)."""
        self.data = _real(data)
        if isinstance(_children, str):  # Value(2.0, "a"): the second argument is the label
            if label or _op:
                raise TypeError(
                    f"Value() takes a label once: got {_children!r} as the second argument "
                    f"and also _op={_op!r} / label={label!r}; micrograd's form is "
                    f"Value(data, (children,), op, label=...)"
                )
            label, _children = _children, ()
        if not isinstance(label, str):
            raise TypeError(f"Value() label must be a str, got {type(label).__name__} {label!r}")
        self.grad = 0.0
        self.grad_graph = None
        self.label = label
        self._fn = ops.LEAF
        self._const = None
        self._a = self._b = None
        if _children != ():
            custom.make_custom(self, _children, _op)

    @property
    def op(self) -> str:
        """The operation that made this node ("+", "tanh", ...), "" for a leaf."""
        return self._fn.name

    @property
    def operation(self) -> ops.Op:
        """The ``autograd.ops.Op`` that made this node: its name, derivative rule and how diagrams
        write it (``ops.LEAF`` for a leaf)."""
        return self._fn

    @property
    def constant(self) -> float | None:
        """The number that entered this node's operation (the 2 of ``x * 2``, the exponent of
        ``x ** 3``, a ``leaky_relu`` slope), or None."""
        return self._const

    @property
    def edges(self) -> tuple[tuple[Value, float], ...]:
        """(parent, d(self)/d(parent)) for each parent, in operand order (empty for a leaf)."""
        return edges(self)

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values this one was computed from, in operand order (empty for a leaf)."""
        return tuple(p for p, _ in edges(self))

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d(self)/d(parent) for each parent, in the order of ``parents``."""
        return tuple(d for _, d in edges(self))

    def __repr__(self) -> str:
        name = f"label={self.label!r}, " if self.label else ""
        return f"Value({name}data={self.data!r}, grad={self.grad!r})"

    # --- arithmetic ------------------------------------------------------------------------------
    def __add__(self, other: Value | float) -> Value:
        if isinstance(other, Value):
            return _make2(ops.ADD.forward(self.data, other.data), ops.ADD, self, other)
        c = other if type(other) is float else _constant(other)
        if c is None:
            raise _bad_operand("+", other)
        return _make1(ops.ADD_CONST.forward(self.data, c), ops.ADD_CONST, self, c)

    __radd__ = __add__

    def __sub__(self, other: Value | float) -> Value:
        if isinstance(other, Value):
            return _make2(ops.SUB.forward(self.data, other.data), ops.SUB, self, other)
        c = other if type(other) is float else _constant(other)
        if c is None:
            raise _bad_operand("-", other)
        return _make1(ops.SUB_CONST.forward(self.data, c), ops.SUB_CONST, self, c)

    def __rsub__(self, other: float) -> Value:
        c = other if type(other) is float else _constant(other)
        if c is None:
            raise _bad_operand("-", other)
        return _make1(ops.RSUB_CONST.forward(self.data, c), ops.RSUB_CONST, self, c)

    def __mul__(self, other: Value | float) -> Value:
        if isinstance(other, Value):
            return _make2(ops.MUL.forward(self.data, other.data), ops.MUL, self, other)
        c = other if type(other) is float else _constant(other)
        if c is None:
            raise _bad_operand("*", other)
        return _make1(ops.MUL_CONST.forward(self.data, c), ops.MUL_CONST, self, c)

    __rmul__ = __mul__

    def __truediv__(self, other: Value | float) -> Value:
        if isinstance(other, Value):
            return _make2(ops.DIV.forward(self.data, other.data), ops.DIV, self, other)
        c = other if type(other) is float else _constant(other)
        if c is None:
            raise _bad_operand("/", other)
        return _make1(ops.DIV_CONST.forward(self.data, c), ops.DIV_CONST, self, c)

    def __rtruediv__(self, other: float) -> Value:
        c = other if type(other) is float else _constant(other)
        if c is None:
            raise _bad_operand("/", other)
        return _make1(ops.RDIV_CONST.forward(self.data, c), ops.RDIV_CONST, self, c)

    def __pow__(self, other: Value | float) -> Value:
        if isinstance(other, Value):
            return _make2(ops.POW.forward(self.data, other.data), ops.POW, self, other)
        c = other if type(other) is float else _constant(other)
        if c is None:
            raise _bad_operand("**", other)
        return _make1(ops.POW_CONST.forward(self.data, c), ops.POW_CONST, self, c)

    def __rpow__(self, other: float) -> Value:
        c = other if type(other) is float else _constant(other)
        if c is None:
            raise _bad_operand("**", other)
        return _make1(ops.RPOW_CONST.forward(self.data, c), ops.RPOW_CONST, self, c)

    def __neg__(self) -> Value:
        return _apply(self, ops.NEG)

    def __abs__(self) -> Value:
        return _apply(self, ops.ABS)

    # --- functions ---------------------------------------------------------------------------
    def abs(self) -> Value:
        """|x|; derivative sign(x) (0 at 0)."""
        return _apply(self, ops.ABS)

    def exp(self) -> Value:
        """e^x (inf on overflow); exp' = exp."""
        return _apply(self, ops.EXP)

    def log(self) -> Value:
        """Natural log (log 0 = -inf, log of a negative = nan); log'(x) = 1/x."""
        return _apply(self, ops.LOG)

    def sqrt(self) -> Value:
        """Square root (nan for negatives); sqrt'(x) = 1 / (2 sqrt x)."""
        return _apply(self, ops.SQRT)

    def tanh(self) -> Value:
        """Hyperbolic tangent; tanh' = 1 - tanh^2."""
        return _apply(self, ops.TANH)

    def sigmoid(self) -> Value:
        """g(x) = 1 / (1 + e^-x), never overflowing; g' = g (1 - g)."""
        return _apply(self, ops.SIGMOID)

    def relu(self) -> Value:
        """max(x, 0); relu'(x) = 1 for x > 0, else 0 (so relu'(0) = 0)."""
        return _apply(self, ops.RELU)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """x for x > 0, slope·x otherwise; derivative 1 or slope."""
        return _apply(self, ops.LEAKY_RELU, _parameter("slope", slope))

    def elu(self, alpha: float = 1.0) -> Value:
        """x for x > 0, alpha (e^x - 1) otherwise; derivative 1, or g(x) + alpha for x <= 0."""
        return _apply(self, ops.ELU, _parameter("alpha", alpha))

    def softplus(self) -> Value:
        """log(1 + e^x), never overflowing; softplus' = sigmoid."""
        return _apply(self, ops.SOFTPLUS)

    def gaussian(self) -> Value:
        """g(x) = e^(-x^2); g'(x) = -2 x g(x)."""
        return _apply(self, ops.GAUSSIAN)

    def step(self) -> Value:
        """Heaviside: 1 for x >= 0, else 0; derivative 0."""
        return _apply(self, ops.STEP)

    def sin(self) -> Value:
        """Sine; sin' = cos."""
        return _apply(self, ops.SIN)

    def cos(self) -> Value:
        """Cosine; cos' = -sin."""
        return _apply(self, ops.COS)

    def tan(self) -> Value:
        """Tangent; tan' = 1 + tan^2."""
        return _apply(self, ops.TAN)

    # --- history -----------------------------------------------------------------------------
    def detach(self) -> Value:
        """A new leaf with the same data and label, and no history."""
        if TAPE.on:
            return TAPE.detached(self)
        return Value(self.data, label=self.label)

    def backward(
        self, grad: float = 1.0, create_graph: bool = False, retain_graph: bool | None = None
    ) -> None:
        """Back-propagate: set ``node.grad = d(self)/d(node)`` (times ``grad``) for every node
        this Value depends on, by the chain rule in reverse topological order.

        Leaves accumulate (``+=``) across calls, as in PyTorch; interior nodes are overwritten.
        With ``create_graph=True`` the local derivatives are themselves built as Values, and each
        node's ``grad_graph`` holds its gradient as a differentiable Value (for second derivatives;
        leaves accumulate it too). Those gradient graphs refer back to the nodes they were computed
        from, so they form reference cycles, freed by Python's cyclic garbage collector (as in
        PyTorch). ``retain_graph`` is accepted for PyTorch's code: the graph is always kept, so
        ``backward`` can run again.
        """
        if retain_graph is not None and not isinstance(retain_graph, bool):
            raise TypeError(f"retain_graph must be True, False or None, got {retain_graph!r}")
        chain.backward(self, _seed(grad), create_graph)


_new = object.__new__


def _make1(data: float, op: ops.Op, x: Value, const: float | None = None) -> Value:
    """The node ``op(x)`` with value ``data``: the hot path of every one-parent operation."""
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.grad_graph = None
    v.label = ""
    v._fn = op
    v._const = const
    v._b = None
    if not STATE.switched:
        v._a = x
        v._da = op.rule(fm, x.data, None, data, const)
    else:
        make_under_switches(v, (x,))
    return v


def _make2(data: float, op: ops.Op, a: Value, b: Value) -> Value:
    """The node ``a op b`` with value ``data``: the hot path of every two-parent operation."""
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.grad_graph = None
    v.label = ""
    v._fn = op
    v._const = None
    if not STATE.switched:
        v._a = a
        v._b = b
        v._da, v._db = op.rule(fm, a.data, b.data, data, None)
    else:
        make_under_switches(v, (a, b))
    return v


def _apply(x: Value, op: ops.Op, const: float | None = None) -> Value:
    d = x.data
    out = op.forward(d) if const is None else op.forward(d, const)
    return _make1(out, op, x, const)


def _real(data: object) -> float:
    if type(data) is float:
        return data
    if isinstance(data, Value):
        raise TypeError(
            "Value() takes a number, got a Value; to make a new leaf with the same data and no "
            "history, use .detach()"
        )
    c = _constant(data)
    if c is None:
        raise TypeError(
            f"Value() takes a real number (int, float, or a NumPy real scalar), "
            f"got {type(data).__name__} {data!r}"
        )
    return c


def _constant(x: object) -> float | None:
    """x as a float if it is a real number (and not a Value), else None."""
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, Value):
        try:
            return float(x)
        except OverflowError:
            digits = round(int(x).bit_length() * math.log10(2)) + 1  # type: ignore[call-overload]
            raise OverflowError(
                f"a Value takes a real number that fits a float (at most about 1.8e308), "
                f"got an integer of about {digits} digits"
            ) from None
    return None


def as_value(x: Value | float) -> Value:
    """x itself if it is a Value, else a new constant leaf holding it."""
    return x if isinstance(x, Value) else Value(x)
