"""``fit``: mini-batch training with a progress bar, returning the per-epoch history."""

from __future__ import annotations

import contextlib
import gc
import numbers
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from tqdm import tqdm

from autograd import Value, no_grad
from autograd import trace as trace_function

from . import functional as F
from .data import batches
from .init import generator
from .module import Module
from .optim import SGD, LambdaLR, Optimizer


@dataclass
class History:
    """Per-epoch training (and validation) loss, and accuracy when the task is classification."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)


def _number(o: Any) -> float:
    """An output as a number: a Value's data, or the number a traced replay gave."""
    return o.data if isinstance(o, Value) else float(o)


def _sign_classes(outputs, labels) -> np.ndarray:
    return np.array([(_number(o) > 0) == (t > 0) for o, t in zip(outputs, labels, strict=True)])


def _threshold(level: float) -> Callable:
    def correct(outputs, labels):
        return np.array(
            [(_number(o) > level) == (t > 0.5) for o, t in zip(outputs, labels, strict=True)]
        )

    return correct


def _argmax_classes(outputs, labels) -> np.ndarray:
    def predicted(row):
        return int(np.argmax([_number(v) for v in row]))

    def label(t):
        return int(t) if np.ndim(t) == 0 else int(np.argmax(t))

    return np.array([predicted(o) == label(t) for o, t in zip(outputs, labels, strict=True)])


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
    X,
    y,
    loss: Callable = F.mse_loss,
    optimizer: Optimizer | None = None,
    epochs: int = 10,
    batch_size: int | None = None,
    validation: tuple | None = None,
    progress: bool = True,
    penalty: Callable[[list[Value]], Value] | None = None,
    scheduler: LambdaLR | None = None,
    seed=None,
    metrics: str | Callable | None = "auto",
    lr: float | None = None,
    trace: bool = False,
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

    ``trace=True`` records one sample's graph once (``autograd.trace``) and replays it with
    NumPy over each batch: the same gradients, far faster, for a model with one output and the
    losses mse, l1, hinge and binary cross-entropy with logits (their structure does not depend
    on the data; the trace is checked on a second sample).

    Python's cyclic garbage collector stays on while training, tuned (``gc.freeze()`` and a
    higher threshold, restored after) so that its scans of the live graph cost little.
    """
    if not isinstance(model, Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    X, y = _check_data(model, X, y, "X", "y")
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise ValueError("validation must be an (X_val, y_val) pair")
        validation = _check_data(model, *validation, "X_val", "y_val")
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    if batch_size is not None and (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, numbers.Integral)
        or batch_size < 1
    ):
        raise ValueError(f"batch_size must be a positive int or None, got {batch_size!r}")
    epochs = int(epochs)
    batch_size = None if batch_size is None else int(batch_size)
    if not callable(loss):
        raise TypeError(f"loss must be a callable (outputs, targets) -> Value, got {loss!r}")
    optimizer = _optimizer(model, optimizer, lr)
    accuracy_of = _accuracy_rule(metrics, loss)
    tapes = _tapes(model, X, y, loss, penalty) if trace else None
    rng = generator(seed)
    history = History()
    bar = tqdm(range(1, epochs + 1), desc="epoch", disable=not progress, leave=True)
    with _collector_tuned():
        for _epoch in bar:
            size = batch_size or len(X)
            losses, weights, correct = [], [], []
            for Xb, yb in batches(X, y, size, shuffle=size < len(X), seed=rng):
                optimizer.zero_grad()
                if tapes is not None:  # the same step, replayed over the batch with NumPy
                    loss_tape, output_tape, penalty_tape = tapes
                    batch_value = float(np.mean(loss_tape.backward(Xb, yb)))
                    if penalty_tape is not None:
                        penalty_tape.backward(reduction="sum")
                    outputs: Any = output_tape(Xb) if accuracy_of else []
                else:
                    outputs = [model(row) for row in Xb]
                    batch_loss = loss(outputs, yb)
                    total = batch_loss + penalty(model.parameters()) if penalty else batch_loss
                    total.backward()
                    batch_value = batch_loss.data
                optimizer.step()
                losses.append(batch_value)
                weights.append(len(Xb))
                if accuracy_of:
                    correct.extend(accuracy_of(outputs, yb))
            history.loss.append(float(np.average(losses, weights=weights)))
            if accuracy_of:
                history.accuracy.append(float(np.mean(correct)))
            if validation is not None:
                val_loss, val_acc = evaluate(model, *validation, loss=loss, metrics=metrics)
                history.val_loss.append(val_loss)
                if val_acc is not None:
                    history.val_accuracy.append(val_acc)
            if scheduler is not None:
                scheduler.step()
            bar.set_postfix(_postfix(history))
    bar.close()
    return history


# The losses a trace replays: their graph for one sample does not depend on the data.
_TRACEABLE = (F.mse_loss, F.l1_loss, F.hinge_loss, F.binary_cross_entropy_with_logits)


def _tapes(model: Module, X: np.ndarray, y: np.ndarray, loss: Callable, penalty):
    """The traced per-sample loss (checked on a second sample), the traced model output, and
    the traced penalty (a function of the parameters alone), or None."""
    if getattr(model, "nout", 1) != 1 or y.ndim != 1:
        raise ValueError(
            "trace=True trains models with one output and one target per sample; "
            "train this one untraced (trace=False)"
        )
    if loss not in _TRACEABLE:
        names = ", ".join(f.__name__ for f in _TRACEABLE)
        raise ValueError(
            f"trace=True replays the losses {names}; got {getattr(loss, '__name__', loss)!r}: "
            f"train untraced (trace=False)"
        )
    params = model.parameters()
    second = (X[1], float(y[1])) if len(X) > 1 else None
    loss_tape = trace_function(lambda x, t: loss([model(x)], [t]), X[0], float(y[0]),
                               params=params, check=second)  # fmt: skip
    output_tape = trace_function(model, X[0], params=params)
    penalty_tape = trace_function(lambda: penalty(params), params=params) if penalty else None
    return loss_tape, output_tape, penalty_tape


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


def _positive_int(n: object) -> bool:
    """An int (NumPy's included, bool not) of at least 1."""
    return not isinstance(n, bool) and isinstance(n, numbers.Integral) and int(n) >= 1


class _Collector:
    lock = threading.Lock()
    users = 0  # fits running now
    thresholds = gc.get_threshold()  # as they were before the first of them started
    froze = False  # whether the first froze the live objects (not if the program had)


YOUNG_THRESHOLD = 100_000  # net allocations between two collections of the youngest generation


@contextlib.contextmanager
def _collector_tuned():
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
    X,
    y,
    loss: Callable = F.mse_loss,
    metrics: str | Callable | None = "auto",
    trace: bool = False,
) -> tuple[float, float | None]:
    """(loss, accuracy or None) of ``model`` on (X, y), without recording a graph for training;
    ``trace=True`` replays one traced sample over all rows, as ``fit(trace=True)`` does."""
    X, y = _check_data(model, X, y, "X", "y")
    accuracy_of = _accuracy_rule(metrics, loss)
    if trace and len(X):
        loss_tape, output_tape, _ = _tapes(model, X, y, loss, None)
        outputs = output_tape(X)
        accuracy = float(np.mean(accuracy_of(outputs, y))) if accuracy_of else None
        return float(np.mean(loss_tape(X, y))), accuracy
    with no_grad():
        outputs = [model(row) for row in X]
        value = float(loss(outputs, y).data)
    accuracy = float(np.mean(accuracy_of(outputs, y))) if accuracy_of else None
    return value, accuracy


