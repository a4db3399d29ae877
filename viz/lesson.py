"""Why backpropagation is reverse mode, in numbers the engine counts: ``python -m viz.lesson``.

Two families of graphs (``autograd.examples``), each cost counted by ``autograd.paths``, never
written by hand: the sum over paths, forward mode and reverse mode on

- ``stacked(k)``, the (α+β+γ)(δ+ε+ζ) stage repeated k times: 3^k paths from x to out;
- ``neuron(n)``, tanh(w·x + b) with n inputs, differentiated by its n weights and its bias.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from autograd import TooManyPathsError, count_paths, forward_mode, path_sum, reverse_mode
from autograd.examples import classic, neuron, stacked


@dataclass(frozen=True)
class Costs:
    """What each way to the derivatives costs, in multiplications (``autograd.paths`` counts).

    ``size`` is k or n; ``inputs`` how many derivatives are wanted; ``paths`` how many paths lead
    from them to the output; ``path_sum`` the multiplications of listing every path (None when
    there are more than ``max_paths`` to list); ``forward`` the multiplications of one forward
    sweep per input, added up; ``reverse`` those of the one reverse sweep that gives them all.
    """

    size: int
    inputs: int
    paths: int
    path_sum: int | None
    forward: int
    reverse: int


def by_depth(k: int, max_paths: int = 3**7) -> Costs:
    """The costs of d(out)/d(x) on ``stacked(k)``: one input, 3^k paths."""
    x, out = stacked(k)
    try:
        listed: int | None = path_sum(out, x, max_paths).multiplications
    except TooManyPathsError:
        listed = None
    forward = forward_mode(out, x)
    reverse = reverse_mode(out)
    return Costs(
        k, 1, count_paths(out, x), listed, forward.multiplications, reverse.multiplications
    )


def by_width(n: int) -> Costs:
    """The costs of the gradient of ``neuron(n)``: n + 1 parameters, one path from each."""
    params, out = neuron(n)
    sweeps = [forward_mode(out, p) for p in params]
    reverse = reverse_mode(out)
    listed = [path_sum(out, p) for p in params]
    return Costs(
        n,
        len(params),
        sum(count_paths(out, p) for p in params),
        sum(s.multiplications for s in listed),
        sum(s.multiplications for s in sweeps),
        reverse.multiplications,
    )


def report(
    depths: Sequence[int] = (1, 2, 3, 4, 5, 6, 7, 8, 30),
    widths: Sequence[int] = (1, 2, 4, 8, 16, 32, 64),
) -> str:
    """The two tables and what they say, as text."""
    lines = [
        "Why backpropagation is reverse mode, in multiplications counted by autograd.paths",
        "(count_paths, path_sum, forward_mode, reverse_mode: one per product of two numbers).",
        "",
        "Deeper: the stage (α+β+γ)(δ+ε+ζ) stacked k times, ∂out/∂x (autograd.examples.stacked)",
        f"{'':>21} {'multiplications':^38}".rstrip(),
        f"{'k':>4} {'paths':>16} {'path sum':>10} {'forward mode':>13} {'reverse mode':>13}",
    ]
    rows = [by_depth(k) for k in depths]
    for c in rows:
        listed = f"{c.path_sum}" if c.path_sum is not None else "too many"
        lines.append(f"{c.size:>4} {c.paths:>16} {listed:>10} {c.forward:>13} {c.reverse:>13}")
    step = by_depth(2).reverse - by_depth(1).reverse
    lines += [
        "The paths triple with every stage and the path sum lists each one; a sweep computes each",
        f"shared product once, so a stage adds {step} multiplications to it.",
        "",
        "Wider: a neuron tanh(w·x + b) with n inputs, ∂out/∂(each weight and the bias)",
        "(autograd.examples.neuron; a tree, one path per parameter)",
        f"{'':>16} {'multiplications (sweeps)':^38}".rstrip(),
        f"{'n':>4} {'parameters':>11} {'path sum':>10} {'forward mode':>13} {'reverse mode':>13}",
    ]
    wide = [by_width(n) for n in widths]
    for c in wide:
        fwd, rev = f"{c.forward} ({c.inputs})", f"{c.reverse} (1)"
        lines.append(f"{c.size:>4} {c.inputs:>11} {c.path_sum:>10} {fwd:>13} {rev:>13}")
    widest = wide[-1]
    lines += [
        "Forward mode needs one sweep per parameter, reverse mode one sweep for all of them: at",
        f"n = {widest.size}, {widest.forward} multiplications in {widest.inputs} sweeps against "
        f"{widest.reverse} in one. A loss has one output and many",
        "parameters: that is why backpropagation is reverse mode.",
        "",
        _small_graph_sentence(),
    ]
    return "\n".join(lines)


def _small_graph_sentence() -> str:
    *_, b, _, _, e = classic()
    costs = (
        path_sum(e, b).multiplications,
        forward_mode(e, b).multiplications,
        reverse_mode(e).multiplications,
    )
    return (
        "The first picture is the classic e = (a+b)(b+1): five nodes and two paths, so there is\n"
        "nothing to share yet and the three ways cost about the same ({}, {} and {} below);\n"
        "its worth is that every number can be checked by hand.".format(*costs)
    )


def main() -> None:
    print(report())


if __name__ == "__main__":
    main()
