"""`normalize` undoes what spreadsheets and dataframes do to a CSV, exactly; `fill` refuses a file it has not undone."""

from __future__ import annotations

import json
import shutil

import pytest

from validate import run
from validate.canonical import NotCSV, normalize_csv
from validate.cli import main

from .conftest import FIXTURES, VALID

REPAIRS = FIXTURES / "repairs"


def saved_over(descriptor, case: str) -> dict[str, bytes]:
    """Overwrite the package's files with the fixture's round-tripped copies; return the originals."""
    originals = {}
    for saved in (REPAIRS / case / "data").iterdir():
        target = descriptor.parent / "data" / saved.name
        originals[saved.name] = target.read_bytes()
        shutil.copyfile(saved, target)
    return originals


@pytest.mark.parametrize("case", ["spreadsheet-saved", "pandas-round-trip"])
def test_a_round_tripped_file_comes_back_byte_identical(case, minimal_package, capsys):
    originals = saved_over(minimal_package, case)
    assert any(
        (minimal_package.parent / "data" / name).read_bytes() != data
        for name, data in originals.items()
    )
    assert not run(minimal_package).valid
    assert main(["normalize", "--check", str(minimal_package)]) == 1
    assert main(["normalize", str(minimal_package)]) == 0
    for name, data in originals.items():
        assert (minimal_package.parent / "data" / name).read_bytes() == data, name
    assert run(minimal_package).valid
    assert main(["normalize", "--check", str(minimal_package)]) == 0
    assert capsys.readouterr().out.endswith("nothing to change\n")


