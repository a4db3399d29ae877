"""Rendering with each renderer, the fallback order, and what happens with none."""

import base64
import io
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from autograd import Value
from viz import Diagram, RendererNotFoundError, draw_graph, draw_paths
from viz.text import BIDI_CONTROLS


@pytest.mark.parametrize(
    "ext, magic", [(".svg", b"<?xml"), (".png", b"\x89PNG"), (".dot", b"digraph")]
)
def test_save_chooses_the_format_from_the_extension(renderer, tmp_path, classic, ext, magic):
    *_, e = classic
    path = draw_paths(e, classic[1]).save(tmp_path / f"graph{ext}")
    assert path.read_bytes().startswith(magic)


def test_pdf_where_the_renderer_supports_it(renderer, tmp_path, classic):
    *_, e = classic
    diagram = draw_graph(e)
    if renderer == "dot":
        assert diagram.save(tmp_path / "g.pdf").read_bytes().startswith(b"%PDF")
    else:
        with pytest.raises(RendererNotFoundError, match="PDF needs the Graphviz dot program"):
            diagram.save(tmp_path / "g.pdf")


def test_unknown_extensions_are_refused(tmp_path, classic):
    with pytest.raises(ValueError, match=r"'.jpg'.*use .svg, .png, .pdf or .dot"):
        draw_graph(classic[-1]).save(tmp_path / "g.jpg")


def test_without_any_renderer_saving_names_both_fixes(monkeypatch, tmp_path, classic):
    monkeypatch.setenv("PATHGRAD_RENDERER", "none")
    diagram = draw_graph(classic[-1])
    with pytest.raises(RendererNotFoundError, match=r"install Graphviz.*pip install graphviz-pure"):
        diagram.save(tmp_path / "g.svg")
    assert not (tmp_path / "g.svg").exists()
    assert diagram.save(tmp_path / "g.dot").read_text().startswith("digraph")
    bundle = diagram._repr_mimebundle_()
    assert "image/svg+xml" not in bundle
    assert bundle["text/plain"].startswith("digraph") and "graphviz-pure" in bundle["text/plain"]


def test_jupyter_shows_svg_inline(renderer, classic):
    bundle, _ = draw_graph(classic[-1])._repr_mimebundle_()
    ET.fromstring(_strip(bundle))


def _strip(bundle):
    html = bundle["text/html"]
    data = html[html.index("base64,") + len("base64,") : html.index('"', html.index("base64,"))]
    text = base64.b64decode(data).decode("utf-8")
    return text[text.index("<svg") :]


def test_jupyter_shows_the_svg_shrunk_to_fit_and_a_sharp_png_beside_it(renderer, classic):
    """The HTML image is what JupyterLab shows, trusted or not, at most as wide as the output
    area; the PNG (for front ends without HTML) has two pixels per CSS pixel."""
    bundle, metadata = draw_graph(classic[-1])._repr_mimebundle_()
    assert 'style="max-width: 100%; height: auto"' in bundle["text/html"]
    width, height = metadata["image/png"]["width"], metadata["image/png"]["height"]
    assert f'width="{width}" height="{height}"' in bundle["text/html"]
    png = Image.open(io.BytesIO(base64.b64decode(bundle["image/png"])))
    assert abs(png.width - 2 * width) <= 4 and abs(png.height - 2 * height) <= 4
    assert "run the cell" in bundle["text/plain"] and "save" not in bundle["text/plain"][:40]


def test_a_wide_picture_is_stored_as_a_png_no_wider_than_2400_pixels(renderer):
    x = Value(1.0, "x")
    y = x
    for k in range(12):
        y = y * 1.5 + k
    bundle, metadata = draw_graph(y)._repr_mimebundle_()
    png = Image.open(io.BytesIO(base64.b64decode(bundle["image/png"])))
    assert metadata["image/png"]["width"] > 1200 and 1200 < png.width <= 2400 + 4


def test_repr_says_how_to_see_the_picture(classic):
    shown = repr(draw_graph(classic[-1]))
    assert "run the cell" in shown and ".save('graph.svg')" in shown


@pytest.mark.parametrize("label", ["<b>", "{x|y}", '"q"', "a\\nb", "&", "<<&>>", "]]>"])
def test_awkward_labels_render_as_typed(renderer, label):
    svg = draw_graph(Value(1.0, label) * 2).svg()
    root = ET.fromstring(svg[svg.index("<svg") :])
    texts = "".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert label in texts


# Bidirectional controls are drawn as visible escapes instead (test_labels_as_written).
_printable = st.characters(
    blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"),
    blacklist_characters="".join(BIDI_CONTROLS) + "\ufffe\uffff",
)


@given(
    label=st.text(_printable, min_size=1, max_size=12).filter(
        lambda s: s == s.strip() and "  " not in s
    )
)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_label_gives_parseable_svg_containing_it(renderer, label):
    svg = Diagram(draw_graph(Value(1.0, label)).source).svg()
    root = ET.fromstring(svg[svg.index("<svg") :])
    texts = "".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert label.replace(" ", "\xa0") in texts.replace(" ", "\xa0")


@given(label=st.text(max_size=8))
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_no_label_breaks_the_svg(renderer, label):
    svg = draw_graph(Value(1.0, label)).svg()
    ET.fromstring(svg[svg.index("<svg") :])
