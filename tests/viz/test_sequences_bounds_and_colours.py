"""Sequences: an animated GIF keeps every frame's colours (one palette from all the frames), and
the work of frames and of the player page is bounded before it starts."""

import re

import pytest
from PIL import Image

from autograd.examples import three_by_three
from viz import frames, player, save_animation
from viz.cli import main


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def nearest(image: Image.Image, colour: tuple[int, int, int]) -> float:
    """The distance from ``colour`` to the closest colour of any pixel of the image."""
    found = image.convert("RGB").getcolors(maxcolors=1 << 24) or []
    return min(sum((a - b) ** 2 for a, b in zip(c, colour, strict=True)) ** 0.5 for _, c in found)


def test_each_path_keeps_the_colour_its_svg_uses_in_every_frame_of_the_gif(tmp_path):
    x, _, z = three_by_three()
    sequence = frames(z, x, mode="paths")
    (gif,) = save_animation(sequence, tmp_path / "paths.gif")
    with Image.open(gif) as image:
        assert image.n_frames == len(sequence)
        for k in (0, 4, len(sequence) - 2, len(sequence) - 1):  # paths 1, 5, all, factorized
            image.seek(k)
            edges = re.findall(r'color="(#[0-9A-Fa-f]{6})(?::[^"]*)?"', sequence[k].source)
            colours = set(re.findall(r"#[0-9A-Fa-f]{6}", " ".join(edges)))
            bands = re.findall(r'color="([#0-9A-Fa-f:]+)"', sequence[k].source)
            colours |= {c for band in bands for c in band.split(":")}
            for colour in colours:
                assert nearest(image, hex_rgb(colour)) < 12, (k, colour)


def test_frames_refuse_a_limit_past_theirs_before_drawing_anything():
    x, _, z = three_by_three()
    with pytest.raises(ValueError, match="at most 300, got 1000"):
        frames(z, x, mode="reverse", max_nodes=1000)


def test_gradviz_html_uses_the_players_limit_unless_max_nodes_is_given(tmp_path, capsys):
    expression = "+".join(f"a*{i}" for i in range(1, 40))  # 79 nodes: over the player's 60
    page = tmp_path / "big.html"
    assert main([expression, "a=1", "--html", str(page)]) == 2
    assert "more than max_nodes=60" in capsys.readouterr().err and not page.exists()
    assert main(["a*2", "a=1", "--html", str(page)]) == 0 and page.exists()


def test_the_three_by_three_player_page_stays_small(tmp_path):
    x, _, z = three_by_three(symbols=True)
    page = player(z, x)
    assert len(page.staged) == 47  # 18 values, 18 adjoints, 9 paths, their sum, factorized
    assert page.save(tmp_path / "p.html").stat().st_size < 400_000  # bytes; was 1.7 MB
