"""A traced fit keeps the parameters in arrays and steps nn's optimizers on them: the same
numbers as the per-Value path (the untraced fit) for every optimizer and option, and the
Values, their gradients and the optimizer's state as the untraced fit leaves them."""

import numpy as np
import pytest

import nn
from autograd import TraceFallbackWarning
from nn import functional as F
from nn.optim import SGD, Adam, AdamW, LambdaLR

OPTIMIZERS = [
    (SGD, {"lr": 0.1}),
    (SGD, {"lr": 0.1, "weight_decay": 0.01}),
    (SGD, {"lr": 0.05, "momentum": 0.9}),
    (SGD, {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.02}),
    (SGD, {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.01}),
    (Adam, {"lr": 0.01}),
    (Adam, {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.05}),
    (AdamW, {"lr": 0.01}),
    (AdamW, {"lr": 0.02, "weight_decay": 0.1}),
]


def data():
    return nn.data.make_blobs(40, centers=[[-2, 0], [2, 0], [0, 3]], seed=0)


def train(kind, options, trace, epochs=3, **fit_options):
    X, y = data()
    model = nn.MLP(2, [6, 3], seed=1)
    optimizer = kind(model.parameters(), **options)
    history = nn.fit(model, X, y, loss=F.cross_entropy, optimizer=optimizer, epochs=epochs,
                     batch_size=8, seed=0, progress=False, trace=trace,
                     penalty=lambda ps: 1e-3 * F.l2_penalty(ps), **fit_options)  # fmt: skip
    return model, optimizer, history


def leaves(model, optimizer):
    params = model.parameters()
    return (np.array([p.data for p in params]), np.array([p.grad for p in params]),
            [dict(s) for s in optimizer.state], optimizer.steps)  # fmt: skip


def assert_same(traced, engine):
    (data_t, grad_t, state_t, steps_t), (data_e, grad_e, state_e, steps_e) = traced, engine
    assert np.allclose(data_t, data_e, rtol=1e-10, atol=1e-12)
    assert np.allclose(grad_t, grad_e, rtol=1e-10, atol=1e-12)
    assert steps_t == steps_e
    assert [sorted(s) for s in state_t] == [sorted(s) for s in state_e]
    for st, se in zip(state_t, state_e, strict=True):
        for key in se:
            assert st[key] == pytest.approx(se[key], rel=1e-10, abs=1e-12)


@pytest.mark.parametrize(("kind", "options"), OPTIMIZERS)
def test_every_optimizer_on_arrays_trains_as_the_engine_and_leaves_the_same_values(kind, options):
    traced_model, traced_opt, traced_history = train(kind, options, True)
    engine_model, engine_opt, engine_history = train(kind, options, False)
    assert_same(leaves(traced_model, traced_opt), leaves(engine_model, engine_opt))
    assert np.allclose(traced_history.loss, engine_history.loss, rtol=1e-10)
    assert all(p.grad_graph is None for p in traced_model.parameters())


@pytest.mark.parametrize(("kind", "options"), [OPTIMIZERS[3], OPTIMIZERS[6], OPTIMIZERS[8]])
def test_a_second_fit_continues_the_optimizers_state_as_the_engine_does(kind, options):
    X, y = data()
    results = []
    for first, second in ((True, True), (False, False), (True, False), (False, True)):
        model = nn.MLP(2, [6, 3], seed=1)
        optimizer = kind(model.parameters(), **options)
        for trace in (first, second):
            nn.fit(model, X, y, loss=F.cross_entropy, optimizer=optimizer, epochs=2,
                   batch_size=16, seed=0, progress=False, trace=trace)  # fmt: skip
        results.append(leaves(model, optimizer))
    for other in results[1:]:
        assert_same(results[0], other)


def test_a_schedule_and_validation_see_the_steps_taken():
    X, y = data()
    options = {"validation": (X[:10], y[:10])}
    runs = []
    for trace in (True, False):
        model = nn.MLP(2, [6, 3], seed=1)
        optimizer = SGD(model.parameters(), lr=0.1, momentum=0.5)
        scheduler = LambdaLR(optimizer, lambda k: 1.0 / (1 + k))
        history = nn.fit(model, X, y, loss=F.cross_entropy, optimizer=optimizer, epochs=3,
                         batch_size=8, seed=0, progress=False, trace=trace, scheduler=scheduler,
                         **options)  # fmt: skip
        runs.append((leaves(model, optimizer), history, optimizer.lr))
    (traced, h_traced, lr_traced), (engine, h_engine, lr_engine) = runs
    assert_same(traced, engine)
    assert np.allclose(h_traced.val_loss, h_engine.val_loss, rtol=1e-10)
    assert h_traced.val_accuracy == h_engine.val_accuracy and lr_traced == lr_engine


