"""The way up to PyTorch: the same network, the same numbers, in both directions."""

import numpy as np
import pytest

import nn
from nn import functional as F

torch = pytest.importorskip(
    "torch", reason="the PyTorch bridge's tests need torch (CI installs it)"
)


PAIRS = [("relu", None), ("tanh", "sigmoid"), ("leaky_relu", None), ("elu", "softplus")]


@pytest.mark.parametrize("activation, output", PAIRS)
def test_to_torch_gives_the_same_outputs_and_gradients(activation, output):
    model = nn.MLP(3, [5, 4, 1], activation=activation, output_activation=output, seed=0)
    X = np.random.default_rng(0).normal(size=(6, 3))
    y = np.linspace(-1, 1, 6)
    mirror = model.to_torch()
    out = mirror(torch.tensor(X)).squeeze(1)
    ((out - torch.tensor(y)) ** 2).mean().backward()
    loss = F.mse_loss([model(row) for row in X], y)
    loss.backward()
    assert np.allclose(out.detach().numpy(), [model(row).data for row in X], rtol=1e-12, atol=0)
    grads = [g for lin in mirror if isinstance(lin, torch.nn.Linear)
             for g in (lin.weight.grad, lin.bias.grad)]  # fmt: skip
    ours = [[[w.grad for w in n.w] for n in layer.neurons] for layer in model.layers]
    for k, layer in enumerate(model.layers):
        assert np.allclose(grads[2 * k].numpy(), ours[k], rtol=1e-12, atol=1e-15)
        assert np.allclose(grads[2 * k + 1].numpy(), [n.b.grad for n in layer.neurons],
                           rtol=1e-12, atol=1e-15)  # fmt: skip


def test_from_torch_reads_the_weights_back():
    model = nn.MLP(2, [4, 1], activation="tanh", seed=1)
    again = nn.MLP.from_torch(model.to_torch())
    assert again.describe() == model.describe() and again.state_dict() == model.state_dict()
    with pytest.raises(ValueError, match="Linear layers each followed by at most one"):
        nn.MLP.from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout()))
    with pytest.raises(ValueError, match="this model uses 'gaussian'"):
        nn.MLP(2, [2, 1], activation="gaussian").to_torch()


@pytest.mark.parametrize(
    "activation, shown",
    [
        (lambda: torch.nn.LeakyReLU(0.2), "LeakyReLU"),
        (lambda: torch.nn.ELU(2.0), "ELU"),
        (lambda: torch.nn.Softplus(beta=2), "Softplus"),
    ],
)
def test_from_torch_refuses_an_activation_with_other_parameters(activation, shown):
    model = torch.nn.Sequential(torch.nn.Linear(2, 3), activation(), torch.nn.Linear(3, 1))
    with pytest.raises(ValueError, match=rf"module 1 is {shown}\("):
        nn.MLP.from_torch(model.double())


def test_from_torch_refuses_a_subclass_of_linear():
    class Scaled(torch.nn.Linear):
        def forward(self, x):
            return 2 * super().forward(x)

    with pytest.raises(ValueError, match="module 0 is Scaled, a subclass of Linear"):
        nn.MLP.from_torch(torch.nn.Sequential(Scaled(2, 1)))


def test_from_torch_is_exact_without_bias_and_with_the_default_parameters():
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(3, 4, bias=False), torch.nn.LeakyReLU(), torch.nn.Linear(4, 2),
        torch.nn.Softplus(),
    ).double()  # fmt: skip
    mlp = nn.MLP.from_torch(model)
    X = np.random.default_rng(1).normal(size=(5, 3))
    expected = model(torch.tensor(X)).detach().numpy()
    assert np.allclose(nn.predict(mlp, X), expected, rtol=1e-12, atol=0)
    assert all(n.b.data == 0.0 for n in mlp.layers[0].neurons)
