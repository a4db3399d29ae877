"""The fast backward loop, the general reverse sweep, the anomaly-checking path and
backward(create_graph=True) give the same gradients on random graphs."""

from hypothesis import given, settings
from oracles import build_dag, dags

from autograd import detect_anomaly, topological_order
from autograd.chain import reverse_sweep


@given(recipe=dags())
@settings(max_examples=80, deadline=None)
def test_every_backward_path_agrees(recipe):
    leaves, out = build_dag(recipe)
    sweep = reverse_sweep(topological_order(out), {out: 1.0})

    out.backward()  # the hand-written loop
    fast = [x.grad for x in leaves]

    for x in leaves:
        x.grad = 0.0
    with detect_anomaly():
        out.backward()  # the general sweep, each gradient checked
    anomaly = [x.grad for x in leaves]

    for x in leaves:
        x.grad = 0.0
    out.backward(create_graph=True)  # local derivatives rebuilt as Values
    graph = [x.grad for x in leaves]
    values = [x.grad_graph.data if x.grad_graph is not None else 0.0 for x in leaves]

    general = [sweep.get(x, 0.0) for x in leaves]
    for got in (anomaly, graph, values, general):
        assert all(abs(f - g) <= 1e-12 * max(1.0, abs(f)) for f, g in zip(fast, got, strict=True))
