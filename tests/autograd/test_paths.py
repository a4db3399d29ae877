"""Path sums, forward mode and reverse mode: the worked numbers, and agreement with backward()."""

import math

import pytest
from hypothesis import given, settings
from oracles import build_dag, dags

from autograd import (
    TooManyPathsError,
    Value,
    count_paths,
    factorize,
    forward_mode,
    path_sum,
    reverse_mode,
)
from autograd.examples import classic as classic_graph
from autograd.examples import three_by_three


def test_path_sum_of_the_classic_graph_lists_two_paths():
    a, b, c, d, e = classic_graph()
    result = path_sum(e, b)
    assert [p.nodes for p in result.paths] == [(b, c, e), (b, d, e)]
    assert [[edge.local_grad for edge in p.edges] for p in result.paths] == [[1.0, 2.0], [1.0, 3.0]]
    assert [p.product for p in result.paths] == [2.0, 3.0]
    assert result.total == 5.0
    assert count_paths(e, b) == 2 and count_paths(e, a) == 1


def test_forward_mode_from_b_carries_d_node_d_b():
    a, b, c, d, e = classic_graph()
    result = forward_mode(e, b)
    assert [result.tangents[n] for n in (a, b, c, d, e)] == [0.0, 1.0, 1.0, 1.0, 5.0]
    assert result.derivative == 5.0
    # c->e and d->e; b->c and b->d multiply by the seed 1 and cost nothing
    assert result.multiplications == 2


def test_reverse_mode_from_e_carries_d_e_d_node():
    a, b, c, d, e = classic_graph()
    result = reverse_mode(e)
    assert [result.adjoints[n] for n in (e, c, d, a, b)] == [1.0, 2.0, 3.0, 2.0, 5.0]
    assert result.derivative(b) == 5.0 and result.derivative(Value(0.0)) == 0.0
    assert result.multiplications == 3  # c->a, c->b, d->b; e's edges carry the seed 1
    assert b.grad == 0.0  # reverse_mode leaves .grad alone


def test_three_by_three_graph_has_nine_paths_summing_to_310():
    x, _, z = three_by_three()
    result = path_sum(z, x)
    assert count_paths(z, x) == 9 and len(result.paths) == 9
    assert result.total == 310.0 == (2 + 3 + 5) * (7 + 11 + 13)
    assert sorted(p.product for p in result.paths) == sorted(
        a * b for a in (2, 3, 5) for b in (7, 11, 13)
    )
    assert forward_mode(z, x).derivative == 310.0
    assert reverse_mode(z).derivative(x) == 310.0


def test_count_paths_is_exact_for_astronomically_many_paths():
    x = Value(1.0)
    y = x
    for _ in range(200):
        y = 2 * y + 3 * y + 4 * y
    assert count_paths(y, x) == 3**200


def test_path_sum_refuses_to_list_too_many_paths_and_says_how_many():
    x = Value(1.0)
    y = x
    for _ in range(10):
        y = y + y
    with pytest.raises(TooManyPathsError, match="1024 paths, more than max_paths=1000"):
        path_sum(y, x, max_paths=1000)
    assert issubclass(TooManyPathsError, ValueError)
    assert len(path_sum(y, x, max_paths=1024).paths) == 1024


def test_repeated_edges_are_separate_paths():
    a = Value(3.0)
    m = a * a
    result = path_sum(m, a)
    assert len(result.paths) == 2 and result.total == 6.0


def test_a_value_the_output_does_not_depend_on_has_no_paths():
    a, b, c, d, e = classic_graph()
    stranger = Value(1.0)
    assert count_paths(e, stranger) == 0
    assert path_sum(e, stranger).total == 0.0
    assert forward_mode(e, stranger).derivative == 0.0


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="out must be a Value, got float"):
        count_paths(1.0, Value(1.0))
    with pytest.raises(TypeError, match="x must be a Value, got str"):
        forward_mode(Value(1.0), "x")


def test_deep_chains_work_without_recursion():
    x = Value(0.5)
    y = x
    for _ in range(20_000):
        y = y * 1.0
    assert count_paths(y, x) == 1
    assert len(path_sum(y, x).paths[0].edges) == 20_000
    assert forward_mode(y, x).derivative == 1.0


def test_one_counting_rule_a_single_path_of_k_edges_costs_k_minus_1_everywhere():
    x = Value(0.5, "x")
    y = x
    for k in range(1, 6):
        y = (y * 1.5).sin()  # two edges per stage, a single path
        edges_on_path = 2 * k
        assert path_sum(y, x).multiplications == edges_on_path - 1
        assert forward_mode(y, x).multiplications == edges_on_path - 1
        assert reverse_mode(y).multiplications == edges_on_path - 1


def test_the_three_by_three_paths_factor_at_the_node_they_all_share():
    x, _, z = three_by_three()
    result = factorize(z, x)
    assert result.shared[0] is x and result.shared[-1] is z and len(result.shared) == 3
    assert result.shared[1].data == 10.0  # Y = 2X + 3X + 5X
    assert [s.total for s in result.segments] == [10.0, 31.0]
    assert [sorted(p.product for p in s.paths) for s in result.segments] == [
        [2.0, 3.0, 5.0],
        [7.0, 11.0, 13.0],
    ]
    assert result.total == 310.0


def test_without_a_shared_node_the_factorization_is_the_path_sum_itself():
    a, b, c, d, e = classic_graph()
    result = factorize(e, b)
    assert result.shared == (b, e) and len(result.segments) == 1
    assert result.total == path_sum(e, b).total == 5.0
    assert factorize(e, Value(3.0)).shared == () and factorize(e, Value(3.0)).total == 0.0
    assert factorize(a, a).shared == (a,) and factorize(a, a).total == 1.0


@given(recipe=dags())
@settings(max_examples=100, deadline=None)
def test_the_factorization_multiplies_out_to_the_derivative_on_random_graphs(recipe):
    leaves, out = build_dag(recipe)
    for x in leaves:
        result = factorize(out, x, max_paths=100_000)
        expected = forward_mode(out, x).derivative
        assert math.isclose(result.total, expected, rel_tol=1e-9, abs_tol=1e-12)
        if result.segments:  # every path is one path of each segment joined end to end
            assert math.prod(len(s.paths) for s in result.segments) == count_paths(out, x)
            assert result.shared[0] is x and result.shared[-1] is out


@given(recipe=dags())
@settings(max_examples=150, deadline=None)
def test_the_three_methods_agree_with_backward_on_random_graphs(recipe):
    leaves, out = build_dag(recipe)
    out.backward()
    reverse = reverse_mode(out)
    for x in leaves:
        expected = x.grad
        via_paths = path_sum(out, x, max_paths=100_000).total
        via_forward = forward_mode(out, x).derivative
        for got in (via_paths, via_forward, reverse.derivative(x)):
            assert math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-12)
        assert count_paths(out, x) == len(path_sum(out, x, max_paths=100_000).paths)
