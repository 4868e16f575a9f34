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

from . import dialect
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

    The file is read in the dialect it was saved in (validate/dialect.py). It is converted only
    when, read that way, its header holds the schema's field names (each once; an unnamed index
    column aside) and every row has exactly the header's cells; otherwise NotCSV says what did
    not match, naming the dialect found. A file already in canonical form is returned unchanged.
    """
    try:
        found = dialect.detect(data)
    except dialect.UnknownEncoding:
        position = _bad_byte(data)
        raise NotCSV(
            f"not UTF-8 (bad byte at position {position}); save it as UTF-8 first"
        ) from None
    text = dialect.decode(data, found.encoding)
    changes: list[str] = []
    if found.encoding == "utf-8-sig":
        changes.append("removed the byte order mark (BOM)")
    elif found.encoding != "utf-8":
        changes.append(f"converted from {found.encoding_name} to UTF-8")
    if found.delimiter != ",":
        changes.append(f"converted {dialect.DELIMITERS[found.delimiter]} separators to ','")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        changes.append("converted CR LF / CR line endings to LF")
    if (nul := text.find("\x00")) >= 0:
        # Tools disagree on a NUL (C strings end at it, Python keeps it): the same file would read differently in each
        raise NotCSV(
            f"line {text.count(chr(10), 0, nul) + 1} holds a NUL byte (\\x00): this is not a text file; "
            "remove the NUL byte (a binary format, or a tool that wrote one, put it there)"
        )
    form_changes = len(changes)
    rows = _read_rows(text, found)
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
    schema_names: list[str] = [
        f["name"] for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)
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
    if canonical == data:
        return Normalized(data, [])
    _refuse_a_mismatch(text, found, header, dropped, schema_names, body)
    if len(changes) == form_changes and _rendered(rows, found.delimiter) != text:
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


def _refuse_a_mismatch(
    text: str,
    found: dialect.Dialect,
    header: list[str],
    dropped: list[int],
    schema_names: list[str],
    body: list[list[str]],
) -> None:
    """Raise NotCSV unless the header holds the schema's names, each once, and every row has the header's cells."""
    read_as = f"read as {found.describe()}"
    names = [name for i, name in enumerate(header) if i not in dropped]
    if found.encoding == "cp1252" and (marks := text.count("?")):
        # Windows-1252 has no way to write most characters; a spreadsheet writes '?' for each, so a '?' may be one lost
        raise NotCSV(
            f"{read_as}, it holds {marks} '?', each of which may stand for a character Windows-1252 cannot hold "
            "(a spreadsheet writes '?' for those); save the file as UTF-8 and run normalize again"
        )
    if not schema_names:
        raise NotCSV(f"{read_as}: its schema names no fields to check the header against")
    problems = []
    if missing := [n for n in schema_names if n not in names]:
        problems.append("missing " + ", ".join(map(repr, missing)))
    if unknown := [n for n in dict.fromkeys(names) if n not in schema_names]:
        problems.append("not in the schema " + ", ".join(map(repr, unknown[:5])))
    if repeated := [n for n in dict.fromkeys(names) if names.count(n) > 1]:
        problems.append("repeated " + ", ".join(map(repr, repeated)))
    if problems:
        raise NotCSV(f"{read_as}, the header does not match the schema ({'; '.join(problems)})")
    if any(row and len(row) != len(header) for row in body):
        stray = dialect.stray_line(text, found.delimiter, len(header))
        if stray is not None:
            raise NotCSV(
                f"{read_as}, but line {stray[0]} is {stray[1]}-separated: the file mixes dialects; "
                f"write that row with {dialect.DELIMITERS[found.delimiter]} separators like the others"
            )
        line, cells = _first_short(text, found.delimiter, len(header))
        raise NotCSV(
            f"{read_as}, line {line} has {cells} cell(s) where the header has {len(header)}"
        )


def _first_short(text: str, delimiter: str, width: int) -> tuple[int, int]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    for cells in reader:
        start, line = line, reader.line_num + 1
        if cells and len(cells) != width:
            return start, len(cells)
    return line, 0  # not reached: the caller found such a row


def _rendered(rows: list[list[str]], delimiter: str) -> str:
    """The rows as the canonical writer quotes them, in their own delimiter: what differs is quoting."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _bad_byte(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start
    return 0


def _read_rows(text: str, found: dialect.Dialect) -> list[list[str]]:
    previous_limit = csv.field_size_limit(MAX_CELL)  # global in the csv module: restored below
    try:
        return list(
            csv.reader(io.StringIO(text, newline=""), delimiter=found.delimiter, strict=True)
        )
    except csv.Error as error:
        raise NotCSV(f"read as {found.describe()}, it cannot be read as CSV: {error}") from None
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
