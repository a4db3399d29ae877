"""The teaching views: paths on the graph's own edges, the factorized view, forward and reverse
mode that look different, the sweeps step by step, and their frames as GIF or numbered files."""

import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from autograd import Value, reverse_mode, topological_order
from autograd.examples import three_by_three
from viz import (
    Diagram,
    describe,
    draw_factorized,
    draw_forward,
    draw_paths,
    draw_reverse,
    explain,
    frames,
    save_animation,
)
from viz.scene import BACKGROUND, MUTED, PATH_COLOURS

EDGE = re.compile(r"^\s*(n\d+) -> (n\d+)", flags=re.M)


def edge_statements(source: str) -> list[str]:
    return [line for line in source.splitlines() if EDGE.match(line)]


# --- paths on the graph's own edges ------------------------------------------------------------
def test_the_three_by_three_paths_picture_draws_each_graph_edge_exactly_once():
    x, _, z = three_by_three()
    graph = describe(z)
    edges = EDGE.findall(draw_paths(z, x).source)
    assert edges == [(e.parent, e.child) for e in graph.edges]  # 14 edges, no overlays


def test_repeated_edges_are_drawn_once_each_and_both_carry_a_path():
    a = Value(3.0, "a")
    square = a * a
    square.label = "s"
    source = draw_paths(square, a).source
    lines = edge_statements(source)
    assert len(lines) == 2
    assert re.search(r"path\s<", lines[0]) and ">1<" in lines[0] and ">2<" in lines[1]


def test_an_edge_shared_by_several_paths_is_a_band_of_their_colours_with_their_numbers():
    x, _, z = three_by_three()
    lines = edge_statements(draw_paths(z, x).source)
    last = lines[-2]  # (7Y + 11Y) -> Z carries paths 1 to 6
    colours = re.search(r'color="([^"]+)"', last).group(1).split(":")
    assert colours == list(PATH_COLOURS[:6])
    assert all(f">{n}<" in last for n in range(1, 7))


def test_only_highlights_one_path_and_greys_the_rest_without_moving_anything():
    x, _, z = three_by_three()
    source = draw_paths(z, x, only=5).source
    coloured = [ln for ln in edge_statements(source) if f'color="{MUTED}"' not in ln]
    assert len(coloured) == 6  # path 5 is X → v2 → v3 → Y → v7 → v8 → Z
    assert all(PATH_COLOURS[4] in ln for ln in coloured)
    assert "path 5 of 9" in source
    # the labels keep every path number, so each only=k has the layout of the full picture
    looks = r'"#[0-9A-F]{6}"| style=\w+| arrowhead=\w+'  # colours, a path's pattern and marker
    drawn = (draw_paths(z, x, only=k, legend="full").source for k in (1, 9))
    sizes = {len(re.sub(looks, "", source)) for source in drawn}
    assert len(sizes) == 1


@pytest.mark.parametrize("only", [0, 10, 1.0, True, "1"])
def test_only_takes_a_path_number_from_the_legend(only):
    x, _, z = three_by_three()
    with pytest.raises(ValueError, match=r"only must be a path number from 1 to 9"):
        draw_paths(z, x, only=only)


def test_small_multiples_draw_one_picture_per_path_and_the_sum():
    x, _, z = three_by_three()
    source = draw_paths(z, x, layout="multiples").source
    assert source.count("subgraph cluster_") == 9
    assert "path 1</B>: 2·1·1·7·1·1 = <B>14" in source
    assert "14 + 21 + 35 + 22 + 33 + 55 + 26 + 39 + 65 = <B>310" in source


def test_small_multiples_refuse_many_paths_and_point_to_the_factorized_view():
    x = Value(1.0, "x")
    y = x
    for _ in range(3):
        y = 2 * y + 3 * y + 4 * y  # 27 paths
    with pytest.raises(ValueError, match="27 paths are too many.*draw_factorized"):
        draw_paths(y, x, layout="multiples")
    with pytest.raises(ValueError, match="layout must be 'graph' or 'multiples'"):
        draw_paths(y, x, layout="grid")


def test_a_path_number_is_on_every_coloured_edge_so_grey_scale_prints_tell_them_apart():
    a, b = Value(2.0, "a"), Value(1.0, "b")
    e = (a + b) * (b + 1)
    for ln in edge_statements(draw_paths(e, b).source):
        if "penwidth=2.5" in ln:
            assert re.search(r"path\s.*>[12]<", ln)


