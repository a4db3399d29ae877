"""contract=True: each linear combination drawn as weighted edges into its sum, as the figure of
(α+β+γ)(δ+ε+ζ) is usually drawn: X ⇉ Y ⇉ Z, each path a product of two factors."""

import math

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import viz
from autograd import Value
from autograd.examples import classic, neuron, three_by_three
from tests.oracles import build_dag, central_difference, dags
from viz.contraction import contract
from viz.description import describe
from viz.graph_paths import DescribedPaths
from viz.scene import RANKDIRS


def contracted(out, x):
    return contract(describe(out), x)


def test_the_notes_figure_is_x_to_y_to_z_with_three_weighted_edges_each():
    x, y, z = three_by_three(symbols=True)
    graph = contracted(z, x)
    assert [n.name for n in graph.nodes] == ["X", "Y", "Z"]
    pairs = [(graph.node(e.parent).name, graph.node(e.child).name) for e in graph.edges]
    assert pairs == [("X", "Y")] * 3 + [("Y", "Z")] * 3
    assert [(e.formula, e.local_grad) for e in graph.edges] == [
        ("α", 2), ("β", 3), ("γ", 5), ("δ", 7), ("ε", 11), ("ζ", 13)
    ]  # fmt: skip
    assert graph.node_of(y).op == "α·X + β·X + γ·X"


def test_each_of_the_nine_paths_reads_as_a_product_of_two_multipliers():
    x, _, z = three_by_three(symbols=True)
    text = viz.explain(z, x, contract=True)
    assert "paths from X to Z (9)" in text
    assert "αδ = 2·7 = 14" in text and "γζ = 5·13 = 65" in text
    assert "sum over paths = 310" in text
    source = viz.draw_paths(z, x, contract=True, legend="full").source
    assert "path 1: X → Y → Z: αδ = 2·7 = 14" in source
    assert "path 9: X → Y → Z: γζ = 5·13 = 65" in source
    assert "path 10" not in source
    # Without contract the Value graph's path goes through the products and partial sums.
    assert "2·1·1·7·1·1 = 14" in viz.explain(z, x)


def test_the_factorized_view_shows_the_notes_brackets():
    x, _, z = three_by_three(symbols=True)
    diagram = viz.draw_factorized(z, x, contract=True)
    assert "(α+β+γ)·(δ+ε+ζ) = (2+3+5)·(7+11+13) = 310" in diagram.text
    assert "∂Y/∂X = α + β + γ" in diagram.source
    assert "∂Z/∂X = 7·10 + 11·10 + 13·10 = 310" in diagram.source


def test_multiplications_say_which_graph_they_count():
    x, _, z = three_by_three(symbols=True)
    text = viz.explain(z, x, contract=True)
    # 9 paths of 2 edges; forward mode multiplies on the 3 edges after X; reverse before Z.
    assert (
        "multiplications in the contracted graph: path sum 9, forward mode 3, reverse mode 3"
        in (text)
    )
    assert "multiplications: path sum 39, forward mode 11, reverse mode 18" in viz.explain(z, x)
    assert "in the contracted graph" in viz.draw_paths(z, x, contract=True, legend="full").source
    assert (
        "in the contracted graph" in viz.draw_factorized(z, x, contract=True, legend="full").source
    )


def test_plain_numbers_are_written_on_their_edges():
    x, _, z = three_by_three(symbols=False)
    graph = contracted(z, x)
    assert [e.formula for e in graph.edges] == ["2", "3", "5", "7", "11", "13"]
    assert "X→Y→Z: 2·7 = 14" in viz.explain(z, x, contract=True)
    assert "(2+3+5)·(7+11+13) = 310" in viz.draw_factorized(z, x, contract=True).text


@pytest.mark.parametrize("rankdir", RANKDIRS)
def test_every_layout_direction_draws_the_contracted_graph(rankdir):
    x, _, z = three_by_three(symbols=True)
    source = viz.draw_paths(z, x, rankdir, contract=True).source
    assert f"rankdir={rankdir}" in source
    assert source.count("->") == 6


def test_a_graph_without_linear_combinations_is_drawn_as_without_contract():
    a, b, c, d, e = classic()  # c = a + b and d = b + 1 have nothing to absorb
    graph = describe(e)
    assert contract(graph, b) is graph
    assert viz.draw_paths(e, b, contract=True).source == viz.draw_paths(e, b).source
    assert viz.draw_factorized(e, b, contract=True).source == viz.draw_factorized(e, b).source
    assert viz.explain(e, b, contract=True) == viz.explain(e, b)


