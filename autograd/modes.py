"""The engine's two switches: recording history (``no_grad``) and anomaly detection.

Both are process-wide, as the users of a scalar engine expect (they are not per-thread). Node
creation reads a single flag, ``STATE.plain``, which is true when history is recorded and anomaly
detection is off: that keeps the common path as fast as it would be without either feature.
"""

from __future__ import annotations

import contextlib
import os
import sys


class _State:
    __slots__ = ("grad_enabled", "anomaly", "plain", "sites")

    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly = False
        self.plain = True
        # While anomaly detection is on: node -> (file, line) of the user code that created it.
        self.sites: dict = {}

    def update(self) -> None:
        self.plain = self.grad_enabled and not self.anomaly


STATE = _State()


def is_grad_enabled() -> bool:
    """True when new Values record their parents (outside every ``no_grad``)."""
    return STATE.grad_enabled


class no_grad(contextlib.ContextDecorator):  # noqa: N801 - PyTorch's name
    """Context manager and decorator: Values made inside record no parents (they are leaves).

    >>> x = Value(2.0)
    >>> with no_grad():
    ...     y = x * 3
    >>> y.parents
    ()
    """

    def __init__(self) -> None:
        self._saved: list[bool] = []

    def __enter__(self) -> no_grad:
        self._saved.append(STATE.grad_enabled)
        STATE.grad_enabled = False
        STATE.update()
        return self

    def __exit__(self, *exc: object) -> None:
        STATE.grad_enabled = self._saved.pop()
        STATE.update()


class detect_anomaly:  # noqa: N801 - PyTorch's name
    """Context manager: the first non-finite result or gradient raises ``FloatingPointError``.

    Inside it, every operation checks that its result is finite, and every backward pass checks
    each gradient it computes. The error names the operation, its input values, and the file and
    line of the user code that created the node. Outside it, nothing is checked and nothing slows
    down.
    """

    def __init__(self) -> None:
        self._saved: list[bool] = []

    def __enter__(self) -> detect_anomaly:
        self._saved.append(STATE.anomaly)
        STATE.anomaly = True
        STATE.update()
        return self

    def __exit__(self, *exc: object) -> None:
        STATE.anomaly = self._saved.pop()
        STATE.update()
        if not STATE.anomaly:
            STATE.sites.clear()


_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_OWN_DIRS = tuple(
    os.path.join(_PACKAGE_ROOT, name) + os.sep for name in ("autograd", "nn", "viz")
)


def user_site() -> tuple[str, int]:
    """File and line of the innermost caller outside pathgrad's own packages."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_OWN_DIRS):
        frame = frame.f_back
    if frame is None:
        return ("<unknown>", 0)
    return (frame.f_code.co_filename, frame.f_lineno)
