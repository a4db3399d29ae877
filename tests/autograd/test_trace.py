"""A traced tape replayed over a batch gives what the scalar engine gives, sample by sample."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import BINARY, UNARY, dags

import nn
from autograd import Value
from autograd.trace import TraceMismatchError, trace
from nn import functional as F


def close(a, b) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return bool(np.all(np.abs(a - b) <= 1e-12 * np.maximum(1.0, np.abs(b))))


def replay_matches_the_engine(fn, points: np.ndarray, param: Value) -> None:
    """Outputs per sample, and the parameter's gradient summed over the batch."""
    traced = trace(fn, float(points[0]), params=[param])
    expected, grads = [], []
    for x in points:
        param.grad = 0.0
        out = fn(Value(float(x)))
        out.backward()
        expected.append(out.data)
        grads.append(param.grad)
    param.grad = 0.0
    outputs = traced.backward(points, reduction="sum")
    assert close(outputs, expected)
    assert close(param.grad, sum(grads))


@pytest.mark.parametrize("name", sorted(UNARY))
def test_every_one_parent_operation_replays_exactly(name):
    fn, _, (lo, hi) = UNARY[name]
    p = Value(0.0, "p")
    points = np.linspace(lo, hi, 7)
    replay_matches_the_engine(lambda x: fn(x + p), points, p)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_every_two_parent_operation_replays_exactly(name):
    fn, _, (lo, hi) = BINARY[name]
    p = Value(0.5 * (lo + hi), "p")
    points = np.linspace(lo, hi, 7)
    replay_matches_the_engine(lambda x: fn(x, p) + fn(p, x), points, p)


@given(recipe=dags(), shift=st.floats(-1, 1))
@settings(max_examples=60, deadline=None)
def test_random_graphs_replay_exactly(recipe, shift):
    leaves, _ = recipe
    p = Value(0.3, "p")

    def fn(row):
        nodes = [x * p + shift for x in row]
        for op, *operands in recipe[1]:
            table = BINARY if op in BINARY else UNARY
            nodes.append(table[op][0](*(nodes[i] for i in operands)))
        return nodes[-1]

    def engine(row):
        return fn([Value(float(v)) for v in row])

    traced = trace(fn, leaves, params=[p])
    rows = np.array([leaves, np.array(leaves) * 0.5 - 0.2, np.array(leaves) + 0.1])
    expected, grad = [], 0.0
    for row in rows:
        p.grad = 0.0
        out = engine(row)
        out.backward()
        expected.append(out.data)
        grad += p.grad
    p.grad = 0.0
    assert close(traced.backward(rows, reduction="sum"), expected) and close(p.grad, grad)


@pytest.mark.parametrize("order", ["as the model lists them", "reversed", "shuffled"])
def test_a_network_step_traced_equals_the_batch_backward(order):
    # in the model's order a layer's weights and biases are views of the parameters' vector;
    # in another order they are gathered and scattered: the same numbers either way
    model = nn.MLP(2, [4, 4, 1], seed=0)
    X, y = nn.data.make_moons(20, noise=0.1, seed=0)
    labels = y * 2.0 - 1.0
    params = model.parameters()
    if order == "reversed":
        params = params[::-1]
    elif order == "shuffled":
        params = [params[i] for i in np.random.default_rng(0).permutation(len(params))]
    traced = trace(lambda x, t: F.hinge_loss([model(x)], [t]), X[0], labels[0], params=params)
    views = [s._w is not None for s in traced.program() if s.kind == "layer"]
    if order == "as the model lists them":
        assert all(views)
    elif order == "shuffled":
        assert not any(views)
    model.zero_grad()
    losses = traced.backward(X, labels)
    replayed = [p.grad for p in model.parameters()]
    model.zero_grad()
    loss = F.hinge_loss([model(x) for x in X], labels)
    loss.backward()
    assert close(np.mean(losses), loss.data)
    assert close(replayed, [p.grad for p in model.parameters()])


