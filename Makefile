# Two entry points for a fresh machine with only python3 (3.10+) and make:
#   make demo   set up .venv and show the engine at work
#   make test   set up .venv and run the linter and the test suite
# Every step that can take more than a few seconds says so first, with how long it takes here
# (a 2-core machine); nothing waits silently.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint bench images notebooks docs clean

# What setting up .venv costs the first time, for the target that asks for it (measured here).
SETUP := under a minute
demo: SETUP := about 40 s
lint test: SETUP := about 2.5 minutes
notebooks docs: SETUP := about a minute

$(BIN)/python:
	@echo "setting up .venv, a virtual environment for pathgrad and what make $(or $(MAKECMDGOALS),demo) needs (once: $(SETUP)) ..."
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --quiet --upgrade pip

# Re-install whenever the project's metadata changes (editable, so code edits need no reinstall).
# PYTHONWARNINGS=ignore and -qq keep setuptools' editable-install notice and pip's warnings about
# this machine's package indexes out of the output (errors still show).
PIP := PYTHONWARNINGS=ignore $(BIN)/python -m pip
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	@echo "installing pathgrad and its test tools into .venv (pytest, hypothesis, sympy, ruff, mypy,"
	@echo "  JupyterLab, nbmake, matplotlib, playwright; once, about 3 minutes) ..."
	@$(PIP) install --quiet --quiet -e '.[dev]'
	@touch $@

$(VENV)/.installed-demo: pyproject.toml | $(BIN)/python
	@echo "installing pathgrad into .venv (numpy, graphviz, graphviz-pure, pillow, tqdm; once, about 20 s) ..."
	@$(PIP) install --quiet --quiet -e .
	@touch $@

$(VENV)/.installed-notebooks: pyproject.toml | $(BIN)/python
	@echo "installing pathgrad, JupyterLab and matplotlib into .venv (once, about 1 minute) ..."
	@$(PIP) install --quiet --quiet -e '.[notebooks]'
	@touch $@

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	@echo "installing pathgrad and micrograd into .venv (once, about 20 s) ..."
	@$(PIP) install --quiet --quiet -e '.[bench]'
	@touch $@

$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	@echo "installing pathgrad and MkDocs (Material, mkdocstrings, mkdocs-jupyter) into .venv (once, about 40 s) ..."
	@$(PIP) install --quiet --quiet -e '.[docs]'
	@touch $@

# First the numbers that argue for reverse mode, then the classic example's picture.
demo: $(VENV)/.installed-demo
	@$(BIN)/python -m viz.lesson
	@echo
	@mkdir -p out
	@echo "$$ gradviz -o out/classic.svg"
	@$(BIN)/gradviz -o out/classic.svg
	@echo "the picture: $(CURDIR)/out/classic.svg (open it in a web browser, e.g. xdg-open or open)"

# The linter, the formatter's check (no file would change) and the type checker.
lint: $(VENV)/.installed-dev
	@echo "lint: ruff check, ruff format --check, mypy (about 15 s the first time) ..."
	@$(BIN)/ruff check --quiet autograd nn viz tests benchmarks docs
	@$(BIN)/ruff format --check --quiet autograd nn viz tests benchmarks docs
	@$(BIN)/mypy

test: lint
	@echo "pytest: the test suite on two workers, the five notebooks run in JupyterLab among them (about 2 minutes; a dot per test) ..."
	@$(BIN)/python -m pytest -n 2 --dist loadfile --durations=10

bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/engine.py

# The pictures the README shows, regenerated (never drawn by hand).
images: $(VENV)/.installed-dev
	$(BIN)/python docs/make_images.py

# Open the teaching notebooks in JupyterLab (as root too, where Jupyter wants --allow-root).
notebooks: $(VENV)/.installed-notebooks
	$(BIN)/jupyter lab notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

# The documentation site, in site/ (MkDocs, warnings as errors): open site/index.html.
docs: $(VENV)/.installed-docs
	@echo "building the documentation site with MkDocs into site/ (about 30 s, a minute on a busy machine) ..."
	@$(BIN)/python docs/build.py

clean:
	rm -rf $(VENV) build site *.egg-info
