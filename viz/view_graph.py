"""The graph view: every node's value and gradient, every edge's local derivative; for a model's
graph, its names and neurons, or the classic network diagram with one box per neuron."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from autograd import Value

from . import network_layers, network_neurons
from .description import DEFAULT_MAX_NODES, GraphDescription, GraphTooLargeError, NodeInfo, number
from .figure import Figure
from .labels import is_bookkeeping, local_text
from .network import ModelView
from .scene import Annotations, Cluster, EdgeStyle, Line, NodeStyle, line

LONGEST = 28  # characters of an edge label written with the nodes' names; else just "∂ = 2"
COLLAPSE = (None, "neuron", "layer")  # draw_graph's collapse=
SCALAR_LIMIT = 100_000  # nodes of the scalar graph a collapsed picture reads
# A network is drawn to fit a 1920 × 1080 screen at 150 dpi (12.8 × 7.2 inches), scaled down when
# larger: the lecture's MLP(3, [4, 4, 1]) on 4 samples at 0.61, its 10 pt edge labels 12.7 px high.
SCREEN = (12.75, 7.15)
SMALL_GRAPH = 60  # nodes: up to this many, constants are drawn as nodes of their own by default


def annotate(
    fig: Figure,
    view: ModelView | None = None,
    collapse: str | None = None,
    show_constants: bool | None = None,
    show_data: bool = True,
    show_grad: bool = True,
    max_boxes: int = DEFAULT_MAX_NODES,
) -> Annotations:
    """Every node's value and gradient, every edge's local derivative (see ``viz.draw_graph``);
    ``view``: the model read against the graph (its names were given to the description);
    ``max_boxes``: the most boxes a collapsed picture may draw."""
    graph = fig.graph
    if show_constants is None:
        show_constants = len(graph.nodes) <= SMALL_GRAPH
    clusters = clusters_of(graph, view) if view is not None else ()
    title = ""
    if show_grad and not any(n.value.grad != 0.0 for n in graph.nodes):
        show_grad, title = False, _NO_BACKWARD
    if collapse and view is not None:
        if not view.calls:
            raise ValueError(
                f"collapse={collapse!r} found no call of the model's neurons in the graph of "
                f"{graph.nodes[-1].name}: was it computed by this model?"
            )
        base = _node_style(graph.nodes[-1], show_data, show_grad)
        if collapse == "layer":
            collapsed, scene_parts = network_layers.collapsed(graph, view, show_grad, base)
            legend = network_layers.LEGEND
        else:
            collapsed, scene_parts = network_neurons.collapsed(
                graph, view, show_data, show_grad, base
            )
            batch = any(call.ordinal for call in view.calls)
            legend = (*_NETWORK_LEGEND, *(_BATCH_LEGEND if batch else ()))
        nodes, edges, inputs, same_rank, clusters = scene_parts
        title = title or (_STALE if show_grad and _stale(view) else "")
        constants = inputs + tuple(c for c in collapsed.constants if show_constants)
        # What Graphviz places: the boxes and the edges' labels (a network of 64 inputs has 2048)
        boxes = len(collapsed.nodes) + len(constants) + sum(1 for e in edges if e.lines)
        if boxes > max_boxes:
            raise TooManyBoxesError(boxes, max_boxes, collapse)
        return Annotations(nodes, edges, title, legend, constants=constants, clusters=clusters,
                           compact=True, same_rank=same_rank, graph=collapsed,
                           fit=SCREEN, short=legend[0][1])  # fmt: skip
    nodes = {n.id: _node_style(n, show_data, show_grad) for n in graph.nodes}
    edges = [EdgeStyle((line(local_text(graph, i, longest=LONGEST)),))
             for i in range(len(graph.edges))]  # fmt: skip
    constants = graph.constants if show_constants else ()
    return Annotations(nodes, edges, title, constants=constants, clusters=clusters)


class TooManyBoxesError(GraphTooLargeError):
    """A collapsed picture would draw more boxes and edge labels than ``max_nodes``."""

    def __init__(self, count: int, max_nodes: int, collapse: str):
        self.count, self.max_nodes = count, max_nodes
        other = " or collapse='layer' (one box per layer)" if collapse == "neuron" else ""
        ValueError.__init__(
            self,
            f"collapse={collapse!r} would draw {count} boxes and edge labels, more than "
            f"max_nodes={max_nodes}, unreadable on a screen: "
            f"pass max_nodes={count} (or more){other}",
        )


_NETWORK_LEGEND = (
    ((), line("a neuron: z = b + Σ wᵢ·xᵢ, out = g(z); on each edge a weight wᵢ = ∂z/∂xᵢ")),
)
_BATCH_LEGEND = (((), line("#k: sample k;  Σ: summed over the samples (b's: its z grad column)")),)
_STALE = "gradients of an earlier backward pass are mixed in: call model.zero_grad() first"
_NO_BACKWARD = "no backward pass yet: call .backward() to see the gradients"


def _stale(view: ModelView) -> bool:
    """Whether a bias's gradient differs from the sum of its z-gradients over the calls drawn:
    a gradient left from another backward pass, which the picture would contradict."""
    sums: dict[Value, float] = defaultdict(float)
    for call in view.calls:
        sums[call.bias] += call.z.grad
    return any(abs(b.grad - total) > 1e-9 * (1 + abs(total)) for b, total in sums.items())


def _node_style(
    node: NodeInfo, show_data: bool, show_grad: bool, rows: Iterable[Line] = ()
) -> NodeStyle:
    grad = (line(f"grad {number(node.grad)}"),) if show_grad else ()
    return NodeStyle(rows=grad + tuple(rows), data_row=show_data, muted=is_bookkeeping(node.value))


def naming(view: ModelView) -> dict:
    """The description's names for a model's graph (``describe``'s ``names``,
    ``constant_names``, ``scopes``): parameters named in their neuron's box, its inputs x0, x1..."""
    names: dict[Value, str] = dict(view.parameter_names)
    scopes: dict[Value, str] = {}
    constant_names: dict[Value, str] = {}
    for call in view.calls:
        for p in (*call.weights, call.bias):
            names[p] = view.shown(p, call)  # w.0 in the box of layers.0.neurons.1
            scopes[p] = call.path
        names[call.output] = call.name or "out"
        for i, product in enumerate(call.products):
            if product.constant is not None:
                constant_names[product] = view.input_name(i)
        for v in (*call.weights, call.bias, *call.nodes()):
            scopes[v] = call.path
    outputs = view.final_outputs()
    calls = view.call_of()
    paths = list(dict.fromkeys(calls[out].path for out in outputs))
    several = len(outputs) > len(paths)  # a batch: sample k's output is ŷk, from 1 as #k
    for out in outputs:
        call = calls[out]
        named = call.name if call.name != call.path else "ŷ"  # the notes' name of an output: y
        named += "" if len(paths) == 1 or call.name != call.path else str(paths.index(call.path))
        join = "_" if len(paths) > 1 else ""
        names[out] = named + (f"{join}{call.ordinal + 1}" if several else "")
    return {"names": names, "constant_names": constant_names, "scopes": scopes}


def clusters_of(graph: GraphDescription, view: ModelView) -> tuple[Cluster, ...]:
    """A cluster per neuron inside one per layer."""
    members: dict[str, list[Value]] = defaultdict(list)
    for call in view.calls:
        for v in (*call.weights, call.bias, *call.nodes()):
            if v not in members[call.path]:
                members[call.path].append(v)
    ids = {n.value: n.id for n in graph.nodes}
    layers: dict[str, list[Cluster]] = defaultdict(list)
    for path, values in members.items():
        call = next(c for c in view.calls if c.path == path)
        cluster = Cluster(call.name or "neuron", tuple(ids[v] for v in values if v in ids))
        layers[call.layer].append(cluster)
    clusters: list[Cluster] = []
    for layer, inner in layers.items():
        if layer:
            clusters.append(Cluster(layer, clusters=tuple(inner)))
        else:
            clusters.extend(inner)
    return tuple(clusters)
