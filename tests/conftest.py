"""Shared fixtures: build small packages in a temporary folder from the fixture cases.

A valid case under fixtures/valid/<case>/ is a complete package except for schemas/,
which is always the repository's own (so the fixtures test the schemas we ship). An
invalid case under fixtures/invalid/<check-id>/<case>/, filed under the check it was
written for, is an `expected.json` listing the exact errors and the `edits` that make it
from a valid package (`minimal`, or the one it names as `base`), plus whole files only
where an edit cannot say it (bytes: fixtures/README.md).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from validate.fill import fill_descriptor

from .fixture_edits import apply_edits

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"
# Every invalid case, `invalid/<check-id>/<case>/`, by check then case; test_fixture_cases.py holds the layout to it.
INVALID_CASES = sorted(case for case in INVALID.glob("*/*") if case.is_dir())

# Property tests run a quarter of their examples in a bare pytest run and all of them under `make test-all`
# and `make properties` (PROPERTY_EXAMPLES=full; CI runs test-all): the examples are replayed the same each
# run, so more of them in the edit-test loop find nothing new.
FULL_EXAMPLES = os.environ.get("PROPERTY_EXAMPLES") == "full"


def examples(full: int) -> int:
    """The full count of examples under `make test-all` and `make properties`, a quarter of it otherwise."""
    return full if FULL_EXAMPLES else max(1, full // 4)


def case_id(case: Path) -> str:
    """An invalid case's name in test IDs and messages: `<check-id>/<case>`."""
    return case.relative_to(INVALID).as_posix()


def build_package(target: Path, case: Path | None = None, base: str = "minimal") -> Path:
    """Copy a valid package (plus the repo's schemas) to `target`, overlay `case`'s files and apply its edits; return the descriptor."""
    spec = (
        json.loads((case / "expected.json").read_text(encoding="utf-8")) if case is not None else {}
    )
    shutil.copytree(VALID / spec.get("base", base), target, dirs_exist_ok=True)
    shutil.copytree(REPO / "schemas", target / "schemas", dirs_exist_ok=True)
    if case is not None:
        for source in case.rglob("*"):
            if source.is_file() and source.name != "expected.json":
                destination = target / source.relative_to(case)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, destination)
        apply_edits(target, spec.get("edits", []))
        for relative in spec.get("delete", []):
            doomed = target / relative
            shutil.rmtree(doomed) if doomed.is_dir() else doomed.unlink()
    if not spec.get("keep_hashes"):
        fill_descriptor(target / "datapackage.json")  # a case tests its own rule, not stale hashes
    return target / "datapackage.json"


# The modules `make test` leaves to `make test-all` (marker `slow`), chosen from per-module durations
# (docs/testing.md): the end-to-end groups (release bundles, browser, exports, diff, packaging, hostile
# inputs, lint, walkthroughs, citation formats, CI files, the differential and property tests) and any
# other module whose tests take more than a quarter second each on average. The fixture cases stay in the
# quick run whatever they cost: they are every check's contract. A new slow module is added here, by name.
SLOW_MODULES = frozenset(
    {
        "test_action",
        "test_audit",
        "test_spreadsheet_dialects",
        "test_browser",
        "test_site_browser",
        "test_cell_references",
        "test_ci",
        "test_citation",
        "test_columnar",
        "test_contributing",
        "test_descriptor_verdicts",
        "test_diff",
        "test_diff_hostile",
        "test_diff_properties",
        "test_diff_sides",
        "test_diff_workflow",
        "test_docs",
        "test_engine",
        "test_engine_oracle",
        "test_exports",
        "test_fixture_controls",
        "test_hostile",
        "test_lint",
        "test_messages",
        "test_packaging",
        "test_properties",
        "test_readme",
        "test_release_bundle",
        "test_rename",
        "test_reports",
        "test_repository",
        "test_reuse",
        "test_robustness",
        "test_suite_split",
    }
)


# The marker expression of `make test`. Under it a slow module is not even imported, since every test in it
# would be deselected: each worker is spared collecting the end-to-end modules (about 1.5 s).
QUICK = "not slow and not oracle"


def pytest_ignore_collect(collection_path: Path, config) -> bool | None:
    """Skip a slow module under `make test`'s marker expression; leave every other decision to pytest."""
    if (
        config.getoption("markexpr") == QUICK
        and collection_path.suffix == ".py"
        and collection_path.stem in SLOW_MODULES
    ):
        return True
    return None


def pytest_collection_modifyitems(config, items):
    """Mark every test of a module in SLOW_MODULES `slow`."""
    for item in items:
        if item.module.__name__.rpartition(".")[2] in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def minimal_package(tmp_path: Path) -> Path:
    """The descriptor of a fresh copy of the minimal valid package."""
    return build_package(tmp_path / "package")


@pytest.fixture(scope="session")
def real_exports(tmp_path_factory) -> Path:
    """One `exports` build of the repository's package per test process, read (never written) by the tests that need it."""
    from validate.cli import main

    folder = tmp_path_factory.mktemp("exports") / "dist"
    assert main(["exports", str(REPO / "datapackage.json"), "--dist", str(folder)]) == 0
    return folder


@pytest.fixture(autouse=True)
def no_github_environment(monkeypatch):
    """Tests never write to a real job summary, nor switch to GitHub annotations, when run under GitHub Actions."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
