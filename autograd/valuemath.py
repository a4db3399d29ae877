"""The derivative rules computed on Values instead of floats: what ``backward(create_graph=True)``,
nested ``grad`` and ``hessian`` differentiate again (see ``autograd.ops``)."""

from __future__ import annotations

import operator

from . import custom
from . import floatmath as fm
from .creation import edges_from_rule
from .value import Value


def differentiable_edges(v: Value) -> tuple:
    """v's ((parent, d), ...) with each local derivative rebuilt as a differentiable Value."""
    if type(v._fn) is custom.CustomOp:
        raise custom.refusal(v, "differentiating twice (create_graph, nested grad, hessian)")
    return edges_from_rule(v, v.parents, VALUE_MATH)


class VALUE_MATH:
    """The Value half of the namespace the derivative rules compute in (see ``autograd.ops``)."""

    @staticmethod
    def data(x: Value | float) -> float:
        return x.data if isinstance(x, Value) else x

    div = staticmethod(operator.truediv)
    pow = staticmethod(operator.pow)
    exp = staticmethod(Value.exp)
    log = staticmethod(Value.log)
    sqrt = staticmethod(Value.sqrt)
    sin = staticmethod(Value.sin)
    cos = staticmethod(Value.cos)
    sigmoid = staticmethod(Value.sigmoid)
    softplus = staticmethod(Value.softplus)

    @staticmethod
    def sign(x: Value | float) -> float:
        return fm.sign(x.data if isinstance(x, Value) else x)

    select = staticmethod(fm.select)  # a branch's derivative is 0: plain floats are right
