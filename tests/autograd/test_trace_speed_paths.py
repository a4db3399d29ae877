"""The speed paths of the traced replay, against the scalar engine (or an untraced fit) as oracle:
``no_data_reads`` (its switch counter with other threads' switches, what it returns, guards and
exceptions inside it), programs reused for tapes of the same key (``autograd.program.built``),
nn's tapes written from structure (``nn.structure``: odd shapes, shared and replaced
parameters), the kept arrays and ufunc steps (constants on either side, -0.0, NaN), and
``nn.fit`` with the penalty traced inside the loss's tape. Never the replay against itself."""

import gc
import math
import threading
import warnings

import numpy as np
import pytest

import nn
from autograd import (
    TraceFallbackWarning,
    Value,
    detect_anomaly,
    enable_grad,
    no_data_reads,
    no_grad,
    trace,
)
from autograd.switches import STATE
from nn import functional as F
from nn.module import Neuron
from nn.optim import SGD, Adam

XS = np.array([-2.0, -0.75, -0.0, 0.0, 0.3, 0.7, 1.5, 3.0])
RNG = np.random.default_rng(20261201)
X3 = RNG.normal(size=(11, 3))


@pytest.fixture(autouse=True)
def _no_switch_left_open():
    """Every test starts and ends with no switch open anywhere (the counter at 0)."""
    assert STATE.switched == 0
    yield
    assert STATE.switched == 0


def engine(fn, xs, params):
    """Per sample by the engine: outputs (n,) or (n, k) and the first output's parameter
    gradients summed over the samples."""
    outputs, grads = [], np.zeros(len(params))
    for x in xs:
        for p in params:
            p.grad = 0.0
        arg = Value(float(x)) if np.ndim(x) == 0 else [Value(float(v)) for v in x]
        out = fn(arg)
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        with enable_grad():
            outs[0].backward()
        outputs.append([o.data for o in outs])
        grads += [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    outputs = np.array(outputs)
    return (outputs if outputs.shape[1] > 1 else outputs[:, 0]), grads


def replayed(traced, xs, params):
    """The replay's outputs and its parameters' gradients summed over the samples."""
    for p in params:
        p.grad = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TraceFallbackWarning)
        outputs = traced.backward(xs, reduction="sum")
    grads = np.array([p.grad for p in params])
    for p in params:
        p.grad = 0.0
    return outputs, grads


def assert_engine(traced, fn, xs, params, rtol=1e-12):
    expected, expected_grads = engine(fn, xs, params)
    outputs, grads = replayed(traced, xs, params)
    np.testing.assert_allclose(outputs, expected, rtol=rtol, atol=1e-12)
    np.testing.assert_allclose(grads, expected_grads, rtol=rtol, atol=1e-12)


def same_numbers(a, b):
    """Equal entry by entry, the sign of a zero included, NaN equal to NaN."""
    a, b = np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()
    return a.shape == b.shape and all(
        (x == y and math.copysign(1, x) == math.copysign(1, y)) or (x != x and y != y)
        for x, y in zip(a.tolist(), b.tolist(), strict=True)
    )


# --- 1. no_data_reads ----------------------------------------------------------------------


def test_block_leaves_the_switch_counter_as_it_found_it_after_exceptions_and_nesting():
    w = Value(0.4)
    inner = no_data_reads(lambda x: (w * x).tanh())

    def outer_body(x):
        assert STATE.switched == 0  # the trace's own enable_grad taken out
        y = inner(x) * x
        assert STATE.switched == 0  # nested: not taken out twice
        return y

    outer = no_data_reads(outer_body)
    traced = trace(lambda x: outer(x) + w, 0.5, params=[w])
    assert_engine(traced, lambda x: outer(x) + w, XS, [w])

    def fails(x):
        y = x * 2.0  # made inside the block, then an error
        raise ZeroDivisionError(y)

    broken = no_data_reads(fails)

    def raising(x):
        return broken(x * 1.0) + 1

    with pytest.raises(ZeroDivisionError):
        trace(raising, 0.5)
    with pytest.raises(ZeroDivisionError):  # and again: nothing left half-open
        trace(raising, 0.5)
    nested = no_data_reads(lambda x: trace(lambda y: y, 1.0))
    with pytest.raises(RuntimeError, match="inside a function being traced"):
        trace(lambda x: nested(x), 0.5)
    traced = trace(lambda x: outer(x) * w, 0.5, params=[w])  # still recording correctly
    assert_engine(traced, lambda x: outer(x) * w, XS, [w])


