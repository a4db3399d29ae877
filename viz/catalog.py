"""The table of views: each name with its function, whether it needs the variable x, its options,
and its steps; the library's ``draw_*`` functions, ``gradviz --view``, ``frames`` and the player
all read it (the ``draw_*`` entry points themselves are in ``viz.drawing``).

A view is a module ``view_<name>.py`` with ``annotate(fig, **options) -> Annotations``; a view in
steps also has ``steps(fig)``. Views never import each other: a figure of several (the frames of
the paths, the player) composes them here, over one ``Figure``. Adding a view is one module and
one row below (and its ``draw_*`` entry point).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from . import view_depends, view_factorized, view_graph, view_paths, view_sweep, view_values
from .explanation import explain_text
from .figure import Figure, check_step
from .render import Diagram
from .scene import Annotations


@dataclass(frozen=True)
class View:
    """One row of the table."""

    annotate: Callable[..., Annotations]
    needs_x: bool = False  # differentiates by a variable x (forward mode, paths)
    x_as: str = ""  # the option x is passed as, where x may be any node (depends: ``node``)
    options: tuple[str, ...] = ()  # its own options, as ``gradviz`` spells them (--step, --only)
    steps: Callable[[Figure], int] | None = None  # a view in steps: how many (step 0 before)
    text: Callable[[Figure], str] | None = None  # the diagram's text, when the view has none
    command_line: bool = True  # a ``gradviz --view``; the forward pass is the player's chapter
    # A sequence that is not the view's own steps: (view, its options) per frame.
    frames: Callable[[Figure], list[tuple[str, dict[str, Any]]]] | None = None


def _paths_one_by_one(fig: Figure) -> list[tuple[str, dict[str, Any]]]:
    """Each path alone, all of them with their sum, then the factorized view (at most 12)."""
    count, most = fig.count_paths(), view_paths.MAX_MULTIPLES
    if not 1 <= count <= most:
        raise ValueError(
            f"mode='paths' steps through 1 to {most} paths, and there are {count}: use "
            f"mode='forward' or draw_factorized(out, x)"
        )
    alone = [("paths", {"max_paths": most, "only": i, "reveal": True}) for i in range(1, count + 1)]
    return [*alone, ("paths", {"max_paths": most, "reveal": True}), ("factorized", {})]


VIEWS: dict[str, View] = {
    "graph": View(view_graph.annotate),
    "forward": View(lambda fig, **o: view_sweep.annotate(fig, "forward", **o), needs_x=True,
                    options=("step",), steps=lambda fig: view_sweep.steps(fig, "forward")),
    "reverse": View(lambda fig, **o: view_sweep.annotate(fig, "reverse", **o), options=("step",),
                    steps=lambda fig: view_sweep.steps(fig, "reverse")),
    "paths": View(view_paths.annotate, needs_x=True, options=("only", "layout"),
                  text=lambda fig: explain_text(fig), frames=_paths_one_by_one),
    "factorized": View(view_factorized.annotate, needs_x=True),
    "values": View(view_values.annotate, options=("step",), steps=view_values.steps,
                   command_line=False),
    "depends": View(view_depends.annotate, needs_x=True, x_as="node",
                    frames=lambda fig: [("depends", {"node": n.value}) for n in fig.graph.nodes]),
}  # fmt: skip
STEPPED = tuple(name for name, view in VIEWS.items() if view.steps is not None)
# What ``frames`` and ``gradviz --animate`` step through: a view's steps, or its own sequence.
SEQUENCES = tuple(
    name
    for name, v in VIEWS.items()
    if (v.steps is not None or v.frames is not None) and v.command_line
)


def draw(fig: Figure, name: str, step: int | None = None, **options: Any) -> Diagram:
    """View ``name`` of the figure (at ``step``, for a view in steps), as a picture."""
    view = VIEWS[name]
    if step is not None:
        if view.steps is None:
            raise ValueError(f"the {name} view has no steps: step=k goes with {STEPPED}")
        step = check_step(step, view.steps(fig))
        annotations = view.annotate(fig, step=step, **options)
    else:
        annotations = view.annotate(fig, **options)
    if view.text is not None and not annotations.text:
        annotations = replace(annotations, text=view.text(fig))
    return fig.diagram(annotations, step)


def sequence(fig: Figure, name: str) -> list[Diagram]:
    """The frames of view ``name``: every step 0 to n of a view in steps, else the view's own
    sequence (for "paths": each path alone, all of them, then the factorized view)."""
    view = VIEWS[name]
    if view.frames is not None:
        return [draw(fig, other, **options) for other, options in view.frames(fig)]
    assert view.steps is not None, name
    return [draw(fig, name, step=k) for k in range(view.steps(fig) + 1)]
