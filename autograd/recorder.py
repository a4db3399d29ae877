"""What ``trace`` hears while the traced function runs: the decisions Python makes on traced
numbers (guards), and the values whose gradient stops (``no_grad``, ``detach``).

``Value`` calls in here at the few places where Python turns a traced number into a decision or
a plain float: a comparison (``x > 0``, ``max(a, b)``), ``float(x)``, ``x.item()``, ``x.data``
read outside the engine, and ``detach``. While nothing is traced, ``TAPE.on`` is False and each
hook costs one attribute read; node creation is not touched (a trace runs inside
``enable_grad``, so nodes take the engine's slow path, where the one hook for them lives).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

_AUTOGRAD = os.path.dirname(os.path.abspath(__file__)) + os.sep


class Guard:
    """One decision at the example: ``kind`` is a comparison ("<", "<=", ">", ">=") between
    ``a`` and ``b`` (a Value or a number) whose outcome was ``outcome``, or "read" (the number
    ``a`` held, ``outcome``, was used as a plain float); ``site`` is (file, line)."""

    __slots__ = ("kind", "a", "b", "outcome", "site", "what")

    def __init__(self, kind: str, a: Any, b: Any, outcome: Any, what: str) -> None:
        self.kind, self.a, self.b, self.outcome, self.what = kind, a, b, outcome, what
        self.site = _site()

    def describe(self) -> str:
        """``x > 0 at file.py:12 (True at the example)``, in words a user can find."""
        where = f"{self.site[0]}:{self.site[1]}"
        if self.kind == "read":
            return f"{self.what} at {where} (a traced number used as a plain float)"
        return f"a comparison {self.kind} at {where} ({self.outcome} at the example)"


class _Tape:
    """The recording in progress (one at a time, in the thread that traces), or none."""

    def __init__(self) -> None:
        self.on = False
        self.owner: int | None = None
        self.guards: list[Guard] = []
        self.stopped: list[Any] = []  # nodes whose gradient stops (no_grad, detach)
        self.made_nodes: list[Any] = []  # given back the class Value when the recording ends
        self.unread = 0  # no_data_reads blocks open in the recording thread
        self.lock = threading.Lock()

    @contextlib.contextmanager
    def recording(self, leaves: list) -> Iterator[_Tape]:
        """Record while the block runs: ``leaves`` (the inputs, the parameters) are heard too."""
        from .value import Value

        if self.owner == threading.get_ident():
            raise RuntimeError("trace() cannot run inside a function being traced")
        self.lock.acquire()  # a trace in another thread: wait for it (one recording at a time)
        self.on, self.owner = True, threading.get_ident()
        self.guards, self.stopped, self.made_nodes, self.unread = [], [], [], 0
        classes = [v.__class__ for v in leaves]
        try:
            for v in leaves:
                v.__class__ = tracing_value()
            yield self
        finally:
            self.on, self.owner = False, None
            for v, cls in zip(leaves, classes, strict=True):
                v.__class__ = cls
            for v in self.made_nodes:
                v.__class__ = Value
            self.made_nodes = []
            self.lock.release()

    def mine(self) -> bool:
        return self.on and self.owner == threading.get_ident()

    def unread_here(self) -> bool:
        """Inside a ``no_data_reads`` block of the recording thread."""
        return self.unread > 0 and self.owner == threading.get_ident()

    # --- the hooks Value calls --------------------------------------------------------------
    def compared(self, op: str, a: Any, b: Any, outcome: bool) -> None:
        if self.mine():
            self.guards.append(Guard(op, a, b, outcome, op))

    def read(self, v: Any, value: float, what: str) -> None:
        if self.mine():
            self.guards.append(Guard("read", v, None, value, what))

    def made(self, v: Any, grad_enabled: bool) -> None:
        """A node made while tracing: its ``.data`` reads are heard from now on; made under
        ``no_grad``, it keeps its parents for the replay and its gradient stops."""
        if self.mine():
            v.__class__ = tracing_value()
            self.made_nodes.append(v)
            if not grad_enabled:
                self.stopped.append(v)

    def detached(self, v: Any) -> Any:
        """``v.detach()`` while tracing: a copy of v whose gradient stops (JAX's
        stop_gradient), replayed per sample rather than frozen at the example."""
        from . import ops
        from .value import Value

        out = Value(v.data, v.label)
        if not self.mine():  # another thread traces: this detach is an ordinary one
            return out
        out._fn, out._a, out._da = ops.IDENTITY, v, 1.0
        out.__class__ = tracing_value()
        self.made_nodes.append(out)
        self.stopped.append(out)
        return out


TAPE = _Tape()


def no_data_reads(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn``, called under a promise: it reads no traced number's ``.data`` (its comparisons,
    ``max``/``min``, ``float()``, ``.item()`` and ``detach()`` are still heard). While a trace
    records, the nodes ``fn`` makes (outside ``no_grad`` and ``detect_anomaly``) take the
    engine's own fast path, nothing heard; the Values it returns (one, or in lists, tuples and
    dicts) are heard again afterwards. nn's own layers and penalties are called this way.
    Broken, the promise costs correctness: a ``.data`` read inside ``fn``, or on a node it
    keeps elsewhere, is not heard, and the replay would use the example's number for every
    sample. Outside a trace the call is ``fn``'s own."""

    def call(*args: Any, **kwargs: Any) -> Any:
        if not TAPE.mine():
            return fn(*args, **kwargs)
        from .switches import _ANOMALY, _GRAD_ENABLED, STATE
        from .value import Value

        # Outermost, with history recorded and no anomaly check in this context: the trace's
        # own enable_grad is taken out of the count of open switches, so that when no other
        # is open anywhere nodes take the engine's own fast path (when one is, or one opens
        # inside fn, they take the slow path, which checks this context's switches).
        plain = TAPE.unread == 0 and _GRAD_ENABLED.get() and not _ANOMALY.get()
        TAPE.unread += 1
        if plain:
            with STATE.lock:
                STATE.switched -= 1
        try:
            out = fn(*args, **kwargs)
        finally:
            if plain:
                with STATE.lock:
                    STATE.switched += 1
            TAPE.unread -= 1
        _heard(out, Value)
        return out

    call.__wrapped__ = fn  # type: ignore[attr-defined]
    call.__doc__ = getattr(fn, "__doc__", None)
    return call


