"""autograd: scalar reverse-mode automatic differentiation on a graph of Values.

Every operation records its parents and the local derivative on each edge; ``backward()`` applies
the chain rule in reverse topological order.
"""

from .graph import topological_order
from .modes import detect_anomaly, is_grad_enabled, no_grad
from .value import Value

__all__ = [
    "Value",
    "detect_anomaly",
    "is_grad_enabled",
    "no_grad",
    "topological_order",
]
