"""The network diagram, one box per neuron (``draw_graph(..., collapse="neuron")``), drawn once
whatever the number of samples the graph holds.

One sample: each box lists the neuron's output, pre-activation z and bias with their values and
gradients. A batch (the neurons called once per sample): each box has one row per sample (z, out
and their gradients for that sample, ``#1``, ``#2``...) and the bias's gradient, the sum over the
samples, written ``Σ`` under the column it sums (∂L/∂b = Σ ∂L/∂z); each weight on its edge with
its gradient, the sum over the samples of ∂L/∂z · x. The inputs are one box each, a row per
sample; the loss one box listing each sample's term.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from autograd import Value

from .description import ConstantInfo, EdgeInfo, GraphDescription, NodeInfo, number
from .labels import is_bookkeeping, local_text
from .network import ModelView, NeuronCall
from .scene import MUTED, TEXT_COLOURS, Cluster, EdgeStyle, Line, NodeStyle, line

LONGEST = 28  # characters of an edge label written with the nodes' names; else just "∂ = 2"
MAX_LOSS_ROWS = 8
MAX_SAMPLES = 8  # rows of samples in a box; the Σ still sums them all (the cut is said)

# The network diagram's scene: node styles, edge styles, the inputs, the groups of one rank.
CollapsedScene = tuple[
    dict[str, NodeStyle],
    list[EdgeStyle],
    tuple[ConstantInfo, ...],
    list[list[str]],
    tuple[Cluster, ...],
]


def collapsed(
    graph: GraphDescription, view: ModelView, show_data: bool, show_grad: bool, base: NodeStyle
) -> tuple[GraphDescription, CollapsedScene]:
    """The network diagram: each neuron one node, its inputs' edges labelled by its weights;
    ``base`` styles a node drawn as it is. Returns the new description and its scene."""
    call_of = view.call_of()
    by_path: dict[str, list[NeuronCall]] = defaultdict(list)
    for call in sorted(view.calls, key=lambda c: c.ordinal):
        by_path[call.path].append(call)
    batch = max(len(calls) for calls in by_path.values()) > 1
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
    feeds = _feeds(by_path, call_of) if batch else {}
    grouped = {x for feed in feeds.values() for x in feed if isinstance(x, Value)} - set(call_of)
    nodes: list[NodeInfo] = []
    styles: dict[str, NodeStyle] = {}
    new_id: dict[Value, str] = {}
    inputs: dict[tuple, ConstantInfo] = {}
    seen: dict[tuple, str] = {}  # a batch's input boxes, by what they hold

    def add(info: NodeInfo, style: NodeStyle) -> str:
        nodes.append(info)
        styles[info.id] = style
        return info.id

    for node in graph.nodes:
        v = node.value
        found = call_of.get(v)
        if found is not None and v is found.output and v not in new_id:
            calls = by_path[found.path]
            box = add(_box(f"n{len(nodes)}", calls), _box_style(
                view, calls, graph.node_of(v).name if v in outputs and not batch else "out",
                show_data, show_grad))  # fmt: skip
            for each in calls:
                for inner in (*each.nodes(), each.output):
                    new_id[inner] = box
        elif loss and v is loss[-1].value:
            box = add(NodeInfo(f"n{len(nodes)}", v.label or "loss", "", v.data, v.grad, v),
                      _loss_style(loss, outputs, call_of, show_data, show_grad))  # fmt: skip
            for member in loss:
                new_id[member.value] = box
        elif v not in hidden and v not in downstream and v not in grouped:
            new_id[v] = add(replace_id(node, f"n{len(nodes)}"), base_style(node, base))
    edges: list[EdgeInfo] = []
    edge_styles: list[EdgeStyle] = []
    for path, calls in by_path.items():
        box, first = new_id[calls[0].output], calls[0]
        for i, w in enumerate(first.weights):
            if batch:
                feed = feeds[(path, i)]
                source = _source(
                    feed,
                    i,
                    view,
                    new_id,
                    nodes,
                    styles,
                    show_grad,
                    call_of,
                    seen,
                    first.products[i],
                )
            else:
                x = first.input_of(i)
                if isinstance(x, Value):
                    source = new_id[x]
                else:
                    key = (i, x)
                    if key not in inputs:
                        inputs[key] = ConstantInfo(f"k{len(inputs)}", "", x, view.input_name(i))
                    source = inputs[key].id
            edges.append(EdgeInfo(source, box, w.data))
            # One colour per input index: where the edges cross, a label's colour tells its edge.
            colour = TEXT_COLOURS[i % len(TEXT_COLOURS)]
            text = [line(f"{view.shown(w, first)} = {number(w.data)}")]
            if show_grad:
                text.append(line(f"Σ grad {number(w.grad)}" if batch else f"grad {number(w.grad)}"))
            edge_styles.append(EdgeStyle(tuple(text), (colour,), to_header=True))
    joined: set[tuple[str, str]] = set()
    for i, edge in enumerate(graph.edges):
        child, parent = graph.node(edge.child).value, graph.node(edge.parent).value
        if child in hidden or parent in grouped or new_id.get(parent) == new_id.get(child):
            continue
        if batch and (new_id[parent], new_id[child]) in joined:
            continue  # the samples' edges between the same two boxes: drawn once
        joined.add((new_id[parent], new_id[child]))
        edges.append(EdgeInfo(new_id[parent], new_id[child], edge.local_grad, edge.formula,
                              custom=edge.custom))  # fmt: skip
        into_loss = bool(loss) and new_id[child] == new_id[loss[-1].value]
        label = () if batch else (line(local_text(graph, i, longest=LONGEST)),)
        edge_styles.append(EdgeStyle(label, beside=into_loss and not batch, to_header=batch))
    # Each layer's neurons in their order, the inputs too, and the loss beside the model's
    # outputs rather than after them: the picture stays compact.
    layers: dict[str, list[str]] = defaultdict(list)
    for calls in by_path.values():
        layers[calls[0].layer].append(new_id[calls[0].output])
    output_ids = {new_id[v] for v in outputs}
    same_rank = [ids for ids in layers.values() if not output_ids & set(ids)]
    last = [i for ids in layers.values() for i in ids if i in output_ids]
    same_rank.append(last + ([new_id[loss[-1].value]] if loss else []))
    input_boxes = [n.id for n in nodes if n.id.startswith("x")]
    same_rank.append([c.id for c in inputs.values()] + input_boxes)
    gone = hidden | downstream
    constants = tuple(
        ConstantInfo(c.id, new_id[graph.node(c.child).value], c.value, c.name)
        for c in graph.constants
        if graph.node(c.child).value not in gone
    )
    # Each box is named in full (layers.0.neurons.1): a box around each layer would let Graphviz
    # reorder its neurons (it ignores the order of a rank inside a cluster).
    clusters: tuple[Cluster, ...] = ()
    described = GraphDescription(tuple(nodes), tuple(edges), constants)
    return described, (styles, edge_styles, tuple(inputs.values()), same_rank, clusters)


Feed = tuple[Value | float, ...]  # what entered one weight of a neuron, sample by sample


def _feeds(
    by_path: dict[str, list[NeuronCall]], call_of: dict[Value, NeuronCall]
) -> dict[tuple[str, int], Feed]:
    """For each neuron and weight i, x_i sample by sample: another neuron's outputs, or inputs."""
    return {
        (path, i): tuple(call.input_of(i) for call in calls)
        for path, calls in by_path.items()
        for i in range(len(calls[0].weights))
    }


