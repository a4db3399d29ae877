"""The tape a trace records: the example's graph as rows of instructions over numbered slots,
with the guards (decisions taken on traced numbers) and the nodes whose gradient stops."""

from __future__ import annotations

import operator
from collections import deque
from dataclasses import dataclass
from itertools import repeat
from typing import TYPE_CHECKING, Any

import numpy as np

from . import ops
from .chain import topological_order
from .custom import is_custom, refusal
from .recorder import Guard

if TYPE_CHECKING:  # the Value's module imports the engine's: read at run time where needed
    from .value import Value


@dataclass
class Tape:
    """Slots ``0 .. first - 1`` hold the leaves (used inputs, parameters, constants); instruction
    ``k`` computes slot ``first + k`` from the slots ``a[k]`` and ``b[k]`` (-1: one parent) with
    the operation ``op_table[op_index[k]]`` and constant ``const_table[const[k]]`` (-1: none)."""

    shapes: tuple  # per argument: None for a number, k for a sequence of k
    inputs: np.ndarray  # the slot of each input number in argument order (-1: unused)
    params: list[tuple[int, Any]]  # (slot, parameter Value), in the order given to trace
    constants: list[tuple[int, float]]  # (slot, number) for the other leaves
    op_index: np.ndarray
    a: np.ndarray
    b: np.ndarray
    const: np.ndarray
    op_table: list[ops.Op]
    const_table: np.ndarray
    outputs: list[int]  # the slots of the function's outputs
    stops: frozenset[int]  # slots whose gradient stops (made under no_grad, or detach())
    guards: list[tuple[Guard, int, int, Any]]  # (guard, slot of a, slot of b or -1, number b)

    @property
    def first(self) -> int:
        return int((self.inputs >= 0).sum()) + len(self.params) + len(self.constants)

    @property
    def slots(self) -> int:
        return self.first + len(self.a)

    def row(self, k: int) -> tuple[ops.Op, int, int, float | None]:
        c = int(self.const[k])
        return (self.op_table[int(self.op_index[k])], int(self.a[k]), int(self.b[k]),
                None if c < 0 else float(self.const_table[c]))  # fmt: skip


def record(
    outs: list, leaves: list, params: list, shapes: tuple, guards: list[Guard], stopped: list
) -> Tape:
    """The tape of the graph that made ``outs`` (and the guards' operands) from ``leaves``."""
    from .value import Value

    roots = list(outs) + [g.a for g in guards] + [g.b for g in guards if isinstance(g.b, Value)]
    order = _topological_order(roots)
    graph_leaves: list[Value] = []
    interior: list[Value] = []
    for v in order:
        (graph_leaves if v._a is None else interior).append(v)
    slot = {v: i for i, v in enumerate(graph_leaves + interior)}  # Values hash by identity
    param_ids = {id(p): i for i, p in enumerate(params)}
    inputs = np.array([slot.get(v, -1) for v in leaves], dtype=np.int32)
    input_slots = set(inputs.tolist())
    found_params, constants = [], []
    for v in graph_leaves:
        if id(v) in param_ids:
            found_params.append((slot[v], v))
        elif slot[v] not in input_slots:
            constants.append((slot[v], v.data))
    found_params.sort(key=lambda sp: param_ids[id(sp[1])])  # in the order given to trace
    fns = [v._fn for v in interior]
    op_table: list[ops.Op] = list({id(fn): fn for fn in fns}.values())
    for fn in op_table:
        if fn not in _REPLAYABLE:
            v = interior[fns.index(fn)]
            if is_custom(v):
                raise refusal(v, "trace")
            raise TypeError(
                f"trace cannot replay the operation {fn.name!r}: it was made by "
                f"Value.from_op, whose local derivatives are numbers for one sample"
            )
    number = {id(op): i for i, op in enumerate(op_table)}
    made = [v._const for v in interior]
    consts = [c for c in made if c is not None]
    const_index = np.full(len(made), -1, dtype=np.int32)
    if consts:
        const_index[[k for k, c in enumerate(made) if c is not None]] = np.arange(len(consts))
    get: Any = slot.get  # a leaf's None second parent gives -1
    table = np.array(
        [[number[id(fn)] for fn in fns], [get(v._a) for v in interior],
         [get(v._b, -1) for v in interior]], dtype=np.int64,
    ).reshape(3, -1)  # fmt: skip
    guard_rows = [
        (g, slot[g.a], slot[g.b] if isinstance(g.b, Value) else -1,
         None if isinstance(g.b, Value) or g.b is None else float(g.b))
        for g in guards
    ]  # fmt: skip
    return Tape(
        shapes=shapes,
        inputs=inputs,
        params=found_params,
        constants=constants,
        op_index=table[0].astype(np.uint8),
        a=table[1].astype(np.int32),
        b=table[2].astype(np.int32),
        const=const_index,
        op_table=op_table,
        const_table=np.array(consts, dtype=float),
        outputs=[slot[o] for o in outs],
        stops=frozenset(slot[v] for v in stopped if v in slot),
        guards=guard_rows,
    )


