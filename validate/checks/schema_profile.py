"""schema-profile: every Table Schema against the project's Table Schema profile.

frictionless 5.21 rejects some typos (an unknown constraint or type) but silently ignores
others: a misspelt `"primaryKeys"` or `"descripton"` would switch a rule off unseen. The profile (validate/profiles/tableschema.profile.json) lists the
Table Schema v2 features this project uses and rejects anything else. Keys and
foreign keys must also name real fields and resources, and `categories`, when
given beside an `enum` constraint, must equal it.

PASS: {"name": "claim_id", "type": "string", "constraints": {"required": true}, ...}
FAIL: {"name": "claim_id", "type": "text", "constraints": {"requird": true}, ...}
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from ..errors import Code, Error, Place
from ..jsonpos import line_for, value_lines
from ..model import from_package
from ..package import Package
from ._jsonschema import iter_profile_errors, profile_codes, usable_schema

ID = "schema-profile"
SUMMARY = (
    "Each Table Schema uses only known keys and types, and its keys name real fields and resources."
)

# none by name: it reads whatever tables the package has (validate/applies.py)
TABLES: tuple[str, ...] = ()

CODES = {
    **profile_codes("tableschema.profile.json"),
    "categories-enum-mismatch": Code(
        "A field gives both `categories` and an `enum` constraint, and the two lists differ.",
        "Keep the two lists identical: frictionless enforces `enum` only.",
    ),
    "unknown-key-field": Code(
        "A primary key, unique key or foreign key names a field that its schema (or the referenced resource's schema) does "
        "not have.",
        "Use the name of a field of that schema (the message lists them where it can).",
    ),
    "unknown-resource": Code(
        "A foreign key refers to a resource that the package does not have.",
        "Use the name of a resource of the package (the message lists them).",
    ),
    "span-roles-missing": Code(
        "A table that spans can target (spans.target_table) does not declare `spanRoles` in its schema.",
        'Add "spanRoles": {"allowed": [...], "required": [...]}: the span roles that may and must anchor its records.',
    ),
    "unknown-span-role": Code(
        "`spanRoles` or a field's `verbatimSpanRole` names a span role that the spans schema's `role` enum (or the table's "
        "own `spanRoles.allowed`) does not have.",
        "Use one of the roles the message lists.",
    ),
}


def check(package: Package) -> Iterator[Error]:
    """Yield profile and key errors for every Table Schema file the descriptor names."""
    names = {r.name: r for r in package.resources}
    for resource in package.resources:
        if resource.schema is None or not resource.schema_path:
            continue
        schema, file = resource.schema, resource.schema_path
        line_of = partial(line_for, value_lines(package.schema_texts.get(file, "")))
        yield from iter_profile_errors(schema, "tableschema.profile.json", file, line_of)
        if usable_schema(package, resource) is None:
            continue  # the profile errors above come first; keys are checked once the schema is well formed
        fields = [f.get("name") for f in schema.get("fields", []) if isinstance(f, dict)]
        for index, field in enumerate(schema.get("fields", [])):
            enum = (
                field.get("constraints", {}).get("enum")
                if isinstance(field, dict) and isinstance(field.get("constraints"), dict)
                else None
            )
            if (
                isinstance(field, dict)
                and "categories" in field
                and enum is not None
                and field["categories"] != enum
            ):
                path = f"$.fields[{index}].categories"
                yield Error.at(
                    Place(file, line_of(path)),
                    path,
                    "categories-enum-mismatch",
                    f"{path}: `categories` of {field.get('name')!r} differs from its `enum` constraint.",
                    hint="Keep the two lists identical: frictionless enforces `enum` only.",
                )
        keys = [("$.primaryKey", schema.get("primaryKey"))] + [
            (f"$.uniqueKeys[{i}]", key) for i, key in enumerate(_as_list(schema.get("uniqueKeys")))
        ]
        for path, key in keys:
            for name in _as_list(key):
                if name not in fields:
                    yield Error.at(
                        Place(file, line_of(path)),
                        path,
                        "unknown-key-field",
                        f"{path} names a field {name!r} that the schema does not have.",
                        hint=f"Use one of: {', '.join(map(str, fields))}.",
                    )
        for index, fk in enumerate(schema.get("foreignKeys", [])):
            if not isinstance(fk, dict):
                continue
            path = f"$.foreignKeys[{index}]"
            for name in _as_list(fk.get("fields")):
                if name not in fields:
                    yield Error.at(
                        Place(file, line_of(path)),
                        path,
                        "unknown-key-field",
                        f"{path}: the foreign key uses a field {name!r} that the schema does not have.",
                    )
            reference = given if isinstance(given := fk.get("reference"), dict) else {}
            target_name = reference.get("resource", resource.name) or resource.name
            target = names.get(target_name)
            if target is None:
                yield Error.at(
                    Place(file, line_of(path)),
                    path,
                    "unknown-resource",
                    f"{path}: the foreign key refers to a resource {target_name!r} that the package does not have.",
                    hint=f"Use one of: {', '.join(names)}.",
                )
            elif (target_schema := usable_schema(package, target)) is not None:
                target_fields = [
                    f.get("name") for f in target_schema.get("fields", []) if isinstance(f, dict)
                ]
                for name in _as_list(reference.get("fields")):
                    if name not in target_fields:
                        yield Error.at(
                            Place(file, line_of(path)),
                            path,
                            "unknown-key-field",
                            f"{path}: resource {target_name!r} has no field {name!r}.",
                        )
    yield from _span_role_errors(package)


def _span_role_errors(package: Package) -> Iterator[Error]:
    """Every table a span may target declares `spanRoles`, and names only roles the spans schema has."""
    model = from_package(package)
    spans = model.tables.get("spans")
    known = set(spans.enum("role") or ()) if spans else set()
    for table in [model.tables[name] for name in model.span_targets() if name in model.tables]:
        resource = package.resource(table.name)
        if resource is None or not resource.schema_path:
            continue
        file = resource.schema_path
        line_of = partial(line_for, value_lines(package.schema_texts.get(file, "")))
        if not table.declares_span_roles:
            yield Error.at(
                Place(file, line_of("$")),
                "$.spanRoles",
                "span-roles-missing",
                f"{table.name} is a target of spans (spans.target_table) but its schema has no `spanRoles`.",
                hint='Add "spanRoles": {"allowed": [...], "required": [...]}: the span roles that may and must anchor its records.',
            )
            continue
        roles = [("$.spanRoles.allowed", role) for role in sorted(table.span_roles)]
        roles += [
            ("$.spanRoles.required", role)
            for role in table.required_span_roles
            if role not in table.span_roles
        ]
        roles += [
            (f"$.fields[{index}].verbatimSpanRole", field["verbatimSpanRole"])
            for index, field in enumerate(table.fields)
            if field.get("verbatimSpanRole") is not None
            and field["verbatimSpanRole"] not in table.span_roles
        ]
        for path, role in roles:
            if path.endswith(".allowed") and (role in known or not known):
                continue  # an allowed role the spans schema has (or a spans schema without a role enum: nothing to compare)
            yield Error.at(
                Place(file, line_of(path)),
                path,
                "unknown-span-role",
                f"{path} names the role {str(role)[:80]!r}, which "
                + (
                    "is not in the spans schema's `role` enum."
                    if role not in known
                    else "is not in this table's `spanRoles.allowed`."
                ),
                hint=f"Use one of: {', '.join(sorted(known if path.endswith('.allowed') else table.span_roles))}.",
            )


def _as_list(value: object) -> list:
    return [value] if isinstance(value, str) else list(value) if isinstance(value, list) else []
