"""Every public name of the three packages is used in at least one teaching notebook."""

import inspect
import json
import re
from pathlib import Path

import autograd
import nn
import viz
from nn import data, functional, optim

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def public_names() -> set[str]:
    names = set(autograd.__all__) | set(nn.__all__) | set(viz.__all__)
    for module in (functional, optim, data):
        names |= {
            name
            for name, obj in vars(module).items()
            if not name.startswith("_")
            and (inspect.isfunction(obj) or inspect.isclass(obj))
            and obj.__module__ == module.__name__
        }
    for cls in (autograd.Value, nn.Module):
        names |= {name for name in vars(cls) if not name.startswith("_")}
    return names


def notebook_code() -> str:
    cells = []
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                cells.append("".join(cell["source"]))
    return "\n".join(cells)


def test_there_are_five_notebooks():
    assert len(list(NOTEBOOKS.glob("*.ipynb"))) == 5


def test_every_public_name_is_used_in_a_notebook():
    code = notebook_code()
    missing = sorted(name for name in public_names() if not re.search(rf"\b{name}\b", code))
    assert missing == []
