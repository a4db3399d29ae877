"""``kill -9`` during each writer: the previous file is whole every time.

For each writer (a checkpoint, a picture, a player page, a GIF) a child process writes the same
file over and over, each time with new content; it is killed with SIGKILL ``--rounds`` times (50 by
default), every other time at a random moment and otherwise while it writes (just after its
temporary file appears); "mid-write" counts the kills that came while its temporary
file existed. After every kill the file must be a complete file of its kind (the checkpoint
loads, the SVG parses as XML, the page ends with its </html>, the GIF decodes every frame).
Temporary files a killed child leaves are counted; a child that finishes cleanly must leave
none, and the next write sweeps the killed ones once they are a minute old.

    python benchmarks/kill_writers.py [--rounds 50] [--writers checkpoint,picture,page,gif]

POSIX only (SIGKILL). Prints one line per writer and exits 1 if any check failed.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from autograd.files import TEMPORARY_PREFIX

# The child: build once, say "ready", then write the file again and again (or `times` times).
CHILD = r"""
import sys
from pathlib import Path
kind, path, times = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
if kind == "checkpoint":
    import nn
    model = nn.MLP(2, [64, 64, 1], seed=0)
else:
    from autograd import Value
    from viz import draw_graph, frames, player, save_animation
    def expression(k):
        a, b = Value(2.0 + k, "a"), Value(-3.0, "b")
        out = (a * b + a).tanh() * (b - a)
        out.backward()
        return out, a
    if kind == "gif":
        sequence = frames(expression(0)[0], mode="reverse")
print("ready", flush=True)
k = 0
while times < 0 or k < times:
    k += 1
    if kind == "checkpoint":
        model.layers[0].neurons[0].b.data = float(k)
        model.save(path)
    elif kind == "picture":
        draw_graph(expression(k)[0]).save(path)
    elif kind == "page":
        player(*expression(k)).save(path)
    else:
        save_animation(sequence, path, dpi=40)
"""

WRITERS = {"checkpoint": "model.json", "picture": "graph.svg", "page": "backprop.html",
           "gif": "sweep.gif"}  # fmt: skip


def whole(kind: str, path: Path) -> bool:
    """Whether ``path`` is a complete file of its kind."""
    try:
        if kind == "checkpoint":
            import nn

            nn.load(path)
        elif kind == "picture":
            ET.fromstring(path.read_bytes())
        elif kind == "page":
            return path.read_text(encoding="utf-8").rstrip().endswith("</html>")
        else:
            from PIL import Image

            with Image.open(io.BytesIO(path.read_bytes())) as image:
                for i in range(image.n_frames):
                    image.seek(i)
                    image.load()
        return True
    except Exception:
        return False


def child(kind: str, path: Path, times: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, kind, str(path), str(times)],
                            stdout=subprocess.PIPE, text=True)  # fmt: skip


def temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(TEMPORARY_PREFIX)]


def _await_temporary(folder: Path, pid: int, deadline: float) -> None:
    mine = f"{TEMPORARY_PREFIX}{pid}-"
    while time.monotonic() < deadline:
        if any(e.name.startswith(mine) for e in os.scandir(folder)):
            return
        time.sleep(0.0002)


def run(kind: str, rounds: int, seed: int = 0) -> dict[str, int]:
    """Kill the writer ``rounds`` times; the counts of what was seen."""
    rng = random.Random(seed)
    counts = {"kills": 0, "mid-write": 0, "broken": 0, "left by kills": 0,
              "left after clean exits": 0}  # fmt: skip
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        path = folder / WRITERS[kind]
        first = child(kind, path, 1)
        first.communicate(timeout=120)
        assert first.returncode == 0 and whole(kind, path), f"{kind}: the first write failed"
        for r in range(rounds):
            proc = child(kind, path, -1)
            assert proc.stdout is not None
            proc.stdout.readline()  # "ready": the writing starts now
            if r % 2:  # at a random moment
                time.sleep(rng.uniform(0.0, 0.4))
            else:  # once its temporary file is there, at a random moment of writing it
                _await_temporary(folder, proc.pid, time.monotonic() + 20)
                time.sleep(rng.uniform(0.0, 0.002))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            counts["kills"] += 1  # mid-write: its temporary file was there when it died
            mine = f"{TEMPORARY_PREFIX}{proc.pid}-"
            counts["mid-write"] += any(p.name.startswith(mine) for p in temporaries(folder))
            counts["broken"] += not whole(kind, path)
        counts["left by kills"] = len(temporaries(folder))
        hour_ago = time.time() - 3600
        for stale in temporaries(folder):  # as if an hour had passed since the kills
            os.utime(stale, (hour_ago, hour_ago))
        done = child(kind, path, 2)  # a clean exit, which first sweeps what the killed left
        done.communicate(timeout=120)
        counts["broken"] += done.returncode != 0 or not whole(kind, path)
        counts["left after clean exits"] = len(temporaries(folder))
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--writers", default=",".join(WRITERS))
    args = parser.parse_args(argv)
    failed = False
    for kind in args.writers.split(","):
        t0 = time.perf_counter()
        counts = run(kind, args.rounds)
        bad = counts["broken"] or counts["left after clean exits"]
        failed = failed or bool(bad)
        seen = ", ".join(f"{k} {v}" for k, v in counts.items())
        took = time.perf_counter() - t0
        print(f"{kind:<11} {seen}  ({took:.0f} s) {'FAIL' if bad else 'ok'}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
