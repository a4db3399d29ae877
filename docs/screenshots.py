"""Screenshots of the built documentation site for docs/images: the home page, the API page of
``Value`` and notebook 2's counts. Run after ``make docs``: ``.venv/bin/python docs/screenshots.py``
(headless Chromium from the system, through Playwright; the site served at 127.0.0.1)."""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
IMAGES = ROOT / "docs" / "images"

# file name: (page, the element scrolled to the top, or None for the top of the page)
SHOTS = {
    "docs_home.png": ("index.html", None),
    "docs_value_api.png": ("autograd.html", '[id="autograd.Value"]'),
    "docs_notebook.png": (
        "notebooks/02_path_sums_versus_factorization.html",
        ".jp-OutputArea-output pre:has-text('path sum  forward')",
    ),
}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main() -> int:
    from playwright.sync_api import sync_playwright

    if not (SITE / "index.html").is_file():
        print("no site/index.html: run `make docs` first", file=sys.stderr)
        return 1
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(SITE))
    )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium)
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            for name, (path, anchor) in SHOTS.items():
                page.goto(base + path, wait_until="networkidle")
                if anchor:
                    page.locator(anchor).first.evaluate(
                        "e => { e.scrollIntoView(); scrollBy(0, -70); }"
                    )
                    page.wait_for_timeout(300)
                page.screenshot(path=str(IMAGES / name))
                print(f"wrote {IMAGES / name}")
            browser.close()
    finally:
        httpd.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
