"""The three report formats and the exit codes of the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from validate.checks import CHECKS
from validate.cli import main
from validate.errors import Error
from validate.reporters import GITHUB_ANNOTATION_LIMIT, render_github
from validate.runner import run


def break_claim_ids(descriptor, how_many: int) -> None:
    """Give `how_many` claims an ID that breaks the ID pattern (one error each, at least)."""
    claims = descriptor.parent / "data" / "claims.csv"
    lines = claims.read_text(encoding="utf-8").splitlines(keepends=True)
    template = lines[1]
    extra = [template.replace("clm-001", f"claim {n}", 1) for n in range(how_many)]
    claims.write_text("".join(lines + extra), encoding="utf-8")


def test_exit_0_when_valid(minimal_package, capsys):
    assert main([str(minimal_package)]) == 0
    assert f"valid: 0 error(s), 0 warning(s) from {len(CHECKS)} checks." in capsys.readouterr().out


def test_exit_1_when_invalid(minimal_package, capsys):
    break_claim_ids(minimal_package, 1)
    assert main([str(minimal_package), "--format", "text"]) == 1
    assert "INVALID" in capsys.readouterr().out


def test_list_checks_names_every_check(capsys):
    assert main(["--list-checks"]) == 0
    out = capsys.readouterr().out
    for check_id, module in CHECKS.items():
        assert f"{check_id}" in out and module.SUMMARY in out


def test_text_report_places_each_error(minimal_package, capsys):
    break_claim_ids(minimal_package, 1)
    main([str(minimal_package), "--format", "text"])
    out = capsys.readouterr().out
    assert "data/claims.csv:4: error: claim_id = 'claim 0': constraint error:" in out
    assert "(row 4, claim_id) [table-frictionless/constraint-error]" in out
    assert "Tables: documents 1, entities 3, claims 3, quotes 1, quantities 1, images 1, spans 12" in out


def test_json_envelope_is_stable(minimal_package, capsys):
    break_claim_ids(minimal_package, 1)
    assert main([str(minimal_package), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert list(report) == ["format_version", "valid", "package", "summary", "tables", "checks", "errors"]
    assert report["format_version"] == 1 and report["valid"] is False
    assert list(report["summary"]) == ["errors", "warnings", "by_check"]
    assert report["checks"] == list(CHECKS)
    first = report["errors"][0]
    assert list(first) == ["check", "code", "message", "file", "line", "row", "field", "hint", "severity"]
    assert (first["check"], first["file"], first["line"], first["row"], first["field"]) == ("table-frictionless", "data/claims.csv", 4, 4, "claim_id")


def test_github_is_the_default_under_github_actions(minimal_package, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    break_claim_ids(minimal_package, 1)
    assert main([str(minimal_package)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("::error file=data/claims.csv,line=4,title=table-frictionless/constraint-error::claim_id = 'claim 0'")
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "| data/claims.csv | 4 | claim_id | table-frictionless/constraint-error |" in summary


def test_github_escaping():
    error = Error("c", "x", "50% done\r\nnext line", file="data/a,b:c.csv", line=3, hint="")

    class Stub:
        errors = [error]
        crashed: list = []
        checks = ["c"]
        error_count, warning_count, valid = 1, 0, False

    line = render_github(Stub()).splitlines()[0]
    assert line == "::error file=data/a%2Cb%3Ac.csv,line=3,title=c/x::50%25 done%0D%0Anext line"


def test_github_annotations_are_capped_and_the_rest_counted(minimal_package, capsys, monkeypatch, tmp_path):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    break_claim_ids(minimal_package, 14)
    total = len(run(minimal_package).errors)
    assert main([str(minimal_package), "--format", "github"]) == 1
    out = capsys.readouterr().out.splitlines()
    annotations = [line for line in out if line.startswith("::error ")]
    assert len(annotations) == GITHUB_ANNOTATION_LIMIT
    assert f"{total - GITHUB_ANNOTATION_LIMIT} more problem(s) not shown as annotations" in "\n".join(out)
    table_rows = [line for line in summary.read_text(encoding="utf-8").splitlines() if line.startswith("| ")][2:]  # less header and rule
    assert len(table_rows) == total


def test_console_script_and_module_agree(minimal_package):
    script = Path(sys.executable).parent / "validate-dataset"  # installed by `pip install -e .`
    by_module = subprocess.run([sys.executable, "-m", "validate", str(minimal_package), "--format", "json"], capture_output=True, text=True)
    by_script = subprocess.run([str(script), str(minimal_package), "--format", "json"], capture_output=True, text=True)
    assert by_module.returncode == by_script.returncode == 0
    assert json.loads(by_module.stdout)["valid"] is json.loads(by_script.stdout)["valid"] is True