def test_no_grad_inside_the_block_stops_the_gradient_for_every_sample():
    w = Value(0.6)

    def body(x):
        with no_grad():
            scale = (w * x).tanh()  # its gradient stops, its value is per sample
        assert STATE.switched == 0
        return scale * w * x

    block = no_data_reads(body)
    traced = trace(block, 0.5, params=[w])
    assert_engine(traced, block, XS, [w])


def test_another_thread_opening_no_grad_inside_the_block_builds_no_history_and_ours_does():
    inside, done = threading.Event(), threading.Event()
    seen = {}

    def other():
        inside.wait(5)
        a = Value(3.0)
        with no_grad():
            seen["no_grad"] = (a * 2).parents
        seen["plain"] = [p is a for p in (a * 5).parents]
        done.set()

    w = Value(-0.3)

    def body(x):
        if not done.is_set():  # the traced run only: wait for the other thread
            inside.set()
            done.wait(5)
        y = (w * x + x).relu() * x
        seen["ours"] = y.parents
        return y

    block = no_data_reads(body)
    thread = threading.Thread(target=other)
    thread.start()
    traced = trace(block, 0.8, params=[w])
    thread.join()
    assert seen["no_grad"] == ()
    assert seen["plain"] == [True]
    assert len(seen["ours"]) == 2
    assert_engine(traced, block, XS, [w])


def test_another_thread_holding_no_grad_across_the_block_and_closing_it_inside():
    opened, in_block, closed = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def other():
        with no_grad():
            opened.set()
            in_block.wait(5)
            seen["before"] = (Value(2.0) * 3).parents
        closed.set()
        seen["after"] = (Value(2.0) * Value(3.0)).parents

    w = Value(1.3)

    def body(x):
        if not closed.is_set():
            in_block.set()
            closed.wait(5)
        y = w * x * x
        seen["ours"] = y.parents
        return y.sigmoid()

    block = no_data_reads(body)
    thread = threading.Thread(target=other)
    thread.start()
    opened.wait(5)
    traced = trace(block, 0.5, params=[w])
    thread.join()
    assert seen["before"] == () and len(seen["after"]) == 2
    assert len(seen["ours"]) == 2
    assert_engine(traced, block, XS, [w])


def test_another_thread_detect_anomaly_inside_the_block_still_checks_that_thread():
    inside, done = threading.Event(), threading.Event()
    seen = {}

    def other():
        inside.wait(5)
        try:
            with detect_anomaly():
                Value(-1.0).log()
        except FloatingPointError as err:
            seen["raised"] = str(err)
        seen["after"] = Value(-1.0).log().data  # outside it: nan, no error
        done.set()

    def body(x):
        if not done.is_set():
            inside.set()
            done.wait(5)
        return (x - 1.0).log()  # nan for x < 1: not checked in the tracing thread

    block = no_data_reads(body)
    thread = threading.Thread(target=other)
    thread.start()
    traced = trace(block, 0.5)
    thread.join()
    assert "log" in seen["raised"]
    assert math.isnan(seen["after"])
    assert same_numbers(traced(XS), engine(block, XS, [])[0])


