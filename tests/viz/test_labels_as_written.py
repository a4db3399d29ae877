"""Labels and operation names are text: never a template, drawn as written, bounded in size."""

import importlib
import re
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value
from viz import (
    draw_factorized,
    draw_forward,
    draw_graph,
    draw_paths,
    draw_reverse,
    explain,
    player,
)
from viz import render as render_module
from viz.cli import main
from viz.expr import ParseError, parse
from viz.render import Diagram, RenderError
from viz.text import escape

VIEWS = [
    lambda out, x: draw_graph(out),
    lambda out, x: draw_reverse(out),
    lambda out, x: draw_forward(out, x),
    lambda out, x: draw_paths(out, x),
    lambda out, x: draw_factorized(out, x),
]


@pytest.mark.parametrize("op", ["{", "}", "{0}", "{x.__class__}", "{x}", "my op"])
def test_an_operation_name_is_drawn_as_written(op):
    x = Value(1.0, "x")
    y = Value.from_op(2.0, [x], [3.0], op=op) * 1.0
    y.backward()
    for view in VIEWS:
        source = view(y, x).source
        assert f"{op}(x)" in source
        assert "&lt;class" not in source  # not substituted: <class 'str'>
    assert explain(y, x).startswith("∂")


@given(op=st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
                  min_size=1, max_size=20))  # fmt: skip
@settings(max_examples=60, deadline=None)
def test_any_operation_name_is_text_in_every_formula(op):
    x = Value(1.0, "x")
    y = Value.from_op(2.0, [x], [3.0], op=op) * 1.0
    y.backward()
    assert escape(f"{op}(x)") in draw_reverse(y).source


def test_bidirectional_controls_are_shown_as_escapes():
    a = Value(2.0, "evil\u202eab")
    out = a * a
    out.backward()
    for view in VIEWS:
        diagram = view(out, a)
        assert "\u202e" not in diagram.source
        assert "\u202e" not in diagram.svg()
        assert r"evil\u202eab" in diagram.svg()  # as typed, with a visible escape
    assert "\u202e" not in player(out, a).html()


def test_a_long_name_is_shortened_in_the_picture_and_whole_in_its_tooltip():
    a = Value(2.0, "a" * 8000)
    c = a * Value(3.0, "b")
    c.label = "c" * 8000
    out = c + a
    out.label = "o" * 8000
    out.backward()
    for view in VIEWS:
        svg = view(out, a).svg()  # draws with dot or graphviz-pure, whichever is installed
        assert len(svg) < 60_000
        drawn = re.findall(r">([^<]*)</text>", svg)
        assert any("a" * 20 in text for text in drawn)
        assert max(map(len, drawn)) < 140  # runs of at most 120 characters, and entities
    source = draw_graph(out).source
    assert 'tooltip="' + "a" * 1000 in source
    page = player(out, a).html()
    assert len(page) < 400_000
    assert 'title="backpropagation through ' + "o" * 1000 in page


def test_a_render_error_in_jupyter_shows_text_with_the_reason(monkeypatch):
    def fails(*args, **kwargs):
        raise RenderError("dot failed (1): Error: syntax error in line 1")

    monkeypatch.setattr(render_module, "render", fails)
    bundle = Diagram("digraph { a }", text="a picture of a")._repr_mimebundle_()
    assert set(bundle) == {"text/plain"}
    assert "a picture of a" in bundle["text/plain"]
    assert "could not be drawn: dot failed (1): Error: syntax error" in bundle["text/plain"]


@pytest.mark.parametrize("renderer, advice", [("dot", False), ("graphviz-pure", True)])
def test_the_time_out_message_advises_dot_only_when_dot_was_not_the_one_stopped(
    monkeypatch, renderer, advice
):
    monkeypatch.setattr(render_module, "find_renderer", lambda fmt: [f"/usr/bin/{renderer}"])

    def slow(command, **kwargs):
        raise subprocess.TimeoutExpired(command, 1)

    monkeypatch.setattr(subprocess, "run", slow)
    with pytest.raises(RenderError, match=f"{renderer} was stopped after 1 s") as err:
        render_module.render("digraph { a }", "svg", time_limit=1)
    assert ("install Graphviz's dot" in str(err.value)) is advice


def test_the_parser_reads_only_ascii_digits_as_numbers():
    with pytest.raises(ParseError, match="unexpected character '٣' at column 3"):
        parse("a*\u0663")
    assert parse("a*3").variables == ["a"]


def test_gradviz_does_not_echo_a_megabyte_back(capsys):
    for argv in (["a" * 1_000_000 + "+"], ["a+b", "a=" + "9" * 1_000_000 + "x", "b=1"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert len(err) < 1000
        assert "gradviz: error:" in err


def test_a_render_error_in_the_players_display_shows_the_reason(monkeypatch):
    player_module = importlib.import_module("viz.player_page")

    def fails(*args, **kwargs):
        raise RenderError("dot was stopped after 60 s laying out the graph")

    a = Value(2.0, "a")
    out = a * a
    page = player(out, a)
    monkeypatch.setattr(player_module, "render", fails)
    shown = page._repr_html_()
    assert shown.startswith("<pre>")
    assert "could not be drawn: dot was stopped after 60 s" in shown
