"""``gradviz``: draw an expression's graph and explain one of its derivatives.

gradviz "(a+b)*(b+1)" a=2 b=1 --wrt b -o e.svg
gradviz                      # the classic example above
python -m viz --view reverse "tanh(w*x + c)" w=0.5 x=2 c=-1 -o net.png
gradviz --view reverse --step 3 -o step3.png      # the reverse sweep after three steps
gradviz --view reverse --animate backprop.gif     # every step, as an animated GIF
gradviz "(a+b)*(b+1)" a=2 b=1 --html e.html        # the backprop player, one web page
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from autograd import TooManyPathsError, Value, topological_order

from . import catalog
from .animation import FRAME_MODES, frames, save_animation
from .contraction import contracted_figure
from .description import DEFAULT_MAX_NODES, GraphTooLargeError
from .drawing import explain
from .expr import CONSTANTS, ParseError, parse
from .figure import Figure
from .player_page import DEFAULT_MAX_NODES as PLAYER_MAX_NODES
from .player_page import player
from .render import Diagram, RendererNotFoundError, RenderError, format_of
from .scene import Options
from .view_paths import LAYOUTS

CLASSIC = ("(a+b)*(b+1)", ["a=2", "b=1"], "b")
VIEWS = tuple(name for name, view in catalog.VIEWS.items() if view.command_line)
ANIMATED = FRAME_MODES
_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z_0-9]*)=(.+)$")


class UsageError(Exception):
    """A bad command line: reported on stderr with exit status 2, and no file written."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gradviz",
        description="Draw the computational graph of an expression and explain d(output)/d(x): "
        "the sum over paths against forward and reverse mode.",
        epilog='example: gradviz "(a+b)*(b+1)" a=2 b=1 --wrt b -o e.svg',
    )
    p.add_argument(
        "expression",
        nargs="?",
        help='e.g. "x*y + y" (default: the classic "(a+b)*(b+1)" at a=2 b=1)',
    )
    p.add_argument("values", nargs="*", metavar="name=value", help="a value for each variable")
    p.add_argument(
        "--wrt",
        metavar="NAME",
        help="the variable to differentiate by (default: the first in the expression; "
        "b for the classic example)",
    )
    p.add_argument(
        "--view",
        default="paths",
        metavar="{" + ",".join(VIEWS) + "}",
        help="the picture (default: paths)",
    )
    p.add_argument(
        "-o",
        "--output",
        default="gradviz.svg",
        metavar="FILE",
        help="the file to write: .svg, .png, .pdf or .dot (default gradviz.svg)",
    )
    p.add_argument(
        "--rankdir",
        default="LR",
        choices=["LR", "RL", "TB", "TD", "BT"],
        help="layout direction (default: LR; TD is TB, top down; BT as in the classic figures)",
    )
    p.add_argument(
        "--step", type=int, metavar="K", help="forward/reverse: draw the sweep after K steps"
    )
    p.add_argument(
        "--only", type=int, metavar="N", help="paths: highlight path N alone (numbered from 1)"
    )
    p.add_argument(
        "--layout",
        default="graph",
        metavar="{graph,multiples}",
        help="paths: the paths on the graph (default) or one small picture per path",
    )
    p.add_argument(
        "--contract",
        action="store_true",
        help="paths/factorized: draw each sum c1*u1 + c2*u2 + ... as weighted edges u_i -> sum, "
        "labelled with their multipliers (the derivative is the same; paths and multiplications "
        "are counted on that graph)",
    )
    p.add_argument(
        "--animate",
        metavar="FILE",
        help="forward/reverse/paths: write every step, as one animated FILE.gif, or as numbered "
        "files: --animate step.svg writes step-1.svg, step-2.svg, ... (.png alike; 01, 02, ... "
        "from 10 steps on)",
    )
    p.add_argument(
        "--html",
        metavar="FILE",
        help="write the backprop player: one web page stepping through the sweeps (FILE.html)",
    )
    p.add_argument(
        "--max-nodes",
        type=int,
        default=None,
        metavar="N",
        help=f"refuse larger graphs (default {DEFAULT_MAX_NODES}; {PLAYER_MAX_NODES} with "
        f"--html, whose player draws the whole graph at every step)",
    )
    return p


