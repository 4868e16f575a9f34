"""Small helpers for checks that read the package's own tables."""

from __future__ import annotations

from collections.abc import Iterator, Sequence, Set

from ..csvio import Record, Screen
from ..engine.rules import snapshot_texts
from ..errors import Error, Place
from ..model import from_package
from ..package import Package

__all__ = [
    "by_id",
    "key_of",
    "known_ids",
    "named",
    "path_of",
    "rows",
    "snapshot_texts",
    "unreadable",
]


def named(value: str | None, key: str = "ID") -> str:
    """A record as a message names it: its ID, or, when the ID cell `key` is empty, that it is empty
    (a message that began with an empty ID read `: has no 'content' span`)."""
    return value if value else f"the row with an empty {key}"


def key_of(package: Package, name: str) -> str:
    """Return the primary-key column of table `name` as its schema declares it, or "" when it has none."""
    return from_package(package).key(name) or ""


def rows(
    package: Package,
    name: str,
    names: Sequence[str],
    screen: Screen | None = None,
    parameters: Sequence[object] = (),
) -> Iterator[Record]:
    """The records of table `name` (none when it is missing or unreadable), holding at least the cells of `names`.

    `screen`, an SQL condition over the columns, narrows what a table DuckDB read yields (Table.rows): the caller
    still judges every record it gets."""
    table = package.table(name)
    return table.rows(names, screen, parameters) if table else iter(())


def by_id(package: Package, name: str, names: Sequence[str] = ()) -> dict[str, Record]:
    """Return the records of table `name` keyed by their ID ({} when the table has no single-column key), holding
    at least the key and the cells of `names`.

    Built for the check that asks, and let go with it: checks ask for different columns, and a large table's
    index held for the whole run would be memory that no later check uses."""
    key = key_of(package, name)
    return {r.cells[key]: r for r in rows(package, name, [key, *names]) if key and r.cells.get(key)}


def known_ids(package: Package, name: str) -> Set[str] | None:
    """Return the IDs of table `name`: empty when the package has no such table, None when
    the table exists but cannot be read or its schema declares no key (then nothing can be said about references to it)."""
    resource = package.resource(name)
    if resource is None:
        return set()
    if _unusable(package, name):
        return None  # unreadable, or no declared key (schema-profile or resource-files says why)
    if name not in package.views.ids:
        table = package.table(name)
        package.views.ids[name] = frozenset(
            table.column(key_of(package, name)) if table else ()
        ) - {""}
    return package.views.ids[name]


def _unusable(package: Package, name: str) -> bool:
    resource = package.resource(name)
    return resource is not None and (resource.table is None or not key_of(package, name))


def unreadable(package: Package, *names: str) -> bool:
    """True when any of the tables `names` exists in the package but cannot be read (or has no declared key)."""
    return any(_unusable(package, name) for name in names)


def path_of(package: Package, name: str) -> str:
    """Return the file path of table `name` as the descriptor gives it."""
    resource = package.resource(name)
    return resource.path if resource else f"data/{name}.csv"


def record_error(
    file: str,
    key: str,
    record: Record,
    code: str,
    message: str,
    field: str,
    hint: str = "",
) -> Error:
    """An error of `record` (a row of `file`), its message led by the record's ID (the cell of `key`, see `named`)."""
    return Error.at(
        Place(file, record.line, record.row),
        field,
        code,
        f"{named(record.cells.get(key), key)}: {message}",
        hint=hint,
    )
