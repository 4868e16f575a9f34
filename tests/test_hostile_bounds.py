"""Hostile input from the outside security test, round two: each case bounded in time, or refused.

Like tests/test_hostile.py, a case runs the validator in a child process under a time and
memory limit (tests/hostile.py), so a regression fails here instead of hanging CI.
"""

from __future__ import annotations

import os

import pytest

from .hostile import run_validator

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only (FIFOs, symlinks)")


def test_fill_check_on_a_hundred_thousand_markers_is_linear(minimal_package):
    """Each marker's line was counted from the start of the file: 100,000 markers took minutes."""
    root = minimal_package.parent
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "many.md").write_text(
        "<!--fill:rows.claims-->0<!--/fill-->\n" * 100_000, encoding="utf-8"
    )
    run = run_validator("fill", "--check", str(minimal_package), timeout=30)
    assert run.code == 1
    lines = run.out.splitlines()
    assert lines[0].startswith("stale: docs/many.md:1: <!--fill:rows.claims--> says '0'")
    assert lines[-2].startswith("stale: docs/many.md:100000: ")
