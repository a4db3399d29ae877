"""Themes, legends, font sizes and fitting a box: what a teacher preparing slides and handouts
relies on. Contrast is checked with WCAG 2's formula, the slide fit on the rendered SVG."""

import io
import re
import zlib
from itertools import combinations

import pytest
from PIL import Image

from autograd import Value
from autograd.examples import classic as classic_example
from autograd.examples import three_by_three
from viz import (
    draw_depends,
    draw_dot,
    draw_factorized,
    draw_forward,
    draw_graph,
    draw_paths,
    draw_reverse,
    frames,
    player,
)
from viz.labels import COUNT_RULE
from viz.scene import GREEN, PURPLE
from viz.themes import PATH_STYLES, THEMES, contrast, luminance, path_style

SLIDE_WIDTH, SLIDE_HEIGHT = 6.3, 3.0  # inches: a 16:9 Beamer frame under its title


def pictures(theme):
    """Every view of the classic example and the 3×3 graph, in ``theme``."""
    a, b, c, d, e = classic_example()
    e.backward()
    x, _, z = three_by_three()
    xs, _, zs = three_by_three(symbols=True)
    return [
        draw_graph(e, theme=theme),
        draw_paths(e, b, theme=theme, legend="full"),
        draw_paths(z, x, theme=theme, only=2),
        draw_paths(z, x, theme=theme, layout="multiples"),
        draw_forward(e, b, theme=theme, legend="side"),
        draw_reverse(e, theme=theme, step=2),
        draw_reverse(z, theme=theme),
        draw_factorized(zs, xs, theme=theme, legend="full"),
        draw_depends(e, d, theme=theme),
    ]


def text_colours(source: str, background: str):
    """(text colour, the colour under it) for every run of text the DOT writes."""
    found = []
    for attrs, body in re.findall(r"<TD([^>]*)>(.*?)</TD>", source):
        under = re.search(r'BGCOLOR="(#[0-9A-F]{6})"', attrs)
        for colour in re.findall(r'<FONT COLOR="(#[0-9A-F]{6})"', body):
            found.append((colour, under.group(1) if under else background))
    outside = re.sub(r"<TD[^>]*>.*?</TD>", "", source)
    found += [(c, background) for c in re.findall(r'<FONT COLOR="(#[0-9A-F]{6})"', outside)]
    found += [(c, background) for c in re.findall(r'fontcolor="(#[0-9A-F]{6})"', source)]
    return found


@pytest.mark.parametrize("name", sorted(THEMES))
def test_every_text_colour_of_every_theme_reads_at_least_4_5_to_1(name):
    theme = THEMES[name]
    for diagram in pictures(name):
        source = diagram.source
        assert f'bgcolor="{theme.background}"' in source
        pairs = text_colours(source, theme.background)
        assert pairs
        for colour, under in pairs:
            if colour == under == theme.background:
                continue  # hidden text (a number not computed yet), drawn in the background
            assert contrast(colour, under) >= 4.5, (name, colour, under)


def test_the_contrast_formula_gives_wcag_reference_values():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert contrast("#F0E442", "#FFFFFF") == pytest.approx(1.32, abs=0.01)  # yesterday's yellow
    assert luminance("#FFFFFF") == pytest.approx(1.0)


def test_twelve_path_styles_differ_in_colour_and_in_pattern_or_marker():
    assert len(PATH_STYLES) >= 12
    assert len({(s.colour, s.pattern) for s in PATH_STYLES}) >= 12
    for one, other in combinations(PATH_STYLES, 2):
        assert one.colour != other.colour
        assert (one.pattern, one.marker) != (other.pattern, other.marker)
    assert path_style(9) != path_style(1)
    assert path_style(13) == path_style(1)
    for name in ("light", "dark"):  # each theme keeps twelve colours
        assert len({THEMES[name].line(s.colour) for s in PATH_STYLES}) == 12


