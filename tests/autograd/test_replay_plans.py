"""The replay keeps its value and adjoint arrays per chunk width and binds its steps to them once;
whatever the order of calls, batch sizes, chunks, guards and non-finite numbers, every output
and gradient is the scalar engine's, sample by sample (``Value`` forward, then ``backward()``)."""

import importlib
import warnings
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import TraceFallbackWarning, Value, no_grad, trace
from nn import functional as F

trace_module = importlib.import_module("autograd.trace")  # the name trace is the function
TOL = {"rtol": 1e-12, "atol": 1e-12}


# --- the oracle: the scalar engine, one sample at a time ----------------------------------------
def engine(fn, batch, params, theta=None, reduction="mean", seed=None):
    """Outputs ((n,) or (n, k)) and the given parameters' gradients (mean or sum over the
    samples) by the scalar engine, with the parameters worth ``theta`` meanwhile (their .data
    and .grad are given back afterwards). ``seed(rows, outputs)``: differentiate
    Σ_k seed_k · output_k instead of the first output."""
    saved = [(p.data, p.grad) for p in params]
    if theta is not None:
        for p, x in zip(params, theta, strict=True):
            p.data = float(x)
    outputs, grads, several = [], np.zeros(len(params)), False
    try:
        for i in range(len(batch[0])):
            args = [
                Value(float(a[i])) if a.ndim == 1 else [Value(float(x)) for x in a[i]]
                for a in batch
            ]
            for p in params:
                p.grad = 0.0
            out = fn(*args)
            several = isinstance(out, (list, tuple))
            outs = list(out) if several else [out]
            row = [o.data for o in outs]
            outputs.append(row)
            if seed is None:
                root = outs[0]
            else:
                seeds = np.asarray(seed(np.array([i]), np.array([row])), dtype=float).ravel()
                root = sum(
                    (o * float(s) for o, s in zip(outs[1:], seeds[1:], strict=True)),
                    outs[0] * float(seeds[0]),
                )
            root.backward()
            with np.errstate(invalid="ignore"):  # inf + -inf over samples: NaN, as summed
                grads += [p.grad for p in params]
    finally:
        for p, (d, g) in zip(params, saved, strict=True):
            p.data, p.grad = d, g
    outputs = np.array(outputs)
    if reduction == "mean":
        grads /= len(batch[0])
    return (outputs if several else outputs[:, 0]), grads


def replay(traced, batch, params, theta, via, backward, reduction="mean", seed=None, values=None):
    """One call of the replay with the parameters worth ``theta``: through a ``values=`` array
    (``values``, overwritten in place, the same array at every call, while the parameters'
    .data hold other numbers) or through the parameters' .data. Returns (outputs, gradients)."""
    if via == "arrays":
        values[...] = theta
        for p in params:
            p.data = -7.0  # a replay reading .data here would be wrong
        if not backward:
            return traced(*batch, values=values), None
        grads = np.zeros(len(params))
        for p in params:
            p.grad = 0.0
        outputs = traced.backward(
            *batch, values=values, grads=grads, reduction=reduction, seed=seed
        )
        assert all(p.grad == 0.0 for p in params)  # grads= receives them, .grad does not
        return outputs, grads
    for p, x in zip(params, theta, strict=True):
        p.data = float(x)
    if not backward:
        return traced(*batch), None
    for p in params:
        p.grad = 0.0
    outputs = traced.backward(*batch, reduction=reduction, seed=seed)
    return outputs, np.array([p.grad for p in params])


def agrees_over_calls(traced, fn, params, make_batch, calls, seed=None, scale=0.05):
    """Run ``calls`` ((n, "forward"/"backward", "arrays"/"data"), ...) on one Traced, new
    parameter values at every call, each against the engine; then the outputs returned by the
    first call are still the engine's (not a view of an array the replay reuses)."""
    rng = np.random.default_rng(len(calls))
    base = np.array([p.data for p in params])
    values = np.empty(len(params))
    kept = []
    for k, (n, kind, via) in enumerate(calls):
        batch = make_batch(n, k)
        theta = base + scale * rng.normal(size=len(params))
        reduction = ("mean", "sum")[k % 2]
        outputs, grads = replay(
            traced, batch, params, theta, via, kind == "backward", reduction, seed, values
        )
        expected, expected_grads = engine(fn, batch, params, theta, reduction, seed)
        np.testing.assert_allclose(outputs, expected, **TOL, err_msg=f"call {k}: {n} {kind}")
        if grads is not None:
            np.testing.assert_allclose(grads, expected_grads, **TOL, err_msg=f"call {k} grads")
        kept.append((outputs.copy(), outputs))
    for copy, returned in kept:
        np.testing.assert_array_equal(returned, copy)
    for p, x in zip(params, base, strict=True):
        p.data, p.grad = float(x), 0.0


