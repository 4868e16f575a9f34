"""The package's data model, read from its Table Schemas: the one registry of the project.

Every check and tool that needs to know which column is a table's ID, which columns point
at entities or documents, which tables a span may target, which span roles a record may
and must have, which fields repeat a span's exact text, or which columns `fill` computes
asks this module; nothing is copied by hand. Besides standard Table Schema it reads four
properties of this project (validate/profiles/tableschema.profile.json declares them):
`spanRoles` of a table (`allowed` and `required` roles of the spans anchoring its records),
`verbatim` of a field (it holds a source's words as written, which no tool rewrites),
`verbatimSpanRole` of a field (it holds the exact text of the record's spans of that role)
and `filledBy` of a field (the command that computes it). The model is read leniently (a malformed schema gives a table with fewer
facts, never an exception): schema-profile reports what is wrong with the schema itself.

    >>> model = from_package(package)
    >>> model.key("claims")
    'claim_id'
    >>> model.referencing("entities")["quotes"]
    ['speaker_entity_id']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


class Loaded(Protocol):
    """What `from_package` reads of a loaded package (validate/package.py): its resources, and where it keeps the model."""

    resources: list[Any]
    views: Any


@dataclass(frozen=True)
class ForeignKey:
    """`table.fields` must hold values of `target.target_fields` (a declared foreignKey)."""

    table: str
    fields: tuple[str, ...]
    target: str
    target_fields: tuple[str, ...]


@dataclass(frozen=True)
class PolymorphicReference:
    """`table.id_field` names a row of the table that `table.table_field` names (e.g. spans
    target_table/target_id). Read from the schema: a `<x>_table` field whose enum lists table
    names, beside an `<x>_id` field."""

    table: str
    table_field: str
    id_field: str
    targets: tuple[str, ...]


@dataclass(frozen=True)
class TableModel:
    """One table resource as its schema describes it."""

    name: str
    path: str
    fields: tuple[dict, ...]
    primary_key: tuple[str, ...] = ()
    unique_keys: tuple[tuple[str, ...], ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    missing_values: tuple[str, ...] = ("",)
    span_roles: frozenset[str] = (
        frozenset()
    )  # `spanRoles.allowed`: the roles a span anchoring a record may have
    required_span_roles: tuple[
        str, ...
    ] = ()  # `spanRoles.required`: the roles every record must be anchored by
    declares_span_roles: bool = False  # the schema has `spanRoles` at all

    def field(self, name: str) -> dict | None:
        """The field descriptor called `name`, or None."""
        return next((f for f in self.fields if f.get("name") == name), None)

    def enum(self, name: str) -> list | None:
        """The `enum` constraint of field `name`, or None."""
        found = self.field(name)
        constraints = found.get("constraints") if found else None
        value = constraints.get("enum") if isinstance(constraints, dict) else None
        return value if isinstance(value, list) else None

    def pattern(self, name: str) -> str | None:
        """The `pattern` constraint of field `name`, or None."""
        found = self.field(name)
        constraints = found.get("constraints") if found else None
        value = constraints.get("pattern") if isinstance(constraints, dict) else None
        return value if isinstance(value, str) else None

    def verbatim(self) -> dict[str, str]:
        """{field: span role} of the fields that hold the exact text of the record's spans of that role."""
        return {
            f["name"]: f["verbatimSpanRole"]
            for f in self.fields
            if isinstance(f.get("name"), str) and isinstance(f.get("verbatimSpanRole"), str)
        }

    def verbatim_fields(self) -> frozenset[str]:
        """The fields that hold a source's words as written (`"verbatim": true`): no tool rewrites them."""
        return frozenset(
            f["name"]
            for f in self.fields
            if isinstance(f.get("name"), str) and f.get("verbatim") is True
        )

    def filled_by_tool(self) -> frozenset[str]:
        """The fields a command computes from the others (`filledBy`): an empty one is a step not yet run."""
        return frozenset(
            f["name"] for f in self.fields if isinstance(f.get("name"), str) and f.get("filledBy")
        )


