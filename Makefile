# Two commands on a fresh clone: `make validate` (the main job) and `make test`.
# Each creates .venv and installs the pinned dependencies first; only python3 (3.11+) is needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: validate test fill normalize benchmark clean

$(BIN)/validate-dataset: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

validate: $(BIN)/validate-dataset
	$(BIN)/python -m validate datapackage.json

test: $(BIN)/validate-dataset
	$(BIN)/python -m pytest

fill: $(BIN)/validate-dataset
	$(BIN)/python -m validate fill datapackage.json

normalize: $(BIN)/validate-dataset
	$(BIN)/python -m validate normalize datapackage.json

benchmark: $(BIN)/validate-dataset
	$(BIN)/python benchmarks/validate_speed.py

clean:
	rm -rf $(VENV) build *.egg-info