def test_detect_anomaly_around_the_trace_still_raises_inside_the_block():
    block = no_data_reads(lambda x: (x - 1.0).log())
    with pytest.raises(FloatingPointError, match="log"), detect_anomaly():
        trace(lambda x: block(x) * 2, 0.5)
    with detect_anomaly():
        traced = trace(lambda x: block(x) * 2, 3.0)
    xs = np.array([1.5, 2.0, 4.0])
    assert_engine(traced, lambda x: block(x) * 2, xs, [])


def test_comparisons_and_float_inside_the_block_are_still_guards():
    w = Value(1.5)
    sign = no_data_reads(lambda x: w * x if x > 0 else x * -3.0)
    scaled = no_data_reads(lambda x: x * float(x))
    best = no_data_reads(lambda x: max(x, w * 0.5))

    def fn(x):
        return sign(x) + scaled(x) + best(x)

    traced = trace(fn, 1.0, params=[w])
    assert_engine(traced, fn, XS, [w])


@pytest.mark.parametrize("shape", ["one", "tuple", "list"])
def test_a_data_read_on_what_the_block_returns_is_heard(shape):
    made = {
        "one": lambda x: x * 2,
        "tuple": lambda x: (x * 2, x * 3),
        "list": lambda x: [x * 2, x * 3],
    }[shape]
    block = no_data_reads(made)

    def fn(x):
        out = block(x)
        first = out if shape == "one" else out[0]
        return x * first.data  # the example's number unless heard

    traced = trace(fn, 1.0)
    assert_engine(traced, fn, XS, [])


def test_a_generator_made_by_the_block_is_heard_when_it_runs():
    def gen(x):
        yield x * 2
        yield x * 3

    block = no_data_reads(gen)  # the body runs after the call: outside the block

    def fn(x):
        a, b = block(x)
        return a * b.data

    traced = trace(fn, 1.0)
    assert_engine(traced, fn, XS, [])


@pytest.mark.parametrize("shape", ["dict", "nested"])
def test_a_data_read_on_values_returned_in_a_dict_or_nested_list_is_heard(shape):
    block = no_data_reads(
        (lambda x: {"y": x * 2}) if shape == "dict" else (lambda x: [[x * 2], [x * 3]])
    )

    def fn(x):
        out = block(x)
        first = out["y"] if shape == "dict" else out[0][0]
        return x * first.data

    traced = trace(fn, 1.0)
    assert_engine(traced, fn, XS, [])


# --- 2. programs reused for the same key -----------------------------------------------------


PAIRS = {
    "mul constant": (lambda x, w: w * x * 2, lambda x, w: w * x * 3),
    "leaky_relu slope": (
        lambda x, w: (w * x).leaky_relu(0.1),
        lambda x, w: (w * x).leaky_relu(0.3),
    ),
    "elu alpha": (lambda x, w: (w * x).elu(0.5), lambda x, w: (w * x).elu(2.0)),
    "constant leaf": (lambda x, w: w * x + Value(1.0), lambda x, w: w * x + Value(-4.0)),
    "power": (lambda x, w: (w * x) ** 2, lambda x, w: (w * x) ** 3),
    "guard constant": (
        lambda x, w: w * x * 2 if x > 0.5 else w * x * 3,
        lambda x, w: w * x * 2 if x > -1.0 else w * x * 3,
    ),
    "guard kind": (
        lambda x, w: w * x if x > 0 else w * x * 2,
        lambda x, w: w * x if x >= 0 else w * x * 2,
    ),
    "rsub and sub": (lambda x, w: 2 - w * x, lambda x, w: w * x - 2),
}


@pytest.mark.parametrize("name", list(PAIRS))
def test_tapes_traced_alternately_each_replay_their_own_numbers(name):
    w = Value(0.9)
    fns = [lambda x, f=f: f(x, w) for f in PAIRS[name]]
    traced = [trace(f, 0.7, params=[w]) for f in fns]
    for _ in range(2):  # a program built for one, found again for the other
        for f, t in zip(fns, traced, strict=True):
            assert_engine(t, f, XS, [w])


