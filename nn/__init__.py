"""nn: a thin layer of neural networks on top of autograd, with PyTorch's names.

- ``Module``, ``Neuron``, ``Layer``, ``MLP``: models whose parameters are Values;
- ``nn.functional``: softmax, losses, entropy, cross-entropy and KL divergence, penalties;
- ``nn.optim``: ``SGD``, ``Adam``, ``AdamW`` and learning-rate schedules;
- ``nn.data``: small data sets and batching;
- ``fit``: a training loop with a progress bar.
"""

from autograd import __version__

from . import data, functional, optim
from .activations import ACTIVATIONS
from .checkpoint import load
from .init import manual_seed
from .module import MLP, Layer, Module, Neuron
from .training import History, evaluate, fit, predict

__all__ = [
    "__version__",
    "ACTIVATIONS",
    "MLP",
    "History",
    "Layer",
    "Module",
    "Neuron",
    "data",
    "evaluate",
    "fit",
    "load",
    "manual_seed",
    "functional",
    "optim",
    "predict",
]
