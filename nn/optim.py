"""Optimizers with PyTorch's update formulas and defaults, and learning-rate schedules.

The optimizer keeps its state (momentum buffers, moment estimates, step count) itself, indexed
like its parameter list; parameters carry only ``data`` and ``grad``.
"""

from __future__ import annotations

import math
import numbers
import operator
import warnings
from collections import deque
from collections.abc import Callable, Iterable
from itertools import repeat
from typing import Any

import numpy as np

from autograd import Value

_DATA, _GRAD = operator.attrgetter("data"), operator.attrgetter("grad")


class Optimizer:
    """Base class: holds the parameters, the learning rate and per-parameter state."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        given = list(params)
        if not given:
            raise ValueError("optimizer got an empty parameter list")
        for p in given:
            if not isinstance(p, Value):
                raise TypeError(f"optimizer parameters must be Values, got {type(p).__name__}")
        self.params = list(dict.fromkeys(given))  # a Value given twice would be stepped twice
        if len(self.params) < len(given):
            warnings.warn(
                f"optimizer got {len(given) - len(self.params)} parameter(s) more than once "
                f"(tied or repeated); each is updated once per step",
                UserWarning,
                stacklevel=2,
            )
        self.lr = _check("lr", lr, minimum=0.0)
        self.base_lr = self.lr
        self.state: list[dict] = [{} for _ in self.params]
        self.steps = 0

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (and its ``grad_graph`` to None)."""
        for p in self.params:
            p.grad = 0.0
            p.grad_graph = None  # the gradient as a graph, after backward(create_graph=True)

    def step(self) -> None:
        """Update every parameter from its ``grad``."""
        self.steps += 1
        for p, state in zip(self.params, self.state, strict=True):
            self._update(p, state)

    def _update(self, p: Value, state: dict) -> None:
        raise NotImplementedError

    # --- the same rules on arrays (nn.fit(trace=...) keeps parameters in one vector) -----------
    # Each array rule does the same float operations in the same order as ``_update`` does per
    # parameter, so both give the same numbers (tests/nn/test_optim_arrays.py); on
    # MLP(64, [32, 10])'s 2,410 parameters a step on arrays took ~10 µs (profiled) where the
    # per-Value SGD step took ~720 µs.
    _state_keys: tuple[str, ...] = ()  # the per-parameter state an array rule keeps

    def _arrays_state(self) -> dict[str, np.ndarray | None]:
        """The per-parameter state as arrays (None: no parameter has it yet); ValueError when
        only some parameters have it."""
        state = {}
        for key in self._state_keys:
            held = [key in s for s in self.state]
            if any(held) and not all(held):
                raise ValueError(f"only some parameters have the optimizer state {key!r}")
            state[key] = np.array([s[key] for s in self.state], float) if all(held) else None
        return state

    def _store_arrays_state(self, state: dict[str, np.ndarray | None]) -> None:
        """Write the arrays' state back to the per-parameter state dicts."""
        for key, array in state.items():
            if array is not None:
                for s, x in zip(self.state, array.tolist(), strict=True):
                    s[key] = x

    def _step_arrays(self, w: np.ndarray, g: np.ndarray, state: dict) -> None:
        """``step()`` on the parameters' values ``w`` (updated in place) and gradients ``g``."""
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, as ``torch.optim.SGD``:

    g = grad + weight_decay · w
    b = g (first step), else b = momentum · b + (1 - dampening) · g
    g = g + momentum · b (Nesterov), else g = b      (when momentum > 0)
    w = w - lr · g
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _check("momentum", momentum, minimum=0.0)
        self.dampening = _check("dampening", dampening, minimum=0.0)
        self.weight_decay = _check("weight_decay", weight_decay, minimum=0.0)
        if nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum > 0 and zero dampening")
        self.nesterov = bool(nesterov)

    def step(self) -> None:
        """Update every parameter from its ``grad``."""
        if self.momentum or self.weight_decay:
            super().step()
            return
        # Plain SGD, w - lr·g for all parameters at once, read and written by C loops (map):
        # on MLP(64, [32, 10])'s 2,410 parameters a call per parameter took longer than the
        # traced replay of a batch of 32. The same float operations, so the same numbers.
        self.steps += 1
        n = len(self.params)
        data = np.fromiter(map(_DATA, self.params), float, n)
        grad = np.fromiter(map(_GRAD, self.params), float, n)
        new = (data - self.lr * grad).tolist()
        deque(map(setattr, self.params, repeat("data"), new), maxlen=0)

    def _update(self, p: Value, state: dict) -> None:
        g = p.grad + self.weight_decay * p.data
        if self.momentum:
            buf = state.get("momentum_buffer")
            buf = g if buf is None else self.momentum * buf + (1 - self.dampening) * g
            state["momentum_buffer"] = buf
            g = g + self.momentum * buf if self.nesterov else buf
        p.data -= self.lr * g

    _state_keys = ("momentum_buffer",)

    def _step_arrays(self, w: np.ndarray, g: np.ndarray, state: dict) -> None:
        self.steps += 1
        if self.momentum or self.weight_decay:  # as _update: g + 0·w is g only for finite w
            g = g + self.weight_decay * w
        if self.momentum:
            buf = state["momentum_buffer"]
            buf = g.copy() if buf is None else self.momentum * buf + (1 - self.dampening) * g
            state["momentum_buffer"] = buf
            g = g + self.momentum * buf if self.nesterov else buf
        w -= self.lr * g


