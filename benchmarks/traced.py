"""The traced replay against its peers, measured side by side in one process: PyTorch (float64,
one thread), jax.jit (when installed; skipped otherwise) and micrograd 0.1.0 (when installed).

    python benchmarks/traced.py            # PyTorch: pip install torch; jax: pip install jax

Every engine runs on one thread (NumPy's BLAS included: OPENBLAS_NUM_THREADS=1 is set before
NumPy loads), the engines take turns round by round, and each ratio is the median over rounds.
Times are the process's CPU time (``time.process_time``), which a machine shared with other work
inflates far less than the wall clock.

1. micrograd's demo step (MLP(2, [16, 16, 1]), 100 two-moons points, hinge + 1e-4 L2, SGD with
   lr = 1.0 - 0.9 k / 100, the accuracy of each step), trained by ``nn.fit(trace=True)``:
   target <= 0.8x PyTorch's step, and within 2x of jax.jit's.
2. An epoch of MLP(64, [32, 10]) with cross-entropy on 1,797 8x8 digits (scikit-learn's set
   when installed, else a synthetic set of the same shape), mini-batches of 32, SGD lr 0.1, by
   ``nn.fit(trace=True, epochs=5)`` / 5 (tracing the sample, once per fit, included; its time
   is printed too): target <= PyTorch's epoch, and within 2x of jax.jit's. A program built from
   a tape is reused when the same architecture is traced again (as jax.jit reuses what it
   compiled), so pathgrad's first fit in the process is printed too; jax's compilation is
   excluded from its times.
3. Memory: the peak (tracemalloc) of replaying 10^6 samples of MLP(2, [16, 16, 1]) forward and
   backward, against ``BUFFER_BYTES`` (the bound: buffers, plus as much again for a step's
   temporaries, plus the inputs and outputs) and against one unchunked array of every slot.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one thread, as PyTorch's below
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false")

import importlib
import statistics
import time
import tracemalloc

import numpy as np

import nn
from autograd import trace
from nn import functional as F
from nn.optim import SGD, LambdaLR

ROUNDS = 5
STEPS = 100  # micrograd's demo trains for 100 steps
EPOCHS = 5


def optional(name: str):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


torch = optional("torch")
jax = optional("jax")


# --- 1. micrograd's demo step ----------------------------------------------------------------
def pathgrad_demo(X, y, steps: int) -> float:
    model = nn.MLP(2, [16, 16, 1], seed=0)
    opt = SGD(model.parameters(), lr=1.0)
    t0 = time.process_time()
    nn.fit(model, X, y, loss=F.hinge_loss, optimizer=opt, epochs=steps, progress=False,
           penalty=lambda ps: 1e-4 * F.l2_penalty(ps), trace=True,
           scheduler=LambdaLR(opt, lambda k: 1.0 - 0.9 * k / 100))  # fmt: skip
    return (time.process_time() - t0) / steps


def torch_demo(X, y, steps: int) -> float:
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.ReLU(),
        torch.nn.Linear(16, 1),
    ).double()  # fmt: skip
    Xt, yt = torch.tensor(X), torch.tensor(y)
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    t0 = time.process_time()
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
        ((scores > 0) == (yt > 0)).double().mean().item()
    return (time.process_time() - t0) / steps


def jax_mlp(sizes: list[int], seed: int = 0) -> list:
    rng = np.random.default_rng(seed)
    return [(jax.numpy.asarray(rng.normal(size=(m, n)) * np.sqrt(2 / n)), jax.numpy.zeros(m))
            for n, m in zip(sizes[:-1], sizes[1:], strict=True)]  # fmt: skip


def jax_forward(params: list, X):
    for k, (W, b) in enumerate(params):
        X = X @ W.T + b
        if k < len(params) - 1:
            X = jax.nn.relu(X)
    return X


def jax_demo(X, y, steps: int) -> float:
    jnp = jax.numpy

    def loss(params, X, y):
        scores = jax_forward(params, X)[:, 0]
        l2 = sum((W * W).sum() + (b * b).sum() for W, b in params)
        return jnp.maximum(0.0, 1 - y * scores).mean() + 1e-4 * l2, scores

    @jax.jit
    def step(params, X, y, lr):
        (_, scores), grads = jax.value_and_grad(loss, has_aux=True)(params, X, y)
        new = jax.tree_util.tree_map(lambda p, g: p - lr * g, params, grads)
        return new, ((scores > 0) == (y > 0)).mean()

    params, Xj, yj = jax_mlp([2, 16, 16, 1]), jnp.asarray(X), jnp.asarray(y)
    step(params, Xj, yj, 1.0)[1].block_until_ready()  # compiled before the clock starts
    t0 = time.process_time()
    for k in range(steps):
        params, accuracy = step(params, Xj, yj, 1.0 - 0.9 * k / 100)
        float(accuracy)
    return (time.process_time() - t0) / steps


# --- 2. a digits epoch -----------------------------------------------------------------------
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


def pathgrad_epoch(X, labels) -> tuple[float, float]:
    model = nn.MLP(64, [32, 10], seed=0)
    t0 = time.process_time()
    history = nn.fit(model, X, labels, loss=F.cross_entropy, lr=0.1, epochs=EPOCHS,
                     batch_size=32, seed=0, progress=False, trace=True)  # fmt: skip
    return (time.process_time() - t0) / EPOCHS, history.accuracy[-1]


def tracing_time(X, labels) -> float:
    from nn.traced import TracedModel

    model = nn.MLP(64, [32, 10], seed=0)
    t0 = time.process_time()
    TracedModel(model, X, labels, F.cross_entropy).loss_tape.program()
    return time.process_time() - t0


def torch_epoch(X, labels) -> float:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(),
                                torch.nn.Linear(32, 10)).double()  # fmt: skip
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    Xt, yt = torch.tensor(X), torch.tensor(labels)
    t0 = time.process_time()
    for _ in range(EPOCHS):
        order = torch.randperm(len(X))
        correct = 0
        for i in range(0, len(X), 32):
            rows = order[i : i + 32]
            logits = model(Xt[rows])
            loss = torch.nn.functional.cross_entropy(logits, yt[rows])
            opt.zero_grad()
            loss.backward()
            opt.step()
            correct += int((logits.argmax(1) == yt[rows]).sum())
    return (time.process_time() - t0) / EPOCHS


def jax_epoch(X, labels) -> float:
    jnp = jax.numpy

    def loss(params, X, y):
        logits = jax_forward(params, X)
        return -jnp.take_along_axis(jax.nn.log_softmax(logits), y[:, None], 1).mean(), logits

    @jax.jit
    def step(params, X, y):
        (_, logits), grads = jax.value_and_grad(loss, has_aux=True)(params, X, y)
        new = jax.tree_util.tree_map(lambda p, g: p - 0.1 * g, params, grads)
        return new, (logits.argmax(1) == y).sum()

    params = jax_mlp([64, 32, 10])
    order = np.random.default_rng(0).permutation(len(X))
    batches = [(jnp.asarray(X[order[i : i + 32]]), jnp.asarray(labels[order[i : i + 32]]))
               for i in range(0, len(X), 32)]  # fmt: skip
    for Xb, yb in batches[-2:]:  # both batch shapes compiled before the clock starts
        step(params, Xb, yb)[1].block_until_ready()
    t0 = time.process_time()
    for _ in range(EPOCHS):
        correct = 0
        for Xb, yb in batches:
            params, right = step(params, Xb, yb)
            correct += int(right)
    return (time.process_time() - t0) / EPOCHS


# --- the table -------------------------------------------------------------------------------
def rounds(work: dict) -> dict:
    """Each engine's median time over ROUNDS rounds, the engines taking turns; "cold" is
    pathgrad's first round (its first fit of the model in this process: nothing built yet)."""
    times: dict = {name: [] for name in work}
    for r in range(ROUNDS):
        names = list(work) if r % 2 == 0 else list(reversed(work))
        for name in names:
            times[name].append(work[name]())
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    return {**medians, "cold": times["pathgrad"][0]}