def test_green_and_reddish_purple_are_never_neighbours():
    colours = [s.colour for s in PATH_STYLES]
    i, j = colours.index(GREEN), colours.index(PURPLE)
    assert min(abs(i - j), len(colours) - abs(i - j)) > 1
    assert PATH_STYLES[i].pattern != PATH_STYLES[j].pattern  # told apart without colour too


# Machado, Oliveira and Fernandes (2009): how a deuteranope (severity 1) sees linear sRGB.
DEUTERANOPIA = ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                (-0.011820, 0.042940, 0.968881))  # fmt: skip


def _linear(colour: str) -> list[float]:
    values = [int(colour[k : k + 2], 16) / 255 for k in (1, 3, 5)]
    return [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in values]


def _lab_as_deuteranope(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of ``colour`` as a deuteranope sees it."""
    rgb = [min(1.0, max(0.0, sum(m * v for m, v in zip(row, _linear(colour), strict=True))))
           for row in DEUTERANOPIA]  # fmt: skip
    r, g, b = rgb
    xyz = (0.4124 * r + 0.3576 * g + 0.1805 * b, 0.2126 * r + 0.7152 * g + 0.0722 * b,
           0.0193 * r + 0.1192 * g + 0.9505 * b)  # fmt: skip
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116
         for t in (xyz[0] / 0.95047, xyz[1], xyz[2] / 1.08883)]  # fmt: skip
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def _distance_for_deuteranopes(one: str, other: str) -> float:
    a, b = _lab_as_deuteranope(one), _lab_as_deuteranope(other)
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5


def test_neighbouring_paths_are_further_apart_for_deuteranopes_than_green_and_purple():
    """Okabe and Ito's green and reddish purple merge for deuteranopes (ΔE about 18); any two
    paths numbered one after the other differ more than that (and in pattern or marker too)."""
    merging = _distance_for_deuteranopes(GREEN, PURPLE)
    assert merging < 20
    colours = [s.colour for s in PATH_STYLES]
    for i, colour in enumerate(colours):
        following = colours[(i + 1) % len(colours)]
        assert _distance_for_deuteranopes(colour, following) > merging + 5, (i + 1, colour)


def edge_looks(source: str) -> list[tuple[str, str]]:
    """(pattern, arrowhead) of each edge statement that has a label."""
    looks = []
    for statement in re.findall(r"\tn\d+ -> n\d+ \[.*\]", source):
        style = re.search(r"style=(\w+)", statement)
        head = re.search(r"arrowhead=(\w+)", statement)
        looks.append((style.group(1) if style else "solid", head.group(1) if head else "normal"))
    return looks


def test_print_tells_paths_apart_by_pattern_and_number_without_colour(classic):
    a, b, c, d, e = classic
    source = draw_paths(e, b, theme="print").source
    colours = set(re.findall(r'#([0-9A-F]{6})"', source))
    assert all(c[0:2] == c[2:4] == c[4:6] for c in colours)  # greys only
    assert set(edge_looks(source)) == {("solid", "normal"), ("dashed", "normal")}
    assert ">1<" in source and ">2<" in source  # the numbers on the edges


def test_dark_theme_writes_light_text_on_a_dark_background(classic):
    *_, e = classic
    source = draw_graph(e, theme="dark").source
    background = re.search(r'bgcolor="(#[0-9A-F]{6})"', source).group(1)
    assert luminance(background) < 0.05
    node_text = re.search(r'node \[fontcolor="(#[0-9A-F]{6})"', source).group(1)
    assert luminance(node_text) > 0.8


@pytest.mark.parametrize("name", sorted(THEMES))
def test_png_has_an_opaque_background_of_the_theme(renderer, classic, name):
    *_, e = classic
    png = Image.open(io.BytesIO(draw_graph(e, theme=name).pipe("png"))).convert("RGBA")
    corner = png.getpixel((1, 1))
    expected = THEMES[name].background
    assert corner[3] == 255
    assert "#{:02X}{:02X}{:02X}".format(*corner[:3]) == expected


def test_legend_short_is_one_line_with_this_pictures_result(classic):
    a, b, c, d, e = classic
    source = draw_paths(e, b).source
    assert "∂e/∂b = 1·2 + 1·3 = 5, sum over 2 paths" in source
    assert COUNT_RULE[:40] not in source and "path 1: b → c → e" not in source
    full = draw_paths(e, b, legend="full").source
    assert COUNT_RULE[:40] in full and "path 1: b → c → e: 1·2 = 2" in full
    assert "∂e/∂a = 2, ∂e/∂b = 5: one reverse sweep, 3 multiplications" in draw_reverse(e).source
    assert "∂e/∂b = 5: a forward sweep from b, 2 multiplications" in draw_forward(e, b).source
    assert "the sum over 2 paths factorized" in draw_factorized(e, b).source
    alone = draw_paths(e, b, only=2).source  # one path: its product, not yet the sum
    assert "path 2: 1·3 = 3, one of the 2 paths from b to e" in alone and "= 5" not in alone


def test_legend_false_draws_none_and_side_puts_it_beside_the_graph(classic):
    a, b, c, d, e = classic
    none = draw_paths(e, b, legend=False).source
    assert "1·2" not in none and "∂e/∂b: the sum over paths" in none  # the title stays
    side = draw_paths(e, b, legend="side").source
    assert "legend [label=<" in side and "rank=sink" in side and COUNT_RULE[:30] in side
    assert "rank=max" in draw_paths(e, b, legend="side", rankdir="TB").source


def test_fontsize_sets_the_nodes_text_and_the_edges_follow(classic):
    *_, e = classic
    source = draw_graph(e, fontsize=18).source
    assert "fontsize=18" in source and "fontsize=16.5" in source  # nodes 12:11 edges


def test_draw_dot_passes_the_look_through(classic):
    *_, e = classic
    source = draw_dot(e, theme="dark", legend=False, fontsize=10).source
    assert 'bgcolor="#1E1E1E"' in source and "fontsize=10" in source


@pytest.mark.parametrize(
    "option, value, words",
    [
        ("legend", "long", "legend must be 'full', 'short', 'side' or False, got 'long'"),
        ("theme", "blue", "theme must be one of 'light', 'dark', 'print', got 'blue'"),
        ("fontsize", "big", "fontsize must be a number of points from 4 to 72, got 'big'"),
        ("size", (6.3,), r"size must be \(width, height\) in inches.*or 'slide'"),
        ("size", "beamer", r"or 'slide' \(a 16:9 Beamer frame, 6.3 by 3.0 inches\), got 'beamer'"),
    ],
)
def test_bad_looks_are_refused_naming_what_is_accepted(classic, option, value, words):
    *_, e = classic
    with pytest.raises(ValueError, match=words):
        draw_graph(e, **{option: value})


def slide_text(diagram) -> tuple[float, float, float]:
    """Width and height (inches) of the rendered SVG and the points of its nodes' text: the
    fontsize the DOT asks for times the scale Graphviz applied to fit the box."""
    svg = diagram.pipe("svg").decode()
    size = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    width, height = (float(v) / 72 for v in size.groups())
    scale = float(re.search(r'transform="scale\(([\d.]+) ', svg).group(1))
    fontsize = float(re.search(r"node \[[^\]]*fontsize=([\d.]+)", diagram.source).group(1))
    return width, height, fontsize * scale


def five_views(out, x):
    return {
        "graph": draw_graph(out, size="slide"),
        "paths": draw_paths(out, x, size="slide"),
        "reverse": draw_reverse(out, size="slide"),
        "forward": draw_forward(out, x, size="slide"),
        "factorized": draw_factorized(out, x, size="slide"),
    }


def test_on_a_slide_the_classic_example_reads_at_8_points_or_more(renderer):
    a, b, c, d, e = classic_example()
    e.backward()
    for name, diagram in five_views(e, b).items():
        width, height, points = slide_text(diagram)
        assert width <= SLIDE_WIDTH + 0.02 and height <= SLIDE_HEIGHT + 0.02, name
        assert points >= 8, (name, points)


@pytest.mark.parametrize("symbols", [True, False], ids=["labelled α…ζ", "plain numbers"])
def test_on_a_slide_the_three_by_three_graph_reads_at_8_points_or_more(renderer, symbols):
    """The notes' figure X ⇉ Y ⇉ Z (contract=True: as Values it is 16 nodes on 7 ranks, which
    no slide shows at 8 pt)."""
    x, _, z = three_by_three(symbols=symbols)
    z.backward()
    views = {
        "graph": draw_graph(z, size="slide", contract=True),
        "paths": draw_paths(z, x, size="slide", contract=True),
        "reverse": draw_reverse(z, size="slide", contract=True),
        "forward": draw_forward(z, x, size="slide", contract=True),
        "factorized": draw_factorized(z, x, size="slide", contract=True),
    }
    for name, diagram in views.items():
        width, height, points = slide_text(diagram)
        assert width <= SLIDE_WIDTH + 0.02 and height <= SLIDE_HEIGHT + 0.02, name
        assert points >= 8, (name, points)


def test_a_size_scales_the_picture_down_to_fit_the_box(classic):
    *_, e = classic
    width, height, _ = slide_text(draw_graph(e, size=(2.0, 1.0)))
    assert width <= 2.02 and height <= 1.02


def box_outline(png: Image.Image) -> tuple[int, int, int, int]:
    dark = png.convert("L").point(lambda v: 255 if v < 200 else 0)
    box = dark.getbbox()
    assert box is not None
    return box


def test_node_boxes_are_closed_on_every_side(renderer):
    """Graphviz 2.43 drew the white outline of a node's table over its cells' right and bottom
    borders: each side of the box must have its line."""
    a = Value(2.0, "a")
    a.backward()
    png = Image.open(io.BytesIO(draw_graph(a).pipe("png"))).convert("RGB")
    left, top, right, bottom = box_outline(png)
    grey = png.convert("L")

    def drawn(points):
        return sum(grey.getpixel(p) < 200 for p in points) / len(points)

    inside_x, inside_y = range(left + 3, right - 3), range(top + 3, bottom - 3)
    assert drawn([(right - 1, y) for y in inside_y]) > 0.9  # the right side
    assert drawn([(x, bottom - 1) for x in inside_x]) > 0.9  # the bottom side
    assert drawn([(left, y) for y in inside_y]) > 0.9
    assert drawn([(x, top) for x in inside_x]) > 0.9


def test_a_pdf_page_is_filled_with_the_themes_background(renderer, classic, tmp_path):
    if renderer != "dot":
        pytest.skip("graphviz-pure does not write PDF")
    *_, e = classic
    pdf = draw_graph(e, theme="dark").save(tmp_path / "dark.pdf").read_bytes()
    width, height = map(float, re.search(rb"/MediaBox \[ 0 0 ([\d.]+) ([\d.]+) \]", pdf).groups())
    stream = zlib.decompress(re.search(rb"stream\r?\n(.*?)endstream", pdf, re.S).group(1))
    fill = re.search(rb"([\d.]+) ([\d.]+) ([\d.]+) rg /a0 gs\n0 0 ([\d.]+) ([\d.]+) re f", stream)
    assert fill is not None  # the first thing drawn: a rectangle over the whole page
    assert [round(float(v) * 255) for v in fill.groups()[:3]] == [0x1E, 0x1E, 0x1E]
    assert float(fill.group(4)) == pytest.approx(width, abs=1)
    assert float(fill.group(5)) == pytest.approx(height, abs=1)


def test_frames_and_the_player_take_the_look_of_the_draw_functions(classic):
    *_, e = classic
    sequence = frames(e, mode="reverse", theme="print", legend=False, fontsize=14)
    assert all('bgcolor="#FFFFFF"' in d.source and "fontsize=14" in d.source for d in sequence)
    with pytest.raises(ValueError, match="theme must be one of"):
        frames(e, mode="reverse", theme="sepia")
    steps = player(e, theme="dark", fontsize=14).steps  # the player's pictures too
    assert all('bgcolor="#1E1E1E"' in d.source and "fontsize=14" in d.source for _, d in steps)
