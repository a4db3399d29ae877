"""``fit``: mini-batch training with a progress bar, returning the per-epoch history."""

from __future__ import annotations

import contextlib
import gc
import numbers
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from autograd import Value, enable_grad, no_grad

from . import functional as F
from .data import Data, Seed, _check_data, batches
from .init import generator
from .module import Module
from .optim import SGD, LambdaLR, Optimizer
from .traced import TracedModel, parameter_vector, traced_or_none


@dataclass
class History:
    """Per-epoch training (and validation) loss, and accuracy when the task is classification."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)


Outputs = np.ndarray | Sequence[Any]  # a traced replay's array, or per sample Values
Pair = tuple[np.ndarray, np.ndarray]  # (X, y): samples and their targets
Penalty = Callable[[list[Value]], Value]  # fit's regulariser of the parameters


def _number(o: Any) -> float:
    """An output as a number: a Value's data, or the number a traced replay gave."""
    return o.data if isinstance(o, Value) else float(o)


def _numbers(outputs: Any) -> np.ndarray:
    """Outputs as an array: (n,) or (n, k); a traced replay's already are."""
    if isinstance(outputs, np.ndarray):
        return outputs
    return np.array([[_number(v) for v in o] if isinstance(o, (list, tuple)) else _number(o)
                     for o in outputs], dtype=float)  # fmt: skip


def _sign_classes(outputs: Outputs, labels: Data) -> np.ndarray:
    return (_numbers(outputs) > 0) == (np.asarray(labels) > 0)


def _threshold(level: float) -> Callable:
    def correct(outputs: Outputs, labels: Data) -> np.ndarray:
        return (_numbers(outputs) > level) == (np.asarray(labels) > 0.5)

    return correct


def _argmax_classes(outputs: Outputs, labels: Data) -> np.ndarray:
    labels = np.asarray(labels)
    classes = labels.astype(int) if labels.ndim == 1 else np.argmax(labels, axis=1)
    return np.argmax(_numbers(outputs).reshape(len(labels), -1), axis=1) == classes


# Accuracy rules by name: how a prediction is read as a class.
ACCURACY = {
    "sign": _sign_classes,  # scores against labels ±1 (hinge loss)
    "logit": _threshold(0.0),  # a logit against labels 0/1
    "probability": _threshold(0.5),  # a probability against labels 0/1
    "argmax": _argmax_classes,  # one output per class against class indices or one-hot rows
}

# The rule metrics="auto" picks for each of nn's classification losses; other losses get none.
_ACCURACY = {
    F.hinge_loss: _sign_classes,
    F.binary_cross_entropy: _threshold(0.5),
    F.binary_cross_entropy_with_logits: _threshold(0.0),
    F.cross_entropy: _argmax_classes,
    F.nll_loss: _argmax_classes,
}


