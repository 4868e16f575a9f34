"""Read and write the package's CSV files, keeping each record's physical line number.

A quoted cell may hold line breaks, so a record's line in the file is not its row
number plus one: it is computed here while reading.
"""

from __future__ import annotations

import csv
import gc
import io
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple, Protocol

from .limits import LimitExceeded


class Record(
    NamedTuple
):  # a tuple: built twice as fast as a frozen dataclass (a check may read a million), and as small
    """One CSV record: its cells by column name, its physical line and its row number."""

    cells: dict[str, str]
    line: int  # physical line of the file where the record starts (header = line 1)
    row: int  # record number as frictionless counts it (header = 1, first record = 2)
    width: int = (
        -1
    )  # cells actually present in the file (-1: unknown); cells are padded to the header


# How a file the package names is opened: never following a link, never waiting on a FIFO
READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_BINARY", 0)
)


@dataclass(frozen=True)
class SourceFile:
    """A table's file as it was read: its resolved path and its identity then (device, inode, size, modification time)."""

    path: Path
    identity: tuple[int, int, int, int]

    @staticmethod
    def identity_of(status: os.stat_result) -> tuple[int, int, int, int]:
        """What must not change between two reads of the file."""
        return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)

    def read_again(self) -> bytes | None:
        """The file's bytes, read again, when it is still the file that was read (else None): no link followed, no FIFO waited on."""
        try:
            with os.fdopen(os.open(self.path, READ_FLAGS), "rb") as file:
                status = os.fstat(file.fileno())
                if not stat.S_ISREG(status.st_mode) or self.identity_of(status) != self.identity:
                    return None
                data = file.read(status.st_size + 1)
        except OSError:
            return None
        return data if len(data) == self.identity[2] else None

    def unchanged(self) -> bool:
        """True when the path is still that regular file, not replaced, edited or turned into a link."""
        try:
            status = os.lstat(self.path)
        except OSError:
            return False
        return stat.S_ISREG(status.st_mode) and self.identity_of(status) == self.identity


# An SQL condition over a table's columns, written by a check from the function that names a column in SQL
Screen = Callable[[Callable[[str], str]], str]


def filled(*names: str) -> Screen:
    """Screen: every cell of `names` is non-empty."""
    return lambda column: " AND ".join(f"{column(name)} <> ''" for name in names)


def among(name: str) -> Screen:
    """Screen: the cell of `name` is one of the strings of the list given as its one parameter."""
    return lambda column: f"list_contains(?::VARCHAR[], {column(name)})"


def outside(name: str) -> Screen:
    """Screen: the cell of `name` is non-empty and none of the strings of the list given as its one parameter."""
    return lambda column: (
        f"{column(name)} <> '' AND NOT list_contains(?::VARCHAR[], {column(name)})"
    )


class RecordSource(Protocol):
    """The table in DuckDB (validate/columnar.py `Ingested`): every table of a loaded package has one."""

    count: int  # records (the header excluded)

    def records(self, header: list[str]) -> list[Record]: ...
    def places(self) -> tuple[Sequence[int], Sequence[int]]: ...
    def column(self, number: int) -> list[str]: ...
    def rows(
        self, numbers: list[int], screen: str | None, parameters: list[object]
    ) -> Iterator[tuple]: ...
    def repeating(self, numbers: list[int]) -> list[tuple]: ...


