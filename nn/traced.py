"""``fit``, ``evaluate`` and ``predict`` by traced replay: one sample's graph recorded once
(``autograd.trace``), replayed with NumPy over every batch, with the engine's numbers.

One tape gives each sample's loss and the model's outputs, so a training step is one replay,
forward and backward. With a penalty the tape's first output is loss + penalty (differentiated:
the mean over a batch adds the penalty's gradient once, and a sum of parameter products reads
the parameters' vector, the same in every column), its second the loss (reported). Any model
traces (several outputs, a user's Module: the trace's guards keep Python's decisions per
sample); the losses are nn's own, whose batch loss is the mean of the samples' losses. Class
indices (cross-entropy, NLL) enter the tape as one-hot rows, so that the class picked is data,
not a decision. nn's own MLP and Layer are recorded under ``autograd.no_data_reads`` (their
forward reads no ``.data``), and their tape alone is written from their structure
(``nn.structure``).

While ``fit`` trains by replay, the parameters live in one float64 vector and their gradients
in another (``ParameterVector``): the replay reads and writes those arrays and the optimizer
steps on them, and the Values' ``.data`` and ``.grad`` (and the optimizer's state) are written
back when the fit ends or stops. Per digits batch of MLP(64, [32, 10]) this replaced about
1.5 ms of per-Value reads, writes and updates (2,410 parameters) by a few array operations.
"""

from __future__ import annotations

import math
import operator
import warnings
from collections import deque
from collections.abc import Callable
from itertools import repeat
from typing import Any

import numpy as np

from autograd import (
    Traced,
    TraceFallbackWarning,
    Value,
    enable_grad,
    no_data_reads,
    no_grad,
    trace,  # fmt: skip
)

from . import functional as F
from .activations import BUILT_IN
from .module import MLP, Layer, Module, Neuron
from .optim import SGD, Adam, AdamW, Optimizer
from .structure import traced_structure

# nn's losses: the mean over a batch of the loss of each sample.
PER_SAMPLE = (F.mse_loss, F.l1_loss, F.hinge_loss, F.binary_cross_entropy,
              F.binary_cross_entropy_with_logits, F.cross_entropy, F.nll_loss)  # fmt: skip
_CLASS_INDEX = (F.cross_entropy, F.nll_loss)
MODES = (True, False, "auto")


def _nll_one_hot(logp: list, q: list) -> Value:
    """nll_loss of one sample with its class as a one-hot row q: -Σ q_c log p_c."""
    return -F._total(qc * lp for qc, lp in zip(q, logp, strict=True))


def reads_no_data(model: Module) -> bool:
    """Whether ``model`` is nn's own MLP or Layer, of nn's own neurons with built-in
    activations, no method replaced: its forward reads no Value's ``.data``, so a trace may
    record it in a ``no_data_reads`` block (a test compares the tapes recorded both ways)."""
    if _methods() != _OWN_METHODS:  # one of them replaced on its class
        return False
    replaced = {"__call__", "forward", "_affine"}  # methods set on an instance
    layers = model.layers if type(model) is MLP else [model] if type(model) is Layer else None
    if layers is None or replaced & vars(model).keys():
        return False
    for layer in layers:
        if type(layer) is not Layer or replaced & vars(layer).keys():
            return False
        for n in layer.neurons:
            if type(n) is not Neuron or replaced & vars(n).keys():
                return False
            if BUILT_IN.get(n.activation_name) is not n.activation:
                return False
    return True


def _methods() -> tuple:
    return MLP.__call__, Layer.__call__, Layer.forward, Neuron.__call__, Neuron._affine


_OWN_METHODS = _methods()  # as nn defines them


def _forward(model: Module) -> Callable:
    """``model`` itself, or for nn's own layers (``reads_no_data``) the model called under
    ``no_data_reads``: recorded at about the engine's speed."""
    return no_data_reads(model) if reads_no_data(model) else model


def _model_tape(model: Module, example: np.ndarray, params: list[Value]) -> Traced:
    """The traced replay of ``model`` alone: for nn's own layers written from their structure
    (``nn.structure``: the tape a trace records, in a fraction of the time), else recorded."""
    forward = _forward(model)
    if forward is not model:
        assert isinstance(model, (MLP, Layer))  # what reads_no_data accepts
        traced = traced_structure(model, forward, len(example), params)
        if traced is not None:
            return traced
    return trace(forward, example, params=params)


