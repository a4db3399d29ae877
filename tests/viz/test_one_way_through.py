"""viz's structure as a user and a maintainer rely on it: one description per figure, views that
do not know each other, one table of views, only public names of the engine, and a new view
(draw_depends) made of one module and one row of the table."""

import ast
import importlib
import re
from pathlib import Path

import pytest

import viz
import viz.description
from autograd import Value
from autograd.examples import three_by_three
from viz import catalog, draw_depends, frames, player
from viz.cli import VIEWS as COMMAND_LINE_VIEWS
from viz.cli import main
from viz.scene import MUTED
from viz.themes import LIGHT

VIZ = Path(viz.__file__).parent


@pytest.fixture
def descriptions(monkeypatch):
    """How many graph descriptions are built (each one names every node once)."""
    built = []
    names = viz.description._Names

    class Counted(names):
        def __init__(self, *args, **kwargs):
            built.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(viz.description, "_Names", Counted)
    return built


def test_the_player_describes_the_graph_once(classic, descriptions):
    a, b, c, d, e = classic
    page = player(e, b)
    assert len(page.steps) == 16  # forward pass, reverse sweep, paths: 16 pictures
    assert len(descriptions) == 1


def test_a_larger_player_and_every_sequence_describe_the_graph_once(descriptions):
    x, _, z = three_by_three()
    player(z, x)
    assert len(descriptions) == 1
    for mode in ("forward", "reverse", "paths"):
        descriptions.clear()
        frames(z, x, mode)
        assert len(descriptions) == 1, mode


def test_each_picture_describes_the_graph_once(classic, descriptions):
    a, b, c, d, e = classic
    for draw in (
        lambda: viz.draw_paths(e, b),  # its text is explain's, from the same description
        lambda: viz.draw_factorized(e, b),
        lambda: viz.draw_forward(e, b, step=2),
        lambda: viz.draw_reverse(e),
        lambda: viz.draw_graph(e),
        lambda: draw_depends(e, d),
    ):
        descriptions.clear()
        draw()
        assert len(descriptions) == 1


def _viz_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module} if node.module else {a.name for a in node.names}
    return found


def test_no_view_imports_another_view():
    views = {p.stem for p in VIZ.glob("view_*.py")}
    assert len(views) >= 6
    for name in views:
        assert not _viz_imports(VIZ / f"{name}.py") & (views - {name}), name


def test_viz_reads_no_private_field_of_the_engine():
    private = re.compile(r"\.(_fn|_const|_a|_b|_da|_db)\b")
    for path in VIZ.glob("*.py"):
        assert not private.search(path.read_text()), path.name


def test_every_view_module_is_a_row_of_the_table():
    table = Path(catalog.__file__).read_text()
    for path in VIZ.glob("view_*.py"):
        assert f"{path.stem}.annotate" in table, path.stem


def test_the_command_line_offers_the_views_of_the_table():
    assert set(COMMAND_LINE_VIEWS) == {n for n, v in catalog.VIEWS.items() if v.command_line}
    assert {"graph", "forward", "reverse", "paths", "factorized", "depends"} <= set(
        COMMAND_LINE_VIEWS
    )


def test_viz_describe_is_the_function_and_the_module_has_its_own_name():
    assert callable(viz.describe)
    assert viz.description.describe is viz.describe
    for name in viz.__all__:  # no public name is also a module's: viz.frames is the function
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(f"viz.{name}")


def test_the_derivative_text_of_an_operation_is_display_text_beside_its_rule():
    x = Value(0.5, "x")
    op = x.tanh().operation
    assert op.derivative_text == "1 - {out}²"
    assert callable(op.rule)


# draw_depends: which inputs a node depends on.


def _node_line(source: str, name: str) -> str:
    return next(line for line in source.splitlines() if f"<B>{name}</B>" in line)


def test_depends_highlights_the_node_its_ancestors_and_the_inputs_it_reads(classic):
    a, b, c, d, e = classic
    diagram = draw_depends(e, d, legend="full")  # d = b + 1
    assert diagram.text == "d depends on b"
    assert "what d depends on" in diagram.source
    assert "the inputs it depends on (filled): b" in diagram.source
    muted = LIGHT.text(MUTED)  # the grey of muted text, readable (4.5:1) on every fill
    assert muted in _node_line(diagram.source, "a")  # a cannot move d
    assert muted in _node_line(diagram.source, "e")  # nor is e part of it
    assert muted not in _node_line(diagram.source, "b")
    assert muted not in _node_line(diagram.source, "d")


def test_depends_of_the_output_is_every_input(classic):
    a, b, c, d, e = classic
    assert draw_depends(e, e).text == "e depends on a, b"
    assert draw_depends(e, a).text == "a depends on a"


def test_depends_refuses_a_node_outside_the_graph_or_not_a_value(classic):
    a, b, c, d, e = classic
    with pytest.raises(ValueError, match="not in the graph of d"):
        draw_depends(d, Value(5.0, "stranger"))
    with pytest.raises(TypeError, match="node must be a Value"):
        draw_depends(e, "d")


def test_depends_from_the_command_line_names_a_sub_expression(renderer, tmp_path, capsys):
    target = tmp_path / "dep.svg"
    assert main(["(a+b)*(b+1)", "a=2", "b=1", "--view", "depends", "--wrt", "b+1",
                 "-o", str(target)]) == 0  # fmt: skip
    assert target.read_bytes().lstrip().startswith(b"<")
    assert main(["(a+b)*(b+1)", "a=2", "b=1", "--view", "depends", "--wrt", "q"]) == 2
    assert "neither a variable nor a sub-expression" in capsys.readouterr().err


def test_depends_frames_step_through_the_nodes_in_topological_order(classic):
    a, b, c, d, e = classic
    texts = [diagram.text for diagram in frames(e, mode="depends")]
    assert texts == [
        "a depends on a",
        "b depends on b",
        "c depends on a, b",
        "d depends on b",
        "e depends on a, b",
    ]


# One DOT writer: every picture, small multiples included, is a Scene written by viz.dot.


def _imports_graphviz(tree: ast.AST) -> bool:
    """An import of graphviz that runs (one under ``if TYPE_CHECKING:`` is for types only)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            node.body = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "graphviz"
                                                for a in node.names):  # fmt: skip
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "graphviz":
            return True
    return False


def test_only_the_dot_writer_imports_graphviz_or_builds_a_digraph():
    for path in VIZ.glob("*.py"):
        source = path.read_text()
        writes_dot = _imports_graphviz(ast.parse(source)) or "Digraph(" in source
        assert writes_dot == (path.name == "dot.py"), path.name
