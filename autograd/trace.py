"""Trace once, replay over a batch: a scalar function turned into a flat tape of instructions that
NumPy replays for every sample at once, forward and backward.

``trace(fn, *example_args, params=...)`` runs ``fn`` once on Values, as any user code runs, and
records the graph it built: for each node in topological order, its operation and the slots of
its parents. ``Traced`` replays that tape with the operations' ``batched`` forward formulas and
their derivative rules evaluated in ``autograd.arraymath`` (the same rules as ``backward``: no
second table of derivatives), one array entry per sample. No Value is made per node per sample.

The replay fuses what a network does most: a sum of products (a neuron's ``b + w0·x0 + ...``)
is one step, and the neurons of a layer, reading the same inputs, one matrix product
(``benchmarks/traced.py``: micrograd's demo step about 1/500 of micrograd's time, about 2x
PyTorch's). ``print(traced)`` shows the tape as recorded, one line per operation.

What tracing cannot capture, as with ``jax.jit``: Python control flow that depends on the data
(``if x.data > 0: ...``, a loss that clamps one sample differently) is frozen as the example took
it. ``Traced.check(*other_example)`` re-traces on another sample and raises ``TraceMismatchError``
where the two tapes differ; ``trace(..., check=other_example)`` does it at once.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from . import arraymath as am
from . import ops
from .graph import topological_order
from .value import Value


class TraceMismatchError(ValueError):
    """Two samples gave different tapes: the function's structure depends on its data."""


