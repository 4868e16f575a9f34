"""The canonical form of a CSV file, and how to bring a file back to it.

The canonical form is the one the `canonical-form` check asks for: UTF-8 without a byte
order mark, LF line endings and a final newline, minimal quoting, the schema's columns in
the schema's order, text in Unicode NFC. Spreadsheets and dataframe libraries change only
the *form* of a file when they save it (BOM, CRLF, every cell quoted, `NaN` for an empty
cell, an unnamed index column, `1.0` for 1), so the form can be undone exactly.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from .csvio import MAX_CELL, render_csv

BOM = "\ufeff"
# What dataframe libraries and databases write for an empty cell (pandas: NaN/nan, Python: None, SQL: NULL).
EMPTY_SPELLINGS = frozenset({"NaN", "nan", "NAN", "None", "NULL", "null", "<NA>", "NaT"})
# pandas names a saved index column "" and, read back and saved again, "Unnamed: 0".
UNNAMED_COLUMN = re.compile(r"(Unnamed: \d+)?")
# pandas writes an integer column that holds an empty cell as floats: 2025 -> 2025.0
INTEGRAL_FLOAT = re.compile(r"(-?[0-9]+)\.0+")
WHOLE_NUMBER_TYPES = frozenset({"integer", "year"})


class NotCSV(ValueError):
    """The bytes are not a CSV file that can be normalised (not UTF-8, or malformed)."""


@dataclass
class Normalized:
    """The canonical bytes of a file, and every change made to reach them, in words."""

    data: bytes
    changes: list[str] = field(default_factory=list)


def normalize_csv(data: bytes, fields: list[dict]) -> Normalized:
    """Return `data` in canonical form for a table with these schema `fields`.

    Raises NotCSV when the bytes cannot be read as UTF-8 CSV.
    """
    changes: list[str] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotCSV(
            f"not UTF-8 (bad byte at position {error.start}); save it as UTF-8 first"
        ) from None
    if text.startswith(BOM):
        text = text[1:]
        changes.append("removed the byte order mark (BOM)")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        changes.append("converted CR LF / CR line endings to LF")
    form_changes = len(changes)
    rows = _read_rows(text)
    if not rows:
        return Normalized(data, changes)
    header, body = rows[0], rows[1:]
    stripped = [name.strip() for name in header]
    if stripped != header:
        changes.append(
            "removed white space around header names: "
            + ", ".join(repr(n) for n, s in zip(header, stripped, strict=True) if n != s)
        )
    header = stripped
    schema_names = [
        f.get("name") for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)
    ]
    dropped = [
        i
        for i, name in enumerate(header)
        if name not in schema_names and UNNAMED_COLUMN.fullmatch(name)
    ]
    if dropped:
        changes.append(
            "removed the unnamed index column(s) "
            + ", ".join(repr(header[i]) for i in dropped)
            + " that a dataframe added"
        )
    keep = [i for i in range(len(header)) if i not in dropped]
    order = sorted(
        keep,
        key=lambda i: (
            schema_names.index(header[i]) if header[i] in schema_names else len(schema_names),
            i,
        ),
    )
    if [header[i] for i in order] != [header[i] for i in keep]:
        changes.append("put the columns in the schema's order")
    blank = sum(1 for row in body if not row)
    if blank:
        changes.append(f"removed {blank} blank row(s)")
    whole_numbers = {
        f["name"] for f in fields if isinstance(f, dict) and f.get("type") in WHOLE_NUMBER_TYPES
    }
    counts = {"empty": 0, "float": 0, "nfc": 0}
    records = []
    for row in body:
        if not row:
            continue
        padded = row + [""] * (len(header) - len(row))
        records.append(
            {header[i]: _cell(header[i], padded[i], whole_numbers, counts) for i in order}
        )
    if counts["empty"]:
        changes.append(
            f"emptied {counts['empty']} cell(s) that spelled an empty value (NaN, None, NULL, ...)"
        )
    if counts["float"]:
        changes.append(
            f"wrote {counts['float']} whole number(s) without the '.0' a dataframe added"
        )
    if counts["nfc"]:
        changes.append(f"normalised {counts['nfc']} cell(s) to Unicode NFC")
    canonical = render_csv([header[i] for i in order], records).encode("utf-8")
    if canonical.decode("utf-8") != text and len(changes) == form_changes:
        changes.append(
            "rewrote the quoting in the canonical form (quotes only where a cell needs them, final newline)"
        )
    return Normalized(canonical, changes)


def is_canonical(data: bytes, fields: list[dict]) -> bool:
    """True when `data` is already in canonical form (normalising it changes nothing)."""
    try:
        return normalize_csv(data, fields).data == data
    except NotCSV:
        return False


def _read_rows(text: str) -> list[list[str]]:
    previous_limit = csv.field_size_limit(MAX_CELL)  # global in the csv module: restored below
    try:
        return list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise NotCSV(f"cannot be read as CSV: {error}") from None
    finally:
        csv.field_size_limit(previous_limit)


def _cell(name: str, value: str, whole_numbers: set[str], counts: dict[str, int]) -> str:
    if value in EMPTY_SPELLINGS:
        counts["empty"] += 1
        return ""
    if name in whole_numbers and (match := INTEGRAL_FLOAT.fullmatch(value)):
        counts["float"] += 1
        return match.group(1)
    if not unicodedata.is_normalized("NFC", value):
        counts["nfc"] += 1
        return unicodedata.normalize("NFC", value)
    return value
