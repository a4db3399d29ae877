"""DOT text: counts, repeated edges, labels, determinism and escaping (no renderer needed)."""

import re
import subprocess
import sys

import pytest

from autograd import Value
from autograd.examples import three_by_three
from viz import (
    GraphTooLargeError,
    describe,
    draw_forward,
    draw_graph,
    draw_paths,
    draw_reverse,
)
from viz.text import escape


def edges_in(source: str) -> list[tuple[str, str]]:
    return re.findall(r"^\s*(n\d+) -> (n\d+)", source, flags=re.M)


def test_the_classic_graph_has_five_nodes_and_five_labelled_edges(classic):
    a, b, c, d, e = classic
    e.backward()
    source = draw_graph(e).source
    assert len(re.findall(r"^\s*n\d+ \[", source, flags=re.M)) == 5
    assert len(edges_in(source)) == 5
    for text in ("∂e/∂c = 2", "∂e/∂d = 3", "∂c/∂a = 1", "∂c/∂b = 1", "∂d/∂b = 1"):
        assert text in source
    assert "grad 5" in source and "data 6" in source


def test_repeated_edges_are_kept():
    a = Value(3.0, "a")
    for out in (a * a, a + a):
        graph = describe(out)
        assert [(e.parent, e.child) for e in graph.edges] == [("n0", "n1"), ("n0", "n1")]
        assert edges_in(draw_graph(out).source).count(("n0", "n1")) == 2


def test_before_backward_the_picture_says_so(classic):
    *_, e = classic
    source = draw_graph(e).source
    assert "no backward pass yet" in source and "<TD>grad" not in source


def test_forward_and_reverse_views_annotate_every_node(classic):
    a, b, c, d, e = classic
    forward = draw_forward(e, b).source
    for text in ("∂a/∂b = 0 (does not depend on b)", "∂b/∂b = 1 (seed)", "∂c/∂b = 1",
                 "∂d/∂b = 1", "∂e/∂b = 2 + 3 = 5"):  # fmt: skip
        assert text in forward
    reverse = draw_reverse(e).source
    for text in ("∂e/∂e = 1 (seed)", "∂e/∂c = 2", "∂e/∂d = 3", "∂e/∂a = 2", "∂e/∂b = 2 + 3 = 5"):
        assert text in reverse


def test_the_same_graph_gives_byte_identical_dot_even_across_processes():
    program = (
        "from autograd import Value\nfrom viz import draw_paths\n"
        "a, b = Value(2.0, 'a'), Value(1.0, 'b')\ne = (a + b) * (b + 1)\n"
        "print(draw_paths(e, b).source)"
    )
    runs = [subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                           check=True).stdout for _ in range(2)]  # fmt: skip
    assert runs[0] == runs[1] and "digraph" in runs[0]


@pytest.mark.parametrize(
    "label, shown",
    [
        ("<b>", "&lt;b&gt;"),
        ("{x|y}", "{x|y}"),
        ('"q"', "&quot;q&quot;"),
        ("a\\nb", "a\\\\nb"),  # Graphviz reads a doubled backslash as one
        ("\\N", "\\\\N"),  # not the node's id
        ("&", "&amp;"),
        ("bell\x07", "bell\\x07"),
        ("two\nlines", "two<BR/>lines"),
    ],
)
def test_user_text_is_escaped(label, shown):
    x = Value(1.0, label)
    source = draw_graph(x * 2).source
    assert f"<B>{shown}</B>" in source
    assert escape(label) == shown


def test_rankdir_is_choosable(classic):
    *_, e = classic
    assert "rankdir=BT" in draw_graph(e, rankdir="BT").source
    assert "rankdir=LR" in draw_graph(e).source
    assert "rankdir=TB" in draw_graph(e, rankdir="TD").source
    with pytest.raises(ValueError, match="rankdir must be one of LR, RL, TB, BT or TD, got 'up'"):
        draw_graph(e, rankdir="up")


def test_a_graph_too_large_to_read_is_refused_with_the_way_out():
    y = Value(1.0)
    for _ in range(400):
        y = y * 1.0
    with pytest.raises(
        GraphTooLargeError, match="401 nodes, more than max_nodes=300.*max_nodes=401"
    ):
        draw_graph(y)
    assert "digraph" in draw_graph(y, max_nodes=401).source


def test_paths_view_colours_each_path_and_lists_their_products(classic):
    a, b, c, d, e = classic
    source = draw_paths(e, b, legend="full").source
    assert "path 1: b → c → e: 1·2 = 2" in source and "path 2: b → d → e: 1·3 = 3" in source
    assert "sum over the 2 paths: 2 + 3 = 5 (2 multiplications)" in source
    assert "forward mode from b: 5 (2 multiplications)" in source
    assert "reverse mode from e: 5 (3 multiplications, every input at once)" in source
    assert len(re.findall(r"penwidth=2.5", source)) == 4  # two paths of two edges, coloured


def test_paths_view_of_the_three_by_three_graph():
    x, _, z = three_by_three()
    source = draw_paths(z, x, legend="full").source
    assert "sum over the 9 paths: 14 + 21 + 35 + 22 + 33 + 55 + 26 + 39 + 65 = 310" in source
    assert len(re.findall(r"path \d+: X", source)) == 9
    assert "forward mode from X: 310" in source and "reverse mode from Z: 310" in source


def test_too_many_paths_are_counted_not_listed():
    x = Value(1.0, "x")
    y = x
    for _ in range(20):
        y = y + y
    source = draw_paths(y, x, legend="full").source
    assert "1048576 paths, too many to list (max_paths=12)" in source
    assert "path 1:" not in source
