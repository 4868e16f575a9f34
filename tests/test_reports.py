"""The three report formats and the exit codes of the command line."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import pytest

from validate import errorlog
from validate.checks import CHECKS
from validate.cli import main
from validate.cli import validate as validate_command
from validate.errorlog import ErrorLog, SpillFailed
from validate.errors import Columns, Error
from validate.reporters import (
    GITHUB_ANNOTATION_LIMIT,
    first_annotations,
    json_head,
    render_github,
    render_json,
    render_text,
)
from validate.runner import run
from validate.safetext import json_safe

from .conftest import INVALID, build_package
from .expected_order import distinct_codes_first


def break_claim_ids(descriptor, how_many: int) -> None:
    """Give `how_many` claims an ID that breaks the ID pattern (one error each, at least)."""
    claims = descriptor.parent / "data" / "claims.csv"
    lines = claims.read_text(encoding="utf-8").splitlines(keepends=True)
    template = lines[1]
    extra = [template.replace("clm-001", f"claim {n}", 1) for n in range(how_many)]
    claims.write_text("".join(lines + extra), encoding="utf-8")


def test_exit_0_when_valid(minimal_package, capsys):
    assert main([str(minimal_package)]) == 0
    assert (
        f"valid: 0 error(s), 0 warning(s) from {len(CHECKS) - 1} checks; 1 check not applicable "
        "(source-chain: no corroborations, quote_wordings, findings or lineage table)."
    ) in capsys.readouterr().out  # the minimal fixture has none of source-chain's tables


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
    assert (
        "data/claims.csv:4:1: error: claim_id = 'claim 0' does not match the pattern ^clm-[0-9]{3}$ (e.g. clm-001)."
        in out
    )
    assert "(row 4, claim_id) [table-frictionless/constraint-error]" in out
    assert (
        "Tables: documents 1, entities 3, claims 3, claim_sources 2, quotes 1, quantities 1, images 1, spans 12"
        in out
    )


def test_json_envelope_is_stable(minimal_package, capsys):
    break_claim_ids(minimal_package, 1)
    assert main([str(minimal_package), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert list(report) == [
        "format_version",
        "valid",
        "package",
        "summary",
        "tables",
        "checks",
        "profile",
        "not_applicable",
        "errors",
    ]
    assert report["format_version"] == 2 and report["valid"] is False
    assert report["profile"] is True and list(report["not_applicable"]) == ["source-chain"]
    assert list(report["summary"]) == ["errors", "warnings", "by_check"]
    assert report["checks"] == [c for c in CHECKS if c != "source-chain"]
    first = report["errors"][0]
    assert list(first) == [
        "check",
        "code",
        "message",
        "file",
        "line",
        "column",
        "row",
        "field",
        "hint",
        "severity",
    ]
    assert (
        first["check"],
        first["file"],
        first["line"],
        first["column"],
        first["row"],
        first["field"],
    ) == ("table-frictionless", "data/claims.csv", 4, 1, 4, "claim_id")


def test_github_is_the_default_under_github_actions(minimal_package, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    break_claim_ids(minimal_package, 1)
    assert main([str(minimal_package)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(
        "::error file=data/claims.csv,line=4,col=1,title=table-frictionless/constraint-error::claim_id = 'claim 0'"
    )
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert (
        "| data/claims.csv | 4 | 1 | claim\\_id | table-frictionless/constraint-error |" in summary
    )  # Markdown-escaped


def test_github_escaping():
    error = Error("c", "x", "50% done\r\nnext line", file="data/a,b:c.csv", line=3, hint="")

    class Stub:
        errors = [error]
        crashed: list = []
        not_applicable: dict = {}
        checks = ["c"]
        error_count, warning_count, valid, finished = 1, 0, False, True
        package = SimpleNamespace(
            root=Path.cwd()
        )  # paths are shown relative to the working directory

    line = render_github(Stub()).splitlines()[0]
    assert line == "::error file=data/a%2Cb%3Ac.csv,line=3,title=c/x::50%25 done%0D%0Anext line"


def test_github_annotations_are_capped_and_the_rest_counted(
    minimal_package, capsys, monkeypatch, tmp_path
):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    break_claim_ids(minimal_package, 14)
    total = len(run(minimal_package).errors)
    assert main([str(minimal_package), "--format", "github"]) == 1
    out = capsys.readouterr().out.splitlines()
    annotations = [line for line in out if line.startswith("::error ")]
    assert len(annotations) == GITHUB_ANNOTATION_LIMIT
    assert (
        f"{total - GITHUB_ANNOTATION_LIMIT} more problem(s) not shown as annotations"
        in "\n".join(out)
    )
    table_rows = [
        line for line in summary.read_text(encoding="utf-8").splitlines() if line.startswith("| ")
    ][2:]  # less header and rule
    assert len(table_rows) == total


def test_console_script_and_module_agree(minimal_package):
    script = Path(sys.executable).parent / "validate-dataset"  # installed by `pip install -e .`
    by_module = subprocess.run(
        [sys.executable, "-m", "validate", str(minimal_package), "--format", "json"],
        capture_output=True,
        text=True,
    )
    by_script = subprocess.run(
        [str(script), str(minimal_package), "--format", "json"], capture_output=True, text=True
    )
    assert by_module.returncode == by_script.returncode == 0
    assert json.loads(by_module.stdout)["valid"] is json.loads(by_script.stdout)["valid"] is True


# --- Streamed reports: the same bytes as one whole document, sorted, bounded, quiet on a closed pipe ---


def whole_json(result) -> str:
    """The report as the validator wrote it before streaming: the whole envelope, one `json.dumps`."""
    envelope = {**json_head(result), "errors": [error.to_dict() for error in result.errors]}
    return json.dumps(json_safe(envelope), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def test_streamed_json_is_the_whole_document_byte_for_byte_when_errors_spill(minimal_package):
    break_claim_ids(minimal_package, 300)
    in_memory = run(minimal_package, max_errors=0)
    spilled = run(minimal_package, max_errors=0, spill_after=7)
    assert spilled.errors.spilled and not in_memory.errors.spilled
    streamed = render_json(spilled)
    report = json.loads(streamed)
    assert len(report["errors"]) == len(in_memory.errors) > 300
    assert streamed == whole_json(in_memory) == render_json(in_memory)
    assert [e["line"] for e in report["errors"] if e["file"] == "data/claims.csv"] == sorted(
        e["line"] for e in report["errors"] if e["file"] == "data/claims.csv"
    )
    assert render_text(spilled) == render_text(in_memory)
    spilled.close()
    assert not spilled.errors.spilled


def test_streamed_json_without_errors_is_the_whole_document(minimal_package):
    result = run(minimal_package)
    assert render_json(result) == whole_json(result)
    assert json.loads(render_json(result))["errors"] == []


def test_streamed_json_escapes_what_it_read_back_from_a_spilled_run(minimal_package):
    result = run(minimal_package, spill_after=1)
    for n in range(
        3
    ):  # a lone surrogate cannot be encoded as UTF-8; a control must not reach a terminal raw
        result.errors.add(
            Error(
                "anchors",
                "exact-mismatch",
                f"id \ud800\x1b[2J {n}",
                "data/spans.csv",
                2 + n,
                field="exact\u202e",
            )
        )
    assert result.errors.spilled
    streamed = render_json(result)
    streamed.encode("utf-8")  # strict: raises on a lone surrogate
    assert "\x1b" not in streamed and "\\u001b[2J" in streamed
    assert [e["message"] for e in json.loads(streamed)["errors"]] == [
        f"id \\ud800\x1b[2J {n}" for n in range(3)
    ]
    assert "\\x1b[2J" in render_text(result) and "\x1b" not in render_text(result)


def test_error_log_reads_back_one_stable_sort_across_spilled_and_merged_runs(monkeypatch):
    monkeypatch.setattr(errorlog, "MAX_RUNS", 3)  # so that runs are merged into one, too
    rank = {"a": 0, "b": 1}
    added = [
        Error(
            "b" if n % 3 else "a",
            "x",
            f"m{n % 4}",
            f"data/{n % 5}.csv",
            n % 7 or None,
            hint=f"added {n}",
            severity="warning" if n % 11 == 0 else "error",
        )
        for n in range(200)
    ]
    log = ErrorLog(rank, spill_after=6)
    log.extend(added)
    expected = sorted(
        added, key=lambda error: error.sort_key(rank)
    )  # equal keys differ in `hint`: the order added is kept
    assert (
        log.spilled and list(log) == expected and list(log) == expected
    )  # and it can be read twice
    assert (len(log), log.severities["warning"], log.by_check["a"]) == (200, 19, 67)
    with log:
        pass
    assert not log.spilled
    with pytest.raises(
        ValueError, match="closed"
    ):  # not a partial list that len() would contradict
        list(log)


def test_github_annotations_in_one_pass_are_those_of_the_whole_list():
    errors = [
        Error(
            "t",
            "fk" if n % 4 else "typo",
            f"e{n}",
            "data/a.csv",
            n,
            severity="warning" if n % 5 == 0 else "error",
        )
        for n in range(60)
    ]
    shown, expected = {"error": 0, "warning": 0}, []
    for error in distinct_codes_first(errors):  # how the whole list was filtered before streaming
        if shown[error.severity] < GITHUB_ANNOTATION_LIMIT:
            shown[error.severity] += 1
            expected.append(error)
    assert first_annotations(iter(errors), GITHUB_ANNOTATION_LIMIT) == expected
    assert {e.code for e in expected} == {"fk", "typo"} and len(
        expected
    ) == 2 * GITHUB_ANNOTATION_LIMIT


@pytest.mark.parametrize("report_format", ["json", "text"])
def test_a_reader_that_stops_early_gets_no_traceback_and_the_verdict_stays(
    minimal_package, report_format
):
    break_claim_ids(minimal_package, 2000)  # about a megabyte of report: far more than a pipe holds
    validator = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "validate",
            str(minimal_package),
            "--max-errors",
            "0",
            "--format",
            report_format,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert validator.stdout is not None and validator.stderr is not None
    first = validator.stdout.read(100)  # what `| head -c 100` reads before it exits
    validator.stdout.close()
    with validator.stderr:
        err = validator.stderr.read().decode("utf-8")
    assert (
        validator.wait(timeout=120) == 1
    )  # invalid, as documented: the closed pipe does not change the verdict
    assert len(first) == 100 and err == ""


def test_a_temporary_folder_that_cannot_be_written_stops_the_run_with_exit_2(
    minimal_package, monkeypatch, tmp_path, capsys
):
    break_claim_ids(minimal_package, 3)
    monkeypatch.setattr(
        tempfile, "tempdir", str(tmp_path / "no such folder")
    )  # where mkdtemp would put the runs
    with pytest.raises(
        SpillFailed,
        match=r"could not be written \(No such file or directory\): free space in .*no such folder",
    ):
        run(minimal_package, spill_after=1)
    monkeypatch.setattr(
        validate_command, "run", partial(run, spill_after=1)
    )  # the command line's run, spilling from the first error
    assert main([str(minimal_package), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert (
        json.loads(captured.out)["error"]["kind"] == "cannot-run"
        and "set TMPDIR to another folder" in captured.err
    )


def test_errors_lost_from_the_temporary_folder_while_the_report_is_written_end_the_run_with_exit_2(
    tmp_path, monkeypatch, capsys
):
    """A temporary-folder cleaner that removes the sorted runs mid-run: exit 2 and why, not 'a bug'."""
    import shutil

    from validate import runner

    descriptor = build_package(tmp_path / "package", INVALID / "anchors" / "out-of-range")
    monkeypatch.setitem(runner.run.__kwdefaults__, "spill_after", 1)
    write_text = validate_command.WRITERS["text"]

    def after_a_cleaner(result, out):
        shutil.rmtree(result.errors._folder)
        return write_text(result, out)

    monkeypatch.setitem(validate_command.WRITERS, "text", after_a_cleaner)
    assert main([str(descriptor), "--format", "text"]) == 2
    error = capsys.readouterr().err
    assert "could not be read back" in error and "bug" not in error


def test_the_column_is_derived_from_the_field_and_the_tables_header():
    columns = Columns({"data/a.csv": ["a_id", "name", "name", "quote_id"]})
    at = partial(Error, "c", "x", "m", "data/a.csv", 3)
    assert columns.place(at(field="name")).column == 3  # a repeated name is its last column
    assert columns.place(at(field="quote_id, a_id")).column == 4  # a composite key: its first field
    assert columns.place(at(field="gone")).column is None
    assert columns.place(at(column=7, field="name")).column == 7  # a check's own column stands
    assert columns.place(Error("c", "x", "m", "datapackage.json", 1, field="name")).column is None


def test_every_format_shows_the_column(minimal_package, capsys, monkeypatch):
    break_claim_ids(minimal_package, 1)
    claims = minimal_package.parent / "data" / "claims.csv"
    claims.write_text(
        claims.read_text(encoding="utf-8").replace(",publication,", ",Publication,", 1),
        encoding="utf-8",
    )
    result = run(minimal_package, select=["table-frictionless"])
    voice = next(e for e in result.errors if e.field == "voice")
    assert (voice.line, voice.column) == (2, 5)
    assert (
        "data/claims.csv:2:5: error: voice = 'Publication' is not one of: publication, attributed."
        in (render_text(result))
    )
    assert (
        "::error file=data/claims.csv,line=2,col=5,title=table-frictionless/constraint-error::"
        in (render_github(result))
    )
    assert {
        "file": "data/claims.csv",
        "line": 2,
        "column": 5,
        "row": 2,
        "field": "voice",
    }.items() <= (
        next(e for e in json.loads(render_json(result))["errors"] if e["field"] == "voice").items()
    )
