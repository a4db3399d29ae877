"""One training step of micrograd's demo, in micrograd 0.1.0 and in pathgrad's nn, timed as
consecutive steps in a loop (engines alternating round by round, the garbage collector on).

The step: MLP(2, [16, 16, 1]) on 100 two-moons points, mean hinge loss + 1e-4 · L2 penalty,
backward, SGD with lr = 1.0 - 0.9 · k / 100. micrograd's side is its own demo code; pathgrad's is
what a user writes with nn.MLP, nn.functional and nn.optim.SGD.
"""

from __future__ import annotations

import statistics
import time

import micrograd.engine as mg_engine
import micrograd.nn as mg_nn

import nn
from nn import functional as F
from nn.optim import SGD, LambdaLR

TARGET = 1 / 10


def micrograd_steps(X, y, steps: int, model=None):
    model = model or mg_nn.MLP(2, [16, 16, 1])
    for k in range(steps):
        inputs = [list(map(mg_engine.Value, row)) for row in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in model.parameters())
        total = data_loss + reg_loss
        model.zero_grad()
        total.backward()
        lr = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= lr * p.grad
    return model


def pathgrad_steps(X, y, steps: int, model=None):
    model = model or nn.MLP(2, [16, 16, 1], seed=0)
    opt = SGD(model.parameters(), lr=1.0)
    schedule = LambdaLR(opt, lambda k: 1.0 - 0.9 * k / 100)
    for _ in range(steps):
        scores = [model(row) for row in X]
        total = F.hinge_loss(scores, y) + 1e-4 * F.l2_penalty(model.parameters())
        opt.zero_grad()
        total.backward()
        opt.step()
        schedule.step()
    return model


def fit_steps(X, y, steps: int, model=None):
    """The same steps through ``nn.fit`` (one full-batch epoch is one step), which tunes the
    cyclic garbage collector while it trains."""
    model = model or nn.MLP(2, [16, 16, 1], seed=0)
    opt = SGD(model.parameters(), lr=1.0)
    schedule = LambdaLR(opt, lambda k: 1.0 - 0.9 * k / 100)
    nn.fit(model, X, y, loss=F.hinge_loss, optimizer=opt, scheduler=schedule, epochs=steps,
           penalty=lambda ps: 1e-4 * F.l2_penalty(ps), progress=False)  # fmt: skip
    return model


def run_training(quick: bool = False) -> float:
    X, y = nn.data.make_moons(100, noise=0.1, seed=0)
    y = (y * 2 - 1).tolist()
    X = X.tolist()
    rounds, steps = (2, 2) if quick else (3, 3)
    ratio = 0.0
    for what, ours in (("training step", pathgrad_steps), ("fit, per step", fit_steps)):
        ratio = max(ratio, _compare(what, ours, X, y, rounds, steps))
    return ratio


def _compare(what: str, ours, X, y, rounds: int, steps: int) -> float:
    engines = {"pathgrad": ours, "micrograd": micrograd_steps}
    per_step: dict[str, list[float]] = {e: [] for e in engines}
    for r in range(rounds):
        for name in list(engines) if r % 2 == 0 else list(engines)[::-1]:
            t0 = time.perf_counter()
            engines[name](X, y, steps)
            per_step[name].append((time.perf_counter() - t0) / steps)
    ratios = [p / m for p, m in zip(per_step["pathgrad"], per_step["micrograd"], strict=True)]
    ratio = statistics.median(ratios)
    print(
        f"{what:<16}{'':>17}"
        f"{statistics.median(per_step['pathgrad']) * 1e3:>10.1f}ms"
        f"{statistics.median(per_step['micrograd']) * 1e3:>10.1f}ms"
        f"{ratio:>9.3f} {'ok' if ratio <= TARGET else 'MISS'}   (target <= {TARGET:.2f}, per step)",
        flush=True,
    )
    return ratio


if __name__ == "__main__":
    run_training()
