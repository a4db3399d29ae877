"""Copies of graphs and models: deep graphs copy without recursion; pickling is explained."""

import copy

import pytest

import nn
from autograd import Value, topological_order


def test_a_deep_graph_is_deep_copied_whole():
    x = Value(0.5, "x")
    y = x
    for _ in range(5000):
        y = (y * 1.0001).tanh()
    y.backward()
    twin = copy.deepcopy(y)
    nodes, twins = topological_order(y), topological_order(twin)
    assert len(twins) == len(nodes) and twin.data == y.data
    assert not {id(n) for n in nodes} & {id(t) for t in twins}
    assert twins[0].label == "x" and twins[0].grad == x.grad
    twins[0].grad = 0.0
    twin.backward()
    assert twins[0].grad == x.grad  # the copy back-propagates alone


def test_a_copied_model_is_independent_and_predicts_the_same():
    model = nn.MLP(2, [4, 1], seed=0)
    best = copy.deepcopy(model)
    assert best([1.0, 2.0]).data == model([1.0, 2.0]).data
    model.parameters()[0].data += 1.0
    assert best.parameters()[0].data != model.parameters()[0].data
    assert [p.label for p in best.parameters()] == [p.label for p in model.parameters()]


def test_second_derivative_graphs_are_copied_too():
    x = Value(3.0)
    (x * x * x).backward(create_graph=True)
    twin = copy.deepcopy(x)
    assert twin.grad_graph.data == 27.0 and twin.grad_graph is not x.grad_graph


def test_pickling_an_operation_node_explains_what_to_do_instead():
    x = Value(2.0, "x")
    with pytest.raises(TypeError, match="state_dict\\(\\) or Module.save, or pickle v.detach"):
        (x * 2).__reduce_ex__(4)
    rebuild, args = x.__reduce_ex__(4)
    assert rebuild(*args).data == 2.0 and rebuild(*args).label == "x"


def test_a_shallow_copy_shares_the_parents():
    x = Value(2.0, "x")
    y = x * 3
    twin = copy.copy(y)
    assert twin is not y and twin.parents == (x,) and twin.data == 6.0
