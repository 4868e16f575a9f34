"""`diff` on fixture pairs, one per kind of change: the exact report, the bump, the exit code."""

from __future__ import annotations

import json
import os
import re

import pytest

from validate.cli import main

from .conftest import REPO
from .diffcases import DIFF_CASES, build_pair

CASES = sorted(path.name for path in DIFF_CASES.iterdir() if (path / "case.json").is_file())


def run_diff(capsys, *argv: str) -> tuple[int, str]:
    code = main(["diff", *argv])
    return code, capsys.readouterr().out


@pytest.mark.parametrize("case", CASES)
def test_diff_case_gives_the_exact_report(case, tmp_path, monkeypatch, capsys):
    spec = build_pair(tmp_path, case)
    monkeypatch.chdir(tmp_path)
    code, report = run_diff(capsys, "old", "new")
    expected = DIFF_CASES / case / "expected.txt"
    if os.environ.get("UPDATE_DIFF_EXPECTED"):  # regenerate, then read every file before committing
        expected.write_text(report, encoding="utf-8")
        spec["exit"] = code
        (DIFF_CASES / case / "case.json").write_text(
            json.dumps(spec, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    assert report == expected.read_text(encoding="utf-8")
    assert code == spec["exit"]


def documented_rules() -> set[tuple[str, str]]:
    text = (REPO / "docs" / "versioning.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([a-z-]+)` \| (major|minor|patch|none) \|", text, re.MULTILINE))


def test_docs_versioning_lists_every_change_the_fixtures_produce_with_its_bump(
    tmp_path, monkeypatch, capsys
):
    seen = set()
    for case in CASES:
        build_pair(tmp_path / case, case)
        monkeypatch.chdir(tmp_path / case)
        main(["diff", "old", "new", "--format", "json"])
        seen |= {
            (change["kind"], change["level"])
            for change in json.loads(capsys.readouterr().out)["changes"]
        }
    assert len(seen) >= 14
    assert seen - documented_rules() == set()
