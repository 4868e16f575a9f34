"""Small helpers for checks that read the package's own tables."""

from __future__ import annotations

from collections.abc import Set

from ..csvio import Record
from ..model import from_package
from ..package import Package


def key_of(package: Package, name: str) -> str:
    """Return the primary-key column of table `name` as its schema declares it, or "" when it has none."""
    return from_package(package).key(name) or ""


def records(package: Package, name: str) -> list[Record]:
    """Return the records of table `name`, or [] when it is missing or unreadable."""
    table = package.table(name)
    return table.records if table else []


def by_id(package: Package, name: str) -> dict[str, Record]:
    """Return the records of table `name` keyed by their ID ({} when the table has no single-column key).

    Built once per run and shared by the checks (read-only): at a million rows each build costs a second."""
    if name not in package.views.by_id:
        key = key_of(package, name)
        package.views.by_id[name] = {r.cells[key]: r for r in records(package, name) if key and r.cells.get(key)}
    return package.views.by_id[name]


def known_ids(package: Package, name: str) -> Set[str] | None:
    """Return the IDs of table `name`: empty when the package has no such table, None when
    the table exists but cannot be read or its schema declares no key (then nothing can be said about references to it)."""
    resource = package.resource(name)
    if resource is None:
        return set()
    if _unusable(package, name):
        return None  # unreadable, or no declared key (schema-profile or resource-files says why)
    return by_id(package, name).keys()


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


def snapshot_texts(package: Package) -> dict[str, str]:
    """Return {document_id: snapshot text} for documents whose snapshot is a readable resource."""
    if package.views.snapshots is None:
        texts = {}
        by_path = {r.path: r for r in package.resources}
        for record in records(package, "documents"):
            resource = by_path.get(record.cells.get("snapshot_path", ""))
            if resource is not None and resource.text is not None:
                texts[record.cells.get("document_id", "")] = resource.text
        package.views.snapshots = texts
    return package.views.snapshots
