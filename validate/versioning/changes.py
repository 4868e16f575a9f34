"""Compare two loaded packages: schema, data and descriptor changes, each with the bump it needs.

Every change carries its level (see bumps.py). Data rows are matched by the primary key of
the new schema; a field renamed between the sides (a guess, labelled as one) is compared
under both names. Columns that `python -m validate fill` derives are told apart, so a row
whose only change is a recomputed offset does not read as a correction.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import CannotRun
from ..model import from_package
from ..package import Package
from .textdiff import words

# Descriptor properties of a resource that fill derives from the file.
DERIVED_RESOURCE_PROPERTIES = frozenset({"bytes", "hash"})
# Release metadata: set by each release, not a change of the data.
RELEASE_PROPERTIES = frozenset({"version", "created"})
# Properties that change no rule a value must meet (`verbatim` tells tools which words not to rewrite).
DESCRIPTIVE = frozenset(
    {"title", "description", "example", "examples", "$schema", "rdfType", "verbatim"}
)
LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength")
RENAME_SIMILARITY = 0.6
MAX_ROW_CHANGES = 5_000  # listed per table; beyond, counted (a report of a million rows helps nobody and costs memory)
ROW_BATCH = 10_000


@dataclass(frozen=True)
class Change:
    """One difference between the sides, and the bump it needs."""

    area: str  # "schema", "data" or "descriptor"
    table: str  # the resource name ("" for the package)
    kind: str  # e.g. "field-removed", "row-changed"
    level: str  # none, patch, minor or major
    subject: str  # the field, row key or property concerned
    message: str
    old: object = None
    new: object = None
    cells: tuple = ()  # for a changed row: (field, old, new) triples
    guess: bool = False
    key: tuple[str, ...] | None = None  # a row's key, one cell per key field (compared as a tuple)

    def to_dict(self) -> dict:
        """The change as a JSON-ready dict."""
        data = {
            key: getattr(self, key)
            for key in (
                "area",
                "table",
                "kind",
                "level",
                "subject",
                "message",
                "old",
                "new",
                "guess",
            )
        }
        if self.key is not None:
            data["key"] = list(self.key)
        if self.cells:
            data["cells"] = [
                {"field": name, "old": old, "new": new} for name, old, new in self.cells
            ]
        return data


@dataclass
class Comparison:
    """All changes between an old and a new side, with both declared versions."""

    old_version: object
    new_version: object
    changes: list[Change] = field(default_factory=list)
    # row changes past MAX_ROW_CHANGES in a table: counted by (area, table, kind, level), not listed
    omitted: Counter = field(default_factory=Counter)


def compare(old: Package, new: Package) -> Comparison:
    """Every change from package `old` to package `new`, tables in the new side's order."""
    result = Comparison(old.descriptor.get("version"), new.descriptor.get("version"))
    result.changes += _descriptor_changes(old.descriptor, new.descriptor)
    old_resources = {r.name: r for r in old.resources}
    new_resources = {r.name: r for r in new.resources}
    for name, resource in new_resources.items():
        before = old_resources.get(name)
        if before is None:
            what = "table" if resource.is_table else "resource"
            result.changes.append(
                Change("descriptor", name, f"{what}-added", "minor", name, f"{what} {name!r} added")
            )
            continue
        result.changes += _resource_changes(name, before.descriptor, resource.descriptor)
        if resource.is_table and before.is_table:
            renames: dict[str, str] = {}
            if isinstance(before.schema, dict) and isinstance(resource.schema, dict):
                schema_changes, renames = _schema_changes(name, before.schema, resource.schema)
                result.changes += schema_changes
            if before.table is not None and resource.table is not None:
                # the columns `fill` computes, as either side's schema declares them (`filledBy`, validate/model.py)
                derived = {
                    renames.get(n, n) for n in from_package(old).filled_by_tool().get(name, ())
                } | from_package(new).filled_by_tool().get(name, set())
                result.changes += _data_changes(
                    name, before, resource, renames, frozenset(derived), result.omitted
                )
        elif before.data != resource.data:
            result.changes.append(
                Change(
                    "data",
                    name,
                    "file-changed",
                    "patch",
                    resource.path,
                    f"the content of {resource.path} changed",
                )
            )
    for name, resource in old_resources.items():
        if name not in new_resources:
            what = "table" if resource.is_table else "resource"
            result.changes.append(
                Change(
                    "descriptor", name, f"{what}-removed", "major", name, f"{what} {name!r} removed"
                )
            )
    return result


