"""Modules: Neuron, Layer and MLP, with parameters and state dicts, as in PyTorch (their files:
``nn.checkpoint``)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from autograd import Value

from . import naming
from .activations import Activation, default_init, resolve
from .checks import Input, as_float, is_real, listing, model_input, positive_int, quoted
from .init import PythonRandom, draw_weights, weight_source


class Module:
    """Base class: parameters are the Values (and lists of Values) held as attributes, children
    the Modules (and lists of Modules); both are found in the order they were assigned.

    A parameter's name is its place, as in PyTorch: ``layers.0.neurons.1.w.2`` is weight 2 of
    neuron 1 of layer 0 of an MLP (a Layer alone: ``neurons.1.w.2``; a Neuron alone: ``w.2``).
    ``named_parameters()``, ``state_dict()`` and files use it, and nn's modules label each
    parameter with it, so that pictures and traces show the same name; ``name_inputs`` and the
    ``name`` methods of ``Neuron`` and ``Layer`` give the notes' names instead (``nn.naming``).
    """

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """(name, module) for this module ("" or ``prefix``) and every module inside it."""
        yield prefix.rstrip("."), self
        for attr, obj in vars(self).items():
            if isinstance(obj, dict):
                items = [(f".{k}", v) for k, v in obj.items()]
            elif isinstance(obj, (list, tuple)):
                items = [(f".{i}", v) for i, v in enumerate(obj)]
            else:
                items = [("", obj)]
            for index, item in items:
                if isinstance(item, Module):
                    yield from item.named_modules(f"{prefix}{attr}{index}.")

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Value]]:
        """(name, parameter) pairs in a stable order, e.g. ``("layers.0.neurons.1.w.0", w)``.

        Parameters are found among the attributes: Values, Modules, and lists, tuples and dicts
        of them (a dict's keys become part of the names). Two parameters that would get the
        same name (a dict key "0.1" beside a dict under key "0" holding "1") raise ValueError."""
        seen: set[str] = set()
        for attr, obj in vars(self).items():
            for name, p in _named(f"{prefix}{attr}", obj):
                if name in seen:
                    raise ValueError(
                        f"two parameters of {type(self).__name__} are named {quoted(name)}: "
                        f"rename a key or attribute so that every name is different"
                    )
                seen.add(name)
                yield name, p

    def _label_parameters(self) -> None:
        """Label every parameter with its name (what nn's modules do when made)."""
        for name, p in self.named_parameters():
            p.label = name

    def name_inputs(self, names: Sequence[str]) -> Module:
        """Name the model's inputs as the notes do, ``model.name_inputs(["x₁", "x₂"])``: the
        pictures of its graph (``viz.draw_graph(..., model=model)``) show them. Returns it."""
        self.input_names = naming.input_names(names, getattr(self, "nin", None))
        return self

    def parameters(self) -> list[Value]:
        """Every parameter, in the order of ``named_parameters`` (found without making their
        names: a fifth of the time on MLP(64, [32, 10])'s 2,410)."""
        found: list[Value] = []
        _collect(vars(self).values(), found)
        return found

    def num_parameters(self) -> int:
        """How many scalar parameters the module has."""
        return sum(1 for _ in self.named_parameters())

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0 and its ``grad_graph`` to None (leaf gradients
        accumulate across passes)."""
        for p in self.parameters():
            p.grad = 0.0
            p.grad_graph = None  # the gradient as a graph, after backward(create_graph=True)

    def state_dict(self) -> dict[str, float]:
        """The parameters' values as plain floats, keyed by name."""
        return {name: as_float(name, p.data) for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, float]) -> None:
        """Set the parameters from ``state``; it must name every parameter, nothing else, each
        with a real number. Nothing is changed unless all of it is right."""
        if not isinstance(state, Mapping):
            raise TypeError(
                f"state must be a mapping of names to numbers, got {type(state).__name__}"
            )
        own = dict(self.named_parameters())
        missing = [k for k in own if k not in state]
        unexpected = [str(k) for k in state if k not in own]
        not_numbers = [f"{k}={state[k]!r}" for k in own if k in state and not is_real(state[k])]
        problems = []
        if missing:
            problems.append(f"missing {len(missing)}: {listing(missing)}")
        if unexpected:
            problems.append(f"unexpected {len(unexpected)}: {listing(unexpected)}")
        if not_numbers:
            problems.append(f"not a number: {listing(not_numbers)}")
        if problems:
            raise ValueError(
                f"state does not fit {self.describe()} ({len(own)} parameters, state has "
                f"{len(state)}); " + "; ".join(problems)
            )
        values = {name: float(state[name]) for name in own}  # every conversion before any change
        for name, p in own.items():
            p.data = values[name]

    def save(self, path: str | os.PathLike) -> None:
        """Write the architecture and parameters to ``path`` as JSON (``nn.checkpoint``),
        atomically (``autograd.files.atomic_write``): a failure at any point leaves the previous
        file as it was, and the file keeps its mode; a symbolic link is written through."""
        from . import checkpoint

        checkpoint.save(self, path)

    def load(self, path: str | os.PathLike, allow_nonfinite: bool = False) -> None:
        """Read parameters written by ``save`` into this module (whose architecture must match).

        All or nothing: the whole file is checked before any parameter changes, and a file that
        is not right raises one ``ValueError`` naming it and what is wrong. NaN and infinite
        values are refused unless ``allow_nonfinite=True``."""
        from . import checkpoint

        checkpoint.load_into(self, path, allow_nonfinite)

    def architecture(self) -> dict[str, Any]:
        """What this module is, as data (what ``save`` records and ``nn.load`` rebuilds from):
        its kind and sizes for nn's own modules, its ``describe()`` text for others."""
        return {"kind": type(self).__name__, "description": self.describe()}

    def describe(self) -> str:
        """A one-line description of the architecture (what ``save`` records)."""
        return type(self).__name__ + "()"

    def __call__(self, x: Input) -> Any:
        raise NotImplementedError


class Neuron(Module):
    """One unit: g(w·x + b), with ``nin`` weights and a bias.

    Weights are drawn by ``init`` ("uniform", "micrograd", "xavier" or "he"; by default "he"
    for the rectifiers and "xavier" otherwise) from ``seed``; the bias starts at 0.
    ``init="micrograd"`` draws from Python's ``random`` as micrograd does (see
    ``nn.init.weight_source``): after ``random.seed(1337)`` it gives micrograd's weights.
    """

    def __init__(
        self,
        nin: int,
        activation: str | Activation | None = "relu",
        init: str | None = None,
        seed: int | np.random.Generator | PythonRandom | None = None,
    ) -> None:
        self.nin = positive_int("nin", nin)
        self.activation_name, self.activation = resolve(activation)
        init = init or default_init(self.activation_name)
        rng = weight_source(init, seed)
        self.w = [Value(w) for w in draw_weights(init, self.nin, self.nin, rng)]
        self.b = Value(0.0)
        self._label_parameters()

    def __call__(self, x: Input) -> Value:
        x = model_input(x, self.nin)
        return self.activation(self._affine(x))

    def _affine(self, x: list) -> Value:
        act = self.b
        for w, xi in zip(self.w, x, strict=True):
            act = act + w * xi
        return act

    def name(self, weight: str = "w", bias: str = "b", output: str | None = None) -> Neuron:
        """Show the notes' names for this neuron: weights ``w₁ ... wₙ``, bias ``b``, output
        ``output`` (pictures and traces show them; ``state_dict`` keeps the dotted names)."""
        (weights,), (b,), (out,) = naming.layer_names(weight, bias, output, self.nin, 1, "in,out")
        self._show(weights, b, out)
        return self

    def _show(self, weights: list[str], bias: str, output: str) -> None:
        for w, label in zip(self.w, weights, strict=True):
            w.label = label
        self.b.label, self.output_name = bias, output  # output_name: read by viz

    def architecture(self) -> dict[str, Any]:
        return {"kind": "Neuron", "inputs": self.nin, "activation": self.activation_name}

    def describe(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation_name})"

    def __repr__(self) -> str:
        return self.describe()


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | Activation | None = "relu",
        init: str | None = None,
        seed: int | np.random.Generator | PythonRandom | None = None,
    ) -> None:
        self.nin = positive_int("nin", nin)
        self.nout = positive_int("nout", nout)
        rng = weight_source(init, seed)
        self.neurons = [Neuron(nin, activation, init, rng) for _ in range(self.nout)]
        self.activation_name = self.neurons[0].activation_name
        self._label_parameters()

    def name(
        self, weight: str, bias: str, outputs: str | None = None, index: str = "in,out"
    ) -> Layer:
        """Show the notes' names for this layer: ``layer.name("W", "c", "h")`` writes W_ij for the
        weight of input i in neuron j (as in h = g(Wᵀx + c); ``index="out,in"``: W_ji, as in
        PyTorch's weight[j, i]), c_j and h_j, counting from 1; a layer of one neuron writes a
        vector, ``name("w", "b", "y")``: w₁, w₂, b, y. Pictures and traces show them;
        ``state_dict`` keeps the dotted names. Returns the layer."""
        found = naming.layer_names(weight, bias, outputs, self.nin, self.nout, index)
        for neuron, weights, b, out in zip(self.neurons, *found, strict=True):
            neuron._show(weights, b, out)
        return self

    def forward(self, x: Input) -> list[Value]:
        """The outputs as a list, whatever their number."""
        x = model_input(x, self.nin)
        return [n.activation(n._affine(x)) for n in self.neurons]

    def __call__(self, x: Input) -> Value | list[Value]:
        out = self.forward(x)
        return out[0] if len(out) == 1 else out

    def architecture(self) -> dict[str, Any]:
        inputs, outputs = self.nin, self.nout
        return {
            "kind": "Layer",
            "inputs": inputs,
            "outputs": outputs,
            "activation": self.activation_name,
        }

    def describe(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation_name})"

    def __repr__(self) -> str:
        return self.describe()


