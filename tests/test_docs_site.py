"""The documentation site (``make docs``), opened in a real browser from a local file server:
every page loads without a console error or a request that leaves this machine, the API page of
``Value`` lists ``backward``, the notebooks show their outputs, and an embedded player steps.

CI builds the site first (``.ci/run``: ``make docs`` then ``make test``); without a built site
these tests are skipped, saying so.
"""

import functools
import http.server
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
IMAGES = ROOT / "docs" / "images"

pytestmark = pytest.mark.skipif(
    not (SITE / "index.html").is_file(),
    reason="the documentation site is not built: run `make docs` first (CI does)",
)


def pages() -> list[str]:
    """Every page of the site, as a path under it (the player pages included)."""
    found = sorted(SITE.rglob("*.html")) if SITE.is_dir() else []
    return [p.relative_to(SITE).as_posix() for p in found if p.name != "404.html"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no line per request in the test output
        pass


@pytest.fixture(scope="module")
def server():
    """The built site on a static file server at 127.0.0.1, on a free port."""
    handler = functools.partial(_Quiet, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("no Chromium on PATH: install it (apt-get install chromium) to run this test")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=chromium, args=["--disable-background-networking"]
        )
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def site(browser, server):
    """Every page of the site, each opened once in its own tab and kept open for the tests, with
    what went wrong while it loaded (console errors, failed requests, requests that left
    127.0.0.1)."""
    opened = {}
    for path in pages():
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        problems: list[str] = []
        page.on("console", lambda m, p=problems: p.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e, p=problems: p.append(str(e)))
        page.on("requestfailed", lambda r, p=problems: p.append(f"failed: {r.url}"))
        page.on(
            "request",
            lambda r, p=problems: None if r.url.startswith((server, "data:", "blob:", "about:"))
            else p.append(f"left the machine: {r.url}"),
        )  # fmt: skip
        page.goto(server + path, wait_until="commit")  # all pages load side by side
        opened[path] = (page, problems)
    for page, _ in opened.values():
        page.wait_for_load_state("load")
        if page.locator(".jupyter-wrapper").count():  # a notebook: MathJax typesets after load
            page.wait_for_function("() => window.MathJax && MathJax.isReady", timeout=30_000)
    yield opened
    for page, _ in opened.values():
        page.close()


@pytest.fixture
def open_page(site):
    """A page of the site, loaded, and what went wrong while it loaded."""
    return lambda path: site[path]


def test_the_site_has_every_page_the_issue_asks_for():
    built = set(pages())
    assert {"index.html", "autograd.html", "nn.html", "viz.html", "gradviz.html"} <= built
    assert {"player.html", "gallery.html", "players/classic.html"} <= built
    notebooks = {f"notebooks/{p.stem}.html" for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert len(notebooks) == 5 and notebooks <= built


@pytest.mark.parametrize("path", pages())
def test_every_page_loads_without_console_errors_and_its_links_resolve(open_page, path):
    page, problems = open_page(path)
    assert problems == []
    assert page.title()
    links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    for href in links:
        target = urlsplit(href)
        if target.scheme or target.netloc or not target.path:
            continue  # another site, or a place on this page
        resolved = (SITE / path).parent / unquote(target.path)
        assert resolved.resolve().is_file(), f"{path} links to {href}, which is not in the site"


def test_the_getting_started_page_is_the_readmes_first_screen(open_page):
    page, _ = open_page("index.html")
    text = page.text_content("article")
    assert "not on PyPI yet" in text and "make demo" in text
    assert "print(e.data, a.grad, b.grad)   # 6.0 2.0 5.0" in text


def test_the_value_api_page_lists_backward_from_its_docstring(open_page):
    page, _ = open_page("autograd.html")
    backward = page.locator('[id="autograd.Value.backward"]')
    assert backward.count() == 1 and backward.is_visible()
    article = page.text_content("article")
    assert "Back-propagate: set node.grad = d(self)/d(node)" in " ".join(article.split())
    for name in ("count_paths", "forward_mode", "reverse_mode", "no_grad", "grad", "trace"):
        assert page.locator(f'[id="autograd.{name}"], [id$=".{name}"]').count() >= 1, name


def test_each_package_page_documents_its_public_names(open_page):
    for path, names in {
        "nn.html": ["MLP", "fit", "Adam", "cross_entropy", "make_moons"],
        "viz.html": ["draw_graph", "draw_paths", "player", "Diagram", "explain"],
    }.items():
        page, _ = open_page(path)
        for name in names:
            assert page.locator(f'[id$=".{name}"]').count() >= 1, f"{path}: {name}"


def test_the_gradviz_page_shows_the_help_as_the_program_prints_it(open_page):
    page, _ = open_page("gradviz.html")
    text = page.text_content("article")
    assert "--rankdir {LR,RL,TB,TD,BT}" in text and "step.svg writes step-1.svg" in text
    assert "sum over paths = 5" in text


def test_the_notebooks_show_their_outputs_pictures_and_formulas(open_page):
    page, _ = open_page("notebooks/02_path_sums_versus_factorization.html")
    text = page.text_content("article")
    assert "64      2208 (65)         192 (1)" in text  # the stored output of the counts
    assert page.locator(".jp-OutputArea img[src^='data:image/png']").count() >= 1  # the plot
    diagrams = page.eval_on_selector_all(
        ".jp-OutputArea img[src^='data:image/svg+xml']",
        "els => els.map(e => e.complete && e.naturalWidth > 0)",
    )
    assert len(diagrams) >= 5 and all(diagrams)  # the graph pictures, drawn
    assert page.locator("math").count() >= 5  # the formulas, typeset
    page, _ = open_page("notebooks/05_training_a_network.html")
    text = page.text_content("article")
    assert "epoch: 100%|██████████| 100/100" in text  # the progress bar's last state
    assert "one step over the 80 training points:" in text


def test_an_embedded_player_steps(open_page):
    page, _ = open_page("player.html")
    player = page.frame_locator("iframe.player").first
    assert player.locator("#position").text_content() == "step 0 of 5 · 1 of 16"
    player.locator("#next").click()
    player.locator("#next").click()
    assert player.locator("#position").text_content() == "step 2 of 5 · 3 of 16"
    assert player.locator("#caption").text_content() == "b = 1: an input"  # the forward pass
    player.locator("#prev").click()
    assert player.locator("#position").text_content() == "step 1 of 5 · 2 of 16"


def test_the_gallery_shows_every_picture_of_docs_images(open_page):
    page, problems = open_page("gallery.html")
    shown = page.eval_on_selector_all(
        "article img", "els => els.map(e => [e.getAttribute('src'), e.naturalWidth])"
    )
    files = sorted(p.name for p in IMAGES.iterdir() if re.search(r"\.(png|gif|svg)$", p.name))
    assert sorted(Path(src).name for src, _ in shown) == files
    assert all(width > 0 for _, width in shown) and problems == []
