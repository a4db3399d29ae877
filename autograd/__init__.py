"""autograd: scalar reverse-mode automatic differentiation on a graph of Values.

Every operation records its parents and the local derivative on each edge; ``backward()`` applies
the chain rule in reverse topological order. The same derivative can also be computed as a sum
over paths, or by forward mode (``autograd.paths``), and through a functional API
(``grad``, ``value_and_grad``, ``hessian``) that nests for higher derivatives.
``autograd.files.atomic_write`` writes a file whole or not at all (every file nn and viz write).

Reading order: the whole engine, micrograd-sized, is three files.

1. ``ops.py``: each operation once, its forward formula beside its derivative rule (the table).
2. ``value.py``: the ``Value`` node; an operation makes a node whose edges store the local
   derivatives ``d(node)/d(parent)`` from that rule (``_make1``, ``_make2``).
3. ``chain.py``: the chain rule: the topological order, ``backward``'s loop, the dict-based sweep
   (``create_graph``, anomaly detection, ``grad()``) and micrograd's loop for custom nodes.

Then, as needed: ``custom.py`` (micrograd's ``_backward`` closures, ``from_op``), ``creation.py``
(making nodes under ``no_grad``/``detect_anomaly``/a trace), ``switches.py``, ``habits.py``
(``item()``, comparisons, NumPy), ``copies.py``, ``valuemath.py`` (rules on Values, for second
derivatives), ``functional.py``, ``paths.py``; the traced replay is ``trace.py`` and what it uses
(``recorder.py``, ``tape.py``, ``program.py``, ``steps.py``, ``kept.py``, ``samples.py``).
"""

__version__ = "0.1.0"  # the version of pathgrad: nn and viz report the same

from .chain import topological_order
from .functional import grad, hessian, value_and_grad
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
from .recorder import no_data_reads
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
    "no_data_reads",
    "no_grad",
    "path_sum",
    "reverse_mode",
    "topological_order",
    "trace",
    "value_and_grad",
]
