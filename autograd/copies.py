"""Copying and pickling a Value: ``copy.copy``, ``copy.deepcopy`` (a graph of any depth, without
recursion) and ``pickle`` (leaves only: a graph refers to the engine's operations)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, cast

from .chain import topological_order

if TYPE_CHECKING:
    from . import ops
    from .value import Value

_new = object.__new__


class Copies:
    """The copy and pickle protocol of ``Value``."""

    __slots__ = ()

    if TYPE_CHECKING:  # the Value attributes these methods read
        data: float
        grad: float
        label: str
        grad_graph: Value | None
        _fn: ops.Op
        _const: float | None
        _a: Value | None
        _b: Value | None
        _da: float
        _db: float
        __dict__: dict[str, Any]

    def __deepcopy__(self, memo: dict) -> Value:
        """A copy of this Value and of the graph it was computed from, made without recursion
        (a graph of any depth), sharing nothing with the original but the operations."""
        from .value import Value

        if id(self) in memo:
            return memo[id(self)]
        for node in topological_order(cast("Value", self)):
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
        for node in topological_order(cast("Value", self)):
            if node.grad_graph is not None:
                memo[id(node)].grad_graph = copy.deepcopy(node.grad_graph, memo)
        return memo[id(self)]

    def __copy__(self) -> Value:
        """A new node with the same data, label, gradient and parents."""
        from .value import Value

        twin = _new(Value)
        for slot in Value.__slots__[:-2]:
            if hasattr(self, slot):
                setattr(twin, slot, getattr(self, slot))
        twin.__dict__.update(self.__dict__)
        return twin

    def __reduce_ex__(self, protocol: object) -> tuple[Any, ...]:
        if self._a is not None:
            raise TypeError(
                "a Value made by an operation cannot be pickled (its graph refers to the "
                "engine's operations); save a model's parameters with state_dict() or "
                "Module.save, or pickle v.detach() (a leaf with the same data)"
            )
        if self.__dict__:  # the user's own attributes travel as the pickle's state
            return (_leaf, (self.data, self.label, self.grad), dict(self.__dict__))
        return (_leaf, (self.data, self.label, self.grad))


def _leaf(data: float, label: str, grad: float) -> Value:
    """A leaf as copied or unpickled (its own attributes, if any, are restored by pickle)."""
    from .value import Value

    v = Value(data, label=label)
    v.grad = grad
    return v
