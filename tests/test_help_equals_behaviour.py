"""What the help and the README tell a newcomer is what the code does: each claim, run.

(``gradviz --help`` is swept option by option in tests/viz/test_cli_help.py.)
"""

import pydoc
import re
import shlex
from pathlib import Path

import nn
from autograd import Value, __version__, examples
from nn.optim import SGD
from viz import draw_graph
from viz.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_help_of_value_names_only_calls_that_exist():
    text = pydoc.render_doc(Value, renderer=pydoc.plaintext)
    called = set(re.findall(r"``(?:[a-z_.]+\.)?([a-z_]+)\(\)``", Value.__doc__))
    assert "zero_grad" in called  # the reset it tells the reader about ...
    for name in called:  # ... and every call it names is a method of Value or of an nn Module
        assert hasattr(Value, name) or hasattr(nn.Module, name), name
    assert "v.grad = 0" in " ".join(text.split())


def test_leaf_gradients_accumulate_until_reset_as_help_value_says():
    a, b, *_, e = examples.classic()
    e.backward()
    e.backward()
    assert (a.grad, b.grad) == (4.0, 10.0)  # accumulated
    a.grad = b.grad = 0  # "reset: v.grad = 0"
    e.backward()
    assert (a.grad, b.grad) == (2.0, 5.0)
    model = nn.MLP(2, [1], seed=0)
    model([1.0, 2.0]).backward()
    assert any(p.grad for p in model.parameters())
    model.zero_grad()  # "or nn's zero_grad()", on a module ...
    assert all(p.grad == 0 for p in model.parameters())
    model([1.0, 2.0]).backward()
    SGD(model.parameters(), lr=0.1).zero_grad()  # ... or an optimizer
    assert all(p.grad == 0 for p in model.parameters())


def test_every_rankdir_the_readme_lists_is_accepted():
    listed = re.search(r"share `rankdir=\"LR\"` \(also (.*?)\)", README).group(1)
    rankdirs = ["LR", *re.findall(r'"([A-Z]{2})"', listed)]
    assert "TD" in rankdirs
    *_, e = examples.classic()
    for rankdir in rankdirs:
        drawn = re.search(r"rankdir=(\w+)", draw_graph(e, rankdir=rankdir).source).group(1)
        assert drawn == {"TD": "TB"}.get(rankdir, rankdir)


def test_the_readme_gradviz_transcript_is_what_gradviz_prints(tmp_path, monkeypatch, capsys):
    block = re.search(r"```\n\$ (gradviz .*?)\n(.*?)```", README, re.S)
    argv, printed = shlex.split(block.group(1))[1:], block.group(2)
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 0
    assert capsys.readouterr().out == printed


def test_the_readme_install_says_pypi_has_no_pathgrad_yet_and_names_the_wheel_build_writes():
    install = README[README.index("## Install") : README.index("```python")]
    assert "not on PyPI yet" in install and "pip install pathgrad " not in install
    assert f"dist/pathgrad-{__version__}-py3-none-any.whl" in install  # what python -m build writes
