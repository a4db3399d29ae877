"""The way up to PyTorch and back: ``MLP.to_torch`` and ``MLP.from_torch``, exact or refused.

``from_torch`` reads a ``torch.nn.Sequential`` of plain ``Linear`` layers, each followed by at
most one activation that pathgrad computes with the same parameters; anything else (a ``Linear``
subclass, ``LeakyReLU(0.2)``, ``ELU(2.0)``, ``Softplus(beta=2)``, ``Dropout``) is refused with
the module's place and what is accepted, never converted into something else. PyTorch is
imported inside the functions that need it (``pip install torch``; a CPU build is enough).
"""

from __future__ import annotations

from typing import Any

# Each activation nn writes for PyTorch: how to make it, and the parameters it must have to
# compute what pathgrad's does (name, value). Softplus: PyTorch returns x itself above its
# threshold (20 by default, accepted higher), where log(1 + e^x) is x + log1p(e^-threshold):
# the two differ by at most 2.1e-9.
_ACTIVATIONS: dict[str, tuple[str, dict[str, float]]] = {
    "relu": ("ReLU", {}),
    "tanh": ("Tanh", {}),
    "sigmoid": ("Sigmoid", {}),
    "leaky_relu": ("LeakyReLU", {"negative_slope": 0.01}),
    "elu": ("ELU", {"alpha": 1.0}),
    "softplus": ("Softplus", {"beta": 1.0, "threshold": 20.0}),
}


def torch_module() -> Any:
    try:
        import torch
    except ImportError:
        raise ImportError(
            "the PyTorch bridge needs PyTorch: pip install torch (a CPU build is enough)"
        ) from None
    return torch


def to_torch(mlp: Any) -> Any:
    """The MLP as a ``torch.nn.Sequential`` of ``Linear`` layers and activations, in float64."""
    torch = torch_module()
    modules = []
    for layer in mlp.layers:
        linear = torch.nn.Linear(layer.nin, layer.nout, dtype=torch.float64)
        with torch.no_grad():
            weights = [[w.data for w in n.w] for n in layer.neurons]
            linear.weight.copy_(torch.tensor(weights, dtype=torch.float64))
            linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
        modules.append(linear)
        name = layer.activation_name
        if name == "identity":
            continue
        if name not in _ACTIVATIONS:
            raise ValueError(
                f"to_torch writes the activations {', '.join(_ACTIVATIONS)} and identity; "
                f"this model uses {name!r}"
            )
        kind, parameters = _ACTIVATIONS[name]
        modules.append(getattr(torch.nn, kind)(**parameters))
    return torch.nn.Sequential(*modules)


def from_torch(cls: type, model: Any) -> Any:
    """An MLP (of class ``cls``) with the weights of ``model``, computing what it computes."""
    torch = torch_module()
    accepted = (
        f"from_torch reads a Sequential of plain Linear layers each followed by at most one of "
        f"{', '.join(f'{kind}({_written(p)})' for kind, p in _ACTIVATIONS.values())} "
        f"(or Identity)"
    )
    if not isinstance(model, torch.nn.Sequential):
        raise ValueError(f"{accepted}; got {type(model).__name__}")
    layers: list[list] = []
    for index, module in enumerate(model):
        if type(module) is torch.nn.Linear:
            layers.append([module, "identity"])
            continue
        if isinstance(module, torch.nn.Linear):
            raise ValueError(
                f"{accepted}; module {index} is {type(module).__name__}, a subclass of Linear "
                f"whose forward may differ"
            )
        if type(module) is torch.nn.Identity:
            continue
        name = _activation(module)
        if name is None or not layers or layers[-1][1] != "identity":
            raise ValueError(f"{accepted}; module {index} is {module!r}")
        layers[-1][1] = name
    if not layers:
        raise ValueError(f"{accepted}; found no Linear layer")
    for k in range(1, len(layers)):
        if layers[k][0].in_features != layers[k - 1][0].out_features:
            raise ValueError(
                f"Linear layer {k} takes {layers[k][0].in_features} inputs but the layer before "
                f"gives {layers[k - 1][0].out_features}"
            )
    hidden = {a for _, a in layers[:-1]}
    if len(hidden) > 1:
        raise ValueError(f"an MLP has one hidden activation, the model has {sorted(hidden)}")
    mlp = cls(
        layers[0][0].in_features,
        [lin.out_features for lin, _ in layers],
        activation=hidden.pop() if hidden else "relu",
        output_activation=layers[-1][1],
        seed=0,
    )
    for layer, (linear, _) in zip(mlp.layers, layers, strict=True):
        weight = linear.weight.detach().double().tolist()
        bias = [0.0] * linear.out_features  # Linear(bias=False): a bias of 0
        if linear.bias is not None:
            bias = linear.bias.detach().double().tolist()
        for neuron, row, b in zip(layer.neurons, weight, bias, strict=True):
            for w, value in zip(neuron.w, row, strict=True):
                w.data = float(value)
            neuron.b.data = float(b)
    return mlp


def _activation(module: Any) -> str | None:
    """nn's name for a PyTorch activation with exactly pathgrad's parameters, else None."""
    for name, (kind, parameters) in _ACTIVATIONS.items():
        if type(module).__name__ == kind and type(module).__module__.startswith("torch.nn"):
            same = all(
                float(getattr(module, k)) >= v
                if k == "threshold"
                # 20 or higher
                else float(getattr(module, k)) == v
                for k, v in parameters.items()
            )
            return name if same else None
    return None


def _written(parameters: dict[str, float]) -> str:
    return ", ".join(f"{k}={v:g}" for k, v in parameters.items())