def test_the_same_instructions_with_guards_taken_the_other_way():
    w = Value(0.9)

    def fn(x):
        return w * x * 2 if x > 0 else w * x * 2  # one tape, the decision differs

    positive, negative = trace(fn, 1.0, params=[w]), trace(fn, -1.0, params=[w])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        negative(np.array([-1.0, -2.0]))
    assert not caught  # the negative example's guard holds on negative samples
    for t in (positive, negative, positive):
        assert_engine(t, fn, XS, [w])


def test_a_program_evicted_from_the_cache_is_built_again_with_the_same_numbers():
    w = Value(0.9)
    fns = [lambda x, k=k: (w * x) * float(k + 2) for k in range(20)]  # more than the 16 kept
    traced = [trace(f, 0.7, params=[w]) for f in fns]
    for f, t in reversed(list(zip(fns, traced, strict=True))):
        assert_engine(t, f, XS, [w])


# --- 3. nn's tapes written from structure ---------------------------------------------------


def engine_outputs(model, X):
    outs = [model([Value(float(v)) for v in row]) for row in X]
    return np.array([[o.data for o in out] if isinstance(out, list) else out.data for out in outs])


def shared_weight(m):
    n = m.layers[0].neurons[0]
    n.w[1] = n.w[0]


def shared_across_neurons(m):
    m.layers[0].neurons[1].w[0] = m.layers[0].neurons[0].w[0]


def bias_is_a_weight(m):
    n = m.layers[-1].neurons[0]
    n.b = n.w[0]


def replaced_values(m):
    m.layers[-1].neurons[0].w[0] = Value(0.7)
    m.layers[0].neurons[0].b = Value(-0.2)


def same_neuron_twice(m):
    m.layers[0].neurons[-1] = m.layers[0].neurons[0]


CHANGES = {
    "none": lambda m: None,
    "shared weight": shared_weight,
    "shared across neurons": shared_across_neurons,
    "bias is a weight": bias_is_a_weight,
    "replaced Values": replaced_values,
    "same neuron twice": same_neuron_twice,
}
SHAPES = [
    (3, [4, 1, 2], "tanh", None),
    (3, [2, 2], "relu", "sigmoid"),
    (1, [3, 1], "leaky_relu", "softplus"),
    (3, [1], "elu", "gaussian"),
    (2, [1, 1, 3], "relu", "leaky_relu"),
]


def _fits(shape, change):
    """The change needs two inputs and two neurons in the first layer (except none)."""
    nin, sizes = shape[0], shape[1]
    return change == "none" or (nin >= 2 and sizes[0] >= 2)


@pytest.mark.parametrize(
    ("shape", "change"),
    [(s, c) for s in SHAPES for c in CHANGES if _fits(s, c)],
    ids=lambda p: p if isinstance(p, str) else f"{p[0]}-{p[1]}-{p[2]}-{p[3]}",
)
def test_predict_traced_equals_the_engine(shape, change):
    nin, sizes, act, out_act = shape
    model = nn.MLP(nin, sizes, activation=act, output_activation=out_act, seed=7)
    CHANGES[change](model)
    X = X3[:, :nin]
    np.testing.assert_allclose(nn.predict(model, X, trace=True), engine_outputs(model, X),
                               rtol=1e-12, atol=1e-14)  # fmt: skip


def test_a_layer_model_traced_equals_the_engine():
    layer = nn.Layer(3, 2, activation="leaky_relu", seed=3)
    layer.neurons[0].w[1] = layer.neurons[0].w[0]
    np.testing.assert_allclose(nn.predict(layer, X3, trace=True), engine_outputs(layer, X3),
                               rtol=1e-12, atol=1e-14)  # fmt: skip
    single = nn.Layer(1, 1, activation="elu", seed=3)
    np.testing.assert_allclose(nn.predict(single, X3[:, :1], trace=True),
                               engine_outputs(single, X3[:, :1]), rtol=1e-12)  # fmt: skip


