"""Functions on vectors of Values: softmax, losses, information theory and penalties.

Vectors are sequences (lists, tuples, 1-D NumPy arrays) of numbers or Values; numbers are
constants. Losses follow PyTorch's names, argument order (input, target) and ``reduction``.
The information-theory functions return a float when given only numbers, and a differentiable
Value as soon as one argument holds a Value.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from autograd import Value, no_data_reads

# What the losses take: a prediction (a Value or number, or a sequence of them, one per output)
# and a target (numbers, or a class index); a vector of probabilities (numbers or Values).
Prediction = Any
Target = Any
Vector = Sequence[Any]

REDUCTIONS = ("mean", "sum")


# --- vectors ---------------------------------------------------------------------------------
def _vector(xs: object, what: str = "input") -> list[Value]:
    if isinstance(xs, (Value, numbers.Real)):
        xs = [xs]
    if isinstance(xs, np.ndarray):
        if xs.ndim != 1:
            raise ValueError(f"{what} must be 1-D, got an array of shape {xs.shape}")
        xs = xs.tolist()
    if not isinstance(xs, (list, tuple)):
        raise TypeError(f"{what} must be a sequence of numbers or Values, got {type(xs).__name__}")
    if not xs:
        raise ValueError(f"{what} is empty")
    out = []
    for x in xs:
        if isinstance(x, Value):
            out.append(x)
        elif isinstance(x, numbers.Real) and not isinstance(x, bool):
            out.append(Value(float(x)))
        else:
            raise TypeError(f"{what} must hold numbers or Values, got {type(x).__name__} {x!r}")
    return out


def _any_value(*vectors: object) -> bool:
    def has(v: object) -> bool:
        if isinstance(v, Value):
            return True
        if isinstance(v, (list, tuple)):
            return any(has(x) for x in v)
        return False

    return any(has(v) for v in vectors)


def _total(terms: Iterable[Value]) -> Value:
    total = None
    for t in terms:
        total = t if total is None else total + t
    return total if total is not None else Value(0.0)


def logsumexp(xs: Sequence) -> Value:
    """log sum_i e^(x_i), computed as m + log sum_i e^(x_i - m) with m = max x_i: finite for
    logits of any size. Its gradient is softmax(x)."""
    xs = _vector(xs)
    m = _shift(xs)
    return m + _total((x - m).exp() for x in xs).log()


def _shift(xs: list[Value]) -> Value | float:
    """max x_i, as a Value whose gradient stops (the result does not depend on the shift):
    made of Value operations (max(a, b) = a + relu(b - a)), so that a traced replay computes it
    for every sample without a guard per comparison. 0 when the maximum is not finite."""
    level = xs
    while len(level) > 1:  # pairwise, in a balanced tree: a replay joins each level's pairs
        pairs = [a + (b - a).relu() for a, b in zip(level[::2], level[1::2], strict=False)]
        level = pairs + level[len(pairs) * 2 :]
    m = level[0].detach()
    if -math.inf < m < math.inf:  # a guard when traced: not finite, the engine takes over
        return m
    largest = max(x.data for x in xs)  # m + relu(x - m) is nan beside an infinity
    return 0.0 if math.isinf(largest) else largest


def log_softmax(xs: Sequence) -> list[Value]:
    """log softmax(x)_i = x_i - logsumexp(x), stable for large logits."""
    xs = _vector(xs)
    lse = logsumexp(xs)
    return [x - lse for x in xs]


def softmax(xs: Sequence) -> list[Value]:
    """softmax(x)_i = e^(x_i - m) / sum_j e^(x_j - m), m = max x: never overflows."""
    xs = _vector(xs)
    m = _shift(xs)
    exps = [(x - m).exp() for x in xs]
    total = _total(exps)
    return [e / total for e in exps]


# --- losses ---------------------------------------------------------------------------------
def _reduce(terms: list[Value], reduction: str) -> Value:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")
    total = _total(terms)
    return total / len(terms) if reduction == "mean" else total


def _pairs(input: object, target: object) -> tuple[list[Value], list[Any]]:
    xs = _vector(input, "input")
    ys = _targets(target)
    if len(xs) != len(ys):
        raise ValueError(f"input has {len(xs)} elements but target has {len(ys)}")
    return xs, ys


def _targets(target: Any) -> list[Any]:
    """Targets as floats; a target given as a Value stays one (a traced function's input)."""
    if isinstance(target, np.ndarray):
        target = target.reshape(-1).tolist()
    elif isinstance(target, (numbers.Real, Value)):
        target = [target]
    out: list[Any] = []
    for t in target:
        if not isinstance(t, (Value, numbers.Real)):
            raise TypeError(f"target must hold numbers, got {type(t).__name__} {t!r}")
        out.append(t if isinstance(t, Value) else float(t))
    return out


def mse_loss(input: Prediction, target: Target, reduction: str = "mean") -> Value:
    """Mean (or sum) of (x_i - y_i)²."""
    xs, ys = _pairs(input, target)
    return _reduce([(x - y) ** 2 for x, y in zip(xs, ys, strict=True)], reduction)


def l1_loss(input: Prediction, target: Target, reduction: str = "mean") -> Value:
    """Mean (or sum) of |x_i - y_i|."""
    xs, ys = _pairs(input, target)
    return _reduce([(x - y).abs() for x, y in zip(xs, ys, strict=True)], reduction)


def _clamped_log(p: Value) -> Value:
    # As PyTorch: log is clamped at -100 so that p = 0 gives a large finite loss, gradient 0.
    logp = p.log()
    return logp if logp >= -100.0 else Value(-100.0)  # a guard when traced


def binary_cross_entropy(input: Prediction, target: Target, reduction: str = "mean") -> Value:
    """-(y log p + (1 - y) log(1 - p)) for probabilities p in [0, 1] and targets y in [0, 1]."""
    ps, ys = _pairs(input, target)
    for p in ps:
        if not 0.0 <= p <= 1.0:  # comparisons of Values: guards when traced
            raise ValueError(f"binary_cross_entropy takes probabilities in [0, 1], got {p.data}")
    terms = [
        -(y * _clamped_log(p) + (1 - y) * _clamped_log(1 - p)) for p, y in zip(ps, ys, strict=True)
    ]
    return _reduce(terms, reduction)


def binary_cross_entropy_with_logits(
    input: Prediction, target: Target, reduction: str = "mean"
) -> Value:
    """Binary cross-entropy of sigmoid(x) against y, computed stably as softplus(x) - y·x."""
    xs, ys = _pairs(input, target)
    return _reduce([x.softplus() - y * x for x, y in zip(xs, ys, strict=True)], reduction)


def hinge_loss(input: Prediction, target: Target, reduction: str = "mean") -> Value:
    """The SVM max-margin loss max(0, 1 - y·s) for scores s and labels y in {-1, +1}."""
    xs, ys = _pairs(input, target)
    for y in ys:
        if isinstance(y, Value):  # traced: y·y is 1 for both labels, one guard whichever it is
            square = y * y
            bad = square < 1.0 or square > 1.0
        else:
            bad = y not in (-1.0, 1.0)
        if bad:
            raise ValueError(f"hinge_loss takes labels -1 or +1, got {getattr(y, 'data', y):g}")
    return _reduce([(1 - y * x).relu() for x, y in zip(xs, ys, strict=True)], reduction)


def _rows(input: object) -> tuple[list, bool]:
    """(list of rows, whether a batch was given) for (C,) or (N, C) shaped input."""
    if isinstance(input, np.ndarray):
        input = input.tolist()
    if (
        isinstance(input, (list, tuple))
        and input
        and isinstance(input[0], (list, tuple, np.ndarray))
    ):
        return list(input), True
    return [input], False


def _class_target(t: Any, n_classes: int) -> list[float]:
    """A class index as a one-hot vector, or a probability vector as it is."""
    if isinstance(t, (numbers.Integral,)) and not isinstance(t, bool):
        if not 0 <= int(t) < n_classes:
            raise ValueError(f"class index {t} is out of range for {n_classes} classes")
        return [1.0 if i == t else 0.0 for i in range(n_classes)]
    q = _targets(t)
    if len(q) != n_classes:
        raise ValueError(f"target has {len(q)} probabilities but input has {n_classes} classes")
    return q


def _batch_targets(target: Any, n: int, batched: bool) -> list:
    if not batched:
        return [target]
    if isinstance(target, np.ndarray):
        target = target.tolist()
    if not isinstance(target, (list, tuple)) or len(target) != n:
        raise ValueError(f"input has {n} rows but target has {len(target)}")
    return list(target)


def cross_entropy(input: Prediction, target: Target, reduction: str = "mean") -> Value:
    """-sum_c q_c log softmax(x)_c for logits x, where the target q is a class index (one-hot)
    or a probability vector. ``input`` is one row of C logits or a batch of rows."""
    rows, batched = _rows(input)
    targets = _batch_targets(target, len(rows), batched)
    terms = []
    for row, t in zip(rows, targets, strict=True):
        logp = log_softmax(row)
        q = _class_target(t, len(logp))
        terms.append(-_total(qc * lp for qc, lp in zip(q, logp, strict=True) if qc != 0))
    return _reduce(terms, reduction)


def nll_loss(input: Prediction, target: Target, reduction: str = "mean") -> Value:
    """-log p_target for log-probabilities (one row or a batch of rows) and class indices."""
    rows, batched = _rows(input)
    targets = _batch_targets(target, len(rows), batched)
    terms = []
    for row, t in zip(rows, targets, strict=True):
        logp = _vector(row)
        if isinstance(t, bool) or not isinstance(t, numbers.Integral):
            raise TypeError(f"nll_loss takes class indices, got {type(t).__name__} {t!r}")
        index = int(t)
        if not 0 <= index < len(logp):
            raise ValueError(f"class index {t} is out of range for {len(logp)} classes")
        terms.append(-logp[index])
    return _reduce(terms, reduction)


# --- information theory --------------------------------------------------------------------------
def _distribution(p: object, name: str) -> list[Value]:
    ps = _vector(p, name)
    for x in ps:
        if not x.data >= 0:
            raise ValueError(f"{name} must hold probabilities >= 0, got {x.data}")
    total = sum(x.data for x in ps)
    if not math.isclose(total, 1.0, rel_tol=0, abs_tol=1e-6):
        raise ValueError(f"{name} must sum to 1, sums to {total:.6g}")
    return ps


def _log_base(base: float) -> float:
    if not isinstance(base, numbers.Real) or base <= 0 or base == 1:
        raise ValueError(f"base must be a positive number other than 1 (e or 2), got {base!r}")
    return math.log(base)


def _result(v: Value, *inputs: object) -> Value | float:
    return v if _any_value(*inputs) else v.data


def entropy(p: Vector, base: float = math.e) -> Value | float:
    """H(p) = -sum_i p_i log p_i (terms with p_i = 0 count 0); in nats, or bits with base=2."""
    ps = _distribution(p, "p")
    h = -_total(pi * pi.log() for pi in ps if pi.data > 0) / _log_base(base)
    return _result(h, p)


def cross_entropy_dist(p: Vector, q: Vector, base: float = math.e) -> Value | float:
    """H(p, q) = -sum_i p_i log q_i: the cross-entropy of q relative to p (both distributions).
    +inf when some q_i = 0 where p_i > 0."""
    ps, qs = _same_length(p, q)
    if any(pi.data > 0 and qi.data == 0 for pi, qi in zip(ps, qs, strict=True)):
        return _result(Value(math.inf), p, q)
    h = -_total(pi * qi.log() for pi, qi in zip(ps, qs, strict=True) if pi.data > 0)
    return _result(h / _log_base(base), p, q)


def kl_divergence(p: Vector, q: Vector, base: float = math.e) -> Value | float:
    """KL(p || q) = sum_i p_i log(p_i / q_i) >= 0, with terms p_i = 0 counting 0, and +inf when
    some q_i = 0 where p_i > 0. Not symmetric."""
    ps, qs = _same_length(p, q)
    if any(pi.data > 0 and qi.data == 0 for pi, qi in zip(ps, qs, strict=True)):
        return _result(Value(math.inf), p, q)
    kl = _total(pi * (pi.log() - qi.log()) for pi, qi in zip(ps, qs, strict=True) if pi.data > 0)
    return _result(kl / _log_base(base), p, q)


def js_divergence(p: Vector, q: Vector, base: float = math.e) -> Value | float:
    """JSD(p, q) = KL(p || m) / 2 + KL(q || m) / 2 with m = (p + q) / 2: symmetric and finite."""
    ps, qs = _same_length(p, q)
    m = [(pi + qi) * 0.5 for pi, qi in zip(ps, qs, strict=True)]
    half = 0.5 / _log_base(base)

    def kl(a: list[Value], b: list[Value]) -> Value:
        return _total(
            ai * (ai.log() - bi.log()) for ai, bi in zip(a, b, strict=True) if ai.data > 0
        )

    return _result((kl(ps, m) + kl(qs, m)) * half, p, q)


def _same_length(p: Vector, q: Vector) -> tuple[list[Value], list[Value]]:
    ps, qs = _distribution(p, "p"), _distribution(q, "q")
    if len(ps) != len(qs):
        raise ValueError(f"p has {len(ps)} probabilities but q has {len(qs)}")
    return ps, qs


# --- penalties ---------------------------------------------------------------------------------
@no_data_reads  # traced at about the engine's speed: it decides nothing on a number
def l1_penalty(params: Iterable[Value]) -> Value:
    """sum_i |w_i| (lasso)."""
    return _total(p.abs() for p in _vector(list(params), "params"))


@no_data_reads  # traced at about the engine's speed: it decides nothing on a number
def l2_penalty(params: Iterable[Value]) -> Value:
    """sum_i w_i² (ridge, weight decay)."""
    return _total(p * p for p in _vector(list(params), "params"))
