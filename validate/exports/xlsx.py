"""The workbook: an about sheet, the codebook, then one sheet per table.

Every sheet has a frozen header, filters and column widths fitted to its content. Text
stays text (a cell such as "Jan 20", "40,000", "2023" or "=1+1" is stored as a string, never
converted or evaluated), integers and numbers are numbers, dates are dates, empty cells are
empty. Sheet names fit Excel's 31-character limit.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import codebook
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
# The document properties' date when the caller gives none: the earliest a zip entry can hold, as
# XlsxWriter dates the parts; never the clock, so that equal input gives equal bytes.
FIXED_MOMENT = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)
# Excel refuses these characters in a sheet name, and the name "History" (it keeps it for itself).
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


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
    """`name` cut to Excel's limit and made unique among `taken` (case-insensitively, as Excel compares).

    The characters Excel refuses in a sheet name become `_`, and so do an apostrophe at either end."""
    name = _NOT_IN_SHEET_NAME.sub("_", name)
    name = "_" + name[1:] if name.startswith("'") else name
    candidate, number = name[:MAX_SHEET_NAME], 1
    candidate = candidate[:-1] + "_" if candidate.endswith("'") else candidate
    while candidate.lower() in {t.lower() for t in taken} | {"history"}:
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
    moment: datetime.datetime = FIXED_MOMENT,
) -> None:
    """Write the workbook to `path`, its about sheet holding `about_rows` (`about_lines` makes them), a sheet per
    table and then per table in `made` (the article's sentences: not in the codebook, which is the schemas').

    XlsxWriter writes it in `constant_memory` mode: each row goes to a temporary file as soon as
    the next one starts, so memory does not grow with the tables, and each table is read once.
    `moment` dates the document properties (created and modified), so equal input gives equal bytes.
    """
    import xlsxwriter  # here: only `exports` needs it

    # Never a formula, a number or a link made from a text: each cell is written by its type below.
    options = {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    with xlsxwriter.Workbook(str(path), options) as book:
        book.set_properties({"created": moment})
        styles = _Styles(
            book.add_format({"bold": True}), book.add_format({"num_format": DATE_FORMAT})
        )
        taken: set[str] = set()
        about = [[k, v] for k, v in about_rows]
        _sheet(book, styles, sheet_name(ABOUT, taken), ["item", "value"], about, len(about))
        rows = [[row[h] for h in codebook.HEADER] for row in codebook.rows(tables)]
        _sheet(book, styles, sheet_name(CODEBOOK, taken), codebook.HEADER, rows, len(rows))
        for table in tables + (made or []):
            names = [c.name for c in table.columns]
            values = ([row[n] for n in names] for row in table.rows)
            _sheet(book, styles, sheet_name(table.name, taken), names, values, table.count())


@dataclass(frozen=True)
class _Styles:
    header: object
    date: object


def _sheet(
    book, styles: _Styles, title: str, header: list[str], rows: Iterable[list], count: int
) -> None:
    """One sheet: the bold header, frozen, with filters over `count` data rows, then the rows in order."""
    sheet = book.add_worksheet(title)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, count, max(len(header) - 1, 0))
    widths = [len(h) for h in header]
    for column, name in enumerate(header):
        _write(sheet, 0, column, name, styles, styles.header)
    for number, values in enumerate(rows, 1):
        sample = number <= WIDTH_SAMPLE  # widths from the first rows only: a cosmetic setting
        for column, value in enumerate(values):
            if value is None:
                continue
            _write(sheet, number, column, value, styles)
            if sample:
                widths[column] = max(widths[column], _width(value))
    for column, width in enumerate(widths):
        sheet.set_column(column, column, min(width, MAX_WIDTH) + 2)


def _write(sheet, row: int, column: int, value, styles: _Styles, style=None) -> None:
    if isinstance(value, str):
        text = _cell_text(value)
        if text.startswith("<r>") and text.endswith("</r>"):
            # XlsxWriter passes such a text through unescaped, as rich-text markup; in three plain
            # fragments it is escaped like any other and reads back as the same text
            sheet.write_rich_string(row, column, text[:1], text[1:2], text[2:], style)
        else:
            sheet.write_string(row, column, text, style)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, style)
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, column, value, styles.date)
    else:
        sheet.write_number(row, column, value, style)


def _width(value) -> int:
    if isinstance(value, str):
        return min(len(value), MAX_WIDTH)
    if isinstance(value, datetime.date):
        return 10
    return len(str(value))


# What XML 1.0 cannot hold: C0 controls other than tab, LF and CR, and the noncharacters U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _cell_text(text: str) -> str:
    """XML cannot hold an ESC in a notes cell, say: show it as `\\x1b` (U+FFFE as `\\ufffe`), as the validator does."""
    return _NOT_XML.sub(_shown, text)


def _shown(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