def test_models_of_one_architecture_share_a_program_and_keep_their_own_numbers_in_threads():
    models = [nn.MLP(3, [4, 2], activation="tanh", seed=s) for s in range(4)]
    results = [None] * 4
    barrier = threading.Barrier(4)

    def work(i):
        barrier.wait(5)
        for _ in range(5):
            results[i] = nn.predict(models[i], X3, trace=True)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for model, got in zip(models, results, strict=True):
        np.testing.assert_allclose(got, engine_outputs(model, X3), rtol=1e-12, atol=1e-14)


def mixed_activations(m):
    """A layer whose neurons have different built-in activations (one replaced)."""
    m.layers[0].neurons[1] = Neuron(3, "tanh", seed=3)


def test_predict_traced_with_a_layer_of_mixed_activations():
    model = nn.MLP(3, [2, 1], seed=1)
    mixed_activations(model)
    np.testing.assert_allclose(nn.predict(model, X3, trace=True), engine_outputs(model, X3),
                               rtol=1e-12)  # fmt: skip


def test_predict_auto_with_a_weight_that_is_a_plain_float():
    model = nn.MLP(3, [2, 2], seed=2)
    model.layers[0].neurons[0].w[0] = 0.5  # frozen: the engine reads it as a constant
    np.testing.assert_allclose(nn.predict(model, X3, trace="auto"), engine_outputs(model, X3),
                               rtol=1e-12)  # fmt: skip


def fitted(change, trace_mode, loss, optimizer, batch_size, penalty=None, y=None):
    model = nn.MLP(3, [4, 1, 3] if loss is F.cross_entropy else [4, 1], activation="tanh",
                   seed=11)  # fmt: skip
    change(model)
    params = list({id(p): p for p in model.parameters()}.values())
    opt = optimizer(params, lr=0.05)
    history = nn.fit(model, X3, y, loss=loss, optimizer=opt, epochs=3, batch_size=batch_size,
                     validation=(X3[:5], y[:5]), progress=False, penalty=penalty, seed=5,
                     trace=trace_mode)  # fmt: skip
    return history, np.array([p.data for p in params])


LABELS = np.arange(len(X3)) % 3
SIGNS = np.where(X3[:, 0] - 0.5 * X3[:, 1] > 0, 1.0, -1.0)


@pytest.mark.parametrize("change", ["none", "shared weight", "bias is a weight", "replaced Values"])
def test_fit_cross_entropy_traced_equals_untraced_with_changed_parameters(change):
    runs = [fitted(CHANGES[change], mode, F.cross_entropy, Adam, 4, y=LABELS)
            for mode in (True, False)]  # fmt: skip
    (h1, p1), (h0, p0) = runs
    np.testing.assert_allclose(p1, p0, rtol=0, atol=1e-10)
    np.testing.assert_allclose(h1.loss, h0.loss, rtol=0, atol=1e-10)
    np.testing.assert_allclose(h1.val_loss, h0.val_loss, rtol=0, atol=1e-10)
    assert h1.accuracy == h0.accuracy


# --- 4. kept arrays, steps with constants, signed zeros and NaN -----------------------------

EDGES = np.array([-1.5, -0.0, 0.0, 0.7, 2.0, np.nan, np.inf, -np.inf])
W = Value(1.0)
ELEMENTARY = {
    "2 - x": lambda x: 2 - W * x,
    "x - 2": lambda x: W * x - 2,
    "x * -0.0": lambda x: 1 / ((W * x) * -0.0),
    "-0.0 * x": lambda x: 1 / (-0.0 * (W * x)),
    "neg": lambda x: 1 / -(W * x),
    "relu": lambda x: (W * x).relu(),
    "1 / relu": lambda x: 1 / (W * x).relu(),
    "1 / relu(-x)": lambda x: 1 / (-(W * x)).relu(),
    "1 / abs": lambda x: 1 / (W * x).abs(),
    "x - x": lambda x: (W * x) - (W * x),
    "x * x": lambda x: (W * x) * (W * x),
    "relu + relu": lambda x: (W * x).relu() + (-(W * x)).relu(),
}


