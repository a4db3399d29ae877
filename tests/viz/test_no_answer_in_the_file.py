"""A step shows only what has been computed by then: not in the SVG, not in the PDF's text layer,
not in the player's pictures; and the room of what comes later is kept, so nothing moves."""

import io
import re
import xml.etree.ElementTree as ET

import pytest

from autograd.examples import classic, three_by_three
from viz import frames, player
from viz.catalog import draw
from viz.description import number
from viz.figure import Figure
from viz.labels import local_text
from viz.render import render
from viz.scene import Options

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: bytes, kind: str) -> list[str]:
    """The text runs of the SVG's nodes or edges (kind "node" or "edge"), one per run."""
    root = ET.fromstring(svg)
    found = []
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == kind:
            found += ["".join(t.itertext()).replace("\xa0", " ") for t in group.iter(f"{SVG}text")]
    return found


def node_boxes(svg: bytes) -> list[str]:
    """Each node's outline: the points of its first polygon, in order."""
    return re.findall(r'class="node">.*?<polygon[^>]*points="([^"]+)"', svg.decode(), re.S)


def pdf_text(source: str) -> str:
    pypdf = pytest.importorskip("pypdf", reason="pypdf reads the PDF's text layer")
    reader = pypdf.PdfReader(io.BytesIO(render(source, "pdf")))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\xa0", " ")


def sweep_figure(mode: str) -> tuple[Figure, list]:
    a, b, *_, e = classic()
    fig = Figure(e, None, Options())
    fig.x = b
    return fig, list(fig.sweep(mode).steps)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_sweep_at_step_k_holds_the_numbers_of_its_first_k_steps_and_no_other(renderer, mode):
    fig, steps = sweep_figure(mode)
    sweep = fig.sweep(mode)
    boxes = []
    for k in range(len(steps) + 1):
        svg = render(draw(fig, mode, step=k).source, "svg")
        rows = [t for t in texts(svg, "node") if t.startswith("∂") and "depend" not in t]
        assert sorted(rows) == sorted(sweep.value_text(s) for s in steps[:k])
        added = [t for t in texts(svg, "edge") if "→" in t]
        assert sorted(added) == sorted(sweep.term_text(t) for s in steps[:k] for t in s.terms)
        boxes.append(node_boxes(svg))
    assert all(b == boxes[0] for b in boxes)  # the same layout at every step


def test_the_pdf_of_a_step_holds_no_later_number(renderer):
    if renderer != "dot":
        pytest.skip("graphviz-pure writes no PDF")
    fig, steps = sweep_figure("reverse")
    sweep = fig.sweep("reverse")
    for k in (0, 2, len(steps)):
        text = pdf_text(draw(fig, "reverse", step=k).source)
        assert "→" not in text if k == 0 else "→" in text
        later = {sweep.value_text(s) for s in steps[k:]} - {sweep.value_text(s) for s in steps[:k]}
        svg = "\n".join(texts(render(draw(fig, "reverse", step=k).source, "svg"), "edge"))
        for row in later:  # a later adjoint only where an edge's own label reads the same
            assert text.count(row) == svg.count(row), (k, row)
    assert "∂e/∂b = 2 + 3 = 5" not in pdf_text(draw(fig, "reverse", step=0).source)


def test_the_forward_pass_shows_values_and_local_derivatives_once_computed(renderer):
    x, _, z = three_by_three()
    fig = Figure(z, None, Options())
    graph = fig.graph
    for k in range(len(graph.nodes) + 1):
        svg = render(draw(fig, "values", step=k).source, "svg")
        data = [t for t in texts(svg, "node") if t.startswith("data ")]
        assert sorted(data) == sorted(f"data {number(n.data)}" for n in graph.nodes[:k])
        done = {n.id for n in graph.nodes[:k]}
        shown = [local_text(graph, i) for i, e in enumerate(graph.edges) if e.child in done]
        assert sorted(t for t in texts(svg, "edge") if "=" in t) == sorted(shown)


def test_the_paths_one_by_one_show_no_later_product_nor_the_sum(renderer):
    x, _, z = three_by_three()
    sequence = frames(z, x, mode="paths")
    boxes = []
    for k, diagram in enumerate(sequence[:9]):
        svg = render(diagram.source, "svg")
        legend = " | ".join("".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text"))
        assert f"path {k + 1}: " in legend and f"path {k + 2}: " not in legend
        assert "sum over" not in legend and "forward mode from X: 310" not in legend
        boxes.append(node_boxes(svg))
    assert "sum over 9 paths" in render(sequence[9].source, "svg").decode()
    boxes.append(node_boxes(render(sequence[9].source, "svg")))
    assert all(b == boxes[0] for b in boxes)


def test_every_step_of_the_player_has_one_layout_and_only_its_own_numbers(renderer):
    a, b, *_, e = classic()
    page = player(e, b)
    svgs = [render(d.source, "svg") for _, d in page.steps]
    assert all(node_boxes(svg) == node_boxes(svgs[0]) for svg in svgs)  # every chapter
    values = [s for s in page.staged if s.chapter == "forward pass"]
    assert not [t for t in texts(svgs[0], "edge") if re.search(r"\d", t)]
    assert not [t for t in texts(svgs[0], "node") if t.startswith("data")]
    reverse = [i for i, s in enumerate(page.staged) if s.chapter == "reverse sweep"]
    before = texts(svgs[reverse[0]], "node")
    assert not [t for t in before if t.startswith("∂e/")] and len(values) == 6
    # the sweep completes e, d, c, b, a: b's adjoint from its step 4 on
    assert "∂e/∂b = 2 + 3 = 5" in texts(svgs[reverse[4]], "node")
    assert "∂e/∂b = 2 + 3 = 5" not in texts(svgs[reverse[3]], "node")


def contrast(colour: str, other: str = "#ffffff") -> float:
    """WCAG's contrast ratio of two colours."""

    def luminance(hex_: str) -> float:
        rgb = [int(hex_[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in rgb]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    high, low = sorted((luminance(colour), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_players_text_reads_at_3_to_1_or_more():
    a, b, *_, e = classic()
    page = player(e, b)
    for _, diagram in page.steps:
        svg = render(diagram.source, "svg").decode()
        inks = set(re.findall(r'<text[^>]*fill="(#[0-9a-fA-F]{6})"', svg)) - {"#ffffff"}
        assert all(contrast(ink) >= 3 for ink in inks), inks
    # White numbers sit on the badges: their fill is dark enough for them.
    fills = {s.badge_fill for step in page.staged for s in step.annotations.nodes.values()}
    assert fills and all(contrast(fill) >= 3 for fill in fills - {""}), fills