@dataclass(frozen=True)
class Model:
    """Every table of the package, and the references between them."""

    tables: dict[str, TableModel] = field(default_factory=dict)
    polymorphic: tuple[PolymorphicReference, ...] = ()

    def key(self, table: str) -> str | None:
        """The single-column primary key of `table`, or None (no table, no key, or a composite key)."""
        found = self.tables.get(table)
        return found.primary_key[0] if found and len(found.primary_key) == 1 else None

    def keys(self) -> dict[str, str]:
        """{table: its single-column primary key}, for every table that has one."""
        return {name: key for name in self.tables if (key := self.key(name))}

    def referencing(self, target: str) -> dict[str, list[str]]:
        """{table: [columns]} of every declared single-column foreign key that points at `target`."""
        found: dict[str, list[str]] = {}
        for table in self.tables.values():
            for fk in table.foreign_keys:
                if fk.target == target and len(fk.fields) == 1:
                    found.setdefault(table.name, []).append(fk.fields[0])
        return found

    def foreign_keys(self) -> list[ForeignKey]:
        """Every declared foreign key, table by table."""
        return [fk for table in self.tables.values() for fk in table.foreign_keys]

    def span_targets(self) -> tuple[str, ...]:
        """The tables a span may anchor: the enum of the spans table's `target_table` (its polymorphic reference)."""
        return next(
            (
                p.targets
                for p in self.polymorphic
                if p.table == "spans" and p.id_field == "target_id"
            ),
            (),
        )

    def filled_by_tool(self) -> dict[str, frozenset[str]]:
        """{table: the fields a command computes}, for every table that has any."""
        return {
            name: filled
            for name, table in self.tables.items()
            if (filled := table.filled_by_tool())
        }


def from_package(package: Loaded) -> Model:
    """Read (once per package) the model that the package's Table Schemas declare."""
    if package.views.model is not None:
        return package.views.model
    tables = {}
    for resource in package.resources:
        if isinstance(resource.schema, dict) and resource.is_table:
            tables[resource.name] = _table(resource.name, resource.path, resource.schema)
    model = Model(tables, tuple(_polymorphic(tables)))
    package.views.model = model
    return model


def _names(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return ()


def _table(name: str, path: str, schema: dict) -> TableModel:
    fields = (
        tuple(f for f in schema.get("fields", []) if isinstance(f, dict))
        if isinstance(schema.get("fields"), list)
        else ()
    )
    foreign_keys = []
    for fk in schema.get("foreignKeys", []) if isinstance(schema.get("foreignKeys"), list) else []:
        reference = fk.get("reference") if isinstance(fk, dict) else None
        if not isinstance(reference, dict):
            continue
        target = reference.get("resource") or name  # "" or absent: a reference to the table itself
        mine, theirs = _names(fk.get("fields")), _names(reference.get("fields"))
        if mine and len(mine) == len(theirs) and isinstance(target, str):
            foreign_keys.append(ForeignKey(name, mine, target, theirs))
    unique_keys = (
        tuple(k for k in (_names(u) for u in schema.get("uniqueKeys", []) or []) if k)
        if isinstance(schema.get("uniqueKeys"), list)
        else ()
    )
    missing = schema.get("missingValues", [""])
    missing_values = (
        tuple(missing)
        if isinstance(missing, list) and all(isinstance(v, str) for v in missing)
        else ("",)
    )
    roles = schema.get("spanRoles")
    allowed, required = (
        (_names(roles.get("allowed")), _names(roles.get("required")))
        if isinstance(roles, dict)
        else ((), ())
    )
    return TableModel(
        name,
        path,
        fields,
        _names(schema.get("primaryKey")),
        unique_keys,
        tuple(foreign_keys),
        missing_values,
        frozenset(allowed),
        required,
        isinstance(roles, dict),
    )


def _polymorphic(tables: dict[str, TableModel]) -> list[PolymorphicReference]:
    found = []
    for table in tables.values():
        for candidate in table.fields:
            name = candidate.get("name")
            if not isinstance(name, str) or not name.endswith("_table"):
                continue
            id_field = name.removesuffix("_table") + "_id"
            enum = table.enum(name)
            if table.field(id_field) and enum and all(isinstance(v, str) for v in enum):
                found.append(PolymorphicReference(table.name, name, id_field, tuple(enum)))
    return found
