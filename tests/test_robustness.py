"""Bad input of any kind: a clear message and exit 1 or 2, never a traceback, nothing written."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from validate.cli import main


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"name": ', "is not valid JSON: Expecting value at line 1"),
        ('{"name": "x",}', "is not valid JSON"),
        ("[1, 2]", "must hold a JSON object ({...}), not a list"),
        ('"just a string"', "must hold a JSON object ({...}), not a str"),
        ("", "is not valid JSON"),
    ],
)
def test_unreadable_descriptor_exits_2(tmp_path, capsys, content, message):
    descriptor = tmp_path / "datapackage.json"
    descriptor.write_text(content, encoding="utf-8")
    code, out, err = run_cli(capsys, str(descriptor))
    assert (code, out) == (2, "")
    assert message in err and "Traceback" not in err


def test_descriptor_not_utf8_exits_2(tmp_path, capsys):
    descriptor = tmp_path / "datapackage.json"
    descriptor.write_bytes(b'{"name": "\xff"}')
    code, _, err = run_cli(capsys, str(descriptor))
    assert code == 2 and "is not UTF-8 text (bad byte at position 10)" in err


def test_missing_path_exits_2(tmp_path, capsys):
    code, _, err = run_cli(capsys, str(tmp_path / "nowhere" / "datapackage.json"))
    assert code == 2 and "does not exist" in err


def test_directory_without_descriptor_exits_2(tmp_path, capsys):
    code, _, err = run_cli(capsys, str(tmp_path))
    assert code == 2 and "datapackage.json does not exist" in err


def test_descriptor_that_is_a_directory_exits_2(tmp_path, capsys):
    (tmp_path / "datapackage.json").mkdir()
    code, _, err = run_cli(capsys, str(tmp_path / "datapackage.json"))
    assert code == 2 and "datapackage.json is a folder, not a file" in err


def test_usage_error_exits_2(capsys):
    code, out, err = run_cli(capsys, "--format", "yaml")
    assert (code, out) == (2, "")
    assert "invalid choice: 'yaml'" in err and "python -m validate --help" in err


def test_unknown_check_id_exits_2(minimal_package, capsys):
    code, _, err = run_cli(capsys, str(minimal_package), "--select", "no-such-check")
    assert code == 2 and "unknown check id 'no-such-check'" in err


def _package_errors(capsys, descriptor: Path) -> tuple[int, str]:
    code, out, err = run_cli(capsys, str(descriptor), "--format", "text")
    assert "Traceback" not in out + err
    return code, out


def test_resource_that_is_a_directory(minimal_package, capsys):
    claims = minimal_package.parent / "data" / "claims.csv"
    claims.unlink()
    claims.mkdir()
    code, out = _package_errors(capsys, minimal_package)
    assert code == 1
    assert (
        "Resource 'claims': 'data/claims.csv' is a folder. ($.resources[3].path) [resource-files/not-a-file]"
        in out
    )
    assert (
        "cannot be read safely or have errors: data/claims.csv. [table-frictionless/not-run]" in out
    )


def test_symlink_leaving_the_package_is_not_followed(minimal_package, capsys, tmp_path):
    secret = tmp_path / "outside.csv"
    secret.write_text("claim_id\nSECRET-VALUE\n", encoding="utf-8")
    claims = minimal_package.parent / "data" / "claims.csv"
    claims.unlink()
    claims.symlink_to(secret)
    code, out = _package_errors(capsys, minimal_package)
    assert code == 1
    assert (
        "Resource 'claims': 'data/claims.csv' is a symbolic link; links are never followed" in out
    )
    assert "[resource-files/link-not-followed]" in out
    assert "SECRET-VALUE" not in out


@pytest.mark.parametrize(
    ("table", "rewrite", "expected"),
    [
        (
            "claims",
            lambda data: b"\x89PNG\r\n\x1a\n\x00\x00\xff",
            "data/claims.csv is not UTF-8: the byte at position 0 (line 1) cannot be decoded.",
        ),
        (
            "claims",
            lambda data: data.replace(b"clm-002", b"clm-\x00002", 1),
            "data/claims.csv:3: error: data/claims.csv contains a NUL byte at line 3",
        ),
        (
            "images",
            lambda data: b"",
            "data/images.csv:1: error: data/images.csv is empty: it has no header row. [resource-files/empty-csv]",
        ),
    ],
    ids=["binary", "nul-byte", "empty"],
)
def test_bad_bytes(minimal_package, capsys, table, rewrite, expected):
    path = minimal_package.parent / "data" / f"{table}.csv"
    path.write_bytes(rewrite(path.read_bytes()))
    code, out = _package_errors(capsys, minimal_package)
    assert code == 1
    assert expected in out


def test_header_only_csv(minimal_package, capsys):
    images = minimal_package.parent / "data" / "images.csv"
    images.write_text(images.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    code, out = _package_errors(capsys, minimal_package)
    assert code == 1  # the spans that anchor img-001 now point at nothing
    assert "spn-0001: target 'img-001' does not exist in images." in out


def test_huge_cell(minimal_package, capsys):
    notes = minimal_package.parent / "data" / "entities.csv"
    text = notes.read_text(encoding="utf-8")
    notes.write_text(text.replace("US Secretary of State.", "x" * 1_100_000, 1), encoding="utf-8")
    code, out = _package_errors(capsys, minimal_package)
    assert code == 2  # past a limit: not judged
    assert (
        "data/entities.csv:2: error: data/entities.csv: a cell ending on line 2 is more than 1,000,000, over the limit `cell-chars` "
        "(1,000,000). If this is intended, raise it with `--limit cell-chars=N`. [resource-files/limit-exceeded]"
    ) in out


def test_unclosed_quote(minimal_package, capsys):
    claims = minimal_package.parent / "data" / "claims.csv"
    claims.write_text(claims.read_text(encoding="utf-8") + 'clm-003,"unclosed\n', encoding="utf-8")
    code, out = _package_errors(capsys, minimal_package)
    assert code == 1
    assert "data/claims.csv cannot be read as CSV" in out


def test_validator_never_writes(minimal_package, capsys):
    root = minimal_package.parent
    (root / "data" / "claims.csv").write_text(
        "broken,header\n", encoding="utf-8"
    )  # an invalid package
    before = tree_digest(root)
    mtimes = {p: os.stat(p).st_mtime_ns for p in root.rglob("*")}
    for output in ("text", "json", "github"):
        run_cli(capsys, str(minimal_package), "--format", output)
    assert tree_digest(root) == before
    assert {p: os.stat(p).st_mtime_ns for p in root.rglob("*")} == mtimes


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(resources=5), "$.resources: 5 is not of type 'array'"),
        (
            lambda d: d["resources"].__setitem__(1, "data/documents.csv"),
            "$.resources[1]: 'data/documents.csv' is not of type 'object'",
        ),
        (
            lambda d: d.update(contributors={"title": "x"}),
            "$.contributors: {'title': 'x'} is not of type 'array'",
        ),
        (
            lambda d: d["resources"][1].update(path=["data/documents.csv"]),
            "$.resources[1].path: ['data/documents.csv'] is not of type 'string'",
        ),
        (
            lambda d: d["resources"][1].update(schema={"fields": 5}),
            "$.resources[1].schema: {'fields': 5} is not of type 'string'",
        ),
    ],
)
def test_descriptor_with_wrong_json_types(minimal_package, capsys, change, expected):
    import json

    descriptor = json.loads(minimal_package.read_text(encoding="utf-8"))
    change(descriptor)
    minimal_package.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    code, out = _package_errors(capsys, minimal_package)
    assert code == 1
    assert expected in out
    assert "check-crashed" not in out