def batches(*columns):
    """``make_batch(n, k)``: random arguments, one array per argument (None: a number, c: a
    row of c numbers per sample)."""

    def make(n, k):
        rng = np.random.default_rng(1000 + 7 * k + n)
        return [rng.normal(size=n) if c is None else rng.normal(size=(n, c)) for c in columns]

    return make


def kept_bytes(traced) -> int:
    return sum(
        v.nbytes + (0 if adj is None else adj.nbytes) for v, adj, *_ in traced._kept.plans.values()
    )


# --- 1, 2. batch sizes, forward-only and backward calls, new parameter values -------------------
SIZES = [32, 5, 32, 1, 100, 5]


def test_alternating_batch_sizes_follow_the_parameters_new_values_every_call():
    model = nn.MLP(3, [5, 4, 1], activation="tanh", seed=1)
    params = model.parameters()

    def fn(x, t):
        return (model(x) - t) ** 2

    traced = trace(fn, [0.1, 0.2, 0.3], 0.5, params=params)
    calls = []
    for i, n in enumerate(SIZES):
        via = ("arrays", "data")[i % 2]
        calls += [
            (n, "forward", via),
            (n, "backward", via),
            (n, "backward", ("data", "arrays")[i % 2]),
        ]
    agrees_over_calls(traced, fn, params, batches(3, None), calls)
    assert set(traced._kept.plans) >= {5, 100}  # kept between calls, bound once


@pytest.mark.parametrize("via", ["arrays", "data"])
def test_forward_only_calls_and_backward_calls_of_the_same_width_take_turns(via):
    w, b, c = Value(0.7), Value(-0.2), Value(1.3)
    params = [w, b, c]

    def fn(x, y):
        return (w * x + b).tanh() * c + (x * y).sigmoid() * w

    traced = trace(fn, 0.3, -0.4, params=params)
    calls = [
        (8, "forward", via),
        (8, "backward", via),
        (8, "forward", via),
        (8, "forward", via),
        (3, "backward", via),
        (3, "forward", via),
        (8, "backward", via),
        (3, "backward", via),
        (1, "forward", via),
        (1, "backward", via),
    ]
    agrees_over_calls(traced, fn, params, batches(None, None), calls)


def test_parameters_changed_in_place_in_the_values_array_are_read_at_each_call():
    model = nn.MLP(2, [3, 1], activation="sigmoid", seed=2)
    params = model.parameters()
    traced = trace(model, [0.5, -0.5], params=params)
    X = np.random.default_rng(0).normal(size=(6, 2))
    values = np.array([p.data for p in params])
    for step in range(4):
        grads = np.zeros(len(params))
        outputs = traced.backward(X, values=values, grads=grads)
        expected, expected_grads = engine(model, [X], params, values)
        np.testing.assert_allclose(outputs, expected, **TOL)
        np.testing.assert_allclose(grads, expected_grads, **TOL)
        values -= 0.5 * grads  # an optimizer's step, in place: the next call must see it
        values[step] += 0.25


SEQUENCE_MODEL = nn.MLP(2, [3, 2], activation="tanh", seed=11)
SEQUENCE_PARAMS = SEQUENCE_MODEL.parameters()[::-1]  # reversed: general and bound steps mixed
SEQUENCE_TRACED = trace(SEQUENCE_MODEL, [0.1, 0.2], params=SEQUENCE_PARAMS)
CALL = st.tuples(
    st.integers(1, 20),
    st.sampled_from(["forward", "backward"]),
    st.sampled_from(["arrays", "data"]),
)


@given(calls=st.lists(CALL, min_size=2, max_size=6), chunk=st.integers(1, 9))
@settings(max_examples=25, deadline=None)
def test_any_sequence_of_calls_and_chunk_widths_gives_the_engines_numbers(calls, chunk):
    # one Traced for every example: its kept plans carry over from one example to the next
    # (their bytes are not checked here: plans kept under a larger budget stay until a width
    # new to them is planned)
    budget = 16 * SEQUENCE_TRACED.width * chunk
    with mock.patch.object(trace_module, "BUFFER_BYTES", budget):
        agrees_over_calls(
            SEQUENCE_TRACED, SEQUENCE_MODEL, SEQUENCE_PARAMS, batches(2), calls, seed=_seed
        )


