"""`diff` on fixture pairs, one per kind of change: the exact report, the bump, the exit code."""

from __future__ import annotations

import json
import os

import pytest

from validate.versioning import diff_cli

from .diffcases import DIFF_CASES, build_pair

CASES = sorted(path.name for path in DIFF_CASES.iterdir() if (path / "case.json").is_file())


def run_diff(capsys, *argv: str) -> tuple[int, str]:
    code = diff_cli.main(list(argv))
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
        (DIFF_CASES / case / "case.json").write_text(json.dumps(spec, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert report == expected.read_text(encoding="utf-8")
    assert code == spec["exit"]
