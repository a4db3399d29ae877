"""Nodes with a backward step of the user's own, written the way micrograd teaches it.

micrograd makes an operation by building ``out = Value(t, (x,), "tanh")`` and assigning a
closure ``out._backward`` that adds ``local derivative * out.grad`` to each child's ``.grad``.
Such a node is *custom*: its local derivatives are not known as numbers, only as that function.
``backward()`` runs the function in place, exactly as micrograd does (``chain.backward_in_place``);
``grad()`` and ``reverse_mode`` observe it (``observed_step``); what needs the derivatives as
numbers or as Values (path sums, forward mode, traces, ``create_graph``) refuses it by name.

Built-in nodes keep their stored local derivatives; their ``_backward()`` is ``chain.builtin_step``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, cast

from . import chain, ops

if TYPE_CHECKING:
    from .value import Value

# Whether any custom node was ever made in this process: until one is, ``backward`` skips looking
# for them (one global read per call instead of a scan of the graph).
MADE = False

_CLOSURE = "_custom_backward"  # where a node keeps the user's function, in its __dict__


class CustomOp(ops.Op):
    """The operation of a node whose backward step is a function of the user's."""

    __slots__ = ()

    def __init__(self, name: str, arity: int) -> None:
        args = "{x}" if arity == 1 else "{a}, {b}"
        super().__init__(name, None, None, template=f"{_literal(name)}({args})")


def _literal(text: str) -> str:
    """``text`` as literal text inside a ``str.format`` template: a name is never a template."""
    return text.replace("{", "{{").replace("}", "}}")


def is_custom(v: Value) -> bool:
    return type(v._fn) is CustomOp


def make_custom(v: Value, children: object, op: object) -> None:
    """Turn the new leaf ``v`` into micrograd's ``Value(data, children, op)``: a node with one or
    two children whose ``_backward`` the user assigns next."""
    from .switches import is_grad_enabled
    from .value import Value

    if not isinstance(children, (tuple, list, set, frozenset)):
        raise TypeError(
            f"Value(data, label) takes a str label, or micrograd's Value(data, children, op) a "
            f"tuple or set of the Values it was computed from; got {type(children).__name__} "
            f"{children!r}"
        )
    parents = tuple(children)
    if not parents:
        return
    if not all(isinstance(p, Value) for p in parents):
        raise TypeError(
            f"Value(data, children, op): every child must be a Value, got "
            f"{', '.join(type(p).__name__ for p in parents)}"
        )
    if len(parents) > 2:
        raise ValueError(
            f"a node of your own takes one or two children (as micrograd's operations do), got "
            f"{len(parents)}; combine more with the engine's operations, e.g. a + b + c"
        )
    if not isinstance(op, str):
        raise TypeError(f"Value(data, children, op): op must be a str, got {op!r}")
    if not is_grad_enabled():  # inside no_grad: no history, a leaf like any other result
        return
    _become_custom(v, parents, op or "custom")


def _become_custom(v: Value, parents: tuple, name: str) -> None:
    global MADE
    MADE = True
    v._fn = CustomOp(name, len(parents))
    v._const = None
    v._a, v._da = parents[0], None  # type: ignore[assignment]
    v._b = None
    if len(parents) == 2:
        v._b, v._db = parents[1], None  # type: ignore[assignment]


def assign(v: Value, fn: object) -> None:
    """``v._backward = fn``: from now on ``fn`` is v's backward step (v becomes custom)."""
    if not callable(fn):
        raise TypeError(
            f"_backward must be a function of no arguments (micrograd's closure), got "
            f"{type(fn).__name__} {fn!r}"
        )
    if not is_custom(v):
        parents = tuple(p for p, _ in chain.edges(v))
        if parents:
            _become_custom(v, parents, v._fn.name)
    v.__dict__[_CLOSURE] = fn


def step_of(v: Value) -> Callable[[], None]:
    """What ``v._backward`` gives: the user's function, or the built-in step."""
    if not is_custom(v):
        return functools.partial(chain.builtin_step, v)
    fn = v.__dict__.get(_CLOSURE)
    if fn is None:
        return functools.partial(_missing, v)
    return fn


def _missing(v: Value) -> None:
    raise TypeError(
        f"the node {_named(v)} was made with children, micrograd's way, but has no "
        f"_backward: assign one (out._backward = a function adding each child's share to its "
        f".grad), or build the node with Value.from_op(data, parents, local_grads)"
    )


def first_in(order: Iterable[Value]) -> Value | None:
    """The first custom node of ``order``, or None (at once when no custom node was ever made)."""
    if not MADE:
        return None
    return next((v for v in order if type(v._fn) is CustomOp), None)


def _named(v: Value) -> str:
    name = f"{v.label!r} " if v.label else ""
    return f"{name}(operation {v._fn.name!r})"


def refusal(v: Value, what: str) -> TypeError:
    """The error for ``what`` (a function's name) meeting the custom node ``v``."""
    return TypeError(
        f"{what} cannot go through the node {_named(v)}: its backward is a function of your "
        f"own (_backward), so its local derivatives are not known as numbers; backward() and "
        f"grad() work with it, or give the derivatives with Value.from_op(data, parents, "
        f"local_grads), or build it from the engine's operations"
    )


def refuse_in(order: Iterable[Value], what: str) -> None:
    """Raise ``refusal`` if ``order`` holds a custom node."""
    v = first_in(order)
    if v is not None:
        raise refusal(v, what)


def observed_step(v: Value, g: float) -> list[tuple[Value, float]]:
    """What the custom node v's ``_backward`` adds to each parent's ``.grad`` when v's gradient
    is g, measured by running it on zeroed gradients (everything is put back afterwards). This
    is how a sweep that keeps its adjoints apart from ``.grad`` (``grad()``) uses the function."""
    if not isinstance(g, float | int):
        raise refusal(v, "differentiating twice (create_graph, nested grad)")
    parents = list(dict.fromkeys(p for p, _ in chain.edges(v)))
    saved = [p.grad for p in parents]
    own = v.grad
    try:
        for p in parents:
            p.grad = 0.0
        v.grad = g
        step_of(v)()
        return [(p, p.grad) for p in parents]
    finally:
        for p, grad in zip(parents, saved, strict=True):
            p.grad = grad
        v.grad = own


class OwnOperations:
    """Methods of ``Value`` for operations of the user's own: micrograd's ``_backward``, ``_prev``
    and ``_op``, and ``Value.from_op`` (local derivatives given as numbers)."""

    __slots__ = ()

    if TYPE_CHECKING:  # the Value attributes these methods read
        _fn: ops.Op

        @property
        def parents(self) -> tuple[Value, ...]: ...

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
        return step_of(cast("Value", self))

    @_backward.setter
    def _backward(self, fn: Callable[[], None]) -> None:
        assign(cast("Value", self), fn)

    @property
    def is_custom(self) -> bool:
        """Whether this node's backward step is a function of the user's (see ``_backward``)."""
        return type(self._fn) is CustomOp

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
        from .creation import set_edges
        from .reals import parameter
        from .switches import is_grad_enabled
        from .value import Value, _real

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
        grads = [parameter("a local derivative", d) for d in local_grads]
        args = "{x}" if len(parents) == 1 else "{a}, {b}"
        v = object.__new__(Value)
        v.data, v.grad, v.grad_graph, v.label = _real(data), 0.0, None, ""
        v._fn, v._const, v._a, v._b = (
            ops.Op(op, None, None, template=f"{_literal(op)}({args})"),
            None,
            None,
            None,
        )
        if is_grad_enabled():
            set_edges(v, tuple(zip(parents, grads, strict=True)))
        return v