# --- 3. a batch in several chunks ---------------------------------------------------------------
@pytest.mark.parametrize("via", ["arrays", "data"])
def test_a_batch_over_several_chunks_and_a_partial_one_gives_the_engines_numbers(monkeypatch, via):
    model = nn.MLP(3, [6, 5, 2], activation="tanh", seed=3)
    params = model.parameters()
    targets = np.random.default_rng(1).normal(size=(45, 2))

    def fn(x):
        return model(x)

    def seed(rows, outputs):  # d(Σ (y - t)²)/dy per sample: reads the chunk's rows
        return 2.0 * (outputs - targets[rows])

    traced = trace(fn, [0.1, 0.2, 0.3], params=params)
    traced(np.ones((100, 3)))  # a wide plan kept before the buffer shrinks
    width = traced.width
    monkeypatch.setattr(trace_module, "BUFFER_BYTES", 16 * width * 7)
    assert traced.chunk() == 7  # 45 samples: six chunks of 7 and one of 3
    calls = [
        (45, "forward", via),
        (45, "backward", via),
        (45, "backward", via),
        (7, "backward", via),
        (42, "backward", via),
        (45, "forward", via),
    ]

    def make(n, k):
        return [np.random.default_rng(k).normal(size=(n, 3))]

    agrees_over_calls(traced, fn, params, make, calls, seed=seed)
    assert kept_bytes(traced) <= trace_module.BUFFER_BYTES


def test_chunks_of_a_forward_only_call_then_a_backward_call_keep_within_the_buffer(monkeypatch):
    model = nn.MLP(2, [4, 4, 1], activation="relu", seed=4)
    params = model.parameters()
    traced = trace(lambda x, t: (model(x) - t) ** 2, [0.1, 0.2], 0.0, params=params)
    monkeypatch.setattr(trace_module, "BUFFER_BYTES", 16 * traced.width * 4 + 8)
    assert traced.chunk() == 4
    X = np.random.default_rng(2).normal(size=(23, 2))
    T = np.random.default_rng(3).normal(size=23)

    def fn(x, t):
        return (model(x) - t) ** 2

    for n in (23, 4, 23, 3, 1, 23):
        expected, grads = engine(fn, [X[:n], T[:n]], params)
        np.testing.assert_allclose(traced(X[:n], T[:n]), expected, **TOL)
        assert kept_bytes(traced) <= trace_module.BUFFER_BYTES
        model.zero_grad()
        np.testing.assert_allclose(traced.backward(X[:n], T[:n]), expected, **TOL)
        np.testing.assert_allclose([p.grad for p in params], grads, **TOL)
        assert kept_bytes(traced) <= trace_module.BUFFER_BYTES
    model.zero_grad()


# --- 4. graphs whose steps are not slices -------------------------------------------------------
def _mlp(activation, order):
    model = nn.MLP(2, [4, 3, 1], activation=activation, seed=5)
    params = model.parameters()
    if order == "reversed":
        params = params[::-1]
    elif order == "shuffled":
        params = [params[i] for i in np.random.default_rng(0).permutation(len(params))]
    return model, params


def _repeat(y, z):
    return [y + z, y, y, z, y + z]


def _penalty(params):
    """Σ p·p as a tree of + over products only (sum() would start with 0 + ...)."""
    products = [p * p for p in params]
    return sum(products[1:], products[0])


def _chain(z, x0, w, v, b):
    h = z.tanh()
    return (w * h + v * x0 + b).sigmoid()  # the same weights, in a second layer step


def _twice(t, u):
    return [t + u, t, t]


def _with_parameter(y, z, b):
    return [y + z, b, z]


