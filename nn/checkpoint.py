"""Model files: a module's architecture as data and its parameters, in JSON, checked when read.

A file written by ``Module.save`` reads::

    {"format": "pathgrad-module", "version": 1,
     "architecture": {"kind": "MLP", "inputs": 2, "sizes": [4, 1],
                      "activation": "relu", "output_activation": "identity"},
     "state": {"layers.0.neurons.0.w.0": 0.25, ...}}

``architecture`` is ``Module.architecture()``: what ``nn.load`` needs to rebuild a ``Neuron``
(kind, inputs, activation), a ``Layer`` (kind, inputs, outputs, activation) or an ``MLP`` (kind,
inputs, sizes, activation, output_activation). Files written before this layout hold the
architecture as the text of ``describe()`` ("MLP(2, [4, 1], activation=relu, ...)"); they still
load: ``_from_description`` reads that text into the same fields, and nothing else parses text.

Nothing a file says is believed before it is checked: one UTF-8 JSON object, no key twice, the
format tag and version, sizes of ASCII digits within bounds, and as many numbers as the
architecture has parameters, all before a model is built or a parameter changes; errors quote at
most 200 characters of what the file holds. ``save`` writes atomically (``autograd.files``).
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Any

from autograd.files import atomic_write

from .activations import ACTIVATIONS
from .checks import listing, quoted
from .module import MLP, Layer, Module, Neuron

FILE_FORMAT = "pathgrad-module"
FILE_VERSION = 1

Architecture = dict[str, Any]  # Module.architecture(): {"kind": ..., sizes, activations}

# The fields of each kind nn.load rebuilds, in the order describe() writes them.
FIELDS = {
    "Neuron": ("inputs", "activation"),
    "Layer": ("inputs", "outputs", "activation"),
    "MLP": ("inputs", "sizes", "activation", "output_activation"),
}


def save(module: Module, path: str | os.PathLike) -> None:
    """Write ``module``'s architecture and parameters to ``path`` (see ``Module.save``)."""
    named = {id(p) for _, p in module.named_parameters()}
    listed = {id(p) for p in module.parameters()}
    if not named or named != listed:
        raise ValueError(
            f"cannot save {type(module).__name__}: its parameters() gives {len(listed)} Values "
            f"and {len(named)} are found by name among its attributes (Values, Modules, and "
            f"lists, tuples or dicts of them); keep the parameters there, or save "
            f"state_dict() yourself"
        )
    document = {
        "format": FILE_FORMAT,
        "version": FILE_VERSION,
        "architecture": module.architecture(),
        "state": module.state_dict(),
    }
    atomic_write(path, json.dumps(document, indent=1))


def load_into(module: Module, path: str | os.PathLike, allow_nonfinite: bool) -> None:
    """``module.load(path)``: the file's parameters, once its architecture is module's own."""
    _, state = read(Path(path), allow_nonfinite, module)
    _load_checked(module, path, state)


def load(path: str | os.PathLike, allow_nonfinite: bool = False) -> Module:
    """``nn.load(path)``: the module a file describes, rebuilt and loaded: a ``Neuron``,
    ``Layer`` or ``MLP`` with one of nn's activations (for another module, make it and call its
    own ``load``)."""
    found, state = read(Path(path), allow_nonfinite)
    model = _rebuild(found, path, len(state))
    _load_checked(model, path, state)
    return model


def _load_checked(module: Module, path: str | os.PathLike, state: dict) -> None:
    try:
        module.load_state_dict(state)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{path}: {err}") from None


