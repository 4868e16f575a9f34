"""Large tables read by DuckDB (validate/columnar.py): its reading is kept only when it is Python's, record for record."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from validate import columnar, package, run
from validate.checks import canonical_form, cell_references, row_consistency
from validate.checks.cell_references import ABSOLUTE_PATH_START
from validate.csvio import (
    MAX_CELL,
    SourceFile,
    Table,
    among,
    filled,
    first_record,
    outside,
    parse_csv,
    render_csv,
)
from validate.package import load

from .conftest import INVALID_CASES, build_package, case_id, examples


def _offer(target: Path, data: bytes, max_cell: int = MAX_CELL) -> columnar.Ingested | None:
    """What the loader does with a large file: DuckDB's reading, or None (then Python parses it)."""
    target.write_bytes(data)
    header = first_record(data, max_cell=max_cell)
    if not header:
        return None
    counts = columnar.FileCounts.of(data)
    candidate = columnar.Candidate(
        SourceFile(target, SourceFile.identity_of(os.lstat(target))), counts, header, max_cell
    )
    [ingested] = columnar.Store([candidate.file]).ingest([candidate])
    return ingested


_CELL = st.text(
    alphabet=st.sampled_from(["a", "é", " ", ",", '"', "\n", "\\", "\x01", "🇸"]), max_size=6
)
_RENDERED = st.lists(st.lists(_CELL, min_size=2, max_size=2), min_size=1, max_size=4).map(
    lambda rows: render_csv(["a", "b"], [dict(zip(["a", "b"], row, strict=True)) for row in rows])
)
# fields written by hand, not by a CSV writer: spaces around quotes (DuckDB drops one before an opening quote and any
# after a closing one), quotes inside a bare field, quoted commas and line breaks, DuckDB's stand-in for NULL
_FIELD = st.sampled_from(
    [
        "a",
        ' "x"',
        ' ""',
        '""',
        '"a,b"',
        ' "a,b"',
        '"a""b"',
        " ",
        "é",
        '"\n"',
        'x"y',
        '\t"x"',
        '  "x"',
        '"x" ',
        '"x"  ',
        '"x"\t',
        '"\n\n"',
        "\x01\x02\x03",
        "",
    ]
)
_RECORD = st.lists(_FIELD, min_size=1, max_size=3).map(",".join)  # ragged records too
_RAW = st.tuples(
    st.sampled_from(["a,b", '"a\nb",c', "a,b,c", ""]),
    st.lists(_RECORD, min_size=1, max_size=4),
    st.booleans(),
).map(
    lambda parts: parts[0] + "\n" + "\n".join(parts[1]) + ("\n" if parts[2] else "")
)  # blank lines, no final line break


# any text of the characters that matter to a CSV reader (a CR or a BOM is never offered to DuckDB: package._large_table)
_ANY = st.text(
    alphabet=st.sampled_from(["a", " ", ",", '"', "\n", "\t", "é", "\x00", "\x01"]),
    min_size=1,
    max_size=30,
)


@settings(max_examples=examples(400), deadline=None)
@given(text=st.one_of(_RENDERED, _RAW, _ANY))
def test_duckdb_reading_is_pythons_or_declined(tmp_path_factory, text):
    """For any CSV text, DuckDB's reading is declined, or its records are exactly Python's (cells, line, row, width)."""
    ingested = _offer(tmp_path_factory.mktemp("csv") / "t.csv", text.encode("utf-8"))
    if ingested is None:
        return  # Python parses the file, as every file before
    python = parse_csv(
        text
    )  # raises csv.Error if DuckDB took a file Python refuses: the test fails
    assert ingested.count == len(python.records) and python.uniform and not python.blank_lines
    assert ingested.records(python.header) == python.records
    assert [list(places) for places in ingested.places()] == [
        [r.row for r in python.records],
        [r.line for r in python.records],
    ]


