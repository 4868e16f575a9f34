"""The workbook: an about sheet, the codebook, then one sheet per table.

Every sheet has a frozen header, filters and column widths fitted to its content. Text
stays text (a cell such as "Jan 20", "40,000", "2023" or "=1+1" is stored as a string, never
converted or evaluated), integers and numbers are numbers, dates are dates, empty cells are
empty. Sheet names fit Excel's 31-character limit.
"""

from __future__ import annotations

import datetime
import itertools
import math
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from . import codebook, ooxml
from .fit import Limits
from .tables import Table

MAX_SHEET_NAME = 31
ABOUT, CODEBOOK = "About", "Codebook"  # the sheets before the tables' (their names are reserved)
MAX_WIDTH = 60
WIDTH_SAMPLE = 10_000  # rows a column's width is fitted to
DATE_FORMAT = "yyyy-mm-dd"
# Excel's specification limits: what a cell or sheet holds without the value being cut, rounded or lost
MAX_CELL_CHARS = 32_767  # characters (UTF-16 code units) in a cell
MAX_ROWS = 1_048_576 - 1  # rows in a sheet, less the header
MAX_DIGITS = 15  # significant digits Excel keeps of a number
FIRST_DATE = datetime.date(1900, 1, 1)  # Excel's first day (1900 date system)


def _text_refused(value) -> str | None:
    text = _cell_text(value)
    if len(text) <= MAX_CELL_CHARS // 2:
        return None
    units = len(text.encode("utf-16-le")) // 2
    if units <= MAX_CELL_CHARS:
        return None
    return f"the text is {units:,} characters long; a spreadsheet cell holds at most {MAX_CELL_CHARS:,}"


def _integer_refused(value) -> str | None:
    if abs(value) < 10**MAX_DIGITS:
        return None
    return (
        f"the integer {str(value)[:30]} has {len(str(abs(value))):,} digits; a spreadsheet keeps "
        f"{MAX_DIGITS} significant digits of a number and would change it"
    )


def _number_refused(value) -> str | None:
    if math.isfinite(value):
        return None
    shown = "NaN" if value != value else "infinity" if value > 0 else "minus infinity"
    return f"{shown} cannot be a spreadsheet number (the cell would be empty)"


def _date_refused(value) -> str | None:
    if value >= FIRST_DATE:
        return None
    return f"the date {value.isoformat()} is before {FIRST_DATE.isoformat()}, the first date a spreadsheet holds"


# What a workbook cannot hold, by Table Schema type (validate/exports/fit.py reads it before anything is written).
LIMITS = Limits(
    {
        "string": _text_refused,
        "integer": _integer_refused,
        "year": _integer_refused,
        "number": _number_refused,
        "date": _date_refused,
    },
    MAX_ROWS,
)


def sheet_name(name: str, taken: set[str]) -> str:
    """`name` cut to Excel's limit and made unique among `taken` (case-insensitively, as Excel compares)."""
    candidate, number = name[:MAX_SHEET_NAME], 1
    while candidate.lower() in {t.lower() for t in taken}:
        number += 1
        suffix = f"~{number}"
        candidate = name[: MAX_SHEET_NAME - len(suffix)] + suffix
    taken.add(candidate)
    return candidate


def generated_names(tables: list[Table]) -> dict[str, str]:
    """The sheets the workbook makes for itself (a table called so would get a renamed sheet)."""
    return {
        ABOUT.lower(): "the workbook's about sheet",
        CODEBOOK.lower(): "the workbook's codebook sheet",
    }


def texts(descriptor: dict, tables: list[Table]) -> list[tuple[str, str, str]]:
    """(file, field, text) of every cell of the about and codebook sheets: the descriptor's and schemas' texts."""
    about = [("datapackage.json", item, text) for item, text in about_lines(descriptor, tables)]
    schemas = {t.name: t.schema_path or t.path for t in tables}
    return about + [
        (schemas[row["table"]], row["column"], text)
        for row in codebook.rows(tables)
        for text in row.values()
    ]