def test_spreadsheet_changes_are_reported_file_by_file(minimal_package, capsys):
    saved_over(minimal_package, "spreadsheet-saved")
    assert main(["normalize", "--check", str(minimal_package)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(
        "data/claims.csv: removed the byte order mark (BOM); converted CR LF / CR line endings to LF; "
        "rewrote the quoting in the canonical form"
    )
    assert "would be refreshed" not in out  # the recorded hash is that of the canonical file


def test_check_reports_a_stale_hash(minimal_package, capsys):
    claims = minimal_package.parent / "data" / "claims.csv"
    claims.write_bytes(claims.read_bytes().replace(b"almost three hours", b"nearly three hours"))
    assert main(["normalize", "--check", str(minimal_package)]) == 1
    assert (
        "datapackage.json: the bytes or hash of data/claims.csv would be refreshed"
        in capsys.readouterr().out
    )


def test_pandas_changes_are_reported(minimal_package, capsys):
    saved_over(minimal_package, "pandas-round-trip")
    main(["normalize", "--check", str(minimal_package)])
    out = capsys.readouterr().out
    assert "data/claims.csv: removed the unnamed index column(s) '' that a dataframe added" in out
    assert "emptied" in out and "(NaN, None, NULL, ...)" in out


def test_check_changes_nothing(minimal_package, capsys):
    saved_over(minimal_package, "spreadsheet-saved")
    before = {p: p.read_bytes() for p in minimal_package.parent.rglob("*") if p.is_file()}
    assert main(["normalize", "--check", str(minimal_package)]) == 1
    assert {p: p.read_bytes() for p in minimal_package.parent.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    ("saved", "canonical", "change"),
    [
        (b" a ,b\n1,2\n", b"a,b\n1,2\n", "removed white space around header names: ' a '"),
        (b"b,a\n2,1\n", b"a,b\n1,2\n", "put the columns in the schema's order"),
        (b"a,b\nNULL,None\n", b"a,b\n,\n", "emptied 2 cell(s)"),
        (b"a,b\n2025.0,1\n", b"a,b\n2025,1\n", "wrote 1 whole number(s) without the '.0'"),
        (b"a,b\r\nx,\r1,2\r\n", b"a,b\nx,\n1,2\n", "converted CR LF / CR line endings to LF"),
        (b"a,b\ne\xcc\x81,2\n", "a,b\n\u00e9,2\n".encode(), "normalised 1 cell(s) to Unicode NFC"),
        (
            b"Unnamed: 0,a,b\n0,1,2\n",
            b"a,b\n1,2\n",
            "removed the unnamed index column(s) 'Unnamed: 0'",
        ),
    ],
)
def test_each_repair(saved, canonical, change):
    result = normalize_csv(
        saved, [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]
    )
    assert result.data == canonical
    assert any(c.startswith(change) for c in result.changes), result.changes


def test_a_text_that_says_none_in_a_sentence_is_kept():
    assert (
        normalize_csv(b"a\nNone of them\n", [{"name": "a", "type": "string"}]).data
        == b"a\nNone of them\n"
    )


def test_fill_refuses_a_non_canonical_file_and_names_normalize(minimal_package, capsys):
    saved_over(minimal_package, "spreadsheet-saved")
    before = minimal_package.read_bytes()
    assert main(["fill", str(minimal_package)]) == 2
    err = capsys.readouterr().err
    assert "data/claims.csv is not in canonical form (removed the byte order mark (BOM); " in err
    assert "run `python -m validate normalize`" in err
    assert minimal_package.read_bytes() == before


def test_fixture_bases_are_canonical():
    for base in VALID.iterdir():
        for table in (base / "data").glob("*.csv"):
            assert b"\r" not in table.read_bytes() and not table.read_bytes().startswith(
                b"\xef\xbb\xbf"
            ), table


def test_a_file_that_cannot_be_normalised_stops_everything(minimal_package, capsys):
    saved_over(minimal_package, "spreadsheet-saved")
    entities = minimal_package.parent / "data" / "entities.csv"
    entities.write_bytes(
        entities.read_bytes() + b"ent-x,\x81\n"
    )  # 0x81: no character in cp1252 either
    before = {p: p.read_bytes() for p in minimal_package.parent.rglob("*") if p.is_file()}
    assert main(["normalize", str(minimal_package)]) == 2
    err = capsys.readouterr().err
    assert (
        "error: data/entities.csv: not UTF-8 (bad byte at position 487); save it as UTF-8 first"
        in err
        and "Traceback" not in err
    )
    assert {
        p: p.read_bytes() for p in minimal_package.parent.rglob("*") if p.is_file()
    } == before  # claims.csv not half-repaired


def test_the_header_error_shows_the_unnamed_column_and_names_normalize(minimal_package):
    saved_over(minimal_package, "pandas-round-trip")
    (header,) = [
        e
        for e in run(minimal_package).errors
        if (e.check, e.code, e.file) == ("canonical-form", "header", "data/claims.csv")
    ]
    assert (
        header.message
        == "data/claims.csv: the header has unknown column(s) '' (a column without a name: a dataframe's index?)."
    )
    assert header.hint.startswith(
        "Run `python -m validate normalize` (it drops an unnamed index column"
    )


SCHEMA = [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]


@pytest.mark.parametrize(
    ("saved", "change"),
    [
        (b"a;b\n1;x, y\n", "converted ';' separators to ','"),
        (b"a\tb\r\n1\tx, y\r\n", "converted tab separators to ','"),
        ("a;b\n1;x, y\n".encode("utf-16"), "converted from UTF-16 LE to UTF-8"),
        (b"\xfe\xff" + "a;b\n1;x, y\n".encode("utf-16-be"), "converted from UTF-16 BE to UTF-8"),
        (b'\xef\xbb\xbf"a";"b"\r\n1;"x, y"\r\n', "removed the byte order mark (BOM)"),
    ],
)
def test_a_foreign_dialect_is_converted_exactly(saved, change):
    result = normalize_csv(saved, SCHEMA)
    assert result.data == b'a,b\n1,"x, y"\n'
    assert change in result.changes


def test_windows_1252_is_converted_and_a_question_mark_is_refused():
    assert normalize_csv("a;b\n1;caf\u00e9 \u2019\n".encode("cp1252"), SCHEMA).data == (
        "a,b\n1,caf\u00e9 \u2019\n".encode()
    )
    with pytest.raises(NotCSV, match=r"Windows-1252 \(cp1252\).*holds 1 '\?'"):
        normalize_csv("a;b\n1;Who is Fran\u00e7ois?\n".encode("cp1252"), SCHEMA)


@pytest.mark.parametrize(
    ("saved", "reason"),
    [
        (
            b"a,b\n1,x\r\n2;y\r\n",
            "read as ','-separated, UTF-8, LF line endings, but line 3 is ';'-separated",
        ),
        (
            b"a;b\n1;x\n2\n",
            "read as ';'-separated, UTF-8, LF line endings, line 3 has 1 cell(s) where the header has 2",
        ),
        (
            b"a;c\n1;x\n",
            "the header does not match the schema (missing 'b'; not in the schema 'c')",
        ),
        (b"a;b;a\n1;x;2\n", "the header does not match the schema (repeated 'a')"),
    ],
)
def test_a_file_that_does_not_match_is_refused_with_the_dialect_found(saved, reason):
    with pytest.raises(NotCSV) as raised:
        normalize_csv(saved, SCHEMA)
    assert reason in str(raised.value)


def test_a_canonical_file_is_left_alone_even_when_its_header_differs():
    assert normalize_csv(b"a,c\n1,x\n", SCHEMA).data == b"a,c\n1,x\n"


def test_pandas_defaults_come_back_byte_identical(minimal_package):
    pandas = pytest.importorskip("pandas")
    table = minimal_package.parent / "data" / "claim_sources.csv"
    original = table.read_bytes()
    fields = json.loads(
        (minimal_package.parent / "schemas" / "claim_sources.schema.json").read_text("utf-8")
    )["fields"]
    frame = pandas.read_csv(table, dtype=str, keep_default_na=False)
    for options in ({}, {"sep": ";"}, {"encoding": "utf-8-sig"}, {"sep": ";", "index": False}):
        saved = minimal_package.parent / "saved.csv"
        frame.to_csv(saved, **options)
        assert normalize_csv(saved.read_bytes(), fields).data == original, options


def test_an_appended_semicolon_row_is_one_error_and_stops_every_writer(minimal_package, capsys):
    table = minimal_package.parent / "data" / "claim_sources.csv"
    table.write_bytes(
        table.read_bytes()
        + b"csr-0099;clm-001;unknown;;unknown;;;;;fixture;2026-11-28;manual-extraction\r\n"
    )
    line = table.read_bytes().count(b"\n")
    errors = [(e.check, e.code, e.file, e.line) for e in run(minimal_package).errors]
    assert ("resource-files", "mixed-dialect", "data/claim_sources.csv", line) in errors
    assert [e for e in errors if e[2] == "data/claim_sources.csv"] == [
        ("resource-files", "mixed-dialect", "data/claim_sources.csv", line)
    ]
    before = {p: p.read_bytes() for p in minimal_package.parent.rglob("*") if p.is_file()}
    for command in (["normalize"], ["fill"], ["rename-id", "clm-001", "clm-901"]):
        assert main([*command, str(minimal_package)]) == 2, command
        err = capsys.readouterr().err
        assert f"data/claim_sources.csv line {line} is ';'-separated" in err or (
            f"but line {line} is ';'-separated" in err
        ), err
    assert {p: p.read_bytes() for p in minimal_package.parent.rglob("*") if p.is_file()} == before


def test_normalize_puts_the_files_back_when_fill_stops(minimal_package, capsys):
    saved_over(minimal_package, "spreadsheet-saved")
    spans = minimal_package.parent / "data" / "spans.csv"
    header, first, *rest = spans.read_text(encoding="utf-8").split("\n")
    exact = header.split(",").index("exact")
    cells = first.split(",")
    cells[exact] = "words that are in no snapshot"
    spans.write_text("\n".join([header, ",".join(cells), *rest]), encoding="utf-8")
    before = {p: p.read_bytes() for p in minimal_package.parent.rglob("*") if p.is_file()}
    assert main(["normalize", str(minimal_package)]) == 2
    err = capsys.readouterr().err
    assert "fill could not finish, so they were put back as they were" in err
    assert {p: p.read_bytes() for p in minimal_package.parent.rglob("*") if p.is_file()} == before
