"""The samples a trace's guards send to the scalar engine: which they are (a guard took another
decision than at the traced example), and their outputs and gradients, computed exactly by
running the traced function on Values."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from .switches import enable_grad
from .value import Value

COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
# A comparison that was False at the example holds where its opposite is True: one call, not
# two (where a NaN makes both False the sample goes to the engine, slower but exact).
OPPOSITE = {"<": operator.ge, "<=": operator.gt, ">": operator.le, ">=": operator.lt}


def differing(guards: list, v: np.ndarray) -> tuple[np.ndarray | None, list[int]]:
    """(per sample, whether every guard took the example's decision, or None when all did;
    the indices of the guards that differed somewhere). ``guards``: (guard, row of a, row of
    b or -1, number b) over the value array ``v``."""
    good = None
    differed = []
    for index, (guard, a, b, c) in enumerate(guards):
        x = v[a]
        if guard.kind == "read":
            holds = x == guard.outcome
            if guard.outcome != guard.outcome:  # NaN at the example: NaN again
                holds = np.isnan(x)
        else:
            compare = COMPARE[guard.kind] if guard.outcome else OPPOSITE[guard.kind]
            holds = compare(x, v[b] if b >= 0 else c)
        if not holds.all():
            differed.append(index)
            good = holds if good is None else good & holds
    return good, differed


def by_engine(fn: Callable, params: list[Value], shapes: tuple, several: bool, arrays: list,
              rows: np.ndarray, outputs: np.ndarray, backward: bool,
              seed: Any) -> list[float]:  # fmt: skip
    """``fn`` on Values for each sample of ``rows`` (its arguments read from ``arrays``, shaped
    by ``shapes``): its outputs written to ``outputs``, and with ``backward`` the sum over those
    samples of each parameter's gradient of the first output (or of the outputs times the
    ``seed`` function's seeds). The parameters' ``.grad`` is left as it was."""
    saved = [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    try:
        for r in rows.tolist():
            args = [Value(float(a[r])) if s is None else [Value(float(x)) for x in a[r]]
                    for a, s in zip(arrays, shapes, strict=True)]  # fmt: skip
            with enable_grad():
                result = fn(*args)
                outs = list(result) if several else [result]
                outputs[r] = [o.data for o in outs]
                if backward and seed is not None:
                    seeds = seed(np.array([r]), outputs[r : r + 1])[0]
                    terms = [o * float(s) for o, s in zip(outs, seeds, strict=True)]
                    sum(terms[1:], terms[0]).backward()
                elif backward:
                    outs[0].backward()
        return [p.grad for p in params]
    finally:
        for p, g in zip(params, saved, strict=True):
            p.grad = g