# --- descriptor -------------------------------------------------------------------------------


def _descriptor_changes(old: dict, new: dict) -> list[Change]:
    changes = []
    for key in sorted((set(old) | set(new)) - {"resources"} - RELEASE_PROPERTIES):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key == "licenses":
            changes += _licence_changes(before, after)
        else:
            changes.append(
                Change(
                    "descriptor",
                    "",
                    "metadata-changed",
                    "patch",
                    key,
                    f"package {key} changed",
                    before,
                    after,
                )
            )
    return changes


def _licence_key(licence: object) -> str:
    if isinstance(licence, dict):
        return str(licence.get("name") or licence.get("path") or licence.get("title"))
    return json.dumps(licence, sort_keys=True)


def _licence_changes(old: object, new: object) -> list[Change]:
    before = {_licence_key(item): item for item in old} if isinstance(old, list) else {}
    after = {_licence_key(item): item for item in new} if isinstance(new, list) else {}
    changes = []
    for key in sorted(set(before) | set(after)):
        if key not in after:
            changes.append(
                Change(
                    "descriptor",
                    "",
                    "licence-removed",
                    "major",
                    key,
                    f"licence {key} removed",
                    before[key],
                    None,
                )
            )
        elif key not in before:
            changes.append(
                Change(
                    "descriptor",
                    "",
                    "licence-added",
                    "minor",
                    key,
                    f"licence {key} added",
                    None,
                    after[key],
                )
            )
        elif before[key] != after[key]:
            level = "patch" if _only_descriptive(before[key], after[key]) else "major"
            changes.append(
                Change(
                    "descriptor",
                    "",
                    "licence-changed",
                    level,
                    key,
                    f"licence {key} changed",
                    before[key],
                    after[key],
                )
            )
    return changes


def _only_descriptive(old: object, new: object) -> bool:
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return False
    return all(
        old.get(key) == new.get(key) for key in set(old) | set(new) if key not in DESCRIPTIVE
    )


def _resource_changes(name: str, old: dict, new: dict) -> list[Change]:
    changes = []
    derived = [key for key in sorted(DERIVED_RESOURCE_PROPERTIES) if old.get(key) != new.get(key)]
    if derived:  # one line: both follow from the file's content, which the data changes show
        changes.append(
            Change(
                "descriptor",
                name,
                "resource-derived",
                "none",
                " and ".join(derived),
                f"resource {name!r}: {' and '.join(derived)} recomputed by `fill` (the file changed)",
                {key: old.get(key) for key in derived},
                {key: new.get(key) for key in derived},
            )
        )
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before == after or key == "schema" or key in DERIVED_RESOURCE_PROPERTIES:
            continue  # the schema's content is compared, not its path
        if key in DESCRIPTIVE:
            level, kind = "patch", "resource-metadata-changed"
        elif key == "licenses":
            level, kind = ("minor" if not before else "major"), "resource-licence-changed"
        else:
            level, kind = (
                "major",
                "resource-changed",
            )  # path, format, encoding, dialect: how the file is read
        changes.append(
            Change(
                "descriptor",
                name,
                kind,
                level,
                key,
                f"resource {name!r}: {key} changed",
                before,
                after,
            )
        )
    return changes


# --- schemas ----------------------------------------------------------------------------------


def _fields(schema: dict) -> list[dict]:
    fields = schema.get("fields")
    return (
        [item for item in fields if isinstance(item, dict) and isinstance(item.get("name"), str)]
        if isinstance(fields, list)
        else []
    )


def _similarity(a: object, b: object) -> float:
    """How alike two descriptions are: shared words over all words (Dice), in linear time.

    difflib's ratio is quadratic: four renamed fields with 30,000-character descriptions took minutes."""
    words_a, words_b = Counter(words(str(a or ""))), Counter(words(str(b or "")))
    total = sum(words_a.values()) + sum(words_b.values())
    return 1.0 if total == 0 else 2 * sum((words_a & words_b).values()) / total


