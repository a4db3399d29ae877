"""How long the frames of a sweep take to become an animated GIF with the pure renderer.

Target (teaching-views issue): every frame of the reverse sweep over a 30-node graph, rendered by
graphviz-pure and written as one GIF, in under 10 s on the 2-core machine.

    python benchmarks/frames.py
"""

import os
import tempfile
import time
from pathlib import Path

from autograd import Value, topological_order
from viz import frames, save_animation

TARGET_SECONDS = 10.0


def thirty_nodes() -> Value:
    """A tanh neuron of three inputs followed by a squared error: 30 nodes."""
    xs = [Value(v, f"x{i}") for i, v in enumerate((0.5, -1.0, 2.0))]
    ws = [Value(v, f"w{i}") for i, v in enumerate((0.3, 0.8, -0.2))]
    bias = Value(0.1, "b")
    pre = sum((w * x for w, x in zip(ws, xs, strict=True)), bias)
    hidden = pre.tanh()
    out = (hidden * Value(1.5, "v") + Value(-0.2, "c")).tanh()
    loss = (out - Value(1.0, "y")) ** 2 / 2
    loss = loss + 0.01 * (ws[0] * ws[0] + ws[1] * ws[1] + ws[2] * ws[2])
    loss.label = "loss"
    return loss


def main() -> None:
    os.environ["PATHGRAD_RENDERER"] = "graphviz-pure"
    loss = thirty_nodes()
    nodes = len(topological_order(loss))
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        sequence = frames(loss, mode="reverse")
        built = time.perf_counter() - start
        (gif,) = save_animation(sequence, Path(folder) / "backprop.gif")
        total = time.perf_counter() - start
        size = gif.stat().st_size
    print(f"graph: {nodes} nodes, {len(sequence)} frames (reverse sweep), renderer graphviz-pure")
    print(f"frames built in {built:.2f} s; rendered and written as a GIF of {size} bytes")
    ratio = total / TARGET_SECONDS
    print(f"total {total:.2f} s, target < {TARGET_SECONDS:.0f} s: ratio {ratio:.2f} (≤ 1 passes)")


if __name__ == "__main__":
    main()
