"""What the exports know about the tables, read from the descriptor and its Table Schemas only.

Nothing about a column is written here by hand: names, types, requirement, descriptions,
keys and allowed values all come from the schemas, so a new resource or column appears in
every output without code changes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial

from ..csvio import Table as CSVTable
from ..model import ForeignKey, PolymorphicReference, from_package
from ..package import Package

# A cell that is empty in the CSV is absent everywhere (NULL, NA, an empty spreadsheet cell).
EMPTY = ""


@dataclass(frozen=True)
class Column:
    """One field of a Table Schema."""

    name: str
    type: str
    required: bool
    description: str
    example: str
    constraints: dict

    @property
    def allowed(self) -> list[str]:
        """The enum of the field, or []."""
        return [str(value) for value in self.constraints.get("enum", [])]


@dataclass
class Table:
    """A table resource: its schema's keys and its typed rows (None for an empty cell)."""

    name: str
    title: str
    description: str
    path: str
    columns: list[Column]
    primary_key: list[str]
    foreign_keys: list[
        ForeignKey
    ]  # validate.model's: `fields` of this table refer to `target_fields` of `target`
    rows: Iterable[
        dict
    ]  # re-iterable: a list, or `Rows` (read again from the package on each pass)
    link: PolymorphicReference | None = (
        None  # a `<x>_table`/`<x>_id` pair, as validate.model reads it
    )
    schema_path: str = ""  # the Table Schema's file, where the codebook's cells come from

    def column(self, name: str) -> Column:
        """The column called `name`."""
        return next(c for c in self.columns if c.name == name)

    def count(self) -> int:
        """How many rows the table has (from the package's count where it has one, else by reading them)."""
        if isinstance(self.rows, Rows) and self.rows.count is not None:
            return self.rows.count
        return sum(1 for _ in self.rows)

    def lined(self) -> Iterator[tuple[int, dict]]:
        """(line in `path`, row) of every row: the CSV's physical line, or the row's place after a header."""
        if isinstance(self.rows, Rows):
            return self.rows.lined()
        return enumerate(self.rows, start=2)


class Rows:
    """Typed rows read again from their source on each pass, so that no export holds a whole table."""

    def __init__(self, read: Callable[[], Iterator[tuple[int, dict]]], count: int | None = None):
        self._read, self.count = read, count

    def __iter__(self) -> Iterator[dict]:
        return (row for _, row in self._read())

    def lined(self) -> Iterator[tuple[int, dict]]:
        """(line, row) of every row."""
        return self._read()


def tables(package: Package) -> list[Table]:
    """Every table resource of a loaded (and valid) package, in descriptor order."""
    model = from_package(package)  # keys and references: the one reading of the schemas
    links = {reference.table: reference for reference in model.polymorphic}
    result = []
    for resource in package.resources:
        if not resource.is_table or resource.schema is None or resource.table is None:
            continue
        schema = resource.schema
        columns = [
            Column(
                f["name"],
                f.get("type", "string"),
                bool(f.get("constraints", {}).get("required")),
                f.get("description", ""),
                str(f.get("example", "")),
                f.get("constraints", {}),
            )
            for f in schema["fields"]
        ]
        rows = Rows(partial(_typed_rows, resource.table, columns), resource.table.record_count)
        result.append(
            Table(
                resource.name,
                resource.descriptor.get("title", schema.get("title", resource.name)),
                resource.descriptor.get("description", schema.get("description", "")),
                resource.path,
                columns,
                list(model.tables[resource.name].primary_key),
                list(model.tables[resource.name].foreign_keys),
                rows,
                links.get(resource.name),
                resource.schema_path,
            )
        )
    return result


def snapshot_texts(package: Package, tables: list[Table]) -> dict[str, str]:
    """The text of each document whose snapshot the package holds, by document ID, in resource order."""
    documents = next((t for t in tables if t.name == "documents"), None)
    if documents is None:
        return {}
    by_snapshot = {
        row.get("snapshot_path"): row["document_id"]
        for row in documents.rows
        if row.get("snapshot_path")
    }
    return {
        by_snapshot[resource.path]: resource.text
        for resource in package.resources
        if not resource.is_table and resource.text is not None and resource.path in by_snapshot
    }


def _typed_rows(table: CSVTable, columns: list[Column]) -> Iterator[tuple[int, dict]]:
    # streamed from the run's DuckDB connection in batches (csvio.Table.rows): memory stays flat with the table's size
    converters = [(c.name, CONVERTERS[kind(c.type)]) for c in columns]
    for record in table.rows([c.name for c in columns]):
        cells = record.cells
        yield (
            record.line,
            {
                name: convert(cell) if (cell := cells.get(name, EMPTY)) else None
                for name, convert in converters
            },
        )


# The Table Schema types `typed` converts; every other type is kept as its text.
TYPED = ("integer", "year", "number", "date", "boolean")


def kind(type_: str) -> str:
    """The type of the Python value `typed` gives for a field of this Table Schema type: one of TYPED, or "string"."""
    return type_ if type_ in TYPED else "string"


def _boolean(cell: str) -> bool:
    return cell.lower() in ("true", "1", "yes")


# A non-empty cell's Python value, by `kind` (str of a str is the same object).
CONVERTERS: dict[str, Callable[[str], object]] = {
    "integer": int,
    "year": int,
    "number": float,
    "date": datetime.date.fromisoformat,
    "boolean": _boolean,
    "string": str,
}


def typed(kind_: str, cell: str):
    """The Python value of a CSV cell of Table Schema type `kind_`; None for an empty cell."""
    return CONVERTERS[kind(kind_)](cell) if cell != EMPTY else None
