"""The Value node: a scalar, the operations that made it, and the local derivative on each edge."""

from __future__ import annotations

import copy
import math
import numbers
import operator
from collections.abc import Callable
from typing import Any

from . import custom, ops
from . import floatmath as fm
from .graph import edges, reverse_sweep, topological_order
from .recorder import TAPE  # what a trace hears: guards and stopped gradients (recorder.py)
from .switches import STATE, is_anomaly_enabled, is_grad_enabled, user_site


class Value:
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
        "data", "grad", "grad_graph", "label", "_fn", "_const", "_a", "_da", "_b", "_db",
        "__weakref__", "__dict__",
    )  # fmt: skip

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

    # --- the habits of PyTorch and micrograd users ------------------------------------------
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

    @property
    def _prev(self) -> set[Value]:
        """micrograd's name: the set of parents (``parents`` keeps their order and repeats)."""
        return set(self.parents)

    @property
    def _op(self) -> str:
        """micrograd's name: the operation's text, "" for a leaf (the same as ``op``)."""
        return self._fn.name

    @property
    def _backward(self) -> Callable[[], None]:
        """This node's own step of the chain rule, as micrograd calls it: ``v._backward()`` adds
        ``d(v)/d(parent) * v.grad`` to each parent's ``.grad``. After ``root.grad = 1.0``,
        calling it on every node in reverse topological order gives ``backward()``'s numbers
        (on fresh gradients).

        Assigning a function of your own, micrograd's way, makes this a *custom* node::

            out = Value(t, (x,), "tanh")
            def _backward():
                x.grad += (1 - t**2) * out.grad
            out._backward = _backward

        ``backward()`` and ``grad()`` then run your function for this node (its local
        derivatives are not known as numbers: diagrams write "custom backward" on its edges;
        path sums, forward mode, traces and ``create_graph`` refuse it, naming it).
        """
        return custom.step_of(self)

    @_backward.setter
    def _backward(self, fn: Callable[[], None]) -> None:
        custom.assign(self, fn)

    @property
    def is_custom(self) -> bool:
        """Whether this node's backward step is a function of the user's (see ``_backward``)."""
        return type(self._fn) is custom.CustomOp

    @classmethod
    def from_op(
        cls,
        data: float,
        parents: tuple[Value, ...] | list[Value],
        local_grads: tuple[float, ...] | list[float],
        op: str = "custom",
    ) -> Value:
        """A node made by an operation of your own: its value, its one or two parents and the
        local derivative d(node)/d(parent) for each, which ``backward`` multiplies in.

        >>> import math
        >>> x = Value(0.5, "x")
        >>> t = math.tanh(x.data)
        >>> y = Value.from_op(t, [x], [1 - t * t], op="tanh")
        >>> y.backward()
        >>> round(x.grad, 6)
        0.786448

        Its local derivatives are numbers, so ``backward(create_graph=True)`` cannot
        differentiate through it a second time (build it from the engine's operations for that).
        """
        parents, local_grads = tuple(parents), tuple(local_grads)
        if not 1 <= len(parents) <= 2 or not all(isinstance(p, Value) for p in parents):
            raise TypeError(
                f"from_op takes one or two parent Values (combine more with the engine's "
                f"operations), got {parents!r}"
            )
        if len(local_grads) != len(parents):
            raise ValueError(
                f"from_op needs one local derivative per parent: {len(parents)} parent(s), "
                f"{len(local_grads)} derivative(s)"
            )
        if not isinstance(op, str) or not op:
            raise TypeError(f"op must be a non-empty str naming the operation, got {op!r}")
        grads = [_parameter("a local derivative", d) for d in local_grads]
        args = "{x}" if len(parents) == 1 else "{a}, {b}"
        v = _new(Value)
        v.data, v.grad, v.grad_graph, v.label = _real(data), 0.0, None, ""
        v._fn, v._const, v._a, v._b = (
            ops.Op(op, None, None, template=f"{_literal(op)}({args})"),
            None,
            None,
            None,
        )
        if is_grad_enabled():
            _set_edges(v, tuple(zip(parents, grads, strict=True)))
        return v

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """NumPy's arithmetic with a Value gives a Value (``np.float64(3) * x``); NumPy's
        functions of a Value are refused with the method to use (``np.sin(x)``: ``x.sin()``)."""
        operator_name = _UFUNC_OPERATORS.get(ufunc.__name__)
        if method == "__call__" and operator_name and len(inputs) == 2 and not kwargs:
            a, b = inputs
            if isinstance(a, Value):
                return getattr(a, f"__{operator_name}__")(b)
            return getattr(b, f"__r{operator_name}__")(a)
        raise _not_a_method(f"numpy.{ufunc.__name__}", ufunc.__name__)

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

    # --- copies ------------------------------------------------------------------------------
    def __deepcopy__(self, memo: dict) -> Value:
        """A copy of this Value and of the graph it was computed from, made without recursion
        (a graph of any depth), sharing nothing with the original but the operations."""
        if id(self) in memo:
            return memo[id(self)]
        for node in topological_order(self):
            if id(node) in memo:
                continue
            twin = _new(Value)
            twin.data, twin.grad, twin.label = node.data, node.grad, node.label
            twin._fn, twin._const = node._fn, node._const
            twin._a = None if node._a is None else memo[id(node._a)]
            twin._b = None if node._b is None else memo[id(node._b)]
            if node._a is not None:
                twin._da = node._da
            if node._b is not None:
                twin._db = node._db
            if node.__dict__:  # the user's own attributes (a custom _backward stays the same)
                twin.__dict__.update(copy.deepcopy(node.__dict__, memo))
            memo[id(node)] = twin
            twin.grad_graph = None  # set below, once every node of this graph has its twin
        for node in topological_order(self):
            if node.grad_graph is not None:
                memo[id(node)].grad_graph = copy.deepcopy(node.grad_graph, memo)
        return memo[id(self)]

    def __copy__(self) -> Value:
        """A new node with the same data, label, gradient and parents."""
        twin = _new(Value)
        for slot in Value.__slots__[:-2]:
            if hasattr(self, slot):
                setattr(twin, slot, getattr(self, slot))
        twin.__dict__.update(self.__dict__)
        return twin

    def __reduce_ex__(self, protocol: object):
        if self._a is not None:
            raise TypeError(
                "a Value made by an operation cannot be pickled (its graph refers to the "
                "engine's operations); save a model's parameters with state_dict() or "
                "Module.save, or pickle v.detach() (a leaf with the same data)"
            )
        if self.__dict__:  # the user's own attributes travel as the pickle's state
            return (_leaf, (self.data, self.label, self.grad), dict(self.__dict__))
        return (_leaf, (self.data, self.label, self.grad))

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
        seed = _seed(grad)
        order = topological_order(self)
        if custom.MADE and (own := custom.first_in(order)) is not None:
            if create_graph:
                raise custom.refusal(own, "backward(create_graph=True)")
            custom.backward_in_place(self, order, seed)
            return
        if create_graph or (STATE.switched and is_anomaly_enabled()):
            edges_of = value_edges if create_graph else None
            _store_adjoints(reverse_sweep(order, {self: seed}, edges_of), create_graph)
            return
        # The hot path: the same chain rule as reverse_sweep, accumulated on the nodes themselves
        # rather than in a dict: half the time of reverse_sweep on a 100k-node chain (0.50,
        # sort included; ``python benchmarks/tricks.py``). tests/autograd/test_sweeps_agree.py
        # checks that both, the anomaly path and create_graph give the same gradients.
        # A zero factor contributes nothing, even times an infinite or NaN one (PyTorch's
        # convention at a dead relu; see ``autograd.graph.contributes``).
        for node in order:
            if node._a is not None:
                node.grad = 0.0
        self.grad += seed
        for node in reversed(order):
            a = node._a
            g = node.grad
            if a is not None and g:
                d = node._da
                if d:
                    a.grad += d * g
                b = node._b
                if b is not None:
                    d = node._db
                    if d:
                        b.grad += d * g