def fit(
    model: Module,
    X: Data,
    y: Data,
    loss: Callable = F.mse_loss,
    optimizer: Optimizer | None = None,
    epochs: int = 10,
    batch_size: int | None = None,
    validation: tuple | None = None,
    progress: bool = True,
    penalty: Penalty | None = None,
    scheduler: LambdaLR | None = None,
    seed: Seed = None,
    metrics: str | Callable | None = "auto",
    lr: float | None = None,
    trace: bool | str = "auto",
) -> History:
    """Train ``model`` on (X, y) for ``epochs`` passes and return the ``History``.

    - ``loss(outputs, targets)``: a function of ``nn.functional`` (or any with that signature);
      hinge, binary and categorical cross-entropy losses also get an accuracy per epoch.
    - ``optimizer``: an optimizer object, e.g. ``Adam(model.parameters(), lr=0.01)``; by
      default ``SGD(model.parameters(), lr=lr)`` with ``lr`` 0.1 unless given.
    - ``metrics``: how ``history.accuracy`` reads a prediction: "sign" (scores against ±1),
      "logit" or "probability" (against 0/1), "argmax" (one output per class), a function
      ``(outputs, targets) -> per-sample bools``, None for no accuracy, or "auto": the rule
      that nn's own classification losses imply.
    - ``batch_size``: None for full-batch gradient descent, 1 for single-sample SGD.
    - ``validation``: an (X_val, y_val) pair evaluated after each epoch.
    - ``penalty(params)``: a regulariser added to each batch's loss, e.g.
      ``lambda ps: 1e-4 * l2_penalty(ps)``.
    - ``scheduler``: stepped once per epoch.
    - ``progress``: a tqdm bar showing epoch, loss and accuracy; False silences it.

    ``trace``: "auto" (the default) records one sample's graph once (``autograd.trace``) and
    replays it with NumPy over each batch: the same numbers as the engine, far faster, for any
    model and any of nn's losses; when the first sample cannot be traced (a loss of your own, an
    operation made by ``Value.from_op``) it trains untraced and says why once. True insists
    (raises instead), False never traces. Samples on which the model's Python decisions differ
    from the traced sample's are computed by the engine (``autograd.TraceFallbackWarning``).
    Training records gradients even inside ``no_grad``, as it must. While a traced fit runs
    with one of nn's optimizers (SGD, Adam, AdamW; not a subclass), the parameters and their
    gradients are kept in arrays and the optimizer steps on them by the same formulas; the
    Values' ``.data`` and ``.grad`` and the optimizer's state are written back when the fit
    returns or stops (an exception, Ctrl-C), and before the engine computes a sample. Code that
    runs between steps (a metrics function, a scheduler's ``lr_lambda``) sees the parameters
    as they were when the fit started.

    Python's cyclic garbage collector stays on while training, tuned (``gc.freeze()`` and a
    higher threshold, restored after) so that its scans of the live graph cost little.
    """
    X, y, validation, epochs, batch_size = _checked(model, X, y, validation, epochs, batch_size)
    if not callable(loss):
        raise TypeError(f"loss must be a callable (outputs, targets) -> Value, got {loss!r}")
    optimizer = _optimizer(model, optimizer, lr)
    accuracy_of = _accuracy_rule(metrics, loss)
    rng, history = generator(seed), History()
    with _collector_tuned():  # tracing too: its graph is live while it records
        traced = traced_or_none(trace, lambda: TracedModel(model, X, y, loss, penalty), "fit")
    steps = _Steps(model, loss, penalty, optimizer, traced)
    bar = tqdm(range(1, epochs + 1), desc="epoch", disable=not progress, leave=True)
    try:
        with _collector_tuned():
            for _epoch in bar:
                size = batch_size or len(X)
                pairs = batches(X, y, size, seed=rng) if size < len(X) else [(X, y)]
                batch_loss, accuracy = steps.epoch(pairs, accuracy_of)
                history.loss.append(batch_loss)
                if accuracy is not None:
                    history.accuracy.append(accuracy)
                if validation is not None:
                    val_loss, val_acc = steps.scores(validation, accuracy_of)
                    history.val_loss.append(val_loss)
                    if val_acc is not None:
                        history.val_accuracy.append(val_acc)
                if scheduler is not None:
                    scheduler.step()
                if progress:
                    bar.set_postfix(_postfix(history))
    finally:  # the parameters as the steps taken left them, whatever stopped the fit
        steps.sync()
        bar.close()
    return history


