"""Regenerate the pictures the README shows: ``make images`` (never drawn by hand).

Rendered by graphviz-pure, which writes the same bytes on every platform.
"""

import os
import shutil
import tempfile
from pathlib import Path

import nn
from autograd.examples import classic, three_by_three
from nn import functional as F
from viz import (
    draw_factorized,
    draw_forward,
    draw_graph,
    draw_paths,
    draw_reverse,
    frames,
    player,
    save_animation,
)

HERE = Path(__file__).resolve().parent / "images"


def one_sample_through_a_network():
    """The squared error of one sample through MLP(2, [3, 1]), after its backward pass."""
    model = nn.MLP(2, [3, 1], seed=0)
    loss = F.mse_loss(model([2.0, -1.0]), 1.0)
    loss.backward()
    return model, loss


def the_lecture_network_on_its_four_samples():
    """micrograd's lecture: MLP(3, [4, 4, 1]), tanh, summed squared error on 4 samples."""
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    model = nn.MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh", seed=0)
    loss = sum((model(x) - y) ** 2 for x, y in zip(xs, ys, strict=True))
    loss.backward()
    return model, loss


def a_network_too_large_for_a_box_per_neuron():
    """MLP(64, [32, 10]) on 2 samples of 64 numbers, with the cross-entropy of 10 classes."""
    model = nn.MLP(64, [32, 10], seed=0)
    rows = [[((i * 7 + k * 13) % 17 - 8) / 8 for i in range(64)] for k in range(2)]
    loss = F.cross_entropy([model(x) for x in rows], [3, 7])
    loss.backward()
    return model, loss


def network_pictures() -> dict:
    """The pictures of networks (``collapse``): one sample, a batch, a network of layers."""
    model, loss = one_sample_through_a_network()
    lecture, lecture_loss = the_lecture_network_on_its_four_samples()
    large, large_loss = a_network_too_large_for_a_box_per_neuron()
    return {
        "network_neurons.png": draw_graph(loss, model=model, collapse="neuron"),
        "network_graph.png": draw_graph(loss, model=model),
        "network_batch.png": draw_graph(lecture_loss, model=lecture, collapse="neuron"),
        "network_layers.png": draw_graph(large_loss, model=large, collapse="layer"),
    }


def main() -> None:
    os.environ.setdefault("PATHGRAD_RENDERER", "graphviz-pure")
    HERE.mkdir(parents=True, exist_ok=True)
    _, b, _, _, e = classic()
    x, _, z = three_by_three(symbols=False)
    xs, _, zs = three_by_three(symbols=True)
    pictures = {
        "classic_paths.png": draw_paths(e, b),
        "classic_forward.png": draw_forward(e, b),
        "classic_reverse.png": draw_reverse(e),
        "classic_reverse_step3.png": draw_reverse(e, step=3),
        "three_by_three_paths.png": draw_paths(z, x),
        "three_by_three_multiples.png": draw_paths(z, x, layout="multiples"),
        "three_by_three_factorized.png": draw_factorized(zs, xs),
        "three_by_three_contracted.png": draw_paths(zs, xs, contract=True),
        **network_pictures(),
    }
    for theme in ("light", "dark", "print"):  # the same picture in each theme
        pictures[f"classic_theme_{theme}.png"] = draw_paths(e, b, theme=theme)
    for name, diagram in pictures.items():
        print("wrote", diagram.save(HERE / name))
    print("wrote", *save_animation(frames(e, mode="reverse"), HERE / "classic_backprop.gif"))
    screenshot_of_the_player(player(e, b), HERE / "player.png")


def screenshot_of_the_player(page, target: Path, step: int = 9) -> None:
    """The player in headless Chromium (the system's, driven by Playwright) at a middle step."""
    from playwright.sync_api import sync_playwright

    browser_path = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser_path is None:
        raise SystemExit("the player's screenshot needs Chromium: apt-get install chromium")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        html = page.save(Path(folder) / "backprop.html")
        browser = p.chromium.launch(executable_path=browser_path)
        tab = browser.new_page(viewport={"width": 1280, "height": 440})
        tab.goto(html.as_uri())
        for _ in range(step):
            tab.keyboard.press("ArrowRight")
        tab.screenshot(path=str(target))
        browser.close()
    print("wrote", target)


if __name__ == "__main__":
    main()
