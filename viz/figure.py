"""A figure: one description of a graph, what its views share, and the one way to a picture.

``Figure(root, x, options)`` describes the graph once; a view is a function from the figure
(the description, and the sweeps and path sums computed from it, each computed once) to
``Annotations``; ``Figure.diagram`` applies the options every view shares, makes the ``Scene``,
writes its DOT and wraps it in a ``Diagram`` (rendered on demand). A figure of several views (the
player, the frames of a sequence) draws them all from the same ``Figure``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, overload

from autograd import (
    Factorization,
    ForwardMode,
    PathSum,
    ReverseMode,
    TooManyPathsError,
    Value,
    count_paths,
    factorize,
    forward_mode,
    path_sum,
    reverse_mode,
)

from .description import DEFAULT_MAX_NODES, GraphDescription, describe
from .dot import build_dot
from .render import Diagram, check_format
from .scene import Annotations, Caption, Options, Scene, check_rankdir
from .sweep import Sweep, sweep


class Figure:
    """``root``'s graph described once (with the given node ``names``, see ``describe``), the
    variable ``x`` a view differentiates by (or None), and the shared ``options``."""

    def __init__(
        self,
        root: Value,
        x: Value | None = None,
        options: Options | None = None,
        **naming: Any,
    ) -> None:
        self.options = options or Options()
        limit = self.options.max_nodes
        self.graph: GraphDescription = describe(
            root, DEFAULT_MAX_NODES if limit is None else limit, **naming
        )
        self.options = Options(
            check_rankdir(self.options.rankdir),
            self.options.max_nodes,
            check_format(self.options.format),
        )
        self.root = root
        self.x = x
        self._once: dict[object, object] = {}

    @property
    def wrt(self) -> Value:
        """The variable the figure differentiates by (a view that needs one)."""
        if not isinstance(self.x, Value):
            raise TypeError(f"this view needs x, the Value to differentiate by, got {self.x!r}")
        return self.x

    def once(self, key: object, compute: Callable[[], Any]) -> Any:
        """``compute()``, computed the first time ``key`` is asked for in this figure."""
        if key not in self._once:
            self._once[key] = compute()
        return self._once[key]

    # What several views read, each computed once per figure.
    def sweep(self, mode: str) -> Sweep:

        def compute() -> Sweep:
            if mode == "reverse":
                return sweep(self.graph, mode, result=self.reverse())
            if mode == "forward" and isinstance(self.x, Value):
                return sweep(self.graph, mode, self.x, self.forward())
            return sweep(self.graph, mode, self.x)

        return self.once(("sweep", mode), compute)

    def reverse(self) -> ReverseMode:
        return self.once("reverse", lambda: reverse_mode(self.root))

    def forward(self) -> ForwardMode:
        return self.once("forward", lambda: forward_mode(self.root, self.wrt))

    def count_paths(self) -> int:
        return self.once("count", lambda: count_paths(self.root, self.wrt))

    def path_sum(self, max_paths: int) -> PathSum:
        return self.once(("paths", max_paths), lambda: path_sum(self.root, self.wrt, max_paths))

    @overload
    def factorization(self, max_paths: int = ..., *, strict: Literal[True]) -> Factorization: ...

    @overload
    def factorization(
        self, max_paths: int = ..., *, strict: bool = ...
    ) -> Factorization | None: ...

    def factorization(
        self, max_paths: int = 10_000, *, strict: bool = False
    ) -> Factorization | None:
        """``factorize(root, x)``; when a segment has too many paths to list, None (or with
        ``strict`` the ``TooManyPathsError``)."""

        def compute() -> Factorization | TooManyPathsError:
            try:
                return factorize(self.root, self.wrt, max_paths=max_paths)
            except TooManyPathsError as err:
                return err

        found = self.once(("factorize", max_paths), compute)
        if isinstance(found, TooManyPathsError):
            if strict:
                raise found
            return None
        return found

    def diagram(self, annotations: Annotations, step: int | None = None) -> Diagram:
        """The picture: the annotations with the shared options, as DOT, in a ``Diagram``.

        With ``step=k`` (a view in steps) the title says which step of how many, and the step's
        caption sits under the picture in a box sized for the longest caption of the sequence."""
        title, caption, text = annotations.title, None, annotations.text
        captions = annotations.captions
        if step is not None and captions:
            title += f" (step {step} of {len(captions) - 1})"
            text = captions[step]
            caption = Caption.fitting(text, captions)
        scene = Scene(
            annotations.graph or self.graph,
            annotations.nodes,
            annotations.edges,
            title,
            annotations.legend,
            caption,
            self.options.rankdir,
            annotations.constants,
            annotations.clusters,
            annotations.compact,
            annotations.same_rank,
            annotations.columns,
            annotations.footer,
            annotations.fit,
        )
        return Diagram(build_dot(scene), text, self.options.format)


def check_step(step: object, n: int) -> int:
    """A step of a sweep of n steps: 0 (before it) to n."""
    if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= n:
        raise ValueError(
            f"step must be an int from 0 (before the sweep) to {n} (the sweep's last step), "
            f"got {step!r}"
        )
    return step
