"""Data-driven tests: each fixture case yields exactly the errors its expected.json lists."""

from __future__ import annotations

import csv
import io
import json

import jsonpatch
import pytest

from validate import run
from validate.checks import CHECKS

from .conftest import INVALID, INVALID_CASES, REPO, VALID, build_package, case_id

VALID_CASES = sorted(p.name for p in VALID.iterdir() if p.is_dir())


def _errors(result) -> list[dict]:
    return [
        {
            "check": e.check,
            "code": e.code,
            "file": e.file,
            "line": e.line,
            "row": e.row,
            "field": e.field,
        }
        for e in result.errors
    ]


@pytest.mark.parametrize("base", VALID_CASES)
def test_valid_case_has_no_errors(base, tmp_path):
    result = run(build_package(tmp_path / "package", base=base))
    assert _errors(result) == []
    assert result.valid


@pytest.mark.parametrize("case", INVALID_CASES, ids=[case_id(c) for c in INVALID_CASES])
def test_invalid_case_yields_exactly_its_errors(case, tmp_path):
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    result = run(build_package(tmp_path / "package", case))
    # `message_includes` / `hint_includes`, where given, pin the words a contributor reads
    located = [
        {k: v for k, v in e.items() if not k.endswith("_includes")} for e in expected["errors"]
    ]
    assert _errors(result) == located
    for want, error in zip(expected["errors"], result.errors, strict=True):
        assert want.get("message_includes", "") in error.message
        assert want.get("hint_includes", "") in error.hint
    assert not result.valid


def test_every_check_has_its_folder_of_invalid_cases():
    assert sorted(folder.name for folder in INVALID.iterdir()) == sorted(CHECKS)


def test_a_case_is_filed_under_a_check_that_reports_one_of_its_errors():
    """`invalid/<check-id>/<case>/`: no case left at the top, and the folder's check is among the case's errors."""
    assert [path.name for path in INVALID.glob("*/expected.json")] == []
    misfiled = [
        case_id(case)
        for case in INVALID_CASES
        if case.parent.name
        not in {
            e["check"]
            for e in json.loads((case / "expected.json").read_text(encoding="utf-8"))["errors"]
        }
    ]
    assert misfiled == []


@pytest.mark.parametrize(
    "case",
    [
        "descriptor-frictionless/duplicate-resource-name",
        "descriptor-profile/hash-uppercase-prefix",
        "table-frictionless/foreign-key-missing-id",
    ],
)
def test_frictionless_in_a_child_process_says_the_same(case, tmp_path):
    """The command line has frictionless read the descriptor in a forked child; the errors are the same."""
    descriptor = build_package(tmp_path / "package", INVALID / case)
    in_process, in_child = run(descriptor), run(descriptor, parallel=True)
    assert _errors(in_child) == _errors(in_process) and any(
        e["check"].endswith("frictionless") for e in _errors(in_process)
    )
    assert [e.message for e in in_child.errors] == [e.message for e in in_process.errors]


# What a canonical writer never writes, so only a whole file can hold it.
BYTE_LEVEL = (b"\xef\xbb\xbf", b"\r", b"\x00")


def _needs_a_whole_file(case, file) -> bool:
    relative = file.relative_to(case).as_posix()
    base = (
        REPO
        if relative.startswith("schemas/")
        else VALID
        / json.loads((case / "expected.json").read_text(encoding="utf-8")).get("base", "minimal")
    )
    data = file.read_bytes()
    if (
        not (base / relative).exists()
        or any(mark in data for mark in BYTE_LEVEL)
        or not data.endswith(b"\n")
    ):
        return True
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    except UnicodeDecodeError:
        return True
    return file.suffix == ".csv" and ([] in rows or len({len(row) for row in rows}) > 1)


def test_a_case_holds_a_whole_file_only_where_an_edit_cannot_say_it():
    whole = [
        file
        for case in INVALID_CASES
        for file in case.rglob("*")
        if file.is_file() and file.name != "expected.json"
    ]
    assert whole, "the byte-level cases hold whole files"
    assert [
        f"{case_id(case)}/{file.relative_to(case)}"
        for case in INVALID_CASES
        for file in whole
        if file.is_relative_to(case) and not _needs_a_whole_file(case, file)
    ] == []


@pytest.mark.parametrize(
    ("edit", "raised", "says"),
    [
        (
            {"csv": "data/spans.csv", "row": "spn-9999", "set": {"note": "x"}},
            ValueError,
            "spans.csv has no row 'spn-9999'",
        ),
        (
            {"csv": "data/spans.csv", "row": "spn-0005", "set": {"nte": "x"}},
            ValueError,
            "spans.csv has no column 'nte'",
        ),
        (
            {"csv": "data/spans.csv", "insert": {"span_id": "spn-0099"}},
            ValueError,
            "must give every column",
        ),
        (
            {
                "patch": "schemas/claims.schema.json",
                "ops": [{"op": "test", "path": ["fields", 2, "name"], "value": "voice"}],
            },
            jsonpatch.JsonPatchTestFailed,
            "voice",
        ),
        (
            {"text": "CHANGELOG.md", "replace": ["## [9.9.9]", "## [9.9.8]"]},
            ValueError,
            "occurs 0 times",
        ),
    ],
    ids=["unknown-row", "unknown-column", "partial-row", "failed-test", "absent-passage"],
)
def test_an_edit_that_does_not_fit_stops_the_build(edit, raised, says, tmp_path):
    case = tmp_path / "case"
    case.mkdir()
    (case / "expected.json").write_text(
        json.dumps({"edits": [edit], "errors": []}), encoding="utf-8"
    )
    with pytest.raises(raised, match=says.replace("[", r"\[")):
        build_package(tmp_path / "package", case)