class Traced:
    """A tape: ``traced(*batch)`` gives the outputs of every sample, ``traced.backward(*batch)``
    also adds the parameters' gradients (mean or sum over the batch) to their ``.grad``, as
    ``loss.backward()`` on the batch's mean loss would. ``print(traced)`` lists the tape."""

    def __init__(
        self,
        fn: Callable[..., Value],
        shapes: tuple[int | None, ...],
        inputs: np.ndarray,
        params: list[tuple[int, Value]],
        constants: list[tuple[int, float]],
        instructions: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
        op_table: list[ops.Op],
        const_table: np.ndarray,
        output: int,
    ) -> None:
        self.fn = fn  # what was traced: check() traces it again
        self.shapes = shapes  # per argument: None for a number, k for a sequence of k
        self.inputs = inputs  # the slot of each input number, in argument order
        self.params = params  # (slot, parameter Value)
        self._param_slots = np.array([slot for slot, _ in params], dtype=np.intp)
        self.constants = constants  # (slot, number) for the other leaves
        # Instruction k computes slot first + k: the leaves take the slots before it. Per
        # instruction: the operation's number in op_table, the parents' slots (b = -1 for one
        # parent), the constant's index in const_table (-1 for none).
        self.op_index, self.a, self.b, self.const = instructions
        self.op_table = op_table
        self.const_table = const_table
        # The slot of instruction 0: the leaves (used inputs, parameters, constants) come first.
        self.first = int((inputs >= 0).sum()) + len(params) + len(constants)
        self._cached: list[tuple] | None = None
        self.output = output

    # --- replay -------------------------------------------------------------------------------
    def __call__(self, *batch: Any) -> np.ndarray:
        """The output for every sample of the batch, shape (n,)."""
        return self._forward(self._columns(batch))[self.output].copy()

    def backward(self, *batch: Any, reduction: str = "mean") -> np.ndarray:
        """Replay forward and backward over the batch; add to each parameter's ``.grad`` the
        mean (or sum) over the samples of d(output)/d(parameter). Returns the outputs (n,)."""
        if reduction not in ("mean", "sum"):
            raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")
        values = self._forward(self._columns(batch))
        n = values.shape[1]
        adjoint = np.zeros(values.shape)
        adjoint[self.output] = 1.0
        # The parameters' gradients, summed over the batch, for the weighted sums' weights.
        weight_grads = np.zeros(len(self.params))
        with np.errstate(all="ignore"):
            for step in reversed(self._program()):
                if step[0] == "sum":
                    _, slot, plain, left, right, unique = step
                    g = adjoint[slot]
                    _scatter(adjoint, plain, g, unique)
                    _scatter(adjoint, left, values[right] * g, unique)
                    _scatter(adjoint, right, values[left] * g, unique)
                    continue
                if step[0] == "layer":  # the weighted sums of a layer at once: Z = W X + b
                    _, slots, plain, weights, positions, right = step
                    g = adjoint[slots]
                    w = values[weights, 0]
                    adjoint[right] += w.T @ g
                    adjoint[plain] += g
                    weight_grads[positions] += g @ values[right].T
                    continue
                if step[0] == "weighted":  # Σ w·x with parameters w: the same, as matrix maths
                    _, slot, plain, weights, positions, right, unique = step
                    g = adjoint[slot]
                    _scatter(adjoint, plain, g, unique)
                    _scatter(adjoint, right, np.outer(values[weights, 0], g), unique)
                    if unique:
                        weight_grads[positions] += values[right] @ g
                    else:
                        np.add.at(weight_grads, positions, values[right] @ g)
                    continue
                _, slot, op, a, b, c = step
                g = adjoint[slot]
                if b < 0:
                    adjoint[a] += _times(op.rule(am, values[a], None, values[slot], c), g)
                else:
                    da, db = op.rule(am, values[a], values[b], values[slot], None)
                    adjoint[a] += _times(da, g)
                    adjoint[b] += _times(db, g)
        scale = 1.0 / n if reduction == "mean" else 1.0
        if self.params:
            totals = (adjoint[self._param_slots].sum(axis=1) + weight_grads) * scale
            for (_, p), total in zip(self.params, totals.tolist(), strict=True):
                p.grad += total
        return values[self.output].copy()

    def _columns(self, batch: tuple) -> list[np.ndarray]:
        if len(batch) != len(self.shapes):
            raise TypeError(f"the traced function takes {len(self.shapes)} argument(s), "
                            f"got {len(batch)}")  # fmt: skip
        columns: list[np.ndarray] = []
        n = None
        for i, (arg, shape) in enumerate(zip(batch, self.shapes, strict=True)):
            array = np.asarray(arg, dtype=float)
            want = 1 if shape is None else 2
            if array.ndim != want or (shape is not None and array.shape[1] != shape):
                expected = "(n,)" if shape is None else f"(n, {shape})"
                raise ValueError(
                    f"argument {i} must have shape {expected} (one row per sample), "
                    f"got {array.shape}"
                )
            if n is not None and len(array) != n:
                raise ValueError(f"argument {i} has {len(array)} samples, argument 0 has {n}")
            n = len(array)
            columns.extend([array] if shape is None else list(array.T))
        return columns

    def _forward(self, columns: list[np.ndarray]) -> np.ndarray:
        """Every slot's value for every sample: an array (slots, n)."""
        n = len(columns[0]) if columns else 1
        values = np.empty((self.first + len(self.a), n))
        for slot, column in zip(self.inputs, columns, strict=True):
            if slot >= 0:  # an input the function did not use has no slot
                values[slot] = column
        if self.params:  # read now: the parameters' current values
            values[self._param_slots] = np.array([p.data for _, p in self.params])[:, None]
        for slot, c in self.constants:
            values[slot] = c
        with np.errstate(all="ignore"):  # IEEE results (inf, nan), as the engine gives, silently
            for step in self._program():
                if step[0] == "sum":
                    _, slot, plain, left, right, _ = step
                    total = values[plain].sum(axis=0)
                    if len(left):
                        total += (values[left] * values[right]).sum(axis=0)
                    values[slot] = total
                    continue
                if step[0] == "layer":
                    _, slots, plain, weights, _, right = step
                    values[slots] = values[weights, 0] @ values[right] + values[plain]
                    continue
                if step[0] == "weighted":
                    _, slot, plain, weights, _, right, _ = step
                    values[slot] = values[weights, 0] @ values[right] + values[plain].sum(axis=0)
                    continue
                _, slot, op, a, b, c = step
                if b >= 0:
                    values[slot] = op.batched(values[a], values[b])
                elif c is not None:
                    values[slot] = op.batched(values[a], c)
                else:
                    values[slot] = op.batched(values[a])
        return values

    def _program(self) -> list[tuple]:
        """The replay's steps, made once from the tape.

        Every sum of products (a neuron's ``b + w0·x0 + w1·x1 + ...``: a tree of ``+`` whose
        inner sums and products are used nowhere else) becomes one step,
        ``slot = Σ plain + Σ left·right`` over rows of the value array: a handful of NumPy calls
        instead of two per term. The other operations are steps of their own:
        ``("op", slot, op, a, b, c)``."""
        if self._cached is not None:
            return self._cached
        consts = self.const_table.tolist()
        rows = list(zip(self.op_index.tolist(), self.a.tolist(), self.b.tolist(),
                        self.const.tolist(), strict=True))  # fmt: skip
        first = self.first
        uses = [0] * (first + len(rows))
        uses[self.output] += 1
        consumer: list[ops.Op | None] = [None] * len(uses)  # the op that reads a slot
        for o, a, b, _ in rows:
            for parent in (a, b) if b >= 0 else (a,):
                uses[parent] += 1
                consumer[parent] = self.op_table[o]

        def op_at(slot: int) -> ops.Op | None:
            return self.op_table[rows[slot - first][0]] if slot >= first else None

        def inner(slot: int, op: ops.Op) -> bool:
            """Whether ``slot`` is an ``op`` node read only by one + (then part of its sum)."""
            return (op_at(slot) is op and uses[slot] == 1 and slot != self.output
                    and consumer[slot] is ops.ADD)  # fmt: skip

        position = {s: i for i, (s, _) in enumerate(self.params)}
        absorbed: set[int] = set()
        program: list[tuple] = []
        for k, (o, a, b, c) in enumerate(rows):
            slot, op = first + k, self.op_table[o]
            if op is ops.ADD and not inner(slot, ops.ADD):
                plain, left, right, taken = [], [], [], []
                stack = [a, b]
                while stack:
                    term = stack.pop()
                    if inner(term, ops.ADD):
                        taken.append(term)
                        stack.extend(rows[term - first][1:3])
                    elif inner(term, ops.MUL):
                        taken.append(term)
                        left.append(rows[term - first][1])
                        right.append(rows[term - first][2])
                    else:
                        plain.append(term)
                if taken:  # else a lone a + b: an ordinary step
                    absorbed.update(taken)
                    program.append(self._sum_step(slot, plain, left, right, position))
                    continue
            program.append(("op", slot, op, a, b, None if c < 0 else consts[c]))
        self._cached = _layers([step for step in program if step[1] not in absorbed])
        return self._cached

    @staticmethod
    def _sum_step(slot: int, plain: list, left: list, right: list, position: dict) -> tuple:
        """A fused sum; ``weighted`` when every product has a parameter on one side (a
        neuron's w·x; ``position``: a parameter's slot to its index), whose value is the same
        for every sample: a matrix-vector product."""
        if left and all(r in position for r in right):
            left, right = right, left
        everything = plain + left + right
        unique = len(set(everything)) == len(everything)
        rows = [np.array(x, dtype=np.intp) for x in (plain, left, right)]
        if left and all(w in position for w in left):
            positions = np.array([position[w] for w in left], dtype=np.intp)
            return ("weighted", slot, rows[0], rows[1], positions, rows[2], unique)
        return ("sum", slot, *rows, unique)

    # --- reading the tape ----------------------------------------------------------------------
    def __len__(self) -> int:
        """The number of operations on the tape."""
        return len(self.a)

    def nbytes(self) -> int:
        """The tape's own size in bytes (instructions and constants)."""
        arrays = (self.op_index, self.a, self.b, self.const, self.const_table)
        return int(sum(a.nbytes for a in arrays))

    def check(self, *other_example: Any) -> None:
        """Re-trace on another sample; ``TraceMismatchError`` where the tapes differ."""
        other = trace(self.fn, *other_example, params=[p for _, p in self.params])
        if other.signature() != self.signature():
            raise TraceMismatchError(
                f"the function's graph differs between the two samples ({len(self)} and "
                f"{len(other)} operations): it depends on its data through Python control "
                f"flow, which a trace cannot capture; run it untraced"
            )

    def signature(self) -> tuple:
        ops_named = tuple(self.op_table[int(i)].name for i in self.op_index)
        consts = tuple(float(self.const_table[c]) if c >= 0 else None for c in self.const.tolist())
        return (ops_named, self.a.tolist(), self.b.tolist(), consts, self.shapes,
                tuple(s for s, _ in self.params), tuple(self.constants))  # fmt: skip

    def __repr__(self) -> str:
        names = {int(s): f"x{i}" for i, s in enumerate(self.inputs) if s >= 0}
        names.update({s: p.label or f"p{i}" for i, (s, p) in enumerate(self.params)})
        lines = [f"Traced: {len(self)} operations on {len(self.inputs)} inputs and "
                 f"{len(self.params)} parameters"]  # fmt: skip
        lines += [f"  t{s} = {names[s]}" for s in sorted(names)]
        lines += [f"  t{s} = {c:g}" for s, c in self.constants]
        for k in range(len(self)):
            op = self.op_table[int(self.op_index[k])]
            a, b, c = int(self.a[k]), int(self.b[k]), int(self.const[k])
            args = {"x": f"t{a}", "a": f"t{a}", "b": f"t{b}"}
            if c >= 0:
                args["c"] = f"{float(self.const_table[c]):g}"
            lines.append(f"  t{self.first + k} = {op.template.format(**args)}")
        return "\n".join(lines)