def case(name):
    """(fn, example arguments, params, argument columns, several outputs)."""
    w, v, b = Value(0.8), Value(-0.6), Value(0.3)
    if name.startswith("mlp"):
        _, activation, order = name.split("-")
        model, params = _mlp(activation, order)
        return (lambda x, t: (model(x) - t) ** 2), ([0.3, -0.2], 0.1), params, (2, None), False
    if name == "penalty over shuffled parameters":
        model, params = _mlp("tanh", "as listed")
        shuffled = [params[i] for i in np.random.default_rng(1).permutation(len(params))]

        def fn(x, t):
            return (model(x) - t) ** 2 + 0.01 * _penalty(shuffled)

        return fn, ([0.3, -0.2], 0.1), params, (2, None), False
    if name == "penalty alone":  # a sum of parameter products alone, in the parameters' order
        model, params = _mlp("relu", "as listed")

        def fn(x, t):
            # the tree's products in reverse: read from the parameters' vector as views
            return (model(x) - t) ** 2 + 0.5 * _penalty(params[::-1])

        return fn, ([0.3, -0.2], 0.1), params, (2, None), False
    if name == "a layer whose biases are computed":  # the layer's plain rows: a slice of v
        ws = [Value(x) for x in (0.3, -0.4, 0.5, 0.7)]

        def fn(x):
            c0, c1 = (v * x[2]).tanh(), (v * x[3]).tanh()
            z0 = ws[0] * x[0] + ws[1] * x[1] + c0
            z1 = ws[2] * x[0] + ws[3] * x[1] + c1
            return (z0 * z1).sigmoid()

        return fn, ([0.1, 0.2, 0.3, 0.4],), [*ws, v], (4,), False
    if name == "no parameters":
        return (lambda x: (x * x).tanh() + 2.0 * x), (0.5,), [], (None,), False
    if name == "detach and no_grad inside":

        def fn(x):
            with no_grad():
                scale = (w * x).exp()
            return (w * x).tanh() * v + (w * x).detach() * b + scale * b

        return fn, (0.5,), [w, v, b], (None,), False
    table = {
        "weight used twice": (lambda x: w * x[0] + w * x[1] + b * (w * x[2]), ([1.0, 2.0, 3.0],)),
        "input used twice": (lambda x: x * x * w + x * v + (x * x).tanh() * b, (0.5,)),
        "an input unused": (lambda x, u: (w * x + b).sigmoid() * v, (0.5, 2.0)),
        "columns unused": (lambda x: w * x[0] + v * x[3] + b, ([1.0, 2.0, 3.0, 4.0],)),
        "a parameter as a neuron's input": (
            lambda x: (w * v + b * x[0] + x[1]).tanh() * v,
            ([1.0, 2.0],),
        ),
        "constants": (lambda x: (x + Value(1.5)) * w + Value(2.5) * v + 0.25 * x * b, (0.5,)),
        "the weights of one neuron read again by the next": (
            lambda x: _chain(w * x[0] + v * x[1] + b, x[0], w, v, b),
            ([1.0, 2.0],),
        ),
        "the same neuron computed twice": (
            lambda x: (w * x[0] + v * x[1] + b).tanh() * (w * x[0] + v * x[1] + b).sigmoid(),
            ([1.0, 2.0],),
        ),
        "a layer over reversed weights": (
            lambda x: (v * x[0] + w * x[1] + b).tanh(),
            ([1.0, 2.0],),
        ),
        # (every output here reaches the first: a test below has one that does not)
        "outputs that repeat": (lambda x: _repeat(w * x + b, (v * x).exp()), (0.5,)),
        "the same output twice": (lambda x: _twice((w * x).tanh() * v, b * x), (0.5,)),
        "an output that is a parameter": (lambda x: _with_parameter(w * x + b, x * v, b), (0.5,)),
        "an output that is an input": (lambda x: _with_parameter(w * x + b, x * v, x), (0.5,)),
        "a constant output": (lambda x: _with_parameter(w * x, b * x, Value(2.0)), (0.5,)),
    }
    fn, example = table[name]
    columns = tuple(None if np.ndim(e) == 0 else len(e) for e in example)
    several = isinstance(
        fn(*(Value(0.1) if c is None else [Value(0.1)] * c for c in columns)), list
    )
    return fn, example, [w, v, b], columns, several


CASES = [
    "weight used twice",
    "input used twice",
    "an input unused",
    "columns unused",
    "a parameter as a neuron's input",
    "constants",
    "a layer over reversed weights",
    "the weights of one neuron read again by the next",
    "the same neuron computed twice",
    "no parameters",
    "outputs that repeat",
    "the same output twice",
    "an output that is a parameter",
    "an output that is an input",
    "a constant output",
    "a layer whose biases are computed",
    "detach and no_grad inside",
    "penalty over shuffled parameters",
    "penalty alone",
] + [
    f"mlp-{a}-{o}"
    for a in ("tanh", "sigmoid", "relu")
    for o in ("as listed", "reversed", "shuffled")
]


def _seed(rows, outputs):
    """Seeds that depend on the sample (its row number) and its outputs."""
    k = outputs.shape[1]
    return np.cos(rows[:, None] + np.arange(k)) + 0.5 * outputs


