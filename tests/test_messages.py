"""Messages point at the character: where two texts differ, which look-alikes, the nearest match; no misleading follow-ups."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from validate import run
from validate.checks._cell_wording import type_message
from validate.checks._rows import named
from validate.cli import main
from validate.errors import Error
from validate.reporters import GITHUB_ANNOTATION_LIMIT, render_github
from validate.textdiff import explain, nearest

from .conftest import REPO
from .expected_order import distinct_codes_first
from .fixture_edits import apply_edits

SNAPSHOT = REPO / "sources" / "article-2025-02-04-bukele-cecot.txt"


def test_explain_names_curly_and_straight_apostrophes():
    assert explain(
        "Mr Bukele’s residence", "Mr Bukele's residence", expected_label="span", actual_label="text"
    ) == (
        "they differ at character 10:\n"
        "    span: Mr Bukele’s residence\n"
        "    text: Mr Bukele's residence\n"
        "                   ^\n"
        "    span has ’ (RIGHT SINGLE QUOTATION MARK), text has ' (APOSTROPHE): look-alike characters"
    )


def test_explain_lists_every_look_alike_pair():
    message = explain("“Great idea”", '"Great idea"')
    assert "“ (LEFT DOUBLE QUOTATION MARK)" in message
    assert (
        'all look-alikes that differ: “ (LEFT DOUBLE QUOTATION MARK) vs " (QUOTATION MARK); '
        '” (RIGHT DOUBLE QUOTATION MARK) vs " (QUOTATION MARK)'
    ) in message


def test_explain_recognises_nfc_and_nfd():
    assert "different Unicode forms (one is NFC, the other NFD" in explain("Perú", "Peru\u0301")


def test_nearest_finds_the_text_with_look_alikes_or_a_typo():
    text = SNAPSHOT.read_text(encoding="utf-8")
    assert nearest(text, "Mr Bukele's residence") == (756, "Mr Bukele’s residence")
    assert nearest(text, "Mr Bukele’s residance") == (756, "Mr Bukele’s residence")
    assert nearest(text, "zzzz qqqq xxxx wwww") is None


def test_anchor_suggests_the_nearest_match_and_names_the_look_alike():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "validate",
            "anchor",
            str(SNAPSHOT),
            "--text",
            "Mr Bukele's residence",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout.startswith(
        'error: the text "Mr Bukele\'s residence" does not occur in the snapshot; '
        "the nearest text is 'Mr Bukele’s residence' at start_char 756 (line 9): they differ at character 10:"
    )
    assert (
        "snapshot has ’ (RIGHT SINGLE QUOTATION MARK), yours has ' (APOSTROPHE): look-alike characters"
        in done.stdout
    )


def test_a_deleted_document_gives_no_follow_ups_about_dates_or_snapshots(tmp_path):
    for name in ("datapackage.json", "data", "schemas", "sources", "CHANGELOG.md", "CITATION.cff"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, tmp_path / name)
    documents = tmp_path / "data" / "documents.csv"
    documents.write_text(
        "".join(
            line
            for line in documents.read_text(encoding="utf-8").splitlines(keepends=True)
            if not line.startswith("doc-article,")
        ),
        encoding="utf-8",
    )
    messages = [e.message for e in run(tmp_path).errors]
    assert any("doc-article" in m for m in messages)  # the missing document itself is reported
    assert not [
        m for m in messages if "needs the document's date" in m or "has no readable snapshot" in m
    ]


def test_fill_says_a_missing_document_does_not_exist(minimal_package, capsys):
    spans = minimal_package.parent / "data" / "spans.csv"
    spans.write_text(
        spans.read_text(encoding="utf-8").replace("spn-0005,doc-sample,", "spn-0005,doc-gone,"),
        encoding="utf-8",
    )
    assert main(["fill", str(minimal_package)]) == 2
    assert "document 'doc-gone' does not exist in data/documents.csv" in capsys.readouterr().err


def test_annotations_show_each_code_before_a_second_of_the_same_code():
    repeated = [
        Error("table-frictionless", "foreign-key", f"ent-x unknown ({n})", "data/claims.csv", n)
        for n in range(2, 14)
    ]
    typo = Error("record-anchors", "verbatim-mismatch", "quote typo", "data/quotes.csv", 5)
    ordered = distinct_codes_first(repeated + [typo])
    assert [e.code for e in ordered[:3]] == ["foreign-key", "verbatim-mismatch", "foreign-key"]

    stub = SimpleNamespace(
        errors=[*repeated, typo],
        crashed=[],
        finished=True,
        checks=["table-frictionless", "record-anchors"],
        error_count=13,
        warning_count=0,
        valid=False,
        package=SimpleNamespace(
            root=Path.cwd()
        ),  # paths are shown relative to the working directory
        not_applicable={},
    )
    annotations = [line for line in render_github(stub).splitlines() if line.startswith("::error ")]
    assert len(annotations) == GITHUB_ANNOTATION_LIMIT
    assert any("quote typo" in line for line in annotations)


def test_fill_names_the_look_alike_that_stops_it(minimal_package, capsys):
    spans = minimal_package.parent / "data" / "spans.csv"
    spans.write_text(
        spans.read_text(encoding="utf-8").replace(
            "spn-0005,doc-sample,27,35,Mr Rubio,", "spn-0005,doc-sample,,,Mr\u00a0Rubio,"
        ),
        encoding="utf-8",
    )
    before = spans.read_bytes()
    assert main(["fill", str(minimal_package)]) == 2
    err = capsys.readouterr().err
    assert (
        "spans.csv line 18 ('spn-0005'): the text 'Mr\\xa0Rubio' does not occur in the snapshot; the nearest text is 'Mr Rubio' at start_char 27"
        in err
    )
    assert (
        "snapshot has U+0020 (SPACE), yours has U+00A0 (NO-BREAK SPACE): look-alike characters"
        in err
    )
    assert spans.read_bytes() == before


def _located(descriptor, edits: list[dict], select: list[str]) -> list[tuple]:
    """(check, code, file, line, column, field, message, hint) of each error after `edits`, from the checks `select`."""
    apply_edits(descriptor.parent, edits)
    return [
        (e.check, e.code, e.file, e.line, e.column, e.field, e.message, e.hint)
        for e in run(descriptor, select=select).errors
    ]


def test_a_date_error_names_the_format(minimal_package):
    edit = {
        "csv": "data/documents.csv",
        "row": "doc-sample",
        "set": {"date_published": "4 Feb 2025"},
    }
    [error] = _located(minimal_package, [edit], ["table-frictionless"])
    assert error[:6] == (
        "table-frictionless",
        "type-error",
        "data/documents.csv",
        2,
        11,
        "date_published",
    )
    assert (
        error[6]
        == "date_published = '4 Feb 2025' is not a date: write it as YYYY-MM-DD, e.g. 2025-02-04."
    )
    assert "column's type" not in error[7] and "date/default" not in error[6]


def test_the_reference_engine_words_a_type_error_the_same(minimal_package):
    apply_edits(
        minimal_package.parent,
        [
            {
                "csv": "data/documents.csv",
                "row": "doc-sample",
                "set": {"snapshot_code_points": "133.0"},
            }
        ],
    )
    for engine in ("duckdb", "frictionless"):
        [error] = run(minimal_package, select=["table-frictionless"], engine=engine).errors
        assert (error.code, error.column, error.message) == (
            "type-error",
            16,
            "snapshot_code_points = '133.0' is not a whole number: write it in digits only, e.g. 42 "
            "(no decimal point).",
        ), engine


def test_each_type_says_what_its_value_looks_like():
    assert type_message({"name": "at", "type": "datetime"}, "noon") == (
        "at = 'noon' is not a date and time: write it as YYYY-MM-DDThh:mm:ss with a time zone, "
        "e.g. 2025-02-04T09:30:00Z."
    )
    assert type_message({"name": "year", "type": "year"}, "25") == (
        "year = '25' is not a year: write it as four digits, e.g. 2025."
    )
    assert type_message({"name": "n", "type": "number"}, "3,5") == (
        "n = '3,5' is not a number: write it in digits with a dot for decimals, e.g. 3.5."
    )
    assert type_message({"name": "ok", "type": "boolean", "trueValues": ["yes"]}, "y") == (
        "ok = 'y' is not true or false: write it as yes or false."
    )
    assert type_message({"name": "d", "type": "date", "format": "%d/%m/%Y"}, "2025") == (
        "d = '2025' is not a date: write it in the format %d/%m/%Y."
    )


def test_an_enum_error_lists_the_allowed_values(minimal_package):
    edit = {"csv": "data/claims.csv", "row": "clm-001", "set": {"voice": "Publication"}}
    assert _located(minimal_package, [edit], ["table-frictionless"]) == [
        (
            "table-frictionless",
            "constraint-error",
            "data/claims.csv",
            2,
            5,
            "voice",
            "voice = 'Publication' is not one of: publication, attributed.",
            "Change the value so that it meets the rule named in the message.",
        )
    ]


def test_a_pattern_error_shows_the_pattern_and_an_example(minimal_package):
    edit = {"csv": "data/claims.csv", "row": "clm-001", "set": {"claim_id": "claim 1"}}
    messages = [e[6] for e in _located(minimal_package, [edit], ["table-frictionless"])]
    assert (
        "claim_id = 'claim 1' does not match the pattern ^clm-[0-9]{3}$ (e.g. clm-001)." in messages
    )


def test_a_duplicate_id_is_reported_once(minimal_package):
    entities = minimal_package.parent / "data" / "entities.csv"
    lines = entities.read_text(encoding="utf-8").splitlines(keepends=True)
    entities.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    assert _located(minimal_package, [], ["table-frictionless"]) == [
        (
            "table-frictionless",
            "primary-key",
            "data/entities.csv",
            len(lines) + 1,
            1,
            "entity_id",
            f"entity_id = {lines[1].split(',')[0]!r} is already used on line 2.",
            "Each ID must be unique: give this row a new ID that is not used elsewhere (IDs are never reused).",
        )
    ]


def test_a_missing_required_cell_is_reported_once(minimal_package):
    entities = minimal_package.parent / "data" / "entities.csv"
    lines = entities.read_text(encoding="utf-8").splitlines(keepends=True)
    entities.write_text("".join([*lines[:2], lines[2].rsplit(",", 1)[0] + "\n", *lines[3:]]))
    for engine in ("duckdb", "frictionless"):
        errors = run(minimal_package, select=["table-frictionless"], engine=engine).errors
        assert [(e.code, e.line, e.column, e.field) for e in errors] == [
            ("missing-cell", 3, lines[0].count(",") + 1, "method")
        ], engine


def test_an_empty_id_says_it_is_empty(minimal_package):
    claims = minimal_package.parent / "data" / "claims.csv"
    text = claims.read_text(encoding="utf-8")
    claims.write_text(text.replace("\nclm-002,", "\n,", 1), encoding="utf-8")
    line = text[: text.index("\nclm-002,")].count("\n") + 2
    [error] = [e for e in _located(minimal_package, [], ["record-anchors"]) if e[1] == "unanchored"]
    assert error == (
        "record-anchors",
        "unanchored",
        "data/claims.csv",
        line,
        1,
        "claim_id",
        "the row's claim_id is empty, so no 'content' span can anchor it.",
        "Give the row its claim_id first.",
    )


def test_named_says_an_id_is_empty():
    assert named("clm-001", "claim_id") == "clm-001"
    assert named("", "claim_id") == "the row with an empty claim_id"
    assert named(None) == "the row with an empty ID"


def test_a_typographic_mismatch_names_the_characters_not_fill(minimal_package):
    # the content span of qot-001 typed with a straight quotation mark where the article has “
    edit = {
        "csv": "data/spans.csv",
        "row": "spn-0008",
        "set": {"start_char": "75", "exact": '"He has offered his jails,', "prefix": ""},
    }
    [error] = _located(minimal_package, [edit], ["anchors"])
    spans = (minimal_package.parent / "data" / "spans.csv").read_text(encoding="utf-8")
    line = spans[: spans.index("\nspn-0008,")].count("\n") + 2
    assert error[:6] == ("anchors", "exact-mismatch", "data/spans.csv", line, 5, "exact")
    assert error[7] == (
        "Copy `exact` character for character from the article: the article has “ (U+201C) where exact has "
        '" (U+0022).'
    )
    assert "fill" not in error[7]


def test_an_offset_mismatch_still_suggests_fill(minimal_package):
    edit = {"csv": "data/spans.csv", "row": "spn-0008", "set": {"start_char": "77"}}
    [error] = [
        e for e in _located(minimal_package, [edit], ["anchors"]) if e[1] == "exact-mismatch"
    ]
    assert "`python -m validate fill`" in error[7]


def test_a_verbatim_look_alike_is_named_in_the_hint(minimal_package):
    edit = {
        "csv": "data/quotes.csv",
        "row": "qot-001",
        "set": {"text": "He has\u00a0offered his jails,"},
    }
    [error] = _located(minimal_package, [edit], ["record-anchors"])
    assert error[:6] == ("record-anchors", "verbatim-mismatch", "data/quotes.csv", 2, 8, "text")
    assert error[7] == (
        "Copy the text character for character from the article: the article has (U+0020) where text has "
        "(U+00A0)."
    )