class Stop(Exception):
    pass


def test_a_fit_stopped_by_an_exception_leaves_the_parameters_of_the_steps_taken():
    X, y = data()
    runs = []
    for trace in (True, False):
        seen = []

        def metric(outputs, targets, seen=seen):
            seen.append(1)
            if len(seen) == 7:  # during the second epoch (5 batches of 8 per epoch)
                raise Stop
            return np.argmax(outputs, axis=1) == targets

        model = nn.MLP(2, [6, 3], seed=1)
        optimizer = Adam(model.parameters(), lr=0.01)
        with pytest.raises(Stop):
            nn.fit(model, X, y, loss=F.cross_entropy, optimizer=optimizer, epochs=3,
                   batch_size=8, seed=0, progress=False, trace=trace, metrics=metric)  # fmt: skip
        runs.append(leaves(model, optimizer))
    assert runs[0][3] == 7
    assert_same(*runs)


def test_an_optimizer_of_your_own_steps_per_value_with_its_own_rule():
    class HalfSGD(SGD):  # a rule of the user's: the array path must not replace it
        def _update(self, p, state):
            p.data -= 0.5 * self.lr * p.grad

        def step(self):
            super(SGD, self).step()

    runs = [train(HalfSGD, {"lr": 0.1}, trace) for trace in (True, False)]
    assert_same(*(leaves(model, opt) for model, opt, _ in runs))
    half, full = runs[0][0], train(SGD, {"lr": 0.1}, True)[0]
    assert not np.allclose([p.data for p in half.parameters()], [p.data for p in full.parameters()])


def test_parameters_left_out_of_the_optimizer_are_said_once_and_trained_per_value():
    X, y = data()
    runs = []
    for trace in (True, False):
        model = nn.MLP(2, [6, 3], seed=1)
        optimizer = SGD(model.parameters()[:-3], lr=0.1)  # the last layer's biases left out

        def train_it(model=model, optimizer=optimizer, trace=trace):
            nn.fit(model, X, y, loss=F.cross_entropy, optimizer=optimizer, epochs=1,
                   batch_size=8, seed=0, progress=False, trace=trace)  # fmt: skip

        if trace:
            with pytest.warns(TraceFallbackWarning, match="3 of the model's parameters are not"):
                train_it()
        else:
            train_it()
        runs.append(leaves(model, optimizer))
    assert_same(*runs)


@pytest.mark.parametrize("kind", [SGD, Adam, AdamW])
def test_a_traced_fit_steps_nn_optimizers_on_arrays_not_per_value(kind, monkeypatch):
    def per_value(self):
        raise AssertionError("stepped per Value")

    monkeypatch.setattr(kind, "step", per_value)
    monkeypatch.setattr(kind, "zero_grad", per_value)
    model, optimizer, _ = train(kind, {"lr": 0.01}, True, epochs=1)
    assert optimizer.steps == 5


def test_an_optimizer_holding_more_than_the_model_steps_the_rest_as_the_engine_does():
    from autograd import Value

    runs = []
    for trace in (True, False):
        X, y = data()
        model, extra = nn.MLP(2, [6, 3], seed=1), Value(2.0)
        optimizer = AdamW([extra, *model.parameters()], lr=0.01, weight_decay=0.1)
        nn.fit(model, X, y, loss=F.cross_entropy, optimizer=optimizer, epochs=2, batch_size=8,
               seed=0, progress=False, trace=trace)  # fmt: skip
        runs.append((leaves(model, optimizer), extra.data, extra.grad))
    assert_same(runs[0][0], runs[1][0])
    assert runs[0][1:] == pytest.approx(runs[1][1:], rel=1e-12) and runs[0][1] < 2.0


def test_an_optimizer_state_held_by_some_parameters_only_is_said_and_kept_per_value():
    X, y = data()
    model = nn.MLP(2, [6, 3], seed=1)
    optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
    optimizer.state[0]["momentum_buffer"] = 0.5  # one parameter's buffer, set by hand
    with pytest.warns(TraceFallbackWarning, match="only some parameters have the optimizer"):
        nn.fit(model, X, y, loss=F.cross_entropy, optimizer=optimizer, epochs=1, batch_size=8,
               seed=0, progress=False, trace=True)  # fmt: skip
    assert all("momentum_buffer" in s for s in optimizer.state)