# --- the factorized view ---------------------------------------------------------------------
def test_the_factorized_view_groups_the_nine_products_at_the_shared_node():
    x, _, z = three_by_three()
    diagram = draw_factorized(z, x, legend="full")
    source = diagram.source
    assert "∂Y/∂X = 2 + 3 + 5 = 10" in source
    assert "∂Z/∂X = 7·10 + 11·10 + 13·10 = 310" in source
    assert "sum over the 9 paths from X to Z = (2+3+5)·(7+11+13) = 10·31 = 310" in source
    assert "multiplications: 39 to list the paths one by one; 11 in forward mode" in source
    assert "every path passes through Y" in diagram.text


def test_labelled_multipliers_appear_as_symbols_in_the_identity_and_on_the_edges():
    x, y, z = three_by_three(symbols=True)
    source = draw_factorized(z, x, legend="full").source
    assert "(α+β+γ)·(δ+ε+ζ)" in source and "= (2+3+5)·(7+11+13) = 10·31 = 310" in source
    assert "∂Y/∂X = α + β + γ" in source and "∂Z/∂X = (δ + ε + ζ)·∂Y/∂X" in source
    assert "∂(α·X)/∂X = α = 2" in source  # the symbol the derivative comes from


def test_a_product_edge_names_the_other_operand():
    a, b = Value(2.0, "a"), Value(5.0, "b")
    c = a * b
    c.label = "c"
    source = draw_factorized(c, a).source
    assert "∂c/∂a = b = 5" in source


def test_explain_and_the_command_say_the_factorization_in_words():
    x, _, z = three_by_three()
    text = explain(z, x)
    assert (
        "factorized: every path passes through Y, so the sum over 9 paths "
        "= (2+3+5)·(7+11+13) = 310" in text
    )


# --- forward and reverse mode look different ---------------------------------------------------
def test_reverse_mode_edges_point_back_and_are_dashed_forward_mode_edges_do_not(classic):
    *_, b, c, d, e = classic
    forward = edge_statements(draw_forward(e, b).source)
    reverse = edge_statements(draw_reverse(e).source)
    assert all("dir=back" in ln and "style=dashed" in ln for ln in reverse)
    assert not any("dir=back" in ln or "dashed" in ln for ln in forward)
    assert {re.search(r'color="([^"]+)"', ln).group(1) for ln in forward} != {
        re.search(r'color="([^"]+)"', ln).group(1) for ln in reverse
    }


def test_each_edge_shows_what_it_contributes(classic):
    *_, b, c, d, e = classic
    assert "1·2 → 2" in draw_forward(e, b).source  # tangent(c) · ∂e/∂c
    assert "1·3 → 3" in draw_reverse(e).source  # adjoint(e) · ∂e/∂d


def test_reverse_nodes_are_numbered_in_the_order_the_sweep_visits_them(classic):
    *_, e = classic
    source = draw_reverse(e).source
    order = [v.label for v in reversed(topological_order(e))]
    numbered = re.findall(r"<B>(\d+)</B></FONT>.*?</TD><TD[^>]*><B>(\w)</B>", source)
    assert [name for _, name in sorted(numbered, key=lambda t: int(t[0]))] == order


# --- step by step ------------------------------------------------------------------------------
def shown_rows(source: str) -> dict[str, str]:
    """Each node's annotation row that is drawn visibly, by node name."""
    shown = {}
    for label in re.findall(r"^\s*n\d+ \[label=<(.*)>\]$", source, flags=re.M):
        name = re.search(r"<B>([^<]+)</B>(?:</FONT>)?(?:<FONT[^>]*>)?(?:\s=\s|\s\(leaf\))", label)
        for colour, text in re.findall(r'<FONT COLOR="([^"]+)">(∂[^<]*)</FONT>', label):
            if colour != BACKGROUND:
                shown[name.group(1)] = text
    return shown


