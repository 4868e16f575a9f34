"""Hostile input, one regression per class of issue 10: exact errors and exit codes, under a time and memory limit.

Each case mutates a fresh copy of the minimal valid package and runs the validator in a
child process (tests/hostile.py: 60 s, 1.5 GB address space), so a regression fails
here instead of hanging CI. 0 valid, 1 invalid, 2 could not run; never a traceback.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from validate.csvio import parse_csv, render_csv
from validate.reporters import render_markdown
from validate.runner import run

from .hostile import run_in_fork, run_in_new_interpreter, run_validator

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only (FIFOs, symlinks)")


def edit_descriptor(descriptor: Path, change) -> None:
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    change(data)
    descriptor.write_text(json.dumps(data, indent=2), encoding="utf-8")


def resource_named(data: dict, name: str) -> dict:
    return next(r for r in data["resources"] if r["name"] == name)


# --- The harness: a run forked from the warm interpreter is a fresh `python -m validate` -------


@pytest.mark.parametrize(
    "case", ["escapes-text", "escapes-json", "deep-json", "help", "bad-option"]
)
def test_a_forked_run_says_what_a_fresh_interpreter_says(minimal_package, case):
    """Same exit code and the same bytes on stdout and stderr: text and JSON reports, a refusal (exit 2), argparse's exit 0 and its error."""
    if case.startswith("escapes"):
        edit_descriptor(
            minimal_package,
            lambda d: d.update(name="pkg\ud800\x1b]0;owned\x07\u202eevil\nvalid: 0 error(s)"),
        )
    if case == "deep-json":
        minimal_package.write_text('{"a": ' + "[" * 10_000 + "]" * 10_000 + "}", encoding="utf-8")
    args = {"help": ("--help",), "bad-option": (str(minimal_package), "--format", "yaml")}.get(
        case, (str(minimal_package), "--format", "text" if case == "escapes-text" else "json")
    )
    forked, fresh = (
        run_in_fork(args, 60, minimal_package.parent),
        run_in_new_interpreter(args, 60, minimal_package.parent),
    )
    assert (forked.returncode, forked.stdout, forked.stderr) == (
        fresh.returncode,
        fresh.stdout,
        fresh.stderr,
    )
    assert forked.stdout or forked.stderr


def test_a_forked_run_past_its_time_is_killed(minimal_package):
    with pytest.raises(subprocess.TimeoutExpired):
        run_validator(str(minimal_package), timeout=0)


# --- Tracebacks: what crashed the loader now stops it with one message, exit 2 ---------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": ' + "[" * 10_000 + "]" * 10_000 + "}", "over the limit `json-depth` (64)"),
        (
            '{"bytes": 1' + "0" * 4_301 + "}",
            "a number of 4,302 characters is 4,302, over the limit `number-chars` (40)",
        ),
        ('{"name": NaN}', "not valid JSON: NaN is not a JSON value"),
        ('{"name": 1e999}', "the number 1e999… is too large to represent"),
        (
            '{"name": "' + "x" * (33 * 2**20) + '"}',
            "over the limit `descriptor-bytes` (33,554,432)",
        ),
    ],
    ids=["deep", "huge-integer", "nan", "infinite", "50MB-string"],
)
def test_descriptor_past_a_limit_or_not_json_exits_2(minimal_package, text, expected):
    minimal_package.write_text(text, encoding="utf-8")
    run = run_validator(str(minimal_package), "--format", "json")
    assert run.code == 2
    assert (
        json.loads(run.out)["valid"] is None
    )  # under --format json, even "could not run" is a JSON document
    assert expected in run.err


def test_a_limit_can_be_raised_with_the_option(minimal_package):
    edit_descriptor(minimal_package, lambda d: d.update(bytes=int("9" * 45)))
    assert "over the limit `number-chars`" in run_validator(str(minimal_package)).err
    raised = run_validator(str(minimal_package), "--limit", "number-chars=50", "--format", "json")
    line = next(
        n
        for n, text in enumerate(minimal_package.read_text(encoding="utf-8").splitlines(), 1)
        if text.startswith('  "bytes"')
    )
    assert raised.errors() == [
        ("descriptor-profile", "additionalProperties", "datapackage.json", line)
    ]