@pytest.mark.parametrize("bad", ["yes", 1, None, 0.0])
def test_contract_takes_true_or_false(bad):
    x, _, z = three_by_three(symbols=True)
    for call in (
        lambda: viz.draw_paths(z, x, contract=bad),
        lambda: viz.draw_factorized(z, x, contract=bad),
        lambda: viz.explain(z, x, contract=bad),
        lambda: viz.frames(z, x, mode="paths", contract=bad),
    ):
        with pytest.raises(TypeError, match=r"contract must be True .* or False .*, got"):
            call()


def test_frames_of_the_paths_step_through_the_contracted_graph():
    x, _, z = three_by_three(symbols=True)
    frames = viz.frames(z, x, mode="paths", contract=True)
    assert len(frames) == 9 + 2  # each path, all of them, the factorized view
    assert "path 1 of 9" in frames[0].source and "αδ = 2·7 = 14" in frames[0].source
    assert "(α+β+γ)·(δ+ε+ζ)" in frames[-1].text
    with pytest.raises(ValueError, match="contract=True goes with mode='paths'"):
        viz.frames(z, x, mode="reverse", contract=True)


def test_small_multiples_name_each_paths_multipliers():
    x, _, z = three_by_three(symbols=True)
    source = viz.draw_paths(z, x, layout="multiples", contract=True).source
    assert "αδ = 2·7 = " in source and "α = 2" in source


def test_signs_numbers_added_and_a_repeated_term_are_kept():
    x, w = Value(1.5, "x"), Value(-2.0, "w")
    y = 3 * x - w * x + 1 - x + x  # 3x - wx + 1 - x + x, every term into one sum
    y.label = "y"
    out = y * y
    graph = contracted(out, x)
    into_y = [e for e in graph.edges if graph.node(e.child).name == "y"]
    assert [(e.formula, e.local_grad) for e in into_y] == [
        ("3", 3), ("-w", 2), ("-1", -1), ("1", 1)
    ]  # fmt: skip
    assert graph.node_of(y).op == "3·x - w·x - x + x + 1"
    out.backward()
    described = DescribedPaths(graph)
    assert math.isclose(described.path_sum(out, x).total, x.grad)
    assert math.isclose(described.forward_mode(out, x).derivative, x.grad)
    assert "w" not in {n.name for n in graph.nodes}  # a multiplier only: written on its edge


def test_the_variable_is_never_a_multiplier():
    x, y, z = three_by_three(symbols=True)
    alpha = next(n.value for n in describe(z).nodes if n.name == "α")
    z.backward()
    graph = contracted(z, alpha)
    assert "α" in {n.name for n in graph.nodes}
    assert "∂Z/∂α = " in viz.explain(z, alpha, contract=True)
    assert f"sum over paths = {alpha.grad:g}" in viz.explain(z, alpha, contract=True)


def test_a_neuron_contracted_keeps_its_activation_and_names():
    params, out = neuron(3)
    graph = contracted(out, params[0])
    assert [n.name for n in graph.nodes] == ["b", "w0", "w1", "w2", "v1", "out"]
    assert graph.nodes[-1].op == "tanh(v1)"
    assert graph.nodes[-2].op == "b + 0.3333·w0 + 0.3333·w1 + 0.3333·w2"


@settings(max_examples=60, deadline=None)
@given(dags())
def test_contracted_paths_sum_to_the_derivative(recipe):
    leaves, out = build_dag(recipe)
    out.backward()
    values, steps = recipe
    for i, x in enumerate(leaves):
        described = DescribedPaths(contracted(out, x))
        if described.count_paths(out, x) > 2000:
            continue
        total = described.path_sum(out, x, 2000).total
        forward = described.forward_mode(out, x).derivative
        reverse = described.reverse_mode(out).derivative(x)
        factorized = described.factorize(out, x, 2000).total

        def f(*at):
            return build_dag((list(at), steps))[1].data

        numeric = central_difference(f, list(values), i, 1e-6)
        for got in (total, forward, reverse, factorized):
            assert math.isclose(got, x.grad, rel_tol=1e-9, abs_tol=1e-9)
        assert math.isclose(total, numeric, rel_tol=1e-4, abs_tol=1e-4)


