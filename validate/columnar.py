"""Every table of a package in the run's one DuckDB connection, and the proof that DuckDB read a file as Python would.

Every check asks its questions of a table in SQL, over one shape of relation (`Ingested`),
however the file was read. A table file with more than `INGEST_ABOVE_LINES` line breaks, no
BOM and no CR is read by DuckDB's strict CSV reader, not parsed by Python; the reading is kept
only when counts taken from the raw bytes agree, class of character by class of character,
with counts DuckDB takes over the cells it read (`_proven`; docs/engine.md gives the
argument). Every other file (small, or declined) is parsed by Python's reader and handed to
DuckDB (`Store.add`). Python records are built from DuckDB's cells only when a tool asks for
them (`Ingested.records`), with the line, row and width Python's reader gives.
"""

from __future__ import annotations

import gc
import importlib.util
import itertools
import os
import weakref
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import call
from sys import intern
from typing import Any

from .csvio import Record, SourceFile

# A file with more line breaks than this is read by DuckDB (it has at most as many records): past it, DuckDB's
# reading costs less than Python's parse (measured in docs/engine.md).
INGEST_ABOVE_LINES = 5_000

# A wider file is left to Python: the proof's query has six aggregates per column, and DuckDB's planning time
# grows with them past what a wide file's reading saves (docs/engine.md)
MAX_COLUMNS = 64

_BATCH = 65_536  # rows fetched at a time when records are built

# DuckDB needs some null string; this one is refused below if any cell reads as NULL, so no cell is lost to it
_NO_NULL = "\x01\x02\x03"
# the one-byte characters whose place in a file is structural, as SQL literals
_QUOTE, _LF, _COMMA = "'\"'", "chr(10)", "','"


def _occurrences(column: str, character: str) -> str:
    """SQL: how many times `character` (a one-byte SQL literal) occurs in `column` (strlen is O(1); replace only runs on cells that hold it)."""
    return f"CASE WHEN contains({column}, {character}) THEN strlen({column}) - strlen(replace({column}, {character}, '')) ELSE 0 END"


@dataclass(frozen=True)
class FileCounts:
    """What the raw bytes of a file say, counted by Python (bytes.count)."""

    size: int
    quotes: int
    newlines: int
    commas: int
    final_newline: bool

    @classmethod
    def of(cls, data: bytes) -> FileCounts:
        """Count the bytes of one class each: `"`, LF and `,` are one byte each in UTF-8 and never part of another character."""
        return cls(
            len(data), data.count(b'"'), data.count(b"\n"), data.count(b","), data.endswith(b"\n")
        )


