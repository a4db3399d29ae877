"""Trace once, replay over a batch: a scalar function turned into a flat tape of instructions that
NumPy replays for every sample at once, forward and backward, never silently wrong.

``trace(fn, *example_args, params=...)`` runs ``fn`` once on Values (inside ``enable_grad``,
whatever the caller's switches) and records the graph it built (``autograd.tape``). ``Traced``
replays it with the operations' ``batched`` forward formulas and their derivative rules
evaluated in ``autograd.arraymath`` (the same rules as ``backward``), one column per sample.

What a tape cannot follow is heard while tracing, as ``jax.jit`` or ``torch.compile`` would
guard it (``autograd.recorder``): every decision Python takes on a traced number (a comparison,
``max``/``min`` of Values, ``float(x)``, ``x.item()``, ``x.data``) is a *guard*, evaluated for
every sample at replay. Samples on which a guard differs from the example are computed by the
scalar engine, exactly, and a ``TraceFallbackWarning`` says how many and names the guard
(file:line). A value made under ``no_grad`` or by ``detach()`` inside ``fn`` is replayed per
sample with its gradient stopped (JAX's ``stop_gradient``). ``bool(v)`` is True for every Value
(as in micrograd): it decides nothing.

Speed (``benchmarks/traced.py``): a neuron's sum of products is one step, a layer one matrix
product (its weights and biases views of the parameters' vector when they lie in a grid, as
nn's do), a layer's activations one array operation. A call's arrays are kept between calls,
each step bound once to views of them (``autograd.kept``), and a batch is replayed in chunks
so that they never exceed ``BUFFER_BYTES``. A program is built once per tape and reused for a
tape of the same instructions (``autograd.program.built``). Code that reads no traced
number's ``.data`` can be recorded at about the engine's speed: ``no_data_reads``.
"""

from __future__ import annotations

import numbers
import threading
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from typing import Any

import numpy as np

from . import program as programs
from . import samples
from .kept import Kept, Leaves
from .recorder import TAPE
from .switches import enable_grad
from .tape import Tape, add_grads, batch_arrays, listing, record, signature
from .value import Value

BUFFER_BYTES = 32 * 2**20  # the replay's value and adjoint arrays, whatever the batch size


class TraceMismatchError(ValueError):
    """Two samples gave different tapes: the function's structure depends on its data."""


class TraceFallbackWarning(UserWarning):
    """Some samples took another decision than the example: the engine computed them."""