# The functions of one Value, as methods: what the gradviz parser and error messages list.
FUNCTIONS = tuple(op.name for op in ops.FUNCTIONS)
_UFUNC_OPERATORS = {
    "add": "add", "subtract": "sub", "multiply": "mul", "true_divide": "truediv",
    "divide": "truediv", "power": "pow",
}  # fmt: skip
_METHOD_OF = {"absolute": "abs", "fabs": "abs", "negative": "__neg__"}


def _not_a_method(what: str, name: str) -> TypeError:
    method = _METHOD_OF.get(name, name)
    if callable(getattr(Value, method, None)) and not method.startswith("_"):
        hint = f"use the method, x.{method}(), which records the operation"
    else:
        hint = f"Values have these functions as methods: {', '.join(FUNCTIONS)}"
    return TypeError(f"{what} does not work on a Value; {hint}")


def _compared(other: object) -> float:
    if isinstance(other, Value):
        return other.data
    c = _constant(other)
    if c is None:
        raise TypeError(
            f"a Value compares with Values and real numbers, not {type(other).__name__}"
        )
    return c


def _leaf(data: float, label: str, grad: float) -> Value:
    """A leaf as copied or unpickled (its own attributes, if any, are restored by pickle)."""
    v = Value(data, label=label)
    v.grad = grad
    return v