@pytest.mark.parametrize("name", CASES)
def test_graphs_whose_rows_or_weights_are_not_slices_replay_exactly(name):
    fn, example, params, columns, several = case(name)
    traced = trace(fn, *example, params=params)
    calls = [
        (6, "backward", "arrays"),
        (1, "forward", "data"),
        (6, "forward", "arrays"),
        (13, "backward", "data"),
        (1, "backward", "arrays"),
        (6, "backward", "data"),
    ]
    seeds = [None, _seed] if several else [None]
    for seed in seeds:
        agrees_over_calls(traced, fn, params, batches(*columns), calls, seed=seed)


@pytest.mark.parametrize("seed", [_seed, lambda rows, outputs: np.ones_like(outputs)])
def test_an_output_apart_from_the_first_gets_its_gradient_with_seed(seed):
    w, v = Value(0.8), Value(-0.6)

    def fn(x):
        return [w * x, (v * x).exp()]

    traced = trace(fn, 0.5, params=[w, v])
    calls = [(4, "backward", "arrays"), (4, "backward", "data")]
    agrees_over_calls(traced, fn, [w, v], batches(None), calls, seed=seed)


# --- 5. guards ----------------------------------------------------------------------------------
def test_samples_that_decide_otherwise_are_the_engines_in_chunks_and_with_arrays(monkeypatch):
    w0, w1, b = Value(0.5), Value(-1.5), Value(0.25)
    params = [w0, w1, b]

    def gate(x, t):
        y = w0 * x + b
        out = y * y * w0 if y > 0 else (w1 * y).tanh()  # w1 is not on the example's tape
        return (out - t) ** 2

    traced = trace(gate, 1.0, 0.5, params=params)
    monkeypatch.setattr(trace_module, "BUFFER_BYTES", 16 * traced.width * 6)
    assert traced.chunk() == 6
    rng = np.random.default_rng(4)
    X, T = rng.normal(size=40), rng.normal(size=40)
    X[:6] = 1.0  # a first chunk where every sample keeps the example's decision
    with pytest.warns(TraceFallbackWarning, match=r"of 40 samples took another decision"):
        traced(X, T)
    calls = [
        (40, "backward", "arrays"),
        (40, "forward", "arrays"),
        (13, "backward", "data"),
        (6, "backward", "arrays"),
        (40, "backward", "data"),
        (1, "backward", "arrays"),
    ]

    def make(n, k):
        return [X[:n] + 0.1 * k, T[:n]]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TraceFallbackWarning)
        agrees_over_calls(traced, gate, params, make, calls)
    assert kept_bytes(traced) <= trace_module.BUFFER_BYTES


def test_a_guarded_model_with_several_outputs_and_seeds_is_the_engines_row_by_row(monkeypatch):
    model = nn.MLP(2, [4, 2], activation="tanh", seed=6)
    params = model.parameters()

    def fn(x):
        y0, y1 = model(x)
        top = y0 if y0 >= y1 else y1  # a guard on two traced numbers
        gap = y0 - y1
        return [top * 2.0 + gap * 0.5, gap, top]

    traced = trace(fn, [0.3, 0.1], params=params)
    monkeypatch.setattr(trace_module, "BUFFER_BYTES", 16 * traced.width * 5)
    rng = np.random.default_rng(5)
    X = rng.normal(size=(23, 2)) * 2

    def make(n, k):
        return [X[:n] * (1.0 + 0.1 * k)]

    calls = [
        (23, "backward", "arrays"),
        (23, "forward", "data"),
        (7, "backward", "data"),
        (23, "backward", "arrays"),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TraceFallbackWarning)
        y = np.array([[o.data for o in model([Value(float(a)) for a in x])] for x in X])
        assert (y[:, 0] >= y[:, 1]).any() and (y[:, 0] < y[:, 1]).any()  # both decisions
        agrees_over_calls(traced, fn, params, make, calls, seed=_seed)


def _on_w_compared(w, v, x):
    return (w * x).tanh() * v if w > 0.5 else (v * x).exp() * w


def _on_w_read(w, v, x):
    return (v * x).tanh() * float(w)  # w's number, read at the example: a guard