def about_lines(descriptor: dict, tables: list[Table]) -> list[tuple[str, str]]:
    """The workbook's about sheet: what it is, its version and licence, how to cite it, how the sheets join."""
    licence = (descriptor.get("licenses") or [{}])[0]
    joins = [
        f"{t.name}.{', '.join(fk.fields)} → {fk.target}.{', '.join(fk.target_fields)}"
        for t in tables
        for fk in t.foreign_keys
    ]
    joins += [
        f"{t.name}.{t.link.id_field} → the table named in {t.name}.{t.link.table_field} ({', '.join(t.link.targets)})"
        for t in tables
        if t.link
    ]
    return [
        ("title", descriptor.get("title", "")),
        ("name", descriptor.get("name", "")),
        ("version", descriptor.get("version", "")),
        ("description", descriptor.get("description", "")),
        (
            "licence",
            f"{licence.get('name', '')} {licence.get('path', '')} for the data tables and schemas; "
            "the article text (the article_sentences sheet) is the publisher's copyright and is excluded.",
        ),
        (
            "how to cite",
            f"{descriptor.get('title', '')}, version {descriptor.get('version', '')} (data package "
            f"{descriptor.get('name', '')}); see CITATION.cff in the package.",
        ),
        (
            "empty cells",
            "An empty cell means the value is absent (not known, not applicable or none); the row's "
            "*_status column, where there is one, says which. It is never an empty text.",
        ),
        (
            "sheets",
            "Codebook: one row per table and column. Then one sheet per table, named after it.",
        ),
    ] + [("join", join) for join in joins]


def build(
    path: Path,
    tables: list[Table],
    about_rows: list[tuple[str, str]],
    made: list[Table] | None = None,
) -> None:
    """Write the workbook to `path`, its about sheet holding `about_rows` (`about_lines` makes them), a sheet per
    table and then per table in `made` (the article's sentences: not in the codebook, which is the schemas').

    The sheets are written row by row (validate/exports/ooxml.py), so memory does not grow with the tables;
    each table is read twice, once for the column widths and once for the cells.
    """
    taken: set[str] = set()
    sheets = [
        _sheet(sheet_name(ABOUT, taken), ["item", "value"], [[k, v] for k, v in about_rows]),
        _sheet(
            sheet_name(CODEBOOK, taken),
            codebook.HEADER,
            [[row[h] for h in codebook.HEADER] for row in codebook.rows(tables)],
        ),
    ]
    for table in tables + (made or []):
        names = [c.name for c in table.columns]
        sheets.append(
            _sheet(sheet_name(table.name, taken), names, _Values(table, names), table.count())
        )
    ooxml.write(path, sheets)


class _Values:
    """A table's rows as lists of cells (text made fit for XML), read again from the table on each pass."""

    def __init__(self, table: Table, names: list[str]):
        self.table, self.names = table, names

    def __iter__(self) -> Iterator[list]:
        names = self.names
        return ([_fit(row[n]) for n in names] for row in self.table.rows)


def _fit(value):
    return _cell_text(value) if isinstance(value, str) else value


def _width(value) -> int:
    if isinstance(value, str):
        return min(len(value), MAX_WIDTH)
    if isinstance(value, datetime.date):
        return 10
    return len(str(value))


def _sheet(
    title: str, header: list[str], rows: Iterable[list], count: int | None = None
) -> ooxml.Sheet:
    header = [_cell_text(h) for h in header]
    if not isinstance(rows, _Values):
        rows = [[_fit(v) for v in values] for values in rows]
        count = len(rows)
    widths = [len(h) for h in header]
    # widths from the first rows only: one pass less over a large table, for a cosmetic setting
    for values in itertools.islice(rows, WIDTH_SAMPLE):
        for index, value in enumerate(values):
            if value is not None:
                widths[index] = max(widths[index], _width(value))
    return ooxml.Sheet(title, header, rows, [min(w, MAX_WIDTH) + 2 for w in widths], count or 0)


# What XML 1.0 cannot hold: C0 controls other than tab, LF and CR, and the noncharacters U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _cell_text(text: str) -> str:
    """XML cannot hold an ESC in a notes cell, say: show it as `\\x1b` (U+FFFE as `\\ufffe`), as the validator does."""
    return _NOT_XML.sub(_shown, text)


def _shown(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
