"""What a model's graph means: which nodes each neuron computed, and the names the model gives.

Nothing is recorded while the model runs: the neurons' calls are found afterwards in the graph,
from the computation a neuron makes (its bias, then one ``+ w_i * x_i`` per weight, then its
activation), so ``draw_graph(loss, model=model)`` works on any graph already built, at no cost to
the forward pass. A neuron is any module with a list of weight Values ``w`` and a bias Value ``b``
that computes ``activation(b + w_0 x_0 + w_1 x_1 + ...)`` in that order, as ``nn.Neuron`` does.

Names are read duck-typed (viz does not import nn): a parameter's name from ``named_parameters()``
(``layers.0.neurons.1.w.0``), what a picture shows from its ``label`` when that is another name
(the notes' W₁₂); the inputs' names from the model's ``input_names``, a neuron's output name from
its ``output_name``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from autograd import Value, ops


@dataclass(frozen=True)
class NeuronCall:
    """One call of a neuron, as found in a graph."""

    path: str  # the neuron's name in the model: "layers.0.neurons.1"; "" for a lone neuron
    weights: tuple[Value, ...]
    bias: Value
    products: tuple[Value, ...]  # w_i * x_i
    sums: tuple[Value, ...]  # b + w_0 x_0, then + w_1 x_1, ...: the last is the pre-activation z
    output: Value  # activation(z), or z itself for the identity
    ordinal: int  # 0 for the neuron's first call in the graph, 1 for its second, ...
    layer: str = ""  # the name of the module that holds the neuron: "layers.0"
    name: str = ""  # what a picture calls the neuron: its output's name (h₁), else its path

    @property
    def z(self) -> Value:
        return self.sums[-1]

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

    parameter_names: dict[Value, str]  # what pictures call each parameter (see ``shown``)
    calls: tuple[NeuronCall, ...]
    input_names: tuple[str, ...] = ()  # the model's inputs' names, where the model gives them
    given: frozenset[Value] = frozenset()  # the parameters named by a notation (W₁₂), not a place

    def shown(self, p: Value, call: NeuronCall) -> str:
        """A parameter's name inside its neuron's box: the notation's (W₁₂), else its name
        after the neuron's ("w.0" of "layers.0.neurons.1.w.0")."""
        name = self.parameter_names[p]
        return name if p in self.given or not call.path else name.removeprefix(call.path + ".")

    def input_name(self, i: int) -> str:
        """The name of the model's input i: the model's own, else x0, x1, ..."""
        return self.input_names[i] if i < len(self.input_names) else f"x{i}"

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
    names: dict[Value, str] = {}
    given: set[Value] = set()
    for name, p in named_parameters():
        if isinstance(p, Value):
            names[p] = p.label if p.label and p.label != name else name
            if names[p] != name:
                given.add(p)
    modules = getattr(model, "named_modules", None)
    everything = list(modules()) if callable(modules) else []
    paths = {n for n, _ in everything}
    neurons = [(n, m) for n, m in everything if _is_neuron(m)]
    children: dict[Value, list[Value]] = defaultdict(list)
    for v in order:
        for p in dict.fromkeys(v.parents):
            children[p].append(v)
    position = {v: i for i, v in enumerate(order)}
    calls = []
    for path, neuron in neurons:
        found = sorted(_calls(neuron, children), key=lambda c: position[c[-1]])
        layer = _holder(path, paths)
        name = getattr(neuron, "output_name", "") or path
        for ordinal, (products, sums, output) in enumerate(found):
            calls.append(NeuronCall(path, tuple(neuron.w), neuron.b, products, sums, output,
                                    ordinal, layer, name))  # fmt: skip
    inputs = getattr(model, "input_names", ())
    inputs = tuple(inputs) if isinstance(inputs, (list, tuple)) else ()
    return ModelView(names, tuple(calls), tuple(str(n) for n in inputs), frozenset(given))


def _holder(path: str, paths: set[str]) -> str:
    """The module that holds module ``path``: "layers.0" for "layers.0.neurons.1"."""
    parts = path.split(".")
    for end in range(len(parts) - 1, 0, -1):
        if ".".join(parts[:end]) in paths:
            return ".".join(parts[:end])
    return ""


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
