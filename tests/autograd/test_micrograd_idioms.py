"""The code people learn backpropagation from, run unchanged: manual backprop node by node,
operations written micrograd's way (children and a ``_backward`` closure), attributes of their
own on Values, and what a zero local derivative contributes."""

import copy
import math
import re

import pytest
from oracles import central_difference

from autograd import Value, forward_mode, grad, hessian, path_sum, reverse_mode, trace
from viz import draw_graph, draw_reverse


def lecture_neuron():
    """The neuron of the best-known lecture on micrograd: o = tanh(x1·w1 + x2·w2 + b)."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    x1w1x2w2 = x1w1 + x2w2
    n = x1w1x2w2 + b
    o = n.tanh()
    return (x1, x2, w1, w2, b), [o, n, b, x1w1x2w2, x2w2, x1w1]


def test_manual_backprop_node_by_node_gives_the_lectures_numbers():
    (x1, x2, w1, w2, b), nodes = lecture_neuron()
    nodes[0].grad = 1.0
    for node in nodes:  # the lecture's cells, one _backward() each, from o down
        node._backward()
    # By hand: do/dn = 1 - tanh(n)² = 0.5 at n = 0.8814 (tanh = 1/√2); then the products.
    assert nodes[1].grad == pytest.approx(0.5)
    assert (x1.grad, w1.grad, x2.grad, w2.grad) == pytest.approx((-1.5, 1.0, 0.5, 0.0))
    assert b.grad == pytest.approx(0.5)


def test_a_users_own_topological_backward_equals_backward():
    leaves, nodes = lecture_neuron()
    o = nodes[0]
    topo, visited = [], set()

    def build_topo(v):  # the lecture's recursive version, on micrograd's names
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build_topo(child)
            topo.append(v)

    build_topo(o)
    o.grad = 1.0
    for node in reversed(topo):
        node._backward()
    by_hand = [v.grad for v in leaves]
    for v in leaves:
        v.grad = 0.0
    o.backward()
    assert by_hand == [v.grad for v in leaves]


def test_a_builtin_backward_step_adds_local_derivative_times_grad():
    a, b = Value(3.0), Value(4.0)
    c = a * b
    c.grad = 2.0
    c._backward()
    c._backward()  # accumulates, as micrograd's closures do
    assert (a.grad, b.grad) == (16.0, 12.0)


# --- operations written micrograd's way -------------------------------------------------------
def tanh(self):
    x = self.data
    t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
    out = Value(t, (self,), "tanh")

    def _backward():
        self.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out


def exp(self):
    out = Value(math.exp(self.data), (self,), "exp")

    def _backward():
        self.grad += out.data * out.grad

    out._backward = _backward
    return out


def mul(self, other):
    out = Value(self.data * other.data, (self, other), "*")

    def _backward():
        self.grad += other.data * out.grad
        other.grad += self.data * out.grad

    out._backward = _backward
    return out


def f_micrograd_way(x, y):
    return tanh(mul(exp(x), y)) * 3 + x


def f_as_floats(x, y):
    return math.tanh(math.exp(x) * y) * 3 + x


@pytest.mark.parametrize("point", [(0.3, -0.7), (-1.2, 0.4), (0.5, 0.5)])
def test_operations_written_micrograds_way_back_propagate(point):
    x, y = Value(point[0], "x"), Value(point[1], "y")
    out = f_micrograd_way(x, y)
    out.backward()
    assert out.data == pytest.approx(f_as_floats(*point))
    assert x.grad == pytest.approx(central_difference(f_as_floats, list(point), 0))
    assert y.grad == pytest.approx(central_difference(f_as_floats, list(point), 1))
    assert out.parents[0].parents[0].is_custom and out.parents[0].parents[0]._op == "tanh"


def test_grad_and_reverse_mode_run_the_users_backward_and_leave_grads_alone():
    dfdx = grad(lambda x: f_micrograd_way(x, Value(0.4)))(-1.2)
    assert dfdx == pytest.approx(central_difference(f_as_floats, [-1.2, 0.4], 0))
    x = Value(0.3)
    out = f_micrograd_way(x, Value(-0.7))
    adjoint = reverse_mode(out).derivative(x)
    assert adjoint == pytest.approx(central_difference(f_as_floats, [0.3, -0.7], 0))
    assert x.grad == 0.0  # reverse_mode keeps its adjoints apart from .grad


def test_micrograds_keyword_constructor_and_todays_label_form():
    a = Value(2.0, _children=(), _op="", label="a")
    b = Value(3.0, "b")
    assert (a.label, a.parents, b.label, b.is_custom) == ("a", (), "b", False)
    c = Value(a.data + b.data, {a, b}, "+")  # micrograd keeps children in a set
    assert set(c.parents) == {a, b} and c._op == "+" and c.is_custom


def test_an_own_node_with_too_many_children_or_bad_arguments_is_refused():
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    with pytest.raises(ValueError, match="one or two children.*got 3"):
        Value(6.0, (a, b, c), "+")
    with pytest.raises(TypeError, match="every child must be a Value, got Value, float"):
        Value(3.0, (a, 2.0), "+")
    with pytest.raises(TypeError, match="takes a str label, or micrograd's .* got int 3"):
        Value(2.0, 3)
    with pytest.raises(TypeError, match="_backward must be a function of no arguments"):
        (a * b)._backward = 3


def test_an_own_node_without_a_backward_says_so_instead_of_giving_zero():
    x = Value(0.5, "x")
    out = Value(math.tanh(0.5), (x,), "tanh")
    out.label = "o"
    with pytest.raises(TypeError, match="'o' .*operation 'tanh'.* has no _backward"):
        (out * 2).backward()


def test_methods_that_need_numbers_on_the_edges_refuse_a_custom_node_by_name():
    x, y = Value(0.3, "x"), Value(-0.7, "y")
    out = f_micrograd_way(x, y)
    for call, what in [
        (lambda: path_sum(out, x), "path_sum"),
        (lambda: forward_mode(out, x), "forward_mode"),
        (lambda: out.backward(create_graph=True), "create_graph"),
        (lambda: hessian(lambda v: tanh(v) * v)(0.3), "differentiating twice"),
        (lambda: trace(lambda v: tanh(v) * 2, 0.3), "trace"),
    ]:
        with pytest.raises(TypeError, match=f"{what}.*operation '(tanh|exp|\\*)'.*_backward"):
            call()


def test_diagrams_draw_a_custom_edge_as_custom_backward():
    x = Value(0.5, "x")
    o = tanh(x)
    o.label = "o"
    y = o * 2
    y.backward()
    source = draw_graph(y).source
    assert "custom backward" in source and re.search(r"o</B>\s=\stanh\(x\)", source)
    with pytest.raises(TypeError, match="'o' has a backward of your own"):
        draw_reverse(y)


def test_assigning_a_backward_to_a_builtin_node_makes_it_custom():
    x = Value(2.0)
    y = x * x
    y._backward = lambda: setattr(x, "grad", x.grad + 10 * y.grad)  # the user's rule wins
    y.backward()
    assert y.is_custom and x.grad == 10.0


# --- attributes of the user's own ------------------------------------------------------------
def test_values_take_attributes_of_their_own_such_as_optimizer_moments():
    # An AdamW kept on the parameters, as EurekaLabs' micrograd does, against nn.optim.Adam.
    from nn.optim import Adam

    def loss_of(w):
        return (w[0] * 3 - 1) ** 2 + (w[1] + w[0]) ** 2

    ours = [Value(0.5), Value(-0.5)]
    for p in ours:
        p.m, p.v = 0.0, 0.0
    beta1, beta2, lr = 0.9, 0.95, 0.1
    for t in range(1, 21):
        for p in ours:
            p.grad = 0.0
        loss_of(ours).backward()
        for p in ours:
            p.m = beta1 * p.m + (1 - beta1) * p.grad
            p.v = beta2 * p.v + (1 - beta2) * p.grad**2
            m_hat, v_hat = p.m / (1 - beta1**t), p.v / (1 - beta2**t)
            p.data -= lr * m_hat / (v_hat**0.5 + 1e-8)
    reference = [Value(0.5), Value(-0.5)]
    opt = Adam(reference, lr=lr, betas=(beta1, beta2))
    for _ in range(20):
        opt.zero_grad()
        loss_of(reference).backward()
        opt.step()
    assert [p.data for p in ours] == pytest.approx([p.data for p in reference], abs=1e-12)


def test_a_tag_on_a_value_survives_copies_and_travels_in_a_leafs_pickle_state():
    p = Value(1.5, "p")
    p._vis_color = "red"
    assert copy.deepcopy(p)._vis_color == "red" and copy.copy(p)._vis_color == "red"
    rebuild, args, state = p.__reduce_ex__(4)
    restored = rebuild(*args)
    restored.__dict__.update(state)
    assert (restored.data, restored.label, restored._vis_color) == (1.5, "p", "red")
    with pytest.raises(AttributeError):
        _ = Value(1.0).m  # an attribute nobody set is still an error


# --- a zero local derivative contributes exactly zero -----------------------------------------
def dead_relu_under_an_infinite_gradient():
    x = Value(-1.0, "x")
    big = Value(math.inf, "big")
    return x, x.relu() * big  # d/d(relu) = inf, d(relu)/dx = 0


def test_a_dead_relu_passes_zero_even_under_an_infinite_gradient():
    x, out = dead_relu_under_an_infinite_gradient()
    out.backward()
    assert x.grad == 0.0  # PyTorch: relu's backward selects, so 0, not 0 * inf = nan
    x, out = dead_relu_under_an_infinite_gradient()
    out.backward(create_graph=True)
    assert x.grad == 0.0 and x.grad_graph.data == 0.0
    x, out = dead_relu_under_an_infinite_gradient()
    assert forward_mode(out, x).derivative == 0.0
    assert path_sum(out, x).total == 0.0
    assert reverse_mode(out).derivative(x) == 0.0
    assert grad(lambda v: v.relu() * math.inf)(-1.0) == 0.0
    x, out = dead_relu_under_an_infinite_gradient()
    out.parents[0]._backward()  # the node's own step follows the same rule
    assert x.grad == 0.0


def test_every_operation_follows_the_rule_not_only_relu():
    x = Value(2.0, "x")
    out = (x * 0.0) * math.inf  # d(x*0)/dx = 0 exactly
    out.backward()
    assert x.grad == 0.0
    s = Value(-0.5)
    (s.step() * Value(math.nan)).backward()
    assert s.grad == 0.0


def test_a_zero_gradient_carries_nothing_through_an_infinite_local_derivative():
    # z = 0 · sqrt(x) is 0 for every x >= 0, so dz/dx = 0, also at x = 0 where sqrt' = inf.
    x = Value(0.0, "x")
    z = x.sqrt() * 0.0
    assert (forward_mode(z, x).derivative, path_sum(z, x).total) == (0.0, 0.0)
    assert reverse_mode(z).derivative(x) == 0.0 and grad(lambda v: v.sqrt() * 0.0)(0.0) == 0.0
    z.backward()
    assert x.grad == 0.0


def test_a_nonzero_local_derivative_still_carries_infinity_and_nan():
    x = Value(3.0)
    (x * math.inf).backward()
    assert x.grad == math.inf
    y = Value(3.0)
    (y * Value(math.nan)).backward()
    assert math.isnan(y.grad)