class _Steps:
    """fit's training steps: by the engine, or by the traced replay (``traced``), with the
    parameters as arrays while training when the optimizer allows (``nn.traced``)."""

    def __init__(self, model: Module, loss: Callable, penalty: Penalty | None,
                 optimizer: Optimizer, traced: TracedModel | None) -> None:  # fmt: skip
        self.model, self.loss, self.penalty = model, loss, penalty
        self.optimizer, self.traced = optimizer, traced
        self.vector = parameter_vector(optimizer, traced)

    def epoch(self, pairs: Iterable[Pair], accuracy_of: Callable | None) -> tuple[float, Any]:
        """One pass over the (X, y) batches: (the mean loss, the fraction of samples right, or
        None without ``accuracy_of``)."""
        losses, weights, right = [], [], 0
        for Xb, yb in pairs:
            batch_value, outputs = self.step(Xb, yb)
            losses.append(batch_value)
            weights.append(len(Xb))
            if accuracy_of:
                right += int(np.count_nonzero(accuracy_of(outputs, yb)))
        mean = losses[0] if len(losses) == 1 else float(np.average(losses, weights=weights))
        return mean, right / sum(weights) if accuracy_of else None

    def step(self, Xb: np.ndarray, yb: np.ndarray) -> tuple[float, Outputs]:
        """zero_grad, the batch's gradients, the optimizer's step: (batch loss, outputs)."""
        if self.vector is not None:
            assert self.traced is not None  # a parameter vector is made for a traced fit only
            return self.vector.step(self.traced, Xb, yb)
        self.optimizer.zero_grad()
        result: tuple[float, Outputs]
        if self.traced is not None:  # the same step, replayed over the batch with NumPy
            result = self.traced.step(Xb, yb)
        else:
            result = _engine_step(self.model, Xb, yb, self.loss, self.penalty)
        self.optimizer.step()
        return result

    def scores(self, data: Pair, accuracy_of: Callable | None) -> tuple[float, float | None]:
        """(loss, accuracy or None) on the (X, y) pair ``data``, with the steps taken so far."""
        values = None if self.vector is None else self.vector.values()
        X, y = data
        return _scores(self.model, X, y, self.loss, accuracy_of, self.traced, values)

    def sync(self) -> None:
        if self.vector is not None:
            self.vector.sync()


def _checked(
    model: Module, X: Data, y: Data, validation: Any, epochs: Any, batch_size: Any
) -> tuple[np.ndarray, np.ndarray, Pair | None, int, int | None]:
    """fit's data and counts, checked: (X, y, validation, epochs, batch_size)."""
    if not isinstance(model, Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    X, y = _check_data(model, X, y, "X", "y")
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise ValueError("validation must be an (X_val, y_val) pair")
        X_val, y_val = validation
        validation = _check_data(model, X_val, y_val, "X_val", "y_val")
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    if batch_size is not None and (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, numbers.Integral)
        or batch_size < 1
    ):
        raise ValueError(f"batch_size must be a positive int or None, got {batch_size!r}")
    return X, y, validation, int(epochs), None if batch_size is None else int(batch_size)


def _engine_step(model: Module, Xb: np.ndarray, yb: np.ndarray, loss: Callable,
                 penalty: Penalty | None) -> tuple[float, list]:  # fmt: skip
    """One step by the engine: gradients added to ``.grad``; (batch loss, outputs)."""
    with enable_grad():  # training records history, even inside a caller's no_grad
        outputs = [model(row) for row in Xb]
        batch_loss = loss(outputs, yb)
        total = batch_loss + penalty(model.parameters()) if penalty else batch_loss
        total.backward()
    return batch_loss.data, outputs


def _scores(model: Module, X: np.ndarray, y: np.ndarray, loss: Callable,
            accuracy_of: Callable | None, traced: TracedModel | None,
            values: np.ndarray | None = None) -> tuple[float, float | None]:  # fmt: skip
    """(loss, accuracy or None) on (X, y): by ``traced`` (a TracedModel, with the parameters'
    ``values`` when they are arrays) or the engine."""
    outputs: Outputs
    if traced is not None and len(X):
        value, outputs = traced.evaluate(X, y, values)
    else:
        with no_grad():
            outputs = [model(row) for row in X]
            value = float(loss(outputs, y).data)
    return value, float(np.mean(accuracy_of(outputs, y))) if accuracy_of else None


def _optimizer(model: Module, optimizer: object, lr: Any) -> Optimizer:
    if isinstance(optimizer, type):
        raise TypeError(
            f"optimizer must be an optimizer object, like {optimizer.__name__}(model.parameters(), "
            f"lr=0.01), not the class {optimizer.__name__}"
        )
    if optimizer is None:
        return SGD(model.parameters(), lr=0.1 if lr is None else lr)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an nn.optim optimizer, got {type(optimizer).__name__}")
    if lr is not None:
        raise TypeError("give lr= or an optimizer (which has its own lr), not both")
    return optimizer


