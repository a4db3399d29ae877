"""What a model's graph means: which nodes each neuron computed, and the names the model gives.

Nothing is recorded while the model runs: the neurons' calls are found afterwards in the graph,
from the computation a neuron makes (its bias, then one ``+ w_i * x_i`` per weight, then its
activation), so ``draw_graph(loss, model=model)`` works on any graph already built, at no cost to
the forward pass. A neuron is any module with a list of weight Values ``w`` and a bias Value ``b``
that computes ``activation(b + w_0 x_0 + w_1 x_1 + ...)`` in that order, as ``nn.Neuron`` does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from autograd import Value, ops
from nn.module import short_name


@dataclass(frozen=True)
class NeuronCall:
    """One call of a neuron, as found in a graph."""

    path: str  # the neuron's short name: "L0.n1"; "" for a model that is a lone neuron
    weights: tuple[Value, ...]
    bias: Value
    products: tuple[Value, ...]  # w_i * x_i
    sums: tuple[Value, ...]  # b + w_0 x_0, then + w_1 x_1, ...: the last is the pre-activation z
    output: Value  # activation(z), or z itself for the identity
    ordinal: int  # 0 for the neuron's first call in the graph, 1 for its second, ...

    @property
    def z(self) -> Value:
        return self.sums[-1]

    @property
    def layer(self) -> str:
        return self.path.rpartition(".")[0]

    def nodes(self) -> tuple[Value, ...]:
        """The nodes the call made (its parameters excluded)."""
        extra = () if self.output is self.z else (self.output,)
        return self.products + self.sums + extra

    def input_of(self, i: int) -> Value | float:
        """x_i: the Value that entered the product w_i * x_i, or the number."""
        product = self.products[i]
        return product.parents[1] if product.constant is None else product.constant


@dataclass(frozen=True)
class ModelView:
    """A model read against a graph: names for its parameters and neurons, and the calls."""

    parameter_names: dict[Value, str]  # the full short name: "L0.n1.w0"
    calls: tuple[NeuronCall, ...]

    def final_outputs(self) -> list[Value]:
        """The outputs of calls that no other call reads: the model's outputs, ŷ."""
        read = {call.input_of(i) for call in self.calls for i in range(len(call.products))}
        return [c.output for c in self.calls if not any(c.output is x for x in read)]

    def call_of(self) -> dict[Value, NeuronCall]:
        """The call each node of a call (its output included) belongs to."""
        return {v: call for call in self.calls for v in call.nodes()}


def read_model(model: object, order: list[Value]) -> ModelView:
    """Find ``model``'s parameters and neuron calls in a graph given in topological order."""
    named_parameters = getattr(model, "named_parameters", None)
    if not callable(named_parameters):
        raise TypeError(
            f"model must be an nn.Module (anything with named_parameters()), "
            f"got {type(model).__name__}"
        )
    names = {p: short_name(name) for name, p in named_parameters() if isinstance(p, Value)}
    modules = getattr(model, "named_modules", None)
    neurons = [(short_name(n), m) for n, m in modules() if _is_neuron(m)] if modules else []
    children: dict[Value, list[Value]] = defaultdict(list)
    for v in order:
        for p in dict.fromkeys(v.parents):
            children[p].append(v)
    position = {v: i for i, v in enumerate(order)}
    calls = []
    for path, neuron in neurons:
        found = sorted(_calls(neuron, children), key=lambda c: position[c[-1]])
        for ordinal, (products, sums, output) in enumerate(found):
            calls.append(
                NeuronCall(path, tuple(neuron.w), neuron.b, products, sums, output, ordinal)
            )
    return ModelView(names, tuple(calls))


class _Neuron(Protocol):
    """What ``_is_neuron`` finds: a module with a list of weight Values and a bias Value."""

    w: list[Value]
    b: Value


Children = Mapping[Value, list[Value]]  # each node's children in the graph, in topological order


def _is_neuron(module: object) -> bool:
    w, b = getattr(module, "w", None), getattr(module, "b", None)
    return isinstance(b, Value) and isinstance(w, list) and all(isinstance(x, Value) for x in w)


def _calls(neuron: _Neuron, children: Children) -> Iterable[tuple[tuple, tuple, Value]]:
    """(products, sums, output) of each call of ``neuron`` in the graph."""
    weights = neuron.w
    for first in children.get(neuron.b, ()):
        products, sums = [], []
        node = neuron.b
        step: Value | None = first
        for w in weights:
            product = _added_product(node, step, w)
            if product is None:
                break
            assert step is not None  # a product was found: step is previous + w * x
            products.append(product)
            sums.append(step)
            node = step
            step = next((c for c in children.get(node, ()) if c.operation is ops.ADD), None)
        if len(products) != len(weights):
            continue  # not a call of this neuron (the bias used in some other way)
        yield tuple(products), tuple(sums), _activation(neuron, sums[-1], children)


def _added_product(previous: Value, step: Value | None, w: Value) -> Value | None:
    """The product w * x when ``step`` is ``previous + w * x``, else None."""
    if step is None or step.operation is not ops.ADD or step.parents[0] is not previous:
        return None
    product = step.parents[1]
    if product.operation in (ops.MUL, ops.MUL_CONST) and product.parents[0] is w:
        return product
    return None


def _activation(neuron: _Neuron, z: Value, children: Children) -> Value:
    name = getattr(neuron, "activation_name", "")
    if name == "identity":
        return z
    for child in children.get(z, ()):
        if child.op == name and child.parents[0] is z:
            return child
    return z  # an activation made of several operations: drawn outside the neuron's box