@pytest.mark.parametrize("name", list(ELEMENTARY))
def test_elementary_steps_give_the_engine_numbers_at_signed_zeros_nan_and_inf(name):
    fn = ELEMENTARY[name]
    traced = trace(fn, 0.7, params=[W])
    expected, expected_grads = engine(fn, EDGES, [W])
    outputs, grads = replayed(traced, EDGES, [W])
    assert same_numbers(outputs, expected), (outputs, expected)
    assert same_numbers(grads, expected_grads), (grads, expected_grads)


def test_abs_gradient_at_a_nan_sample():
    fn = ELEMENTARY["1 / abs"]
    traced = trace(fn, 0.7, params=[W])
    xs = np.array([0.7, np.nan])
    assert same_numbers(replayed(traced, xs, [W])[1], engine(fn, xs, [W])[1])


@pytest.mark.xfail(
    strict=True,
    reason="a fused sum (b + w·x as a matrix product) adds from +0.0: with b = -0.0 and "
    "w·x = -0.0 the replay gives +0.0 where the engine gives -0.0 (1/out: +inf for -inf)",
)
def test_a_fused_sum_keeps_the_sign_of_a_zero():
    def fn(x):
        return 1 / (W * x + Value(-0.0))

    traced = trace(fn, 0.7, params=[W])
    xs = np.array([-0.0, 1.0])
    assert same_numbers(replayed(traced, xs, [W])[0], engine(fn, xs, [W])[0])


V = Value(-0.4)
ROWS = RNG.normal(size=(9, 3))
ROWS[0, 0], ROWS[1, 1], ROWS[2, 2] = -0.0, np.nan, np.inf
JOINED = {  # the same operation on several rows of one level: one array operation
    "relu twice": lambda x: (W * x[0]).relu() + (W * x[0]).relu(),
    "tanh twice": lambda x: (W * x[0]).tanh() * (W * x[0]).tanh(),
    "neg twice": lambda x: -(W * x[0]) + -(W * x[0]),
    "constants both sides": lambda x: (W * x[0] - 2) * (V * x[1] - 2) + (2 - W * x[2]),
    "a layer's relus": lambda x: [
        (W * x[0] + V * x[1]).relu(),
        (V * x[0] + W * x[2]).relu(),
        (W * x[1] + V).relu(),
    ],
    "x*x and x-x": lambda x: (W * x[0]) * (W * x[0]) - (x[1] - x[1]),
    "times -0.0": lambda x: (W * x[0]) * -0.0 + (V * x[1]) * -0.0,
}


