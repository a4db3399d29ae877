"""fit leaves Python's cyclic garbage collector to the process: on while it trains, with the
settings it had once it returns."""

import gc
import threading
import weakref

import nn
from nn import functional as F


class Cycle:
    __slots__ = ("me", "__weakref__")


def _data():
    X, y = nn.data.make_moons(20, noise=0.1, seed=0)
    return X, y.astype(float)


def test_fit_keeps_the_collector_on_and_restores_its_settings():
    before = (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count())
    seen = []

    def loss(outputs, targets):
        seen.append(gc.isenabled())
        return F.mse_loss(outputs, targets)

    X, y = _data()
    nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, loss=loss, epochs=2, progress=False)
    assert seen and all(seen)
    assert (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count()) == before


def test_reference_cycles_made_while_fit_runs_are_collected():
    refs: list = []

    def make_cycles(n):
        for _ in range(n):
            c = Cycle()
            c.me = c
            refs.append(weakref.ref(c))

    def loss(outputs, targets):  # another thread's garbage, made while fit trains
        worker = threading.Thread(target=make_cycles, args=(60_000,))
        worker.start()
        worker.join()
        return F.mse_loss(outputs, targets)

    X, y = _data()
    nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, loss=loss, epochs=3, progress=False)
    alive = sum(r() is not None for r in refs)
    assert alive < len(refs) // 2  # with the collector off, all 180,000 would be