def _with_huge_integer(schema: dict) -> None:
    schema["x"] = (
        "<huge>"  # replaced by 5,000 digits below: Python cannot even build that int from text
    )


def _with_huge_enum(schema: dict) -> None:
    schema["fields"][1].setdefault("constraints", {})["enum"] = [f"v{i}" for i in range(20_000)]


@pytest.mark.parametrize(
    "change", [_with_huge_integer, _with_huge_enum], ids=["5000-digit-integer", "20000-enum-values"]
)
def test_schema_past_a_limit(minimal_package, change):
    schema_path = minimal_package.parent / "schemas" / "claims.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    change(schema)
    schema_path.write_text(json.dumps(schema).replace('"<huge>"', "9" * 5000), encoding="utf-8")
    run = run_validator(str(minimal_package), "--format", "json")
    assert run.code == 2
    assert ("resource-files", "limit-exceeded", "schemas/claims.schema.json", None) in run.errors()


def test_huge_integer_as_a_span_offset(minimal_package):
    spans = minimal_package.parent / "data" / "spans.csv"
    lines = spans.read_text(encoding="utf-8").split("\n")
    cells = lines[1].split(",")
    cells[2] = "9" * 5000  # start
    lines[1] = ",".join(cells)
    spans.write_text("\n".join(lines), encoding="utf-8")
    run = run_validator(str(minimal_package), "--format", "json")
    assert run.code == 1
    assert ("table-frictionless", "type-error", "data/spans.csv", 2) in run.errors()
    assert "check-crashed" not in run.out


def test_lone_surrogate_and_terminal_escapes_in_ids_are_shown_escaped(minimal_package):
    edit_descriptor(
        minimal_package,
        lambda d: d.update(name="pkg\ud800\x1b]0;owned\x07\x1b[2J\u202eevil\nvalid: 0 error(s)"),
    )
    run = run_validator(str(minimal_package), "--format", "text")
    assert run.code == 1
    assert (
        "(pkg\\ud800\\x1b]0;owned\\x07\\x1b[2J\\u202eevil\\x0avalid: 0 error(s) 0.1.0)" in run.out
    )
    assert not any(line.startswith("valid:") for line in run.out.splitlines())
    as_json = run_validator(str(minimal_package), "--format", "json")
    assert (
        as_json.report["package"]["name"]
        == "pkg\\ud800\x1b]0;owned\x07\x1b[2J\u202eevil\nvalid: 0 error(s)"
    )


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("data/claims\u0000.csv", "unsafe-path"),
        ("data/" + "c" * 300 + ".csv", "unsafe-path"),
        ("http://127.0.0.1:9/claims.csv", "remote-reference"),
        ("file:///etc/passwd", "remote-reference"),
        ("/etc/passwd", "unsafe-path"),
        ("../outside.csv", "unsafe-path"),
        ("data/loop.csv", "link-not-followed"),
        ("data/fifo.csv", "not-a-file"),
        ("data/zero.csv", "link-not-followed"),  # a link (to /dev/zero) is not followed
    ],
    ids=[
        "nul",
        "long-name",
        "http",
        "file-url",
        "absolute",
        "dotdot",
        "symlink-loop",
        "fifo",
        "dev-zero",
    ],
)
def test_resource_paths_that_break_the_path_rule(minimal_package, path, code):
    data_dir = minimal_package.parent / "data"
    (data_dir / "loop.csv").symlink_to("loop.csv")
    os.mkfifo(data_dir / "fifo.csv")
    (data_dir / "zero.csv").symlink_to("/dev/zero")
    edit_descriptor(minimal_package, lambda d: resource_named(d, "claims").update(path=path))
    run = run_validator(str(minimal_package), "--format", "json")
    assert run.code == 1
    assert ("resource-files", code, "datapackage.json", 102) in run.errors()


def test_a_200_megabyte_csv_is_refused_before_it_is_read(minimal_package):
    claims = minimal_package.parent / "data" / "claims.csv"
    with claims.open("r+b") as file:
        file.truncate(200 * 2**20)  # sparse: costs no disk
    run = run_validator(str(minimal_package), "--format", "json")
    assert run.code == 2
    assert ("resource-files", "limit-exceeded", "datapackage.json", 102) in run.errors()
    assert "over the limit `file-bytes` (8,388,608)" in run.out


