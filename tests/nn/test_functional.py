"""nn.functional: softmax, losses and information theory, against formulas worked by hand."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value
from nn import functional as F


def values(xs):
    return [Value(x) for x in xs]


def test_softmax_and_logsumexp_are_stable_for_large_logits():
    logits = values([1000.0, -1000.0, 0.0])
    probs = F.softmax(logits)
    assert [p.data for p in probs] == pytest.approx([1.0, 0.0, 0.0])
    assert F.logsumexp(logits).data == pytest.approx(1000.0)
    loss = F.cross_entropy(logits, 1)
    loss.backward()
    assert loss.data == pytest.approx(2000.0)
    assert all(math.isfinite(v.grad) for v in logits)
    assert [v.grad for v in logits] == pytest.approx([1.0, -1.0, 0.0])


def test_log_softmax_matches_the_formula():
    xs = [0.5, -1.0, 2.0]
    expected = [x - math.log(sum(math.exp(t) for t in xs)) for x in xs]
    assert [v.data for v in F.log_softmax(xs)] == pytest.approx(expected)


def test_regression_losses_and_reductions():
    x = values([1.0, 2.0, 4.0])
    y = [0.0, 2.0, 2.0]
    assert F.mse_loss(x, y).data == pytest.approx((1 + 0 + 4) / 3)
    assert F.mse_loss(x, y, reduction="sum").data == 5.0
    assert F.l1_loss(x, y).data == pytest.approx(1.0)
    with pytest.raises(ValueError, match="reduction must be 'mean' or 'sum', got 'max'"):
        F.mse_loss(x, y, reduction="max")
    with pytest.raises(ValueError, match="input has 3 elements but target has 2"):
        F.mse_loss(x, [1.0, 2.0])


def test_binary_cross_entropy_on_probabilities_and_logits():
    p, y = 0.8, 1.0
    assert F.binary_cross_entropy([Value(p)], [y]).data == pytest.approx(-math.log(0.8))
    assert F.binary_cross_entropy([Value(0.0)], [1.0]).data == 100.0  # clamped as in PyTorch
    z = Value(1000.0)
    loss = F.binary_cross_entropy_with_logits([z], [0.0])
    loss.backward()
    assert loss.data == pytest.approx(1000.0) and z.grad == pytest.approx(1.0)
    x = 0.3
    expected = -(
        0.25 * math.log(1 / (1 + math.exp(-x))) + 0.75 * math.log(1 - 1 / (1 + math.exp(-x)))
    )
    assert F.binary_cross_entropy_with_logits([x], [0.25]).data == pytest.approx(expected)
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\], got 1.5"):
        F.binary_cross_entropy([1.5], [1.0])


def test_cross_entropy_with_a_class_index_a_probability_vector_and_a_batch():
    logits = [2.0, 1.0, 0.1]
    logp = [v.data for v in F.log_softmax(logits)]
    assert F.cross_entropy(logits, 0).data == pytest.approx(-logp[0])
    q = [0.5, 0.5, 0.0]
    assert F.cross_entropy(logits, q).data == pytest.approx(-(0.5 * logp[0] + 0.5 * logp[1]))
    batch = [logits, [0.0, 0.0, 3.0]]
    second = -F.log_softmax([0.0, 0.0, 3.0])[2].data
    assert F.cross_entropy(batch, [0, 2]).data == pytest.approx((-logp[0] + second) / 2)
    assert F.nll_loss(F.log_softmax(logits), 1).data == pytest.approx(-logp[1])
    with pytest.raises(ValueError, match="class index 3 is out of range for 3 classes"):
        F.cross_entropy(logits, 3)


def test_hinge_loss_is_the_max_margin_loss():
    scores = values([2.0, 0.5, -1.0])
    labels = [1, 1, 1]
    assert F.hinge_loss(scores, labels, reduction="sum").data == 0.0 + 0.5 + 2.0
    with pytest.raises(ValueError, match="labels -1 or \\+1, got 0"):
        F.hinge_loss(scores, [1, 0, 1])


def test_entropy_in_nats_and_bits():
    assert F.entropy([1 / 256] * 256, base=2) == pytest.approx(8.0)
    assert F.entropy([0.5, 0.5]) == pytest.approx(math.log(2))
    assert F.entropy([1.0, 0.0]) == 0.0  # p = 0 counts 0
    assert isinstance(F.entropy(values([0.5, 0.5])), Value)


def test_kl_divergence_is_asymmetric_and_infinite_where_q_vanishes():
    p, q = [0.5, 0.5], [0.9, 0.1]
    assert F.kl_divergence(p, q) == pytest.approx(0.5 * math.log(0.5 / 0.9) + 0.5 * math.log(5))
    assert F.kl_divergence(p, q) != pytest.approx(F.kl_divergence(q, p))
    assert F.kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert F.kl_divergence([1.0, 0.0], [0.5, 0.5]) == pytest.approx(math.log(2))
    assert F.cross_entropy_dist([0.5, 0.5], [1.0, 0.0]) == math.inf


def test_distributions_are_checked():
    with pytest.raises(ValueError, match="p must sum to 1, sums to 0.9"):
        F.entropy([0.5, 0.4])
    with pytest.raises(ValueError, match="probabilities >= 0"):
        F.entropy([1.5, -0.5])
    with pytest.raises(ValueError, match="p has 2 probabilities but q has 3"):
        F.kl_divergence([0.5, 0.5], [0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="base must be a positive number other than 1"):
        F.entropy([1.0], base=1)


def distributions(n):
    return (
        st.lists(st.floats(0, 1), min_size=n, max_size=n)
        .filter(lambda w: sum(w) > 1e-3)
        .map(lambda w: [x / sum(w) for x in w])
    )


@given(
    st.integers(2, 6).flatmap(lambda n: st.tuples(distributions(n), distributions(n))),
    st.sampled_from([math.e, 2]),
)
@settings(max_examples=100, deadline=None)
def test_information_identities(pq, base):
    p, q = pq
    q = [(x + 1e-3) / (1 + len(q) * 1e-3) for x in q]  # keep q > 0 so every quantity is finite
    h, kl = F.entropy(p, base), F.kl_divergence(p, q, base)
    assert F.cross_entropy_dist(p, q, base) == pytest.approx(h + kl, abs=1e-9)
    assert kl >= -1e-12
    assert F.kl_divergence(p, p, base) == pytest.approx(0.0, abs=1e-12)
    assert F.js_divergence(p, q, base) == pytest.approx(F.js_divergence(q, p, base), abs=1e-12)


def test_the_gradient_of_cross_entropy_is_softmax_minus_onehot():
    logits = values([0.2, -0.4, 1.1])
    F.cross_entropy(logits, 2).backward()
    probs = np.exp([0.2, -0.4, 1.1]) / np.exp([0.2, -0.4, 1.1]).sum()
    assert [v.grad for v in logits] == pytest.approx(probs - np.array([0, 0, 1]))


def test_penalties():
    ws = values([1.0, -2.0, 3.0])
    assert F.l1_penalty(ws).data == 6.0
    assert F.l2_penalty(ws).data == 14.0