def _accuracy_rule(metrics: object, loss: Callable) -> Callable | None:
    if metrics == "auto":
        return _ACCURACY.get(loss)
    if metrics is None or callable(metrics):
        return metrics
    if metrics in ACCURACY:
        return ACCURACY[metrics]
    raise ValueError(
        f"metrics must be 'auto', None, a function (outputs, targets) -> bools, or one of "
        f"{', '.join(map(repr, ACCURACY))}; got {metrics!r}"
    )


class _Collector:
    lock = threading.Lock()
    users = 0  # fits running now
    thresholds = gc.get_threshold()  # as they were before the first of them started
    froze = False  # whether the first froze the live objects (not if the program had)


YOUNG_THRESHOLD = 100_000  # net allocations between two collections of the youngest generation


@contextlib.contextmanager
def _collector_tuned() -> Iterator[None]:
    """Python's cyclic garbage collector left on while training, tuned so that it costs little,
    and as it was afterwards.

    A training step's graph holds no reference cycles, so reference counting frees it; the
    collector would only scan the tens of thousands of live nodes again and again (60% of each
    step of MLP(2, [16, 16, 1]) on 80 points). ``gc.freeze()`` moves every object alive when
    training starts (the model, the data, the rest of the program) to a generation the collector
    never scans, and the youngest generation's threshold is raised from 700 to 100,000 net
    allocations, so that a step's short-lived nodes rarely start a collection. The collector
    still runs, so reference cycles made meanwhile (by another thread, or by a loss function)
    are freed. The first fit to start tunes and the last to end restores (fits in threads).
    Measured on 3-step fits of that model on 100 points, interleaved in one process: 158 ms a
    step tuned, 156 ms with the collector off (what fit did before), 207 ms left as it was.
    """
    with _Collector.lock:
        if _Collector.users == 0:
            _Collector.thresholds = young, *older = gc.get_threshold()
            _Collector.froze = gc.get_freeze_count() == 0
            if _Collector.froze:
                gc.freeze()
            gc.set_threshold(max(young, YOUNG_THRESHOLD), *older)
        _Collector.users += 1
    try:
        yield
    finally:
        with _Collector.lock:
            _Collector.users -= 1
            if _Collector.users == 0:
                gc.set_threshold(*_Collector.thresholds)
                if _Collector.froze:
                    gc.unfreeze()


def evaluate(
    model: Module,
    X: Data,
    y: Data,
    loss: Callable = F.mse_loss,
    metrics: str | Callable | None = "auto",
    trace: bool | str = False,
) -> tuple[float, float | None]:
    """(loss, accuracy or None) of ``model`` on (X, y), without recording a graph for training;
    ``trace=True`` (or "auto") replays one traced sample over all rows, as ``fit`` does."""
    X, y = _check_data(model, X, y, "X", "y")
    accuracy_of = _accuracy_rule(metrics, loss)
    traced = None
    if len(X):
        traced = traced_or_none(trace, lambda: TracedModel(model, X, y, loss), "evaluate")
    return _scores(model, X, y, loss, accuracy_of, traced)


def predict(model: Module, X: Data, trace: bool | str = False) -> np.ndarray:
    """The model's outputs on each row of X as a float array (n,) or (n, n_outputs);
    ``trace=True`` (or "auto") replays one traced sample over all rows with NumPy."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (samples, features), got shape {X.shape}")
    if len(X):
        traced = traced_or_none(trace, lambda: TracedModel(model, X, None, None), "predict")
        if traced is not None:
            return traced.outputs(X)
    rows = []
    with no_grad():
        for row in X:
            out = model(row)
            rows.append(out.data if isinstance(out, Value) else [v.data for v in out])
    return np.array(rows)


def _postfix(history: History) -> dict:
    shown = {"loss": f"{history.loss[-1]:.4f}"}
    if history.accuracy:
        shown["acc"] = f"{history.accuracy[-1]:.3f}"
    if history.val_loss:
        shown["val_loss"] = f"{history.val_loss[-1]:.4f}"
    return shown