@pytest.mark.parametrize("decide", [_on_w_compared, _on_w_read])
def test_a_decision_on_a_parameter_follows_its_new_value_at_every_call(monkeypatch, decide):
    w, v = Value(0.8), Value(-0.6)
    params = [w, v]

    def fn(x):
        return decide(w, v, x)

    traced = trace(fn, 0.3, params=params)
    monkeypatch.setattr(trace_module, "BUFFER_BYTES", 16 * traced.width * 4)
    values = np.empty(2)
    make = batches(None)
    plan = [
        (0.8, 6, "arrays"),
        (0.2, 6, "arrays"),
        (0.9, 1, "data"),
        (0.1, 13, "data"),
        (0.7, 13, "arrays"),
        (0.3, 1, "arrays"),
        (0.6, 6, "data"),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TraceFallbackWarning)
        for k, (w_value, n, via) in enumerate(plan):
            theta = np.array([w_value, -0.6 + 0.1 * k])
            batch = make(n, k)
            for backward in (False, True):
                outputs, grads = replay(traced, batch, params, theta, via, backward, values=values)
                expected, expected_grads = engine(fn, batch, params, theta)
                np.testing.assert_allclose(outputs, expected, **TOL, err_msg=f"call {k}")
                if backward:
                    np.testing.assert_allclose(grads, expected_grads, **TOL)
    for p, x in zip(params, (0.8, -0.6), strict=True):
        p.data, p.grad = x, 0.0


# --- 6. infinities and NaN ----------------------------------------------------------------------
def _nonfinite_cases():
    p, q = Value(0.5), Value(-2.0)
    return {
        # log(0): -inf out, its derivative inf meets a zero local derivative x = 0
        "log of zero": (
            lambda x, y: (p * x).log() + q * y,
            [p, q],
            [0.0, 1.0, 2.0],
            [1.0, 0.0, 3.0],
        ),
        # relu of inf: inf passes (relu' = 1), -inf stops (relu' = 0 against inf)
        "relu of inf": (
            lambda x, y: (p * x).relu() + (q * x).relu() * y,
            [p, q],
            [np.inf, -np.inf, 1.0, 0.0],
            [1.0, 2.0, np.inf, np.inf],
        ),
        # an infinite adjoint meets relu' = 1 and relu' = 0; the input inf passes a live relu
        "relu against inf": (
            lambda x, y: (p * x).relu() * y + q * x,
            [p, q],
            [np.inf, 1.0, -1.0, 2.0],
            [1.0, np.inf, np.inf, -np.inf],
        ),
        # 0 · inf: NaN out; the zero factor x stops the infinite adjoint y from reaching p
        "zero times inf": (
            lambda x, y: (p * x) * y + q * x,
            [p, q],
            [0.0, 1.0, 0.0],
            [np.inf, 2.0, -np.inf],
        ),
        "overflowing exp": (
            lambda x, y: (p * x).exp() * q + y,
            [p, q],
            [2000.0, -2000.0, 1.0],
            [0.0, 1.0, 2.0],
        ),
        "tanh of inf": (
            lambda x, y: (p * x).tanh() * q * y,
            [p, q],
            [np.inf, -np.inf, 0.5],
            [1.0, 2.0, 3.0],
        ),
        "nan in": (lambda x, y: p * x + q * y, [p, q], [np.nan, 1.0, 2.0], [1.0, np.nan, 2.0]),
        "sqrt of zero, a zero factor": (
            lambda x, y: (p * x).sqrt() * q + (y * p).sqrt(),
            [p, q],
            [0.0, 4.0, 1.0],
            [0.0, 1.0, 0.0],
        ),
    }


def _nonfinite_agree(fn, params, xs, ys, reduction="sum"):
    xs, ys = np.array(xs, dtype=float), np.array(ys, dtype=float)
    traced = trace(fn, 1.0, 1.0, params=params)
    expected, grads = engine(fn, [xs, ys], params, reduction=reduction)
    for p in params:
        p.grad = 0.0
    outputs = traced.backward(xs, ys, reduction=reduction)
    np.testing.assert_allclose(outputs, expected, **TOL, equal_nan=True)
    np.testing.assert_allclose([p.grad for p in params], grads, **TOL, equal_nan=True)
    array = np.zeros(len(params))  # and through arrays, after another batch size
    traced.backward(
        xs[:1], ys[:1], values=np.array([p.data for p in params]), grads=np.zeros(len(params))
    )
    traced.backward(
        xs, ys, reduction=reduction, values=np.array([p.data for p in params]), grads=array
    )
    np.testing.assert_allclose(array, grads, **TOL, equal_nan=True)
    for p in params:
        p.grad = 0.0
    return grads


NONFINITE = [
    pytest.param(name) if name in ("relu of inf", "tanh of inf") else name
    for name in sorted(_nonfinite_cases())
]