def _heard(out: Any, value: type) -> None:
    """The Values made in a ``no_data_reads`` call among what it returned (in lists, tuples
    and dicts, at any depth): heard from now on."""
    if type(out) is value:
        TAPE.made(out, True)
    elif isinstance(out, (list, tuple)):
        for item in out:
            _heard(item, value)
    elif isinstance(out, dict):
        for item in out.values():
            _heard(item, value)


def _site() -> tuple[str, int]:
    """File and line of the innermost caller outside ``autograd``: the user's code, or nn's."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_AUTOGRAD):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return ("<unknown>", 0)
    return (frame.f_code.co_filename, frame.f_lineno)


def _tracing_class() -> type:
    """A Value whose ``.data`` read outside ``autograd`` is heard (a guard): nodes take this
    class while a trace records, and give it back when it ends."""
    from .value import Value

    slot = Value.__dict__["data"]
    read_slot, frame = slot.__get__, sys._getframe
    engine: dict[str, bool] = {}  # file name -> whether it is one of autograd's own

    def get(self: Any) -> float:
        value = read_slot(self, Value)
        if TAPE.on and not TAPE.unread:  # most reads are the engine's own (its operands)
            name = frame(1).f_code.co_filename
            own = engine.get(name)
            if own is None:
                own = engine[name] = name.startswith(_AUTOGRAD)
            if not own:
                TAPE.read(self, value, ".data")
        return value

    def put(self: Any, value: float) -> None:
        slot.__set__(self, value)

    return type("TracingValue", (Value,), {"__slots__": (), "data": property(get, put)})


class _Lazy:
    cls: type | None = None


def tracing_value() -> type:
    if _Lazy.cls is None:
        _Lazy.cls = _tracing_class()
    return _Lazy.cls
