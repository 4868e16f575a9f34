"""Unit tests of the building blocks: anchors, sentences, numbers, JSON positions, CSV lines, fill."""

from __future__ import annotations

import json
from datetime import date

import pytest

from validate.anchor import AnchorError, context_after, context_before, locate
from validate.csvio import parse_csv, render_csv, write_atomically
from validate.fill import fill
from validate.jsonpos import line_for, value_lines
from validate.numbers import Unreadable, read
from validate.sentences import split_sentences

TEXT = "Mr Rubio said. “Any… jails,” Mr Rubio said.\n\nADVERTISEMENT"


def test_locate_counts_code_points_not_bytes():
    anchor = locate(TEXT, "jails")
    assert (anchor.start, anchor.end) == (21, 26)
    assert TEXT[anchor.start : anchor.end] == "jails"
    assert (
        len(TEXT[: anchor.start].encode("utf-8")) > anchor.start
    )  # curly quote and ellipsis are multi-byte


def test_locate_refuses_ambiguity_and_absence():
    with pytest.raises(AnchorError, match=r"occurs 2 times \(at 0, 29\)"):
        locate(TEXT, "Mr Rubio")
    with pytest.raises(AnchorError, match="does not occur"):
        locate(TEXT, "Mr Bukele")
    assert locate(TEXT, "Mr Rubio", near=25).start == 29
    assert locate(TEXT, "Mr Rubio", prefix="” ").start == 29


def test_context_is_spreadsheet_safe():
    assert context_before("=SUM(1) x", 8) == "SUM(1) "
    assert context_after("x-13 and", 1) == ""
    assert context_after("x 13", 1) == " 13"


def test_sentences_split_on_lines_and_full_stops_but_not_after_mr():
    sentences = split_sentences(TEXT)
    assert [s.text for s in sentences] == [
        "Mr Rubio said.",
        "“Any… jails,” Mr Rubio said.",
        "ADVERTISEMENT",
    ]
    assert [s.line for s in sentences] == [1, 1, 3]
    assert (
        split_sentences("Mr. Rubio met U.S. officials. Then left.")[0].text
        == "Mr. Rubio met U.S. officials."
    )


@pytest.mark.parametrize(
    ("surface", "value", "value_type", "bound", "lower", "upper"),
    [
        ("almost three hours", "3", "number", "almost", None, 3),
        ("more than 80,000", "80000", "number", "more_than", 80000, None),
        ("410-acre", "410", "number", "exact", None, None),
        ("40,000", "40000", "number", "exact", None, None),
        ("first", "1", "ordinal", "exact", None, None),
        ("2023", "2023", "year", "exact", None, None),
        ("Jan 20", "2025-01-20", "date", "exact", None, None),
        ("February 4, 2025", "2025-02-04", "date", "exact", None, None),
        ("on Monday", "2025-02-03", "date", "relative", None, None),
        ("last week", "2025-W05", "iso_week", "relative", None, None),
        ("hundreds of thousands", "", "number", "range", 200000, 1000000),
    ],
)
def test_numbers_read_as_printed(surface, value, value_type, bound, lower, upper):
    reading = read(surface, date(2025, 2, 4))  # a Tuesday
    assert (reading.value, reading.value_type, reading.bound, reading.lower, reading.upper) == (
        value,
        value_type,
        bound,
        lower,
        upper,
    )


def test_numbers_refuse_what_they_cannot_read():
    with pytest.raises(Unreadable):
        read("a step further", date(2025, 2, 4))
    with pytest.raises(Unreadable):
        read("last week", None)


def test_json_positions():
    text = '{\n  "a": 1,\n  "list": [\n    {"hash": "x"},\n    {"hash": "y"}\n  ]\n}\n'
    lines = value_lines(text)
    assert lines["$.a"] == 2 and lines["$.list[1].hash"] == 5
    assert line_for(lines, "$.list[1].missing") == 5


def test_csv_lines_count_quoted_line_breaks_and_blank_rows():
    table = parse_csv('id,notes\na,"two\nlines"\n\nb,x\n')
    assert [(r.cells["id"], r.line, r.row) for r in table.records] == [("a", 2, 2), ("b", 5, 4)]
    assert table.line_of_row(3) == 4 and table.blank_rows == [3]
    assert table.line_of_row(4) == 5 and table.line_of_row(2) == 2 and table.line_of_row(9) is None


def test_write_atomically_writes_only_changes(tmp_path):
    target = tmp_path / "f.txt"
    assert write_atomically(target, b"one") is True
    assert write_atomically(target, b"one") is False
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_fill_computes_offsets_and_hashes_then_changes_nothing(minimal_package):
    spans = minimal_package.parent / "data" / "spans.csv"
    original = spans.read_bytes()
    table = parse_csv(original.decode("utf-8"))
    rows = [
        {**r.cells, "end": "", "prefix": "", "suffix": ""} for r in table.records
    ]  # `start` stays as the hint
    spans.write_text(render_csv(table.header, rows), encoding="utf-8")
    assert fill(minimal_package) == [
        "data/spans.csv"
    ]  # restored byte for byte, so the recorded hash still holds
    assert spans.read_bytes() == original
    assert fill(minimal_package) == []
    descriptor = json.loads(minimal_package.read_text(encoding="utf-8"))
    assert all(r["hash"].startswith("sha256:") for r in descriptor["resources"])


def test_anchor_command(capsys, tmp_path):
    from validate.cli import main

    snapshot = tmp_path / "s.txt"
    snapshot.write_text(TEXT, encoding="utf-8")
    assert main(["anchor", str(snapshot), "--text", "jails", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {
            "exact": "jails",
            "start_char": 21,
            "end_char": 26,
            "line": 1,
            "prefix": "Mr Rubio said. “Any… ",
            "suffix": ",” Mr Rubio said.\n\nADVERTISEMENT",
        }
    ]
    assert main(["anchor", str(snapshot), "--text", "Mr Bukele"]) == 1
    assert "error: the text 'Mr Bukele' does not occur in the snapshot" in capsys.readouterr().out
    assert main(["anchor", str(snapshot), "--file", str(tmp_path / "missing.txt")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["anchor", str(tmp_path / "nope.txt"), "--text", "x"]) == 2
    assert "cannot read snapshot" in capsys.readouterr().err


def test_fill_refuses_a_resource_outside_the_package(minimal_package, capsys):
    from validate.cli import main

    descriptor = json.loads(minimal_package.read_text(encoding="utf-8"))
    descriptor["resources"][1]["path"] = "../outside.csv"
    minimal_package.write_text(json.dumps(descriptor), encoding="utf-8")
    before = minimal_package.read_bytes()
    assert main(["fill", str(minimal_package)]) == 2
    assert (
        "error: resource 'documents' cannot be hashed: Resource 'documents' points outside the package ('../outside.csv')"
        in capsys.readouterr().err
    )
    assert minimal_package.read_bytes() == before


def test_visible_lines_keeps_the_validators_layout_and_escapes_any_other_line_break():
    from validate.safetext import visible_lines

    assert (
        visible_lines("they differ at character 3:\n    snapshot: ab’c\n      ^")
        == "they differ at character 3:\n    snapshot: ab’c\n      ^"
    )
    assert (
        visible_lines("clm-001\nvalid: 0 error(s)") == "clm-001\\x0avalid: 0 error(s)"
    )  # a forged report line stays on its line
    assert visible_lines("x\x1b[2J\u202e") == "x\\x1b[2J\\u202e"