@dataclass
class Ingested:
    """One table in the run's DuckDB connection, as the relation `name` with the columns `_ord` (the record's index),
    `_line` (its physical line), `_row` (its row as frictionless counts it), `_width` (the cells it really has) and
    c0, c1, ... (its cells under the header's columns, all VARCHAR, '' where a short row has none), in file order.

    Every table of a package is one, however it was read (`Store.ingest` for a file DuckDB read, `Store.add` for a
    file Python parsed): the checks ask their questions of it in SQL, and Python records are built only on request."""

    store: Store
    name: str
    width: int  # the header's columns
    count: int  # records (the header and blank lines excluded)
    reader: str = (
        "python"  # whose reading of the file it holds: "duckdb" (proven to be Python's) or "python"
    )

    def places(self) -> tuple[array, array]:
        """(rows, lines) of the records by index, fetched once."""
        places = self.store.places.get(self.name)
        if places is None:
            rows, lines = self.store.connection.execute(
                f"SELECT list(_row ORDER BY _ord), list(_line ORDER BY _ord) FROM {self.name}"
            ).fetchone()
            places = self.store.places[self.name] = (
                array("q", rows or ()),
                array("q", lines or ()),
            )
        return places

    def rows(
        self, numbers: list[int], screen: str | None, parameters: list[object]
    ) -> Iterator[tuple]:
        """(line, row, width, then the cells of columns `numbers`) of each record for which the SQL condition `screen` holds (every record
        when None), in file order, fetched in batches through a cursor of its own (so that other queries may run meanwhile)."""
        bound = _bindable(parameters)
        if not screen or bound is None:  # a value DuckDB cannot hold: no screen, every record
            screen, bound = None, []
        columns = ", ".join(["_line", "_row", "_width", *(f"c{n}" for n in numbers)])
        yield from self._stream(
            f"SELECT {columns} FROM {self.name}" + (f" WHERE ({screen})" if screen else "") + "",
            bound,
        )

    def _stream(self, query: str, parameters: Sequence[object]) -> Iterator[tuple]:
        cursor = self.store.connection.cursor()
        try:
            cursor.execute(query, parameters)
            while batch := cursor.fetchmany(_BATCH):
                yield from batch
        finally:
            cursor.close()

    def repeating(self, numbers: list[int]) -> list[tuple]:
        """(record index, then the cells of columns `numbers`) of each record whose cells in those columns another record shares, in file order."""
        cells = ", ".join(f"c{n}" for n in numbers)
        joined = " AND ".join(f"t.c{n} = d.c{n}" for n in numbers)
        return self.store.connection.execute(
            f"SELECT t._ord, {', '.join(f't.c{n}' for n in numbers)} FROM {self.name} t SEMI JOIN "
            f"(SELECT {cells} FROM {self.name} GROUP BY ALL HAVING count(*) > 1) d ON {joined} ORDER BY t._ord"
        ).fetchall()

    def column(self, number: int) -> list[str]:
        """The cells of column `number`, in record order."""
        (cells,) = self.store.connection.execute(
            f"SELECT list(c{number} ORDER BY _ord) FROM {self.name}"
        ).fetchone()
        return cells or []

    def records(self, header: list[str]) -> list[Record]:
        """The records Python's reader gives for this file: cells by column name, physical line, row, width."""
        # a column that repeats its values (types, dates, IDs referenced) keeps one string per value: a third less
        # memory for the records of a large table, for a little time (docs/engine.md)
        distinct = self.store.connection.execute(
            f"SELECT {', '.join(f'approx_count_distinct(c{i})' for i in range(self.width))} FROM {self.name}"
        ).fetchone()
        keep = [
            intern if 4 * values <= self.count else str for values in distinct
        ]  # str() of a str is the same object
        cursor = self.store.connection.execute(
            f"SELECT _line, _row, _width, {', '.join(f'c{i}' for i in range(self.width))} FROM {self.name}"
        )  # file order: the connection keeps insertion order
        records: list[Record] = []
        collecting = gc.isenabled()
        gc.disable()  # records only accumulate here, with no cycle to free (as csvio.parse_csv)
        try:
            while batch := cursor.fetchmany(_BATCH):
                records += [
                    Record(dict(zip(header, map(call, keep, cells))), line, row, width)  # noqa: B905 - DuckDB gives every cell
                    for line, row, width, *cells in batch
                ]
        finally:
            if collecting:
                gc.enable()
        return records


def _text(value: str) -> bool:
    """True for a string DuckDB can hold: valid UTF-8. JSON may give a lone surrogate, which no cell of a file read as UTF-8 holds."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _bindable(parameters: list[object]) -> list[object] | None:
    """The parameters of a screen as DuckDB can bind them: from a list, a string no cell can hold is dropped (it matches
    nothing); a single such string makes the screen unusable (None), and then every record is read."""
    bound: list[object] = []
    for value in parameters:
        if isinstance(value, list):
            bound.append([item for item in value if not isinstance(item, str) or _text(item)])
        elif isinstance(value, str) and not _text(value):
            return None
        else:
            bound.append(value)
    return bound


@dataclass(frozen=True)
class Candidate:
    """A file to offer DuckDB: where it is, its bytes' counts, and the header Python read from its first record."""

    file: SourceFile
    counts: FileCounts
    header: list[str]
    max_cell: (
        int  # the `cell-chars` limit: a longer cell is left to Python's reader, which reports it
    )