def test_package_bytes_limit_counts_every_resource(minimal_package):
    run = run_validator(str(minimal_package), "--format", "json", "--limit", "package-bytes=2000")
    assert run.code == 2
    assert [e for e in run.errors() if e[1] == "limit-exceeded"][0] == (
        "resource-files",
        "limit-exceeded",
        "datapackage.json",
        138,
    )


# --- Checks that crashed themselves -----------------------------------------------------------


def test_relative_date_near_year_one(minimal_package):
    documents = minimal_package.parent / "data" / "documents.csv"
    documents.write_text(
        documents.read_text(encoding="utf-8").replace(",2025-02-04,seen,", ",0001-01-01,seen,"),
        encoding="utf-8",
    )
    quantities = minimal_package.parent / "data" / "quantities.csv"
    quantities.write_text(
        quantities.read_text(encoding="utf-8").replace("almost three hours,", "last week,", 1),
        encoding="utf-8",
    )
    run = run_validator(str(minimal_package), "--format", "json")
    assert run.code == 1
    assert ("quantity-values", "unreadable", "data/quantities.csv", 2) in run.errors()


@pytest.mark.parametrize(
    ("citation", "limit"),
    [
        (
            "a: &a [x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n"
                for i in range(9)
            ),
            "yaml-nodes",
        ),
        ("a: " + "[" * 5000 + "]" * 5000 + "\n", "yaml-depth"),
    ],
    ids=["billion-laughs", "deep"],
)
def test_hostile_citation_yaml(minimal_package, citation, limit):
    (minimal_package.parent / "CITATION.cff").write_text(citation, encoding="utf-8")
    run = run_validator(str(minimal_package), "--format", "json")
    assert run.code == 2
    assert run.errors() == [("release", "limit-exceeded", "CITATION.cff", None)]
    assert f"over the limit `{limit}`" in run.out


# --- Hangs: FIFOs and quadratic inputs ---------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            lambda d: resource_named(d, "claims").update(dialect="data/fifo"),
            ("resource-files", "not-a-file", "datapackage.json", 106),
        ),
        (
            lambda d: resource_named(d, "sample-snapshot").update(schema="data/fifo"),
            ("resource-files", "not-a-file", "datapackage.json", 60),
        ),
        (
            lambda d: d.update(profile="data/fifo"),
            ("resource-files", "remote-reference", "datapackage.json", "profile"),
        ),
        (
            lambda d: resource_named(d, "claims").update(schema="data/fifo"),
            ("resource-files", "missing-schema", "datapackage.json", 111),
        ),
    ],
    ids=["dialect", "non-table-schema", "profile", "table-schema"],
)
def test_fifos_named_by_the_descriptor_are_not_opened(minimal_package, change, error):
    os.mkfifo(minimal_package.parent / "data" / "fifo")
    edit_descriptor(minimal_package, change)
    run = run_validator(str(minimal_package), "--format", "json", timeout=60)
    if isinstance(
        error[3], str
    ):  # a top-level key appended at the end: its line depends on the base descriptor's length
        error = (*error[:3], _top_level_line(minimal_package, error[3]))
    assert run.code == 1
    assert error in run.errors()


def test_ten_thousand_extra_columns(minimal_package):
    claims = minimal_package.parent / "data" / "claims.csv"
    lines = claims.read_text(encoding="utf-8").split("\n")
    lines[1] += "," * 10_000
    claims.write_text("\n".join(lines), encoding="utf-8")
    run = run_validator(str(minimal_package), "--format", "json")
    assert run.code == 2
    assert ("resource-files", "limit-exceeded", "data/claims.csv", 2) in run.errors()


def test_long_line_for_sentences_and_coverage(minimal_package):
    snapshot = minimal_package.parent / "sources" / "sample.txt"
    snapshot.write_text(
        snapshot.read_text(encoding="utf-8") + " Mr. A went. " * 200_000, encoding="utf-8"
    )
    run = run_validator(str(minimal_package), "--format", "json")
    assert (
        run.code == 1
    )  # the snapshot changed: its hash and length no longer match, and the new sentences are uncovered
    assert ("snapshots", "snapshot-hash", "data/documents.csv", 2) in run.errors()