_NEEDLES = st.frozensets(
    st.sampled_from(["a", "é", ",", '"', "\n", "a,", "🇸", "", "../", "a/"]), max_size=3
)
# cells with what paths and URLs are made of, for the pattern cell-references screens with
_PATHISH = st.text(
    alphabet=st.sampled_from(["a", "/", ":", ".", " ", "é", ",", '"', "\n", "-", "_"]), max_size=8
)
_PATHISH_CSV = st.lists(st.lists(_PATHISH, min_size=2, max_size=2), min_size=1, max_size=4).map(
    lambda rows: render_csv(["a", "b"], [dict(zip(["a", "b"], row, strict=True)) for row in rows])
)


@settings(max_examples=examples(1000), deadline=None)
@given(
    cell=st.text(
        alphabet=st.sampled_from(
            ["a", "b", "/", ".", "é", ":", " ", "~", "-", "_", "@", "(", "m", "d"]
        ),
        max_size=14,
    )
)
@example(cell="see docs/research/a.md")
@example(cell="(/etc/passwd.txt)")
@example(cell="../up/x.md")
@example(cell="é/abs/z.md")
def test_every_path_that_cell_references_checks_passes_its_screen(cell):
    """A cell is read for paths only when it holds `../`, a package folder and a slash, or the start of an absolute
    path: every path PATH finds and the check looks at (outside the package, or under a package folder) is in such a cell."""
    folders = frozenset({"docs", "a"})
    checked = [
        p
        for p in cell_references.PATH.findall(cell)
        if p.startswith(("/", "../")) or p.split("/", 1)[0] in folders
    ]
    screened = any(hint in cell for hint in cell_references.path_hints(folders)) or re.search(
        ABSOLUTE_PATH_START, cell, re.ASCII
    )
    assert screened or not checked


@pytest.mark.parametrize(
    ("reason", "data"),
    [
        ("a space before an opening quote, which DuckDB drops", b'a,b\n "x",y\n'),
        ("a space after a closing quote, which DuckDB drops and Python refuses", b'a,b\n"x" ,y\n'),
        ("a blank line, which DuckDB skips", b"a,b\nx,y\n\nz,w\n"),
        ("a blank line at the end", b"a,b\nx,y\n\n"),
        ("a ragged record", b"a,b\nx,y,z\n"),
        ("a cell DuckDB reads as NULL", b"a,b\n\x01\x02\x03,y\n"),
        ("an unclosed quote", b'a,b\n"x,y\n'),
    ],
)
def test_each_reading_that_is_not_pythons_is_declined(tmp_path, reason, data):
    assert _offer(tmp_path / "t.csv", data) is None, reason


def test_a_cell_past_the_limit_is_left_to_pythons_reader(tmp_path):
    assert _offer(tmp_path / "t.csv", b"a,b\nxxxx,y\n", max_cell=4) is not None
    assert (
        _offer(tmp_path / "t.csv", b"a,b\nxxxxx,y\n", max_cell=4) is None
    )  # Python's reader reports the limit, with its line


def test_a_file_changed_after_it_was_counted_is_declined(tmp_path):
    target = tmp_path / "t.csv"
    target.write_bytes(b"a,b\nx,y\n")
    file = SourceFile(target, SourceFile.identity_of(os.lstat(target)))
    target.write_bytes(b"a,b\nq,z\n")  # same size, same counts, new cells
    os.utime(target, ns=(1, 1))
    candidate = columnar.Candidate(
        file, columnar.FileCounts.of(b"a,b\nx,y\n"), ["a", "b"], MAX_CELL
    )
    assert columnar.Store([file]).ingest([candidate]) == [None]


def test_a_file_name_that_is_not_text_is_left_to_python(tmp_path):
    assert _offer(tmp_path / "plain.csv", b"a,b\nx,y\n") is not None
    assert (
        _offer(tmp_path / os.fsdecode(b"bad\xff.csv"), b"a,b\nx,y\n") is None
    )  # DuckDB takes no undecodable name


