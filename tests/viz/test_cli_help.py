"""``gradviz --help`` says what gradviz does: every option's help text, swept against a run of it.

Each option of the parser has an entry in BEHAVIOUR below, a check that reads the claim from the
help text and runs it; an option added without one fails ``test_every_option_has_a_check``.
"""

import re

import pytest

from viz.cli import _parser, main
from viz.description import DEFAULT_MAX_NODES


def help_text(capsys) -> str:
    """``gradviz --help`` as printed, with argparse's line wrapping undone."""
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    return " ".join(capsys.readouterr().out.split())


def option_help(capsys, option: str) -> str:
    """The help sentence of one option, e.g. "--wrt NAME the variable ..."."""
    text = help_text(capsys)
    start = text.index(f" {option} ", text.index("positional arguments:"))
    following = re.compile(r" name=value | options: | (-o FILE, )?--[a-z-]+ [A-Z{]| example:")
    end = following.search(text, start + len(option) + 2)
    return text[start : end.start() if end else len(text)]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def check_expression(capsys, tmp_path):
    assert 'default: the classic "(a+b)*(b+1)" at a=2 b=1' in option_help(capsys, "expression")
    status, out, _ = run(capsys, "-o", str(tmp_path / "g.dot"))
    assert status == 0 and out.startswith("out = (a+b)*(b+1)  at  a=2, b=1")


def check_values(capsys, tmp_path):
    assert "a value for each variable" in help_text(capsys)
    status, out, _ = run(capsys, "x*y", "x=3", "y=4", "-o", str(tmp_path / "g.dot"))
    assert status == 0 and "at  x=3, y=4" in out


def check_wrt(capsys, tmp_path):
    said = option_help(capsys, "--wrt")
    assert "default: the first in the expression; b for the classic example" in said
    dot = str(tmp_path / "g.dot")

    def explained(*argv: str) -> str:  # the derivation's first line names the variable
        return run(capsys, *argv, "-o", dot)[1].splitlines()[1]

    assert explained("y*x + y", "x=3", "y=4").startswith("∂out/∂y = ")
    assert explained().startswith("∂out/∂b = ")
    assert explained("y*x", "x=3", "y=4", "--wrt", "x").startswith("∂out/∂x = ")


def check_view(capsys, tmp_path):
    said = option_help(capsys, "--view")
    views = re.search(r"\{([a-z,]+)\}", said).group(1).split(",")
    assert "(default: paths)" in said
    sources = {}
    for view in [*views, None]:
        out = tmp_path / f"{view}.dot"
        assert main(["--view", view, "-o", str(out)] if view else ["-o", str(out)]) == 0
        sources[view] = out.read_text()
    assert len({sources[v] for v in views}) == len(views)  # each view draws its own picture
    assert sources[None] == sources["paths"]


def check_output(capsys, tmp_path, monkeypatch):
    said = option_help(capsys, "-o FILE, --output")
    assert "(default gradviz.svg)" in said
    monkeypatch.chdir(tmp_path)
    assert main([]) == 0 and (tmp_path / "gradviz.svg").read_bytes().startswith(b"<?xml")
    formats = re.search(r"the file to write: (.*?) \(default", said).group(1)
    for ext in re.findall(r"\.([a-z]+)", formats):
        status, _, err = run(capsys, "-o", f"g.{ext}")
        # PDF needs Graphviz's dot; without it gradviz says so (exit 1), it does not refuse it
        assert status == 0 or (ext == "pdf" and status == 1 and "PDF" in err), err
    assert run(capsys, "-o", "g.jpg")[0] == 2


def check_rankdir(capsys, tmp_path):
    said = option_help(capsys, "--rankdir")
    choices = re.search(r"\{([A-Z,]+)\}", said).group(1).split(",")
    assert {"LR", "TB", "TD", "BT", "RL"} == set(choices) and "default: LR" in said
    for rankdir in [*choices, None]:
        out = tmp_path / "g.dot"
        argv = ["-o", str(out)] + (["--rankdir", rankdir] if rankdir else [])
        assert main(argv) == 0, rankdir
        drawn = re.search(r"rankdir=(\w+)", out.read_text()).group(1)
        assert drawn == {None: "LR", "TD": "TB"}.get(rankdir, rankdir)


def check_step(capsys, tmp_path):
    assert "draw the sweep after K steps" in option_help(capsys, "--step")
    for view in ("forward", "reverse"):
        out = tmp_path / "g.dot"
        assert main(["--view", view, "--step", "2", "-o", str(out)]) == 0
        assert "(step 2 of" in out.read_text()


def check_only(capsys, tmp_path):
    assert "highlight path N alone (numbered from 1)" in option_help(capsys, "--only")
    out = tmp_path / "g.dot"
    assert main(["--only", "1", "-o", str(out)]) == 0 and "path 1 of 2" in out.read_text()
    assert run(capsys, "--only", "0", "-o", str(out))[0] == 2  # numbered from 1


