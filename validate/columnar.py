"""Large tables read by DuckDB instead of Python: one connection per package, and the proof that its reading is Python's.

A table file with more than `INGEST_ABOVE_LINES` line breaks, no BOM and no CR is read by
DuckDB's strict CSV reader into a table of the package's one connection (`Store`), not parsed
by Python. The reading is kept only when counts taken from the raw bytes agree, class of
character by class of character, with counts DuckDB takes over the cells it read
(`_proven`; docs/engine.md gives the argument); otherwise the loader parses the file with
Python as it does every other file. Python records are built from DuckDB's cells only when a
check asks for them (`Ingested.records`), with the line, row and width Python's reader gives.
"""

from __future__ import annotations

import gc
import weakref
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from operator import call
from sys import intern
from typing import Any

from .csvio import Record, SourceFile

# A file with more line breaks than this is read by DuckDB (it has at most as many records). Measured on the
# scaled packages (docs/engine.md): at 5,000 lines DuckDB's reading and checks already cost less than Python's parse.
INGEST_ABOVE_LINES = 5_000

# A wider file is left to Python: the proof's query has six aggregates per column, and DuckDB takes seconds to plan
# the six thousand of the `csv-columns` limit (0.15 s for 64 columns; this package's tables have at most 21)
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
        return cls(len(data), data.count(b'"'), data.count(b"\n"), data.count(b","), data.endswith(b"\n"))