def verdict(ratio: float, target: float) -> str:
    return f"{ratio:.2f}x ({'ok' if ratio <= target else 'MISS'}, target <= {target:g}x)"


def report(title: str, times: dict, unit: float, label: str, torch_target: float) -> None:
    ours = times["pathgrad"]
    print(f"{title}")
    print(f"| engine | {label} | pathgrad / engine |")
    print("|---|---:|---:|")
    print(f"| pathgrad nn.fit(trace=True) | {ours * unit:.2f} | 1 |")
    print(f"| pathgrad, its first fit in the process | {times['cold'] * unit:.2f} | "
          f"{times['cold'] / ours:.2f} |")  # fmt: skip
    if "torch" in times:
        print(f"| PyTorch float64, one thread | {times['torch'] * unit:.2f} | "
              f"{verdict(ours / times['torch'], torch_target)} |")  # fmt: skip
    else:
        print("| PyTorch | not installed (pip install torch) | |")
    if "jax" in times:
        print(f"| jax.jit, one thread | {times['jax'] * unit:.2f} | "
              f"{verdict(ours / times['jax'], 2.0)} |")  # fmt: skip
    else:
        print("| jax.jit | not installed (pip install jax): skipped | |")
    print()


def demo_step() -> None:
    X, y = nn.data.make_moons(100, noise=0.1, seed=0)
    y = y * 2.0 - 1.0
    work = {"pathgrad": lambda: pathgrad_demo(X, y, STEPS)}
    if torch is not None:
        work["torch"] = lambda: torch_demo(X, y, STEPS)
    if jax is not None:
        work["jax"] = lambda: jax_demo(X, y, STEPS)
    report("1. micrograd's demo step (100 points, MLP(2, [16, 16, 1]), hinge + L2, SGD)",
           rounds(work), 1e3, "ms per step", 0.8)  # fmt: skip


