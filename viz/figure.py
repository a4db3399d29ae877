"""A figure: one description of a graph, what its views share, and the one way to a picture.

``Figure(root, x, options)`` describes the graph once; a view is a function from the figure
(the description, and the sweeps and path sums computed from it, each computed once) to
``Annotations``; ``Figure.diagram`` applies the options every view shares, makes the ``Scene``,
writes its DOT and wraps it in a ``Diagram`` (rendered on demand). A figure of several views (the
player, the frames of a sequence) draws them all from the same ``Figure``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
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
from .fit import fitted
from .render import Diagram, check_format
from .scene import Annotations, Caption, Options, Scene, check_rankdir
from .sweep import Sweep, sweep
from .themes import check_theme

LEGENDS = ("full", "short", "side", False)
SLIDE = (6.3, 3.0)  # inches: what a 16:9 Beamer frame has for a picture under its title


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
        self.options = check_options(self.options)
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
                return self._factorize(max_paths)
            except TooManyPathsError as err:
                return err

        found = self.once(("factorize", max_paths), compute)
        if isinstance(found, TooManyPathsError):
            if strict:
                raise found
            return None
        return found

    def _factorize(self, max_paths: int) -> Factorization:
        return factorize(self.root, self.wrt, max_paths=max_paths)

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
        options = self.options
        legend = annotations.legend
        if options.legend == "short":
            legend = [((), annotations.short)] if annotations.short else []
        elif options.legend is False:
            legend = []
        footer = annotations.footer if options.legend is not False else ()
        size = SLIDE if options.size == "slide" else options.size
        if size is None:  # the view's own box (a batch of a network fits a screen)
            size = annotations.fit
        scene = Scene(
            annotations.graph or self.graph,
            annotations.nodes,
            annotations.edges,
            title,
            legend,
            caption,
            options.rankdir or "LR",
            annotations.constants,
            annotations.clusters,
            annotations.compact,
            annotations.same_rank,
            annotations.columns,
            footer,
            options.theme,
            options.fontsize,
            size if size is None or isinstance(size, tuple) else None,
            options.legend == "side",
        )
        if options.size is not None:  # the layout that reads largest in the box
            scene = fitted(
                scene, rotate=options.rankdir is None, side=options.legend in ("full", "short")
            )
        return Diagram(build_dot(scene), text, self.options.format)


def check_options(options: Options) -> Options:
    """The options, each checked: a clear error names the bad value and what is accepted."""
    legend, fontsize, size = options.legend, options.fontsize, options.size
    if legend is True:  # a legend: the whole of it
        legend = "full"
    elif legend is not False and legend not in LEGENDS:
        raise ValueError(f"legend must be 'full', 'short', 'side' or False, got {legend!r}")
    if (
        isinstance(fontsize, bool)
        or not isinstance(fontsize, int | float)
        or not 4 <= fontsize <= 72
    ):
        raise ValueError(f"fontsize must be a number of points from 4 to 72, got {fontsize!r}")
    if size is not None and size != "slide":
        ok = (
            isinstance(size, tuple | list)
            and len(size) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in size)
            and all(0.5 <= v <= 200 for v in size)
        )
        if not ok:
            raise ValueError(
                "size must be (width, height) in inches, each from 0.5 to 200, or 'slide' "
                f"(a 16:9 Beamer frame, {SLIDE[0]} by {SLIDE[1]} inches), got {size!r}"
            )
        size = (float(size[0]), float(size[1]))  # type: ignore[index]
    return replace(
        options,
        rankdir=None if options.rankdir is None else check_rankdir(options.rankdir),
        format=check_format(options.format),
        legend=legend,
        fontsize=float(fontsize),
        size=size,
        theme=check_theme(options.theme),
    )


def check_step(step: object, n: int) -> int:
    """A step of a sweep of n steps: 0 (before it) to n."""
    if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= n:
        raise ValueError(
            f"step must be an int from 0 (before the sweep) to {n} (the sweep's last step), "
            f"got {step!r}"
        )
    return step