def test_the_notes_derivative_against_sympy():
    symbols = sp.symbols("X alpha beta gamma delta epsilon zeta")
    X, a, b, g, d, e, z_ = symbols
    expr = (d + e + z_) * (a + b + g) * X
    at = dict(zip(symbols, (1, 2, 3, 5, 7, 11, 13), strict=True))
    x, _, z = three_by_three(symbols=True)
    total = DescribedPaths(contracted(z, x)).path_sum(z, x).total
    assert total == float(sp.diff(expr, X).subs(at)) == 310


TERM = st.tuples(st.sampled_from(["number", "leaf", "plain"]), st.floats(-3, 3), st.booleans())
STAGES = st.lists(
    st.tuples(st.lists(TERM, min_size=1, max_size=4), st.floats(-2, 2), st.booleans()),
    min_size=1,
    max_size=3,
)


def layered(stages, at: float) -> tuple[Value, Value]:
    """x and out of stages of sums c₁·u ± c₂·u ± ... (+ a number), each optionally through tanh:
    multipliers are numbers, labelled leaf Values or none."""
    x = Value(at, "x")
    u = x
    for k, (terms, added, squash) in enumerate(stages):
        s = None
        for j, (kind, c, minus) in enumerate(terms):
            t = c * u if kind == "number" else Value(c, f"c{k}{j}") * u if kind == "leaf" else u
            s = t if s is None else s - t if minus else s + t
        u = s + added
        u = u.tanh() if squash else u
    return x, u


@settings(max_examples=80, deadline=None)
@given(STAGES, st.floats(-1.5, 1.5))
def test_contracted_linear_combinations_keep_the_derivative(stages, at):
    x, out = layered(stages, at)
    out.backward()
    described = DescribedPaths(contracted(out, x))
    total = described.path_sum(out, x, 10_000).total
    numeric = central_difference(lambda v: layered(stages, v)[1].data, [at], 0, 1e-6)
    assert math.isclose(total, x.grad, rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(described.forward_mode(out, x).derivative, x.grad, rel_tol=1e-9,
                        abs_tol=1e-9)  # fmt: skip
    assert math.isclose(total, numeric, rel_tol=1e-4, abs_tol=1e-4)
    # Every product and partial sum is gone: a node left is x, a sum, or a tanh.
    assert all(n.value is x or n.value.operation.name in ("+", "-", "tanh")
               for n in described.graph.nodes)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(dags())
def test_counting_on_a_description_agrees_with_autograd_on_its_values(recipe):
    """What a contracted graph is counted with, checked where the graph is the Value graph."""
    from autograd import count_paths, factorize, forward_mode, path_sum, reverse_mode

    leaves, out = build_dag(recipe)
    described = DescribedPaths(describe(out))
    ours, theirs = described.reverse_mode(out), reverse_mode(out)
    assert ours.multiplications == theirs.multiplications
    for x in leaves:
        assert ours.derivative(x) == pytest.approx(theirs.derivative(x), rel=1e-12, abs=1e-12)
        assert described.count_paths(out, x) == count_paths(out, x)
        forward = described.forward_mode(out, x)
        assert forward.multiplications == forward_mode(out, x).multiplications
        if count_paths(out, x) <= 500:
            mine, engine = described.path_sum(out, x, 500), path_sum(out, x, 500)
            assert [p.product for p in mine.paths] == [p.product for p in engine.paths]
            assert mine.multiplications == engine.multiplications
            assert described.factorize(out, x, 500).shared == factorize(out, x, 500).shared


def test_the_sweeps_and_the_graph_draw_the_contracted_figure_too():
    x, _, z = three_by_three(symbols=True)
    z.backward()
    reverse = viz.draw_reverse(z, contract=True).source
    assert "∂Z/∂X = 62 + 93 + 155 = 310" in reverse and "α·X+β·X" not in reverse
    assert "∂Z/∂X = 70 + 110 + 130 = 310" in viz.draw_forward(z, x, contract=True).source
    assert "α = 2" in viz.draw_graph(z, contract=True).source


def test_contract_with_a_model_is_refused_naming_both():
    import nn

    model = nn.MLP(2, [1], seed=0)
    out = model([1.0, 2.0])
    with pytest.raises(ValueError, match="contract=True .* model="):
        viz.draw_graph(out, model=model, contract=True)