def _layers(program: list[tuple]) -> list[tuple]:
    """Weighted sums over the same inputs (a layer's neurons) joined into one step at the place
    of the first: its inputs are computed by then, and the others' readers all come later."""

    def joinable(step: tuple) -> bool:  # a weighted sum with one bias, no row twice
        return step[0] == "weighted" and len(step[2]) == 1 and step[6]

    groups: dict[tuple, list[tuple]] = {}
    for step in program:
        if joinable(step):
            groups.setdefault(tuple(step[5].tolist()), []).append(step)
    joined: list[tuple] = []
    for step in program:
        members = groups[tuple(step[5].tolist())] if joinable(step) else None
        if not members or len(members) == 1:
            joined.append(step)
        elif step is members[0]:
            joined.extend(_layer(members))
    return joined


def _layer(members: list[tuple]) -> list[tuple]:
    """One ``layer`` step for weighted sums over the same inputs, or the sums as they were when
    a weight or bias appears twice (the matrix form would add it once)."""
    positions = np.stack([m[4] for m in members])
    plains = np.concatenate([m[2] for m in members])
    if len(set(positions.ravel().tolist())) < positions.size or len(set(plains.tolist())) < len(
        plains
    ):
        return members
    slots = np.array([m[1] for m in members], dtype=np.intp)
    weights = np.stack([m[3] for m in members])
    return [("layer", slots, plains, weights, positions, members[0][5])]