# --- Reads outside the package, network --------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            lambda d: resource_named(d, "claims").update(dialect="data/passwd.json"),
            ("resource-files", "link-not-followed", "datapackage.json", 106),
        ),
        (
            lambda d: resource_named(d, "sample-snapshot").update(schema="data/passwd.json"),
            ("resource-files", "link-not-followed", "datapackage.json", 60),
        ),
        (
            lambda d: resource_named(d, "claims").update(dialect="http://127.0.0.1:9/dialect.json"),
            ("resource-files", "remote-reference", "datapackage.json", 106),
        ),
        (
            lambda d: d.update(profile="http://127.0.0.1:9/profile.json"),
            ("resource-files", "remote-reference", "datapackage.json", "profile"),
        ),
        (
            lambda d: resource_named(d, "claims").update(profile="https://127.0.0.1:9/p.json"),
            ("resource-files", "remote-reference", "datapackage.json", 114),
        ),
        (
            lambda d: d.update({"$schema": "http://127.0.0.1:9/p.json"}),
            ("resource-files", "remote-reference", "datapackage.json", 2),
        ),
    ],
    ids=[
        "dialect-symlink",
        "schema-symlink",
        "dialect-url",
        "profile-url",
        "resource-profile-url",
        "$schema-url",
    ],
)
def test_references_outside_the_package_are_refused(minimal_package, change, error):
    (minimal_package.parent / "data" / "passwd.json").symlink_to("/etc/passwd")
    edit_descriptor(minimal_package, change)
    run = run_validator(str(minimal_package), "--format", "json")
    if isinstance(
        error[3], str
    ):  # a top-level key appended at the end: its line depends on the base descriptor's length
        error = (*error[:3], _top_level_line(minimal_package, error[3]))
    assert run.code == 1
    assert error in run.errors()
    assert "root:" not in run.out


def _top_level_line(descriptor, key: str) -> int:
    return next(
        n
        for n, text in enumerate(descriptor.read_text(encoding="utf-8").splitlines(), 1)
        if text.startswith(f'  "{key}"')
    )


def test_a_reference_inside_a_schema_is_refused(minimal_package):
    schema = minimal_package.parent / "schemas" / "claims.schema.json"
    schema.write_text(
        schema.read_text(encoding="utf-8").replace(
            '"fields"', '"profile": "http://127.0.0.1:9/x.json", "fields"', 1
        ),
        encoding="utf-8",
    )
    run = run_validator(str(minimal_package), "--format", "json")
    assert run.code == 1
    assert (
        "resource-files",
        "remote-reference",
        "schemas/claims.schema.json",
        None,
    ) in run.errors()


# --- Helpers -------------------------------------------------------------------------------------


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def test_fill_with_a_symlinked_data_folder_writes_nothing(minimal_package, tmp_path):
    root = minimal_package.parent
    outside = tmp_path / "outside"
    (root / "data").rename(outside)
    (root / "data").symlink_to(outside)
    before_inside, before_outside = tree(root), tree(outside)
    run = run_validator("fill", str(minimal_package))
    assert run.code == 2
    assert "goes through 'data', a symbolic link" in run.err and "Nothing was written" in run.err
    assert (tree(root), tree(outside)) == (before_inside, before_outside)


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_fill_does_not_read_devices_or_fifos(minimal_package, target):
    root = minimal_package.parent
    spans = root / "data" / "spans.csv"
    spans.unlink()
    if target == "fifo":
        os.mkfifo(spans)
    else:
        spans.symlink_to(target)
    run = run_validator("fill", str(minimal_package), timeout=30)
    assert run.code == 2 and "cannot be hashed" in run.err


