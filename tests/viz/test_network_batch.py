"""The lecture's network on its 4 samples, drawn once: a row per sample, gradients summed (Σ)."""

import html
import io
import re

import pytest
from PIL import Image

import nn
import viz

XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
YS = [1.0, -1.0, -1.0, 1.0]


@pytest.fixture
def lecture():
    """micrograd's lecture: MLP(3, [4, 4, 1]), tanh throughout, summed squared error."""
    model = nn.MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh", seed=0)
    loss = sum((model(x) - y) ** 2 for x, y in zip(XS, YS, strict=True))
    loss.backward()
    return model, loss


def tables(source: str) -> dict[str, list[list[str]]]:
    """Each box's rows of cell texts, by node id."""
    found = {}
    for node_id, label in re.findall(r"^\s*(\w+) \[label=<(<TABLE.*?</TABLE>)>", source, re.M):
        rows = re.findall(r"<TR>(.*?)</TR>", label)
        found[node_id] = [
            [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in
             re.findall(r"<TD[^>]*>(.*?)</TD>", row)]
            for row in rows
        ]  # fmt: skip
    return found


def column(rows: list[list[str]], name: str) -> list[float]:
    """The numbers of column ``name`` in the rows of samples #1, #2, ..."""
    i = rows[0].index(name)
    return [float(r[i]) for r in rows if r[0].startswith("#")]


def test_each_parameters_shown_gradient_is_the_sum_of_the_rows_it_sums(lecture):
    model, loss = lecture
    source = viz.draw_graph(loss, model=model, collapse="neuron").source
    boxes = tables(source)
    neurons = {k: rows for k, rows in boxes.items() if "z grad" in rows[0]}
    assert len(neurons) == 4 + 4 + 1  # the network drawn once
    for rows in neurons.values():
        assert [r[0] for r in rows[1:5]] == ["#1", "#2", "#3", "#4"]
        bias = next(r for r in rows if r[0] == "b")
        shown = float(bias[rows[0].index("z grad")].removeprefix("Σ "))
        assert shown == pytest.approx(sum(column(rows, "z grad")), rel=2e-3, abs=2e-4)
    weights = re.findall(r"^\s*(\w+) -> (\w+) \[label=<w\.\d = [^<]*<BR/>Σ grad ([^<>]+)>", source,
                         re.M)  # fmt: skip
    assert len(weights) == 3 * 4 + 4 * 4 + 4
    for source_id, target, grad in weights:
        x = column(boxes[source_id], "out" if source_id in neurons else "data")
        g = column(boxes[target], "z grad")
        expected = sum(a * b for a, b in zip(x, g, strict=True))  # ∂L/∂w = Σ_k x_k · ∂L/∂z_k
        assert float(grad) == pytest.approx(expected, rel=5e-3, abs=5e-4)


def test_the_loss_box_lists_each_samples_term(lecture):
    model, loss = lecture
    rows = tables(viz.draw_graph(loss, model=model, collapse="neuron").source)
    (loss_rows,) = [r for r in rows.values() if r[0][0] == "loss"]
    terms = [float(r[1]) for r in loss_rows if r[0].startswith("#")]
    assert len(terms) == 4 and sum(terms) == pytest.approx(loss.data, rel=1e-3)


def test_the_lecture_network_on_4_samples_fits_a_1920_by_1080_screen(renderer, lecture):
    model, loss = lecture
    diagram = viz.draw_graph(loss, model=model, collapse="neuron")  # no max_nodes needed
    width, height = Image.open(io.BytesIO(diagram.pipe("png"))).size
    assert width <= 1920 and height <= 1080
    # Scaled to fit: its smallest text (10 pt edge labels at 150 dpi) stays at least 12 px high.
    svg = diagram.pipe("svg").decode()
    scale = float(re.search(r"scale\(([\d.]+)", svg).group(1))
    assert 10 * scale * 150 / 72 >= 12


def test_collapsed_max_nodes_counts_the_boxes_drawn(lecture):
    model, loss = lecture
    # 13 boxes (9 neurons, 3 inputs, the loss) and 32 weights on edges; the scalar graph: 345
    assert viz.draw_graph(loss, model=model, collapse="neuron", max_nodes=45).source
    with pytest.raises(ValueError, match="would draw 45 boxes and edge labels, more than max_n"):
        viz.draw_graph(loss, model=model, collapse="neuron", max_nodes=44)
    with pytest.raises(ValueError, match="the graph has .* nodes, more than max_nodes=300"):
        viz.draw_graph(loss, model=model)  # the scalar graph is still refused