@pytest.mark.parametrize("name", NONFINITE)
def test_infinities_and_nan_give_the_engines_gradients_sample_by_sample(name):
    fn, params, xs, ys = _nonfinite_cases()[name]
    _nonfinite_agree(fn, params, xs, ys)
    for i in range(len(xs)):  # each sample alone, and each among finite ones
        _nonfinite_agree(fn, params, [xs[i]], [ys[i]])
        _nonfinite_agree(fn, params, [0.5, xs[i], 1.5], [0.25, ys[i], -1.0], reduction="mean")


def test_the_careful_rerun_in_chunks_leaves_the_finite_chunks_exact(monkeypatch):
    p, q = Value(0.5), Value(-2.0)

    def fn(x, y):
        return (p * x).relu() * y + (q * x).tanh()

    traced = trace(fn, 1.0, 1.0, params=[p, q])
    monkeypatch.setattr(trace_module, "BUFFER_BYTES", 16 * traced.width * 4)
    rng = np.random.default_rng(6)
    xs, ys = rng.normal(size=19), rng.normal(size=19)
    xs[5], ys[5] = -1.0, np.inf  # relu' = 0 against inf: the careful rerun, in chunk 2 only
    xs[17], ys[17] = 0.0, -np.inf
    expected, grads = engine(fn, [xs, ys], [p, q])
    assert np.isfinite(grads).all()
    outputs = traced.backward(xs, ys)
    np.testing.assert_allclose(outputs, expected, **TOL, equal_nan=True)
    np.testing.assert_allclose([p.grad, q.grad], grads, **TOL)


def test_guarded_chunks_with_infinities_rerun_carefully_on_their_kept_rows(monkeypatch):
    p, q = Value(0.5), Value(-2.0)

    def fn(x, y):  # kept rows: a dead relu (x = 1) against y = inf needs the careful rerun
        return (p * x - 1.0).relu() * y + q * x if x > 0 else q * x * x

    traced = trace(fn, 3.0, 1.0, params=[p, q])
    monkeypatch.setattr(trace_module, "BUFFER_BYTES", 16 * traced.width * 4)
    xs = np.array([3.0, 1.0, -1.0, 2.5, 1.0, 4.0, -2.0, 1.0, 3.0, 0.5, -0.5])
    ys = np.array([1.0, np.inf, 2.0, -1.0, -np.inf, 0.5, np.inf, np.inf, 2.0, np.inf, 1.0])
    expected, grads = engine(fn, [xs, ys], [p, q])
    assert np.isfinite(grads).all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TraceFallbackWarning)
        for n in (11, 4, 11, 3):
            array = np.zeros(2)
            values = np.array([0.5, -2.0])
            outputs = traced.backward(xs[:n], ys[:n], values=values, grads=array)
            expected, grads = engine(fn, [xs[:n], ys[:n]], [p, q])
            np.testing.assert_allclose(outputs, expected, **TOL, equal_nan=True)
            np.testing.assert_allclose(array, grads, **TOL)
            p.grad = q.grad = 0.0
            np.testing.assert_allclose(
                traced.backward(xs[:n], ys[:n]), expected, **TOL, equal_nan=True
            )
            np.testing.assert_allclose([p.grad, q.grad], grads, **TOL)
    p.grad = q.grad = 0.0


def test_an_infinite_local_derivative_against_a_zero_adjoint_adds_nothing():
    p = Value(2.0)

    def fn(x, t):  # t = 0: a masked term; sqrt'(0) = inf meets the adjoint 0
        return (p + x).sqrt() * t + p * x

    grads = _nonfinite_agree(fn, [p], [-2.0, 1.0], [0.0, 1.0])
    assert np.isfinite(grads).all()


def test_an_infinite_input_to_a_dead_neuron_adds_nothing_to_its_weight():
    w, b = Value(-1.0), Value(0.5)

    def fn(x, t):  # one neuron: a LayerStep; at x = inf it is dead (relu(-inf) = 0)
        return (w * x + b).relu() + t * b

    grads = _nonfinite_agree(fn, [w, b], [np.inf, 1.0], [1.0, 1.0])
    assert np.isfinite(grads).all()


