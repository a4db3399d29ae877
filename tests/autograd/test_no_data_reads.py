"""``autograd.no_data_reads(fn)`` is a promise that ``fn`` reads no traced number's ``.data``:
a trace records the nodes it makes without hearing ``.data`` reads (the Values it returns are
heard again). nn records its own MLP and
Layer (built-in activations, nothing replaced) that way and everything else the heard way.
What a user relies on: the tape is the same as without the block, every decision that is still
heard (comparisons, max, float(), item(), detach, no_grad) keeps the engine's numbers, the
block leaves no state behind (after an exception, nested, outside a trace, in another thread).
Every replay is checked against the scalar engine run on each sample, never against a replay."""

import contextlib
import threading
import warnings

import numpy as np
import pytest

import nn
from autograd import TraceFallbackWarning, Value, detect_anomaly, no_data_reads, no_grad, trace
from nn import functional as F
from nn import traced as nn_traced
from nn.activations import ACTIVATIONS

NAMES = list(ACTIVATIONS)
RNG = np.random.default_rng(20261201)
X3 = RNG.normal(size=(17, 3))  # rows of three inputs; no pre-activation lands on a kink
SIGNED = np.array([-2.0, -0.75, -0.25, 0.5, 1.0, 3.0])  # decisions differ between samples


def values(row):
    return [Value(float(x)) for x in row]


def outputs_of(model, rows):
    """The model's outputs on each row by the engine: (n,) for one output, (n, k) for k."""
    outs = [model(values(r)) for r in rows]
    return np.array([[o.data for o in out] if isinstance(out, list) else out.data for out in outs])


