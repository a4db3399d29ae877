"""autograd/ops.py is the one place an operation is defined; everything that lists operations
reads it; edges are (parent, local derivative) pairs."""

import inspect
from pathlib import Path

from oracles import UNARY

from autograd import Value, floatmath, no_grad, ops
from autograd.valuemath import VALUE_MATH
from viz.expr import FUNCTIONS as PARSER_FUNCTIONS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _functions(namespace) -> set[str]:
    return {
        name
        for name, obj in vars(namespace).items()
        if not name.startswith("_") and (inspect.isfunction(obj) or isinstance(obj, staticmethod))
    }


def test_the_float_and_value_namespaces_offer_the_same_functions():
    assert _functions(floatmath) == _functions(VALUE_MATH)


def test_every_function_of_the_table_is_a_method_a_parser_function_documented_and_checked():
    for op in ops.FUNCTIONS:
        method = getattr(Value, op.name)
        x = Value(0.4)
        assert method(x).operation is op, op.name  # the method applies this very operation
        assert op.name in PARSER_FUNCTIONS
        listed = f"`{op.name}`" in README or f"`{op.name}(" in README
        assert listed, f"the README does not list {op.name}"
        assert any(key.rstrip("+-") == op.name for key in UNARY), f"no oracle for {op.name}"


def test_every_rule_has_the_one_signature():
    for op in vars(ops).values():
        if isinstance(op, ops.Op) and op.rule is not None:
            assert list(inspect.signature(op.rule).parameters)[:5] == ["m", "a", "b", "out", "c"]


def test_edges_are_parent_and_local_derivative_pairs():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    assert (a * b).edges == ((a, 3.0), (b, 2.0))
    assert (a * a).edges == ((a, 2.0), (a, 2.0))
    assert a.tanh().edges[0][0] is a and a.edges == ()


def test_a_value_made_under_no_grad_is_a_leaf_in_every_respect():
    a = Value(2.0)
    with no_grad():
        y = a * 3
    assert y.op == "" and y._op == "" and y.parents == () and y.edges == () and y.data == 6.0


def test_tan_is_an_operation_like_the_others():
    x = Value(0.5)
    y = x.tan()
    y.backward()
    assert y.op == "tan" and abs(x.grad - (1 + y.data**2)) < 1e-15
