"""A functional API in the style of JAX and HIPS autograd: grad, value_and_grad, hessian.

``grad(f)`` is a new function that returns the derivative of ``f``. It nests: ``grad(grad(f))`` is
the second derivative. Each call gives the differentiated arguments fresh nodes of their own, so
nested derivatives never confuse their variables: with g(x) = x * grad(lambda y: x * y)(x), the
inner derivative is x, so g(x) = x² and g'(3) = 6.

Numbers in give floats out. Values in (as when a ``grad`` is nested in another) give
differentiable Values out.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .chain import reverse_sweep, topological_order
from .ops import IDENTITY
from .paths import descendants_in
from .switches import enable_grad
from .value import Value, _apply, _constant, as_value
from .valuemath import differentiable_edges

ArgNum = int | Sequence[int]


def grad(
    f: Callable[..., Value], argnum: ArgNum = 0, *, argnums: ArgNum | None = None
) -> Callable[..., float | tuple]:
    """The function computing d f / d(argument ``argnum``) (a tuple of them for a tuple argnum;
    ``argnums=`` is the same, as JAX spells it).

    >>> grad(lambda x: x ** 3)(2.0)
    12.0
    """
    value_and_grad_f = value_and_grad(f, argnum, argnums=argnums)

    @functools.wraps(f)
    def grad_f(*args: Any) -> Any:
        return value_and_grad_f(*args)[1]

    return grad_f


def value_and_grad(
    f: Callable[..., Value], argnum: ArgNum = 0, *, argnums: ArgNum | None = None
) -> Callable[..., tuple]:
    """The function computing ``(f(*args), d f / d args[argnum])`` in one evaluation of f
    (``argnums=`` as JAX spells it)."""
    if argnums is not None:
        if argnum != 0:
            raise TypeError("give argnum or argnums (JAX's spelling), not both")
        argnum = argnums
    single, argnums = _argnums(f, argnum)

    @functools.wraps(f)
    @enable_grad()  # as torch.func.grad: differentiates inside an outer no_grad too
    def value_and_grad_f(*args: Any) -> Any:
        inputs, nested, out = _evaluate(f, args, argnums)
        grads = _gradients(out, inputs, nested)
        value = out if nested or not isinstance(out, Value) else out.data
        return value, (grads[0] if single else tuple(grads))

    return value_and_grad_f


def hessian(f: Callable[..., Value]) -> Callable[..., np.ndarray]:
    """The function computing the matrix of second derivatives of f in all its arguments,
    H[i, j] = d²f / (d x_i d x_j), as an n×n NumPy array (of floats for number arguments)."""
    if not callable(f):
        raise TypeError(f"hessian() takes a function, got {type(f).__name__}")

    @functools.wraps(f)
    @enable_grad()
    def hessian_f(*args: Any) -> Any:
        argnums = tuple(range(len(args)))
        inputs, nested, out = _evaluate(f, args, argnums)
        first = _gradients(out, inputs, create_graph=True)
        rows = [_gradients(as_value(g), inputs, nested) for g in first]
        return np.array(rows, dtype=object if nested else float).reshape(len(args), len(args))

    return hessian_f


def _argnums(f: object, argnum: object) -> tuple[bool, tuple[int, ...]]:
    if not callable(f):
        raise TypeError(f"expected a function to differentiate, got {type(f).__name__}")
    if isinstance(argnum, int) and not isinstance(argnum, bool):
        return True, (argnum,)
    if (
        isinstance(argnum, (tuple, list))
        and argnum
        and all(isinstance(i, int) and not isinstance(i, bool) for i in argnum)
    ):
        return False, tuple(argnum)
    raise TypeError(f"argnum must be an int or a non-empty tuple of ints, got {argnum!r}")


def _evaluate(f: Callable, args: tuple, argnums: tuple[int, ...]) -> tuple[list, bool, object]:
    """Call f with fresh nodes for the differentiated arguments."""
    values = list(args)
    inputs = []
    # Any Value argument (not only a differentiated one) means an outer grad differentiates
    # this result again: then the derivatives are returned as Values.
    nested = any(isinstance(a, Value) for a in values)
    for i in argnums:
        if not -len(values) <= i < len(values):
            raise IndexError(
                f"argnum {i} is out of range: the function was called with {len(values)} "
                f"argument(s)"
            )
        a = values[i]
        if isinstance(a, Value):
            fresh = _apply(a, IDENTITY)  # its own variable, still differentiable through a
        else:
            c = _constant(a)
            if c is None:
                raise TypeError(
                    f"argument {i} must be a real number or a Value to differentiate, "
                    f"got {type(a).__name__} {a!r}"
                )
            fresh = Value(c)
        values[i] = fresh
        inputs.append(fresh)
    out = f(*values)
    if not isinstance(out, Value) and _constant(out) is None:
        raise TypeError(
            f"the function must return a Value (or a number), got {type(out).__name__}; "
            f"grad differentiates scalar functions"
        )
    return inputs, nested, out


def _gradients(out: object, inputs: list[Value], create_graph: bool) -> list:
    """d out / d input for each input, as floats, or as differentiable Values."""
    if not isinstance(out, Value):  # f did not use its arguments: a constant
        return [as_value(0.0) if create_graph else 0.0 for _ in inputs]
    order = descendants_in(topological_order(out), inputs)
    adjoints = reverse_sweep(order, {out: 1.0}, differentiable_edges if create_graph else None)
    if create_graph:
        return [as_value(adjoints.get(x, 0.0)) for x in inputs]
    return [float(adjoints.get(x, 0.0)) for x in inputs]