def _guess_renames(
    old_fields: list[dict], new_fields: list[dict], removed: list[str], added: list[str]
) -> dict[str, tuple[str, float]]:
    """Pair removed with added fields that stand at the same position, with the same type and a similar description."""
    old_position = {item["name"]: index for index, item in enumerate(old_fields)}
    new_position = {item["name"]: index for index, item in enumerate(new_fields)}
    by_name_old = {item["name"]: item for item in old_fields}
    by_name_new = {item["name"]: item for item in new_fields}
    renames: dict[str, tuple[str, float]] = {}
    for old_name in removed:
        for new_name in added:
            before, after = by_name_old[old_name], by_name_new[new_name]
            if old_position[old_name] != new_position[new_name] or before.get(
                "type", "any"
            ) != after.get("type", "any"):
                continue
            score = _similarity(before.get("description"), after.get("description"))
            if score >= RENAME_SIMILARITY and new_name not in {
                pair[0] for pair in renames.values()
            }:
                renames[old_name] = (new_name, score)
                break
    return renames


def _schema_changes(table: str, old: dict, new: dict) -> tuple[list[Change], dict[str, str]]:
    """Changes between two Table Schemas, and the guessed renames (old name -> new name)."""
    old_fields, new_fields = _fields(old), _fields(new)
    old_names, new_names = [f["name"] for f in old_fields], [f["name"] for f in new_fields]
    removed = [name for name in old_names if name not in new_names]
    added = [name for name in new_names if name not in old_names]
    guessed = _guess_renames(old_fields, new_fields, removed, added)
    renames = {old_name: pair[0] for old_name, pair in guessed.items()}
    changes = []
    for old_name, (new_name, score) in guessed.items():
        changes.append(
            Change(
                "schema",
                table,
                "field-renamed",
                "major",
                f"{old_name} -> {new_name}",
                f"field {old_name!r} renamed {new_name!r} (a guess: same position and type, descriptions {score:.0%} alike)",
                old_name,
                new_name,
                guess=True,
            )
        )
    for name in removed:
        if name not in renames:
            changes.append(
                Change("schema", table, "field-removed", "major", name, f"field {name!r} removed")
            )
    for name in added:
        if name not in renames.values():
            changes.append(
                Change("schema", table, "field-added", "minor", name, f"field {name!r} added")
            )
    old_by_name = {f["name"]: f for f in old_fields}
    new_by_name = {f["name"]: f for f in new_fields}
    pairs = [
        (name, renames.get(name, name))
        for name in old_names
        if renames.get(name, name) in new_by_name
    ]
    for old_name, new_name in pairs:
        changes += _field_changes(table, new_name, old_by_name[old_name], new_by_name[new_name])
    kept_old_order = [
        renames.get(name, name) for name in old_names if renames.get(name, name) in new_by_name
    ]
    kept_new_order = [name for name in new_names if name in kept_old_order]
    if kept_old_order != kept_new_order:
        changes.append(
            Change(
                "schema",
                table,
                "fields-reordered",
                "major",
                "fields",
                "fields reordered",
                kept_old_order,
                kept_new_order,
            )
        )
    changes += _key_changes(table, old, new, renames)
    for key in sorted(
        (set(old) | set(new)) - {"fields", "primaryKey", "uniqueKeys", "foreignKeys"}
    ):
        if old.get(key) != new.get(key):
            level = "patch" if key in DESCRIPTIVE else "major"
            changes.append(
                Change(
                    "schema",
                    table,
                    "schema-metadata-changed" if level == "patch" else "schema-changed",
                    level,
                    key,
                    f"schema {key} changed",
                    old.get(key),
                    new.get(key),
                )
            )
    return changes, renames


def _field_changes(table: str, name: str, old: dict, new: dict) -> list[Change]:
    changes = []
    for key in ("type", "format"):
        if old.get(key) != new.get(key):
            changes.append(
                Change(
                    "schema",
                    table,
                    f"{key}-changed",
                    "major",
                    name,
                    f"field {name!r}: {key} changed",
                    old.get(key),
                    new.get(key),
                )
            )
    changes += _constraint_changes(table, name, old.get("constraints"), new.get("constraints"))
    changes += _value_set_changes(
        table,
        name,
        "categories",
        _category_values(old.get("categories")),
        _category_values(new.get("categories")),
    )
    if old.get("categories") != new.get("categories") and _category_values(
        old.get("categories")
    ) == _category_values(new.get("categories")):
        changes.append(
            Change(
                "schema",
                table,
                "field-metadata-changed",
                "patch",
                name,
                f"field {name!r}: category labels changed",
                old.get("categories"),
                new.get("categories"),
            )
        )
    for key in sorted(
        (set(old) | set(new)) - {"name", "type", "format", "constraints", "categories"}
    ):
        if old.get(key) != new.get(key):
            level = "patch" if key in DESCRIPTIVE else "major"
            changes.append(
                Change(
                    "schema",
                    table,
                    "field-metadata-changed" if level == "patch" else "field-changed",
                    level,
                    name,
                    f"field {name!r}: {key} changed",
                    old.get(key),
                    new.get(key),
                )
            )
    return changes