class TracedModel:
    """The tapes of ``model`` (and ``loss``) for data like ``X``, ``y``; ``None`` parts are
    what was not asked for."""

    def __init__(self, model: Module, X: np.ndarray, y: np.ndarray | None, loss: Callable | None,
                 penalty: Callable | None = None) -> None:  # fmt: skip
        # each parameter once: the order of the arrays ``step`` and ``evaluate`` take
        self.params = list({id(p): p for p in model.parameters()}.values())
        if isinstance(model, (MLP, Layer)) and type(model).__call__ in (
            MLP.__call__,
            Layer.__call__,
        ):
            self.width = model.nout  # a list of Values for several outputs, else a Value
            self.several = model.nout > 1
        else:  # a Module of your own: asked once
            with no_grad():
                first = model(X[0])
            self.several = isinstance(first, (list, tuple))
            self.width = len(first) if self.several else 1
        self.model, self.example = model, X[0]
        self._outputs_tape: Any = None
        self.loss_tape: Traced | None = None
        self.targets: Callable[[np.ndarray], np.ndarray] = lambda yb: yb
        self.labels: Callable[[np.ndarray], np.ndarray | None] = lambda yb: None  # class indices
        self.fused = False  # cross-entropy computed from the model's tape by NumPy
        self.column = 0  # the sample's loss among the tape's outputs (then the model's)
        self.penalty: Traced | None = None
        if loss is not None and y is not None:
            self._trace_loss(model, X, y, loss, penalty)
        if penalty is not None and self.column == 0:  # with the fused loss: on one column
            self.penalty = trace(lambda: penalty(model.parameters()), params=self.params)

    def _trace_loss(self, model: Module, X: np.ndarray, y: np.ndarray, loss: Callable,
                    penalty: Callable | None) -> None:  # fmt: skip
        if loss not in PER_SAMPLE:
            raise ValueError(
                f"a traced replay takes nn's losses ({', '.join(f.__name__ for f in PER_SAMPLE)}),"
                f" whose batch loss is the mean of the samples' losses; got "
                f"{getattr(loss, '__name__', loss)!r}"
            )
        several = self.several
        if loss in _CLASS_INDEX and y.ndim == 1:
            classes = self.width
            labels = np.asarray(y)
            if not np.all((labels == np.round(labels)) & (labels >= 0) & (labels < classes)):
                raise ValueError(f"class indices must be integers from 0 to {classes - 1}")
            eye = np.eye(classes)
            self.targets = lambda yb: eye[np.asarray(yb, dtype=np.intp)]
            self.labels = lambda yb: np.asarray(yb, dtype=np.intp)
        elif y.ndim != (2 if several and loss in _CLASS_INDEX else 1):
            raise ValueError(
                f"the model has {self.width} output(s) and y has shape {y.shape}: one target "
                f"per sample for one output, class indices or rows of class probabilities for "
                f"several"
            )

        if loss is F.cross_entropy and several:  # the model's tape, the loss fused in NumPy
            self.fused = True
            self.loss_tape = self._outputs_tape = _model_tape(model, X[0], self.params)
            return

        forward = _forward(model)

        def sample_loss(x: list[Value], t: Value | list[Value]) -> list[Value]:
            out = forward(x)
            outs = list(out) if several else [out]
            if loss is F.nll_loss:
                assert isinstance(t, list)  # class indices enter as one-hot rows (self.targets)
                value = _nll_one_hot(outs, t)
            elif loss is F.cross_entropy:
                value = F.cross_entropy([outs], [t])
            else:
                value = loss(outs, [t])
            if penalty is None:
                return [value, *outs]
            # loss + penalty differentiated, the loss reported: the mean over a batch adds the
            # penalty's gradient once, and its sum over the parameters reads them from the
            # parameters' vector, the same in every column (no second replay per step)
            return [value + penalty(model.parameters()), value, *outs]  # as fit's engine

        self.column = 0 if penalty is None else 1
        example = self.targets(y[:1])[0]
        self.loss_tape = trace(sample_loss, X[0], example if np.ndim(example) else float(example),
                               params=self.params)  # fmt: skip

    def step(self, Xb: np.ndarray, yb: np.ndarray, values: np.ndarray | None = None,
             grads: np.ndarray | None = None) -> tuple[float, np.ndarray]:  # fmt: skip
        """A training step's gradients (of the loss and the penalty) added to ``.grad`` (or to
        ``grads``, with the parameters' ``values``, both in the order of ``self.params``):
        (mean loss, the model's outputs)."""
        assert self.loss_tape is not None
        if self.fused:
            labels, losses = self.labels(yb), np.empty(len(Xb))
            q = self.targets(yb) if labels is None else yb  # class indices: no one-hot rows

            def seed(rows: np.ndarray, z: np.ndarray) -> np.ndarray:  # d loss / d logits
                if labels is not None:
                    losses[rows], grad = cross_entropy(z, None, labels[rows])
                else:  # each sample once
                    losses[rows], grad = cross_entropy(z, q[rows])
                return grad

            replay = self.loss_tape.backward(Xb, values=values, grads=grads, seed=seed)
            result = float(losses.sum() / len(losses)), replay  # np.mean's numbers
        else:
            replay = self.loss_tape.backward(Xb, self.targets(yb), values=values, grads=grads)
            result = float(np.mean(replay[:, self.column])), self._outputs(replay)
        if self.penalty is not None:
            self.penalty.backward(reduction="sum", values=values, grads=grads)
        return result

    def evaluate(self, X: np.ndarray, y: np.ndarray,
                 values: np.ndarray | None = None) -> tuple[float, np.ndarray]:  # fmt: skip
        """(mean loss, outputs) on the data, forward only."""
        assert self.loss_tape is not None
        if self.fused:
            return self._loss_and_outputs(self.loss_tape(X, values=values), y)
        return self._loss_and_outputs(self.loss_tape(X, self.targets(y), values=values), y)

    def _loss_and_outputs(self, replay: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        if self.fused:  # the outputs; the loss from them
            return float(np.mean(cross_entropy(replay, self.targets(y))[0])), replay
        return float(np.mean(replay[:, self.column])), self._outputs(replay)

    def outputs(self, X: np.ndarray) -> np.ndarray:
        """The model's outputs on the rows of X (a tape of the model alone, made once)."""
        if self._outputs_tape is None:
            self._outputs_tape = _model_tape(self.model, self.example, self.params)
        return self._outputs_tape(X)

    def _outputs(self, replay: np.ndarray) -> np.ndarray:
        first = self.column + 1
        return replay[:, first:] if self.several else replay[:, first]


def cross_entropy(z: np.ndarray, q: Any,
                  labels: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Per row of logits z and target row q: the loss -Σ_c q_c log softmax(z)_c and its
    gradient (Σ_c q_c) softmax(z) - q, in a few NumPy calls (where the tape of
    ``F.cross_entropy`` took ~20 steps per batch, its max shift included); rows with a
    non-finite logit by the engine (``F.cross_entropy``), whose conventions they need.
    ``labels`` (q then None): each row's class, q its one-hot row, for the same numbers in
    fewer calls (the loss lse - z_label, the gradient softmax minus 1 at the label)."""
    with np.errstate(all="ignore"):
        shift = z.max(axis=1, keepdims=True)
        e = z - shift
        np.exp(e, out=e)
        total = e.sum(axis=1, keepdims=True)
        lse = np.log(total)
        lse += shift
        e /= total
        if labels is None:
            assert q is not None
            loss = (q * (lse - z)).sum(axis=1)
            grad = q.sum(axis=1, keepdims=True) * e - q
        else:
            rows = np.arange(len(z))
            loss = lse[:, 0] - z[rows, labels]
            grad = e
            grad[rows, labels] -= 1.0
    if math.isfinite(loss.sum()):  # a non-finite logit makes its row's loss inf or nan
        return loss, grad
    for r in np.flatnonzero(~np.isfinite(z).all(axis=1)).tolist():
        with enable_grad():
            logits = [Value(float(x)) for x in z[r]]
            target = q[r] if labels is None else np.eye(z.shape[1])[labels[r]]
            value = F.cross_entropy([logits], [target])
            value.backward()
        loss[r], grad[r] = value.data, [x.grad for x in logits]
    return loss, grad


def traced_or_none(mode: Any, build: Callable[[], TracedModel], what: str) -> TracedModel | None:
    """``build()`` when ``mode`` is True; for "auto", None (with one warning saying why) when it
    fails; None when ``mode`` is False."""
    if mode not in MODES:
        raise ValueError(f"trace must be True, False or 'auto', got {mode!r}")
    if mode is False:
        return None
    if mode is True:
        return build()
    try:
        return build()
    except (TypeError, ValueError) as err:
        warnings.warn(
            f"{what}(trace='auto') runs untraced (slower, the same numbers): the first sample "
            f"could not be traced: {err}",
            TraceFallbackWarning,
            stacklevel=3,
        )
        return None


_DATA, _GRAD = operator.attrgetter("data"), operator.attrgetter("grad")
ARRAY_OPTIMIZERS = (SGD, Adam, AdamW)  # whose rules step on arrays too (not their subclasses)


class ParameterVector:
    """The optimizer's parameters as one float64 vector ``data``, their gradients as ``grad``,
    for a traced fit; ``model`` lists the positions of the tapes' parameters in it. ``sync()``
    writes ``.data``, ``.grad`` (and ``grad_graph`` None, as ``zero_grad`` leaves it) and the
    optimizer's state back to the Values. ValueError when the optimizer's state cannot be
    read as arrays, or when a model parameter is not in the optimizer."""

    def __init__(self, optimizer: Optimizer, params: list[Value]) -> None:
        self.optimizer, self.params = optimizer, optimizer.params
        position = {id(p): i for i, p in enumerate(self.params)}
        missing = sum(id(p) not in position for p in params)
        if missing:
            raise ValueError(f"{missing} of the model's parameters are not in the optimizer")
        self.state = optimizer._arrays_state()
        n = len(self.params)
        self.model = np.array([position[id(p)] for p in params], dtype=np.intp)
        self.whole = len(params) == n and bool((self.model == np.arange(n)).all())
        self.data = np.fromiter(map(_DATA, self.params), float, n)
        self.grad = np.fromiter(map(_GRAD, self.params), float, n)
        self.stepped = False  # zero_grad has run: grad_graph is None

    def step(self, traced: TracedModel, Xb: np.ndarray, yb: np.ndarray) -> tuple[float, Any]:
        """``zero_grad``, the replay's gradients, ``optimizer.step`` on the arrays."""
        self.stepped = True
        self.grad[:] = 0.0
        if self.whole:
            result = traced.step(Xb, yb, self.data, self.grad)
        else:
            grads = np.zeros(len(self.model))
            result = traced.step(Xb, yb, self.data[self.model], grads)
            self.grad[self.model] += grads  # each position once
        self.optimizer._step_arrays(self.data, self.grad, self.state)
        return result

    def values(self) -> np.ndarray:
        """The model's parameters' values, in the tapes' order."""
        return self.data if self.whole else self.data[self.model]

    def sync(self) -> None:
        """Write the arrays back to the Values and the optimizer's per-parameter state."""
        deque(map(setattr, self.params, repeat("data"), self.data.tolist()), maxlen=0)
        deque(map(setattr, self.params, repeat("grad"), self.grad.tolist()), maxlen=0)
        if self.stepped:
            deque(map(setattr, self.params, repeat("grad_graph"), repeat(None)), maxlen=0)
        self.optimizer._store_arrays_state(self.state)


def parameter_vector(optimizer: Optimizer, traced: TracedModel | None) -> ParameterVector | None:
    """The parameters as arrays for a traced fit, or None (per Value: the optimizer is a class
    of its own, or the model's parameters are not all in it, said once)."""
    if traced is None or type(optimizer) not in ARRAY_OPTIMIZERS:
        return None
    try:
        return ParameterVector(optimizer, traced.params)
    except ValueError as err:
        warnings.warn(f"fit keeps the parameters per Value (slower, the same numbers): {err}",
                      TraceFallbackWarning, stacklevel=3)  # fmt: skip
        return None