def test_step_k_of_the_reverse_sweep_shows_exactly_the_adjoints_computed_by_then(classic):
    *_, e = classic
    order = list(reversed(topological_order(e)))
    adjoints = reverse_mode(e).adjoints
    for k in range(len(order) + 1):
        shown = shown_rows(draw_reverse(e, step=k).source)
        assert set(shown) == {v.label for v in order[:k]}
        for v in order[:k]:
            assert shown[v.label].endswith(f"= {adjoints[v]:g}") or "(seed)" in shown[v.label]


def test_step_k_of_the_forward_sweep_fills_the_tangents_in_topological_order(classic):
    a, b, c, d, e = classic
    expected = [set(), {"b"}, {"b", "c"}, {"b", "c", "d"}, {"b", "c", "d", "e"}]
    for k, names in enumerate(expected):
        shown = {n for n, t in shown_rows(draw_forward(e, b, step=k).source).items() if "/∂b" in t}
        assert shown - {"a"} == names  # a never depends on b: its 0 is shown, greyed


def test_a_step_outside_the_sweep_is_refused_with_the_range(classic):
    *_, e = classic
    for step in (-1, 6, 2.0, True):
        with pytest.raises(ValueError, match=r"step must be an int from 0 .* to 5"):
            draw_reverse(e, step=step)


def test_frames_are_the_steps_first_to_last_each_saying_what_it_computes(classic):
    a, b, c, d, e = classic
    sequence = frames(e, mode="reverse")
    assert len(sequence) == 6 and all(isinstance(f, Diagram) for f in sequence)
    assert sequence[0].text.startswith("before the sweep")
    assert sequence[1].text.startswith("∂e/∂e = 1: the seed")
    assert "∂e/∂b = ∂e/∂c·∂c/∂b + ∂e/∂d·∂d/∂b = 2·1 + 3·1 = 5" in [f.text for f in sequence]
    assert len(frames(e, b, mode="forward")) == 5
    paths = frames(e, b, mode="paths")
    assert len(paths) == 4  # path 1, path 2, both with their sum, the factorized view
    with pytest.raises(TypeError, match="needs x"):
        frames(e, mode="forward")
    with pytest.raises(ValueError, match="mode must be one of forward, reverse, paths"):
        frames(e, mode="backward")


def node_boxes(svg: str) -> list[str]:
    """The outline of every node in a rendered SVG, in order."""
    root = ET.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    boxes = []
    for group in root.iterfind(".//s:g[@class='node']", ns):
        polygon = group.find("s:polygon", ns)
        boxes.append(polygon.get("points") if polygon is not None else "")
    return boxes


def test_every_frame_of_a_sweep_has_the_same_layout(renderer, classic):
    *_, e = classic
    sequence = frames(e, mode="reverse")
    layouts = {tuple(node_boxes(frame.svg())) for frame in (sequence[0], sequence[3], sequence[-1])}
    assert len(layouts) == 1


def test_frames_are_saved_as_an_animated_gif_and_as_numbered_svgs(renderer, classic, tmp_path):
    *_, e = classic
    sequence = frames(e, mode="reverse")
    (gif,) = save_animation(sequence, tmp_path / "backprop.gif")
    with Image.open(gif) as image:
        assert image.format == "GIF" and image.n_frames == len(sequence)
    written = save_animation(sequence, tmp_path / "step.svg")
    assert [p.name for p in written] == [f"step-{i}.svg" for i in range(1, 7)]
    assert all(ET.fromstring(p.read_text()).tag.endswith("svg") for p in written)


def test_save_animation_says_what_it_accepts(classic, tmp_path):
    *_, e = classic
    with pytest.raises(ValueError, match="writes .gif .* or .svg/.png"):
        save_animation(frames(e), tmp_path / "a.pdf")
    with pytest.raises(ValueError, match="non-empty list of Diagrams"):
        save_animation([], tmp_path / "a.gif")
    assert not list(tmp_path.iterdir())


# --- what stays as it was ----------------------------------------------------------------------
def test_the_three_by_three_pictures_render_with_each_renderer(renderer, tmp_path):
    x, _, z = three_by_three()
    for name, diagram in (
        ("paths", draw_paths(z, x)),
        ("only", draw_paths(z, x, only=3)),
        ("multiples", draw_paths(z, x, layout="multiples")),
        ("factorized", draw_factorized(z, x)),
    ):
        path = diagram.save(tmp_path / f"{name}.png")
        with Image.open(path) as image:
            assert image.width > 400 and image.height > 150
