"""Diagrams of a network's graph: names, constants, neurons, and graphviz's habits."""

import io
import re

import graphviz
import pytest
from PIL import Image

import nn
import viz
from autograd import Value
from nn import functional as F
from viz.description import describe
from viz.scene import MUTED
from viz.themes import LIGHT


@pytest.fixture
def network():
    """One sample through MLP(2, [3, 1]), its squared error, and the backward pass."""
    model = nn.MLP(2, [3, 1], seed=0)
    loss = F.mse_loss(model([2.0, -1.0]), 1.0)
    loss.backward()
    return model, loss


def node_statements(source: str) -> list[str]:
    return re.findall(r"^\s*(?:n|k|x)\d+ \[.*$", source, flags=re.M)


def boxes(source: str) -> dict[str, str]:
    """Each table node's label by the bold name in its header."""
    return {
        re.search(r"<B>([^<]+)</B>", stmt).group(1): stmt
        for stmt in node_statements(source)
        if "<TABLE" in stmt
    }


# --- names ---------------------------------------------------------------------------------------
def test_nn_labels_every_parameter_with_its_name_in_named_parameters_and_state_dict():
    model = nn.MLP(2, [3, 1], seed=0)
    assert [p.label for p in model.layers[0].neurons[1].parameters()] == [
        "layers.0.neurons.1.w.0",
        "layers.0.neurons.1.w.1",
        "layers.0.neurons.1.b",
    ]
    assert all(p.label == name for name, p in model.named_parameters())
    assert list(model.state_dict()) == [p.label for p in model.parameters()]
    assert [p.label for p in nn.Layer(2, 2).neurons[1].parameters()] == [
        "neurons.1.w.0",
        "neurons.1.w.1",
        "neurons.1.b",
    ]
    assert [p.label for p in nn.Neuron(2).parameters()] == ["w.0", "w.1", "b"]


def test_the_plain_graph_of_a_network_names_every_weight_and_bias(network):
    model, loss = network
    names = {n.name for n in describe(loss).nodes}
    assert {p.label for p in model.parameters()} <= names


def test_unnamed_nodes_are_named_by_their_formula_when_short_else_numbered_without_gaps():
    a, b = Value(2.0, "a"), Value(1.0, "b")
    ab = a * b
    long = (ab + (a - b) * (a + b)) ** 2 + ab.tanh()
    names = [n.name for n in describe(long).nodes]
    assert {"a·b", "a-b", "a+b", "tanh(a·b)"} <= set(names)
    numbered = sorted(int(n[1:]) for n in names if re.fullmatch(r"v\d+", n))
    assert numbered == list(range(1, len(numbered) + 1)) and numbered


def test_a_named_node_writes_its_operation_in_its_operands_names_never_the_placeholder_x():
    b = Value(1.0, "b")
    d = b + 1
    d.label = "d"
    e = 2 - d
    e.label = "e"
    f = (d * e).sigmoid()
    f.label = "f"
    ops = {n.name: n.op for n in describe(f).nodes}
    assert ops["d"] == "b + 1" and ops["e"] == "2 - d" and ops["f"] == "sigmoid(d·e)"
    for node in describe(f).nodes:
        assert not re.search(r"\bx\b", node.op)


def test_formulas_put_parentheses_where_the_operation_binds_tighter():
    a, b, c = Value(1.0, "a"), Value(2.0, "b"), Value(3.0, "c")
    s = a + b
    names = [n.name for n in describe((a - (b - c)) * s / (b * c) + (-s)).nodes]
    assert "a-(b-c)" in names and "-(a+b)" in names and "v1/(b·c)" in names
    assert "a+b" in names and "b·c" in names


# --- constants ----------------------------------------------------------------------------------
def test_numbers_that_enter_an_operation_can_be_drawn_as_their_own_nodes(classic):
    *_, e = classic
    shown = viz.draw_graph(e, show_constants=True).source
    assert re.search(r"^\s*k0 \[label=1 .*shape=ellipse", shown, flags=re.M)
    assert re.search(r"^\s*k0 -> n\d+", shown, flags=re.M)
    assert "shape=ellipse" not in viz.draw_graph(e, show_constants=False).source
    assert "shape=ellipse" in viz.draw_graph(e).source  # a small graph shows them by default
    assert len(e.parents) == 2  # the engine is unchanged: the constant is not a node


def test_the_model_names_its_data_inputs(network):
    model, loss = network
    source = viz.draw_graph(loss, model=model, show_constants=True).source
    assert len(re.findall(r"label=\"x0 = 2\"", source)) == 3  # one per neuron of layer 0
    assert "w.0·x0" in source and "w.1·x1" in source


def test_bookkeeping_is_greyed_not_removed(network):
    _, loss = network
    statement = boxes(viz.draw_graph(loss).source)[describe(loss).nodes[-1].name]
    assert f'<FONT COLOR="{LIGHT.text(MUTED)}"><B>' in statement  # the mean over one sample: x / 1
    assert "data 0.3169" in statement


# --- structure ----------------------------------------------------------------------------------
def test_the_model_groups_each_neuron_in_its_layer_and_names_its_parameters_there(network):
    model, loss = network
    source = viz.draw_graph(loss, model=model).source
    for layer, neurons in (("layers.0", 3), ("layers.1", 1)):
        assert f"label=<{layer}>" in source
        for j in range(neurons):
            block = source.split(f"label=<{layer}.neurons.{j}>")[1].split("subgraph")[0]
            assert "<B>b</B>" in block and "<B>w.0</B>" in block
    assert "<B>ŷ</B>" in source  # the model's output