def _category_values(categories: object) -> list | None:
    if not isinstance(categories, list):
        return None
    return [item.get("value") if isinstance(item, dict) else item for item in categories]


def _listed(value: object) -> list | None:
    return value if isinstance(value, list) else None


def _value_set_changes(
    table: str, name: str, what: str, old: list | None, new: list | None
) -> list[Change]:
    """Allowed values (enum or categories): removing one tightens, adding one loosens."""
    if old == new:
        return []
    if old is None:
        return [
            Change(
                "schema",
                table,
                "constraint-tightened",
                "major",
                name,
                f"field {name!r}: {what} added (values now limited)",
                None,
                new,
            )
        ]
    if new is None:
        return [
            Change(
                "schema",
                table,
                "constraint-loosened",
                "minor",
                name,
                f"field {name!r}: {what} removed (any value allowed)",
                old,
                None,
            )
        ]
    changes = []
    gone = [value for value in old if value not in new]
    came = [value for value in new if value not in old]
    if gone:
        changes.append(
            Change(
                "schema",
                table,
                "values-removed",
                "major",
                name,
                f"field {name!r}: {what} values removed: {', '.join(map(_bound, gone))}",
                gone,
                None,
            )
        )
    if came:
        changes.append(
            Change(
                "schema",
                table,
                "values-added",
                "minor",
                name,
                f"field {name!r}: {what} values added: {', '.join(map(_bound, came))}",
                None,
                came,
            )
        )
    return changes


def _direction(key: str, old: Any, new: Any) -> str:
    """'tightened', 'loosened' or 'changed' for one constraint going from `old` to `new` (None = absent)."""
    if key in ("required", "unique"):
        return "tightened" if new is True else "loosened"
    if key in LOWER_BOUNDS + UPPER_BOUNDS:
        if old is None:
            return "tightened"
        if new is None:
            return "loosened"
        try:
            raised = new > old  # numbers, or ISO dates as text
        except TypeError:
            return "changed"
        return (
            ("tightened" if raised else "loosened")
            if key in LOWER_BOUNDS
            else ("loosened" if raised else "tightened")
        )
    if old is None:
        return "tightened"
    if new is None:
        return "loosened"
    return "changed"  # e.g. another pattern: no proof that it accepts every value the old one did


def _bound(value: object) -> str:
    return "(none)" if value is None else json.dumps(value, ensure_ascii=False)


def _constraint_changes(
    table: str, name: str, old_constraints: object, new_constraints: object
) -> list[Change]:
    old = old_constraints if isinstance(old_constraints, dict) else {}
    new = new_constraints if isinstance(new_constraints, dict) else {}
    changes = _value_set_changes(
        table, name, "enum", _listed(old.get("enum")), _listed(new.get("enum"))
    )
    for key in sorted((set(old) | set(new)) - {"enum"}):
        before, after = old.get(key), new.get(key)
        if before == after or (key in ("required", "unique") and not before and not after):
            continue
        direction = _direction(key, before, after)
        level = "minor" if direction == "loosened" else "major"
        note = (
            " (treated as tightened: it cannot be shown to accept every old value)"
            if direction == "changed"
            else ""
        )
        changes.append(
            Change(
                "schema",
                table,
                f"constraint-{direction}",
                level,
                name,
                f"field {name!r}: {key} {_bound(before)} → {_bound(after)}{note}",
                before,
                after,
            )
        )
    return changes


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else ([value] if value is not None else [])


