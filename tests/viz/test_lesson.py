"""``python -m viz.lesson`` (the start of ``make demo``): the counts that argue for reverse mode,
checked against formulas counted by hand on the two families' graphs."""

import math
import subprocess
import sys

import pytest

from autograd import forward_mode, reverse_mode
from autograd.examples import neuron, stacked, three_by_three
from viz.lesson import by_depth, by_width, report

# stacked(k): each stage is m1*y + m2*y + m3*y: three edges into the products, two into each of
# the two sums, 7 edges; the paths through a stage have 3, 3 and 2 edges (8 in all).


@pytest.mark.parametrize("k", [1, 2, 3, 5, 7])
def test_the_paths_triple_with_each_stage_and_the_sweeps_grow_by_seven(k):
    c = by_depth(k)
    assert c.paths == 3**k
    assert c.path_sum == 8 * k * 3 ** (k - 1) - 3**k  # sum over paths of (edges - 1)
    assert c.forward == 7 * k - 3  # every edge but the three leaving x
    assert c.reverse == 7 * k - 2  # every edge but the two entering out


def test_past_the_listing_limit_the_paths_are_counted_not_listed():
    c = by_depth(30)
    assert c.paths == 3**30 and c.path_sum is None and c.reverse == 7 * 30 - 2


def test_stacked_has_the_derivative_of_its_multipliers():
    for k in (1, 2, 5):
        x, out = stacked(k)
        expected = 10 ** math.ceil(k / 2) * 31 ** (k // 2)
        assert forward_mode(out, x).derivative == reverse_mode(out).derivative(x) == expected
    *_, z = three_by_three()
    assert stacked(2)[1].data == z.data == 310.0


@pytest.mark.parametrize("n", [1, 2, 8, 64])
def test_a_neuron_needs_a_forward_sweep_per_parameter_and_one_reverse_sweep(n):
    c = by_width(n)
    assert c.inputs == n + 1 and c.paths == n + 1  # a tree: one path per parameter
    # from w_i: the product, the sums from the i-th on, tanh (n - i + 2 edges, the first free);
    # from b: the n sums and tanh (n + 1 edges, the first free)
    assert c.forward == c.path_sum == sum(n - i + 1 for i in range(n)) + n
    assert c.reverse == 3 * n  # 3n + 1 edges, the one entering out free


def test_a_neurons_gradient_matches_central_differences():
    params, out = neuron(5)
    reverse = reverse_mode(out)
    for p in params:
        h, saved = 1e-6, p.data
        p.data = saved + h
        up = neuron_value(params)
        p.data = saved - h
        down = neuron_value(params)
        p.data = saved
        assert reverse.derivative(p) == pytest.approx((up - down) / (2 * h), rel=1e-6)


def neuron_value(params) -> float:
    *weights, b = params
    return math.tanh(b.data + sum(w.data / len(weights) for w in weights))


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_the_families_refuse_a_size_that_is_not_a_positive_whole_number(bad):
    with pytest.raises(ValueError, match="whole number"):
        stacked(bad)
    with pytest.raises(ValueError, match="whole number"):
        neuron(bad)


def test_the_report_prints_the_counts_and_says_why_the_small_graph_shows_no_difference():
    text = report(depths=(1, 2, 8), widths=(1, 64))
    assert "   8             6561   too many            53            54" in text
    assert "  64          65       2208     2208 (65)       192 (1)" in text
    assert "the three ways cost about the same (2, 2 and 3 below)" in text


def test_runs_as_python_dash_m_viz_lesson():
    done = subprocess.run([sys.executable, "-m", "viz.lesson"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("Why backpropagation is reverse mode")
