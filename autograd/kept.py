"""What a traced replay writes, kept between its calls: the parameters' values and gradients, and
for each chunk width the value and adjoint arrays with the program's steps bound to them.

Allocating the arrays at every call cost 2.1x on a digits epoch, and indexing them at every step
cost as much again on small batches: a ``Plan`` allocates once per width and binds each step
(``bind`` in ``autograd.steps``) to views of its arrays, so that a call runs closures that index
nothing. A call that finds the kept arrays in use (the same tape replayed from inside its own
``seed``, or from another thread) gets arrays of its own (``Traced`` decides).
"""

from __future__ import annotations

import operator
from typing import Any, NamedTuple

import numpy as np

from .program import rows_or_slice
from .tape import Tape

_DATA = operator.attrgetter("data")


class Plan(NamedTuple):
    """The arrays for ``m`` samples and the steps bound to them: ``forward`` in order;
    ``first`` and ``seeded`` the backward of the steps that the first output (or any output,
    for a backward with seeds) needs, in reverse order; None for a forward-only plan."""

    v: np.ndarray
    adj: np.ndarray | None
    forward: list
    first: list | None
    seeded: list | None


class Kept:
    """The parameters' values ``pv`` (read by the steps) and gradients ``wg`` (summed over a
    chunk), and the plans of the widths replayed lately."""

    def __init__(self, parameters: int) -> None:
        self.pv = np.empty(parameters)
        self.wg = np.zeros(parameters)
        self.plans: dict[int, Plan] = {}

    def plan(self, program: list, width: int, m: int, backward: bool, limit: int) -> Plan:
        """The plan for ``m`` samples of a ``width``-row program (made when there is none yet,
        the oldest plans dropped while the kept arrays would exceed ``limit`` bytes)."""
        plan = self.plans.get(m)
        if plan is not None and (plan.adj is not None or not backward):
            return plan
        size = (16 if backward else 8) * width * m
        while self.plans and size + sum(_bytes(p) for p in self.plans.values()) > limit:
            del self.plans[next(iter(self.plans))]  # the oldest first
        v = np.empty((width, m))
        adj = np.empty_like(v) if backward else None
        bound = [step.bind(v, adj, self.pv, self.wg) for step in program]
        forward = [f for f, _ in bound]
        plan = Plan(v, adj, forward, None, None)
        if backward:
            back = list(zip(program, (b for _, b in bound), strict=True))[::-1]
            plan = plan._replace(first=_needed(back, "differentiated"),
                                 seeded=_needed(back, "seeded"))  # fmt: skip
        self.plans[m] = plan
        return plan


def _needed(back: list, flag: str) -> list:
    return [b for step, b in back if b is not None and getattr(step, flag)]


def _bytes(plan: Plan) -> int:
    return plan.v.nbytes + (0 if plan.adj is None else plan.adj.nbytes)


class Leaves:
    """Where a call writes the leaves: each argument's used inputs (their rows, and which
    columns of the argument), the parameters read as rows, and the constants' rows."""

    def __init__(self, tape: Tape, rows: np.ndarray, positions: Any, params: list) -> None:
        self.positions, self.params = positions, params  # among those given; their Values
        in_rows = np.array([rows[s] if s >= 0 else -1 for s in tape.inputs.tolist()], np.intp)
        self.args = []  # per argument: its used inputs' rows, and their columns
        for shape in tape.shapes:
            these, in_rows = np.split(in_rows, [1 if shape is None else shape])
            used: Any = np.flatnonzero(these >= 0)
            rows_used = rows_or_slice(these[used])
            if len(used) == len(these):
                used = slice(None)  # every column: no gather
            self.args.append((rows_used, used))
        param_rows = rows[[s for s, _ in tape.params]].astype(np.intp)
        self.param_has_row = param_rows >= 0  # read as a row by some step (not a layer)
        self.param_rows = param_rows[self.param_has_row]
        self.consts = [(int(rows[s]), c) for s, c in tape.constants if rows[s] >= 0]

    def fill(self, kept: Kept, v: np.ndarray, arrays: list[np.ndarray], values: Any) -> None:
        """The leaves' rows of ``v``, and ``kept.pv``: the parameters' current values
        (``values``, or their ``.data``)."""
        for (rows, used), array in zip(self.args, arrays, strict=True):
            if array.ndim == 1:
                if rows.__class__ is slice or len(rows):  # an unused input has no row
                    v[rows] = array
            elif rows.__class__ is slice or len(rows):
                v[rows] = array[:, used].T
        pv = kept.pv
        if values is not None:
            pv[...] = values[self.positions]
        else:
            pv[...] = np.fromiter(map(_DATA, self.params), float, len(self.params))
        if len(self.param_rows):
            v[self.param_rows] = pv[self.param_has_row][:, None]
        for row, c in self.consts:
            v[row] = c
