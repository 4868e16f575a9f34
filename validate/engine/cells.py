"""How frictionless 5.21 reads one cell of each type: the reference for the rare cells the
SQL fast path does not accept (a space around a number, `1_000`, `NaN`, non-ASCII digits).

Only cells that fail the fast path come here, so these Python readers decide exactly as
frictionless does while the common case stays in SQL.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any


def _integer(cell: str) -> int | None:
    try:
        return int(cell.strip())
    except ValueError:
        return None


def _number(cell: str) -> Decimal | None:
    try:
        return Decimal(cell.strip())
    except ArithmeticError:
        return None


def _date(cell: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(cell, "%Y-%m-%d").date()
    except ValueError:
        return None


def _year(cell: str) -> int | None:
    if len(cell) != 4:
        return None
    try:
        value = int(cell)
    except ValueError:
        return None
    return value if 0 <= value <= 9999 else None


def _uri(cell: str) -> str | None:
    from rfc3986 import exceptions, uri_reference, validators

    checker = validators.Validator().require_presence_of("scheme")
    try:
        checker.validate(uri_reference(cell))
    except exceptions.ValidationError:
        return None
    return cell


READERS: dict[tuple[str, str], Callable[[str], Any]] = {
    ("integer", "default"): _integer,
    ("number", "default"): _number,
    ("date", "default"): _date,
    ("year", "default"): _year,
    ("string", "uri"): _uri,
    ("string", "default"): lambda cell: cell,
}


def reader(field: dict) -> Callable[[str], Any] | None:
    """The reader of a field's type and format, or None when the engine does not support it."""
    return READERS.get((field.get("type", "string"), field.get("format", "default")))


@cache
def full_pattern(pattern: str):
    """The compiled RE2 pattern that a whole cell must match (linear time, no backtracking)."""
    import re2

    return re2.compile(f"^(?:{pattern})$")


_BOUNDS: dict[str, Callable[[Any, Any], bool]] = {
    "minimum": lambda value, bound: value >= bound,
    "maximum": lambda value, bound: value <= bound,
    "exclusiveMinimum": lambda value, bound: value > bound,
    "exclusiveMaximum": lambda value, bound: value < bound,
}


def constraint_failures(field: dict, value: Any, raw: str) -> list[str]:
    """The names of the field's constraints that the typed `value` (read from `raw`) breaks."""
    constraints = field.get("constraints") or {}
    read = reader(field) or (lambda cell: cell)
    is_string = field.get("type", "string") == "string"
    failed = []
    for name, limit in constraints.items():
        if name in _BOUNDS and not is_string:
            bound = limit if isinstance(limit, int | float) else read(str(limit))
            broken = value != value or (
                bound is not None and not _BOUNDS[name](value, bound)
            )  # NaN compares with nothing: it fails
        elif name == "pattern" and is_string:
            broken = not full_pattern(limit).search(raw)
        elif name == "enum" and isinstance(limit, list):
            broken = value not in [read(v if isinstance(v, str) else str(v)) for v in limit]
        elif name in ("minLength", "maxLength") and is_string:
            broken = len(value) < limit if name == "minLength" else len(value) > limit
        else:
            broken = False
        if broken:
            failed.append(name)
    return failed
