"""explain(): the derivation as text."""

from autograd import Value
from viz import explain


def test_explain_the_classic_derivative(classic):
    a, b, c, d, e = classic
    lines = explain(e, b).splitlines()
    assert lines[0] == "∂e/∂b = ∂e/∂c·∂c/∂b + ∂e/∂d·∂d/∂b = 2·1 + 3·1 = 5"
    assert lines[1] == "paths from b to e (2): b→c→e: 1·2 = 2; b→d→e: 1·3 = 3"
    assert lines[2] == "sum over paths = 5"
    assert lines[3] == (
        "multiplications: path sum 2, forward mode 2, reverse mode 3 (all inputs at once)"
    )
    assert lines[4].startswith("(counting one multiplication per product of two numbers")
    assert explain(e, a).splitlines()[0] == "∂e/∂a = ∂e/∂c·∂c/∂a = 2·1 = 2"


def test_explain_a_repeated_edge_and_an_unrelated_value():
    a = Value(3.0, "a")
    m = a * a
    m.label = "m"
    assert explain(m, a).splitlines()[0] == "∂m/∂a = ∂m/∂m·∂m/∂a + ∂m/∂m·∂m/∂a = 1·3 + 1·3 = 6"
    assert explain(m, Value(1.0, "z")) == "∂m/∂z = 0: m does not depend on it"
