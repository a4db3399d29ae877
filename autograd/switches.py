"""The engine's two switches: recording history (``no_grad``, ``enable_grad``) and anomaly
detection (``detect_anomaly``).

Both are per thread and per asyncio task, as PyTorch's grad mode is: they live in context
variables, and each ``with`` block restores exactly the value it found (by token), so switches
in one thread never reach another, and nested blocks unwind correctly.

Node creation must stay fast when no switch is on anywhere: it reads one counter,
``STATE.switched``, the number of switch blocks open in any thread. At 0 (the common case) it
takes the plain path without touching a context variable; otherwise it reads this context's own
switches, which is slower but correct whatever the other threads do.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import math
import os
import sys
import threading
import weakref
from collections.abc import Callable
from contextvars import ContextVar
from types import FrameType
from typing import Any

_GRAD_ENABLED: ContextVar[bool] = ContextVar("pathgrad_grad_enabled", default=True)
_ANOMALY: ContextVar[bool] = ContextVar("pathgrad_anomaly", default=False)


class _State:
    __slots__ = ("switched", "sites", "lock")

    def __init__(self) -> None:
        self.switched = 0  # switch blocks open, in every thread and task together
        # While anomaly detection is on: node -> (file, line) of the user code that created it,
        # held weakly: a node dropped inside detect_anomaly is freed as it would be outside.
        self.sites: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.lock = threading.Lock()


STATE = _State()


def is_grad_enabled() -> bool:
    """True when new Values record their parents (outside ``no_grad``, or inside
    ``enable_grad``), in this thread and task."""
    return _GRAD_ENABLED.get()


def is_anomaly_enabled() -> bool:
    """True inside ``detect_anomaly`` in this thread and task."""
    return _ANOMALY.get()


class _Switch(contextlib.ContextDecorator):
    """A context manager and decorator that sets one context variable for its block.

    As a decorator it covers plain functions, generator functions (while the generator runs)
    and coroutine functions."""

    _variable: ContextVar[bool]
    _value: bool

    def __init__(self) -> None:
        self._tokens: list = []

    def __enter__(self) -> _Switch:
        with STATE.lock:
            STATE.switched += 1
        self._tokens.append(self._variable.set(self._value))
        return self

    def __exit__(self, *exc: object) -> None:
        self._variable.reset(self._tokens.pop())
        with STATE.lock:
            STATE.switched -= 1
        self._after()

    def _after(self) -> None:
        pass

    def _recreate_cm(self) -> _Switch:
        return type(self)()  # one instance per call: a decorated function may run in threads

    def __call__(self, func: Callable[..., Any]) -> Any:
        if inspect.isgeneratorfunction(func):

            @functools.wraps(func)
            def generator(*args: Any, **kwargs: Any) -> Any:
                gen = func(*args, **kwargs)
                resume, arg = gen.send, None
                while True:  # the switch is on while the generator's own code runs
                    with self._recreate_cm():
                        try:
                            item = resume(arg)
                        except StopIteration as stop:
                            return stop.value
                    try:
                        arg = yield item
                        resume = gen.send
                    except GeneratorExit:
                        gen.close()
                        raise
                    except BaseException as err:  # thrown in by the caller: pass it on
                        resume, arg = gen.throw, err

            return generator
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def coroutine(*args: Any, **kwargs: Any) -> Any:
                with self._recreate_cm():
                    return await func(*args, **kwargs)

            return coroutine
        return super().__call__(func)


class no_grad(_Switch):
    """Context manager and decorator: Values made inside record no parents (they are leaves).

    Per thread and per task: other threads keep recording.

    >>> x = Value(2.0)
    >>> with no_grad():
    ...     y = x * 3
    >>> y.parents
    ()
    """

    _variable, _value = _GRAD_ENABLED, False


class enable_grad(_Switch):
    """Context manager and decorator: record history again inside a ``no_grad`` block."""

    _variable, _value = _GRAD_ENABLED, True


class detect_anomaly(_Switch):
    """Context manager: the first non-finite result or gradient raises ``FloatingPointError``.

    Inside it, every operation checks that its result is finite, and every backward pass checks
    each gradient it computes. The error names the operation, its input values, and the file and
    line of the user code that created the node. Outside it, nothing is checked and nothing slows
    down. Per thread and per task, like ``no_grad``.
    """

    _variable, _value = _ANOMALY, True

    def _after(self) -> None:
        with STATE.lock:
            if not STATE.switched:
                STATE.sites.clear()


_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_OWN_DIRS = tuple(os.path.join(_PACKAGE_ROOT, name) + os.sep for name in ("autograd", "nn", "viz"))


def user_site() -> tuple[str, int]:
    """File and line of the innermost caller outside pathgrad's own packages."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_OWN_DIRS):
        frame = frame.f_back
    if frame is None:
        return ("<unknown>", 0)
    return (frame.f_code.co_filename, frame.f_lineno)


def check_gradient(node: Any, grad: Any) -> None:
    """Under ``detect_anomaly``: raise where a gradient first stops being finite."""
    value = getattr(grad, "data", grad)
    if math.isfinite(value):
        return
    file, line = STATE.sites.get(node, ("<created outside detect_anomaly>", 0))
    inputs = ", ".join(repr(p.data) for p in node.parents)
    raise FloatingPointError(
        f"backward through operation {node._fn.name!r} on inputs ({inputs}) gave a non-finite "
        f"gradient {value!r} (node created at {file}:{line})"
    )