def _times(d: Any, g: Any) -> Any:
    return g if d.__class__ is float and d == 1.0 else d * g  # the 1 of + edges costs nothing


def _scatter(adjoint: np.ndarray, rows: np.ndarray, terms: Any, unique: bool) -> None:
    """adjoint[rows] += terms, adding twice where a row repeats."""
    if not len(rows):
        return
    if unique:
        adjoint[rows] += terms
    else:
        np.add.at(adjoint, rows, np.broadcast_to(terms, (len(rows), adjoint.shape[1])))


def trace(
    fn: Callable[..., Value],
    *example_args: Any,
    params: Iterable[Value] = (),
    check: Sequence | None = None,
) -> Traced:
    """Run ``fn`` once on the example and record its graph as a tape (see the module's text).

    Each example argument is a number or a 1-D sequence of numbers; ``fn`` receives a Value, or a
    list of Values, in its place, and returns a Value. ``params`` are the leaves the replay shares
    across the batch and whose gradients ``backward`` accumulates (a model's ``parameters()``);
    any other leaf ``fn`` makes is a constant. ``check``: a second example to re-trace on.
    """
    if not callable(fn):
        raise TypeError(f"trace() takes a function, got {type(fn).__name__}")
    args: list[Any] = []
    shapes: list[int | None] = []
    leaves: list[Value] = []
    for i, example in enumerate(example_args):
        if isinstance(example, numbers.Real) and not isinstance(example, bool):
            v = Value(float(example), f"x{len(leaves)}")
            leaves.append(v)
            args.append(v)
            shapes.append(None)
        else:
            row = np.asarray(example, dtype=float)
            if row.ndim != 1:
                raise ValueError(
                    f"example argument {i} must be a number or a 1-D sequence of numbers, "
                    f"got shape {row.shape}"
                )
            vs = [Value(float(x), f"x{len(leaves) + j}") for j, x in enumerate(row)]
            leaves.extend(vs)
            args.append(vs)
            shapes.append(len(vs))
    out = fn(*args)
    if not isinstance(out, Value):
        raise TypeError(f"the traced function must return a Value, got {type(out).__name__}")
    traced = _record(fn, out, leaves, list(params), tuple(shapes))
    if check is not None:
        traced.check(*check)
    return traced


