"""Small multiples form a grid: rows by columns, path 1 at the top left, the rest in reading
order, whatever the nodes are called, with both renderers (read from the rendered SVG's frames)."""

import math
import re

import pytest

import viz
from autograd import Value
from autograd.examples import three_by_three

FRAME = re.compile(r'<title>cluster_(\d+)</title>\s*<polygon[^>]*points="([^"]+)"')


def frames(svg: str) -> list[tuple[float, float, float, float]]:
    """Each small picture's frame (left, top, right, bottom; y grows downwards), path 1 first."""
    boxes = {}
    for match in FRAME.finditer(svg):
        points = [tuple(map(float, p.split(","))) for p in match.group(2).split()]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        boxes[int(match.group(1))] = (min(xs), min(ys), max(xs), max(ys))
    return [boxes[k] for k in sorted(boxes)]


def assert_grid(boxes: list[tuple[float, float, float, float]]) -> None:
    columns = math.ceil(math.sqrt(len(boxes)))
    for i, (left, top, right, bottom) in enumerate(boxes):
        row, column = divmod(i, columns)
        for j, (left2, top2, right2, bottom2) in enumerate(boxes):
            row2, column2 = divmod(j, columns)
            pair = f"paths {i + 1} and {j + 1}"
            if row == row2 and column < column2:  # side by side, level, in reading order
                assert right <= left2 and top < bottom2 and top2 < bottom, pair
                assert abs(top - top2) < (bottom - top) / 2, pair  # nearer its row than the next
            if column == column2 and row < row2:  # one above the other, in one column
                assert bottom <= top2 and left < right2 and left2 < right, pair
            if row < row2:  # an earlier row is higher up, in every column
                assert top + bottom < top2 + bottom2, pair
            if column < column2:
                assert left + right < left2 + right2, pair


def five_weights() -> tuple[Value, Value]:
    x = Value(1.0, "x")
    ws = [Value(float(k), f"w{k}") for k in range(1, 6)]
    out = ws[0] * x
    for w in ws[1:]:
        out = out + w * x
    return x, out


@pytest.mark.parametrize("symbols", [True, False], ids=["labelled α…ζ", "plain numbers"])
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_the_nine_paths_of_the_3x3_graph_form_a_3x3_grid(renderer, symbols, rankdir):
    x, _, z = three_by_three(symbols=symbols)
    boxes = frames(viz.draw_paths(z, x, layout="multiples", rankdir=rankdir).svg())
    assert len(boxes) == 9
    assert_grid(boxes)


def test_five_paths_fill_two_rows_of_three_the_first_row_full(renderer):
    x, out = five_weights()
    boxes = frames(viz.draw_paths(out, x, layout="multiples").svg())
    assert len(boxes) == 5
    assert_grid(boxes)


# RL with a short last row is left out: dot lays the lone picture of a column half a row low.
@pytest.mark.parametrize("rankdir", ["TB", "BT"])
def test_a_short_last_row_keeps_its_place_top_to_bottom_too(renderer, rankdir):
    x, out = five_weights()
    boxes = frames(viz.draw_paths(out, x, layout="multiples", rankdir=rankdir).svg())
    assert len(boxes) == 5
    assert_grid(boxes)
