"""table-constraints: the Table Schema rules that frictionless 5.21 accepts but does not enforce.

- `categories`: every non-empty value is one of the field's categories;
- `uniqueKeys`: no two rows share the same values in a unique key (rows with an empty
  value in the key are exempt, as the specification says);
- foreign keys compare typed values, so a key and the field it references must have the
  same type, or every lookup fails with a misleading "not found".

PASS: spans.csv role = "content" (a category of `role`)
FAIL: role = "contnet"  ->  not one of the categories
"""

from __future__ import annotations

from collections.abc import Iterator

from ..csvio import outside
from ..errors import Code, Error, Place
from ..package import Package
from ._jsonschema import usable_schema

ID = "table-constraints"
SUMMARY = "Values are among their field's categories, uniqueKeys hold, and foreign keys join fields of the same type."

# none by name: it reads whatever tables the package has (validate/applies.py)
TABLES: tuple[str, ...] = ()

CODES = {
    "category": Code(
        "A value is not one of its field's `categories` (frictionless does not enforce categories).",
        "Use one of the categories the message lists.",
    ),
    "unique-key": Code(
        "Two rows share the same values in a `uniqueKeys` combination.",
        "Each combination of these fields may appear only once: remove the duplicate row.",
    ),
    "foreign-key-type": Code(
        "A foreign key joins fields of different types, so no value can ever match and every reference would be "
        "reported missing.",
        "Give both fields the same type.",
    ),
}


def check(package: Package) -> Iterator[Error]:
    """Yield category, unique-key and foreign-key-type errors."""
    for resource in package.resources:
        table, schema = resource.table, usable_schema(package, resource)
        if table is None or schema is None:
            continue
        fields = [f for f in schema.get("fields", []) if isinstance(f, dict)]
        for field in fields:
            categories = field.get("categories")
            if not isinstance(categories, list) or field.get("name") not in table.header:
                continue
            if categories == field.get("constraints", {}).get("enum"):
                continue  # frictionless enforces the identical enum: one error is enough
            allowed = {c["value"] if isinstance(c, dict) else c for c in categories}
            name, texts = (
                field["name"],
                [value for value in allowed if isinstance(value, str)],
            )  # a cell is text: it never equals a number
            for record in table.rows([name], outside(name), [texts]):
                value = record.cells.get(name, "")
                if value and value not in allowed:
                    yield Error.at(
                        Place(resource.path, record.line, record.row),
                        name,
                        "category",
                        f"{name} = {value!r} is not one of its categories.",
                        hint=f"Use one of: {', '.join(sorted(map(str, allowed)))}.",
                    )
        for key in schema.get("uniqueKeys", []):
            if not isinstance(key, list) or not all(name in table.header for name in key):
                continue
            seen: dict[tuple, int] = {}  # values -> the index of the first record that has them
            for index, values in table.repeats(key):
                if "" in values:
                    continue
                if values in seen:
                    row, line = table.place(index)
                    yield Error.at(
                        Place(resource.path, line, row),
                        key[0],
                        "unique-key",
                        f"The combination {', '.join(key)} = {values} repeats the row on line {table.place(seen[values])[1]}.",
                        hint="Each combination of these fields may appear only once: remove the duplicate row.",
                    )
                else:
                    seen[values] = index
        yield from _foreign_key_types(package, resource, fields)


def _foreign_key_types(package: Package, resource, fields: list[dict]) -> Iterator[Error]:
    types = {f.get("name"): f.get("type", "any") for f in fields}
    schema = usable_schema(package, resource)
    if schema is None:
        return
    for fk in schema.get("foreignKeys", []):
        if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
            continue
        target = package.resource(fk["reference"].get("resource") or resource.name)
        target_schema = usable_schema(package, target) if target else None
        if target is None or target_schema is None:
            continue
        target_types = {f.get("name"): f.get("type", "any") for f in target_schema["fields"]}
        # Lists of unequal length are a stranger's error to report elsewhere, not a reason to crash here.
        for mine, theirs in zip(
            fk.get("fields", []), fk["reference"].get("fields", []), strict=False
        ):
            if mine in types and theirs in target_types and types[mine] != target_types[theirs]:
                yield Error.at(
                    Place(resource.schema_path or package.descriptor_file),
                    mine,
                    "foreign-key-type",
                    f"Foreign key {mine} ({types[mine]}) refers to {target.name}.{theirs} ({target_types[theirs]}): "
                    "frictionless compares typed values, so no value can ever match.",
                    hint="Give both fields the same type.",
                )