def _claims(descriptor: Path) -> package.Table | None:
    return load(descriptor).table("claims")


@pytest.mark.parametrize(
    ("bytes_of", "read_by_duckdb"),
    [
        (lambda data: data, True),
        (
            lambda data: data.replace(b"\n", b"\r\n"),
            False,
        ),  # CR: DuckDB and Python may split lines differently
        (lambda data: b"\xef\xbb\xbf" + data, False),  # BOM
    ],
)
def test_which_files_duckdb_is_offered(minimal_package, monkeypatch, bytes_of, read_by_duckdb):
    claims = minimal_package.parent / "data" / "claims.csv"
    claims.write_bytes(bytes_of(claims.read_bytes()))
    python = _claims(minimal_package)
    monkeypatch.setattr(package, "INGEST_ABOVE_LINES", 0)
    table = _claims(minimal_package)
    assert (table.source.reader == "duckdb") == read_by_duckdb
    assert table.records == python.records and table.header == python.header
    monkeypatch.setattr(
        package, "INGEST_ABOVE_LINES", claims.read_bytes().count(b"\n")
    )  # not more line breaks than the threshold
    assert _claims(minimal_package).source.reader == "python"
    monkeypatch.setattr(package, "INGEST_ABOVE_LINES", 0)
    monkeypatch.setattr(
        package, "MAX_COLUMNS", len(python.header) - 1
    )  # wider than DuckDB is offered
    assert _claims(minimal_package).source.reader == "python"


def test_a_declined_file_is_reported_as_pythons_reader_reports_it(minimal_package, monkeypatch):
    """A blank line: DuckDB would skip it; Python's parse reports the blank row at its line, and the later rows where they are."""
    claims = minimal_package.parent / "data" / "claims.csv"
    lines = claims.read_text(encoding="utf-8").split("\n")
    claims.write_text("\n".join([*lines[:2], "", *lines[2:]]), encoding="utf-8")
    as_before = [
        (e.code, e.line, e.row) for e in run(minimal_package, select=["table-frictionless"]).errors
    ]
    monkeypatch.setattr(package, "INGEST_ABOVE_LINES", 0)
    result = run(minimal_package, select=["table-frictionless"])
    assert (
        result.package.table("claims").source.reader == "python"
        and result.package.table("documents").source.reader == "duckdb"
    )
    assert [(e.code, e.line, e.row) for e in result.errors] == as_before == [("blank-row", 3, 3)]


def test_unparsable_large_file_is_reported_as_before(minimal_package, monkeypatch):
    claims = minimal_package.parent / "data" / "claims.csv"
    claims.write_bytes(
        claims.read_bytes() + b'"x" ,y\n'
    )  # a space after a closing quote: Python refuses it, DuckDB drops it
    before = [
        (e.check, e.code, e.file)
        for e in run(minimal_package, select=["resource-files"]).errors
        if e.code == "unparsable-csv"
    ]
    monkeypatch.setattr(package, "INGEST_ABOVE_LINES", 0)
    after = [
        (e.check, e.code, e.file)
        for e in run(minimal_package, select=["resource-files"]).errors
        if e.code == "unparsable-csv"
    ]
    assert after == before == [("resource-files", "unparsable-csv", "data/claims.csv")]


def test_records_are_built_only_when_asked_and_the_connection_closes_with_the_result(
    minimal_package, monkeypatch
):
    monkeypatch.setattr(package, "INGEST_ABOVE_LINES", 0)
    with run(minimal_package, select=["table-frictionless"]) as result:
        tables = [r.table for r in result.package.resources if r.table is not None]
        assert all(
            t.source is not None and t._records is None for t in tables
        )  # the engine needed none
        assert result.table_rows()["claims"] == 2
    with pytest.raises(Exception, match="closed"):
        result.package.views.columnar.connection.execute("SELECT 1")


