"""What the exports know about the tables, read from the descriptor and its Table Schemas only.

Nothing about a column is written here by hand: names, types, requirement, descriptions,
keys and allowed values all come from the schemas, so a new resource or column appears in
every output without code changes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

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
    rows: list[dict]
    link: PolymorphicReference | None = (
        None  # a `<x>_table`/`<x>_id` pair, as validate.model reads it
    )

    def column(self, name: str) -> Column:
        """The column called `name`."""
        return next(c for c in self.columns if c.name == name)


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
        rows = [
            {c.name: typed(c.type, record.cells.get(c.name, EMPTY)) for c in columns}
            for record in resource.table.records
        ]
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


def typed(kind: str, cell: str):
    """The Python value of a CSV cell of Table Schema type `kind`; None for an empty cell."""
    if cell == EMPTY:
        return None
    if kind in ("integer", "year"):
        return int(cell)
    if kind == "number":
        return float(cell)
    if kind == "date":
        return datetime.date.fromisoformat(cell)
    if kind == "boolean":
        return cell.lower() in ("true", "1", "yes")
    return cell
