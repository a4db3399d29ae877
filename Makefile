# Two entry points for a fresh machine with only python3 (3.10+) and make:
#   make demo   set up .venv and show the engine at work
#   make test   set up .venv and run the linter and the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint bench images notebooks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --quiet --upgrade pip

# Re-install whenever the project's metadata changes (editable, so code edits need no reinstall).
# PYTHONWARNINGS=ignore and -qq keep setuptools' editable-install notice and pip's warnings about
# this machine's package indexes out of the output (errors still show).
PIP := PYTHONWARNINGS=ignore $(BIN)/python -m pip
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet --quiet -e '.[dev]'
	touch $@

$(VENV)/.installed-demo: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet --quiet -e .
	touch $@

$(VENV)/.installed-notebooks: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet --quiet -e '.[notebooks]'
	touch $@

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet --quiet -e '.[bench]'
	touch $@

demo: $(VENV)/.installed-demo
	mkdir -p out
	$(BIN)/gradviz -o out/classic.svg
	@echo "the picture: $(CURDIR)/out/classic.svg (open it in a web browser, e.g. xdg-open or open)"

# The linter, the formatter's check (no file would change) and the type checker.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check autograd nn viz tests benchmarks docs
	$(BIN)/ruff format --check autograd nn viz tests benchmarks docs
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest --durations=10

bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/engine.py

# The pictures the README shows, regenerated (never drawn by hand).
images: $(VENV)/.installed-dev
	$(BIN)/python docs/make_images.py

# Open the teaching notebooks in JupyterLab.
notebooks: $(VENV)/.installed-notebooks
	$(BIN)/jupyter lab notebooks

clean:
	rm -rf $(VENV) build *.egg-info
