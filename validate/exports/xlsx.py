"""The workbook: an about sheet, the codebook, then one sheet per table.

Every sheet has a frozen header, filters and column widths fitted to its content. Text
stays text (a cell such as "Jan 20", "40,000", "2023" or "=1+1" is stored as a string, never
converted or evaluated), integers and numbers are numbers, dates are dates, empty cells are
empty. Sheet names fit Excel's 31-character limit.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from . import codebook
from .tables import Table

MAX_SHEET_NAME = 31
MAX_WIDTH = 60
DATE_FORMAT = "yyyy-mm-dd"


def sheet_name(name: str, taken: set[str]) -> str:
    """`name` cut to Excel's limit and made unique among `taken` (case-insensitively, as Excel compares)."""
    candidate, number = name[:MAX_SHEET_NAME], 1
    while candidate.lower() in {t.lower() for t in taken}:
        number += 1
        suffix = f"~{number}"
        candidate = name[: MAX_SHEET_NAME - len(suffix)] + suffix
    taken.add(candidate)
    return candidate


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
            "the article text is the publisher's copyright and is excluded (it is not in this workbook).",
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


def build(path: Path, tables: list[Table], about_rows: list[tuple[str, str]]) -> None:
    """Write the workbook to `path`, its about sheet holding `about_rows` (`about_lines` makes them)."""
    book = Workbook()
    taken: set[str] = set()
    about = book.active
    about.title = sheet_name("About", taken)
    _write(about, ["item", "value"], [[k, v] for k, v in about_rows])
    dictionary = book.create_sheet(sheet_name("Codebook", taken))
    _write(
        dictionary,
        codebook.HEADER,
        [[row[h] for h in codebook.HEADER] for row in codebook.rows(tables)],
    )
    for table in tables:
        sheet = book.create_sheet(sheet_name(table.name, taken))
        _write(
            sheet,
            [c.name for c in table.columns],
            [[row[c.name] for c in table.columns] for row in table.rows],
        )
    book.save(path)


def _cell_text(text: str) -> str:
    """XML 1.0 cannot hold most C0 controls (an ESC in a notes cell): show them as `\\x1b`, as the validator does."""
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _write(sheet, header: list[str], rows: list[list]) -> None:
    header = [_cell_text(h) for h in header]
    widths = [len(h) for h in header]
    sheet.append(header)
    for values in rows:
        sheet.append(
            [None] * len(values)
        )  # placeholder row, then typed cells: append() would read "=..." as a formula
        row_number = sheet.max_row
        for index, value in enumerate(values):
            cell = sheet.cell(row=row_number, column=index + 1)
            if value is None:
                continue
            if isinstance(value, str):
                value = _cell_text(value)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # a string starting with =, +, - or @ stays a string
                widths[index] = max(widths[index], min(len(value), MAX_WIDTH))
            elif isinstance(value, datetime.date):
                cell.number_format = DATE_FORMAT
                widths[index] = max(widths[index], 10)
            else:
                widths[index] = max(widths[index], len(str(value)))
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(width, MAX_WIDTH) + 2
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(sheet.max_row, 1)}"