def _topological_order(roots: list) -> list:
    """Every node the roots depend on, parents before children, each once: the walk of
    ``chain.topological_order`` (first parents, then second ones, without recursion), from
    each root in turn over the nodes not yet visited."""
    if len(roots) == 1:
        return topological_order(roots[0])
    order: list = []
    visited: set = set()
    stack: list = []
    push, pop, emit, seen = stack.append, stack.pop, order.append, visited.add
    for node in roots:
        if node in visited:
            continue
        seen(node)
        while True:
            p = node._a
            while p is not None and p not in visited:
                seen(p)
                push(node)
                node = p
                p = node._a
            p = node._b
            if p is not None and p not in visited:
                seen(p)
                push(node)
                node = p
                continue
            emit(node)
            if not stack:
                break
            node = pop()
    return order


_REPLAYABLE = {op for op in vars(ops).values() if isinstance(op, ops.Op)}


def signature(t: Tape) -> tuple:
    """What makes two tapes the same (``Traced.signature``)."""
    ops_named = tuple(t.op_table[int(i)].name for i in t.op_index)
    consts = tuple(float(t.const_table[c]) if c >= 0 else None for c in t.const.tolist())
    guards = tuple((g.kind, a, b, c, g.outcome if g.kind != "read" else None)
                   for g, a, b, c in t.guards)  # fmt: skip
    return (ops_named, t.a.tolist(), t.b.tolist(), consts, t.shapes, t.inputs.tolist(),
            tuple((s, id(p)) for s, p in t.params), tuple(t.constants), tuple(t.outputs),
            tuple(sorted(t.stops)), guards)  # fmt: skip


def listing(t: Tape) -> str:
    """The tape as text, one slot a line, then its guards (``print(traced)``)."""
    names = {int(s): f"x{i}" for i, s in enumerate(t.inputs) if s >= 0}
    names.update({s: p.label or f"p{i}" for i, (s, p) in enumerate(t.params)})
    lines = [f"Traced: {len(t.a)} operations on {len(t.inputs)} inputs and "
             f"{len(t.params)} parameters"]  # fmt: skip
    lines += [f"  t{s} = {names[s]}" for s in sorted(names)]
    lines += [f"  t{s} = {c:g}" for s, c in t.constants]
    for k in range(len(t.a)):
        op, a, b, c = t.row(k)
        args = {"x": f"t{a}", "a": f"t{a}", "b": f"t{b}"}
        if c is not None:
            args["c"] = f"{c:g}"
        stop = "  (gradient stopped)" if t.first + k in t.stops else ""
        lines.append(f"  t{t.first + k} = {op.template.format(**args)}{stop}")
    for g, a, b, c in t.guards:
        if g.kind == "read":
            test = f"t{a} == {g.outcome!r}"
        else:
            test = f"(t{a} {g.kind} {f't{b}' if b >= 0 else f'{c:g}'}) is {g.outcome}"
        lines.append(f"  guard {test}: {g.describe()}")
    return "\n".join(lines)


def batch_arrays(batch: tuple, shapes: tuple) -> tuple[list[np.ndarray], int]:
    """A replay's arguments as float arrays, checked against the tape's ``shapes``: (arrays,
    number of samples)."""
    if len(batch) != len(shapes):
        raise TypeError(f"the traced function takes {len(shapes)} argument(s), got {len(batch)}")
    arrays: list[np.ndarray] = []
    n = None
    for i, (arg, shape) in enumerate(zip(batch, shapes, strict=True)):
        array = np.asarray(arg, dtype=float)
        want = 1 if shape is None else 2
        if array.ndim != want or (shape is not None and array.shape[1] != shape):
            expected = "(n,)" if shape is None else f"(n, {shape})"
            raise ValueError(
                f"argument {i} must have shape {expected} (one row per sample), got {array.shape}"
            )
        if n is not None and len(array) != n:
            raise ValueError(f"argument {i} has {len(array)} samples, argument 0 has {n}")
        n = len(array)
        arrays.append(array)
    return arrays, 1 if n is None else n


_GRAD = operator.attrgetter("grad")


def add_grads(params: list[Value], totals: np.ndarray) -> None:
    """``p.grad += total`` for each parameter, in C loops (``map``) rather than a Python loop:
    on MLP(64, [32, 10])'s 2,410 parameters the loop took longer than the replay itself."""
    grads = np.fromiter(map(_GRAD, params), float, len(params)) + totals
    deque(map(setattr, params, repeat("grad"), grads.tolist()), maxlen=0)