def _source(
    feed: Feed,
    i: int,
    view: ModelView,
    new_id: dict[Value, str],
    nodes: list[NodeInfo],
    styles: dict[str, NodeStyle],
    show_grad: bool,
    call_of: dict[Value, NeuronCall],
    seen: dict[tuple, str],
    anchor: Value,
) -> str:
    """The box that feeds weight i: a neuron's, or an input's with one row per sample (made the
    first time the same feed is met: one box per input of the model)."""
    if all(isinstance(x, Value) and x in call_of for x in feed):
        found = {new_id[x] for x in feed if isinstance(x, Value)}
        if len(found) == 1:
            return found.pop()
    # Keyed by identity: Values compare with == into a new Value.
    key = tuple(("value", id(x)) if isinstance(x, Value) else ("number", x) for x in feed)
    if key in seen:
        return seen[key]
    box = seen[key] = f"x{len(seen)}"
    values = [x.data if isinstance(x, Value) else x for x in feed]
    grads = [x.grad if isinstance(x, Value) else None for x in feed]
    with_grad = show_grad and all(g is not None for g in grads)
    columns = [line(""), line("data", colour=MUTED)]
    columns += [line("grad", colour=MUTED)] if with_grad else []
    rows = [tuple(columns)]
    for k, (number_k, g) in enumerate(zip(values, grads, strict=True)):
        if k == MAX_SAMPLES:
            rows.append(_more(len(values) - k, len(columns)))
            break
        row = [line(f"#{k + 1}"), line(number(number_k))]
        row += [line(number(g))] if with_grad and g is not None else []
        rows.append(tuple(row))
    nodes.append(NodeInfo(box, view.input_name(i), "", values[0], 0.0, anchor))
    styles[box] = NodeStyle(table=tuple(rows), data_row=False, fill="#EEF3FB")
    for x in feed:
        if isinstance(x, Value):
            new_id.setdefault(x, box)
    return box


def replace_id(node: NodeInfo, node_id: str) -> NodeInfo:
    return NodeInfo(node_id, node.name, node.op, node.data, node.grad, node.value, node.formula)


