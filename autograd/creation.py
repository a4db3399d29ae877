"""Making a node the slow way: under ``no_grad``, ``detect_anomaly`` or a trace, and a node's
edges computed from its operation's rule (as floats, or as Values for ``create_graph``).

The fast way, taken when no switch is on anywhere, is ``value._make1`` / ``value._make2``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from . import floatmath as fm
from . import ops
from .recorder import TAPE  # what a trace hears: each node made
from .switches import STATE, is_anomaly_enabled, is_grad_enabled, user_site

if TYPE_CHECKING:
    from .value import Value


def make_under_switches(v: Value, parents: tuple) -> None:
    """The slow path of node creation: inside ``no_grad`` and/or ``detect_anomaly``, or while
    a trace records (a node made in a ``no_data_reads`` call with history on is not heard)."""
    v._a = v._b = None
    grad_enabled = is_grad_enabled()
    if grad_enabled or TAPE.mine():
        set_edges(v, edges_from_rule(v, parents, fm))
    else:  # no history: a leaf, whatever made its number
        v._fn, v._const = ops.LEAF, None
    if TAPE.on and not (grad_enabled and TAPE.unread and TAPE.unread_here()):
        TAPE.made(v, grad_enabled)
    if is_anomaly_enabled():
        site = user_site()
        if not math.isfinite(v.data):
            inputs = ", ".join(repr(p.data) for p in parents)
            const = "" if v._const is None else f" with constant {v._const!r}"
            raise FloatingPointError(
                f"operation {v._fn.name!r} on inputs ({inputs}){const} produced {v.data!r} "
                f"(created at {site[0]}:{site[1]})"
            )
        STATE.sites[v] = site


def edges_from_rule(v: Value, parents: tuple, m: Any) -> tuple:
    """((parent, d), ...) for node ``v`` from its operation's rule, computed in namespace ``m``."""
    rule = v._fn.rule
    operands: list[Any]
    out: Any
    if m is fm:  # floats: the rule sees the parents' numbers
        operands, out = [p.data for p in parents], v.data
    else:  # Values: the rule sees the parents themselves
        operands, out = list(parents), v
    if len(parents) == 1:
        return ((parents[0], rule(m, operands[0], None, out, v._const)),)
    da, db = rule(m, operands[0], operands[1], out, None)
    return ((parents[0], da), (parents[1], db))


def set_edges(v: Value, edges: tuple) -> None:
    """Store ((parent, d), ...) in the node's two edge slots."""
    (v._a, v._da), *second = edges
    if second:
        ((v._b, v._db),) = second
