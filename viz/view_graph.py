"""The graph view: every node's value and gradient, every edge's local derivative; for a model's
graph, its names and neurons, or the classic network diagram with one box per neuron."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from autograd import Value

from .description import ConstantInfo, EdgeInfo, GraphDescription, NodeInfo, number
from .figure import Figure
from .labels import is_bookkeeping, local_text
from .network import ModelView, NeuronCall
from .scene import MUTED, TEXT_COLOURS, Annotations, Cluster, EdgeStyle, Line, NodeStyle, line

LONGEST = 28  # characters of an edge label written with the nodes' names; else just "∂ = 2"
SMALL_GRAPH = 60  # nodes: up to this many, constants are drawn as nodes of their own by default


def annotate(
    fig: Figure,
    view: ModelView | None = None,
    collapse: str | None = None,
    show_constants: bool | None = None,
    show_data: bool = True,
    show_grad: bool = True,
) -> Annotations:
    """Every node's value and gradient, every edge's local derivative (see ``viz.draw_graph``);
    ``view``: the model read against the graph (its names were given to the description)."""
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
                f"collapse='neuron' found no call of the model's neurons in the graph of "
                f"{graph.nodes[-1].name}: was it computed by this model?"
            )
        collapsed, scene_parts = _collapsed(graph, view, show_data, show_grad)
        nodes, edges, inputs, same_rank = scene_parts
        clusters = ()
        constants = inputs + tuple(c for c in collapsed.constants if show_constants)
        return Annotations(nodes, edges, title, _NETWORK_LEGEND, constants=constants,
                           compact=True, same_rank=same_rank, graph=collapsed,
                           short=_NETWORK_LEGEND[0][1])  # fmt: skip
    nodes = {n.id: _node_style(n, show_data, show_grad) for n in graph.nodes}
    edges = [EdgeStyle((line(local_text(graph, i, longest=LONGEST)),))
             for i in range(len(graph.edges))]  # fmt: skip
    constants = graph.constants if show_constants else ()
    return Annotations(nodes, edges, title, constants=constants, clusters=clusters)


_NETWORK_LEGEND = (
    ((), line("a neuron: z = b + Σ wᵢ·xᵢ, out = g(z); on each edge a weight wᵢ = ∂z/∂xᵢ")),
)
_NO_BACKWARD = "no backward pass yet: call .backward() to see the gradients"


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
            names[p] = names[p].removeprefix(f"{call.path}.")  # w0 in the box of L0.n1
            scopes[p] = call.path
        names[call.output] = call.path or "out"
        for i, product in enumerate(call.products):
            if product.constant is not None:
                constant_names[product] = f"x{i}"
        for v in (*call.weights, call.bias, *call.nodes()):
            scopes[v] = call.path
    outputs = view.final_outputs()
    for i, out in enumerate(outputs):
        names[out] = "ŷ" if len(outputs) == 1 else f"ŷ{i}"
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
        cluster = Cluster(path or "neuron", tuple(ids[v] for v in values if v in ids))
        layers[path.rpartition(".")[0]].append(cluster)
    clusters: list[Cluster] = []
    for layer, inner in layers.items():
        if layer:
            clusters.append(Cluster(layer, clusters=tuple(inner)))
        else:
            clusters.extend(inner)
    return tuple(clusters)


# The network diagram's scene: node styles, edge styles, the inputs, the groups of one rank.
CollapsedScene = tuple[
    dict[str, NodeStyle], list[EdgeStyle], tuple[ConstantInfo, ...], list[list[str]]
]


def _collapsed(
    graph: GraphDescription, view: ModelView, show_data: bool, show_grad: bool
) -> tuple[GraphDescription, CollapsedScene]:
    """The network diagram: each neuron call one node, its inputs' edges labelled by its weights.

    Returns the new description and its ``CollapsedScene``."""
    call_of = view.call_of()
    children: dict[Value, set[Value]] = defaultdict(set)
    for node in graph.nodes:
        for p in node.value.parents:
            children[p].add(node.value)
    own = {p for call in view.calls for p in (*call.weights, call.bias)}
    hidden = set(call_of) | {p for p in own if children[p] <= set(call_of)}
    outputs = set(view.final_outputs())
    downstream = set(call_of)  # the loss: what is computed from the model's outputs
    for node in graph.nodes:
        if any(p in downstream for p in node.value.parents):
            downstream.add(node.value)
    loss = [n for n in graph.nodes if n.value in downstream and n.value not in call_of]
    nodes: list[NodeInfo] = []
    styles: dict[str, NodeStyle] = {}
    new_id: dict[Value, str] = {}
    for node in graph.nodes:
        v = node.value
        call = call_of.get(v)
        if call is not None and v is call.output:
            new_id[v] = f"n{len(nodes)}"
            for inner in call.nodes():
                new_id.setdefault(inner, new_id[v])
            nodes.append(_box(new_id[v], call))
            out = graph.node_of(v).name if v in outputs else "out"
            styles[new_id[v]] = _box_style(call, out, show_data, show_grad)
        elif loss and v is loss[-1].value:
            new_id[v] = f"n{len(nodes)}"
            for member in loss:
                new_id[member.value] = new_id[v]
            nodes.append(NodeInfo(new_id[v], v.label or "loss", "", v.data, v.grad, v))
            styles[new_id[v]] = _loss_style(loss, show_data, show_grad)
        elif v not in hidden and v not in downstream:
            new_id[v] = f"n{len(nodes)}"
            nodes.append(NodeInfo(new_id[v], node.name, node.op, node.data, node.grad, v,
                                  node.formula))  # fmt: skip
            styles[new_id[v]] = _node_style(nodes[-1], show_data, show_grad)
    edges: list[EdgeInfo] = []
    edge_styles: list[EdgeStyle] = []
    inputs: dict[tuple, ConstantInfo] = {}
    for call in view.calls:
        box = new_id[call.output]
        for i, w in enumerate(call.weights):
            x = call.input_of(i)
            if isinstance(x, Value):
                source = new_id[x]
            else:
                key = (i, x, call.ordinal)
                if key not in inputs:
                    inputs[key] = ConstantInfo(f"k{len(inputs)}", "", x, f"x{i}")
                source = inputs[key].id
            edges.append(EdgeInfo(source, box, w.data))
            # One colour per input index: where the edges cross, a label's colour tells its edge.
            colour = TEXT_COLOURS[i % len(TEXT_COLOURS)]
            text = [line(f"w{i} = {number(w.data)}")]
            text += [line(f"grad {number(w.grad)}")] if show_grad else []
            edge_styles.append(EdgeStyle(tuple(text), (colour,)))
    for i, edge in enumerate(graph.edges):
        child, parent = graph.node(edge.child).value, graph.node(edge.parent).value
        if child in hidden or new_id.get(parent) == new_id.get(child):
            continue
        edges.append(EdgeInfo(new_id[parent], new_id[child], edge.local_grad, edge.formula,
                              custom=edge.custom))  # fmt: skip
        into_loss = bool(loss) and new_id[child] == new_id[loss[-1].value]
        label = line(local_text(graph, i, longest=LONGEST))
        edge_styles.append(EdgeStyle((label,), beside=into_loss))
    # Each layer's neurons in their order, the inputs too, and the loss beside the model's
    # outputs rather than after them: the picture stays compact.
    layers: dict[str, list[str]] = defaultdict(list)
    for call in sorted(view.calls, key=lambda c: c.ordinal):
        layers[call.layer].append(new_id[call.output])
    output_ids = {new_id[v] for v in view.final_outputs()}
    same_rank = [ids for ids in layers.values() if not output_ids & set(ids)]
    last = [i for ids in layers.values() for i in ids if i in output_ids]
    same_rank.append(last + ([new_id[loss[-1].value]] if loss else []))
    same_rank.append([c.id for c in inputs.values()])
    constants = tuple(
        ConstantInfo(c.id, new_id[graph.node(c.child).value], c.value, c.name)
        for c in graph.constants
        if graph.node(c.child).value not in hidden | downstream
    )
    described = GraphDescription(tuple(nodes), tuple(edges), constants)
    return described, (styles, edge_styles, tuple(inputs.values()), same_rank)


def _box(node_id: str, call: NeuronCall) -> NodeInfo:
    name = (call.path or "neuron") + (f" #{call.ordinal + 1}" if call.ordinal else "")
    out = call.output
    activation = "" if out is call.z else f" · {out.op}"
    return NodeInfo(node_id, name + activation, "", out.data, out.grad, out)


def _box_style(call: NeuronCall, out: str, show_data: bool, show_grad: bool) -> NodeStyle:
    """A neuron's output, pre-activation z and bias, each with its value and gradient."""
    rows = [(out, call.output)]
    if call.output is not call.z:
        rows.append(("z", call.z))
    rows.append(("b", call.bias))
    return NodeStyle(table=_table(rows, show_data, show_grad), data_row=False)


