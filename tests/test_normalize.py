"""`normalize` undoes what spreadsheets and dataframes do to a CSV, exactly; `fill` refuses a file it has not undone."""

from __future__ import annotations

import shutil

import pytest

from validate import run
from validate.canonical import normalize_csv
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
    entities.write_bytes(entities.read_bytes() + b"ent-x,\x81\n")  # 0x81: no character in cp1252 either
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