class Store:
    """The run's one DuckDB connection, holding every table of the package (`Ingested`). Closed by `close()` (or when collected).

    A package with a file for DuckDB to read gets a database of its own, which may read those files and no other
    (`allowed_paths`, then external access off for good: DuckDB refuses to change either again). Any other package
    works through a cursor of the one database its process keeps (`_process_database`), whose temporary tables no
    other cursor sees: a caller that validates many packages (the tests, `exports`) opens it once."""

    def __init__(self, files: Sequence[SourceFile] = ()) -> None:
        import duckdb

        if files:
            # no temporary directory: DuckDB would otherwise spill to `.tmp` in the working folder, which may be the package's
            self.connection: Any = duckdb.connect(
                ":memory:",
                config={"threads": 2, "preserve_insertion_order": True, "temp_directory": ""},
            )
            try:
                self.connection.execute(
                    "SET allowed_paths = ?", [[str(file.path) for file in files]]
                )
                self.readable = True
            except (
                duckdb.Error,
                UnicodeError,
            ):  # a file name that is not text (undecodable bytes): Python reads them all
                self.readable = False
            finally:
                self.connection.execute("SET enable_external_access = false")
        else:
            self.connection, self.readable = _process_database().cursor(), False
        # a catalogue of the run's own (an in-memory database attached to the connection): a cursor's temporary tables
        # would be invisible to the cursors that stream rows, and the rules' views (validate/engine/rules.py) live here too
        self.catalog = f"run{next(_RUNS)}"
        self.connection.execute(f"ATTACH ':memory:' AS {self.catalog}")
        self._closer = weakref.finalize(self, _drop_and_close, self.connection, self.catalog)
        self._tables = 0
        self.places: dict[str, tuple[array, array]] = {}

    def close(self) -> None:
        """Close the connection; the tables go with it."""
        self._closer()

    def _next_name(self) -> str:
        self._tables += 1
        return f"{self.catalog}.main.table{self._tables - 1}"

    def ingest(self, candidates: list[Candidate]) -> list[Ingested | None]:
        """Read each candidate file with DuckDB; None for each whose reading is not proven to be Python's."""
        import duckdb

        read: list[Ingested | None] = []
        for candidate in candidates:
            name = self._next_name()
            try:
                read.append(self._read(name, candidate) if self.readable else None)
            except duckdb.Error:  # not strict CSV of that width: Python's reader says what is wrong
                read.append(None)
            if read[-1] is None:
                self.connection.execute(f"DROP TABLE IF EXISTS {_raw(name)}")
        return read

    def _read(self, name: str, candidate: Candidate) -> Ingested | None:
        width = len(candidate.header)
        if not candidate.file.unchanged():
            return None
        columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
        self.connection.execute(
            f"CREATE TABLE {_raw(name)} AS SELECT * FROM read_csv(?, header = false, delim = ',', quote = '\"', escape = '\"', "
            f"new_line = '\\n', strict_mode = true, null_padding = false, auto_detect = false, nullstr = ?, "
            f"allow_quoted_nulls = false, max_line_size = ?, columns = {columns})",
            [str(candidate.file.path), _NO_NULL, 2**31 - 1],
        )
        if (
            not candidate.file.unchanged()
        ):  # what DuckDB read may not be the bytes that were counted
            return None
        multiline = _proven(self.connection, f"{_raw(name)}", width, candidate)
        if multiline is None:
            return None
        cells = ", ".join(f"c{i}" for i in range(width))
        if multiline:  # the line where each record starts, from the line breaks inside the cells of the records before it
            breaks = f"list_sum([{', '.join(_occurrences(f'c{i}', _LF) for i in multiline)}])"  # list_sum: many `+` pass DuckDB's depth limit
            line = f"1 + rowid + coalesce(sum({breaks}) OVER (ORDER BY rowid ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)"
            self.connection.execute(
                f"CREATE TABLE {name} AS SELECT * FROM (SELECT rowid - 1 AS _ord, {line} AS _line, rowid + 1 AS _row, "
                f"{width}::INTEGER AS _width, {cells} FROM {_raw(name)}) WHERE _ord >= 0 ORDER BY _ord"
            )
            self.connection.execute(f"DROP TABLE {_raw(name)}")
        else:  # one line per record: a view, not a copy
            self.connection.execute(
                f"CREATE VIEW {name} AS SELECT rowid - 1 AS _ord, rowid + 1 AS _line, rowid + 1 AS _row, "
                f"{width}::INTEGER AS _width, {cells} FROM {_raw(name)} WHERE rowid > 0"
            )
        (count,) = self.connection.execute(f"SELECT count(*) FROM {name}").fetchone()
        return Ingested(self, name, width, count, "duckdb")

    def add(self, header: list[str], records: list[Record]) -> Ingested:
        """Hand a table Python parsed to DuckDB: its cells under the header's columns, with each record's line, row and width."""
        name, width = self._next_name(), len(header)
        columns: dict[str, list] = {
            "_ord": list(range(len(records))),
            "_line": [r.line for r in records],
            "_row": [r.row for r in records],
            "_width": [r.width for r in records],
        }
        for number, column in enumerate(
            header
        ):  # a repeated name holds the last column's cells under each, as a record does
            columns[f"c{number}"] = [r.cells.get(column, "") for r in records]
        kinds = {"_ord": "BIGINT", "_line": "BIGINT", "_row": "BIGINT", "_width": "INTEGER"}
        if len(records) <= ARROW_ABOVE_ROWS or importlib.util.find_spec("pyarrow") is None:
            # one VARCHAR[] parameter per column, zipped by unnest: no pyarrow import for a small table
            # (nor without the `exports` extra, which brings pyarrow: slower for a large table, same result)
            unnests = ", ".join(
                f"unnest(?::{kinds.get(column, 'VARCHAR')}[]) AS {column}" for column in columns
            )
            self.connection.execute(
                f"CREATE TABLE {name} AS SELECT {unnests}",
                [_bindable_cells(values) for values in columns.values()],
            )
        else:
            import pyarrow as pa

            arrow = pa.table(
                {
                    column: pa.array(values, pa.int64() if column in kinds else pa.string())
                    for column, values in columns.items()
                }
            )
            arrow_name = f"arrow_{name.replace('.', '_')}"
            self.connection.register(arrow_name, arrow)
            try:
                self.connection.execute(f"CREATE TABLE {name} AS SELECT * FROM {arrow_name}")
            finally:
                self.connection.unregister(arrow_name)
        return Ingested(self, name, width, len(records))