def check_layout(capsys, tmp_path):
    said = option_help(capsys, "--layout")
    assert "{graph,multiples}" in said and "(default)" in said
    sources = []
    for layout in ("graph", "multiples"):
        out = tmp_path / f"{layout}.dot"
        assert main(["--layout", layout, "-o", str(out)]) == 0
        sources.append(out.read_text())
    plain = tmp_path / "plain.dot"
    assert main(["-o", str(plain)]) == 0
    assert plain.read_text() == sources[0] != sources[1]
    assert sources[1].count("subgraph cluster") >= 2  # one small picture per path


def check_animate(capsys, tmp_path):
    said = option_help(capsys, "--animate")
    assert "step.svg writes step-1.svg, step-2.svg, ..." in said
    assert "01, 02, ... from 10 steps on" in said
    status, out, err = run(capsys, "--view", "reverse", "--animate", str(tmp_path / "step.svg"))
    assert status == 0, err
    # the classic reverse sweep: before it, then e, d, c, b, a
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"step-{i}.svg" for i in range(1, 7)]
    assert f"wrote {tmp_path / 'step-1.svg'} ... {tmp_path / 'step-6.svg'}" in out
    many = tmp_path / "many"
    many.mkdir()
    assert main(["a*b*c*d*f*g", *(f"{v}=1" for v in "abcdfg"), "--view", "reverse",
                 "--animate", str(many / "f.svg")]) == 0  # fmt: skip
    names = sorted(p.name for p in many.iterdir())
    assert len(names) >= 10 and names[0] == "f-01.svg" and names[-1] == f"f-{len(names)}.svg"
    gif = tmp_path / "sweep.gif"
    assert main(["--view", "forward", "--animate", str(gif)]) == 0
    assert gif.read_bytes().startswith(b"GIF89a")


def check_html(capsys, tmp_path):
    assert "write the backprop player" in option_help(capsys, "--html")
    page = tmp_path / "e.html"
    assert main(["--html", str(page)]) == 0
    assert page.read_text().startswith("<!DOCTYPE html>") and "step" in page.read_text()


def check_max_nodes(capsys, tmp_path):
    said = option_help(capsys, "--max-nodes")
    assert f"refuse larger graphs (default {DEFAULT_MAX_NODES}; 60 with --html" in said
    out = str(tmp_path / "g.dot")
    assert run(capsys, "a*b+c", "a=1", "b=1", "c=1", "--max-nodes", "4", "-o", out)[0] == 2
    assert run(capsys, "a*b+c", "a=1", "b=1", "c=1", "--max-nodes", "5", "-o", out)[0] == 0
    terms = "+".join(["x"] * DEFAULT_MAX_NODES)  # 299 additions and x: 300 nodes
    assert run(capsys, terms, "x=1", "-o", out)[0] == 0
    status, _, err = run(capsys, terms + "+x", "x=1", "-o", out)
    assert status == 2 and f"more than max_nodes={DEFAULT_MAX_NODES}" in err


def check_contract(capsys, tmp_path):
    said = option_help(capsys, "--contract")
    assert "paths/factorized: draw each sum c1*u1 + c2*u2 + ... as weighted edges" in said
    dot = tmp_path / "g.dot"
    status, out, _ = run(capsys, "a*x + b*x", "a=2", "b=3", "x=1", "--wrt", "x", "--contract",
                         "-o", str(dot))  # fmt: skip
    assert status == 0 and "x→out: a = 2; x→out: b = 3" in out
    assert "multiplications in the contracted graph" in out and "a = 2" in dot.read_text()
    status, out, _ = run(capsys, "a*x + b*x", "a=2", "b=3", "x=1", "--wrt", "x", "-o", str(dot))
    assert status == 0 and "x→(a*x)→out: 2·1 = 2" in out  # without: through the products
    status, _, err = run(capsys, "--view", "reverse", "--contract", "-o", str(dot))
    assert status == 2 and "--contract goes with --view paths or factorized, not reverse" in err


BEHAVIOUR = {
    "expression": check_expression,
    "values": check_values,
    "--wrt": check_wrt,
    "--view": check_view,
    "--output": check_output,
    "--rankdir": check_rankdir,
    "--step": check_step,
    "--only": check_only,
    "--layout": check_layout,
    "--contract": check_contract,
    "--animate": check_animate,
    "--html": check_html,
    "--max-nodes": check_max_nodes,
}


def _name(action) -> str:
    return action.option_strings[-1] if action.option_strings else action.dest


def test_every_option_has_a_check():
    options = {_name(a) for a in _parser()._actions if _name(a) != "--help"}
    assert options == set(BEHAVIOUR)


@pytest.mark.parametrize("option", list(BEHAVIOUR))
def test_the_help_of_each_option_says_what_it_does(option, capsys, tmp_path, monkeypatch):
    check = BEHAVIOUR[option]
    kwargs = {"monkeypatch": monkeypatch} if "monkeypatch" in check.__code__.co_varnames else {}
    check(capsys, tmp_path, **kwargs)