def _td(target, frozen):
    """The gradients of Σ ½ (V(s) - (r + 0.9 V'(s')))² over five transitions, the target V'(s')
    held fixed, of a traced V whose seed computes V'(s') by ``target(traced, states)`` (with
    ``frozen``, a target network's parameter values, or V's own: None); and the engine's."""
    model = nn.MLP(2, [4, 1], activation="tanh", seed=0)
    params = model.parameters()
    rng = np.random.default_rng(9)
    S, S2, R = rng.normal(size=(5, 2)), rng.normal(size=(5, 2)), rng.normal(size=5)
    traced = trace(model, [0.1, 0.2], params=params)
    copy = trace(model, [0.2, 0.1], params=params)  # another trace of the same model

    def seed(rows, outputs):
        return outputs - (R[rows] + 0.9 * target(traced, copy, S2[rows]))[:, None]

    traced.backward(S, seed=seed, reduction="sum")
    replayed = [p.grad for p in params]
    model.zero_grad()
    fixed = R + 0.9 * engine(model, [S2], params, frozen)[0]
    for s, goal in zip(S, fixed, strict=True):
        out = model([Value(x) for x in s])
        (out * (out.data - goal)).backward()
    return replayed, [p.grad for p in params]


FROZEN = nn.MLP(2, [4, 1], activation="tanh", seed=1).parameters()
FROZEN_VALUES = np.array([p.data for p in FROZEN])


@pytest.mark.parametrize(
    "target, frozen",
    [
        (lambda traced, copy, X: copy(X), None),
        (lambda traced, copy, X: copy(X, values=FROZEN_VALUES), FROZEN_VALUES),
        pytest.param(
            lambda traced, copy, X: traced(X),
            None,
            id="the same Traced",
        ),
        pytest.param(
            lambda traced, copy, X: traced(X, values=FROZEN_VALUES),
            FROZEN_VALUES,
            id="the same Traced with a target network's values",
        ),
    ],
    ids=["another Traced", "another Traced with a target network's values", "", ""],
)
def test_a_seed_that_replays_the_model_for_a_td_target_leaves_the_backward_exact(target, frozen):
    replayed, expected = _td(target, frozen)
    np.testing.assert_allclose(replayed, expected, **TOL)


def test_a_traced_replayed_in_another_thread_meanwhile_leaves_the_backward_exact():
    import threading

    model = nn.MLP(2, [4, 1], activation="tanh", seed=0)
    params = model.parameters()
    traced = trace(model, [0.1, 0.2], params=params)
    rng = np.random.default_rng(10)
    X, Y = rng.normal(size=(6, 2)), rng.normal(size=(6, 2))
    other = threading.Thread(target=lambda: traced(Y))

    def seed(rows, outputs):  # the other thread's whole call falls between forward and backward
        other.start()
        other.join()
        return np.ones_like(outputs)

    traced.backward(X, seed=seed, reduction="sum")
    replayed = [p.grad for p in params]
    model.zero_grad()
    expected = engine(model, [X], params, reduction="sum")[1]
    np.testing.assert_allclose(replayed, expected, **TOL)


# --- 7. two Traced objects of one function, and check() ---------------------------------------
def test_two_traced_copies_and_check_keep_their_own_arrays():
    model = nn.MLP(3, [4, 1], activation="tanh", seed=7)
    params = model.parameters()

    def fn(x, t):
        return F.mse_loss([model(x)], [t])

    first = trace(fn, [0.1, 0.2, 0.3], 0.0, params=params)
    second = trace(fn, [0.3, 0.2, 0.1], 1.0, params=params)
    rng = np.random.default_rng(8)
    base = np.array([p.data for p in params])
    values = {id(first): base.copy(), id(second): base + 0.3}
    for k, (traced, n) in enumerate(
        [(first, 9), (second, 9), (first, 2), (second, 9), (first, 9), (second, 2), (first, 2)]
    ):
        if k == 3:
            first.check([1.0, -1.0, 0.5], 2.0)  # traces again: touches neither's arrays
            second.check([0.0, 0.0, 0.0], 0.0)
        theta = values[id(traced)]
        theta += 0.05 * rng.normal(size=len(params))
        X, T = rng.normal(size=(n, 3)), rng.normal(size=n)
        grads = np.zeros(len(params))
        outputs = traced.backward(X, T, values=theta, grads=grads)
        expected, expected_grads = engine(fn, [X, T], params, theta)
        np.testing.assert_allclose(outputs, expected, **TOL)
        np.testing.assert_allclose(grads, expected_grads, **TOL)
        other = second if traced is first else first  # the other one's forward, right after
        np.testing.assert_allclose(
            other(X, T, values=values[id(other)]),
            engine(fn, [X, T], params, values[id(other)])[0],
            **TOL,
        )
    assert first._kept.pv is not second._kept.pv and first._kept.wg is not second._kept.wg