# Up to this many records a table Python parsed goes to DuckDB as one list parameter per column; above it, as Arrow
# columns: pyarrow's hand-over makes DuckDB import pandas, which a small package never repays, while converting
# Python lists to DuckDB lists costs more a row than Arrow for a large table (docs/engine.md).
ARROW_ABOVE_ROWS = 50_000

_RUNS = itertools.count()
_DATABASES: dict[int, Any] = {}  # process id -> the database below (a forked child opens its own)


def _process_database():
    """The one in-memory DuckDB database that the packages without a file for DuckDB to read share in a process.

    It reads no file: external access is off for good. A forked child does not use its parent's, whose locks
    the fork may have caught held."""
    import duckdb

    process = os.getpid()
    # the parent's entry is left alone: closing it here could wait on a lock the fork copied held
    if process not in _DATABASES:
        # one thread: these packages are small, and a second thread's stack and allocator arena would cost every run
        # address space (a limited run, as the hostile tests make, feels it)
        database = _DATABASES[process] = duckdb.connect(
            ":memory:",
            config={"threads": 1, "preserve_insertion_order": True, "temp_directory": ""},
        )
        database.execute("SET enable_external_access = false")
    return _DATABASES[process]


def _raw(name: str) -> str:
    """The table DuckDB's reader fills, header included, beside the relation `name` the checks read."""
    catalog, schema, table = name.split(".")
    return f"{catalog}.{schema}.raw_{table}"


def _drop_and_close(connection: Any, catalog: str) -> None:
    """Let go of the run's tables (a shared database outlives the run) and close its connection."""
    try:
        connection.execute("USE memory")
        connection.execute(f"DETACH {catalog}")
    finally:
        connection.close()


def _bindable_cells(values: list) -> list:
    """A column as DuckDB can bind it: a lone surrogate (from a file it cannot come, but a tool may build one) is replaced."""
    return [
        value.encode("utf-8", "replace").decode("utf-8")
        if isinstance(value, str) and not _text(value)
        else value
        for value in values
    ]


def _proven(
    connection: Any, table: str, width: int, candidate: Candidate
) -> tuple[int, ...] | None:
    """The columns with a line break in some cell, when DuckDB's reading (`table`, the header as its first row)
    accounts for every byte of the file as Python's reader would; else None.

    Every byte of an RFC 4180 file without CR is a cell's byte, a delimiting comma, a record-ending
    line break or a quote that opens, closes or doubles inside a quoted cell. So, class by class:
    commas in the file = commas in cells + records x (columns - 1); line breaks in the file = line
    breaks in cells + records (one less without a final line break); other bytes in the file =
    other bytes in cells. A blank line DuckDB skipped, a ragged record, a space dropped before an
    opening quote or after a closing one (DuckDB does both; Python keeps the first and refuses the
    second) each break one of these; a NULL, a longer cell than the limit or another header does too."""
    per_column = []
    for number in range(width):
        cell = f"c{number}"
        per_column.append(
            f"count({cell}), coalesce(sum(strlen({cell})), 0), coalesce(sum({_occurrences(cell, _QUOTE)}), 0), "
            f"coalesce(sum({_occurrences(cell, _LF)}), 0), coalesce(sum({_occurrences(cell, _COMMA)}), 0), coalesce(max(strlen({cell})), 0)"
        )
    # per column, not one long expression: a thousand `+` terms pass DuckDB's expression depth limit
    records, *sums = connection.execute(
        f"SELECT count(*), {', '.join(per_column)} FROM {table}"
    ).fetchone()
    present, size, quotes, newlines, commas, longest = (
        sum(sums[k::6]) if k != 5 else max(sums[k::6], default=0) for k in range(6)
    )
    file = candidate.counts
    delimiters = records * (width - 1)
    record_ends = records if file.final_newline else records - 1
    header = connection.execute(f"SELECT * FROM {table} WHERE rowid = 0").fetchone()
    proven = (
        records >= 1
        and present == records * width
        and longest <= candidate.max_cell
        and list(header or ()) == candidate.header
        and file.commas == commas + delimiters
        and file.newlines == newlines + record_ends
        and file.quotes >= quotes
        and file.size - file.quotes - file.newlines - file.commas
        == size - quotes - newlines - commas
    )
    if not proven:
        return None
    return tuple(number for number, inside in enumerate(sums[3::6]) if inside)
