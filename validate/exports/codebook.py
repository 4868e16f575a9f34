"""The codebook: one row per table and column, generated from the Table Schemas.

Columns: table, column, type, required, constraints, allowed_values (each with its meaning,
taken from the column's description where it explains the value), description, example.
"""

from __future__ import annotations

import re

from ..csvio import render_csv
from .tables import Column, Table

HEADER = [
    "table",
    "column",
    "type",
    "required",
    "constraints",
    "allowed_values",
    "description",
    "example",
]


def rows(tables: list[Table]) -> list[dict[str, str]]:
    """The codebook's rows, in descriptor and schema order."""
    return [
        {
            "table": t.name,
            "column": c.name,
            "type": c.type,
            "required": "yes" if c.required else "no",
            "constraints": constraints_text(c),
            "allowed_values": allowed_text(c),
            "description": c.description,
            "example": c.example,
        }
        for t in tables
        for c in t.columns
    ]


def render(tables: list[Table]) -> str:
    """The codebook as CSV text (the package's CSV form), each cell a spreadsheet would run as a formula neutralised."""
    return render_csv(HEADER, [{k: neutralise(v) for k, v in row.items()} for row in rows(tables)])


# A spreadsheet that opens a CSV runs a cell starting with one of these as a formula (OWASP, "CSV Injection"):
# `=HYPERLINK(...)`, `@SUM(...)`, `+1+1`, `-2+3`, and a tab or carriage return before one of them.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def neutralise(cell: str) -> str:
    """`cell` with a leading apostrophe when a spreadsheet would run it as a formula; a plain number such as "-5" stays."""
    if cell.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def constraints_text(column: Column) -> str:
    """The constraints other than `required` and `enum`, as `name: value` joined by '; '."""
    return "; ".join(
        f"{k}: {v}" for k, v in column.constraints.items() if k not in ("required", "enum")
    )


def allowed_text(column: Column) -> str:
    """Each allowed value with its meaning when the description gives one: `value (meaning)` joined by '; '."""
    parts = []
    for value in column.allowed:
        meaning = _meaning(column.description, value)
        parts.append(f"{value} ({meaning})" if meaning else value)
    return "; ".join(parts)


def _meaning(description: str, value: str) -> str:
    # Descriptions write "`value` (meaning)" or "`value`: meaning" or "`value` meaning," by convention.
    match = re.search(
        rf"`{re.escape(value)}`\s*(?:\(([^()]*)\)|:\s*([^;`]*?)(?=[;.]\s|,\s*`|$)|([a-z][^`;,()]*?)(?=[,;.)]|$))",
        description,
    )
    if not match:
        return ""
    return next(g for g in match.groups() if g is not None).strip().rstrip(",")