@pytest.mark.parametrize("name", list(JOINED))
def test_joined_steps_give_the_engine_numbers(name):
    fn = JOINED[name]
    traced = trace(fn, ROWS[3], params=[W, V])
    expected, expected_grads = engine(fn, ROWS, [W, V])
    outputs, grads = replayed(traced, ROWS, [W, V])
    np.testing.assert_allclose(outputs, expected, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(grads, expected_grads, rtol=1e-13)


def test_tanh_written_into_its_rows_is_the_engine_to_rounding():
    fn = lambda x: (W * x).tanh() * x  # noqa: E731
    assert_engine(trace(fn, 0.7, params=[W]), fn, XS, [W], rtol=1e-14)


def test_a_replay_from_its_own_seed_and_from_threads_gets_its_own_arrays():
    w, b = Value(0.3), Value(-0.2)

    def fn(x):
        return [(w * x + b).tanh() * x, (x * w).relu() - b]

    traced = trace(fn, 0.5, params=[w, b])
    expected = engine(fn, XS, [])[0]
    inner = {}
    weights = np.column_stack([XS, 1 - XS])

    def seed(rows, outputs):
        inner["replay"] = traced(XS[rows])  # the kept arrays are in use
        return weights[rows]

    w.grad = b.grad = 0.0
    outputs = traced.backward(XS, reduction="sum", seed=seed)
    grads = [w.grad, b.grad]
    w.grad = b.grad = 0.0
    by_engine = np.zeros(2)
    for x, (c0, c1) in zip(XS, weights, strict=True):
        o = fn(Value(float(x)))
        (o[0] * c0 + o[1] * c1).backward()
        by_engine += [w.grad, b.grad]
        w.grad = b.grad = 0.0
    np.testing.assert_allclose(outputs, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(inner["replay"], expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(grads, by_engine, rtol=1e-12, atol=1e-14)

    results = [None] * 4
    barrier = threading.Barrier(4)

    def work(i):
        barrier.wait(5)
        for _ in range(30):
            results[i] = traced(XS[: 3 + i] * (i + 1))  # other widths, the same tape

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, got in enumerate(results):
        np.testing.assert_allclose(got, engine(fn, XS[: 3 + i] * (i + 1), [])[0],
                                   rtol=1e-12, atol=1e-14)  # fmt: skip


# --- 5. fit with the penalty inside the loss's tape -----------------------------------------


def penalty_on_the_first_five(ps):
    return 0.01 * F.l2_penalty(ps) + 0.02 * F.l1_penalty(ps[:5])


def assert_same_fit(runs):
    (h1, p1), (h0, p0) = runs
    np.testing.assert_allclose(p1, p0, rtol=0, atol=1e-10)
    np.testing.assert_allclose(h1.loss, h0.loss, rtol=0, atol=1e-10)  # without the penalty
    np.testing.assert_allclose(h1.val_loss, h0.val_loss, rtol=0, atol=1e-10)
    assert h1.accuracy == h0.accuracy


@pytest.mark.parametrize("optimizer", [SGD, Adam])
@pytest.mark.parametrize("loss", [F.mse_loss, F.hinge_loss])
@pytest.mark.parametrize("batch_size", [None, 4])
def test_fit_with_a_penalty_traced_equals_untraced(optimizer, loss, batch_size):
    runs = [fitted(CHANGES["replaced Values"], mode, loss, optimizer, batch_size,
                   penalty_on_the_first_five, SIGNS) for mode in (True, False)]  # fmt: skip
    assert_same_fit(runs)


@pytest.mark.parametrize("penalty", [lambda ps: 0.05 * F.l2_penalty(ps), penalty_on_the_first_five])
def test_fit_with_a_penalty_and_a_shared_weight_traced_equals_untraced(penalty):
    assert_same_fit([fitted(CHANGES["shared weight"], mode, F.mse_loss, SGD, None, penalty,
                            SIGNS) for mode in (True, False)])  # fmt: skip


def test_fit_cross_entropy_with_a_penalty_traced_equals_untraced():
    def penalty(ps):
        return 0.05 * F.l2_penalty(ps)

    (h1, p1), (h0, p0) = [fitted(CHANGES["none"], mode, F.cross_entropy, SGD, None, penalty,
                                 LABELS) for mode in (True, False)]  # fmt: skip
    np.testing.assert_allclose(p1, p0, rtol=0, atol=1e-10)
    np.testing.assert_allclose(h1.loss, h0.loss, rtol=0, atol=1e-10)


def test_a_fit_whose_trace_fails_leaves_the_collector_as_it_was():
    before = gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()
    model = nn.MLP(3, [2, 1], seed=1)
    with pytest.raises(ValueError, match="traced replay"):
        nn.fit(model, X3, SIGNS, loss=lambda out, y: F.mse_loss(out, y), epochs=1,
               progress=False, trace=True)  # fmt: skip
    assert (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()) == before
