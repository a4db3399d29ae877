"""no_grad, enable_grad and detect_anomaly are per thread and per task, restored exactly."""

import asyncio
import threading

import pytest

import nn
from autograd import (
    Value,
    detect_anomaly,
    enable_grad,
    grad,
    hessian,
    is_grad_enabled,
    no_grad,
    value_and_grad,
)
from nn import functional as F


def test_no_grad_in_one_thread_does_not_reach_another():
    inside, leave = threading.Event(), threading.Event()

    def evaluate():
        with no_grad():
            inside.set()
            leave.wait(5)

    worker = threading.Thread(target=evaluate)
    worker.start()
    inside.wait(5)
    try:
        x = Value(2.0)
        y = x * x
        y.backward()
        assert is_grad_enabled() and y.parents == (x, x) and x.grad == 4.0
    finally:
        leave.set()
        worker.join()


def test_training_while_another_thread_predicts_gets_every_gradient():
    X, y = nn.data.make_xor()
    model = nn.MLP(2, [4, 1], seed=0)
    stop = threading.Event()

    def predict_forever():
        while not stop.is_set():
            nn.predict(model, X)

    worker = threading.Thread(target=predict_forever)
    worker.start()
    try:
        zero_steps = 0
        for _ in range(200):
            model.zero_grad()
            loss = F.mse_loss([model(x) for x in X], y)
            loss.backward()
            zero_steps += all(p.grad == 0.0 for p in model.parameters())
    finally:
        stop.set()
        worker.join()
    assert zero_steps == 0


def test_overlapping_blocks_in_two_threads_leave_gradients_on():
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def first():
        with no_grad():
            a_in.set()
            b_in.wait(5)
        a_out.set()

    def second():
        a_in.wait(5)
        with no_grad():
            b_in.set()
            a_out.wait(5)  # exits after the first thread's block: out of order

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert is_grad_enabled() and (Value(1.0) * 2).parents != ()


def test_asyncio_tasks_keep_their_own_switch():
    async def inside_no_grad(ready, done):
        with no_grad():
            ready.set()
            await done.wait()

    async def records(ready, done):
        await ready.wait()
        recorded = is_grad_enabled()
        done.set()
        return recorded

    async def main():
        ready, done = asyncio.Event(), asyncio.Event()
        _, recorded = await asyncio.gather(inside_no_grad(ready, done), records(ready, done))
        return recorded

    assert asyncio.run(main()) is True


def test_enable_grad_records_again_inside_no_grad():
    x = Value(3.0)
    with no_grad():
        with enable_grad():
            y = x * x
        z = x * x
    assert y.parents == (x, x) and z.parents == ()


def test_the_functional_api_differentiates_inside_no_grad():
    def f(x):
        return x**3

    with no_grad():
        assert grad(f)(2.0) == 12.0
        assert value_and_grad(f)(2.0) == (8.0, 12.0)
        assert hessian(lambda x, y: x * x * y)(1.0, 2.0).tolist() == [[4.0, 2.0], [2.0, 0.0]]
        assert not is_grad_enabled()


def test_no_grad_covers_generator_and_coroutine_functions():
    @no_grad()
    def doubled(xs):
        for x in xs:
            yield x * 2

    @no_grad()
    async def tripled(x):
        await asyncio.sleep(0)
        return x * 3

    x = Value(1.0)
    items = doubled([x, x])
    first = next(items)
    assert is_grad_enabled()  # off only while the generator's own code runs
    assert first.parents == () and next(items).parents == ()
    assert asyncio.run(tripled(x)).parents == ()


def test_a_decorated_function_called_from_two_threads_restores_the_switch():
    @no_grad()
    def slow(event):
        event.wait(5)

    first, second = threading.Event(), threading.Event()
    threads = [threading.Thread(target=slow, args=(e,)) for e in (first, second)]
    for t in threads:
        t.start()
    first.set()
    threads[0].join()
    second.set()
    threads[1].join()
    assert is_grad_enabled()


def test_detect_anomaly_in_one_thread_does_not_check_another():
    inside, leave = threading.Event(), threading.Event()

    def watch():
        with detect_anomaly():
            inside.set()
            leave.wait(5)

    worker = threading.Thread(target=watch)
    worker.start()
    inside.wait(5)
    try:
        assert Value(0.0).log().data == float("-inf")  # no FloatingPointError here
    finally:
        leave.set()
        worker.join()
    with pytest.raises(FloatingPointError), detect_anomaly():
        Value(0.0).log()


def test_detect_anomaly_does_not_keep_dropped_nodes_alive():
    import gc
    import weakref

    with detect_anomaly():
        x = Value(2.0)
        y = x * 3
        dropped = weakref.ref(y)
        del y
        gc.collect()
        assert dropped() is None
        z = x.log()
        with pytest.raises(FloatingPointError, match="test_switches.py"):
            (z * 0.0 + Value(0.0).log()).backward()
