"""The network one box per layer (``draw_graph(..., collapse="layer")``): torchviz's tensor-level
picture, with the numbers.

Each layer's box holds its weights as a table (a row per neuron, a column per input, as PyTorch's
``weight[j, i]``), its biases in the last column, and under them the same table of gradients
(summed over the samples of a batch). A table is cut to its first ``MAX_ROWS`` rows and
``MAX_COLUMNS`` columns, the cut marked "…" and the shape written in the header ("32×64"). The
inputs and the loss are a box each; an edge says how many numbers flow along it per sample.
"""

from __future__ import annotations

from collections import defaultdict

from autograd import Value

from .description import EdgeInfo, GraphDescription, NodeInfo, number
from .network import ModelView, NeuronCall
from .network_neurons import CollapsedScene
from .scene import MUTED, EdgeStyle, NodeStyle, line

MAX_ROWS = 6  # neurons shown per layer
MAX_COLUMNS = 6  # inputs shown per neuron
LEGEND = (
    ((), line("a layer: its weights (a row per neuron, a column per input) and biases; "
              "… marks what is left out")),
)  # fmt: skip


def collapsed(
    graph: GraphDescription, view: ModelView, show_grad: bool, base: NodeStyle
) -> tuple[GraphDescription, CollapsedScene]:
    """One box per layer, one for the inputs, one for the loss; an edge per layer it feeds."""
    del base  # every node of this picture is a box of its own making
    layers: dict[str, list[NeuronCall]] = defaultdict(list)
    for call in view.calls:
        layers[call.layer].append(call)
    call_of = view.call_of()
    samples = 1 + max(call.ordinal for call in view.calls)
    nodes: list[NodeInfo] = []
    styles: dict[str, NodeStyle] = {}
    box_of: dict[str, str] = {}  # a neuron's path: its layer's box
    for layer, calls in layers.items():
        neurons = list({c.path: c for c in calls if c.ordinal == 0}.values())
        box = f"n{len(nodes)}"
        for c in neurons:
            box_of[c.path] = box
        first = neurons[0]
        activation = "" if first.output is first.z else f" · {first.output.op}"
        shape = f"{len(neurons)}×{len(first.weights)}"
        name = f"{layer or 'layer'}  W {shape}{activation}"
        nodes.append(NodeInfo(box, name, "", first.output.data, first.output.grad, first.output))
        styles[box] = NodeStyle(table=_matrix(view, neurons, show_grad), data_row=False)
    edges: list[EdgeInfo] = []
    edge_styles: list[EdgeStyle] = []
    inputs = ""
    for calls in layers.values():
        first = calls[0]
        target = box_of[first.path]
        sources = set()
        for i in range(len(first.weights)):
            x = first.input_of(i)
            sources.add(box_of[call_of[x].path] if isinstance(x, Value) and x in call_of else "")
        for source in sorted(sources):
            if not source:
                if not inputs:
                    inputs = "x0"
                    nin = len(first.weights)
                    names = ", ".join(view.input_name(i) for i in range(min(nin, 4)))
                    more = ", …" if nin > 4 else ""
                    nodes.append(NodeInfo(inputs, f"inputs {names}{more}", "", 0.0, 0.0, first.z))
                    each = f"{samples} sample" + ("s" if samples > 1 else "")
                    rows = (line(f"{nin} per sample, {each}", colour=MUTED),)
                    styles[inputs] = NodeStyle(rows=rows, data_row=False, fill="#EEF3FB")
                source = inputs
            edges.append(EdgeInfo(source, target, 0.0))
            edge_styles.append(EdgeStyle((line(f"{len(first.weights)} numbers"),)))
    outputs = set(view.final_outputs())
    root = graph.nodes[-1]
    if root.value not in call_of:
        nodes.append(NodeInfo("n_loss", root.value.label or "loss", "", root.data, root.grad,
                              root.value))  # fmt: skip
        styles["n_loss"] = NodeStyle(rows=(line(f"data {number(root.data)}"),), data_row=False)
        last = {box_of[call_of[v].path] for v in outputs}
        for box in sorted(last):
            edges.append(EdgeInfo(box, "n_loss", 0.0))
            edge_styles.append(EdgeStyle((line(f"{len(outputs) // samples} per sample"),)))
    described = GraphDescription(tuple(nodes), tuple(edges), ())
    return described, (styles, edge_styles, (), [], ())


def _column(view: ModelView, call: NeuronCall, i: int) -> str:
    """Column i's name: the weight's (w.0: the cell of row neurons.1 is layers.0.neurons.1.w.0);
    with the notes' names, the input's (x₁ or h₁: W₁₂ is the cell of row h₂ and column x₁)."""
    if call.weights[i] not in view.given:
        return view.shown(call.weights[i], call)
    x = call.input_of(i)
    source = view.call_of().get(x) if isinstance(x, Value) else None
    return source.name if source is not None else view.input_name(i)


def _matrix(view: ModelView, neurons: list[NeuronCall], show_grad: bool) -> tuple:
    """The header of columns (inputs, then b) and a row per neuron of weights and bias; then the
    gradients' rows, marked Σ when summed over samples."""
    nin = len(neurons[0].weights)
    shown = list(range(min(nin, MAX_COLUMNS)))
    cut = nin > MAX_COLUMNS
    first = neurons[0]
    header = [line("")] + [line(_column(view, first, i), colour=MUTED) for i in shown]
    header += [line("…", colour=MUTED)] if cut else []
    bias = view.shown(first.bias, first)
    header += [line(bias.rstrip("₀₁₂₃₄₅₆₇₈₉,") or bias, colour=MUTED)]
    table = [tuple(header)]
    several = any(c.ordinal for c in view.calls)
    blocks = [("", lambda v: v.data)]
    if show_grad:
        blocks.append(("Σ grad" if several else "grad", lambda v: v.grad))
    blank = (line(""),) * (len(header) - 1)
    for title, of in blocks:
        if title:
            table.append((line(title, colour=MUTED), *blank))
        for n in neurons[:MAX_ROWS]:
            name = n.name.removeprefix(n.layer + ".") if n.layer else n.name
            row = [line(name or "neuron")] + [line(number(of(n.weights[i]))) for i in shown]
            row += [line("…", colour=MUTED)] if cut else []
            table.append((*row, line(number(of(n.bias)))))
        if len(neurons) > MAX_ROWS:
            table.append((line(f"… {len(neurons) - MAX_ROWS} more", colour=MUTED), *blank))
    return tuple(table)
