"""What a cell must look like, in words: the messages of table-frictionless's type and constraint errors.

Both engines note a broken rule as frictionless does (`type is "date/default"`, `constraint "enum" is
"['wire', ...]"`), which the differential tests compare; a contributor reads these sentences instead,
built from the field's schema.

PASS: a date field, '4 Feb 2025'  ->  "'4 Feb 2025' is not a date: write it as YYYY-MM-DD, e.g. 2025-02-04"
"""

from __future__ import annotations

import re

# (type, format) -> (what the value is not, how to write it); "default" stands for any format not listed
_TYPES: dict[tuple[str, str], tuple[str, str]] = {
    ("date", "default"): ("a date", "as YYYY-MM-DD, e.g. 2025-02-04"),
    ("datetime", "default"): (
        "a date and time",
        "as YYYY-MM-DDThh:mm:ss with a time zone, e.g. 2025-02-04T09:30:00Z",
    ),
    ("time", "default"): ("a time", "as hh:mm:ss, e.g. 09:30:00"),
    ("year", "default"): ("a year", "as four digits, e.g. 2025"),
    ("yearmonth", "default"): ("a year and month", "as YYYY-MM, e.g. 2025-02"),
    ("integer", "default"): ("a whole number", "in digits only, e.g. 42 (no decimal point)"),
    ("number", "default"): ("a number", "in digits with a dot for decimals, e.g. 3.5"),
    ("boolean", "default"): ("true or false", "as true or false"),
    ("string", "uri"): ("a URI", "in full with its scheme, e.g. https://example.org/page"),
    ("string", "email"): ("an email address", "as name@example.org"),
    ("string", "uuid"): ("a UUID", "as 8-4-4-4-12 hexadecimal digits"),
}
# the formats of dates and times that frictionless reads with a strptime pattern (`%d/%m/%Y`)
_TEMPORAL = {"date", "datetime", "time"}
_CONSTRAINT = re.compile(r'constraint "(\w+)"')


def type_message(field: dict, cell: str) -> str:
    """`<name> = '<cell>' is not <a type>: write it <so>.`, from the field's type and format."""
    kind, form = field.get("type", "string"), field.get("format", "default") or "default"
    if kind == "boolean":
        trues = field.get("trueValues") or ["true"]
        falses = field.get("falseValues") or ["false"]
        what, how = "true or false", f"as {trues[0]} or {falses[0]}"
    elif (kind, form) in _TYPES:
        what, how = _TYPES[kind, form]
    elif kind in _TEMPORAL and form not in ("default", "any"):
        what, how = _TYPES[kind, "default"][0], f"in the format {form}"
    elif (kind, "default") in _TYPES and kind != "string":
        what, how = _TYPES[kind, "default"]
    else:
        what, how = f"of type {kind}" + ("" if form == "default" else f" ({form})"), ""
    return f"{field.get('name', '')} = {cell!r} is not {what}" + (
        f": write it {how}." if how else "."
    )


def constraint_name(note: str) -> str:
    """The constraint a frictionless-style note names (`constraint "enum" is ...` -> `enum`), or ""."""
    found = _CONSTRAINT.search(note)
    return found.group(1) if found else ""


def constraint_message(field: dict, name: str, cell: str) -> str | None:
    """The sentence for a cell that breaks the field's constraint `name` (not `required`), or None when not known."""
    limit = (field.get("constraints") or {}).get(name)
    said = f"{field.get('name', '')} = {cell!r}"
    if name == "enum" and isinstance(limit, list):
        return f"{said} is not one of: {', '.join(map(str, limit))}."
    if name == "pattern":
        example = field.get("example")
        return f"{said} does not match the pattern {limit}" + (
            f" (e.g. {example})." if isinstance(example, str) and example else "."
        )
    if name == "minLength":
        return f"{said} is shorter than {limit} characters."
    if name == "maxLength":
        return f"{said} is longer than {limit} characters."
    bounds = {
        "minimum": "less than",
        "maximum": "more than",
        "exclusiveMinimum": "not more than",
        "exclusiveMaximum": "not less than",
    }
    if name in bounds:
        return f"{said} is {bounds[name]} {limit}, the column's {name}."
    return None