def test_the_widest_file_duckdb_is_offered_is_read_and_proven(tmp_path):
    """No query built per column passes DuckDB's limits (wider files are parsed by Python: test_which_files_duckdb_is_offered)."""
    header = [f"h{i}" for i in range(columnar.MAX_COLUMNS)]
    text = render_csv(header, [{name: f"{row}\n{name}" for name in header} for row in range(3)])
    ingested = _offer(tmp_path / "t.csv", text.encode("utf-8"))
    assert ingested is not None and ingested.records(header) == parse_csv(text).records


def test_first_record_reads_a_quoted_line_break_and_declines_what_python_refuses():
    assert first_record(b'"a\nb",c\nx,y\n') == ["a\nb", "c"]
    assert first_record(b'"a,b\n') is None and first_record(b"\n") == []
    with pytest.raises(csv.Error):
        parse_csv('"a,b\n')


@pytest.mark.oracle
@pytest.mark.parametrize("case", INVALID_CASES, ids=[case_id(c) for c in INVALID_CASES])
def test_every_fixture_case_says_the_same_when_duckdb_reads_every_table(
    case, tmp_path, monkeypatch
):
    """Every check, on every invalid fixture: the same errors (check, code, file, line, row, field, message) whether
    Python or DuckDB read the tables (DuckDB is offered every file here, not only those past 5,000 lines)."""
    descriptor = build_package(tmp_path / "package", case)
    with run(descriptor) as result:
        parsed = [
            (e.check, e.code, e.file, e.line, e.row, e.field, e.message) for e in result.errors
        ]
    monkeypatch.setattr(package, "INGEST_ABOVE_LINES", 0)
    with run(descriptor) as result:
        ingested = [
            (e.check, e.code, e.file, e.line, e.row, e.field, e.message) for e in result.errors
        ]
        assert (
            any(
                r.table is not None and r.table.source.reader == "duckdb"
                for r in result.package.resources
            )
            or not parsed
        )
    assert ingested == parsed


def test_a_repeated_column_name_reads_the_last_column_as_a_record_does(tmp_path):
    """A header may repeat a name (canonical-form reports it); a record keeps the last cell of that name, and so does `column`."""
    text = "a,b,a\n" + "".join(f"{i},x,{i * 10}\n" for i in range(3))
    ingested = _offer(tmp_path / "t.csv", text.encode("utf-8"))
    assert ingested is not None
    python = parse_csv(text)
    from_duckdb = Table(python.header, uniform=True, source=ingested)
    assert from_duckdb.column("a") == python.column("a") == ["0", "10", "20"]
    assert from_duckdb._records is None


_SCREENS = {  # a screen, its parameters, and what it keeps, said in Python
    "filled": (filled("a"), [], lambda cells: cells["a"] != ""),
    "among": (among("b"), [["x", "é", ""]], lambda cells: cells["b"] in ("x", "é", "")),
    "outside": (outside("a"), [["x"]], lambda cells: cells["a"] not in ("", "x")),
    "missing column": (
        filled("a", "nothing"),
        [],
        lambda cells: False,
    ),  # a name the header lacks reads as ''
    "none": (None, [], lambda cells: True),
}
_SCREENED_CELL = st.sampled_from(["", "x", "é", "y\nz", ",", '"'])
_SCREENED_CSV = st.lists(
    st.lists(_SCREENED_CELL, min_size=2, max_size=2), min_size=1, max_size=6
).map(
    lambda rows: render_csv(["a", "b"], [dict(zip(["a", "b"], row, strict=True)) for row in rows])
)


