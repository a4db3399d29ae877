"""micrograd's ``nn`` on pathgrad: the same constructors, defaults and random draws, so that code
written for micrograd runs with its imports changed and prints micrograd's numbers.

    from autograd import Value                  # was: from micrograd.engine import Value
    from nn.micrograd import Neuron, Layer, MLP  # was: from micrograd.nn import Neuron, Layer, MLP

``MLP(2, [16, 16, 1])`` is ReLU hidden units and a linear output, its weights drawn with
``random.uniform(-1, 1)`` from Python's ``random`` in micrograd's order and its biases 0: after
``random.seed(1337)`` they are the weights of micrograd's demo. The results are pathgrad's own
modules (``nn.MLP`` and friends), so they train with ``nn.fit``, draw, save and trace as any other.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import module

__all__ = ["Layer", "MLP", "Neuron"]


class Neuron(module.Neuron):
    """micrograd's ``Neuron(nin, nonlin=True)``: relu(w·x + b), or w·x + b with ``nonlin=False``."""

    def __init__(self, nin: int, nonlin: bool = True) -> None:
        super().__init__(nin, "relu" if nonlin else None, init="micrograd")


class Layer(module.Layer):
    """micrograd's ``Layer(nin, nout, nonlin=True)``: ``nout`` such neurons."""

    def __init__(self, nin: int, nout: int, nonlin: bool = True) -> None:
        super().__init__(nin, nout, "relu" if nonlin else None, init="micrograd")


class MLP(module.MLP):
    """micrograd's ``MLP(nin, nouts)``: ReLU layers, the last one linear."""

    def __init__(self, nin: int, nouts: Sequence[int]) -> None:
        super().__init__(nin, nouts, "relu", None, init="micrograd")