def _values(pairs: list[str], variables: list[str]) -> dict[str, float]:
    values: dict[str, float] = {}
    for pair in pairs:
        m = _ASSIGNMENT.match(pair)
        if not m:
            raise UsageError(f"bad value {pair!r}: expected name=number, like a=2")
        name, text = m.groups()
        try:
            values[name] = float(text)
        except ValueError:
            raise UsageError(f"bad value {pair!r}: {text!r} is not a number") from None
        if name in CONSTANTS:
            raise UsageError(f"{name} is the constant {CONSTANTS[name]:.6g}; give your variable "
                             f"another name")  # fmt: skip
        if name not in variables:
            raise UsageError(
                f"variable {name!r} is not in the expression (its variables: "
                f"{', '.join(variables) or 'none'})"
            )
    missing = [v for v in variables if v not in values]
    if missing:
        raise UsageError(
            "no value for "
            + ", ".join(repr(v) for v in missing)
            + "; pass "
            + " ".join(f"{v}=<number>" for v in missing)
        )
    return values


def run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.expression is None:
        text, pairs, wrt = CLASSIC[0], CLASSIC[1], args.wrt or CLASSIC[2]
    else:
        text, pairs, wrt = args.expression, args.values, args.wrt
    if args.view not in VIEWS:
        raise UsageError(f"unknown view {args.view!r}: use one of {', '.join(VIEWS)}")
    try:
        format_of(args.output)
    except ValueError as err:
        raise UsageError(str(err)) from None
    try:
        expression = parse(text)
    except ParseError as err:
        raise UsageError(f"cannot parse the expression: {err}") from None
    values = _values(pairs, expression.variables)
    if args.max_nodes is None:  # the player's own limit for a page, else the pictures'
        args.max_nodes = PLAYER_MAX_NODES if args.html else DEFAULT_MAX_NODES
    if args.max_nodes < 1:
        raise UsageError(f"--max-nodes must be a positive number, got {args.max_nodes}")
    _check_output(Path(args.html or args.animate or args.output))
    size = expression.operations + len(expression.variables)
    if size > args.max_nodes:  # refused before building: a huge expression costs nothing
        raise UsageError(f"{GraphTooLargeError(size, args.max_nodes)} (use --max-nodes)")
    if not expression.variables:
        raise UsageError("the expression has no variables to differentiate by")
    wrt = wrt or expression.variables[0]
    if wrt not in expression.variables and not catalog.VIEWS[args.view].x_as:
        raise UsageError(
            f"--wrt {wrt!r} is not a variable of the expression ({', '.join(expression.variables)})"
        )
    out, leaves = expression.build(values)
    assert isinstance(out, Value)  # an expression with variables builds a Value
    if out.parents:  # name the result; the title below gives its expression
        out.label = "out"
    x = leaves[wrt] if wrt in leaves else _sub_expression(out, wrt)
    _check_view_options(args)
    if args.contract:  # the sub-expressions' labels are their text, not names: drop them
        for v in topological_order(out):
            if v.parents and v is not out and v is not x:
                v.label = ""
    try:
        if args.html:
            page = player(out, x, args.rankdir, args.max_nodes)
        elif args.animate:
            sequence = frames(out, x, args.view, args.rankdir, args.max_nodes,
                              contract=args.contract)  # fmt: skip
        else:
            diagram = _draw(args, out, x)
    except GraphTooLargeError as err:
        raise UsageError(f"{err} (use --max-nodes)") from None
    except (ValueError, TooManyPathsError) as err:
        raise UsageError(str(err)) from None
    print(f"out = {text}  at  " + ", ".join(f"{k}={values[k]:g}" for k in expression.variables))
    print(explain(out, x, contract=args.contract))
    try:
        if args.html:
            written = [page.save(Path(args.html))]
        elif args.animate:
            written = save_animation(sequence, Path(args.animate))
        else:
            written = [diagram.save(Path(args.output))]
    except (RendererNotFoundError, RenderError) as err:
        print(f"gradviz: {_bounded(str(err))}", file=sys.stderr)
        return 1
    except OSError as err:
        target = err.filename or args.html or args.animate or args.output  # the file named
        print(f"gradviz: cannot write {target}: {err.strerror or err}", file=sys.stderr)
        return 1
    shown = f"{written[0]} ... {written[-1]}" if len(written) > 1 else str(written[0])
    print(f"wrote {shown}")
    return 0