@settings(max_examples=examples(120), deadline=None)
@given(
    text=_SCREENED_CSV,
    screen=st.sampled_from(sorted(_SCREENS)),
    names=st.sampled_from([["a"], ["b", "a"], ["a", "nothing"], ["nothing"]]),
)
def test_rows_a_screen_keeps_are_pythons_records_it_keeps(tmp_path_factory, text, screen, names):
    """Table.rows on a table DuckDB read: exactly the records of Python's reading that the screen keeps, holding the
    cells of `names` that the header has, at the same line and row; and no full record is built."""
    ingested = _offer(tmp_path_factory.mktemp("csv") / "t.csv", text.encode("utf-8"))
    assert ingested is not None  # written by a CSV writer, without blank lines: always proven
    python = parse_csv(text)
    condition, parameters, keeps = _SCREENS[screen]
    from_duckdb = Table(python.header, uniform=True, source=ingested)
    got = [
        (r.cells, r.line, r.row, r.width) for r in from_duckdb.rows(names, condition, parameters)
    ]
    expected = [
        ({n: r.cells[n] for n in names if n in r.cells}, r.line, r.row, r.width)
        for r in python.records
        if keeps(r.cells)
    ]
    assert got == expected
    assert from_duckdb._records is None
    assert (
        list(python.rows(names, condition, parameters)) == python.records
    )  # Python's reading is never screened


@settings(max_examples=examples(60), deadline=None)
@given(text=_SCREENED_CSV)
def test_repeats_keeps_every_record_whose_cells_another_record_shares(tmp_path_factory, text):
    ingested = _offer(tmp_path_factory.mktemp("csv") / "t.csv", text.encode("utf-8"))
    assert ingested is not None
    python = parse_csv(text)
    everything = list(python.repeats(["a", "b"]))
    shared = [
        (index, values)
        for index, values in everything
        if [v for _, v in everything].count(values) > 1
    ]
    assert list(Table(python.header, uniform=True, source=ingested).repeats(["a", "b"])) == shared


@settings(max_examples=examples(160), deadline=None)
@given(table=st.sampled_from(sorted(row_consistency.RULES)), data=st.data())
def test_each_row_rule_screens_in_every_row_it_can_fail_on(tmp_path_factory, table, data):
    """row-consistency reads from DuckDB only the rows a rule's screen keeps: every row on which the rule's Python
    test fails must be among them."""
    rules = row_consistency.RULES[table]
    header = sorted({column for rule in rules for column in rule.columns})
    values = sorted(
        {value for rule in rules for value in rule.parameters} | {"", "x"}
    )  # the table's own statuses, and others
    rows = data.draw(
        st.lists(
            st.fixed_dictionaries({name: st.sampled_from(values) for name in header}),
            min_size=1,
            max_size=5,
        )
    )
    text = render_csv(header, rows)
    ingested = _offer(tmp_path_factory.mktemp("csv") / "t.csv", text.encode("utf-8"))
    assert ingested is not None
    from_duckdb = Table(header, uniform=True, source=ingested)
    records = parse_csv(text).records
    for rule in rules:
        kept = {
            record.row for record in from_duckdb.rows(rule.columns, rule.screen, rule.parameters)
        }
        failing = {record.row for record in records if rule.problem(record.cells)}
        assert failing <= kept, rule.field
    kept = {
        record.row for record in from_duckdb.rows(*row_consistency.screen_of(rules))
    }  # as the check joins them
    assert {
        record.row for record in records if any(rule.problem(record.cells) for rule in rules)
    } <= kept


def test_a_large_tables_bytes_are_let_go_and_read_again_only_while_the_file_is_unchanged(
    minimal_package, monkeypatch
):
    monkeypatch.setattr(package, "INGEST_ABOVE_LINES", 0)
    loaded = load(minimal_package)
    try:
        claims = loaded.resource("claims")
        original = (minimal_package.parent / "data/claims.csv").read_bytes()
        assert claims._bytes is None and claims.data == original  # not held; read again on use
        assert claims.fingerprint() == (len(original), hashlib.sha256(original).hexdigest())
        (minimal_package.parent / "data/claims.csv").write_bytes(
            original.replace(b"clm-", b"CLM-", 1)
        )  # the same size, other bytes
        os.utime(
            minimal_package.parent / "data/claims.csv", ns=(0, 0)
        )  # a later time may fall in the same clock tick as the load
        assert claims.data is None and claims.fingerprint() == (
            len(original),
            hashlib.sha256(original).hexdigest(),
        )
    finally:
        loaded.close()