def _store_adjoints(adjoints: dict, as_graph: bool = False) -> None:
    """Write a reverse sweep's adjoints into ``.grad``, and into ``.grad_graph`` as Values when
    ``as_graph`` (a constant gradient becomes a leaf Value) or when they are Values already."""
    for node, g in adjoints.items():
        interior = node._a is not None
        if as_graph or isinstance(g, Value) or node.grad_graph is not None:
            g_value = as_value(g)
            if interior or node.grad_graph is None:
                node.grad_graph = g_value
            else:
                node.grad_graph = node.grad_graph + g_value
            g = g_value.data
        node.grad = g if interior else node.grad + g


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
        _make_under_switches(v, (x,))
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
        _make_under_switches(v, (a, b))
    return v


def _make_under_switches(v: Value, parents: tuple) -> None:
    """The slow path of node creation: inside ``no_grad`` and/or ``detect_anomaly``."""
    v._a = v._b = None
    if is_grad_enabled() or TAPE.mine():
        _set_edges(v, _edges_of(v, parents, fm))
    else:  # no history: a leaf, whatever made its number
        v._fn, v._const = ops.LEAF, None
    if TAPE.on:
        TAPE.made(v, is_grad_enabled())
    if is_anomaly_enabled():
        site = user_site()
        if not math.isfinite(v.data):
            inputs = ", ".join(repr(p.data) for p in parents)
            const = "" if v._const is None else f" with constant {v._const!r}"
            raise FloatingPointError(
                f"operation {v._fn.name!r} on inputs ({inputs}){const} produced {v.data!r} "
                f"(created at {site[0]}:{site[1]})"
            )
        STATE.sites[v] = site


def _edges_of(v: Value, parents: tuple, m) -> tuple:
    """((parent, d), ...) for node ``v`` from its operation's rule, computed in namespace ``m``."""
    rule = v._fn.rule
    operands: list[Any]
    out: Any
    if m is fm:  # floats: the rule sees the parents' numbers
        operands, out = [p.data for p in parents], v.data
    else:  # Values: the rule sees the parents themselves
        operands, out = list(parents), v
    if len(parents) == 1:
        return ((parents[0], rule(m, operands[0], None, out, v._const)),)
    da, db = rule(m, operands[0], operands[1], out, None)
    return ((parents[0], da), (parents[1], db))


def _set_edges(v: Value, edges: tuple) -> None:
    """Store ((parent, d), ...) in the node's two edge slots."""
    (v._a, v._da), *second = edges
    if second:
        ((v._b, v._db),) = second


def value_edges(v: Value) -> tuple:
    """v's ((parent, d), ...) with each local derivative rebuilt as a differentiable Value."""
    if type(v._fn) is custom.CustomOp:
        raise custom.refusal(v, "differentiating twice (create_graph, nested grad, hessian)")
    return _edges_of(v, v.parents, VALUE_MATH)


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


def _bad_operand(symbol: str, other: object) -> TypeError:
    return TypeError(
        f"unsupported operand for {symbol}: a Value combines with Values, int, float or NumPy "
        f"real scalars, got {type(other).__name__} {other!r}"
    )


def _literal(text: str) -> str:
    """``text`` as literal text inside a ``str.format`` template: a name is never a template."""
    return text.replace("{", "{{").replace("}", "}}")


def _parameter(name: str, x: object) -> float:
    c = _constant(x)
    if c is None or isinstance(x, Value):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__} {x!r}")
    return c


def _seed(grad: object) -> float:
    c = _constant(grad)
    if c is None:
        raise TypeError(
            f"backward(grad=...) takes a real number (the seed d(out)/d(out)), "
            f"got {type(grad).__name__} {grad!r}"
        )
    return c


def as_value(x: Value | float) -> Value:
    """x itself if it is a Value, else a new constant leaf holding it."""
    return x if isinstance(x, Value) else Value(x)


class VALUE_MATH:
    """The Value half of the namespace the derivative rules compute in (see ``autograd.ops``)."""

    @staticmethod
    def data(x: Value | float) -> float:
        return x.data if isinstance(x, Value) else x

    div = staticmethod(operator.truediv)
    pow = staticmethod(operator.pow)
    exp = staticmethod(Value.exp)
    log = staticmethod(Value.log)
    sqrt = staticmethod(Value.sqrt)
    sin = staticmethod(Value.sin)
    cos = staticmethod(Value.cos)
    sigmoid = staticmethod(Value.sigmoid)
    softplus = staticmethod(Value.softplus)

    @staticmethod
    def sign(x: Value | float) -> float:
        return fm.sign(x.data if isinstance(x, Value) else x)

    select = staticmethod(fm.select)  # a branch's derivative is 0: plain floats are right