def _renamed_key(value: object, renames: dict[str, str]) -> object:
    """A key (a field name, a list of names, or a foreign key) with old field names renamed."""
    if isinstance(value, str):
        return renames.get(value, value)
    if isinstance(value, list):
        return [_renamed_key(item, renames) for item in value]
    if isinstance(value, dict) and "fields" in value:
        return {**value, "fields": _renamed_key(value["fields"], renames)}
    return value


def _key_changes(table: str, old: dict, new: dict, renames: dict[str, str]) -> list[Change]:
    """Primary, unique and foreign keys; a key that only follows a renamed field is not a change."""
    old = {
        key: _renamed_key(old.get(key), renames)
        for key in ("primaryKey", "uniqueKeys", "foreignKeys")
    }
    changes = []
    if _as_list(old.get("primaryKey")) != _as_list(new.get("primaryKey")):
        changes.append(
            Change(
                "schema",
                table,
                "primary-key-changed",
                "major",
                "primaryKey",
                "primary key changed",
                old.get("primaryKey"),
                new.get("primaryKey"),
            )
        )
    for key, kind in (("uniqueKeys", "unique key"), ("foreignKeys", "foreign key")):
        before = [json.dumps(item, sort_keys=True) for item in _as_list(old.get(key))]
        after = [json.dumps(item, sort_keys=True) for item in _as_list(new.get(key))]
        for item in after:
            if item not in before:
                changes.append(
                    Change(
                        "schema",
                        table,
                        "constraint-tightened",
                        "major",
                        key,
                        f"{kind} added: {item}",
                        None,
                        json.loads(item),
                    )
                )
        for item in before:
            if item not in after:
                changes.append(
                    Change(
                        "schema",
                        table,
                        "constraint-loosened",
                        "minor",
                        key,
                        f"{kind} removed: {item}",
                        json.loads(item),
                        None,
                    )
                )
    return changes


# --- data -------------------------------------------------------------------------------------


def show_key(key: tuple[str, ...]) -> str:
    """A row key as the report shows it: the value of a one-field key, a JSON list for a composite key
    (so that ('x / y', 'z') and ('x', 'y / z') never read alike)."""
    return key[0] if len(key) == 1 else json.dumps(list(key), ensure_ascii=False)


def _unique_columns(header: list[str], renames: dict[str, str]) -> dict[str, int]:
    """Column name (renamed to the new side's) -> position; a repeated name is its last column, as in a record."""
    return {renames.get(name, name): number for number, name in enumerate(header)}


