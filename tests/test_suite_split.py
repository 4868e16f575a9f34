"""The split of the suite: `make test` is the quick run, `make test-all` every test (docs/testing.md)."""

from __future__ import annotations

import re
import subprocess
import sys

from .conftest import QUICK, REPO, SLOW_MODULES, TESTS


def _recipe(target: str) -> str:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    return re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE).group(1)


def _collected(markexpr: str) -> list[str]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:randomly",
            "-m",
            markexpr,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(line for line in out.splitlines() if "::" in line)


def test_every_slow_module_exists():
    """A renamed module would silently join the quick run."""
    assert sorted(SLOW_MODULES - {path.stem for path in TESTS.glob("test_*.py")}) == []


def test_the_quick_run_keeps_every_fixture_case():
    assert "test_fixture_cases" not in SLOW_MODULES


def test_make_test_leaves_out_the_slow_and_oracle_tests_and_test_all_runs_everything():
    assert f'-m "{QUICK}"' in _recipe("test")
    everything = _recipe("test-all")
    assert (
        "-m pytest" in everything
        and ' -m "' not in everything
        and "PROPERTY_EXAMPLES=full" in everything
    )


def test_the_quick_run_skips_importing_slow_modules_and_selects_what_deselection_would():
    """Under QUICK the slow modules are not collected; the tests that run are those the marker alone selects."""
    quick, deselected = _collected(QUICK), _collected(f"({QUICK})")
    assert quick == deselected
    assert quick and not any(
        test.split("::")[0].removeprefix("tests/").removesuffix(".py") in SLOW_MODULES
        for test in quick
    )
    assert any(
        test.startswith("tests/test_fixture_cases.py::test_invalid_case_yields_exactly_its_errors[")
        for test in quick
    )


def test_docs_testing_says_which_run_each_module_is_in():
    """The table of per-module durations in docs/testing.md names the run SLOW_MODULES puts each module in."""
    rows = re.findall(
        r"^\| `(test_\w+)` \|.*\| `make (test|test-all)` \|$",
        (REPO / "docs" / "testing.md").read_text(encoding="utf-8"),
        re.MULTILINE,
    )
    assert rows
    assert [module for module, run in rows if (run == "test-all") != (module in SLOW_MODULES)] == []