def test_fill_is_all_or_nothing(minimal_package):
    root = minimal_package.parent
    spans = root / "data" / "spans.csv"
    table = parse_csv(spans.read_text(encoding="utf-8"))
    rows = [dict(r.cells) for r in table.records]
    rows[0]["end"] = (
        "1"  # a stale offset fill would correct in spans.csv, and then the descriptor's hash ...
    )
    rows[-1]["exact"] = (
        "words the snapshot does not have"  # ... but a later span cannot be anchored
    )
    spans.write_text(render_csv(table.header, rows), encoding="utf-8")
    before = tree(root)
    run = run_validator("fill", str(minimal_package))
    assert (
        run.code == 2
        and "data/spans.csv line 50 ('spn-0012'): the text 'words the snapshot does not have' does not occur"
        in run.err
    )
    assert tree(root) == before


def test_fill_reports_a_broken_csv_without_a_traceback(minimal_package):
    spans = minimal_package.parent / "data" / "spans.csv"
    spans.write_text(spans.read_text(encoding="utf-8") + 'x,"unclosed\n', encoding="utf-8")
    run = run_validator("fill", str(minimal_package))
    assert run.code == 2 and re.search(r"data/spans\.csv: .*cannot be read as CSV", run.err), (
        run.err
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: resource_named(d, "claims").update(schema="/etc/passwd"),
            "schema cannot be read or does not pass the Table Schema profile",
        ),
        (
            lambda d: resource_named(d, "claims").update(schema={"fields": 5}),
            "schema cannot be read or does not pass the Table Schema profile",
        ),
        (
            lambda d: resource_named(d, "claims").update(schema={"fields": [{"name": 5}]}),
            "does not pass the Table Schema profile",
        ),
    ],
    ids=["absolute", "fields-not-a-list", "field-name-not-a-string"],
)
def test_dictionary_refuses_unsafe_or_malformed_schemas(minimal_package, change, message):
    edit_descriptor(minimal_package, change)
    run = run_validator("dictionary", str(minimal_package))
    assert run.code == 2 and message in run.err and "root:" not in run.out


@pytest.mark.parametrize("command", ["sentences", "anchor"])
@pytest.mark.parametrize("target", ["fifo", "/dev/zero"])
def test_snapshot_helpers_refuse_fifos_and_devices(tmp_path, command, target):
    snapshot = tmp_path / "snapshot.txt"
    if target == "fifo":
        os.mkfifo(snapshot)
    else:
        snapshot.symlink_to(target)
    run = run_validator(
        command, str(snapshot), *(["--text", "x"] if command == "anchor" else []), timeout=30
    )
    assert run.code == 2 and "is not a regular file" in run.err


# --- Output that lies or attacks ----------------------------------------------------------------


def test_workflow_commands_cannot_be_injected_in_text_output(minimal_package):
    edit_descriptor(
        minimal_package,
        lambda d: d.update(name="x\n::error file=README.md::forged", version="\r##[warning]forged"),
    )
    run = run_validator(str(minimal_package), "--format", "text")
    assert not any(line.lstrip().startswith(("::", "##[")) for line in run.out.splitlines())


def test_github_output_and_job_summary_are_escaped(minimal_package):
    claims = minimal_package.parent / "data" / "claims.csv"
    claims.write_text(
        claims.read_text(encoding="utf-8").replace(
            "clm-001", "clm-001\r| x | <img src=x> |\n::error::forged", 1
        ),
        encoding="utf-8",
    )
    github = run_validator(str(minimal_package), "--format", "github")
    for line in github.out.splitlines():
        assert line.startswith(("::error ", "::warning ")) or not line.lstrip().startswith("::")
    text = render_markdown(run(minimal_package))
    assert "\r" not in text and "<img" not in text
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert all(len(re.split(r"(?<!\\)\|", line)) == 9 for line in rows), (
        rows
    )  # 7 cells: no pipe escaped the table


def test_tab_before_a_number_is_a_formula(minimal_package):
    quantities = minimal_package.parent / "data" / "quantities.csv"
    quantities.write_text(
        quantities.read_text(encoding="utf-8").replace(
            ",almost three hours,3,", ',almost three hours,"\t3",', 1
        ),
        encoding="utf-8",
    )
    run = run_validator(str(minimal_package), "--format", "json")
    assert run.code == 1
    assert ("canonical-form", "formula", "data/quantities.csv", 2) in run.errors()
