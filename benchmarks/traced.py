"""Trace once, replay over the batch: the traced engine against micrograd, the untraced engine
and PyTorch, measured side by side in one run.

    python benchmarks/traced.py            # micrograd and PyTorch from the bench extra, if there

1. micrograd's demo step (MLP(2, [16, 16, 1]), 100 two-moons points, hinge + 1e-4 L2, SGD),
   consecutive steps: traced pathgrad against micrograd 0.1.0 (target <= 1/300) and against
   PyTorch's batched float64 step on one thread (target <= 3x).
2. MLP(64, [32, 10]) on 1,797 8x8 digit images (scikit-learn's bundled set when installed, else
   a synthetic 64-feature, 10-class set of the same size): one epoch of mini-batch SGD (batch 32,
   cross-entropy), traced against the untraced engine (target <= 1/100; the untraced engine is
   timed on its first 10 batches and scaled to the epoch), and the accuracy reached.
3. Memory: bytes per operation on the tape against bytes per Value node (target <= 1/10).
"""

from __future__ import annotations

import statistics
import time
import tracemalloc

import numpy as np
from training import micrograd_steps

import nn
from autograd import Value, trace
from nn import functional as F
from nn.optim import SGD

STEPS = 20


def traced_steps(X, y, steps: int) -> None:
    model = nn.MLP(2, [16, 16, 1], seed=0)
    opt = SGD(model.parameters(), lr=1.0)
    tape = trace(lambda x, t: F.hinge_loss([model(x)], [t]), X[0], y[0],
                 params=model.parameters())  # fmt: skip
    params = model.parameters()
    penalty = trace(lambda: 1e-4 * F.l2_penalty(params), params=params)
    for k in range(steps):
        opt.zero_grad()
        tape.backward(X, y)
        penalty.backward(reduction="sum")
        opt.lr = 1.0 - 0.9 * k / 100
        opt.step()


def torch_steps(X, y, steps: int) -> float | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.ReLU(),
        torch.nn.Linear(16, 1),
    ).double()  # fmt: skip
    Xt, yt = torch.tensor(X), torch.tensor(y)
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    t0 = time.perf_counter()
    for k in range(steps):
        scores = model(Xt).squeeze(1)
        loss = torch.relu(1 - yt * scores).mean() + 1e-4 * sum(
            (p * p).sum() for p in model.parameters()
        )
        opt.zero_grad()
        loss.backward()
        for group in opt.param_groups:
            group["lr"] = 1.0 - 0.9 * k / 100
        opt.step()
    return (time.perf_counter() - t0) / steps


def timed(work, *args) -> float:
    t0 = time.perf_counter()
    work(*args)
    return time.perf_counter() - t0


def demo_step() -> None:
    X, y = nn.data.make_moons(100, noise=0.1, seed=0)
    y = y * 2.0 - 1.0
    traced = statistics.median(timed(traced_steps, X, y, STEPS) / STEPS for _ in range(3))
    try:
        micro = timed(micrograd_steps, X.tolist(), y.tolist(), 3) / 3
    except ImportError:
        micro = None
    torch_step = torch_steps(X, y, STEPS)
    print(f"demo step: traced pathgrad {traced * 1e3:.2f} ms")
    if micro:
        ratio = traced / micro
        print(f"  micrograd 0.1.0 {micro * 1e3:.0f} ms: traced / micrograd = 1/{1 / ratio:.0f} "
              f"({'ok' if ratio <= 1 / 300 else 'MISS'}, target <= 1/300)")  # fmt: skip
    if torch_step:
        ratio = traced / torch_step
        print(f"  PyTorch (float64, one thread) {torch_step * 1e3:.2f} ms: traced / PyTorch = "
              f"{ratio:.1f}x ({'ok' if ratio <= 3 else 'MISS'}, target <= 3x)")  # fmt: skip
    else:
        print("  PyTorch not installed: pip install torch (the bench extra's optional side)")


def digits():
    try:
        from sklearn.datasets import load_digits

        data = load_digits()
        return data.data / 16.0, data.target, "scikit-learn's digits"
    except ImportError:
        rng = np.random.default_rng(0)
        centers = rng.normal(size=(10, 64))
        labels = rng.integers(0, 10, size=1797)
        return centers[labels] + rng.normal(scale=1.5, size=(1797, 64)), labels, "synthetic digits"


def digits_epoch() -> None:
    X, labels, source = digits()
    onehot = np.eye(10)[labels]
    model = nn.MLP(64, [32, 10], seed=0)
    opt = SGD(model.parameters(), lr=0.1)

    def sample_loss(x, t):
        return F.cross_entropy(model(x), t)

    batches = [
        (X[i : i + 32], onehot[i : i + 32], labels[i : i + 32]) for i in range(0, len(X), 32)
    ]
    t0 = time.perf_counter()
    for Xb, _, yb in batches[:10]:  # untraced: the first 10 batches, scaled to the epoch
        opt.zero_grad()
        F.cross_entropy([model(row) for row in Xb], yb).backward()
        opt.step()
    untraced = (time.perf_counter() - t0) * len(batches) / 10
    model = nn.MLP(64, [32, 10], seed=0)
    opt = SGD(model.parameters(), lr=0.1)
    t0 = time.perf_counter()
    tape = trace(sample_loss, X[0], onehot[0], params=model.parameters())
    for Xb, Tb, _ in batches:
        opt.zero_grad()
        tape.backward(Xb, Tb)
        opt.step()
    traced = time.perf_counter() - t0
    outputs = [trace(lambda x, j=j: model(x)[j], X[0], params=model.parameters())(X)
               for j in range(10)]  # fmt: skip
    accuracy = float(np.mean(np.argmax(np.stack(outputs, axis=1), axis=1) == labels))
    ratio = traced / untraced
    print(f"one epoch of MLP(64, [32, 10]) on {len(X)} {source}: untraced {untraced:.1f} s, "
          f"traced {traced:.2f} s: 1/{1 / ratio:.0f} ({'ok' if ratio <= 1 / 100 else 'MISS'}, "
          f"target <= 1/100); accuracy after the epoch {accuracy:.2f}")  # fmt: skip


def memory() -> None:
    model = nn.MLP(2, [16, 16, 1], seed=0)
    tape = trace(lambda x, t: F.hinge_loss([model(x)], [t]), [0.5, 0.5], 1.0,
                 params=model.parameters())  # fmt: skip
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    x = Value(0.5)
    for _ in range(10_000):
        x = x * 1.0001
    per_value = (tracemalloc.get_traced_memory()[0] - base) / 10_000
    tracemalloc.stop()
    per_op = tape.nbytes() / len(tape)
    print(f"memory: {per_op:.1f} B per tape operation, {per_value:.0f} B per Value node: "
          f"1/{per_value / per_op:.0f} ({'ok' if per_op <= per_value / 10 else 'MISS'}, "
          f"target <= 1/10)")  # fmt: skip


if __name__ == "__main__":
    demo_step()
    digits_epoch()
    memory()
