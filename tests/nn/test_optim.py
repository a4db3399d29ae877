"""Optimizers: several steps against PyTorch's update formulas, worked by hand."""

import math

import pytest

from autograd import Value
from nn.optim import SGD, Adam, AdamW, LambdaLR, StepLR


def run(optimizer_cls, grads, w0=1.0, **kwargs):
    w = Value(w0)
    opt = optimizer_cls([w], **kwargs)
    trace = []
    for g in grads:
        opt.zero_grad()
        w.grad = g
        opt.step()
        trace.append(w.data)
    return trace, opt


def test_plain_sgd():
    trace, _ = run(SGD, [0.5, -1.0], lr=0.1)
    assert trace == pytest.approx([0.95, 1.05])


def test_sgd_with_momentum_dampening_and_weight_decay():
    # g1 = 0.5 + 0.1*1 = 0.6, b1 = 0.6, w1 = 1 - 0.1*0.6 = 0.94
    # g2 = 0.5 + 0.1*0.94 = 0.594, b2 = 0.9*0.6 + 0.5*0.594 = 0.837, w2 = 0.94 - 0.0837 = 0.8563
    trace, opt = run(SGD, [0.5, 0.5], lr=0.1, momentum=0.9, dampening=0.5, weight_decay=0.1)
    assert trace == pytest.approx([0.94, 0.8563])
    assert opt.state[0]["momentum_buffer"] == pytest.approx(0.837)


def test_sgd_with_nesterov_momentum():
    # b1 = 1, g1 = 1 + 0.9 = 1.9, w1 = 1 - 0.19 = 0.81; b2 = 0.9 + 1 = 1.9, g2 = 1 + 1.71 = 2.71
    trace, _ = run(SGD, [1.0, 1.0], lr=0.1, momentum=0.9, nesterov=True)
    assert trace == pytest.approx([0.81, 0.81 - 0.271])


def test_adam_steps():
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    grads = [0.5, -0.2, 0.1]
    w, m, v, expected = 1.0, 0.0, 0.0, []
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w -= lr * (m / (1 - b1**t)) / (math.sqrt(v / (1 - b2**t)) + eps)
        expected.append(w)
    trace, opt = run(Adam, grads, lr=lr)
    assert trace == pytest.approx(expected)
    assert trace[0] == pytest.approx(0.9)  # the first Adam step moves by lr
    assert opt.state[0]["m"] == pytest.approx(m)


def test_adam_weight_decay_is_l2_and_adamw_is_decoupled():
    trace, _ = run(Adam, [0.0], lr=0.1, weight_decay=0.5)
    assert trace == pytest.approx([0.9])  # g = 0.5 * 1 -> a full lr-sized step
    trace, _ = run(AdamW, [0.0], lr=0.1, weight_decay=0.5)
    assert trace == pytest.approx([0.95])  # w (1 - lr wd), and a zero Adam step
    assert AdamW([Value(1.0)]).weight_decay == 0.01


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda p: SGD(p, lr=-0.1), "lr must be >= 0, got -0.1"),
        (lambda p: Adam(p, betas=(0.9, 1.0)), r"beta2 must be in \[0, 1\), got 1.0"),
        (lambda p: Adam(p, betas=(-0.1, 0.9)), r"beta1 must be in \[0, 1\)"),
        (lambda p: SGD(p, lr=0.1, nesterov=True), "Nesterov momentum requires"),
        (lambda p: SGD(p, lr=0.1, momentum=-1), "momentum must be >= 0"),
        (lambda p: SGD([], lr=0.1), "empty parameter list"),
    ],
)
def test_bad_hyper_parameters_raise_value_error(make, words):
    with pytest.raises(ValueError, match=words):
        make([Value(1.0)])


def test_state_lives_in_the_optimizer_not_on_the_parameters():
    w = Value(1.0)
    opt = Adam([w])
    w.grad = 1.0
    opt.step()
    assert set(opt.state[0]) == {"m", "v"}


def test_learning_rate_schedules():
    opt = SGD([Value(1.0)], lr=1.0)
    schedule = LambdaLR(opt, lambda k: 1.0 - 0.9 * k / 100)
    assert opt.lr == 1.0
    for _ in range(50):
        schedule.step()
    assert opt.lr == pytest.approx(0.55)
    opt = SGD([Value(1.0)], lr=1.0)
    steps = StepLR(opt, step_size=2, gamma=0.5)
    lrs = []
    for _ in range(4):
        steps.step()
        lrs.append(opt.lr)
    assert lrs == [1.0, 0.5, 0.5, 0.25]
