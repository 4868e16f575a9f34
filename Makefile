# On a fresh clone: `make validate` (the main job), `make test` (the quick run) and `make test-all`
# (every test, what CI runs). Each creates .venv and installs the pinned dependencies first; only
# python3 (3.11+) is needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: validate test test-all oracle properties lint fill normalize benchmark clean exports serve site benchmark-exports diff release

$(BIN)/validate-dataset: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

validate: $(BIN)/validate-dataset
	$(BIN)/python -m validate datapackage.json

# cffconvert 2.0.0 pins jsonschema<4 (frictionless needs >=4.20), so the tests run it from its own venv.
CFF_VENV := .venv-cffconvert

$(CFF_VENV)/bin/cffconvert: requirements-cffconvert.lock
	$(PYTHON) -m venv $(CFF_VENV)
	$(CFF_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-cffconvert.lock
	touch $@

# The quick run, for the edit-test loop: every fixture case of every check and the unit tests. The
# end-to-end groups (marker `slow`, given by module in tests/conftest.py) and the differential tests
# are left to `make test-all`; docs/testing.md has the split and its timings.
test: $(BIN)/validate-dataset
	$(BIN)/python -m pytest -n auto -m "not slow and not oracle"

# Every test in one run, as CI runs it (.ci/run): the quick run, the slow groups, the differential
# tests, and the property tests at their full count (PROPERTY_EXAMPLES=full, as `make properties`).
test-all: $(BIN)/validate-dataset $(CFF_VENV)/bin/cffconvert
	PROPERTY_EXAMPLES=full $(BIN)/python -m pytest -n auto

# The differential tests: the DuckDB engine against frictionless, on every fixture and on mutations.
oracle: $(BIN)/validate-dataset
	$(BIN)/python -m pytest -n auto -m oracle

# The property tests alone at their full count (`make test-all` runs them so too); a bare pytest run
# of them runs a quarter of it (tests/test_properties.py says why).
properties: $(BIN)/validate-dataset
	PROPERTY_EXAMPLES=full $(BIN)/python -m pytest -n auto -m "not oracle" tests/test_properties.py tests/test_columnar.py

# Generated pages, stale, fail here: docs/cli.md from the commands' --help (validate/cli/reference.py),
# docs/validation.md's checks and codes from the checks (validate/catalogue.py).
GENERATED_DOCS := docs/cli.md docs/validation.md

lint: $(BIN)/validate-dataset
	$(BIN)/ruff check validate tests benchmarks .github/action
	$(BIN)/ruff format --check validate tests benchmarks .github/action
	$(BIN)/mypy validate
	$(BIN)/cog --check --check-fail-msg "run: $(BIN)/cog -r $(GENERATED_DOCS)" $(GENERATED_DOCS)

fill: $(BIN)/validate-dataset
	$(BIN)/python -m validate fill datapackage.json

normalize: $(BIN)/validate-dataset
	$(BIN)/python -m validate normalize datapackage.json

# The shipped package against bare frictionless, then scaled packages (10k, 100k, 1M rows, valid
# and with broken foreign keys, written to the temporary folder) against frictionless and plain DuckDB SQL;
# then the peak memory of a run with 411,195 errors, held whole as before and streamed as now;
# then what one more small package costs a caller that validates many in one process.
benchmark: $(BIN)/validate-dataset
	$(BIN)/python benchmarks/validate_speed.py
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/report_memory.py
	$(BIN)/python benchmarks/many_packages.py

exports: $(BIN)/validate-dataset
	$(BIN)/python -m validate exports datapackage.json --dist dist

benchmark-exports: $(BIN)/validate-dataset
	$(BIN)/python benchmarks/exports_speed.py

# The annotated article and a page per table are built with the other exports, into dist/site/: static
# files that work from the folder (file://) or any static host such as GitHub Pages.
site: exports
	@echo "open dist/site/index.html: no server needed"

# No arbitrary SQL (docs/exports.md, "SQL in Datasette"): metadata.json says so too; the setting covers a
# metadata.json edited by hand.
serve: exports
	$(BIN)/datasette serve dist/*.sqlite --metadata dist/metadata.json --setting default_allow_sql off --host 127.0.0.1 --port 8001

# What this branch changes, as the pull-request job (.github/workflows/diff.yml) reports it: from where
# the branch left the default branch (the merge-base with origin/main, else main; BASE=<rev> to choose)
# to the working folder, the bump the changes need, and whether CHANGELOG.md's Unreleased section adds
# a note for them. Changes merged on main since are not the branch's, so they are not shown; a release
# checks the bump itself with `release --prepare`.
DIFF_BASE = $(or $(BASE),$(shell git merge-base HEAD origin/main 2>/dev/null || git merge-base HEAD main 2>/dev/null))

diff: $(BIN)/validate-dataset
	@test -n "$(DIFF_BASE)" || { echo "make diff: found neither origin/main nor main to start from; give BASE=<rev>" >&2; exit 2; }
	$(BIN)/python -m validate diff $(DIFF_BASE) . --require-changelog

# Validate, rebuild the committed exports/ from the package, then build dist/<name>-<version>.zip (reproducible,
# with SHA256SUMS and exports/); refused, nothing written, when releases/ records the version with another
# sha256. `make exports` builds the current main into dist/ instead. docs/releasing.md.
release: $(BIN)/validate-dataset
	$(BIN)/python -m validate release $(RELEASE_FLAGS)

clean:
	rm -rf $(VENV) $(CFF_VENV) build *.egg-info