def test_collapsed_each_neuron_is_one_box_with_its_weights_on_the_edges(network):
    model, loss = network
    source = viz.draw_graph(loss, model=model, collapse="neuron").source
    found = boxes(source)
    names = {f"layers.0.neurons.{j} · relu" for j in range(3)}  # named as in state_dict()
    assert set(found) == names | {"layers.1.neurons.0", "loss"}
    neuron = model.layers[0].neurons[2]
    z = neuron.b.data + 2.0 * neuron.w[0].data - 1.0 * neuron.w[1].data
    assert f"{z:.4g}" in found["layers.0.neurons.2 · relu"]  # the pre-activation
    for p in (neuron.w[0], model.layers[1].neurons[0].w[2]):
        index = p.label[-1]
        assert f"w.{index} = {p.data:.4g}<BR/>" in source
        assert f"grad {p.grad:.4g}" in source
    drawn = re.findall(r"-> n\d+ \[(?!style=invis)", source)
    assert len(drawn) == 6 + 3 + 1  # inputs to layer 0, layer 0 to 1, output to loss
    assert "ŷ-1" in found["loss"] and f'COLOR="{LIGHT.text(MUTED)}">(ŷ-1)²/1' in found["loss"]


def test_collapsed_a_batch_draws_the_network_once_with_a_row_per_sample():
    model = nn.MLP(2, [2, 1], activation="tanh", seed=1)
    X, y = [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0]
    loss = F.mse_loss([model(x) for x in X], y)
    loss.backward()
    found = boxes(viz.draw_graph(loss, model=model, collapse="neuron").source)
    neurons = {"layers.0.neurons.0 · tanh", "layers.0.neurons.1 · tanh", "layers.1.neurons.0"}
    assert set(found) == neurons | {"loss", "x0", "x1"}  # the inputs: a box each
    assert all(f">#{k}<" in found["layers.0.neurons.0 · tanh"] for k in (1, 2, 3, 4))


def test_the_network_diagram_fits_a_slide_and_the_full_graph_names_every_weight(renderer, network):
    model, loss = network
    png = viz.draw_graph(loss, model=model, collapse="neuron").pipe("png")
    width, height = Image.open(io.BytesIO(png)).size
    assert width <= 1920 and height <= 1080
    full = viz.draw_graph(loss, model=model).source
    in_box = {re.sub(r"^.*neurons\.\d+\.", "", p.label) for p in model.parameters()}
    assert in_box == {"w.0", "w.1", "w.2", "b"} and all(f"<B>{n}</B>" in full for n in in_box)


def test_model_and_collapse_mistakes_are_explained(network, classic):
    model, loss = network
    with pytest.raises(ValueError, match="collapse='neuron' needs the model"):
        viz.draw_graph(loss, collapse="neuron")
    with pytest.raises(ValueError, match="collapse must be None, 'neuron' .* or 'layer' .*got 'x'"):
        viz.draw_graph(loss, model=model, collapse="x")
    with pytest.raises(TypeError, match="model must be an nn.Module"):
        viz.draw_graph(loss, model=[1, 2])
    with pytest.raises(ValueError, match="found no call of the model's neurons"):
        viz.draw_graph(classic[-1], model=model, collapse="neuron")
    with pytest.raises(TypeError, match="show_grad must be True or False"):
        viz.draw_graph(loss, show_grad="no")


def test_data_or_grad_rows_can_be_hidden_for_a_slide(network, classic):
    model, loss = network
    *_, e = classic
    assert "data 6" not in viz.draw_graph(e, show_data=False).source
    assert "grad 5" not in viz.draw_graph(e, show_grad=False).source
    collapsed = viz.draw_graph(loss, model=model, collapse="neuron", show_grad=False).source
    assert ">grad<" not in collapsed and ">data<" in collapsed


# --- graphviz's habits ------------------------------------------------------------------------
def test_a_diagram_answers_to_graphviz_names(renderer, classic, tmp_path, monkeypatch):
    *_, e = classic
    diagram = viz.draw_dot(e, "png", "TB")  # micrograd's positional order
    assert "rankdir=TB" in diagram.source and diagram.format == "png"
    assert isinstance(diagram.digraph, graphviz.Digraph)
    assert diagram.digraph.source == diagram.source
    assert diagram.pipe().startswith(b"\x89PNG") and b"<svg" in diagram.pipe(format="svg")
    written = diagram.render("g", directory=tmp_path)
    assert written == str(tmp_path / "g.png") and (tmp_path / "g").read_text() == diagram.source
    assert diagram.render(outfile=tmp_path / "h.svg").endswith("h.svg")
    opened = []
    monkeypatch.setattr("viz.render.open_file", opened.append)
    diagram.view("v", directory=tmp_path, cleanup=True)
    assert opened == [tmp_path / "v.png"] and not (tmp_path / "v").exists()
    assert "rankdir=TB" in viz.draw_graph(e, rankdir="TD").source
    with pytest.raises(ValueError, match="format must be one of svg, png, pdf, dot, got 'bmp'"):
        viz.draw_graph(e, format="bmp")


def test_png_is_written_at_150_dpi_unless_asked(renderer, classic, tmp_path):
    *_, e = classic
    sharp = Image.open(viz.draw_graph(e).save(tmp_path / "a.png"))
    small = Image.open(viz.draw_graph(e).save(tmp_path / "b.png", dpi=75))
    assert abs(sharp.width / small.width - 2) < 0.1


def test_svg_keeps_the_spaces_between_differently_styled_text(renderer, classic):
    *_, e = classic
    svg = viz.draw_graph(e).svg()
    assert re.search(r">(\xa0|&#160;)= c \* d<", svg)  # "e = c * d", not "e= c * d"