@dataclass
class Ingested:
    """One table as DuckDB read it (header included, as row 0); Python records only on request."""

    store: Store
    name: str  # the DuckDB table: columns c0, c1, ... all VARCHAR, rowid in file order
    width: int  # columns of every record
    count: int  # records after the header
    multiline: tuple[int, ...] = ()  # the columns with a line break in some cell
    _lines: array | None = field(default=None, repr=False)

    def lines(self) -> array:
        """The physical line where each record starts (header excluded), computed once without building records."""
        if self._lines is None and not self.multiline:
            self._lines = array("q", range(2, self.count + 2))  # one line per record
        elif self._lines is None:
            # only the columns that hold a line break are counted; list_sum, not `+`: many terms pass DuckDB's depth limit
            breaks = f"list_sum([{', '.join(_occurrences(f'c{i}', _LF) for i in self.multiline)}])"
            (per_record,) = self.store.connection.execute(f"SELECT list({breaks} ORDER BY rowid) FROM {self.name}").fetchone()
            self._lines = array("q", _starts(per_record)[1:])
        return self._lines

    def rows(self, numbers: list[int], screen: str | None, parameters: list[object]) -> Iterator[tuple]:
        """(record index, then the cells of columns `numbers`) of each record for which the SQL condition `screen` holds (every record
        when None), in file order, fetched in batches through a cursor of its own (so that other queries may run meanwhile)."""
        bound = _bindable(parameters)
        if not screen or bound is None:  # a value DuckDB cannot hold: no screen, every record
            screen, bound = None, []
        columns = ", ".join(["rowid - 1", *(f"c{n}" for n in numbers)])
        yield from self._stream(f"SELECT {columns} FROM {self.name} WHERE rowid > 0" + (f" AND ({screen})" if screen else ""), bound)

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
            f"SELECT t.rowid - 1, {', '.join(f't.c{n}' for n in numbers)} FROM {self.name} t SEMI JOIN "
            f"(SELECT {cells} FROM {self.name} WHERE rowid > 0 GROUP BY ALL HAVING count(*) > 1) d ON {joined} WHERE t.rowid > 0 ORDER BY t.rowid").fetchall()

    def column(self, number: int) -> list[str]:
        """The cells of column `number`, in record order."""
        (cells,) = self.store.connection.execute(f"SELECT list(c{number} ORDER BY rowid) FROM {self.name} WHERE rowid > 0").fetchone()
        return cells or []

    def holding(self, wanted: list[tuple[int, frozenset[str]]], pattern: str | None) -> Iterator[tuple[int, int, str]]:
        """(record index, column, cell) of each cell of a wanted column that holds one of its strings ("": any non-empty cell)
        or a match of the RE2 `pattern`, by record then in the order of `wanted`: one query, strings and pattern bound as
        parameters, streamed. A string DuckDB cannot hold is left out: no cell holds it."""
        parts, parameters = [], []
        for order, (number, needles) in enumerate(wanted):
            usable = sorted(needle for needle in needles if _text(needle))
            tests = ["c{0} <> ''" if needle == "" else "contains(c{0}, ?)" for needle in usable]
            values: list[str] = [needle for needle in usable if needle]
            if pattern is not None:
                tests.append("regexp_matches(c{0}, ?)")
                values.append(pattern)
            if not tests:
                continue
            parts.append(f"SELECT rowid - 1, {order}, {number}, c{number} FROM {self.name} WHERE rowid > 0 AND ({' OR '.join(tests).format(number)})")
            parameters += values
        if parts:
            for index, _, number, cell in self._stream(" UNION ALL ".join(parts) + " ORDER BY 1, 2", parameters):
                yield index, number, cell

    def records(self, header: list[str]) -> list[Record]:
        """The records Python's reader gives for this file: cells by column name, physical line, row (index + 2), width."""
        # file order without a sort: the connection preserves insertion order (Store); fetched in batches to bound the rows held twice
        # a column that repeats its values (types, dates, IDs referenced) keeps one string per value: at a million rows
        # 0.8 GB less of the records' 2.5 GB, for 0.6 s more (docs/engine.md)
        distinct = self.store.connection.execute(f"SELECT {', '.join(f'approx_count_distinct(c{i})' for i in range(self.width))} FROM {self.name}").fetchone()
        keep = [intern if 4 * values <= self.count else str for values in distinct]  # str() of a str is the same object
        lines = iter(self.lines())  # before the query below: another query on the connection would end its result
        cursor = self.store.connection.execute(f"SELECT {', '.join(f'c{i}' for i in range(self.width))} FROM {self.name} WHERE rowid > 0")
        records: list[Record] = []
        collecting = gc.isenabled()
        gc.disable()  # records only accumulate here, with no cycle to free (as csvio.parse_csv)
        try:
            while batch := cursor.fetchmany(_BATCH):
                row = len(records) + 2
                records += [Record(dict(zip(header, map(call, keep, cells))), line, number, self.width)  # noqa: B905 - DuckDB gives every cell
                            for number, (cells, line) in enumerate(zip(batch, lines, strict=False), row)]  # lines: of every batch
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


def _starts(breaks: list[int]) -> list[int]:
    """The line where each record starts, from the line breaks inside each record's cells (header first)."""
    starts, line = [], 1
    for inside in breaks:
        starts.append(line)
        line += 1 + inside
    return starts


@dataclass(frozen=True)
class Candidate:
    """A file to offer DuckDB: where it is, its bytes' counts, and the header Python read from its first record."""

    file: SourceFile
    counts: FileCounts
    header: list[str]
    max_cell: int  # the `cell-chars` limit: a longer cell is left to Python's reader, which reports it