def _check_output(path: Path) -> None:
    """The file to write is a file in a folder that exists: else a usage error, before work."""
    if path.is_dir():
        raise UsageError(f"the output {str(path)!r} is a folder: give a file name, like e.svg")
    if not path.parent.is_dir():
        raise UsageError(
            f"cannot write {str(path)!r}: the folder {str(path.parent)!r} does not exist"
        )


def _check_view_options(args: argparse.Namespace) -> None:
    """Options that belong to other views are mistakes, not silently ignored."""
    takes = catalog.VIEWS[args.view].options
    if args.step is not None and "step" not in takes:
        stepped = " or ".join(v for v in catalog.STEPPED if v in VIEWS)
        raise UsageError(f"--step goes with --view {stepped}, not {args.view}")
    if args.only is not None and "only" not in takes:
        raise UsageError(f"--only goes with --view paths, not {args.view}")
    if args.layout not in LAYOUTS:
        raise UsageError(f"unknown layout {args.layout!r}: use graph or multiples")
    if args.layout != "graph" and "layout" not in takes:
        raise UsageError(f"--layout goes with --view paths, not {args.view}")
    if args.html and Path(args.html).suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"--html writes a .html page, got {args.html!r}")
    if args.html and args.animate:
        raise UsageError("--html and --animate each write their own file: choose one")
    if args.contract and (args.html or args.view not in ("paths", "factorized")):
        raise UsageError(
            f"--contract goes with --view paths or factorized, not "
            f"{'the player (--html)' if args.html else args.view}"
        )
    if args.animate:
        if args.view not in ANIMATED:
            raise UsageError(f"--animate goes with --view {', '.join(ANIMATED)}, not {args.view}")
        if Path(args.animate).suffix.lower() not in (".gif", ".svg", ".png"):
            raise UsageError(f"--animate writes .gif, .svg or .png, got {args.animate!r}")


def _draw(args: argparse.Namespace, out: Value, x: Value) -> Diagram:
    """The view of the table named by --view, with the options it takes."""
    if args.view == "graph":
        out.backward()
    view = catalog.VIEWS[args.view]
    shared = Options(args.rankdir, args.max_nodes)
    fig = (
        contracted_figure(out, x, shared, True)
        if args.contract
        else Figure(out, x if view.needs_x else None, shared)
    )
    given = {"only": args.only, "layout": args.layout}
    options = {k: v for k, v in given.items() if k in view.options}
    if view.x_as:  # a view of any node (depends): --wrt names it
        options[view.x_as] = x
    return catalog.draw(fig, args.view, args.step, **options)


def _sub_expression(out: Value, text: str) -> Value:
    """The node of the sub-expression written ``text`` ("a+b"), for a view of any node."""
    found = [v for v in topological_order(out) if v.label.replace(" ", "") == text.replace(" ", "")]
    if not found:
        raise UsageError(
            f"--wrt {text!r} is neither a variable nor a sub-expression of the expression as "
            f"written (for --view {', '.join(v for v in VIEWS if catalog.VIEWS[v].x_as)}, e.g. a+b)"
        )
    return found[0]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``gradviz`` command; returns the exit status."""
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except UsageError as err:
        print(f"gradviz: error: {_bounded(str(err))}", file=sys.stderr)
        return 2


def _bounded(message: str) -> str:
    """The message with any run of over 100 characters without a space shortened: an error
    quotes what was typed, and a megabyte typed is not echoed back."""
    return re.sub(r"\S{101,}", lambda m: f"{m[0][:60]}… ({len(m[0])} characters)", message)


def console() -> None:
    sys.exit(main())
