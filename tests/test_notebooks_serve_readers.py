"""The teaching notebooks serve their readers: every import is used, every code cell shows or
checks something, no cell exists only to mention a name. (The API reference lives in docstrings
and the README; ``make test`` executes the notebooks themselves.)"""

import ast
import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
SHOWS = {"print", "display", "show", "plot", "scatter", "contourf", "imshow", "bar", "legend"}


def code_cells(path: Path) -> list[ast.Module]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [ast.parse("".join(c["source"])) for c in cells if c["cell_type"] == "code"]


def test_there_are_five_notebooks():
    assert len(NOTEBOOKS) == 5


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_import_is_used(path):
    imported, used = set(), set()
    for tree in code_cells(path):
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                imported |= {(a.asname or a.name).split(".")[0] for a in node.names}
            elif isinstance(node, ast.Name):
                used.add(node.id)
    assert imported - used == set()


def _shows_or_checks(tree: ast.Module) -> bool:
    body = [s for s in tree.body if not isinstance(s, (ast.Import, ast.ImportFrom))]
    if not body:
        return True  # a cell of imports
    if isinstance(body[-1], ast.Expr):
        return True  # its value is displayed
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name in SHOWS:
                return True
    return False


def _only_checks_types(node: ast.Assert) -> bool:
    tests = node.test.values if isinstance(node.test, ast.BoolOp) else [node.test]
    return all(isinstance(t, ast.Call) and getattr(t.func, "id", "") == "isinstance" for t in tests)


def _bound(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        for target in getattr(node, "targets", []) + [getattr(node, "target", None)]:
            names |= (
                {n.id for n in ast.walk(target) if isinstance(n, ast.Name)} if target else set()
            )
    return names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_code_cell_shows_checks_or_prepares_something(path):
    cells = code_cells(path)
    for i, tree in enumerate(cells):
        later = {n.id for t in cells[i + 1 :] for n in ast.walk(t) if isinstance(n, ast.Name)}
        assert _shows_or_checks(tree) or _bound(tree) & later, (
            f"code cell {i} shows nothing, checks nothing and prepares nothing used later"
        )
        for node in ast.walk(tree):
            if isinstance(node, ast.Assert):
                assert not _only_checks_types(node), (
                    f"code cell {i} asserts only types (a name check, not a fact for the reader)"
                )
