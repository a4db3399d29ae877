"""gradviz and the renderer under hostile input: clear one-line errors, bounded work."""

import tracemalloc

import pytest

from viz import cli
from viz.expr import MAX_DEPTH, MAX_LABEL, ParseError, parse
from viz.render import RenderError, render


def run(capsys, *argv):
    status = cli.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.err


@pytest.mark.parametrize(
    "text",
    [
        "(" * 141 + "a" + ")" * 141,
        "exp(" * 500 + "a" + ")" * 500,
        "**".join(["a"] * 400),
        "-" * 1000 + "a",
    ],
    ids=["parentheses", "functions", "powers", "minus signs"],
)
def test_deep_nesting_is_a_usage_error_not_a_recursion_error(capsys, tmp_path, text):
    status, err = run(capsys, "--", text, "a=1", "-o", str(tmp_path / "e.svg"))
    assert status == 2 and f"nested more than {MAX_DEPTH} levels deep" in err
    assert "Traceback" not in err and not (tmp_path / "e.svg").exists()


def test_nesting_up_to_the_limit_parses():
    depth = MAX_DEPTH - 1
    expression = parse("(" * depth + "a" + ")" * depth)
    assert expression.variables == ["a"]
    with pytest.raises(ParseError, match="nested more than"):
        parse("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1))


def test_a_huge_flat_sum_is_refused_before_it_is_built(capsys, tmp_path):
    text = "+".join(["a"] * 20_000)  # 40 KB
    tracemalloc.start()
    status, err = run(capsys, text, "a=1", "-o", str(tmp_path / "e.svg"))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert status == 2 and "20000 nodes, more than max_nodes=300" in err
    assert peak < 20_000_000  # bytes: no graph, no quadratic labels


def test_labels_are_cut_with_an_ellipsis():
    text = "+".join(f"x{i}" for i in range(30))
    out, _ = parse(text).build({f"x{i}": 1.0 for i in range(30)})
    assert len(out.label) == MAX_LABEL and out.label.endswith("…")


@pytest.mark.parametrize(
    "argv, words",
    [
        (["a*b", "a=1", "b=2", "--max-nodes", "0"], "--max-nodes must be a positive number"),
        (["a*b", "a=1", "b=2", "-o", "{tmp}/missing/e.svg"], "does not exist"),
        (["a*b", "a=1", "b=2", "-o", "{tmp}/folder.svg"], "is a folder"),
    ],
)
def test_command_line_mistakes_are_one_line_and_exit_2(capsys, tmp_path, argv, words):
    (tmp_path / "folder.svg").mkdir()
    status, err = run(capsys, *(a.replace("{tmp}", str(tmp_path)) for a in argv))
    assert status == 2 and words in err and err.count("\n") == 1


def test_an_unwritable_output_is_one_line_and_exit_1(capsys, tmp_path, monkeypatch):
    def refuse(source, target):
        raise PermissionError(13, "Permission denied", source)

    monkeypatch.setattr("os.replace", refuse)
    status, err = run(capsys, "a*b", "a=1", "b=2", "-o", str(tmp_path / "e.dot"))
    assert status == 1 and f"cannot write {tmp_path / 'e.dot'}: Permission denied" in err
    assert "Traceback" not in err


def test_a_renderer_past_its_time_limit_is_stopped_with_a_clear_error(
    renderer, capsys, tmp_path, monkeypatch
):
    source = "digraph { " + " ".join(f"a -> n{i};" for i in range(300)) + " }"
    with pytest.raises(RenderError, match="was stopped after 0.001 s"):
        render(source, "svg", time_limit=0.001)
    monkeypatch.setattr("viz.render.TIME_LIMIT", 0.001)
    status, err = run(capsys, "a*b", "a=1", "b=2", "-o", str(tmp_path / "e.svg"))
    assert status == 1 and "was stopped after" in err and not (tmp_path / "e.svg").exists()
