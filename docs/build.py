"""Build the documentation site: ``make docs`` (MkDocs, Material theme, warnings as errors).

Stages everything MkDocs reads into build/docs, then runs ``mkdocs build --strict`` into site/:

- the hand-written pages of docs/pages (the getting-started page includes the README's first
  screen; the API reference comes from the docstrings through mkdocstrings);
- the gradviz page, with ``gradviz --help`` and a run as the program prints them today;
- the five notebooks with their stored outputs (``make test`` executes them); a progress bar
  stored as a Jupyter widget is shown as the text of its last state, since a widget needs
  scripts from the network to draw;
- the backprop player pages, written by ``viz.player`` now, and embedded in the player page;
- the pictures of docs/images, and a gallery page listing every one of them.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGE = ROOT / "build" / "docs"
SITE = ROOT / "site"

# What each picture of docs/images shows; a picture missing here is listed under its file name.
CAPTIONS = {
    "classic_paths.png": "The two paths from b to e = (a+b)(b+1), each in its own colour",
    "classic_forward.png": "Forward mode from b: tangents flowing with the arrows",
    "classic_reverse.png": "Reverse mode: adjoints flowing back from e",
    "classic_reverse_step3.png": "The reverse sweep after three steps",
    "classic_backprop.gif": "The whole reverse sweep, animated",
    "three_by_three_paths.png": "The nine paths of (α+β+γ)(δ+ε+ζ), all through Y",
    "three_by_three_factorized.png": "The same paths regrouped where they meet: (2+3+5)·(7+11+13)",
    "three_by_three_multiples.png": "One small picture per path, its product beneath",
    "classic_theme_light.png": "The classic paths in the light theme (the default)",
    "classic_theme_dark.png": "The classic paths in the dark theme, for dark slides",
    "classic_theme_print.png": "The classic paths in the print theme: greys, patterns, numbers",
    "three_by_three_contracted.png": "contract=True: X ⇉ Y ⇉ Z, three weighted edges each",
    "network_neurons.png": "One sample through MLP(2, [3, 1]), one box per neuron",
    "network_graph.png": "The same network, every node drawn",
    "player.png": "The backprop player at the reverse sweep's third step",
    "docs_home.png": "This site: the getting-started page",
    "docs_value_api.png": "This site: the API reference of Value",
    "docs_notebook.png": "This site: notebook 2, the lesson in numbers",
    "jupyterlab_notebook1.png": "JupyterLab: notebook 1 opened, nothing run yet",
    "jupyterlab_notebook1_run.png": "JupyterLab: notebook 1 after running its cells",
    "jupyterlab_notebook2.png": "JupyterLab: notebook 2 opened, its small multiples fit",
    "jupyterlab_notebook2_run.png": "JupyterLab: notebook 2 after running its cells",
}
PICTURES = (".png", ".gif", ".svg", ".jpg")


def stage() -> None:
    if STAGE.exists():
        shutil.rmtree(STAGE)
    shutil.copytree(ROOT / "docs" / "pages", STAGE)
    shutil.copytree(ROOT / "docs" / "images", STAGE / "images")
    copy_mathjax(STAGE / "assets")
    (STAGE / "notebooks").mkdir()
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        (STAGE / "notebooks" / notebook.name).write_text(
            json.dumps(widgets_as_text(json.loads(notebook.read_text(encoding="utf-8")))),
            encoding="utf-8",
        )
    write_players(STAGE / "players")
    favicon()
    (STAGE / "gradviz.md").write_text(gradviz_page(), encoding="utf-8")
    (STAGE / "gallery.md").write_text(gallery_page(), encoding="utf-8")


def widgets_as_text(notebook: dict) -> dict:
    """Each widget output replaced by the text of the widget's last state (a tqdm bar: its
    description, bar and counts), and the widget state dropped."""
    state = notebook.get("metadata", {}).pop("widgets", {})
    models = state.get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).pop("application/vnd.jupyter.widget-view+json", None)
            if view is not None:
                text = _widget_text(models, view["model_id"])
                if text:
                    output["data"]["text/plain"] = text
    return notebook


def _widget_text(models: dict, model_id: str) -> str:
    model = models.get(model_id, {})
    children = model.get("state", {}).get("children", [])
    if not children:
        value = model.get("state", {}).get("value", "")
        if model.get("model_name") == "FloatProgressModel":
            done = value / (model["state"].get("max") or 1)
            return "|" + "█" * round(10 * done) + " " * (10 - round(10 * done)) + "|"
        return str(value)
    parts = [_widget_text(models, child.removeprefix("IPY_MODEL_")) for child in children]
    text = html.unescape("".join(parts))
    return re.sub("[\xa0\u2007]", " ", text)  # tqdm's widget spaces its text with these


def copy_mathjax(assets: Path) -> None:
    """MathJax 2 from jupyter-server-mathjax (Jupyter's own copy) and the script the notebook
    pages load it with: formulas are typeset as MathML, which the browser draws with its own
    fonts (that copy ships one web font, and the HTML-CSS output's font probe logs an error)."""
    import jupyter_server_mathjax

    static = Path(jupyter_server_mathjax.__file__).parent / "static"
    shutil.copytree(static, assets / "mathjax", ignore=shutil.ignore_patterns("localization"))
    (assets / "mathjax-load.js").write_text(MATHJAX_LOADER, encoding="utf-8")


MATHJAX_LOADER = """\
window.MathJax = {
  "HTML-CSS": {availableFonts: [], webFont: "STIX-Web", imageFont: null, preferredFont: null},
  menuSettings: {renderer: "NativeMML"},
  showMathMenu: false
};
(function () {
  var script = document.createElement("script");
  script.src = document.currentScript.src.replace(
    /mathjax-load\\.js.*$/, "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full");
  document.head.appendChild(script);
})();
"""


def write_players(folder: Path) -> None:
    """The player pages the player page embeds, made by viz.player from the worked examples."""
    from autograd.examples import classic, three_by_three
    from viz import player

    folder.mkdir()
    _, b, _, _, e = classic()
    player(e, b).save(folder / "classic.html")
    x, _, z = three_by_three(symbols=True)
    player(z, x).save(folder / "three_by_three.html")


def favicon() -> None:
    """The theme's icon as /favicon.ico too, which a browser asks for on the player pages."""
    import material

    icon = Path(material.__file__).parent / "templates" / "assets" / "images" / "favicon.png"
    shutil.copyfile(icon, STAGE / "favicon.ico")


def gradviz_page() -> str:
    """``gradviz --help`` and the classic run, as the program prints them while the site builds."""
    from viz.cli import main

    def run(argv: list[str]) -> str:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            main(argv)
        return out.getvalue()

    os.environ["COLUMNS"] = "100"  # argparse wraps the help to this width
    here = Path.cwd()
    os.chdir(STAGE)
    try:
        helped = run(["--help"])
        classic = run(["(a+b)*(b+1)", "a=2", "b=1", "--wrt", "b", "-o", "e.dot"])
    finally:
        (STAGE / "e.dot").unlink(missing_ok=True)
        os.chdir(here)
    return (
        "# The gradviz command\n\n"
        "`gradviz` draws an expression's graph and explains one derivative: the sum over paths\n"
        "against forward and reverse mode. `python -m viz` is the same command. Expressions are\n"
        "parsed, never evaluated.\n\n"
        f'```\n$ gradviz "(a+b)*(b+1)" a=2 b=1 --wrt b -o e.dot\n{classic}```\n\n'
        "## Every option\n\n"
        f"```\n$ gradviz --help\n{helped}```\n\n"
        "A test runs every option of this help and checks that it does what the help says.\n"
    )


def gallery_page() -> str:
    """Every picture of docs/images, each under what it shows."""
    lines = ["# Pictures", "", "The pictures the README shows, regenerated by `make images`."]
    for picture in sorted((ROOT / "docs" / "images").iterdir()):
        if picture.suffix.lower() in PICTURES:
            caption = CAPTIONS.get(picture.name, picture.stem.replace("_", " "))
            lines += ["", f"## {caption}", "", f"![{caption}](images/{picture.name})"]
    return "\n".join(lines) + "\n"


def pages(site: Path) -> list[Path]:
    """The site's pages: every HTML file but the player pages and MkDocs' 404 page."""
    return sorted(
        p for p in site.rglob("*.html") if "players" not in p.parts and p.name != "404.html"
    )


def main() -> int:
    started = time.perf_counter()
    print("docs: staging the pages, notebooks, player pages and pictures in build/docs ...")
    stage()
    print("docs: mkdocs build --strict into site/ (API reference, notebooks) ...", flush=True)
    mkdocs = Path(sys.executable).with_name("mkdocs")
    done = subprocess.run(
        [str(mkdocs), "build", "--strict", "--quiet", "--config-file", str(ROOT / "mkdocs.yml")],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},  # Material's notice about its successor
        check=False,
    )
    if done.returncode != 0:
        print("docs: mkdocs build --strict failed (see above)", file=sys.stderr)
        return done.returncode
    seconds = time.perf_counter() - started
    print(f"docs: {len(pages(SITE))} pages built in {seconds:.0f} s: open {SITE / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