MAX_LOSS_ROWS = 8


def _loss_style(loss: list[NodeInfo], show_data: bool, show_grad: bool) -> NodeStyle:
    """One row per operation of the loss, in the order computed (bookkeeping greyed)."""
    rows = [(f"{n.name} = {n.op}" if n.op else n.name, n.value) for n in loss]
    table = list(_table(rows, show_data, show_grad))
    if len(rows) > MAX_LOSS_ROWS:
        hidden = len(rows) - MAX_LOSS_ROWS + 1
        table[4 : 4 + hidden] = [(line(f"… {hidden} more operations", colour=MUTED),)]
    return NodeStyle(table=tuple(table), data_row=False)


def _table(rows: list[tuple[str, Value]], show_data: bool, show_grad: bool) -> tuple:
    """A header row ("", "data", "grad") and one row per (name, Value); bookkeeping greyed."""
    columns = (["data"] if show_data else []) + (["grad"] if show_grad else [])
    table = [(line(""), *(line(c, colour=MUTED) for c in columns))]
    for name, v in rows:
        ink = MUTED if is_bookkeeping(v) else ""
        numbers = ([v.data] if show_data else []) + ([v.grad] if show_grad else [])
        table.append((line(name, colour=ink), *(line(number(x), colour=ink) for x in numbers)))
    return tuple(table)