def read(path: Path, allow_nonfinite: bool, fits: Module | None = None) -> tuple[Any, dict]:
    """(architecture, state) of a model file, checked (against module ``fits`` when given): one
    ValueError naming the file and what is wrong. The architecture is a dict, or a
    ``describe()`` text in files written before architectures were data."""

    def bad(problem: str) -> ValueError:
        return ValueError(f"{path} is not a pathgrad model file: {problem}")

    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise bad("it is not UTF-8 text") from None
    try:  # NaN and Infinity: checked below
        document = json.loads(text, parse_int=_integer, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as err:
        raise bad(f"not JSON ({err})") from None
    except _DuplicateKeyError as err:
        raise bad(f"the key {quoted(str(err))} appears twice in one object") from None
    except RecursionError:
        raise bad("its JSON is nested too deeply") from None
    if not isinstance(document, dict) or document.get("format") != FILE_FORMAT:
        raise bad(f"no {FILE_FORMAT!r} format tag")
    if document.get("version") != FILE_VERSION:
        raise bad(
            f"version {quoted(repr(document.get('version')))}; this pathgrad reads version "
            f"{FILE_VERSION}"
        )
    found = document.get("architecture")
    if not isinstance(found, dict):
        found = str(found)  # a describe() text, from a file written before architectures as data
    if fits is not None and found != (
        fits.architecture() if isinstance(found, dict) else fits.describe()
    ):
        raise ValueError(
            f"{path} holds a {quoted(_described(found))}, which does not fit this "
            f"{quoted(fits.describe())}"
        )
    state = document.get("state")
    if not isinstance(state, dict):
        raise bad("no 'state' mapping of parameter names to numbers")
    infinite = [k for k, v in state.items() if isinstance(v, float) and not math.isfinite(v)]
    if infinite and not allow_nonfinite:
        raise bad(
            f"non-finite values for {listing(infinite)}; pass allow_nonfinite=True to load them"
        )
    return found, state


def _rebuild(found: Architecture | str, path: object, numbers: int) -> Module:
    """The module ``found`` describes, once the file's count of ``numbers`` is the count of
    parameters it has: what a file claims is checked before anything is allocated."""
    arch = found if isinstance(found, dict) else _from_description(found)
    kind = arch.get("kind") if arch is not None else None
    if arch is None or kind not in FIELDS or set(arch) != {"kind", *FIELDS[kind]}:
        raise _cannot_rebuild(found, path)
    sizes = [arch["inputs"]] + (arch["sizes"] if kind == "MLP" else [])
    sizes += [arch["outputs"]] if kind == "Layer" else []
    activations = [arch[f] for f in FIELDS[kind] if f.endswith("activation")]
    if not all(isinstance(a, str) and a in ACTIVATIONS for a in activations):
        raise _cannot_rebuild(found, path)
    if not sizes or not all(type(n) is int and n >= 1 for n in sizes):
        raise _cannot_rebuild(found, path)
    if any(n >= 10**18 for n in sizes):
        raise ValueError(f"{path} holds a {quoted(_described(found))}, whose sizes are too large")
    expected = _parameter_count(kind, sizes)
    if expected != numbers:
        raise ValueError(
            f"{path} holds a {quoted(_described(found))}, which has {expected} parameters, and "
            f"{numbers} numbers: the file is damaged or was edited"
        )
    if kind == "Neuron":
        return Neuron(sizes[0], activations[0], seed=0)
    if kind == "Layer":
        return Layer(sizes[0], sizes[1], activations[0], seed=0)
    return MLP(sizes[0], sizes[1:], activations[0], activations[1], seed=0)


def _cannot_rebuild(found: Architecture | str, path: object) -> ValueError:
    return ValueError(
        f"{path} holds a {quoted(_described(found))}, which nn.load cannot rebuild (it rebuilds "
        f"Neuron, Layer and MLP with nn's activations): make the module and call its load(path)"
    )


def _parameter_count(kind: str, sizes: list[int]) -> int:
    """How many parameters a Neuron(nin), Layer(nin, nout) or MLP(nin, [n1, n2, ...]) has."""
    if kind == "Neuron":
        return sizes[0] + 1
    if kind == "Layer":
        return sizes[1] * (sizes[0] + 1)
    return sum(nout * (nin + 1) for nin, nout in zip(sizes, sizes[1:], strict=False))


def _described(found: Architecture | str) -> str:
    """An architecture as ``describe()`` writes it, for messages (JSON if it is not nn's)."""
    if isinstance(found, str):
        return found
    kind = found.get("kind")
    if kind in FIELDS and set(found) == {"kind", *FIELDS[kind]}:
        values = [found[f] for f in FIELDS[kind]]
        sizes = ", ".join(str(v) for v in values if not isinstance(v, str))
        named = [f"{f}={found[f]}" for f in FIELDS[kind] if f.endswith("activation")]
        return f"{kind}({', '.join([sizes, *named])})"
    return json.dumps(found)


# Files written before architectures were data: describe()'s text. ASCII digits only (re.ASCII):
# "٣" is not a size.
_DESCRIPTIONS = {
    "Neuron": re.compile(r"Neuron\((\d+), activation=(\w+)\)", re.ASCII),
    "Layer": re.compile(r"Layer\((\d+), (\d+), activation=(\w+)\)", re.ASCII),
    "MLP": re.compile(
        r"MLP\((\d+), \[(\d+(?:, \d+)*)\], activation=(\w+), output_activation=(\w+)\)",
        re.ASCII,
    ),
}


def _from_description(text: str) -> Architecture | None:
    """The architecture an old file's ``describe()`` text names, or None. Sizes past 18 digits
    stay too large without being converted (``int`` of 5000 digits is slow)."""
    for kind, pattern in _DESCRIPTIONS.items():
        m = pattern.fullmatch(text)
        if not m:
            continue
        digits = [m[1]] + (m[2].split(", ") if kind != "Neuron" else [])
        sizes = [int(n) if len(n) <= 18 else 10**18 for n in digits]
        if kind == "Neuron":
            return {"kind": kind, "inputs": sizes[0], "activation": m[2]}
        if kind == "Layer":
            return {"kind": kind, "inputs": sizes[0], "outputs": sizes[1], "activation": m[3]}
        mlp = {"kind": kind, "inputs": sizes[0], "sizes": sizes[1:], "activation": m[3]}
        return {**mlp, "output_activation": m[4]}
    return None


class _DuplicateKeyError(ValueError):
    """A JSON object names a key twice (json keeps the last one; a checkpoint may not)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKeyError(key)
            seen.add(key)
    return document


def _integer(digits: str) -> int | float:
    """A JSON integer; past 300 digits a float (inf), refused as non-finite rather than failing
    to convert halfway through loading."""
    return int(digits) if len(digits.lstrip("-")) <= 300 else float(digits)