class Store:
    """The package's one DuckDB connection, holding the tables DuckDB read. Closed by `close()` (or when collected)."""

    def __init__(self) -> None:
        import duckdb

        # no temporary directory: DuckDB would otherwise spill to `.tmp` in the working folder, which may be the package's
        self.connection: Any = duckdb.connect(":memory:", config={"threads": 2, "preserve_insertion_order": True, "temp_directory": ""})
        self._closer = weakref.finalize(self, self.connection.close)
        self._tables = 0

    def close(self) -> None:
        """Close the connection; the ingested tables go with it."""
        self._closer()

    def ingest(self, candidates: list[Candidate]) -> list[Ingested | None]:
        """Read each candidate file with DuckDB; None for each whose reading is not proven to be Python's.

        DuckDB may open these files and no other: `allowed_paths`, then external access off for good."""
        import duckdb

        try:
            self.connection.execute("SET allowed_paths = ?", [[str(c.file.path) for c in candidates]])
        except (duckdb.Error, UnicodeError):  # a file name that is not text (undecodable bytes): Python reads them all
            return [None] * len(candidates)
        finally:
            self.connection.execute("SET enable_external_access = false")
        read: list[Ingested | None] = []
        for candidate in candidates:
            name = f"ingested{self._tables}"
            self._tables += 1
            try:
                read.append(self._read(name, candidate))
            except duckdb.Error:  # not strict CSV of that width: Python's reader says what is wrong
                read.append(None)
            if read[-1] is None:
                self.connection.execute(f"DROP TABLE IF EXISTS {name}")
        return read

    def _read(self, name: str, candidate: Candidate) -> Ingested | None:
        width = len(candidate.header)
        if not candidate.file.unchanged():
            return None
        columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
        self.connection.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv(?, header = false, delim = ',', quote = '\"', escape = '\"', "
                                f"new_line = '\\n', strict_mode = true, null_padding = false, auto_detect = false, nullstr = ?, "
                                f"allow_quoted_nulls = false, max_line_size = ?, columns = {columns})",
                                [str(candidate.file.path), _NO_NULL, 2**31 - 1])
        if not candidate.file.unchanged():  # what DuckDB read may not be the bytes that were counted
            return None
        return _proven(Ingested(self, name, width, 0), candidate)


def _proven(ingested: Ingested, candidate: Candidate) -> Ingested | None:
    """DuckDB's reading, with its record count, when its cells account for every byte of the file as
    Python's reader would; else None.

    Every byte of an RFC 4180 file without CR is a cell's byte, a delimiting comma, a record-ending
    line break or a quote that opens, closes or doubles inside a quoted cell. So, class by class:
    commas in the file = commas in cells + records x (columns - 1); line breaks in the file = line
    breaks in cells + records (one less without a final line break); other bytes in the file =
    other bytes in cells. A blank line DuckDB skipped, a ragged record, a space dropped before an
    opening quote or after a closing one (DuckDB does both; Python keeps the first and refuses the
    second) each break one of these; a NULL, a longer cell than the limit or another header does too."""
    per_column = []
    for number in range(ingested.width):
        cell = f"c{number}"
        per_column.append(f"count({cell}), coalesce(sum(strlen({cell})), 0), coalesce(sum({_occurrences(cell, _QUOTE)}), 0), "
                          f"coalesce(sum({_occurrences(cell, _LF)}), 0), coalesce(sum({_occurrences(cell, _COMMA)}), 0), coalesce(max(strlen({cell})), 0)")
    # per column, not one long expression: a thousand `+` terms pass DuckDB's expression depth limit
    connection = ingested.store.connection
    records, *sums = connection.execute(f"SELECT count(*), {', '.join(per_column)} FROM {ingested.name}").fetchone()
    present, size, quotes, newlines, commas, longest = (sum(sums[k::6]) if k != 5 else max(sums[k::6], default=0) for k in range(6))
    file = candidate.counts
    delimiters = records * (ingested.width - 1)
    record_ends = records if file.final_newline else records - 1
    header = connection.execute(f"SELECT * FROM {ingested.name} WHERE rowid = 0").fetchone()
    proven = (records >= 1 and present == records * ingested.width and longest <= candidate.max_cell
              and list(header or ()) == candidate.header
              and file.commas == commas + delimiters
              and file.newlines == newlines + record_ends
              and file.quotes >= quotes
              and file.size - file.quotes - file.newlines - file.commas == size - quotes - newlines - commas)
    if not proven:
        return None
    ingested.count = records - 1
    ingested.multiline = tuple(number for number, inside in enumerate(sums[3::6]) if inside)
    return ingested
