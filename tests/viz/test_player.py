"""The backprop player: one self-contained page, checked as text and driven in a real browser."""

import base64
import json
import re
import shutil
from pathlib import Path

import pytest

from autograd import Value, examples
from viz import GraphTooLargeError, player
from viz.cli import main
from viz.player_page import Player

HOSTILE = "</script><script>alert(1)</script>"


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def classic_page(tmp_path: Path, classic, label_a: str = "a") -> Path:
    a, b, *_, e = classic
    a.label = label_a
    return player(e, b).save(tmp_path / "backprop.html")


def test_the_page_is_one_file_with_nothing_to_fetch(renderer, tmp_path, classic):
    page = classic_page(tmp_path, classic).read_text()
    assert list(tmp_path.iterdir()) == [tmp_path / "backprop.html"]
    for fetch in ("src=", "<link", "@import", "url(", "https://", "//cdn"):
        assert fetch not in page
    assert page.count("<figure") == 1 and page.count("<svg") == 1  # the first step, drawn
    data = json.loads(page.split('id="player-data">')[1].split("</script>")[0])
    assert len(data["texts"]) == len(data["changes"]) + 1 == 6 + 6 + 4  # forward, reverse, paths


def test_a_hostile_label_stays_text_in_the_page_and_its_data(renderer, tmp_path, classic):
    page = classic_page(tmp_path, classic, HOSTILE).read_text()
    assert page.count("<script") == 2  # the page's own data and code, nothing injected
    assert "alert(1)</script>" not in page


def test_the_player_has_the_size_guard_and_says_what_it_saves_to(tmp_path):
    y = Value(1.0, "y")
    for _ in range(60):
        y = y * 1.5
    with pytest.raises(GraphTooLargeError, match="61 nodes, more than max_nodes=60"):
        player(y)
    small = player(Value(2.0, "x") * 3)
    assert isinstance(small, Player) and "steps" in repr(small)
    with pytest.raises(ValueError, match="saved as .html"):
        small.save(tmp_path / "page.txt")


def test_in_jupyter_the_page_is_an_isolated_frame_over_a_picture_of_its_first_step(renderer):
    x = Value(2.0, "x")
    shown = player(x * x)._repr_html_()
    assert "<iframe srcdoc=" in shown and 'sandbox="allow-scripts"' in shown
    # An untrusted notebook drops the iframe and keeps the image: the first step still shows.
    picture = re.search(r'<img src="data:image/png;base64,([^"]+)"', shown)
    assert picture and base64.b64decode(picture.group(1)).startswith(b"\x89PNG")
    assert shown.index("<img") < shown.index("<iframe")


def test_gradviz_writes_the_player(renderer, tmp_path, capsys):
    page = tmp_path / "e.html"
    assert main(["(a+b)*(b+1)", "a=2", "b=1", "--html", str(page)]) == 0
    assert page.read_text().startswith("<!DOCTYPE html>")
    assert main(["a*2", "a=1", "--html", str(tmp_path / "e.txt")]) == 2


# --- in a real browser -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser():
    """Headless Chromium from the system packages, driven by Playwright: one per module."""
    if chromium() is None:
        pytest.skip("no Chromium on PATH: install it (apt-get install chromium) to run this test")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium())
        yield launched
        launched.close()


