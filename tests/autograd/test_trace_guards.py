"""A traced replay is never silently wrong: Python's decisions on traced numbers are guards,
checked for every sample; samples that decide otherwise are computed by the engine (and a
warning names the guard); values made under no_grad or detach() keep varying per sample with
their gradient stopped; the caller's switches do not change what is recorded."""

import importlib
import tracemalloc

import numpy as np
import pytest

import nn
from autograd import TraceFallbackWarning, TraceMismatchError, Value, no_grad, trace
from nn import functional as F

trace_module = importlib.import_module("autograd.trace")  # the name trace is the function
ROWS = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])


def engine(fn, rows, params):
    """Outputs, and the parameters' gradients summed over the rows, by the scalar engine."""
    outputs, grads = [], np.zeros(len(params))
    for row in rows:
        for p in params:
            p.grad = 0.0
        out = fn(Value(float(row)) if np.ndim(row) == 0 else [Value(float(x)) for x in row])
        out.backward()
        outputs.append(out.data)
        grads += [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    return np.array(outputs), grads


def replay(traced, rows, params):
    outputs = traced.backward(rows, reduction="sum")
    return outputs, np.array([p.grad for p in params])


def agree(fn, example, rows, params, warns: str | None):
    expected, grads = engine(fn, rows, params)
    traced = trace(fn, example, params=params)
    if warns is None:
        outputs, replayed = replay(traced, rows, params)
    else:
        with pytest.warns(TraceFallbackWarning, match=warns):
            outputs, replayed = replay(traced, rows, params)
    assert np.allclose(outputs, expected, rtol=1e-12, atol=0, equal_nan=True)
    assert np.allclose(replayed, grads, rtol=1e-12, atol=1e-15)
    return traced


def test_a_comparison_is_a_guard_and_other_samples_go_to_the_engine():
    w0, w1 = Value(0.5), Value(-1.5)

    def gate(x):
        return w0 * x if x > 0 else w1 * x  # w1 is not on the example's tape

    traced = agree(gate, 1.0, ROWS, [w0, w1], r"3 of 5 samples .* comparison > at .*guards.py:\d+")
    assert "guard (t1 > 0) is True" in str(traced)  # t1: the input x


def test_max_and_min_of_values_are_guarded_and_the_check_sees_the_inputs_swapped():
    def bigger(v):
        return max(v[0], v[1]) * 1.0 + min(v[0], v[1]) * 3.0

    rows = np.array([[1.0, 2.0], [2.0, 1.0], [0.0, 5.0], [-1.0, -4.0]])
    agree(bigger, [1.0, 2.0], rows, [], r"2 of 4 samples .* comparison")
    with pytest.raises(TraceMismatchError, match="differs between the two samples"):
        trace(bigger, [1.0, 2.0], check=([2.0, 1.0],))


@pytest.mark.parametrize("read", [lambda x: x.data, float, lambda x: x.item()],
                         ids=[".data", "float", "item"])  # fmt: skip
def test_a_number_read_out_of_a_value_is_a_guard(read):
    p = Value(0.7)

    def fn(x):
        return p * x + read(x) ** 2  # the read number is a constant to the engine

    agree(fn, 0.5, ROWS, [p], r"4 of 5 samples .*(\.data|float\(\)|item\(\)) at .*guards.py")


def test_bool_of_a_value_decides_nothing():
    p = Value(2.0)
    agree(lambda x: p * x if x else -x, 1.0, ROWS, [p], None)  # bool(v) is True for any Value


def test_detach_and_no_grad_inside_replay_per_sample_with_the_gradient_stopped():
    p = Value(0.3)

    def detached(x):
        y = p * x
        return y + 10 * y.detach() * y.detach()

    def under_no_grad(x):
        y = p * x
        with no_grad():
            z = (y * y).tanh()
        return y * z + z

    for fn in (detached, under_no_grad):
        agree(fn, 0.5, ROWS, [p], None)


def test_the_callers_no_grad_does_not_change_the_trace():
    with no_grad():
        traced = trace(lambda x: x * x, 2.0)
        assert traced(np.array([1.0, 2.0, 3.0])).tolist() == [1.0, 4.0, 9.0]


def test_the_signature_covers_the_inputs_and_the_parameters():
    p, q = Value(1.0), Value(1.0)
    assert trace(lambda x: x * p, 1.0, params=[p]).signature() != trace(
        lambda x: x * q, 1.0, params=[q]).signature()  # fmt: skip
    first = trace(lambda v: v[0] * 2.0, [1.0, 2.0]).signature()
    assert first != trace(lambda v: v[1] * 2.0, [1.0, 2.0]).signature()


def test_a_zero_local_derivative_contributes_zero_even_against_an_infinite_gradient():
    torch = pytest.importorskip("torch")
    p = Value(0.5)
    traced = trace(lambda x: (p * x).relu() * float("inf") + (p * 0.0) * x, 1.0, params=[p])
    rows = np.array([-1.0, -2.0, -0.5])  # relu' = 0 against an incoming inf: 0, as PyTorch
    traced.backward(rows, reduction="sum")
    pt = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    torch.relu(pt * torch.tensor(rows)).mul(float("inf")).sum().backward()
    assert p.grad == pt.grad.item() == 0.0
    p.grad = 0.0
    weighted = trace(lambda x: (p * x) * float("inf"), 1.0, params=[p])
    weighted.backward(np.array([0.0]), reduction="sum")  # the local derivative x is 0: adds 0
    assert p.grad == 0.0


def test_grouped_chunked_replay_gives_the_same_numbers(monkeypatch):
    model = nn.MLP(3, [6, 6, 2], seed=0)
    traced = trace(lambda x: F.cross_entropy(model(x), 1), np.ones(3), params=model.parameters())
    kinds = [s.kind for s in traced.program()]
    assert kinds[:4] == ["layer", "op", "layer", "op"]  # a layer's relus: one array operation
    X = np.random.default_rng(0).normal(size=(50, 3))
    whole = traced.backward(X)
    grads = [p.grad for p in model.parameters()]
    model.zero_grad()
    monkeypatch.setattr(trace_module, "BUFFER_BYTES", 16 * traced.width * 7)
    assert traced.chunk() == 7
    # BLAS's matrix product may round the last bit differently for another number of columns
    # (it did before layers read their weights as views too: the first layer's values), so the
    # same numbers means to 1e-13, as for the gradients
    assert np.allclose(traced.backward(X), whole, rtol=1e-13, atol=1e-16)
    assert np.allclose([p.grad for p in model.parameters()], grads, rtol=1e-13, atol=1e-16)


def test_a_million_samples_replay_in_bounded_memory():
    model = nn.MLP(2, [16, 16, 1], seed=0)
    traced = trace(model, [0.5, 0.5], params=model.parameters())
    X = np.random.default_rng(0).normal(size=(1_000_000, 2))
    tracemalloc.start()
    outputs = traced(X)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    bound = 2 * trace_module.BUFFER_BYTES + outputs.nbytes
    assert peak <= bound, f"{peak / 2**20:.0f} MiB > {bound / 2**20:.0f} MiB"
    assert np.allclose(outputs[:3], [model(x).data for x in X[:3]], rtol=1e-12)


def test_traces_in_threads_take_turns_and_a_trace_inside_a_trace_is_refused():
    import threading

    results = {}

    def work(i):
        p = Value(0.5 + i)
        traced = trace(lambda x: x * p if x > 0 else -x, 1.0, params=[p])
        results[i] = traced(np.array([2.0, 3.0])).tolist() == [2 * (0.5 + i), 3 * (0.5 + i)]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {0: True, 1: True, 2: True, 3: True}
    with pytest.raises(RuntimeError, match="inside a function being traced"):
        trace(lambda x: trace(lambda z: z, 1.0) and x, 1.0)
    assert trace(lambda z: z * 3, 1.0)(np.array([1.0, 2.0])).tolist() == [3.0, 6.0]
