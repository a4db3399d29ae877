"""Every file the library writes is written whole or not at all (autograd.files)."""

import os
import stat
import subprocess
import sys
import time

import pytest

import nn
from autograd import Value
from autograd.files import TEMPORARY_PREFIX, atomic_write, atomic_write_all
from viz import draw_graph, frames, player, save_animation


def _others(folder, *names):
    return sorted(p.name for p in folder.iterdir() if p.name not in names)


def test_atomic_write_takes_bytes_text_or_a_writer(tmp_path):
    assert atomic_write(tmp_path / "a", b"\x00\x01").read_bytes() == b"\x00\x01"
    assert atomic_write(tmp_path / "b", "é").read_bytes() == "é".encode()
    assert atomic_write(tmp_path / "c", lambda f: f.write(b"xyz")).read_bytes() == b"xyz"
    assert _others(tmp_path, "a", "b", "c") == []


def test_a_file_keeps_its_mode_and_a_new_file_follows_the_umask(tmp_path):
    old = tmp_path / "old.json"
    old.write_text("{}")
    old.chmod(0o640)
    atomic_write(old, "[]")
    assert stat.S_IMODE(old.stat().st_mode) == 0o640
    mask = os.umask(0o022)
    try:
        new = atomic_write(tmp_path / "new.json", "[]")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o644


def test_a_symbolic_link_is_written_through(tmp_path):
    real = tmp_path / "real.svg"
    real.write_text("old")
    link = tmp_path / "link.svg"
    link.symlink_to(real)
    atomic_write(link, "new")
    assert link.is_symlink()
    assert real.read_text() == "new"


def test_the_longest_name_the_folder_accepts_can_be_written(tmp_path):
    name = "m" * 250 + ".json"
    nn.MLP(1, [1], seed=0).save(tmp_path / name)
    assert (tmp_path / name).is_file()


def test_a_writer_that_fails_leaves_the_previous_file_and_no_temporary_file(tmp_path):
    path = tmp_path / "page.html"
    path.write_text("previous")

    def broken(f):
        f.write(b"half a page")
        raise RuntimeError("the renderer stopped")

    with pytest.raises(RuntimeError, match="renderer stopped"):
        atomic_write(path, broken)
    assert path.read_text() == "previous"
    assert _others(tmp_path, "page.html") == []


def test_an_error_while_writing_names_the_file_asked_for(tmp_path, monkeypatch):
    path = tmp_path / "picture.svg"
    monkeypatch.setattr("os.fsync", lambda fd: (_ for _ in ()).throw(OSError(28, "No space")))
    with pytest.raises(OSError, match="No space") as caught:
        atomic_write(path, "x")
    assert caught.value.filename == str(path)
    assert _others(tmp_path) == []


def test_several_files_change_together_or_not_at_all(tmp_path):
    first, second = tmp_path / "step-1.svg", tmp_path / "step-2.svg"
    first.write_text("old 1")
    second.write_text("old 2")

    def broken(f):
        raise ValueError("frame 2 failed")

    with pytest.raises(ValueError, match="frame 2"):
        atomic_write_all({first: "new 1", second: broken})
    assert (first.read_text(), second.read_text()) == ("old 1", "old 2")
    assert _others(tmp_path, first.name, second.name) == []
    atomic_write_all({first: "new 1", second: "new 2"})
    assert (first.read_text(), second.read_text()) == ("new 1", "new 2")
    assert _others(tmp_path, first.name, second.name) == []


def test_temporary_files_of_a_killed_writer_are_removed_by_the_next_write(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    stale = tmp_path / f"{TEMPORARY_PREFIX}{dead.stdout.strip()}-0a0b0c0d.tmp"
    stale.write_text("half")
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))
    running = tmp_path / f"{TEMPORARY_PREFIX}{os.getpid()}-0a0b0c0e.tmp"
    running.write_text("being written")
    atomic_write(tmp_path / "model.json", "{}")
    assert _others(tmp_path, "model.json") == [running.name]


def _expression():
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    out = a * b + a
    out.backward()
    return out, a


def test_a_failed_picture_keeps_the_previous_one(tmp_path, monkeypatch):
    path = tmp_path / "graph.svg"
    path.write_text("previous picture")
    monkeypatch.setattr("os.replace", lambda *a: (_ for _ in ()).throw(OSError(5, "I/O error")))
    out, _ = _expression()
    with pytest.raises(OSError, match="I/O error") as caught:
        draw_graph(out).save(path)
    assert caught.value.filename == str(path)
    assert path.read_text() == "previous picture"
    assert _others(tmp_path, "graph.svg") == []


def test_a_failed_page_or_animation_keeps_the_previous_files(tmp_path, monkeypatch):
    out, a = _expression()
    page, steps = player(out, a), frames(out, mode="reverse")
    for name in ("backprop.html", "sweep.gif", "step-1.svg", "step-2.svg"):
        (tmp_path / name).write_text("previous")
    monkeypatch.setattr("os.replace", lambda *a: (_ for _ in ()).throw(OSError(5, "I/O error")))
    with pytest.raises(OSError):
        page.save(tmp_path / "backprop.html")
    with pytest.raises(OSError):
        save_animation(steps, tmp_path / "sweep.gif")
    with pytest.raises(OSError):
        save_animation(steps, tmp_path / "step.svg")
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == {
        "backprop.html": "previous",
        "sweep.gif": "previous",
        "step-1.svg": "previous",
        "step-2.svg": "previous",
    }


def test_numbered_frames_are_all_written(tmp_path):
    out, _ = _expression()
    steps = frames(out, mode="reverse")
    written = save_animation(steps, tmp_path / "step.svg")
    assert [p.name for p in written] == [f"step-{i}.svg" for i in range(1, len(steps) + 1)]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written)


def test_render_writes_the_dot_text_and_the_picture(tmp_path):
    out, _ = _expression()
    picture = draw_graph(out).render(tmp_path / "g", format="dot")
    assert (tmp_path / "g").read_text().startswith("digraph")
    assert picture == str(tmp_path / "g.dot")
    assert _others(tmp_path, "g", "g.dot") == []


@pytest.mark.skipif(sys.platform == "win32", reason="file-size limits are POSIX")
@pytest.mark.parametrize("option", ["--html", "--animate"])
def test_gradviz_under_a_file_size_limit_names_its_file_and_keeps_the_previous(tmp_path, option):
    target = tmp_path / ("page.html" if option == "--html" else "sweep.gif")
    target.write_text("previous")
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "from viz.cli import main\n"
        f"sys.exit(main(['a*b+a', 'a=2', 'b=3', '--view', 'reverse', {option!r}, sys.argv[1]]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(target)], capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 1
    assert f"cannot write {target}: File too large" in done.stderr
    assert target.read_text() == "previous"
    assert _others(tmp_path, target.name) == []