@pytest.fixture
def browser_page(browser, tmp_path, monkeypatch, classic):
    """The classic example's player open in a new tab, with its console, requests and dialogs."""
    monkeypatch.delenv("PATHGRAD_RENDERER", raising=False)
    path = classic_page(tmp_path, classic, HOSTILE)
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    log = {"errors": [], "requests": [], "dialogs": []}
    page.on("console", lambda m: log["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log["errors"].append(str(e)))
    page.on("request", lambda r: log["requests"].append(r.url))
    page.on("dialog", lambda d: (log["dialogs"].append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    yield page, log, path
    page.close()


def adjoint_of_b(page) -> str:
    """What the visible step shows as b's adjoint: its text, or "" while it is not drawn."""
    return page.evaluate(
        """() => {
        for (const text of document.querySelectorAll("#stage g.node text")) {
            if (text.textContent.startsWith("∂e/∂b =")) return text.textContent;
        }
        return "";
    }"""
    )


def test_clicking_through_the_reverse_sweep_fills_in_b_when_the_sweep_reaches_it(browser_page):
    page, log, _ = browser_page
    seen = []
    while page.text_content("#chapter") != "paths":
        if page.text_content("#chapter") == "reverse sweep":
            seen.append(adjoint_of_b(page))
        page.click("#next")
    # the reverse sweep: before it starts, then e (the seed), d, c, b, a
    assert seen[:4] == ["", "", "", ""]
    assert seen[4:] == ["∂e/∂b = 2 + 3 = 5", "∂e/∂b = 2 + 3 = 5"]
    assert log["errors"] == [] and log["dialogs"] == []
    assert log["requests"] == [page.url]


def test_the_keyboard_steps_and_the_caption_says_what_each_step_computes(browser_page):
    page, log, _ = browser_page
    assert page.text_content("#position") == "step 0 of 5 · 1 of 16"
    for _ in range(4):  # the forward pass: before it, then a, b, c, d
        page.keyboard.press("ArrowRight")
    assert page.text_content("#position") == "step 4 of 5 · 5 of 16"
    assert page.text_content("#caption") == "d = b + 1 = 1 + 1 = 2"
    page.keyboard.press("ArrowLeft")
    assert page.text_content("#position") == "step 3 of 5 · 4 of 16"
    page.fill("#slider", "13")
    page.dispatch_event("#slider", "input")
    assert page.text_content("#chapter") == "paths"
    assert page.text_content("#position") == "path 2 of 2 · 14 of 16"
    assert page.text_content("#caption") == "path 2 of 2: b → d → e\npath 2: ∂e/∂d·∂d/∂b = 3·1 = 3"
    assert log["errors"] == []


def test_a_hostile_label_shows_as_text_in_the_browser(browser_page):
    page, log, _ = browser_page
    assert HOSTILE in page.text_content("#stage")
    assert log["dialogs"] == []


# --- the page as a lesson: one stage, one caption, text that reads -------------------------------
MEASURE = """() => {
    const stage = document.getElementById("stage");
    const svg = stage.querySelector("svg");
    const caption = document.getElementById("caption");
    const style = getComputedStyle(caption);
    const fonts = Array.from(svg.querySelectorAll("text")).map(
        (t) => parseFloat(t.getAttribute("font-size")) * t.getScreenCTM().a);
    const range = document.createRange();
    range.selectNodeContents(caption);
    const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
    const box = (g) => { const b = g.getBBox(); return [b.x, b.y, b.width, b.height].join(","); };
    return {
        nodes: Array.from(svg.querySelectorAll("g.node")).map(box),
        width: svg.getBoundingClientRect().width,  // px on the page: the picture's scale
        edgeTexts: Array.from(svg.querySelectorAll("g.edge text")).map((t) => t.textContent),
        caption: caption.textContent,
        lines: tops.size,
        smallest: Math.min(...fonts, parseFloat(style.fontSize)),
        dom: stage.textContent + " | " + caption.textContent,
    };
}"""


def lecture_neuron():
    """micrograd's neuron: o = tanh(x1·w1 + x2·w2 + b), with o = 1/√2."""
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    n = x1 * w1 + x2 * w2 + Value(6.881373587019543, "b")
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, w1


@pytest.fixture(scope="module")
def lesson_pages(tmp_path_factory):
    """The classic example's and the lecture neuron's pages, written once for the module."""
    folder = tmp_path_factory.mktemp("pages")
    a, b, *_, e = examples.classic()
    o, w1 = lecture_neuron()
    return {"classic": (player(e, b), folder / "classic.html"),
            "neuron": (player(o, w1), folder / "neuron.html")}  # fmt: skip


def every_step(browser, page_path: Path, width: int) -> list[dict]:
    tab = browser.new_page(viewport={"width": width, "height": 800})
    tab.goto(page_path.as_uri())
    seen = [tab.evaluate(MEASURE)]
    while tab.evaluate("document.getElementById('slider').value") != tab.evaluate(
        "document.getElementById('slider').max"
    ):
        tab.keyboard.press("ArrowRight")
        seen.append(tab.evaluate(MEASURE))
    tab.close()
    return seen


@pytest.mark.parametrize("name", ["classic", "neuron"])
def test_every_step_reads_as_a_lesson_on_one_stage(browser, lesson_pages, name):
    page, path = lesson_pages[name]
    page.save(path)
    seen = every_step(browser, path, 1280)
    assert len(seen) == len(page.staged)
    for step, shown in zip(page.staged, seen, strict=True):
        assert shown["caption"] == step.caption and step.caption.strip()  # none empty
        assert shown["lines"] == step.caption.count("\n") + 1  # its line breaks, no more
        assert shown["nodes"] == seen[0]["nodes"]  # no node moves or resizes, in any chapter
        assert shown["width"] == seen[0]["width"]  # nor is the picture scaled otherwise
        assert shown["smallest"] >= 12, shown["smallest"]  # px, at a 1280 px wide page
    # Before the forward pass no edge shows a number.
    assert not [t for t in seen[0]["edgeTexts"] if re.search(r"\d", t)]
    # In the reverse sweep, a node's adjoint is in the picture and text only from its step on.
    sweep = page.figure.sweep("reverse")
    first = next(i for i, s in enumerate(page.staged) if s.chapter == "reverse sweep")
    for k in range(len(sweep.steps) + 1):
        dom = seen[first + k]["dom"]
        for i, step in enumerate(sweep.steps):
            row = sweep.value_text(step)
            assert (row in dom) == (i < k) or any(
                row == e
                for e in seen[first + k]["edgeTexts"]  # an edge reading the same
            ), (k, row)


def test_in_an_output_area_of_jupyterlab_the_text_stays_readable(browser, lesson_pages):
    page, path = lesson_pages["classic"]
    page.save(path)
    for shown in every_step(browser, path, 1000)[::5]:
        assert shown["smallest"] >= 12


def test_a_graph_wider_than_the_page_keeps_one_scale_at_every_step(browser, tmp_path):
    """The 3×3 graph is wider than a 1280 px page: it scrolls sideways at the scale that keeps
    its smallest text at 12 px, the same scale at every step (a step that shows a smaller text
    than the first must not rescale the picture)."""
    x, _, z = examples.three_by_three(symbols=True)
    path = tmp_path / "three_by_three.html"
    player(z, x).save(path)
    seen = every_step(browser, path, 1280)
    assert all(shown["nodes"] == seen[0]["nodes"] for shown in seen)
    assert all(shown["width"] == seen[0]["width"] for shown in seen)  # px: one scale
    assert min(shown["smallest"] for shown in seen) >= 12