def _sorted_rows(
    table, columns: dict[str, int], key_fields: list[str], renames: dict[str, str]
) -> Iterator[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(key, cells in the order of `columns`) of every record, ordered by key then file order, read in batches from DuckDB.

    Strings sort by code point in Python and by UTF-8 byte in DuckDB: the same order."""
    names = list(columns)
    source = table.source
    if source is None:  # a table a tool parsed itself: small, sorted here
        original = {renames.get(name, name): name for name in table.header}
        rows = (
            (
                tuple(record.cells.get(original[name], "") for name in key_fields),
                tuple(record.cells.get(original[name], "") for name in names),
            )
            for record in table.records
        )
        yield from sorted(rows, key=lambda row: row[0])
        return
    selected = ", ".join(f"coalesce(c{columns[name]}, '')" for name in names)
    keys = ", ".join(f"coalesce(c{columns[name]}, '')" for name in key_fields)
    width = len(key_fields)
    order = ", ".join([*(str(n + 1) for n in range(width)), "_ord"])  # the key columns come first
    cursor = source.store.connection.cursor()
    try:
        # plain columns, sliced here: DuckDB builds a list value per row several times slower
        cursor.execute(f"SELECT {keys}, {selected} FROM {source.name} ORDER BY {order}")
        while batch := cursor.fetchmany(ROW_BATCH):
            for row in batch:
                yield row[:width], row[width:]
    finally:
        cursor.close()


def _grouped(
    rows: Iterator[tuple[tuple[str, ...], tuple]],
) -> Iterator[tuple[tuple[str, ...], list]]:
    """Rows with the same key together (a valid package has one a key; an invalid one may repeat it)."""
    key: tuple[str, ...] | None = None
    group: list = []
    for row_key, cells in rows:
        if row_key == key:
            group.append(cells)
            continue
        if key is not None:
            if row_key < key:
                raise CannotRun(
                    "the rows of a table did not come back in key order; nothing compared"
                )
            yield key, group
        key, group = row_key, [cells]
    if key is not None:
        yield key, group


def _matched(old_rows, new_rows) -> Iterator[tuple[tuple[str, ...], dict | None, dict | None]]:
    """(key, old cells or None, new cells or None) for each row of either side, merging the two sorted streams.

    Rows that share a key are paired in file order; the extra ones are removed or added."""
    old_groups, new_groups = _grouped(old_rows), _grouped(new_rows)
    old_item, new_item = next(old_groups, None), next(new_groups, None)
    while old_item is not None or new_item is not None:
        if new_item is None or (old_item is not None and old_item[0] < new_item[0]):
            assert old_item is not None
            for cells in old_item[1]:
                yield old_item[0], cells, None
            old_item = next(old_groups, None)
        elif old_item is None or new_item[0] < old_item[0]:
            for cells in new_item[1]:
                yield new_item[0], None, cells
            new_item = next(new_groups, None)
        else:
            olds, news = old_item[1], new_item[1]
            for index in range(max(len(olds), len(news))):
                yield (
                    old_item[0],
                    olds[index] if index < len(olds) else None,
                    news[index] if index < len(news) else None,
                )
            old_item, new_item = next(old_groups, None), next(new_groups, None)


def _data_changes(
    table: str, old, new, renames: dict[str, str], derived: frozenset[str], omitted: Counter
) -> list[Change]:
    """Rows added, removed and changed, matched by the new schema's primary key (compared as a tuple of cells).

    Both tables are streamed from DuckDB in key order and merged, so memory does not grow with the
    tables; past MAX_ROW_CHANGES a table's further row changes are counted in `omitted`, not listed."""
    old_columns = _unique_columns(old.table.header, renames)
    new_columns = _unique_columns(new.table.header, {})
    common = [name for name in new_columns if name in old_columns]
    key_fields = [
        name for name in _as_list((new.schema or {}).get("primaryKey")) if isinstance(name, str)
    ]
    if not key_fields or not set(key_fields) <= set(common):
        key_fields = common  # no shared key: a row is known by all its shared cells
    changes: list[Change] = []

    def add(change: Change) -> None:
        if len(changes) < MAX_ROW_CHANGES:
            changes.append(change)
        else:
            omitted[(change.area, change.table, change.kind, change.level)] += 1

    pairs = _matched(
        _sorted_rows(old.table, old_columns, key_fields, renames),
        _sorted_rows(new.table, new_columns, key_fields, {}),
    )
    old_names, new_names = list(old_columns), list(new_columns)
    old_common = [old_names.index(name) for name in common]
    new_common = [new_names.index(name) for name in common]
    same_layout = old_names == new_names
    for key, old_cells, new_cells in pairs:
        if same_layout and old_cells == new_cells:
            continue  # the usual row: nothing changed, nothing built
        before = None if old_cells is None else dict(zip(old_names, old_cells, strict=True))
        after = None if new_cells is None else dict(zip(new_names, new_cells, strict=True))
        if (
            old_cells is not None
            and new_cells is not None
            and all(
                old_cells[i] == new_cells[j] for i, j in zip(old_common, new_common, strict=True)
            )
        ):
            continue
        shown = show_key(key)
        if before is None:
            add(
                Change(
                    "data",
                    table,
                    "row-added",
                    "minor",
                    shown,
                    f"row {shown} added",
                    None,
                    after,
                    key=key,
                )
            )
            continue
        if after is None:
            add(
                Change(
                    "data",
                    table,
                    "row-removed",
                    "major",
                    shown,
                    f"row {shown} removed",
                    before,
                    None,
                    key=key,
                )
            )
            continue
        cells = tuple(
            (name, before.get(name, ""), after.get(name, ""))
            for name in common
            if before.get(name, "") != after.get(name, "")
        )
        if not cells:
            continue
        if all(name in derived for name, _, _ in cells):
            add(
                Change(
                    "data",
                    table,
                    "row-derived-only",
                    "none",
                    shown,
                    f"row {shown}: only derived columns changed",
                    cells=cells,
                    key=key,
                )
            )
        else:
            add(
                Change(
                    "data",
                    table,
                    "row-changed",
                    "patch",
                    shown,
                    f"row {shown} changed",
                    cells=cells,
                    key=key,
                )
            )
    return changes