def engine(fn, rows, params, weights=None):
    """Per sample by the scalar engine: the outputs, and the parameters' gradients of the output
    (of Σ_k weights_k·output_k for several outputs) summed over the samples."""
    outputs, grads = [], np.zeros(len(params))
    for row in rows:
        for p in params:
            p.grad = 0.0
        out = fn(Value(float(row)) if np.ndim(row) == 0 else values(row))
        outs = list(out) if isinstance(out, list) else [out]
        objective = (
            outs[0] if weights is None else sum(o * w for o, w in zip(outs, weights, strict=True))
        )
        objective.backward()
        outputs.append([o.data for o in outs])
        grads += [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    outputs = np.array(outputs)
    return (outputs if weights is not None else outputs[:, 0]), grads


def replay(traced, rows, params, weights=None):
    """The replay's outputs and its parameters' gradients (summed over the samples)."""
    for p in params:
        p.grad = 0.0
    if weights is None:
        outputs = traced.backward(rows, reduction="sum")
    else:
        outputs = traced.backward(
            rows, reduction="sum", seed=lambda samples, _: np.tile(weights, (len(samples), 1))
        )
    grads = np.array([p.grad for p in params])
    for p in params:
        p.grad = 0.0
    return outputs, grads


def assert_engine(traced, fn, rows, params, weights=None):
    expected, expected_grads = engine(fn, rows, params, weights)
    outputs, grads = replay(traced, rows, params, weights)
    np.testing.assert_allclose(outputs, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grads, expected_grads, rtol=1e-12, atol=1e-12)


def unheard(model):
    """A forward of one's own called under ``no_data_reads``."""
    return no_data_reads(model)


# --- 1. nn's own layers: the same tape with the block as without, the engine's numbers -----
SHAPES = {
    "MLP(3, [4, 1])": lambda act: nn.MLP(3, [4, 1], activation=act, seed=1),
    "MLP(3, [5, 4, 3]) both": lambda act: nn.MLP(
        3, [5, 4, 3], activation=act, output_activation=act, seed=2
    ),
    "MLP(3, [4, 2]) output": lambda act: nn.MLP(
        3, [4, 2], activation="tanh", output_activation=act, seed=3
    ),
    "MLP(3, [1, 1])": lambda act: nn.MLP(3, [1, 1], activation=act, output_activation=act, seed=4),
    "Layer(3, 1)": lambda act: nn.Layer(3, 1, activation=act, seed=5),
    "Layer(3, 4)": lambda act: nn.Layer(3, 4, activation=act, seed=6),
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("activation", NAMES)
def test_nn_records_its_own_layers_in_the_block_with_the_same_tape_and_the_engines_numbers(
    activation, shape
):
    model = SHAPES[shape](activation)
    params = model.parameters()
    assert nn_traced.reads_no_data(model)
    plain = trace(model, X3[0], params=params)
    through_nn = trace(nn_traced._forward(model), X3[0], params=params)
    own = trace(unheard(model), X3[0], params=params)
    assert through_nn.signature() == plain.signature()
    assert own.signature() == plain.signature()
    weights = None if model.nout == 1 else np.linspace(1.0, -0.5, model.nout)
    assert_engine(through_nn, model, X3, params, weights)
    with warnings.catch_warnings():
        warnings.simplefilter("error", TraceFallbackWarning)  # nothing to fall back on
        predicted = nn.predict(model, X3, trace=True)
    np.testing.assert_allclose(predicted, outputs_of(model, X3), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("activation", NAMES)
def test_a_built_in_activation_given_as_its_function_is_recorded_in_the_block_too(activation):
    model = nn.MLP(3, [3, 1], activation=ACTIVATIONS[activation], seed=7)
    assert nn_traced.reads_no_data(model)


LOSSES = {  # loss, outputs, targets for the rows of X3
    "mse_loss": (F.mse_loss, 1, RNG.normal(size=len(X3))),
    "l1_loss": (F.l1_loss, 1, RNG.normal(size=len(X3))),
    "nll_loss": (F.nll_loss, 3, RNG.integers(0, 3, size=len(X3))),
    "cross_entropy": (F.cross_entropy, 3, RNG.integers(0, 3, size=len(X3))),
}


@pytest.mark.parametrize("name", list(LOSSES))
@pytest.mark.parametrize("activation", ["relu", "tanh", "elu", "softplus"])
def test_a_loss_tape_of_nn_is_the_same_with_the_block_and_steps_with_the_engines_gradients(
    activation, name, monkeypatch
):
    loss, nout, y = LOSSES[name]
    model = nn.MLP(3, [4, nout], activation=activation, output_activation=activation, seed=8)
    params = model.parameters()
    fast = nn_traced.TracedModel(model, X3, y, loss)
    with monkeypatch.context() as m:  # the same loss tape, recorded the heard way
        m.setattr(nn_traced, "reads_no_data", lambda model: False)
        heard = nn_traced.TracedModel(model, X3, y, loss)
    assert fast.loss_tape.signature() == heard.loss_tape.signature()

    expected_losses, expected_grads = [], np.zeros(len(params))
    for row, t in zip(X3, y, strict=True):
        model.zero_grad()
        out = model(values(row))
        value = loss([out], [float(t) if nout == 1 else int(t)])
        value.backward()
        expected_losses.append(value.data)
        expected_grads += [p.grad for p in params]
    model.zero_grad()
    mean_loss, _ = fast.step(X3, y)
    grads = np.array([p.grad for p in params])
    model.zero_grad()
    assert mean_loss == pytest.approx(np.mean(expected_losses), rel=1e-12)
    np.testing.assert_allclose(grads, expected_grads / len(X3), rtol=1e-12, atol=1e-12)


# --- 2. anything else is recorded the heard way ------------------------------------------------
def leaky_by_data(v):
    return v if v.data > 0 else v * 0.1  # a decision on .data: must be heard


def tanh(v):  # a function of one's own that bears a built-in's name
    return v if v.data > 0 else v * 0.1


class SubMLP(nn.MLP):
    pass


class SubLayer(nn.Layer):
    def forward(self, x):
        return [leaky_by_data(n._affine(list(x))) for n in self.neurons]


class SubNeuron(nn.Neuron):
    def _affine(self, x):
        return leaky_by_data(super()._affine(x))


def neuron_subclass():
    model = nn.MLP(3, [4, 1], activation="identity", seed=21)
    model.layers[0].neurons[2] = SubNeuron(3, activation="identity", seed=22)
    return model


class Wrapper(nn.Module):
    def __init__(self):
        self.mlp = nn.MLP(3, [4, 1], activation="tanh", seed=9)

    def __call__(self, x):
        return leaky_by_data(self.mlp(x))


def neuron_swapped(activation):
    model = nn.MLP(3, [4, 1], activation="relu", seed=10)
    model.layers[0].neurons[1].activation = activation
    return model


def forward_replaced():
    model = nn.MLP(3, [4, 1], activation="identity", seed=11)
    layer = model.layers[0]
    layer.forward = lambda x: [leaky_by_data(n._affine(list(x))) for n in layer.neurons]
    return model


def affine_replaced():
    model = nn.MLP(3, [4, 1], activation="identity", seed=12)
    neuron = model.layers[0].neurons[0]
    plain = neuron._affine
    neuron._affine = lambda x: leaky_by_data(plain(x))
    return model


HEARD = {  # name -> (a model made fresh, its forward decides on .data)
    "subclass of MLP": (lambda: SubMLP(3, [4, 1], seed=13), False),
    "subclass of Layer": (lambda: SubLayer(3, 1, activation="identity", seed=14), True),
    "Module wrapping an MLP": (Wrapper, True),
    "bare Neuron": (lambda: nn.Neuron(3, activation="tanh", seed=15), False),
    "MLP of a lambda": (lambda: nn.MLP(3, [4, 1], activation=lambda v: v.tanh(), seed=16), False),
    "MLP reading .data": (lambda: nn.MLP(3, [4, 1], activation=leaky_by_data, seed=17), True),
    "function named tanh": (lambda: nn.MLP(3, [4, 1], activation=tanh, seed=18), True),
    "Layer reading .data": (lambda: nn.Layer(3, 2, activation=leaky_by_data, seed=19), True),
    "a neuron's activation swapped": (lambda: neuron_swapped(leaky_by_data), True),
    "a neuron's activation swapped for a built-in's lambda": (
        lambda: neuron_swapped(lambda v: v.relu()),
        False,
    ),
    "layer.forward replaced": (forward_replaced, True),
    "neuron._affine replaced": (affine_replaced, True),
    "a Neuron subclass in a layer": (neuron_subclass, True),
}


@pytest.mark.parametrize("name", list(HEARD))
def test_a_model_other_than_nns_own_layers_is_not_recorded_in_the_block(name):
    make, _ = HEARD[name]
    assert nn_traced.reads_no_data(make()) is False


BRANCHING = [name for name, (_, decides) in HEARD.items() if decides]


@pytest.mark.parametrize("name", BRANCHING)
def test_predict_by_trace_of_a_forward_deciding_on_data_gives_the_engines_outputs(name):
    model = HEARD[name][0]()
    with pytest.warns(TraceFallbackWarning, match=r"\.data at .*test_no_data_reads\.py"):
        got = nn.predict(model, X3, trace=True)
    np.testing.assert_allclose(got, outputs_of(model, X3), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    "name", ["MLP reading .data", "layer.forward replaced", "Module wrapping an MLP"]
)
def test_fit_by_trace_of_a_forward_deciding_on_data_trains_as_the_engine(name):
    make = HEARD[name][0]
    y = np.sin(3.0 * X3[:, 0]) - X3[:, 1]
    models = []
    for mode in (True, False):
        model = make()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            history = nn.fit(model, X3, y, epochs=3, progress=False, trace=mode, seed=0)
        fell_back = [w for w in caught if issubclass(w.category, TraceFallbackWarning)]
        assert bool(fell_back) is mode  # the replay heard the read; the engine has no replay
        models.append((model.state_dict(), history.loss))
    (traced, traced_loss), (plain, plain_loss) = models
    np.testing.assert_allclose(traced_loss, plain_loss, rtol=1e-11)
    np.testing.assert_allclose(list(traced.values()), list(plain.values()), rtol=1e-11, atol=1e-13)


def test_an_activation_registered_in_ACTIVATIONS_that_decides_on_data_is_heard(monkeypatch):
    monkeypatch.setitem(ACTIVATIONS, "leaky_by_data", leaky_by_data)
    model = nn.MLP(3, [4, 1], activation="leaky_by_data", seed=20)
    expected = np.array([model(values(r)).data for r in X3])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TraceFallbackWarning)
        got = nn.predict(model, X3, trace=True)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


# --- 3. inside the block, every decision but .data is still heard -----------------------------
W, V = Value(0.75, "w"), Value(-1.25, "v")


@no_data_reads
def compared(x):
    y = W * x
    return y * 2.0 if y > 0 else y * V


@no_data_reads
def maximum(x):
    return max(W * x, V * x) * W


@no_data_reads
def as_float(x):
    y = W * x
    return W * float(y) + V * x


@no_data_reads
def as_item(x):
    y = W * x
    return V * y.item() + W


@no_data_reads
def detached(x):
    y = W * x + V
    return y * y.detach()


@no_data_reads
def no_grad_inside(x):
    y = W * x + V
    with no_grad():
        z = y * y
    return y * z


@pytest.mark.parametrize(
    "fn, warns",
    [
        (compared, r"comparison > at"),
        (maximum, r"comparison"),
        (as_float, r"float\(\) at"),
        (as_item, r"item\(\) at"),
    ],
    ids=["comparison", "max", "float", "item"],
)
def test_a_decision_in_the_block_is_still_a_guard_and_the_engine_computes_the_samples(fn, warns):
    traced = trace(fn, 1.0, params=[W, V])
    expected, expected_grads = engine(fn, SIGNED, [W, V])
    with pytest.warns(TraceFallbackWarning, match=warns):
        outputs, grads = replay(traced, SIGNED, [W, V])
    np.testing.assert_allclose(outputs, expected, rtol=1e-12)
    np.testing.assert_allclose(grads, expected_grads, rtol=1e-12)


@pytest.mark.parametrize("fn", [detached, no_grad_inside], ids=["detach", "no_grad"])
def test_detach_and_no_grad_in_the_block_stop_the_gradient_per_sample(fn):
    traced = trace(fn, 1.0, params=[W, V])
    with warnings.catch_warnings():
        warnings.simplefilter("error", TraceFallbackWarning)  # no guard: the replay does it all
        assert_engine(traced, fn, SIGNED, [W, V])
    # by hand, the stopped factor s(x) = y(x) or y(x)² of each sample, not the example's:
    # d/dW = Σ x·s(x), d/dV = Σ s(x)
    y = W.data * SIGNED + V.data
    s = y if fn is detached else y**2
    _, grads = replay(traced, SIGNED, [W, V])
    np.testing.assert_allclose(grads, [np.sum(SIGNED * s), np.sum(s)], rtol=1e-12)


def test_detect_anomaly_in_the_block_still_names_a_non_finite_operation_while_tracing():
    @no_data_reads
    def logs(x):
        y = W * x - W * x  # 0: its log is -inf
        with detect_anomaly():
            return y.log()

    with pytest.raises(FloatingPointError, match=r"operation 'log' on inputs \(0\.0\)"):
        trace(logs, 1.0, params=[W, V])
    assert_reads_are_heard()


def test_a_graph_made_in_the_block_while_tracing_backpropagates_as_the_engines():
    seen = {}

    def differentiates(x):  # backward inside the traced function: the nodes' own edges
        a, b = Value(0.4), Value(-1.1)
        y = no_data_reads(lambda: (a * b).sin() / (a + 2.0) + a**3 * b)()
        y.backward()
        seen["grads"] = (a.grad, b.grad)
        return W * x

    trace(differentiates, 1.0, params=[W])
    a, b = 0.4, -1.1  # by hand
    da = np.cos(a * b) * b / (a + 2) - np.sin(a * b) / (a + 2) ** 2 + 3 * a**2 * b
    db = np.cos(a * b) * a / (a + 2) + a**3
    np.testing.assert_allclose(seen["grads"], [da, db], rtol=1e-12)


def test_outside_a_trace_the_block_changes_nothing():
    def f(inside):
        a, b = Value(1.5), Value(-0.5)

        def body():
            y = (a * b).tanh() + a**2
            branch = y * 3.0 if y.data > 0 else y
            with no_grad():
                stopped = a * 10.0
            return branch * stopped + a.detach() * b

        out = no_data_reads(body)() if inside else body()
        out.backward()
        return out.data, a.grad, b.grad, type(out)

    assert f(inside=True) == f(inside=False)
    # by hand: out = 3(tanh(ab) + a²)·s + â·b, where s = 10a and â = a are stopped
    t = np.tanh(-0.75)
    assert f(inside=True)[1] == pytest.approx(3 * ((1 - t**2) * -0.5 + 3.0) * 15.0)
    assert f(inside=True)[2] == pytest.approx(3 * (1 - t**2) * 1.5 * 15.0 + 1.5)
    assert f(inside=True)[3] is Value


def reads(x):
    """A function deciding on ``.data`` outside any block: its trace must have a guard."""
    y = W * x
    return y * 2.0 if y.data > 0 else y * V


def assert_reads_are_heard(fn=reads):
    """``fn``'s trace has a guard, and its replay warns and gives the engine's numbers."""
    traced = trace(fn, 1.0, params=[W, V])
    assert "guard" in repr(traced)
    expected, expected_grads = engine(fn, SIGNED, [W, V])
    with pytest.warns(TraceFallbackWarning, match=r"\.data at"):
        outputs, grads = replay(traced, SIGNED, [W, V])
    np.testing.assert_allclose(outputs, expected, rtol=1e-12)
    np.testing.assert_allclose(grads, expected_grads, rtol=1e-12)


def test_a_call_outside_a_trace_does_not_reach_into_a_trace_started_in_it():
    no_data_reads(assert_reads_are_heard)()


def test_an_exception_escaping_the_block_and_the_trace_leaves_later_traces_hearing_reads():
    @no_data_reads
    def fails(x):
        W * x
        raise ArithmeticError("inside the block")

    with pytest.raises(ArithmeticError, match="inside the block"):
        trace(fails, 1.0, params=[W, V])
    assert_reads_are_heard()


def test_an_exception_caught_inside_the_traced_function_ends_the_block():
    def raises():
        raise ArithmeticError

    def caught(x):
        with contextlib.suppress(ArithmeticError):
            no_data_reads(raises)()
        return reads(x)

    assert_reads_are_heard(caught)


def test_nested_blocks_end_with_the_outer_one_and_a_later_read_is_heard():
    def outer(x):
        y = no_data_reads(lambda: W * x)()
        return y * V

    def nested(x):
        z = no_data_reads(outer)(x)
        return reads(z + x)

    assert_reads_are_heard(nested)
    assert_reads_are_heard()


def test_a_trace_refused_inside_the_block_leaves_later_traces_hearing_reads():
    def traces_again(x):
        return no_data_reads(lambda: trace(reads, 1.0))()

    with pytest.raises(RuntimeError, match="cannot run inside a function being traced"):
        trace(traces_again, 1.0, params=[W, V])
    assert_reads_are_heard()


def test_a_data_read_after_the_call_of_a_value_it_returned_is_heard():
    def later(x):
        y = no_data_reads(lambda: W * x)()
        return y * 2.0 if y.data > 0 else y * V  # outside the call: no promise was made

    traced = trace(later, 1.0, params=[W, V])
    expected, expected_grads = engine(later, SIGNED, [W, V])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TraceFallbackWarning)
        outputs, grads = replay(traced, SIGNED, [W, V])
    np.testing.assert_allclose(outputs, expected, rtol=1e-12)
    np.testing.assert_allclose(grads, expected_grads, rtol=1e-12)


# --- 4. threads --------------------------------------------------------------------------------
def in_thread(target):
    """Run ``target`` in a thread; its exception, if any, is raised here when joined."""
    failure = []

    def run():
        try:
            target()
        except BaseException as err:  # handed to the test's thread
            failure.append(err)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, failure


def joined(thread, failure):
    thread.join(timeout=10)
    assert not thread.is_alive()
    if failure:
        raise failure[0]


def test_another_threads_engine_is_untouched_while_a_trace_holds_the_block_open():
    opened, release = threading.Event(), threading.Event()
    tapes = []

    @no_data_reads
    def traced_fn(x):
        y = (W * x).tanh() * V
        opened.set()
        assert release.wait(timeout=10)
        return y + W * x

    thread, failure = in_thread(lambda: tapes.append(trace(traced_fn, 0.5, params=[W, V])))
    assert opened.wait(timeout=10)
    try:  # the block is open in the other thread: this thread's graph is the engine's
        a, b = Value(0.3), Value(-1.2)
        c = (a * b).tanh() * a + b**2
        with no_grad():
            frozen = a * 4.0
        out = c * frozen + (a.detach() * b).exp()
        branch = out * 2.0 if out.data > 0 else out  # a read here decides nothing elsewhere
        branch.backward()
        t = np.tanh(-0.36)
        dc_da, dc_db = (1 - t**2) * -1.2 * 0.3 + t, (1 - t**2) * 0.3 * 0.3 - 2.4
        scale = 2.0 if out.data > 0 else 1.0
        assert a.grad == pytest.approx(scale * dc_da * 1.2, rel=1e-12)
        assert b.grad == pytest.approx(scale * (dc_db * 1.2 + 0.3 * np.exp(-0.36)), rel=1e-12)
        assert type(c) is Value and type(out) is Value  # not a traced class
    finally:
        release.set()
    joined(thread, failure)
    assert_engine(tapes[0], lambda x: (W * x).tanh() * V + W * x, SIGNED, [W, V])


def test_a_block_opened_in_another_thread_does_not_silence_the_recording_threads_reads():
    recording, opened, closing = threading.Event(), threading.Event(), threading.Event()

    def held_open():
        opened.set()
        assert closing.wait(timeout=10)

    def other():
        assert recording.wait(timeout=10)
        no_data_reads(held_open)()

    thread, failure = in_thread(other)

    def traced_fn(x):
        recording.set()
        assert opened.wait(timeout=10)  # the other thread's block is open now
        return reads(x)

    try:
        traced = trace(traced_fn, 1.0, params=[W, V])
    finally:
        closing.set()
    joined(thread, failure)
    expected, expected_grads = engine(reads, SIGNED, [W, V])
    with pytest.warns(TraceFallbackWarning, match=r"\.data at"):
        outputs, grads = replay(traced, SIGNED, [W, V])
    np.testing.assert_allclose(outputs, expected, rtol=1e-12)
    np.testing.assert_allclose(grads, expected_grads, rtol=1e-12)


def test_a_method_replaced_on_nns_own_class_is_heard(monkeypatch):
    model = nn.MLP(3, [4, 1], seed=21)
    original = nn.Layer.forward

    def forward(self, x):  # a leaky gate deciding on .data, set on the class itself
        return [o if o.data > 0 else o * 0.1 for o in original(self, x)]

    monkeypatch.setattr(nn.Layer, "forward", forward)
    assert nn_traced.reads_no_data(model) is False
    expected = outputs_of(model, X3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TraceFallbackWarning)
        got = nn.predict(model, X3, trace=True)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
