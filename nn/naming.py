"""The names of a teacher's notes for a model: its inputs (x₁, x₂), each layer's weights, biases
and outputs (W₁₂, c₁, h₁), which pictures and traces show in place of the dotted names.

A parameter has one name, its place in the model (``layers.0.neurons.1.w.0``, PyTorch's rule):
``named_parameters()``, ``state_dict()`` and model files use it, and so does its ``label`` unless
a notation is given here. A notation changes what is *shown* (the parameter's ``label``: every
picture, trace and ``repr``), never the keys of a state dict, so a file loads into the model
whatever names its pictures use.
"""

from __future__ import annotations

from collections.abc import Sequence

SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
INDEX_ORDERS = ("in,out", "out,in")
MAX_NAME = 40  # characters of a name a teacher gives


def subscript(*indices: int) -> str:
    """Indices from 1 as subscripts: ``subscript(1, 2)`` is "₁₂"; past 9 they are separated by
    commas ("₁,₁₂"), so that W₁₁₂ cannot be read two ways."""
    parts = [str(i).translate(SUBSCRIPT) for i in indices]
    return ("," if any(i > 9 for i in indices) else "").join(parts)


def check_name(what: str, name: object) -> str:
    """A name a teacher gives: a non-empty string of at most 40 printable characters."""
    if not isinstance(name, str):
        raise TypeError(f"{what} must be a string such as 'W' or 'x₁', got {type(name).__name__}")
    if not name.strip() or len(name) > MAX_NAME or not name.isprintable():
        raise ValueError(
            f"{what} must be 1 to {MAX_NAME} printable characters, not only spaces, got {name!r}"
        )
    return name


def input_names(names: object, count: int | None) -> tuple[str, ...]:
    """``names`` checked as the names of ``count`` inputs (any number when None), all different."""
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise TypeError(
            f"name_inputs takes a list of names, one per input (['x₁', 'x₂']), got {names!r}"
        )
    checked = tuple(check_name("an input's name", n) for n in names)
    if count is not None and len(checked) != count:
        raise ValueError(f"the model has {count} inputs, and {len(checked)} names were given")
    if len(set(checked)) != len(checked):
        raise ValueError(f"the inputs' names must all be different, got {list(checked)}")
    return checked


def layer_names(
    weight: object, bias: object, outputs: object, nin: int, nout: int, index: object
) -> tuple[list[list[str]], list[str], list[str]]:
    """The names of a layer of ``nout`` neurons reading ``nin`` inputs: (weights[j][i], biases[j],
    outputs[j]) for neuron j and input i.

    One neuron: a vector, w₁ ... wₙ, its bias ``bias`` and output ``outputs`` as given. Several:
    a matrix; ``index="in,out"`` writes W_ij for input i of neuron j, as in h = g(Wᵀx + c) (the
    notes' convention), ``"out,in"`` writes W_ji, as in h = g(Wx + b) and PyTorch's weight[j, i];
    the biases c₁ ... c_m and outputs h₁ ... h_m. Indices count from 1, as in the notes."""
    weight = check_name("the weights' name", weight)
    bias = check_name("the bias's name", bias)
    out = "" if outputs is None else check_name("the outputs' name", outputs)
    if index not in INDEX_ORDERS:
        raise ValueError(
            f"index must be 'in,out' (W_ij: input i, neuron j) or 'out,in', got {index!r}"
        )
    if nout == 1:
        return [[weight + subscript(i + 1) for i in range(nin)]], [bias], [out]
    pairs = [[(i + 1, j + 1) if index == "in,out" else (j + 1, i + 1) for i in range(nin)]
             for j in range(nout)]  # fmt: skip
    weights = [[weight + subscript(*pair) for pair in row] for row in pairs]
    biases = [bias + subscript(j + 1) for j in range(nout)]
    return weights, biases, [out + subscript(j + 1) if out else "" for j in range(nout)]
