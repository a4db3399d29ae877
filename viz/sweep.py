"""A forward or reverse sweep as a sequence of steps over a graph description.

Each step computes one node's number from the edges it meets, as the chain rule says:

- forward mode from x visits the nodes that depend on x in topological order and sets
  tangent(node) = sum over incoming edges of tangent(parent) · d(node)/d(parent);
- reverse mode from out visits every node in reverse topological order and sets
  adjoint(node) = sum over outgoing edges of adjoint(child) · d(child)/d(node).

The first step is the seed (tangent(x) = 1, adjoint(out) = 1). The numbers come from
``autograd.forward_mode`` and ``autograd.reverse_mode``; the steps say in which order the sweep
completes them and which edge contributions it adds. The step views, the frames of an animation
and the player all read the same ``Sweep``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from autograd import Value, forward_mode, reverse_mode

from .description import GraphDescription, input_value, number, symbol
from .labels import factor

MODES = ("forward", "reverse")


@dataclass(frozen=True)
class Term:
    """One edge's contribution to a step: ``carried · local = contribution``, where ``carried``
    is the tangent of the edge's parent (forward) or the adjoint of its child (reverse)."""

    edge: int  # index into the description's edges
    other: str  # id of the node at the edge's other end
    carried: float
    local: float

    @property
    def contribution(self) -> float:
        return self.carried * self.local


@dataclass(frozen=True)
class Step:
    """The sweep completing ``node``: its number is the sum of the terms (1 for the seed)."""

    node: str
    value: float
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Sweep:
    """The steps of one sweep, first to last, and how to name what it computes."""

    mode: str
    graph: GraphDescription
    steps: tuple[Step, ...]
    out_name: str
    wrt_name: str  # forward mode's input; "" in reverse mode
    multiplications: int

    def derivative(self, node_id: str) -> str:
        """What a node's number is: ∂c/∂b (the tangent) or ∂e/∂c (the adjoint)."""
        name = symbol(self.graph.node(node_id).name)
        if self.mode == "forward":
            return f"∂{name}/∂{self.wrt_name}"
        return f"∂{self.out_name}/∂{name}"

    def value_text(self, step: Step) -> str:
        """ "∂e/∂b = 2 + 3 = 5": the step's number as the sum of its contributions."""
        lhs = self.derivative(step.node)
        if not step.terms:
            return f"{lhs} = 1 (seed)"
        if len(step.terms) == 1:
            return f"{lhs} = {number(step.value)}"
        return f"{lhs} = {signed_sum(t.contribution for t in step.terms)} = {number(step.value)}"

    def term_text(self, term: Term) -> str:
        """ "1·2 → 2": what one edge adds to the node being computed."""
        return f"{factor(term.carried)}·{factor(term.local)} → {number(term.contribution)}"

    def explain_step(self, step: Step) -> str:
        """The chain rule at one step, symbols then numbers:
        ∂e/∂b = ∂e/∂c·∂c/∂b + ∂e/∂d·∂d/∂b = 2·1 + 3·1 = 5."""
        if not step.terms:
            return f"{self.derivative(step.node)} = 1: the seed, where the sweep starts"
        graph = self.graph
        symbolic, numeric = [], []
        for term in step.terms:
            edge = graph.edges[term.edge]
            child, parent = (symbol(graph.node(i).name) for i in (edge.child, edge.parent))
            local = f"∂{child}/∂{parent}"
            carried = self.derivative(term.other)
            symbolic.append(
                f"{carried}·{local}" if self.mode == "reverse" else f"{local}·{carried}"
            )
            pair = (
                (term.carried, term.local) if self.mode == "reverse" else (term.local, term.carried)
            )
            numeric.append("·".join(factor(v) for v in pair))
        lhs = self.derivative(step.node)
        return f"{lhs} = {' + '.join(symbolic)} = {' + '.join(numeric)} = {number(step.value)}"


def signed_sum(values: Iterable[float]) -> str:
    """ "2 + 3 - 1": a sum written with its signs."""
    text = ""
    for i, v in enumerate(values):
        shown = number(abs(v)) if v == v else "nan"
        if i == 0:
            text = number(v)
        else:
            text += f" - {shown}" if v < 0 else f" + {shown}"
    return text


def sweep(graph: GraphDescription, mode: str, x: Value | None = None, result: Any = None) -> Sweep:
    """The steps of forward mode from ``x`` or reverse mode from the graph's root; ``result`` is
    ``forward_mode(root, x)`` or ``reverse_mode(root)`` when already computed."""
    if mode not in MODES:
        raise ValueError(f"mode must be 'forward' or 'reverse', got {mode!r}")
    for edge in graph.edges:
        if edge.custom:  # a node with a custom _backward: no number to show
            child = graph.node(edge.child)
            raise TypeError(
                f"the {mode} sweep shows each edge's local derivative, and the node "
                f"{child.name!r} has a backward of your own (_backward) instead of one; "
                f"draw_graph shows it, or give its derivatives with Value.from_op"
            )
    out = graph.nodes[-1].value
    out_name = symbol(graph.nodes[-1].name)
    if mode == "reverse":
        result = reverse_mode(out) if result is None else result
        numbers = {n.id: result.adjoints[n.value] for n in graph.nodes}
        leaving: dict[str, list[int]] = {n.id: [] for n in graph.nodes}
        for i, edge in enumerate(graph.edges):
            leaving[edge.parent].append(i)
        steps = []
        for node in reversed(graph.nodes):
            terms = tuple(
                Term(
                    i,
                    graph.edges[i].child,
                    numbers[graph.edges[i].child],
                    graph.edges[i].local_grad,
                )
                for i in leaving[node.id]
            )
            steps.append(Step(node.id, numbers[node.id], terms))
        return Sweep(mode, graph, tuple(steps), out_name, "", result.multiplications)
    if not isinstance(x, Value):
        raise TypeError(f"forward mode needs the input x as a Value, got {type(x).__name__}")
    tangents = forward_mode(out, x) if result is None else result
    at = tangents.tangents
    x_id = next((n.id for n in graph.nodes if n.value is x), None)
    wrt = input_value(graph, x)
    reached = {x_id} if x_id else set()
    entering: dict[str, list[int]] = {n.id: [] for n in graph.nodes}
    for i, edge in enumerate(graph.edges):
        entering[edge.child].append(i)
    steps = []
    for node in graph.nodes:
        if node.id == x_id:
            steps.append(Step(node.id, 1.0, ()))
            continue
        terms = tuple(
            Term(i, graph.edges[i].parent, at[graph.node(graph.edges[i].parent).value],
                 graph.edges[i].local_grad)
            for i in entering[node.id]
            if graph.edges[i].parent in reached
        )  # fmt: skip
        if terms:
            reached.add(node.id)
            steps.append(Step(node.id, tangents.tangents[node.value], terms))
    return Sweep(mode, graph, tuple(steps), out_name, wrt, tangents.multiplications)