@dataclass
class Table:
    """A CSV file's table: the header and the records, in file order.

    A loaded package's tables are in DuckDB (`source`), and every question a check asks goes there; Python
    records are kept only for a file Python parsed, and built from `source` when a tool asks for `records`.
    A table a tool parses for itself (`parse_csv`) has no source and answers from its records."""

    header: list[str]
    blank_lines: dict[int, int] = field(
        default_factory=dict
    )  # row -> line of each blank row (a record carries its own)
    uniform: bool = False  # set by the parser: every record has exactly the header's cells (blank rows are not records)
    source: RecordSource | None = None  # the table in the run's DuckDB connection
    _records: list[Record] | None = field(default=None, repr=False, compare=False)
    _by_row: dict[int, Record] = field(default_factory=dict, repr=False, compare=False)

    @property
    def records(self) -> list[Record]:
        """The records, built from `source` on first use when Python did not parse the file."""
        if self._records is None:
            self._records = self.source.records(self.header) if self.source is not None else []
        return self._records

    @property
    def record_count(self) -> int:
        """How many records the table has (blank rows excluded), without building them."""
        return self.source.count if self.source is not None else len(self.records)

    def place(self, index: int) -> tuple[int, int]:
        """The row number and physical line of record `index`, without building the records."""
        if self.source is not None:
            rows, lines = self.source.places()
            return rows[index], lines[index]
        record = self.records[index]
        return record.row, record.line

    def column(self, name: str) -> list[str]:
        """The cells of column `name`, in record order, without building the records."""
        if name not in self.header:
            return [""] * self.record_count
        if self.source is not None:
            # the last column of that name, as in a record's cells (a header may repeat a name; canonical-form reports it)
            return self.source.column(len(self.header) - 1 - self.header[::-1].index(name))
        return [cells.get(name, "") for cells in map(attrgetter("cells"), self.records)]

    def rows(
        self, names: Sequence[str], screen: Screen | None = None, parameters: Sequence[object] = ()
    ) -> Iterator[Record]:
        """The records for which `screen` holds, each holding only the cells of `names` (those in the header), in file order.

        `screen` writes an SQL condition (DuckDB's dialect, values as `?` in `parameters`); it is given the function
        that names a column in SQL (a name not in the header reads as ''), so no name is ever parsed as SQL or as a
        template. Only those records are read, in batches, and no full record is built. A table without a source
        (one a tool parsed) yields every record: such a caller judges each record it gets."""
        if self.source is None:
            yield from self.records
            return
        last = {
            name: number for number, name in enumerate(self.header)
        }  # the last column of a repeated name, as in a record
        present = [name for name in dict.fromkeys(names) if name in last]
        sql = screen(lambda name: f"c{last[name]}" if name in last else "''") if screen else None
        for line, row, width, *cells in self.source.rows(
            [last[name] for name in present], sql, list(parameters)
        ):
            yield Record(dict(zip(present, cells)), line, row, width)  # noqa: B905 - one cell per name asked

    def repeats(self, names: list[str]) -> Iterator[tuple[int, tuple[str, ...]]]:
        """(record index, its cells of `names`, all in the header) of the records, in file order; from DuckDB,
        only of those whose cells of `names` another record shares (the others cannot repeat one)."""
        if self.source is not None and len(set(self.header)) == len(self.header):
            for index, *cells in self.source.repeating([self.header.index(name) for name in names]):
                yield index, tuple(cells)
            return
        yield from enumerate(zip(*map(self.column, names), strict=True))

    def line_of_row(self, row: int) -> int | None:
        """Return the physical line where frictionless row number `row` starts."""
        if row == 1:
            return 1
        record = self.record_at(row)
        return record.line if record is not None else self.blank_lines.get(row)

    @property
    def blank_rows(self) -> list[int]:
        """The row numbers of the blank rows, in file order."""
        return list(self.blank_lines)

    def record_at(self, row: int) -> Record | None:
        """Return the record with frictionless row number `row`, if it is not blank (a dict lookup: one per error)."""
        if len(self._by_row) != len(self.records):
            self._by_row = {r.row: r for r in self.records}
        return self._by_row.get(row)


# A cell larger than this is almost certainly a broken file, not data (the `cell-chars` limit).
MAX_CELL = 1_000_000
# An offset or count longer than this is not one (Python refuses int() past 4,300 digits).
MAX_DIGITS = 18


def parse_csv(text: str, *, max_cell: int = MAX_CELL, max_columns: int | None = None) -> Table:
    """Parse CSV text (already decoded) into a Table.

    Raises csv.Error on malformed input, and LimitExceeded (`cell-chars`, `csv-columns`)
    when a cell or a record is past the limits."""
    previous_limit = csv.field_size_limit(max_cell)  # global in the csv module: restored below
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    collecting = gc.isenabled()
    gc.disable()  # records only accumulate here, with no cycle to free: each collection would walk them all again
    try:
        return _parse(reader, max_columns)
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise LimitExceeded(
                "cell-chars",
                f"a cell ending on line {reader.line_num:,}",
                None,
                max_cell,
                line=reader.line_num,
            ) from None
        raise
    finally:
        csv.field_size_limit(previous_limit)
        if collecting:
            gc.enable()


def _parse(reader, max_columns: int | None) -> Table:
    table = Table([], uniform=True, _records=[])
    header: list[str] | None = None
    next_line, row = 1, 1
    for cells in reader:
        line, next_line = next_line, reader.line_num + 1
        if max_columns is not None and len(cells) > max_columns:
            raise LimitExceeded(
                "csv-columns",
                f"the number of cells on line {line:,}",
                len(cells),
                max_columns,
                line=line,
            )
        if header is None:
            header = table.header = cells
            continue
        row += 1  # frictionless numbers blank rows too
        if not cells:
            table.blank_lines[row] = line
            continue
        if len(cells) != len(header):
            table.uniform = False
        padded = cells + [""] * (len(header) - len(cells))
        # Cells beyond the header have no name to go under; len(cells) keeps their count for the checks.
        table.records.append(Record(dict(zip(header, padded, strict=False)), line, row, len(cells)))
    return table


def first_record(data: bytes, *, max_cell: int = MAX_CELL) -> list[str] | None:
    """Python's reading of the first record of CSV bytes (the header), reading no further; None when it cannot be read."""
    previous_limit = csv.field_size_limit(max_cell)
    try:
        return next(
            csv.reader(
                io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline=""), strict=True
            ),
            None,
        )
    except (csv.Error, UnicodeDecodeError):
        return None
    finally:
        csv.field_size_limit(previous_limit)


def whole_number(cell: str | None) -> int | None:
    """Return the cell as a non-negative integer written in ASCII digits, or None."""
    # isascii() and isdigit() together are exactly [0-9]+ (isdigit alone accepts other scripts' digits)
    return (
        int(cell)
        if cell and len(cell) <= MAX_DIGITS and cell.isascii() and cell.isdigit()
        else None
    )


def render_csv(header: list[str], rows: list[dict[str, str]]) -> str:
    """Render rows in the package's canonical CSV form: UTF-8 text, LF, minimal quoting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return buffer.getvalue()


def write_atomically(path: Path, data: bytes) -> bool:
    """Write `data` to `path` through a temporary file and a rename; skip unchanged files.

    Returns True when the file was written."""
    from .atomic import write_all

    return bool(write_all({path: data}))
