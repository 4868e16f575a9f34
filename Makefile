# Two commands on a fresh clone: `make validate` (the main job) and `make test`.
# Each creates .venv and installs the pinned dependencies first; only python3 (3.11+) is needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: validate test oracle lint fill benchmark clean

$(BIN)/validate-dataset: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

validate: $(BIN)/validate-dataset
	$(BIN)/python -m validate datapackage.json

test: $(BIN)/validate-dataset
	$(BIN)/python -m pytest -n auto -m "not oracle"

# The differential tests: the DuckDB engine against frictionless, on every fixture and on mutations.
oracle: $(BIN)/validate-dataset
	$(BIN)/python -m pytest -n auto -m oracle

lint: $(BIN)/validate-dataset
	$(BIN)/ruff check validate tests benchmarks
	$(BIN)/mypy validate

fill: $(BIN)/validate-dataset
	$(BIN)/python -m validate fill datapackage.json

# The shipped package against bare frictionless, then scaled packages (10k, 100k, 1M rows, valid
# and with broken foreign keys, written under /tmp) against frictionless and plain DuckDB SQL.
benchmark: $(BIN)/validate-dataset
	$(BIN)/python benchmarks/validate_speed.py
	$(BIN)/python benchmarks/scale.py

clean:
	rm -rf $(VENV) build *.egg-info