def test_the_tape_is_printed_and_small():
    model = nn.MLP(2, [3, 1], seed=0)
    traced = trace(lambda x, t: F.mse_loss([model(x)], [t]), [1.0, 2.0], 0.5,
                   params=model.parameters())  # fmt: skip
    text = str(traced)
    assert text.startswith("Traced: 24 operations on 3 inputs and 13 parameters")
    assert "= layers.0.neurons.0.w.0" in text and "relu(t" in text
    assert " - t" in text  # the target is an input
    node_bytes = 152  # a Value node (benchmarks/engine.py)
    assert traced.nbytes() / len(traced) <= node_bytes / 10


def test_data_dependent_control_flow_is_caught_by_the_check():
    def clipped(x):
        return x * 2 if x.data > 0 else x * x  # a Python branch on the data

    traced = trace(clipped, 1.0)
    traced.check(2.0)  # the same branch: the same tape
    with pytest.raises(TraceMismatchError, match="depends on its data"):
        trace(clipped, 1.0, check=(-1.0,))


def test_bad_batches_and_functions_are_explained():
    traced = trace(lambda row, t: row[0] * t, [1.0, 2.0], 3.0)
    with pytest.raises(ValueError, match=r"argument 0 must have shape \(n, 2\)"):
        traced(np.ones((4, 3)), np.ones(4))
    with pytest.raises(ValueError, match="argument 1 has 3 samples, argument 0 has 4"):
        traced(np.ones((4, 2)), np.ones(3))
    with pytest.raises(TypeError, match="must return a Value"):
        trace(lambda x: 3.0, 1.0)
    x = Value(1.0)
    with pytest.raises(TypeError, match="cannot replay the operation 'mine'"):
        trace(lambda t: Value.from_op(2.0, [t], [1.0], op="mine"), 1.0)
    assert x.data == 1.0


def test_sums_of_products_are_fused_and_a_shared_weight_counts_twice():
    p, q = Value(0.7, "p"), Value(-0.2, "q")

    def fn(row):
        return (p * row[0] + p * row[1] + q * row[2] + q).tanh()  # p and q each used twice

    traced = trace(fn, [0.1, 0.2, 0.3], params=[p, q])
    steps = [step.kind for step in traced.program()]
    assert steps == ["sum", "op"]  # one fused sum, then tanh
    rows = np.array([[0.1, 0.2, 0.3], [1.0, -2.0, 0.5], [0.0, 0.3, -1.0]])
    expected, grads = [], np.zeros(2)
    for row in rows:
        p.grad = q.grad = 0.0
        out = fn([Value(float(v)) for v in row])
        out.backward()
        expected.append(out.data)
        grads += [p.grad, q.grad]
    p.grad = q.grad = 0.0
    assert close(traced.backward(rows, reduction="sum"), expected)
    assert close([p.grad, q.grad], grads)


def test_sums_of_parameter_products_read_the_parameters_and_count_every_product():
    p, q = Value(0.7, "p"), Value(-0.2, "q")

    def fn(x):  # an L2-like sum over parameters alone, p twice on the left
        return (p * q + p * p + q * p + x) * x

    traced = trace(fn, 0.5, params=[p, q])
    sums = [step for step in traced.program() if step.kind == "sum"]
    assert len(sums) == 1 and sums[0].params is not None
    points = np.array([0.5, -1.5, 2.0, 0.0])
    expected, grads = [], np.zeros(2)
    for x in points:
        p.grad = q.grad = 0.0
        out = fn(Value(float(x)))
        out.backward()
        expected.append(out.data)
        grads += [p.grad, q.grad]
    p.grad = q.grad = 0.0
    assert close(traced.backward(points, reduction="sum"), expected)
    assert close([p.grad, q.grad], grads)
    # by hand: d/dp = x·(q + 2p + q) summed, d/dq = x·(p + p) summed
    assert close([p.grad, q.grad], [points.sum() * (2 * -0.2 + 1.4), points.sum() * 1.4])
