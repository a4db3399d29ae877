"""micrograd's demo and lecture, run on pathgrad: its seeds give its weights and its data, and
its printed numbers come out (figures from micrograd's published demo notebook)."""

import random

import numpy as np
import pytest

import nn
from autograd import Value
from nn import functional as F
from nn.optim import SGD, LambdaLR

# micrograd's demo.ipynb, as published: "step k loss ..., accuracy ...%" for steps 0-2 and 99.
PUBLISHED_FIRST_STEPS = [
    (0.8958441028683222, 0.50),
    (1.7235905336972022, 0.81),
    (0.7429006313851131, 0.77),
]
PUBLISHED_STEP_99 = (0.010978370135492717, 1.00)


@pytest.fixture
def demo_seeds():
    """The demo's first cell, ``np.random.seed(1337); random.seed(1337)``, undone afterwards."""
    numpy_state, python_state = np.random.get_state(), random.getstate()
    np.random.seed(1337)
    random.seed(1337)
    yield
    np.random.set_state(numpy_state)
    random.setstate(python_state)


def demo_loss(model, X, y):
    """The demo's loss cell, as written there: the SVM loss, its L2 term, the accuracy."""
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores, strict=True)]
    return data_loss + reg_loss, sum(accuracy) / len(accuracy)


def test_micrograds_demo_with_its_imports_changed_prints_its_numbers(demo_seeds):
    from nn.micrograd import MLP  # was: from micrograd.nn import MLP

    X, y = nn.data.make_moons(n_samples=100, noise=0.1)  # was scikit-learn's
    y = y * 2 - 1
    model = MLP(2, [16, 16, 1])
    assert len(model.parameters()) == 337
    for k, (loss_printed, accuracy_printed) in enumerate(PUBLISHED_FIRST_STEPS):
        total_loss, acc = demo_loss(model, X, y)
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        assert total_loss.data == pytest.approx(loss_printed, rel=1e-13)
        assert acc == accuracy_printed


def test_fit_with_micrograds_initialisation_reaches_the_demos_last_step(demo_seeds):
    X, y = nn.data.make_moons(100, noise=0.1)
    model = nn.MLP(2, [16, 16, 1], init="micrograd")
    optimizer = SGD(model.parameters(), lr=1.0)
    nn.fit(model, X, y * 2 - 1, loss=F.hinge_loss, optimizer=optimizer, epochs=99,
           penalty=lambda ps: 1e-4 * F.l2_penalty(ps),
           scheduler=LambdaLR(optimizer, lambda k: 1.0 - 0.9 * k / 100),
           progress=False, trace=True)  # fmt: skip
    total_loss, acc = demo_loss(model, X, y * 2 - 1)  # the loss step 99 printed
    assert total_loss.data == pytest.approx(PUBLISHED_STEP_99[0], rel=1e-9)
    assert acc == PUBLISHED_STEP_99[1]


def test_micrograd_initialisation_draws_pythons_random_in_micrograds_order():
    random.seed(7)
    expected = [random.uniform(-1, 1) for _ in range(2 * 3 + 3 * 1)]  # layer by layer, neuron
    random.seed(7)  # by neuron, each neuron's weights in turn
    model = nn.MLP(2, [3, 1], init="micrograd")
    assert [w.data for layer in model.layers for n in layer.neurons for w in n.w] == expected
    assert all(n.b.data == 0.0 for layer in model.layers for n in layer.neurons)
    first = [w.data for w in nn.MLP(2, [3, 1], init="micrograd", seed=5).parameters()]
    again = [w.data for w in nn.MLP(2, [3, 1], init="micrograd", seed=5).parameters()]
    assert first == again  # an int seed: its own random.Random, the global state untouched


def test_micrograds_constructors_keep_their_arguments():
    from nn.micrograd import Layer, Neuron

    assert Neuron(3).activation_name == "relu" and Neuron(3, nonlin=False).activation_name == (
        "identity"
    )
    layer = Layer(2, 4, nonlin=False)
    assert layer.nout == 4 and layer.activation_name == "identity"


def test_the_lectures_tanh_network_learns_its_four_samples():
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    for seed in range(3):
        model = nn.MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh", seed=seed)
        for _ in range(50):
            loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, map(model, xs), strict=True))
            model.zero_grad()
            loss.backward()
            for p in model.parameters():
                p.data += -0.05 * p.grad
        assert loss.data < 0.05
