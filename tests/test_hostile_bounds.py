"""Hostile input from the outside security test, round two: each case bounded in time, or refused.

Like tests/test_hostile.py, a case runs the validator in a child process under a time and
memory limit (tests/hostile.py), so a regression fails here instead of hanging CI.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from validate.checks import release as release_check
from validate.cli import main

from .hostile import run_validator
from .test_hostile import tree
from .test_release_bundle import package_with_release_files

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


def _with_headings(root: Path, count: int, *, older: bool = False) -> None:
    """CHANGELOG.md with `count` extra `## ` headings (6 to 11 bytes each) under Unreleased, or at the end (`older`)."""
    changelog = root / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    at = len(text) if older else text.index("\n## [Unreleased]") + len("\n## [Unreleased]\n")
    headings = "".join(f"## x{n}\n" for n in range(count))
    changelog.write_text(text[:at] + headings + text[at:], encoding="utf-8")


def test_a_changelog_of_many_headings_under_the_cap_is_read_in_linear_time(minimal_package):
    """Each heading's line was counted from the start of the file: 300,000 headings (3.2 MB) took minutes."""
    _with_headings(minimal_package.parent, 300_000, older=True)
    run = run_validator(str(minimal_package), "--format", "json", timeout=30)
    assert (run.code, run.errors()) == (0, [])


def test_a_changelog_past_the_cap_is_a_release_error_not_a_long_run(minimal_package):
    """1,000,000 headings (10.9 MB): the release check reads CHANGELOG.md as `diff` does, under its 4 MB cap."""
    _with_headings(minimal_package.parent, 1_000_000)
    run = run_validator(str(minimal_package), "--format", "json", timeout=30)
    assert (run.code, run.errors()) == (
        1,
        [("release", "changelog-too-large", "CHANGELOG.md", None)],
    )
    assert "larger than 4,000,000 bytes" in run.report["errors"][0]["message"]


@pytest.mark.parametrize("link", [False, True])
def test_release_prepare_refuses_a_changelog_past_the_cap_or_a_link(tmp_path, link):
    """`release --prepare` reads CHANGELOG.md through the same reader: exit 2 with the reason, nothing written."""
    root = package_with_release_files(tmp_path / "p")
    if link:  # a link to a file inside the package is still a link: never followed
        (root / "notes.md").write_bytes((root / "CHANGELOG.md").read_bytes())
        (root / "CHANGELOG.md").unlink()
        (root / "CHANGELOG.md").symlink_to("notes.md")
    else:
        _with_headings(root, 1_000_000)
    before = tree(root)
    run = run_validator(
        "release", str(root), "--prepare", "0.2.0", "--date", "2026-12-06", timeout=30
    )
    assert run.code == 2, run.err
    assert (
        "CHANGELOG.md is a symbolic link" if link else "CHANGELOG.md is larger than 4,000,000 bytes"
    ) in run.err
    assert tree(root) == before


def test_exports_cannot_run_when_a_check_crashed_as_validate_says(
    minimal_package, tmp_path, monkeypatch, capsys
):
    """A check that cannot finish (DuckDB out of memory under a memory cap) is no verdict: exit 2 from both, not 1."""

    def out_of_memory(package):
        raise MemoryError("could not allocate block of size 256.0 KiB")

    monkeypatch.setattr(release_check, "check", out_of_memory)
    assert main([str(minimal_package)]) == 2
    assert "Could not finish: the check(s) release failed to run." in capsys.readouterr().out
    dist = tmp_path / "dist"
    assert main(["exports", str(minimal_package), "--dist", str(dist)]) == 2
    out, err = capsys.readouterr()
    assert "MemoryError: could not allocate block of size 256.0 KiB" in out
    assert "[release/check-crashed]" in out and "Could not finish" in out
    assert (
        "exports: not built, because validation could not finish: the check(s) release failed to run"
        in err
    )
    assert "the package is invalid" not in err
    assert not dist.exists()


@pytest.mark.parametrize("command", ["normalize", "fill"])
def test_a_nul_byte_in_a_cell_is_refused_by_the_writers(minimal_package, command):
    """normalize kept the NUL and exited 0; fill then read the key `clm-002\\0` and rewrote its sourcing_level."""
    root = minimal_package.parent
    claims = root / "data" / "claims.csv"
    data = claims.read_bytes()
    at = data.index(b"\nclm-002,") + len(b"\nclm-002")
    claims.write_bytes(data[:at] + b"\x00" + data[at:])
    line = data.count(b"\n", 0, at) + 1
    before = tree(root)
    run = run_validator(command, str(minimal_package))
    assert run.code == 2, run.err
    assert f"data/claims.csv: line {line} holds a NUL byte" in run.err
    assert tree(root) == before
