"""``gradviz``: draw an expression's graph and explain one of its derivatives.

gradviz "(a+b)*(b+1)" a=2 b=1 --wrt b -o e.svg
gradviz                      # the classic example above
python -m viz --view reverse "tanh(w*x + c)" w=0.5 x=2 c=-1 -o net.png
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from .describe import DEFAULT_MAX_NODES, GraphTooLargeError
from .expr import ParseError, parse
from .render import RendererNotFoundError, format_of
from .views import draw_forward, draw_graph, draw_paths, draw_reverse, explain

CLASSIC = ("(a+b)*(b+1)", ["a=2", "b=1"], "b")
VIEWS = ("graph", "forward", "reverse", "paths")
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
    p.add_argument("expression", nargs="?", help='e.g. "(a+b)*(b+1)" (default: that one)')
    p.add_argument("values", nargs="*", metavar="name=value", help="a value for each variable")
    p.add_argument("--wrt", help="the variable to differentiate by (default: the first one)")
    p.add_argument("--view", default="paths", help=f"one of {', '.join(VIEWS)} (default: paths)")
    p.add_argument(
        "-o",
        "--output",
        default="gradviz.svg",
        help="the file to write: .svg, .png, .pdf or .dot (default gradviz.svg)",
    )
    p.add_argument(
        "--rankdir",
        default="LR",
        choices=["LR", "BT", "TB", "RL"],
        help="layout direction (default: LR; BT as in the classic figures)",
    )
    p.add_argument(
        "--max-nodes",
        type=int,
        default=DEFAULT_MAX_NODES,
        help=f"refuse larger graphs (default {DEFAULT_MAX_NODES})",
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
    if not expression.variables:
        raise UsageError("the expression has no variables to differentiate by")
    wrt = wrt or expression.variables[0]
    if wrt not in expression.variables:
        raise UsageError(
            f"--wrt {wrt!r} is not a variable of the expression ({', '.join(expression.variables)})"
        )
    out, leaves = expression.build(values)
    if out.parents:  # name the result; the title below gives its expression
        out.label = "out"
    x = leaves[wrt]
    try:
        if args.view == "graph":
            out.backward()
            diagram = draw_graph(out, args.rankdir, args.max_nodes)
        elif args.view == "forward":
            diagram = draw_forward(out, x, args.rankdir, args.max_nodes)
        elif args.view == "reverse":
            diagram = draw_reverse(out, args.rankdir, args.max_nodes)
        else:
            diagram = draw_paths(out, x, args.rankdir, max_nodes=args.max_nodes)
    except GraphTooLargeError as err:
        raise UsageError(f"{err} (use --max-nodes)") from None
    print(f"out = {text}  at  " + ", ".join(f"{k}={values[k]:g}" for k in expression.variables))
    print(explain(out, x))
    try:
        path = diagram.save(Path(args.output))
    except RendererNotFoundError as err:
        print(f"gradviz: {err}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``gradviz`` command; returns the exit status."""
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except UsageError as err:
        print(f"gradviz: error: {err}", file=sys.stderr)
        return 2


def console() -> None:
    sys.exit(main())
