"""Rename an ID everywhere it is used, in one change (`python -m validate rename-id OLD NEW`, validate/cli/rename_id.py).

Where an ID is used is read from the schemas, never listed by hand: the table whose
primary key holds OLD owns it; every foreign key that references that table, and every
`target_id` whose row's `target_table` names it, uses it. Schema examples and the data
dictionary generated from them are updated too, and any other whole-word mention of OLD
in a cell (a note saying "see ent-x") follows, except in verbatim text: a field that
copies a source's words is never rewritten (`"verbatim": true` in its schema, read by the model).
Refuses an empty OLD, an OLD that is no record's ID, a NEW that is already an ID, and a NEW
that breaks the key's pattern (matched by RE2, the validator's engine: linear time). NEW is
literal text, never a regular-expression replacement. All files or none, fill included:
when fill fails after the rename, every renamed file gets its old bytes back.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import datadict
from .atomic import write_all
from .checks._jsonschema import usable_schema
from .csvio import render_csv
from .dialect import refuse_misread
from .engine.cells import full_pattern
from .errors import CannotRun
from .fill import FillError, fill
from .model import from_package
from .package import Package, Resource, UnsafePath

# The generated documents that may quote schema examples: the data dictionary (docs/data-dictionary.md).
GENERATED_DOCS = ("docs/data-dictionary.md",)
# The characters that continue an ID: a mention of OLD is whole when neither neighbour is one of them.
_ID_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class RenameError(Exception):
    """The rename is refused; the message says why and changes nothing."""


@dataclass
class Plan:
    """The new content of every file to change, and where OLD was found."""

    contents: dict[Path, bytes] = field(default_factory=dict)
    places: dict[str, dict[str, list[int]]] = field(
        default_factory=dict
    )  # file -> {column: [lines]}


def id_columns(package: Package, owner: str) -> dict[str, list[str]]:
    """Return {resource name: [columns holding IDs of table `owner`]}, from keys and foreign keys."""
    columns: dict[str, list[str]] = {}
    for resource in package.resources:
        schema = resource.schema if isinstance(resource.schema, dict) else {}
        found = []
        if resource.name == owner:
            found += _as_list(schema.get("primaryKey"))
        for foreign_key in (
            schema.get("foreignKeys", []) if isinstance(schema.get("foreignKeys"), list) else []
        ):
            reference = foreign_key.get("reference", {}) if isinstance(foreign_key, dict) else {}
            if (
                reference.get("resource") or resource.name
            ) == owner:  # no resource (or "") means the table itself
                found += _as_list(foreign_key.get("fields"))
        columns[resource.name] = found
    return columns


def verbatim_fields(package: Package) -> dict[str, frozenset[str]]:
    """{table: its fields that no rename rewrites}, from the model: those that hold a source's words as written
    (`"verbatim": true`) and those a command computes (`filledBy`: from a snapshot or other rows)."""
    return {
        name: table.verbatim_fields() | table.filled_by_tool()
        for name, table in from_package(package).tables.items()
    }


def mentions(text: str, old: str, new: str) -> str:
    """`text` with every whole-word mention of `old` replaced by `new`, taken literally (no pattern, linear time)."""
    pieces, start, at = [], 0, text.find(old)
    while at >= 0:
        end = at + len(old)
        before = text[at - 1] if at > 0 else ""
        after = text[end] if end < len(text) else ""
        if before not in _ID_CHARACTERS and after not in _ID_CHARACTERS:
            pieces.append(text[start:at])
            pieces.append(new)
            start = end
            at = text.find(old, end)
        else:
            at = text.find(old, at + 1)
    return "".join(pieces) + text[start:] if pieces else text


def plan_rename(package: Package, old: str, new: str) -> Plan:
    """Work out every change of the rename without writing; raise RenameError to refuse it."""
    if not old or not new:
        raise RenameError("OLD and NEW must both be IDs; an empty one is refused")
    try:
        refuse_misread(package.load_errors, "rename-id")
    except CannotRun as error:
        raise RenameError(str(error)) from None
    broken = [
        r.schema_path or r.name
        for r in package.resources
        if r.is_table and usable_schema(package, r) is None
    ]
    if broken:
        raise RenameError(
            f"the schema of {', '.join(broken)} is missing or malformed, so where IDs are used cannot be known; "
            "run `python -m validate` and fix it first"
        )
    owners = [r for r in package.resources if r.table and old in _primary_ids(r)]
    if not owners:
        raise RenameError(f"{old!r} is not the ID of any record (no table's primary key holds it)")
    owner = owners[0]
    taken = [r.name for r in package.resources if r.table and new in _primary_ids(r)]
    if taken:
        raise RenameError(
            f"{new!r} is already an ID in {', '.join(taken)}; renaming onto it would merge two records"
        )
    _check_form(owner, new)
    columns = id_columns(package, owner.name)
    verbatim = verbatim_fields(package)
    plan = Plan()
    for resource in package.resources:
        if not resource.table:
            continue
        rows, places = [], defaultdict(list)
        for record in resource.table.records:
            row = dict(record.cells)
            for name, value in row.items():
                is_reference = name in columns.get(resource.name, []) or (
                    name == "target_id" and row.get("target_table") == owner.name
                )
                if is_reference and value == old:
                    row[name] = new
                    places[name].append(record.line)
                elif (
                    name not in verbatim.get(resource.name, ())
                    and (renamed := mentions(value, old, new)) != value
                ):
                    row[name] = renamed
                    places[f"{name} (in the text)"].append(record.line)
            rows.append(row)
        if places:
            plan.contents[_inside(package, resource.path)] = render_csv(
                resource.table.header, rows
            ).encode("utf-8")
            plan.places[resource.path] = dict(places)
    for schema_path, text in package.schema_texts.items():
        if mentions(text, old, new) != text:
            plan.contents[_inside(package, schema_path)] = _rename_in_json(text, old, new).encode(
                "utf-8"
            )
            plan.places[schema_path] = {"example": []}
    for name in (
        GENERATED_DOCS
    ):  # the data dictionary is generated from the schemas: the same words change in it
        try:  # the same path rule as every file of the package: a linked docs/ folder is not followed
            doc = package.inside(name)
            text = package.read_inside(name).decode("utf-8")
        except (UnsafePath, ValueError):  # absent, unsafe or not UTF-8: nothing to rename in it
            continue
        if datadict.START in text and datadict.END in text:
            before, rest = text.split(datadict.START, 1)
            block, after = rest.split(datadict.END, 1)
            if mentions(block, old, new) != block:
                plan.contents[doc] = (
                    before + datadict.START + mentions(block, old, new) + datadict.END + after
                ).encode("utf-8")
                plan.places[name] = {"data dictionary": []}
    return plan


def write(package: Package, plan: Plan) -> tuple[bool, list[str]]:
    """Write the plan (all files or none), then fill; return whether any file changed and the files fill rewrote.

    Raises CannotRun when the derived files cannot be refreshed; the renamed files then get their old bytes back."""
    try:
        before = {path: path.read_bytes() for path in plan.contents if path.exists()}
    except OSError as error:
        raise CannotRun(f"nothing renamed: {error}") from None
    changed = write_all(plan.contents, base=package.root)
    try:
        return bool(changed), fill(package.descriptor_path)
    except (OSError, FillError, ValueError, KeyError, CannotRun) as error:
        write_all({path: before[path] for path in changed if path in before}, base=package.root)
        raise CannotRun(
            f"nothing renamed: the derived files could not be refreshed, so every file was put back: {error}"
        ) from None


def places(plan: Plan) -> tuple[int, list[str]]:
    """How many places the rename changes, and one line per file saying where (its columns and lines)."""
    total = sum(
        max(1, len(lines)) for columns in plan.places.values() for lines in columns.values()
    )
    lines = [
        f"  {file}: "
        + "; ".join(
            f"{column} on line{'s' if len(at) > 1 else ''} {', '.join(map(str, at))}"
            if at
            else column
            for column, at in columns.items()
        )
        for file, columns in plan.places.items()
    ]
    return total, lines


def _rename_in_json(text: str, old: str, new: str) -> str:
    # through the JSON values, not the raw text, so that only string values change
    def rename(value):
        if isinstance(value, str):
            return mentions(value, old, new)
        if isinstance(value, list):
            return [rename(v) for v in value]
        if isinstance(value, dict):
            return {k: rename(v) for k, v in value.items()}
        return value

    return json.dumps(rename(json.loads(text)), indent=2, ensure_ascii=False) + "\n"


def _primary_ids(resource: Resource) -> set[str]:
    keys = _as_list(resource.schema.get("primaryKey")) if isinstance(resource.schema, dict) else []
    if resource.table is None or len(keys) != 1:
        return set()
    return {record.cells.get(keys[0], "") for record in resource.table.records}


def _check_form(owner: Resource, new: str) -> None:
    schema = (
        owner.schema if isinstance(owner.schema, dict) else {}
    )  # the owner was found by its one-field primary key
    key = _as_list(schema.get("primaryKey"))[0]
    fields = listed if isinstance(listed := schema.get("fields"), list) else []
    spec = next((f for f in fields if isinstance(f, dict) and f.get("name") == key), {})
    pattern = (
        spec.get("constraints", {}).get("pattern")
        if isinstance(spec.get("constraints"), dict)
        else None
    )
    if pattern:  # RE2, as the validator matches it: linear time whatever the pattern
        try:
            matches = full_pattern(pattern).search(new) is not None
        except Exception:  # noqa: BLE001 - re2.error: a pattern RE2 refuses (schema-profile reports the schema)
            raise RenameError(f"the pattern of {key} cannot be used: {pattern[:200]!r}") from None
        if not matches:
            raise RenameError(f"{new!r} is not a valid {key}: it must match {pattern}")
    if not pattern and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", new):
        raise RenameError(
            f"{new!r} is not a valid {key}: use lowercase letters, digits and hyphens"
        )


def _as_list(value) -> list[str]:
    return (
        [value]
        if isinstance(value, str)
        else [v for v in value if isinstance(v, str)]
        if isinstance(value, list)
        else []
    )


def _inside(package: Package, relative: str) -> Path:
    try:
        return package.inside(relative)
    except UnsafePath as error:  # changed since loading, or never safe: refuse the whole rename
        raise RenameError(f"{relative}: {error}") from None
