"""backward(): accumulation semantics, depth, topological order, no_grad, detach, memory."""

import gc
import sys
import tracemalloc

from autograd import Value, is_grad_enabled, no_grad, topological_order


def test_leaves_accumulate_and_interior_nodes_hold_the_latest_pass():
    a, b = Value(2.0), Value(1.0)
    c = a + b
    e = c * (b + 1)
    e.backward()
    assert (c.grad, a.grad) == (2.0, 2.0)
    e.backward()
    assert (c.grad, a.grad) == (2.0, 4.0)


def test_a_million_operations_back_propagate_under_the_default_recursion_limit():
    assert sys.getrecursionlimit() <= 10_000
    x = Value(0.5)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


def test_topological_order_puts_parents_first_each_once_deterministically():
    a, b = Value(2.0, "a"), Value(1.0, "b")
    c = a + b
    d = b + 1
    e = c * d
    order = topological_order(e)
    assert order == [a, b, c, d, e]
    assert topological_order(e) == order
    m = a * a
    assert topological_order(m) == [a, m]


def test_topological_order_rejects_non_values():
    import pytest

    with pytest.raises(TypeError, match="takes a Value, got float"):
        topological_order(1.0)


def test_no_grad_records_no_parents_as_context_and_decorator():
    x = Value(2.0)
    with no_grad():
        assert not is_grad_enabled()
        y = x * 3
    assert is_grad_enabled()
    assert y.parents == () and y.data == 6.0

    @no_grad()
    def double(v):
        return v * 2

    z = double(x)
    assert z.parents == () and is_grad_enabled()


def test_no_grad_nests():
    with no_grad():
        with no_grad():
            pass
        assert not is_grad_enabled()
    assert is_grad_enabled()


def test_detach_keeps_data_and_drops_history():
    x = Value(2.0, "x")
    y = (x * 3).detach()
    assert y.data == 6.0 and y.parents == () and y.op == ""
    (y * 2).backward()
    assert x.grad == 0.0 and y.grad == 2.0


def test_a_dropped_graph_is_freed_by_reference_counting_alone():
    gc.collect()
    gc.disable()
    # Values other tests of this process keep alive (a module's constants) are not this graph's.
    alive = sum(type(o) is Value for o in gc.get_objects())
    try:
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        x = Value(0.5)
        y = x
        for _ in range(50_000):
            y = (y * 1.0001 + 0.001).tanh()  # 100,000+ nodes
        y.backward()
        during = tracemalloc.get_traced_memory()[0]
        del x, y
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        survivors = sum(type(o) is Value for o in gc.get_objects()) - alive
    finally:
        gc.enable()
    assert survivors == 0
    # What remains is CPython's own free lists of small tuples, not the graph.
    assert during - before > 10_000_000
    assert after - before < 0.01 * (during - before)