class Traced:
    """A tape: ``traced(*batch)`` gives the outputs of every sample (shape (n,), or (n, k) for a
    function returning k Values); ``traced.backward(*batch)`` also adds the parameters'
    gradients of the first output (mean or sum over the batch) to their ``.grad``, as
    ``loss.backward()`` on the batch's mean loss would. ``print(traced)`` lists the tape.

    Parameters as arrays (what ``nn.fit`` does): ``values=`` (an array, one number per
    parameter given to ``trace``, in that order) is read instead of the parameters' ``.data``,
    and ``backward(..., grads=array)`` adds the gradients to that array instead of ``.grad``.
    Samples the engine computes (a guard differed) see those values: they are written to the
    parameters' ``.data`` first."""

    def __init__(self, fn: Callable, tape: Tape, params: list[Value], several: bool) -> None:
        self.fn = fn  # what was traced: check() traces it again, the fallback runs it
        self.tape = tape
        self.shapes = tape.shapes
        self.inputs = tape.inputs
        self.params = tape.params
        self.constants = tape.constants
        self.first = tape.first
        self.several = several  # fn returned a sequence of Values
        self._given = params  # every parameter: the fallback may reach ones the example did not
        self._param_values = [p for _, p in tape.params]
        position = {id(p): i for i, p in enumerate(params)}
        positions = np.array([position[id(p)] for p in self._param_values], dtype=np.intp)
        whole = len(positions) == len(params) and (positions == np.arange(len(params))).all()
        self._positions: Any = slice(None) if whole else positions  # a slice does not copy
        self._program: list | None = None
        self._kept = Kept(len(self.params))  # the arrays a call writes, kept for the next
        self._busy = threading.Lock()  # held while a call uses them
        self._warned: set[int] = set()
        self._pending: Any = None  # the first guard that differed, not yet warned about

    # --- replay -------------------------------------------------------------------------------
    def __call__(self, *batch: Any, values: np.ndarray | None = None) -> np.ndarray:
        """The outputs for every sample of the batch: (n,), or (n, k) for k outputs."""
        return self._replay(batch, False, 0.0, self._vector(values, "values"), None, None)

    def backward(self, *batch: Any, reduction: str = "mean", values: np.ndarray | None = None,
                 grads: np.ndarray | None = None,
                 seed: Callable | None = None) -> np.ndarray:  # fmt: skip
        """Replay forward and backward over the batch; add to each parameter's ``.grad`` (or to
        ``grads``) the mean (or sum) over the samples of d(first output)/d(parameter). Returns
        the outputs. ``seed(samples, outputs)``: instead of the first output, differentiate
        Σ_k seed_k · output_k, with the seeds it returns (shape (m, k)) for those samples (an
        index array) and their outputs (m, k): a vector-Jacobian product, as a loss computed
        from the outputs outside the tape needs."""
        if reduction not in ("mean", "sum"):
            raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")
        scale = -1.0 if reduction == "mean" else 1.0
        values, grads = self._vector(values, "values"), self._vector(grads, "grads")
        return self._replay(batch, True, scale, values, grads, seed)

    def _vector(self, array: Any, name: str) -> np.ndarray | None:
        if array is None:
            return None
        n = len(self._given)
        if not isinstance(array, np.ndarray) or array.dtype != np.float64 or array.shape != (n,):
            raise TypeError(f"{name} must be a float64 array of shape ({n},), one number per "
                            f"parameter given to trace, got {array!r:.80}")  # fmt: skip
        return array

    @property
    def width(self) -> int:
        """Rows of the value array: the slots a step, a guard or the caller reads or writes."""
        self.program()
        return self._width

    def chunk(self) -> int:
        """How many samples one pass replays: the value and adjoint arrays of that many samples
        fit in ``BUFFER_BYTES``."""
        self.program()
        return max(1, BUFFER_BYTES // (16 * self._width))

    def _replay(self, batch: tuple, backward: bool, scale: float, values: Any,
                grads: Any, seed: Any) -> np.ndarray:  # fmt: skip
        arrays, n = batch_arrays(batch, self.shapes)
        if self._program is None:
            self.program()
        if not self._busy.acquire(blocking=False):  # replayed from its own seed, or a thread
            return self._replay_in(Kept(len(self.params)), arrays, n, backward, scale, values,
                                   grads, seed)  # fmt: skip
        try:
            return self._replay_in(self._kept, arrays, n, backward, scale, values, grads, seed)
        finally:
            self._busy.release()

    def _replay_in(self, kept: Kept, arrays: list, n: int, backward: bool, scale: float,
                   values: Any, grads: Any, seed: Any) -> np.ndarray:  # fmt: skip
        """The replay, writing the arrays ``kept``."""
        outputs = np.empty((n, len(self.tape.outputs)))
        step = max(1, BUFFER_BYTES // (16 * self._width))  # self.chunk()
        if n <= step:  # the common case: one pass, every guard holding
            done = self._one_pass(kept, arrays, n, outputs, backward, scale, values, grads, seed)
            if done is not None:
                return done
        totals: Any = 0.0
        bad: list[np.ndarray] = []
        for start in range(0, n, step):
            stop = min(n, start + step)
            plan = kept.plan(self._program or [], self._width, stop - start, backward,
                             BUFFER_BYTES)  # fmt: skip
            v, adj, bound = plan.v, plan.adj, plan.first if seed is None else plan.seeded
            self._leaves.fill(
                kept, v, [a[start:stop] for a in arrays] if n > step else arrays, values
            )
            with np.errstate(all="ignore"):  # IEEE results (inf, nan), as the engine gives
                for f in plan.forward:
                    f()
                good = self._guards(v) if self.tape.guards else None
                outputs[start:stop] = v[self._out_sel].T
                samples: Any = slice(start, stop)
                if good is not None:  # the samples that took the example's decisions
                    bad.append(start + np.flatnonzero(~good))
                    samples = start + np.flatnonzero(good)
                    v, bound = v[:, good], None  # copies: the steps' general methods
                    adj = np.empty_like(v)
                if backward and v.shape[1]:
                    seeds = None if seed is None else self._seeds(seed, samples, outputs)
                    wg = self._backward(kept, v, adj, bound, seeds)
                    totals = wg.copy() if totals.__class__ is float else totals + wg
            del plan, v, adj, bound  # a smaller last chunk's plan may take the place of this one
        if bad and values is not None:  # the engine reads .data
            deque(map(setattr, self._given, repeat("data"), values.tolist()), maxlen=0)
        engine = self._fallback(arrays, bad, outputs, backward, seed)
        if backward:
            scale = 1.0 / max(n, 1) if scale < 0 else scale
            if grads is not None:
                grads[self._positions] += totals * scale
                if bad:
                    grads += np.array(engine) * scale
            else:
                add_grads(self._param_values, totals * scale)
                if bad:  # the samples the engine computed
                    add_grads(self._given, np.array(engine) * scale)
        return outputs if self.several else outputs[:, 0]

    def _one_pass(self, kept: Kept, arrays: list, n: int, outputs: np.ndarray, backward: bool,
                  scale: float, values: Any, grads: Any,
                  seed: Any) -> np.ndarray | None:  # fmt: skip
        """``_replay`` for a batch of one chunk, in fewer calls; None when a guard differs on
        some sample (the general replay then computes the batch)."""
        plan = kept.plan(self._program or [], self._width, n, backward, BUFFER_BYTES)
        v = plan.v
        self._leaves.fill(kept, v, arrays, values)
        with np.errstate(all="ignore"):  # IEEE results (inf, nan), as the engine gives
            for f in plan.forward:
                f()
            if self.tape.guards and self._guards(v) is not None:
                return None
            outputs[...] = v[self._out_sel].T
            if backward and n:
                seeds = None if seed is None else self._seeds(seed, slice(0, n), outputs)
                bound = plan.first if seeds is None else plan.seeded
                wg = self._backward(kept, v, plan.adj, bound, seeds)
                wg *= 1.0 / n if scale < 0 else scale
                if grads is not None:
                    grads[self._positions] += wg
                else:
                    add_grads(self._param_values, wg)
        return outputs if self.several else outputs[:, 0]

    def _seeds(self, seed: Callable, samples: Any, outputs: np.ndarray) -> np.ndarray:
        rows = np.arange(samples.start, samples.stop) if samples.__class__ is slice else samples
        return np.asarray(seed(rows, outputs[samples]), dtype=float).reshape(len(rows), -1).T

    def _backward(self, kept: Kept, v: np.ndarray, adj: Any, bound: list | None,
                  seeds: np.ndarray | None) -> np.ndarray:  # fmt: skip
        """The parameters' gradients of the first output (or the outputs times ``seeds``),
        summed over the columns of ``v``; again with the zero-derivative convention when they
        come out non-finite. ``bound``: the steps' backward bound to ``v`` and ``adj`` (else
        their general methods run)."""
        pv, wg = kept.pv, kept.wg
        for careful in (False, True):
            adj[...] = 0.0
            if seeds is None:
                adj[self._out_rows[0]] = 1.0
            elif self._out_unique:
                adj[self._out_sel] = seeds
            else:
                np.add.at(adj, self._out_rows, seeds)
            wg[...] = 0.0
            if bound is not None:
                for b in bound:
                    b(careful)
            else:
                for s in self._backward_steps if seeds is None else self._seeded_steps:
                    s.backward(v, adj, pv, wg, careful)
            leaves = self._leaves
            if len(leaves.param_rows):
                wg[leaves.param_has_row] += adj[leaves.param_rows].sum(axis=1)
            if np.isfinite(wg).all():
                break
        return wg

    def _guards(self, v: np.ndarray) -> np.ndarray | None:
        """Per sample, whether every guard took the example's decision (None: all did)."""
        good, differed = samples.differing(self._guard_rows, v)
        for index in differed:
            if index not in self._warned:
                self._warned.add(index)
                self._pending = self.tape.guards[index][0]
        return good

    def _fallback(self, arrays: list, bad: list, outputs: np.ndarray, backward: bool,
                  seed: Any) -> list:  # fmt: skip
        """The scalar engine on the samples where a guard differed: their outputs, and the sum
        of their gradients for every parameter given to ``trace``."""
        rows = np.concatenate(bad) if bad else np.empty(0, dtype=np.intp)
        if not len(rows):
            return []
        pending = self._pending
        if pending is not None:
            self._pending = None
            warnings.warn(
                f"trace: {len(rows)} of {len(outputs)} samples took another decision than the "
                f"traced example at {pending.describe()}; the scalar engine computed them, "
                f"exactly (this warning is given once per guard)",
                TraceFallbackWarning,
                stacklevel=5,
            )
        return samples.by_engine(self.fn, self._given, self.shapes, self.several, arrays,
                                 rows, outputs, backward, seed)  # fmt: skip

    def program(self) -> list:
        """The replay's steps (``autograd.program``), made once from the tape."""
        if self._program is None:
            t = self.tape
            self._program, rows, self._width = programs.built(t)
            self._rows = rows
            self._guard_rows = [(g, rows[a], rows[b] if b >= 0 else -1, c)
                                for g, a, b, c in t.guards]  # fmt: skip
            self._leaves = Leaves(t, rows, self._positions, self._param_values)
            self._out_rows = rows[t.outputs]
            self._out_sel = programs.rows_or_slice(self._out_rows)
            self._out_unique = len(set(self._out_rows.tolist())) == len(self._out_rows)
            self._backward_steps = [s for s in reversed(self._program) if s.differentiated]
            self._seeded_steps = [s for s in reversed(self._program) if s.seeded]
        return self._program

    # --- reading the tape ----------------------------------------------------------------------
    def __len__(self) -> int:
        """The number of operations on the tape."""
        return len(self.tape.a)

    def nbytes(self) -> int:
        """The tape's own size in bytes (instructions and constants)."""
        t = self.tape
        return int(sum(a.nbytes for a in (t.op_index, t.a, t.b, t.const, t.const_table)))

    def check(self, *other_example: Any) -> None:
        """Re-trace on another sample; ``TraceMismatchError`` where the tapes differ (with the
        guards in place, a convenience: a replay never gives another number than the engine)."""
        other = trace(self.fn, *other_example, params=self._given)
        if other.signature() != self.signature():
            raise TraceMismatchError(
                f"the function's graph differs between the two samples ({len(self)} and "
                f"{len(other)} operations): it depends on its data through Python control "
                f"flow; the replay computes such samples with the engine (slower)"
            )

    def signature(self) -> tuple:
        """What makes two tapes the same: operations, slots, constants, which input and which
        parameter feeds which slot, the stopped gradients and the guards' decisions."""
        return signature(self.tape)

    def __repr__(self) -> str:
        return listing(self.tape)


def trace(
    fn: Callable[..., Any],
    *example_args: Any,
    params: Iterable[Value] = (),
    check: Sequence | None = None,
) -> Traced:
    """Run ``fn`` once on the example and record its graph as a tape (see the module's text).

    Each example argument is a number or a 1-D sequence of numbers; ``fn`` receives a Value, or a
    list of Values, in its place, and returns a Value or a sequence of Values. ``params`` are
    the leaves the replay shares across the batch and whose gradients ``backward`` accumulates
    (a model's ``parameters()``); any other leaf ``fn`` makes is a constant. ``check``: a second
    example to re-trace on.
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
    given = list({id(p): p for p in params}.values())
    for p in given:
        if not isinstance(p, Value):
            raise TypeError(f"params must be Values, got {type(p).__name__} {p!r}")
    with enable_grad(), TAPE.recording(leaves + given) as tape:
        out = fn(*args)
        guards, stopped = tape.guards, tape.stopped
    several = isinstance(out, (list, tuple))
    outs = list(out) if several else [out]
    if not outs or not all(isinstance(o, Value) for o in outs):
        raise TypeError(
            f"the traced function must return a Value or a sequence of Values, "
            f"got {type(out).__name__}"
        )
    traced = Traced(fn, record(outs, leaves, given, tuple(shapes), guards, stopped), given,
                    several)  # fmt: skip
    if check is not None:
        traced.check(*check)
    return traced
