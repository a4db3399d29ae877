"""pathgrad against micrograd 0.1.0: time and memory per node, measured in one process.

    python benchmarks/engine.py            # or: make bench
    python benchmarks/engine.py --quick    # fewer rounds, smaller chains

The engines take turns round by round (the order alternates), so the machine's drift hits both
alike; each round gives a paired ratio pathgrad / micrograd of the time to build the graph and
back-propagate through it, and the table shows the median ratio over the rounds (µs/node divides
each engine's time by its own node count). The garbage collector stays on, as users run it.

Bytes per node are what tracemalloc sees retained by the graph after the forward pass, divided by
the number of nodes in each engine's own graph (micrograd makes a node for every constant; pathgrad
does not, so per node is the comparison less favourable to pathgrad). The backward pass is not
traced: under tracemalloc micrograd's recursive backward becomes quadratic in the depth (hours for
the 100k chain); after it, both engines hold one more float (24 bytes) per node, the gradient.

micrograd 0.1.0 has no tanh: the chain workload gives it one in micrograd's own style (a closure
per node, as in its author's lecture). micrograd's backward recurses, so its recursion limit is
raised for the deep chains (past about 330 steps it fails with the default limit).
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable

import micrograd.engine as mg_engine

import autograd
from autograd import topological_order

TARGET_TIME_RATIO = 1 / 3
TARGET_BYTES_RATIO = 1 / 3


def _micrograd_tanh(self):
    t = math.tanh(self.data)
    out = mg_engine.Value(t, (self,), "tanh")

    def _backward():
        self.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out


mg_engine.Value.tanh = _micrograd_tanh


# --- workloads: each builds a graph with the given Value class and returns its root ------------
def chain(value_cls, depth: int):
    y = value_cls(0.5)
    for _ in range(depth):
        y = (y * 1.0001 + 0.001).tanh()
    return y


def wide(value_cls, n: int = 10_000):
    rng = random.Random(0)
    xs = [value_cls(rng.uniform(-1, 1)) for _ in range(n)]
    ws = [value_cls(rng.uniform(-1, 1) / n) for _ in range(n)]
    s = xs[0] * ws[0]
    for x, w in zip(xs[1:], ws[1:], strict=True):
        s = s + x * w
    return s.tanh()


def diamond(value_cls, stages: int = 1_000):
    x = value_cls(1.0)
    for _ in range(stages):
        x = x * (2 / 9) + x * (3 / 9) + x * (4 / 9)
    return x


# --- measuring --------------------------------------------------------------------------------
def count_nodes(root) -> int:
    if isinstance(root, autograd.Value):
        return len(topological_order(root))
    seen, stack = {root}, [root]
    while stack:
        for child in stack.pop()._prev:
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return len(seen)


def time_once(build: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    root = build()
    root.backward()
    elapsed = time.perf_counter() - t0
    del root
    return elapsed


def bytes_retained(build: Callable[[], object]) -> tuple[int, int]:
    """(bytes the graph holds after the forward pass, number of its nodes)."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    root = build()
    held = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    nodes = count_nodes(root)
    del root
    gc.collect()
    return held, nodes


def run_workload(name: str, builder, rounds: int, rows: list) -> None:
    engines = {"pathgrad": autograd.Value, "micrograd": mg_engine.Value}
    times: dict[str, list[float]] = {e: [] for e in engines}
    for r in range(rounds):
        order = list(engines) if r % 2 == 0 else list(engines)[::-1]
        for engine in order:
            cls = engines[engine]
            times[engine].append(time_once(lambda cls=cls: builder(cls)))
            gc.collect()
    ratios = [p / m for p, m in zip(times["pathgrad"], times["micrograd"], strict=True)]
    mem = {e: bytes_retained(lambda cls=cls: builder(cls)) for e, cls in engines.items()}
    row = {
        "workload": name,
        "nodes": {e: mem[e][1] for e in engines},
        "us_per_node": {e: statistics.median(times[e]) * 1e6 / mem[e][1] for e in engines},
        "time_ratio": statistics.median(ratios),
        "bytes_per_node": {e: mem[e][0] / mem[e][1] for e in engines},
    }
    row["bytes_ratio"] = row["bytes_per_node"]["pathgrad"] / row["bytes_per_node"]["micrograd"]
    rows.append(row)
    print(format_row(row), flush=True)


HEADER = (
    f"{'workload':<16}{'nodes pg/mg':>17}{'µs/node pg':>12}{'µs/node mg':>12}"
    f"{'time pg/mg':>12}{'B/node pg':>11}{'B/node mg':>11}{'bytes pg/mg':>13}"
)


def format_row(row: dict) -> str:
    n, us, b = row["nodes"], row["us_per_node"], row["bytes_per_node"]
    mark_t = "ok" if row["time_ratio"] <= TARGET_TIME_RATIO else "MISS"
    mark_b = "ok" if row["bytes_ratio"] <= TARGET_BYTES_RATIO else "MISS"
    return (
        f"{row['workload']:<16}{n['pathgrad']:>8}/{n['micrograd']:<8}"
        f"{us['pathgrad']:>12.2f}{us['micrograd']:>12.2f}"
        f"{row['time_ratio']:>9.3f} {mark_t:<2}"
        f"{b['pathgrad']:>11.0f}{b['micrograd']:>11.0f}{row['bytes_ratio']:>10.3f} {mark_b}"
    )


WORKLOADS = {
    "chain 10k": (lambda v: chain(v, 10_000), 7),
    "chain 100k": (lambda v: chain(v, 100_000), 3),
    "wide 10k": (wide, 7),
    "diamond 1k": (diamond, 7),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, no 100k chain")
    parser.add_argument("--only", help="run only workloads whose name contains this text")
    args = parser.parse_args(argv)

    # micrograd's recursive topological sort needs a frame per node of the deepest path.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 2_000_000))
    print("micrograd: recursion limit raised to 2,000,000 for its recursive backward")
    print(
        f"targets: time ratio <= {TARGET_TIME_RATIO:.3f}, bytes ratio <= {TARGET_BYTES_RATIO:.3f}"
    )
    print(HEADER)
    rows: list = []
    for name, (builder, rounds) in WORKLOADS.items():
        if args.only and args.only not in name:
            continue
        if args.quick and name == "chain 100k":
            continue
        run_workload(name, builder, 3 if args.quick else rounds, rows)
    try:
        from training import run_training
    except ImportError:
        return
    if not args.only or "train" in args.only:
        run_training(quick=args.quick)


if __name__ == "__main__":
    main()