def base_style(node: NodeInfo, base: NodeStyle) -> NodeStyle:
    return NodeStyle(rows=base.rows, data_row=base.data_row, muted=is_bookkeeping(node.value))


def _box(node_id: str, calls: Sequence[NeuronCall]) -> NodeInfo:
    """The neuron's node, named by its output's name in the notes (h₁), else its path."""
    first = calls[0]
    out = first.output
    activation = "" if out is first.z else f" · {out.op}"
    name = first.name or "neuron"
    return NodeInfo(node_id, name + activation, "", out.data, out.grad, out)


def _box_style(
    view: ModelView, calls: Sequence[NeuronCall], out: str, show_data: bool, show_grad: bool
) -> NodeStyle:
    """One call: its output, pre-activation z and bias, each with its value and gradient. Several:
    a row per call (z, out and their gradients), and the bias with its gradient's sum under
    the z-gradients it sums."""
    first = calls[0]
    bias = view.shown(first.bias, first)
    if len(calls) == 1:
        rows = [(out, first.output)]
        if first.output is not first.z:
            rows.append(("z", first.z))
        rows.append((bias, first.bias))
        return NodeStyle(table=_table(rows, show_data, show_grad), data_row=False)
    values = [("z", lambda c: c.z)]
    if first.output is not first.z:
        values.append(("out", lambda c: c.output))
    header: list[Line] = [line("")]
    for name, _ in values:
        header += [line(name, colour=MUTED)] if show_data else []
        header += [line(f"{name} grad", colour=MUTED)] if show_grad else []
    table = [tuple(header)]
    for k, call in enumerate(calls):
        if k == MAX_SAMPLES:
            table.append(_more(len(calls) - k, len(header)))
            break
        row = [line(f"#{call.ordinal + 1}")]
        for _, of in values:
            v = of(call)
            row += [line(number(v.data))] if show_data else []
            row += [line(number(v.grad))] if show_grad else []
        table.append(tuple(row))
    last = [line(bias)] + ([line(f"= {number(first.bias.data)}")] if show_data else [])
    last += [line(f"Σ {number(first.bias.grad)}")] if show_grad else []
    last += [line("")] * (len(header) - len(last))
    table.append(tuple(last))
    return NodeStyle(table=tuple(table), data_row=False)


def _loss_style(
    loss: list[NodeInfo],
    outputs: set[Value],
    call_of: dict[Value, NeuronCall],
    show_data: bool,
    show_grad: bool,
) -> NodeStyle:
    """One row per operation of the loss, in the order computed (bookkeeping greyed); for a
    batch, one row per sample's term and the loss."""
    samples: dict[Value, frozenset[int]] = {}
    for node in loss:
        found: set[int] = set()
        for p in node.value.parents:
            if p in outputs:
                found.add(call_of[p].ordinal)
            found |= samples.get(p, frozenset())
        samples[node.value] = frozenset(found)
    several = {v for v, s in samples.items() if len(s) > 1}
    if several:
        terms: dict[int, NodeInfo] = {}  # each sample's term: its last node not bookkeeping
        for n in loss:
            if len(samples[n.value]) == 1 and not is_bookkeeping(n.value):
                terms[min(samples[n.value])] = n
        rows = [(f"#{k + 1}  {n.name}", n.value) for k, n in sorted(terms.items())]
        rows.append((loss[-1].value.label or "loss", loss[-1].value))
    else:
        rows = [(f"{n.name} = {n.op}" if n.op else n.name, n.value) for n in loss]
    table = list(_table(rows, show_data, show_grad))
    if len(rows) > MAX_LOSS_ROWS:
        hidden = len(rows) - MAX_LOSS_ROWS + 1
        what = "samples" if several else "operations"
        table[4 : 4 + hidden] = [(line(f"… {hidden} more {what}", colour=MUTED),)]
    return NodeStyle(table=tuple(table), data_row=False)


def _more(count: int, cells: int) -> tuple[Line, ...]:
    """The row that says how many samples a box leaves out (its Σ sums them too)."""
    return (line(f"… {count} more", colour=MUTED), *(line(""),) * (cells - 1))


def _table(rows: list[tuple[str, Value]], show_data: bool, show_grad: bool) -> tuple:
    """A header row ("", "data", "grad") and one row per (name, Value); bookkeeping greyed."""
    columns = (["data"] if show_data else []) + (["grad"] if show_grad else [])
    table = [(line(""), *(line(c, colour=MUTED) for c in columns))]
    for name, v in rows:
        ink = MUTED if is_bookkeeping(v) else ""
        numbers = ([v.data] if show_data else []) + ([v.grad] if show_grad else [])
        table.append((line(name, colour=ink), *(line(number(x), colour=ink) for x in numbers)))
    return tuple(table)