class Adam(Optimizer):
    """Adam, as ``torch.optim.Adam`` (weight decay added to the gradient, L2 style):

    g = grad + weight_decay · w
    m = β1 m + (1 - β1) g,   v = β2 v + (1 - β2) g²
    w = w - lr · (m / (1 - β1^t)) / (sqrt(v / (1 - β2^t)) + eps)
    """

    decoupled = False

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = tuple(
            _check(f"beta{i + 1}", b, minimum=0.0, below=1.0) for i, b in enumerate(betas)
        )
        self.eps = _check("eps", eps, minimum=0.0)
        self.weight_decay = _check("weight_decay", weight_decay, minimum=0.0)

    def _update(self, p: Value, state: dict) -> None:
        beta1, beta2 = self.betas
        g = p.grad
        if self.decoupled:
            p.data *= 1 - self.lr * self.weight_decay
        else:
            g = g + self.weight_decay * p.data
        m = beta1 * state.get("m", 0.0) + (1 - beta1) * g
        v = beta2 * state.get("v", 0.0) + (1 - beta2) * g * g
        state["m"], state["v"] = m, v
        t = self.steps
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        p.data -= self.lr * m_hat / (math.sqrt(v_hat) + self.eps)

    _state_keys = ("m", "v")

    def _step_arrays(self, w: np.ndarray, g: np.ndarray, state: dict) -> None:
        self.steps += 1
        beta1, beta2 = self.betas
        if self.decoupled:
            w *= 1 - self.lr * self.weight_decay
        else:
            g = g + self.weight_decay * w
        m, v = state["m"], state["v"]
        m = beta1 * (0.0 if m is None else m) + (1 - beta1) * g
        v = beta2 * (0.0 if v is None else v) + (1 - beta2) * g * g
        state["m"], state["v"] = m, v
        t = self.steps
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        w -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class AdamW(Adam):
    """Adam with decoupled weight decay, as ``torch.optim.AdamW``: w = w (1 - lr · weight_decay)
    before the Adam step, which then uses the plain gradient. Default weight decay 1e-2."""

    decoupled = True

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)


class LambdaLR:
    """Learning-rate schedule: after k calls of ``step()``, lr = base_lr · lr_lambda(k).

    >>> schedule = LambdaLR(optimizer, lambda k: 1.0 - 0.9 * k / 100)  # micrograd's demo
    """

    def __init__(self, optimizer: Optimizer, lr_lambda: Callable[[int], float]) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"expected an optimizer, got {type(optimizer).__name__}")
        if not callable(lr_lambda):
            raise TypeError(f"lr_lambda must be a callable of the step number, got {lr_lambda!r}")
        self.optimizer = optimizer
        self.lr_lambda = lr_lambda
        self.count = 0
        self._apply()

    def step(self) -> None:
        """Advance the schedule by one (call after ``optimizer.step()``)."""
        self.count += 1
        self._apply()

    def _apply(self) -> None:
        factor = self.lr_lambda(self.count)
        self.optimizer.lr = _check("scheduled lr", self.optimizer.base_lr * factor, minimum=0.0)


class StepLR(LambdaLR):
    """lr = base_lr · gamma ** (k // step_size): decay by ``gamma`` every ``step_size`` steps."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        if not isinstance(step_size, int) or step_size < 1:
            raise ValueError(f"step_size must be a positive int, got {step_size!r}")
        gamma = _check("gamma", gamma, minimum=0.0)
        super().__init__(optimizer, lambda k: gamma ** (k // step_size))


def _check(name: str, x: Any, minimum: float, below: float | None = None) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or math.isnan(x):
        raise ValueError(f"{name} must be a real number (int, float or NumPy), got {x!r}")
    x = float(x)
    if x < minimum or (below is not None and x >= below):
        accepted = f"in [{minimum:g}, {below:g})" if below is not None else f">= {minimum:g}"
        raise ValueError(f"{name} must be {accepted}, got {x!r}")
    return float(x)
