"""autograd: scalar reverse-mode automatic differentiation on a graph of Values.

Every operation records its parents and the local derivative on each edge; ``backward()`` applies
the chain rule in reverse topological order. The same derivative can also be computed as a sum
over paths, or by forward mode (``autograd.paths``), and through a functional API
(``grad``, ``value_and_grad``, ``hessian``) that nests for higher derivatives.
``autograd.files.atomic_write`` writes a file whole or not at all (every file nn and viz write).
"""

__version__ = "0.1.0"  # the version of pathgrad: nn and viz report the same

from .functional import grad, hessian, value_and_grad
from .graph import topological_order
from .paths import (
    Edge,
    Factorization,
    ForwardMode,
    Path,
    PathSum,
    ReverseMode,
    TooManyPathsError,
    count_paths,
    factorize,
    forward_mode,
    path_sum,
    reverse_mode,
)
from .switches import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from .trace import Traced, TraceFallbackWarning, TraceMismatchError, trace
from .value import Value

__all__ = [
    "__version__",
    "Edge",
    "Factorization",
    "ForwardMode",
    "Path",
    "PathSum",
    "ReverseMode",
    "TooManyPathsError",
    "TraceFallbackWarning",
    "TraceMismatchError",
    "Traced",
    "Value",
    "count_paths",
    "detect_anomaly",
    "enable_grad",
    "factorize",
    "forward_mode",
    "grad",
    "hessian",
    "is_grad_enabled",
    "no_grad",
    "path_sum",
    "reverse_mode",
    "topological_order",
    "trace",
    "value_and_grad",
]