def predict(model: Module, X, trace: bool = False) -> np.ndarray:
    """The model's outputs on each row of X as a float array (n,) or (n, n_outputs);
    ``trace=True`` replays one traced sample over all rows with NumPy (one-output models)."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (samples, features), got shape {X.shape}")
    if trace and len(X):
        if getattr(model, "nout", 1) != 1:
            raise ValueError("predict(trace=True) takes a model with one output")
        return trace_function(model, X[0], params=model.parameters())(X)
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


def _check_data(model: Module, X, y, x_name: str, y_name: str) -> tuple[np.ndarray, np.ndarray]:
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"{x_name} must be 2-D (samples, features), got shape {X.shape}")
    nin = getattr(model, "nin", None)
    if nin is not None and X.shape[1] != nin:
        raise ValueError(f"{x_name} has {X.shape[1]} features per sample but the model takes {nin}")
    if y.ndim == 0 or len(y) != len(X):
        raise ValueError(
            f"{x_name} has {len(X)} samples but {y_name} has {len(y) if y.ndim else 'no axis'}"
        )
    if not np.issubdtype(X.dtype, np.number):
        raise ValueError(f"{x_name} must hold numbers, got dtype {X.dtype}")
    for name, data in ((x_name, X), (y_name, y)):
        if np.issubdtype(data.dtype, np.number):
            bad = ~np.isfinite(data.reshape(len(data), -1)).all(axis=1)
            if bad.any():
                rows = np.flatnonzero(bad)
                raise ValueError(
                    f"{name} has NaN or infinite values in {len(rows)} row(s), the first at row "
                    f"{rows[0]}: {data[rows[0]]!r}; training on them would turn every parameter "
                    f"into NaN"
                )
    return X, y
