"""The split of the suite: `make test` is the quick run, `make test-all` every test (docs/testing.md)."""

from __future__ import annotations

import re

from .conftest import REPO, SLOW_MODULES, TESTS


def _recipe(target: str) -> str:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    return re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE).group(1)


def test_every_slow_module_exists():
    """A renamed module would silently join the quick run."""
    assert sorted(SLOW_MODULES - {path.stem for path in TESTS.glob("test_*.py")}) == []


def test_the_quick_run_keeps_every_fixture_case():
    assert {"test_fixture_cases", "test_suite_split"} & SLOW_MODULES == set()


def test_make_test_leaves_out_the_slow_and_oracle_tests_and_test_all_runs_everything():
    assert '-m "not slow and not oracle"' in _recipe("test")
    everything = _recipe("test-all")
    assert "-m pytest" in everything and ' -m "' not in everything and "PROPERTY_EXAMPLES=full" in everything
