"""The gradviz command: the classic run, output formats, and every rejection (exit 2, no file)."""

import subprocess
import sys

import pytest

from viz.cli import main


def test_the_classic_run_renders_and_explains(renderer, tmp_path, capsys):
    out = tmp_path / "e.svg"
    assert main(["(a+b)*(b+1)", "a=2", "b=1", "--wrt", "b", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "∂out/∂b = ∂out/∂(a+b)·∂(a+b)/∂b + ∂out/∂(b+1)·∂(b+1)/∂b = 2·1 + 3·1 = 5" in text
    assert out.read_text().lstrip().startswith("<?xml")


def test_no_expression_draws_the_classic_example(renderer, tmp_path, capsys):
    out = tmp_path / "classic.svg"
    assert main(["-o", str(out)]) == 0
    assert "= 2·1 + 3·1 = 5" in capsys.readouterr().out and out.exists()


@pytest.mark.parametrize(
    "ext, magic", [("svg", b"<?xml"), ("png", b"\x89PNG"), ("dot", b"digraph")]
)
@pytest.mark.parametrize("view", ["graph", "forward", "reverse", "paths", "factorized"])
def test_each_view_and_format(renderer, tmp_path, capsys, ext, magic, view):
    out = tmp_path / f"g.{ext}"
    assert main(["tanh(w*x + c)", "w=0.5", "x=2", "c=-1", "--view", view, "-o", str(out)]) == 0
    assert out.read_bytes().startswith(magic)


@pytest.mark.parametrize(
    "argv, words",
    [
        (["a.b", "a=1"], "unexpected character '.'"),
        (["import os"], "Python keyword 'import' is not part of the expression language"),
        (["lambda x: x", "x=1"], "Python keyword 'lambda'"),
        (["a; b", "a=1", "b=2"], "unexpected character ';'"),
        (["foo(a)", "a=1"], "unknown function 'foo'"),
        (["__import__('os')"], "unknown function '__import__'"),
        (["a + ", "a=1"], "expected a number, a name or '(' but found end of expression"),
        (["(a+b)*(b+1)", "a=2"], "no value for 'b'; pass b=<number>"),
        (["(a+b)*(b+1)", "a=2", "b=1", "c=3"], "variable 'c' is not in the expression"),
        (["a*2", "a2"], "bad value 'a2': expected name=number"),
        (["a*2", "a=two"], "'two' is not a number"),
        (["a*2", "a=1", "--view", "sideways"], "unknown view 'sideways'"),
        (["a*2", "a=1", "--wrt", "q"], "--wrt 'q' is not a variable"),
        (["a*2", "a=1", "-o", "g.jpg"], "'.jpg'"),
        (["2*3"], "no variables to differentiate by"),
        (["a*2", "a=1", "--step", "1"], "--step goes with --view forward or reverse, not paths"),
        (["a*a", "a=1", "--view", "reverse", "--step", "9"], "step must be an int from 0"),
        (["a*2", "a=1", "--view", "graph", "--only", "1"], "--only goes with --view paths"),
        (["a*a", "a=1", "--only", "3"], "only must be a path number from 1 to 2"),
        (["a*2", "a=1", "--layout", "grid"], "unknown layout 'grid'"),
        (["a*2", "a=1", "--view", "graph", "--animate", "x.gif"], "--animate goes with --view"),
        (["a*2", "a=1", "--view", "reverse", "--animate", "x.mp4"], "--animate writes .gif"),
    ],
)
def test_rejections_exit_2_with_a_message_and_write_nothing(tmp_path, capsys, argv, words):
    out = tmp_path / "never.svg"
    if "-o" not in argv:
        argv = [*argv, "-o", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("gradviz: error:") and words in err
    assert list(tmp_path.iterdir()) == []


def test_parse_errors_point_at_the_offending_part(capsys):
    assert main(["a + __import__('os')", "a=1", "-o", "x.svg"]) == 2
    err = capsys.readouterr().err
    assert "unknown function '__import__'" in err and "at column 5" in err
    assert "  a + __import__('os')\n      ^" in err


def test_runnable_as_python_dash_m_viz(tmp_path):
    out = tmp_path / "m.dot"
    done = subprocess.run([sys.executable, "-m", "viz", "x*x", "x=3", "-o", str(out)],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "= 1·3 + 1·3 = 6" in done.stdout and out.read_text().startswith("digraph")
    bad = subprocess.run([sys.executable, "-m", "viz", "x.y"], capture_output=True, text=True)
    assert bad.returncode == 2 and "unexpected character '.'" in bad.stderr


def test_a_step_of_the_reverse_sweep_from_the_command_line(renderer, tmp_path, capsys):
    out = tmp_path / "step.dot"
    assert main(["--view", "reverse", "--step", "3", "-o", str(out)]) == 0
    source = out.read_text()
    assert "(step 3 of 5)" in source and "dir=back" in source


def test_the_paths_one_at_a_time_and_as_small_multiples(renderer, tmp_path, capsys):
    only, multiples = tmp_path / "only.dot", tmp_path / "multiples.svg"
    assert main(["--only", "2", "-o", str(only)]) == 0
    assert "path 2 of 2" in only.read_text()
    assert main(["--layout", "multiples", "-o", str(multiples)]) == 0
    assert multiples.read_bytes().startswith(b"<?xml")


def test_animate_writes_every_step_as_a_gif(renderer, tmp_path, capsys):
    gif = tmp_path / "backprop.gif"
    assert main(["--view", "reverse", "--animate", str(gif)]) == 0
    assert gif.read_bytes().startswith(b"GIF89a")
    assert f"wrote {gif}" in capsys.readouterr().out


def test_caret_suggests_the_power_operator_and_pi_and_e_are_constants(capsys, tmp_path):
    assert main(["x^2", "x=1", "-o", str(tmp_path / "e.dot")]) == 2
    assert "powers are written **" in capsys.readouterr().err
    assert main(["sin(pi*x)+e", "x=0.5", "-o", str(tmp_path / "e.dot")]) == 0
    assert "out = sin(pi*x)+e" in capsys.readouterr().out
    assert main(["x*e", "x=1", "e=2", "-o", str(tmp_path / "f.dot")]) == 2
    assert "e is the constant 2.71828" in capsys.readouterr().err


def test_help_lists_the_views(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "--view {graph,forward,reverse,paths,factorized,depends}" in capsys.readouterr().out
