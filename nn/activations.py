"""Activation functions by name, and the weight initialisation each one calls for."""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType

from autograd import Value

Activation = Callable[[Value], Value]


def identity(x: Value) -> Value:
    """g(x) = x."""
    return x


ACTIVATIONS: dict[str, Activation] = {
    "identity": identity,
    "sigmoid": Value.sigmoid,
    "step": Value.step,
    "tanh": Value.tanh,
    "relu": Value.relu,
    "leaky_relu": Value.leaky_relu,
    "elu": Value.elu,
    "softplus": Value.softplus,
    "gaussian": Value.gaussian,
}

# nn's own, whatever is added to ACTIVATIONS later: a trace records these without hearing .data
BUILT_IN = MappingProxyType(dict(ACTIVATIONS))

# He initialisation suits the rectifiers; the rest keep unit variance (Xavier / LeCun, by fan-in).
_DEFAULT_INIT = {"relu": "he", "leaky_relu": "he", "elu": "he"}


def resolve(activation: str | Activation | None) -> tuple[str, Activation]:
    """(name, function) for an activation given by name, as a callable, or None (identity)."""
    if activation is None:
        return "identity", identity
    if isinstance(activation, str):
        try:
            return activation, ACTIVATIONS[activation]
        except KeyError:
            raise ValueError(
                f"unknown activation {activation!r}; expected one of {', '.join(ACTIVATIONS)}, "
                f"or a callable taking and returning a Value"
            ) from None
    if callable(activation):
        return getattr(activation, "__name__", type(activation).__name__), activation
    raise TypeError(
        f"activation must be a name or a callable, got {type(activation).__name__} {activation!r}"
    )


def default_init(name: str) -> str:
    """The weight initialisation for an activation: "he" for rectifiers, else "xavier"."""
    return _DEFAULT_INIT.get(name, "xavier")
