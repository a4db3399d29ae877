"""From a tape to the replay's program: fused sums, layers, and same-operation steps grouped.

1. Every sum of products (a neuron's ``b + w0·x0 + ...``: a tree of ``+`` whose inner sums and
   products are read nowhere else) becomes one step; with parameters for weights and one bias,
   a ``LayerStep`` (a matrix product).
2. The steps are placed by level (a step's level is one more than the highest level among the
   steps it reads from), and the independent steps of one level that do the same thing are
   joined: the weighted sums over the same inputs into one layer, the same operation on many
   rows (a layer's relus) into one array operation.

The backward replay walks the program in reverse: every reader of a slot sits on a higher level,
so a slot's adjoint is complete when its step's turn comes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import ops
from .steps import LayerStep, OpStep, SumStep
from .tape import Tape

_BUILT: dict[tuple, tuple] = {}  # the latest programs, by what their tape holds
KEPT_PROGRAMS = 16


def built(tape: Tape) -> tuple[list, np.ndarray, int]:
    """``build(tape)``, or the program of an earlier tape that holds the same instructions,
    leaves and outputs (the same architecture traced again: another fit, a new model of it),
    as ``jax.jit`` reuses what it compiled for the same program. A program keeps no Value
    and is never changed once built, so tapes share it."""
    key = _key(tape)
    program = _BUILT.pop(key, None)
    if program is None:
        program = build(tape)
        while len(_BUILT) >= KEPT_PROGRAMS:
            del _BUILT[next(iter(_BUILT))]  # the least lately used
    _BUILT[key] = program
    return program


def _key(t: Tape) -> tuple:
    arrays = (t.op_index, t.a, t.b, t.const, t.const_table, t.inputs)
    return (
        tuple((a.dtype.str, a.tobytes()) for a in arrays),
        tuple(id(op) for op in t.op_table),
        tuple(s for s, _ in t.params),
        tuple(s for s, _ in t.constants),
        tuple(t.outputs),
        tuple(sorted(t.stops)),
        tuple((g.kind, a, b, c) for g, a, b, c in t.guards),
        t.shapes,
    )


def build(tape: Tape) -> tuple[list, np.ndarray, int]:
    """The replay's steps for ``tape``, in an order that respects every dependency, renumbered
    to rows of the value array: (steps, the row of each slot (-1: none), the number of rows).

    Only the slots a step, a guard or the caller reads or writes get a row: a product absorbed
    into a sum, and a weight read only by a layer (from the parameters' vector), get none, so
    that a chunk of samples is as wide as the buffer allows."""
    steps = _grouped(_fused(tape), tape.first)
    _mark_differentiated(steps, tape)
    order = list(dict.fromkeys(tape.inputs[tape.inputs >= 0].tolist()))
    order += [s for s, _ in tape.params] + [s for s, _ in tape.constants]
    for step in steps:  # a step's rows side by side: slices of the array, not copies
        order.extend(step.writes())
    used = set(tape.outputs)
    for _, a, b, _ in tape.guards:
        used.update((a, b) if b >= 0 else (a,))
    for step in steps:
        used.update(step.reads())
        used.update(step.writes())
    used.update(tape.inputs[tape.inputs >= 0].tolist())
    used.update(s for s, _ in tape.constants)
    order = [s for s in order if s in used]
    rows = np.full(tape.slots, -1, dtype=np.intp)
    rows[order] = np.arange(len(order))
    for step in steps:
        for name in step.fields:
            value = getattr(step, name)
            if value is not None:
                setattr(step, name, rows_or_slice(rows[value]) if isinstance(value, np.ndarray) else
                        int(rows[value]))  # fmt: skip
        if step.kind == "layer":
            step.place(len(tape.params))
    return steps, rows, len(order)


def _mark_differentiated(steps: list, tape: Tape) -> None:
    """``step.differentiated``: whether the backward replay must run the step, that is whether
    a parameter's gradient can pass through it: it reads something that depends on a parameter
    and the first output depends on what it writes, neither through a stopped gradient (the
    softmax's shift, a target's one-hot row need no backward). ``step.seeded``: the same for
    any output (a backward with seeds differentiates them all)."""
    depends = {s for s, _ in tape.params}
    for step in steps:
        stopped = step.kind == "op" and step.stop
        if step.kind == "layer":
            step.grad_right = any(int(r) in depends for r in step.right)
        reads_params = step.kind == "layer" or getattr(step, "params", None) is not None
        if not stopped and (reads_params or any(r in depends for r in step.reads())):
            depends.update(step.writes())
    for name, outputs in (("differentiated", tape.outputs[:1]), ("seeded", tape.outputs)):
        reaches = set(outputs)  # the first output, or every output (backward with seeds)
        for step in reversed(steps):
            writes = step.writes()
            on = any(w in reaches for w in writes) and any(w in depends for w in writes)
            setattr(step, name, on)
            if on:
                reaches.update(step.reads())


def rows_or_slice(rows: np.ndarray) -> Any:
    """Rows that follow each other as a slice (a view of the array), else the index array."""
    if rows.ndim == 1 and len(rows) and (np.diff(rows) == 1).all():
        return slice(int(rows[0]), int(rows[-1]) + 1)
    return rows


def _fused(tape: Tape) -> list:
    first, n = tape.first, len(tape.a)
    ops_of = [tape.op_table[i] for i in tape.op_index.tolist()]
    a_of, b_of = tape.a.tolist(), tape.b.tolist()
    consts = tape.const_table.tolist()
    c_of = [None if c < 0 else consts[c] for c in tape.const.tolist()]
    two = tape.b >= 0
    uses = np.bincount(tape.a, minlength=tape.slots) + np.bincount(
        tape.b[two], minlength=tape.slots
    )
    for slot in tape.outputs:
        uses[slot] += 2  # read from outside: never absorbed
    for _, a, b, _ in tape.guards:  # read by a guard: never absorbed
        for s in (a, b) if b >= 0 else (a,):
            uses[s] += 2
    # Read by one + only (a slot read once has one consumer, written by the line below).
    add = next((i for i, op in enumerate(tape.op_table) if op is ops.ADD), -1)
    consumed_by_add = np.zeros(tape.slots, dtype=bool)
    is_add = tape.op_index == add
    consumed_by_add[tape.a[is_add]] = True
    consumed_by_add[tape.b[is_add & two]] = True
    once = (uses == 1) & consumed_by_add
    once[:first] = False
    if tape.stops:
        once[list(tape.stops)] = False
    once_list = once.tolist()

    # A term read only by one + (then part of its sum): "+" or "*" by its operation, else "".
    kind = {ops.ADD: "+", ops.MUL: "*"}
    inner = [""] * first + [kind.get(op, "") for op in ops_of]
    for slot in np.flatnonzero(~once).tolist():
        inner[slot] = ""

    position = {s: i for i, (s, _) in enumerate(tape.params)}
    absorbed: set[int] = set()
    steps: list = []  # a step, or the index k of an ordinary operation (made at the end)
    ADD, stops = ops.ADD, tape.stops
    for k in range(n):
        slot = first + k
        if ops_of[k] is ADD and not once_list[slot] and slot not in stops:
            plain, left, right, taken = [], [], [], []
            stack = [a_of[k], b_of[k]]
            while stack:
                term = stack.pop()
                what = inner[term]
                if what == "+":
                    taken.append(term)
                    stack.extend((a_of[term - first], b_of[term - first]))
                elif what == "*":
                    taken.append(term)
                    left.append(a_of[term - first])
                    right.append(b_of[term - first])
                else:
                    plain.append(term)
            if taken:  # else a lone a + b: an ordinary step
                absorbed.update(taken)
                steps.append(_sum(slot, plain, left, right, position))
                continue
        steps.append(k)
    return [
        OpStep(first + s, ops_of[s], a_of[s], None if b_of[s] < 0 else b_of[s], c_of[s],
               first + s in tape.stops) if s.__class__ is int else s
        for s in steps
        if s.__class__ is not int or first + s not in absorbed
    ]  # fmt: skip


def _sum(slot: int, plain: list, left: list, right: list, position: dict) -> Any:
    """A ``LayerStep`` of one row when every product has a parameter on one side and there is
    one plain term (a neuron's bias), else a ``SumStep``. A layer's products are put in the
    order of their weights among the parameters (nn's neurons: their inputs in order), so
    that the neurons of a layer read the same inputs in the same order and are joined."""
    if left and all(r in position for r in right):
        left, right = right, left
    rows = [np.array(x, dtype=np.intp) for x in (plain, left, right)]
    everything = plain + left + right
    unique = len(set(everything)) == len(everything)
    if left and len(plain) == 1 and unique and all(w in position for w in left):
        order = sorted(range(len(left)), key=lambda k: position[left[k]])
        positions = np.array([[position[left[k]] for k in order]], dtype=np.intp)
        inputs = np.array([right[k] for k in order], dtype=np.intp)
        slots = np.array([slot], dtype=np.intp)
        if plain[0] in position:  # the bias is a parameter: read from the parameters' vector
            bias = np.array([position[plain[0]]], dtype=np.intp)
            return LayerStep(slots, None, positions, inputs, bias)
        return LayerStep(slots, rows[0], positions, inputs)
    if left and all(w in position for w in left + right):  # Σ w·w over parameters
        order = sorted(range(len(left)), key=lambda k: position[left[k]])  # a slice, most often
        pairs = tuple(
            np.array([position[x[k]] for k in order], dtype=np.intp) for x in (left, right)
        )
        empty = np.empty(0, dtype=np.intp)
        return SumStep(slot, rows[0], empty, empty, (pairs[0], pairs[1]))
    return SumStep(slot, rows[0], rows[1], rows[2])


def _grouped(steps: list, first: int) -> list:
    level: dict[int, int] = {}
    by_level: dict[int, list] = {}
    for step in steps:
        lv = 1 + max((level.get(s, 0) for s in step.reads()), default=0)
        for s in step.writes():
            level[s] = lv
        by_level.setdefault(lv, []).append(step)
    program: list = []
    for lv in sorted(by_level):
        program.extend(_join(by_level[lv]))
    return program


def _join(steps: list) -> list:
    """The independent steps of one level, joined where they do the same thing."""
    layers: dict[tuple, list] = {}
    same_op: dict[tuple, list] = {}
    for step in steps:
        if step.kind == "layer":
            layers.setdefault(tuple(step.right.tolist()), []).append(step)
        elif step.kind == "op":
            key = (id(step.op), step.c, step.b is None, step.stop)
            same_op.setdefault(key, []).append(step)
    joined = [s for s in steps if s.kind == "sum"]
    for members in layers.values():
        joined.extend(_layer(members))
    for members in same_op.values():
        if len(members) == 1:
            joined.append(members[0])
            continue
        first = members[0]
        slots = np.array([m.slot for m in members], dtype=np.intp)
        a = np.array([m.a for m in members], dtype=np.intp)
        b = None if first.b is None else np.array([m.b for m in members], dtype=np.intp)
        joined.append(OpStep(slots, first.op, a, b, first.c, first.stop))
    return joined


def _layer(members: list) -> list:
    """One ``LayerStep`` for weighted sums over the same inputs, or the sums as they were when
    a weight or bias appears twice (the matrix form would add it once) or when some biases are
    parameters and others not."""
    if len(members) == 1:
        return members
    positions = np.concatenate([m.positions for m in members])
    if len({m.bias is None for m in members}) > 1:
        return members
    plains = np.concatenate([m.plain if m.bias is None else m.bias for m in members])
    if len(set(positions.ravel().tolist())) < positions.size or len(set(plains.tolist())) < len(
        plains
    ):
        return members
    slots = np.concatenate([m.slots for m in members])
    if members[0].bias is None:
        return [LayerStep(slots, plains, positions, members[0].right)]
    return [LayerStep(slots, None, positions, members[0].right, plains)]
