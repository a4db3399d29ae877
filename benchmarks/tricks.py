"""The two engine tricks that cost readability, and what they buy, measured in one run.

    python benchmarks/tricks.py

1. The edge slots: a node keeps its (at most two) edges in four slots (_a, _da, _b, _db) rather
   than a tuple of (parent, d) pairs. Measured: bytes per node of a 100k-node chain, against a
   twin class that stores the pairs.
2. The hand-written backward loop (``autograd.chain.backward``), beside ``reverse_sweep``:
   time for the backward pass of a 100k-node chain, each way, median of rounds.
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc

from autograd import Value, topological_order
from autograd.chain import reverse_sweep

N = 100_000


class PairsNode:
    """A node that stores its edges as a tuple of (parent, d) pairs: the layout not taken."""

    __slots__ = ("data", "grad", "grad_graph", "label", "_fn", "_const", "edges", "__weakref__")

    def __init__(self, data, edges):
        self.data, self.grad, self.grad_graph, self.label = data, 0.0, None, ""
        self._fn, self._const, self.edges = None, None, edges


def bytes_per_node(make) -> float:
    gc.collect()
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    keep = make()
    used = tracemalloc.get_traced_memory()[0] - start
    tracemalloc.stop()
    del keep
    return used / N


def slots_chain():
    x = Value(0.5)
    for _ in range(N):
        x = x * 1.0001
    return x


def pairs_chain():
    x = PairsNode(0.5, ())
    for _ in range(N):
        x = PairsNode(x.data * 1.0001, ((x, 1.0001),))
    return x


def backward_times(rounds: int = 7) -> tuple[float, float]:
    out = slots_chain()
    fast, general = [], []
    for _ in range(rounds):
        t = time.perf_counter()
        out.backward()
        fast.append(time.perf_counter() - t)
        t = time.perf_counter()
        reverse_sweep(topological_order(out), {out: 1.0})
        general.append(time.perf_counter() - t)
    return statistics.median(fast), statistics.median(general)


def main() -> None:
    slots, pairs = bytes_per_node(slots_chain), bytes_per_node(pairs_chain)
    print(f"edge slots: {slots:.0f} B/node; a tuple of pairs: {pairs:.0f} B/node "
          f"(slots / pairs = {slots / pairs:.2f})")  # fmt: skip
    fast, general = backward_times()
    print(f"backward of a {N:,}-node chain: hand-written loop {fast * 1e3:.1f} ms, "
          f"reverse_sweep {general * 1e3:.1f} ms (loop / sweep = {fast / general:.2f}; both "
          f"include the topological sort)")  # fmt: skip


if __name__ == "__main__":
    main()