def _record(
    fn: Callable[..., Value], out: Value, leaves: list[Value], params: list[Value], shapes: tuple
) -> Traced:
    order = topological_order(out)
    graph_leaves = [v for v in order if v._a is None]
    interior = [v for v in order if v._a is not None]
    slot = {v: i for i, v in enumerate(graph_leaves + interior)}
    param_ids = {id(p) for p in params}
    inputs = np.array([slot.get(v, -1) for v in leaves], dtype=np.int32)
    input_slots = set(inputs.tolist())
    found_params, constants = [], []
    for v in graph_leaves:
        if id(v) in param_ids:
            found_params.append((slot[v], v))
        elif slot[v] not in input_slots:
            constants.append((slot[v], v.data))
    op_table: list[ops.Op] = []
    op_number: dict[int, int] = {}
    consts: list[float] = []
    rows = []
    for v in interior:
        if v._fn not in _REPLAYABLE:
            raise TypeError(
                f"trace cannot replay the operation {v._fn.name!r}: it was made by "
                f"Value.from_op, whose local derivatives are numbers for one sample"
            )
        number = op_number.setdefault(id(v._fn), len(op_table))
        if number == len(op_table):
            op_table.append(v._fn)
        c = -1
        if v._const is not None:
            c = len(consts)
            consts.append(v._const)
        a, b = v._a, v._b
        assert a is not None  # an interior node has a first parent
        rows.append((number, slot[a], slot[b] if b is not None else -1, c))
    table = np.array(rows, dtype=np.int64).reshape(-1, 4)
    return Traced(
        fn,
        shapes,
        inputs,
        found_params,
        constants,
        (
            table[:, 0].astype(np.uint8),
            table[:, 1].astype(np.int32),
            table[:, 2].astype(np.int32),
            table[:, 3].astype(np.int32),
        ),
        op_table,
        np.array(consts, dtype=float),
        slot[out],
    )


_REPLAYABLE = {op for op in vars(ops).values() if isinstance(op, ops.Op)}