def test_a_file_that_changes_before_python_reads_what_duckdb_declined_is_a_load_error(
    minimal_package, monkeypatch
):
    monkeypatch.setattr(package, "INGEST_ABOVE_LINES", 0)
    claims = minimal_package.parent / "data/claims.csv"

    def decline_after_a_change(store, candidates):
        claims.write_bytes(claims.read_bytes() + b"\n")
        return [None] * len(candidates)

    monkeypatch.setattr(columnar.Store, "ingest", decline_after_a_change)
    errors = [
        (e.check, e.code, e.file)
        for e in run(minimal_package, select=["resource-files"]).errors
        if "changed while" in e.message
    ]
    assert errors == [("resource-files", "unreadable-file", "data/claims.csv")]


def test_a_lone_surrogate_from_the_json_is_no_crash_and_no_verdict_change(
    minimal_package, monkeypatch
):
    """JSON can hold a string that is not UTF-8 (a lone surrogate), which DuckDB cannot bind; no cell holds one, so a
    screen drops it from a list, or is not used at all: the same errors as when Python reads every table, and no crash."""
    root = minimal_package.parent
    descriptor = json.loads(minimal_package.read_text(encoding="utf-8"))
    descriptor["contributors"].append({"title": "\ud800", "roles": ["contributor"]})
    minimal_package.write_text(json.dumps(descriptor), encoding="utf-8")
    schema_file = root / "schemas" / "claims.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    field = next(f for f in schema["fields"] if isinstance(f.get("categories"), list))
    field["categories"].append("\ud800")
    schema_file.write_text(json.dumps(schema), encoding="utf-8")
    checks = ["created-by", "table-constraints", "row-consistency", "canonical-form"]
    parsed = [
        (e.check, e.code, e.line, e.field) for e in run(minimal_package, select=checks).errors
    ]
    monkeypatch.setattr(package, "INGEST_ABOVE_LINES", 0)
    with run(minimal_package, select=checks) as result:
        assert result.package.resource("claims").table.source is not None
        ingested = [(e.check, e.code, e.line, e.field) for e in result.errors]
    assert ingested == parsed and not [e for e in ingested if e[1] == "check-crashed"]


def test_a_screen_with_a_value_duckdb_cannot_hold(tmp_path):
    text = render_csv(["a", "b"], [{"a": "x", "b": "y"}, {"a": "", "b": "z"}])
    ingested = _offer(tmp_path / "t.csv", text.encode("utf-8"))
    table = Table(["a", "b"], uniform=True, source=ingested)
    assert [r.row for r in table.rows(["a"], outside("a"), [["\ud800"]])] == [
        2
    ]  # dropped from the list: nothing equals it
    assert [r.row for r in table.rows(["a"], lambda column: f"{column('a')} = ?", ["\ud800"])] == [
        2,
        3,
    ]  # unusable: every record


def test_a_released_file_that_changes_during_the_run_is_reported_and_its_cells_still_judged(
    minimal_package, monkeypatch
):
    claims = minimal_package.parent / "data/claims.csv"
    rows = list(csv.DictReader(claims.read_text(encoding="utf-8").splitlines()))
    rows[0]["notes"] = "=1+1"
    claims.write_text(render_csv(list(rows[0]), rows), encoding="utf-8")
    monkeypatch.setattr(package, "INGEST_ABOVE_LINES", 0)
    loaded = load(minimal_package)
    try:
        os.utime(claims, ns=(0, 0))  # the same bytes, but no longer the file that was read
        errors = [
            (e.code, e.file, e.line, e.field)
            for e in canonical_form.check(loaded)
            if e.file == "data/claims.csv"
        ]
    finally:
        loaded.close()
    assert errors == [
        ("file-changed", "data/claims.csv", None, ""),
        ("formula", "data/claims.csv", 2, "notes"),
    ]