def test_the_notes_names_are_used_by_every_picture():
    xor = nn.MLP(2, [2, 1], activation="relu", seed=0)
    xor.name_inputs(["x₁", "x₂"])
    xor.name_layers([("W", "c", "h"), ("w", "b", "y")])
    xor.load_state_dict(
        {"layers.0.neurons.0.w.0": 1, "layers.0.neurons.0.w.1": 1, "layers.0.neurons.0.b": 0,
         "layers.0.neurons.1.w.0": 1, "layers.0.neurons.1.w.1": 1, "layers.0.neurons.1.b": -1,
         "layers.1.neurons.0.w.0": 1, "layers.1.neurons.0.w.1": -2, "layers.1.neurons.0.b": 0}
    )  # fmt: skip
    assert [xor([a, b]).data for a, b in ((0, 0), (0, 1), (1, 0), (1, 1))] == [0, 1, 1, 0]
    y = xor([1.0, 0.0])
    y.backward()
    neurons = viz.draw_graph(y, model=xor, collapse="neuron").source
    assert "W₂₁ = 1<BR/>" in neurons and "w₂ = -2<BR/>" in neurons  # W_ij: input i, neuron j
    assert ">c₂<" in neurons and "<B>h₁ · relu</B>" in neurons and 'label="x₁ = 1"' in neurons
    full = viz.draw_graph(y, model=xor).source
    assert all(f"<B>{name}</B>" in full for name in ("W₁₁", "W₂₂", "c₁", "w₁", "b"))
    layers = viz.draw_graph(y, model=xor, collapse="layer").source
    assert ">h₂<" in layers and ">x₂<" in layers and "W 2×2" in layers
    assert list(xor.state_dict())[0] == "layers.0.neurons.0.w.0"  # the keys stay the names


def test_collapse_layer_draws_a_box_per_layer_with_its_weights_cut_to_fit():
    model = nn.MLP(8, [8, 2], seed=0)  # past 6 rows and 6 columns, as MLP(64, [32, 10]) is
    loss = nn.functional.cross_entropy(model([0.5] * 8), 1)
    loss.backward()
    source = viz.draw_graph(loss, model=model, collapse="layer").source
    boxes = tables(source)
    names = [rows[0][0] for rows in boxes.values()]
    assert "layers.0  W 8×8 · relu" in names and "layers.1  W 2×8" in names
    (first,) = [rows for rows in boxes.values() if rows[0][0].startswith("layers.0")]
    assert first[0][1:] == ["w.0", "w.1", "w.2", "w.3", "w.4", "w.5", "…", "b"]
    w = model.layers[0].neurons[1].w
    assert first[2][:3] == ["neurons.1", viz_number(w[0].data), viz_number(w[1].data)]
    assert first[7][:1] == ["… 2 more"] and "grad" in [r[0] for r in first]
    grads = next(i for i, r in enumerate(first) if r[0] == "grad")
    assert first[grads + 2][1] == viz_number(w[0].grad)


def viz_number(x: float) -> str:
    """How the pictures write a number (4 significant digits)."""
    return f"{x:.4g}" if x != int(x) else str(int(x))


def test_a_gradient_left_from_another_backward_pass_is_said_not_drawn_silently(lecture):
    model, loss = lecture
    model.layers[0].neurons[0].b.grad += 1.0  # as an earlier backward() without zero_grad would
    source = viz.draw_graph(loss, model=model, collapse="neuron").source
    assert "call model.zero_grad() first" in source


def test_collapse_values_and_names_are_checked():
    model = nn.MLP(2, [2, 1], seed=0)
    loss = model([1.0, 2.0])
    with pytest.raises(ValueError, match="collapse must be None, 'neuron'.*'layer'.*got 'layers'"):
        viz.draw_graph(loss, model=model, collapse="layers")
    with pytest.raises(ValueError, match="collapse='layer' needs the model"):
        viz.draw_graph(loss, collapse="layer")
    with pytest.raises(ValueError, match="the model has 2 inputs, and 3 names were given"):
        model.name_inputs(["a", "b", "c"])
    with pytest.raises(TypeError, match="a list of names"):
        model.name_inputs("x₁x₂")
    with pytest.raises(ValueError, match="index must be 'in,out'.* or 'out,in', got 'ij'"):
        model.layers[0].name("W", "c", index="ij")
    with pytest.raises(ValueError, match="one \\(weight, bias\\[, outputs\\]\\) per layer, 2"):
        model.name_layers([("W", "c")])
    with pytest.raises(ValueError, match="printable characters"):
        model.layers[1].name("w", "")


def test_a_large_batch_shows_its_first_8_samples_and_says_how_many_more_the_sums_hold():
    model = nn.MLP(2, [2, 1], activation="tanh", seed=0)
    loss = sum((model([k / 10, 1 - k / 10]) - 1) ** 2 for k in range(11))
    loss.backward()
    boxes = tables(viz.draw_graph(loss, model=model, collapse="neuron").source)
    neuron = next(rows for rows in boxes.values() if "z grad" in rows[0])
    assert [r[0] for r in neuron[1:11]] == [f"#{k}" for k in range(1, 9)] + ["… 3 more", "b"]


def test_the_edges_join_the_boxes_at_their_headers_not_at_a_samples_row(lecture):
    """An edge that ended at the row nearest to it would read as "this weight feeds sample 4":
    every edge between two boxes leaves at a header row's end and arrives at a header."""
    model, loss = lecture
    source = viz.draw_graph(loss, model=model, collapse="neuron").source
    edges = [e for e in re.findall(r"^\s*(\S+) -> (\S+) \[(.*)\]$", source, re.M)
             if "invis" not in e[2]]  # fmt: skip
    assert len(edges) >= 30  # 12 + 16 + 4 weights, and the output to the loss
    for _, _, attrs in edges:
        assert 'headport="head:w"' in attrs and re.search(r'tailport="(head|tail):e"', attrs)