def digits_epoch() -> None:
    X, labels, source = digits()
    work = {"pathgrad": lambda: pathgrad_epoch(X, labels)[0]}
    if torch is not None:
        work["torch"] = lambda: torch_epoch(X, labels)
    if jax is not None:
        work["jax"] = lambda: jax_epoch(X, labels)
    times = rounds(work)
    report(f"2. an epoch of MLP(64, [32, 10]), cross-entropy, batches of 32, {len(X)} {source}: "
           f"fit(epochs={EPOCHS}) / {EPOCHS}, tracing included (tracing alone "
           f"{tracing_time(X, labels) * 1e3:.0f} ms; accuracy after it "
           f"{pathgrad_epoch(X, labels)[1]:.2f})", times, 1e3, "ms per epoch", 1.0)  # fmt: skip


def memory() -> None:
    trace_module = importlib.import_module("autograd.trace")
    model = nn.MLP(2, [16, 16, 1], seed=0)
    tape = trace(lambda x, t: F.hinge_loss([model(x)], [t]), [0.5, 0.5], 1.0,
                 params=model.parameters())  # fmt: skip
    n = 1_000_000
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(n, 2)), np.sign(rng.normal(size=n))
    tracemalloc.start()
    tape.backward(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    buffers = trace_module.BUFFER_BYTES
    unchunked = 2 * 8 * tape.tape.slots * n
    print(f"3. memory of a replay of {n:,} samples of MLP(2, [16, 16, 1]), forward and backward: "
          f"peak {peak / 2**20:.0f} MiB (bound: 2 x BUFFER_BYTES = {2 * buffers / 2**20:.0f} MiB "
          f"+ outputs {8 * n / 2**20:.0f} MiB: {'ok' if peak <= 2 * buffers + 8 * n else 'MISS'})"
          f"; unchunked value and adjoint arrays of every slot would take "
          f"{unchunked / 2**30:.1f} GiB")  # fmt: skip


if __name__ == "__main__":
    if torch is not None:
        torch.set_num_threads(1)
    demo_step()
    digits_epoch()
    memory()
