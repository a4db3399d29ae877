"""kill -9 while a checkpoint is written leaves the previous file whole (the full measure, 50
kills of each writer, is ``python benchmarks/kill_writers.py``)."""

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "kill_writers.py"


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_checkpoint_writers_leave_a_whole_file_and_clean_exits_no_temporary():
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--rounds", "2", "--writers", "checkpoint"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "kills 2," in done.stdout and "broken 0" in done.stdout
    assert "left after clean exits 0" in done.stdout