class MLP(Module):
    """A multi-layer perceptron: ``MLP(2, [16, 16, 1])`` has two hidden layers of 16 units with
    ``activation`` and one output unit with ``output_activation`` (None: identity)."""

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str | Activation | None = "relu",
        output_activation: str | Activation | None = None,
        init: str | None = None,
        seed: int | np.random.Generator | PythonRandom | None = None,
    ) -> None:
        self.nin = positive_int("nin", nin)
        if isinstance(nouts, (int, np.integer)) or not isinstance(nouts, Sequence) or not nouts:
            raise TypeError(f"nouts must be a non-empty list of layer sizes, got {nouts!r}")
        sizes = [self.nin] + [positive_int("layer size", n) for n in nouts]
        rng = weight_source(init, seed)
        last = len(nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], output_activation if i == last else activation, init, rng)
            for i in range(len(nouts))
        ]
        self.nout = sizes[-1]
        self._label_parameters()

    def name_layers(self, names: Sequence[Sequence[str]]) -> MLP:
        """``Layer.name`` for each layer in turn: ``[("W", "c", "h"), ("w", "b", "y")]``."""
        listed = isinstance(names, Sequence) and not isinstance(names, str)
        if not listed or len(names) != len(self.layers):
            raise ValueError(
                f"name_layers takes one (weight, bias[, outputs]) per layer, {len(self.layers)} "
                f"in all, e.g. [('W', 'c', 'h'), ('w', 'b', 'y')], got {names!r}"
            )
        for layer, given in zip(self.layers, names, strict=True):
            layer.name(*given)
        return self

    def __call__(self, x: Input) -> Value | list[Value]:
        for layer in self.layers:
            x = layer.forward(x)
        return x[0] if len(x) == 1 else x

    def to_torch(self) -> Any:
        """The same network as a ``torch.nn.Sequential`` of ``Linear`` layers and activations,
        in float64, with these weights (needs PyTorch: ``pip install torch``). Activations:
        relu, tanh, sigmoid, leaky_relu (0.01), elu (1.0), softplus, identity."""
        from .torch_bridge import to_torch

        return to_torch(self)

    @classmethod
    def from_torch(cls, model: Any) -> MLP:
        """An MLP with the weights of a ``torch.nn.Sequential`` of plain ``Linear`` layers
        (``bias=False`` reads as bias 0), each followed by at most one activation with the
        parameters ``to_torch`` writes; anything else is refused, naming the module."""
        from .torch_bridge import from_torch

        return from_torch(cls, model)

    def architecture(self) -> dict[str, Any]:
        return {
            "kind": "MLP",
            "inputs": self.nin,
            "sizes": [layer.nout for layer in self.layers],
            "activation": self.layers[0].activation_name,
            "output_activation": self.layers[-1].activation_name,
        }

    def describe(self) -> str:
        sizes = [layer.nout for layer in self.layers]
        return (
            f"MLP({self.nin}, {sizes}, activation={self.layers[0].activation_name}, "
            f"output_activation={self.layers[-1].activation_name})"
        )

    def __repr__(self) -> str:
        lines = [f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers)]
        return "MLP(\n" + "\n".join(lines) + "\n)"


def _named(name: str, obj: object) -> Iterator[tuple[str, Value]]:
    if isinstance(obj, Value):
        yield name, obj
    elif isinstance(obj, Module):
        yield from obj.named_parameters(f"{name}.")
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from _named(f"{name}.{i}", item)
    elif isinstance(obj, dict):
        for key, item in obj.items():
            yield from _named(f"{name}.{key}", item)


def _collect(objs: Iterable[object], found: list[Value]) -> None:
    """The Values among ``objs``, in Modules, lists, tuples and dicts, in ``_named``'s order."""
    for obj in objs:
        if isinstance(obj, Value):
            found.append(obj)
        elif isinstance(obj, Module):
            _collect(vars(obj).values(), found)
        elif isinstance(obj, (list, tuple)):
            _collect(obj, found)
        elif isinstance(obj, dict):
            _collect(obj.values(), found)
