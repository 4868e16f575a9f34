"""canonical-form: every CSV is in the one byte form that diffs, spreadsheets and tools agree on.

- UTF-8 without a byte order mark (a BOM breaks Python's csv module and R readers);
- LF line endings, no CR, and a final newline;
- no NUL byte, and no other control character than tab and line break;
- no mojibake: UTF-8 text that a spreadsheet read as Windows-1252 and saved again
  ("â€™" for "’"), which would otherwise pass as valid text;
- the header lists the schema's fields, in the schema's order;
- text in Unicode NFC, so that equal-looking strings compare equal;
- no cell that a spreadsheet would run as a formula: one starting with = + - @, a tab or
  a CR. Verbatim text that genuinely starts that way is not stored so: a span boundary
  is moved, and `prefix`/`suffix` context is trimmed by `python -m validate fill`.

PASS: claim_id,document_id,statement,...\\nclm-001,doc-article,...\\n
FAIL: a cell "=HYPERLINK(...)"  ->  formula
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..anchor import FORMULA_START
from ..csvio import Table
from ..dialect import misread
from ..errors import Code, Error, Place
from ..package import Package
from ._jsonschema import usable_schema

ID = "canonical-form"
# a cell that starts like a formula, or holds a character outside ASCII (only those can be other than NFC); RE2 and Python read it alike
_SUSPECT = r"^[=+\-@\t\r]|[^\x00-\x7f]"

SUMMARY = "CSV files are UTF-8 without BOM, LF-only with a final newline, NFC, headed in schema order, with no formula-like cells."

# none by name: it reads whatever tables the package has (validate/applies.py)
TABLES: tuple[str, ...] = ()

CODES = {
    "bom": Code(
        "The CSV file starts with a byte order mark (BOM), which breaks Python's csv module and R readers.",
        "Run `python -m validate normalize` to remove it (Excel's 'CSV UTF-8' format is the one that writes a BOM).",
    ),
    "crlf": Code(
        "The CSV file has Windows (CR LF) or CR line endings.",
        "Run `python -m validate normalize`, or save with LF (Unix) line endings; .gitattributes keeps git from converting them.",
    ),
    "nul-byte": Code(
        "The CSV file contains a NUL byte: it is not a text file.",
        "Remove the NUL byte; it usually comes from saving in UTF-16 or a binary format.",
    ),
    "control-character": Code(
        "The CSV file contains a control character (other than tab and line break): a spreadsheet put it in place of a character it could not read or save.",
        "Find the cell on that line and type the character it stands for (often a curly quote); save as UTF-8.",
    ),
    "mojibake": Code(
        "The CSV file holds UTF-8 text that was read as Windows-1252 and saved again "
        '("â€™" where "’" was): a spreadsheet did not import it as UTF-8.',
        "Take the file from before the spreadsheet saved it and import it as UTF-8 "
        "(LibreOffice: character set UTF-8; Excel: Data > From Text/CSV, 65001 UTF-8).",
    ),
    "final-newline": Code(
        "The CSV file does not end with a line break.", "Add a line break after the last row."
    ),
    "header": Code(
        "The header (line 1) does not list the schema's fields in the schema's order: a column is missing, unknown or out of place.",
        "Run `python -m validate normalize`, or make line 1 list exactly the schema's fields, in order.",
    ),
    "formula": Code(
        "A cell starts with = + - @, a tab or a CR, so a spreadsheet would run it as a formula.",
        "Do not start a cell with = + - @ or a tab; for an anchor, start or end the span one word later or earlier.",
    ),
    "not-nfc": Code(
        "A cell's text is not in Unicode NFC form (it has decomposed characters), so equal-looking strings compare unequal.",
        "Run `python -m validate normalize` (it rewrites the text in NFC), or re-type the accented characters.",
    ),
    "file-changed": Code(
        "The file changed while it was being validated, so its bytes were not checked.",
        "Validate the package again once nothing is writing to it.",
    ),
}


def check(package: Package) -> Iterator[Error]:
    """Yield byte-level and cell-level departures from the canonical CSV form."""
    cells: list[_Column] = []
    for index, resource in enumerate(package.resources):
        if not resource.is_table or misread(package.load_errors, resource.path):
            continue  # resource-files names its dialect once
        data, path = (
            resource.data,
            resource.path,
        )  # read once: a large table's bytes are read again on each use
        if data is not None:
            yield from _byte_problems(data, path)
        elif (
            resource.fingerprint() is not None
        ):  # read at load, then changed: its cells are still judged below
            yield Error.at(
                Place(path),
                "",
                "file-changed",
                f"{path} changed while it was being validated, so its bytes were not checked.",
                hint="Validate the package again once nothing is writing to it.",
            )
        del data  # a large table's bytes, read again above, are not held while its cells are read
        table = resource.table
        if table is None:
            continue
        schema = usable_schema(package, resource) or {"fields": []}
        expected = [f["name"] for f in schema["fields"]]
        if expected and table.header and table.header != expected:
            repairable = not [
                name for name in expected if name not in [h.strip() for h in table.header]
            ]
            yield Error.at(
                Place(path, 1),
                "",
                "header",
                f"{path}: {_header_difference(table.header, expected)}",
                hint=(
                    "Run `python -m validate normalize` (it drops an unnamed index column, trims the names and puts the columns "
                    "in the schema's order); or make"
                    if repairable
                    else "Make"
                )
                + f" line 1 list exactly the schema's fields, in order: {','.join(expected)}.",
            )
        numeric = {f["name"] for f in schema["fields"] if f.get("type") in ("number", "integer")}
        cells += _columns(index, table, numeric)
    yield from _cell_problems(package, cells)


@dataclass(frozen=True)
class _Column:
    """A column whose cells are judged: its table (resource index), its place among them, its cells (`c<number>`)."""

    table: int
    order: int
    name: str
    number: int
    numeric: bool
    source: str


def _columns(index: int, table: Table, numeric: set[str]) -> list[_Column]:
    """The table's columns as a record holds them (a repeated name read once, from its last column)."""
    if table.source is None:
        return []
    last = {name: number for number, name in enumerate(table.header)}
    return [
        _Column(index, order, name, last[name], name in numeric, table.source.name)  # type: ignore[attr-defined]
        for order, name in enumerate(dict.fromkeys(table.header))
    ]


def _cell_problems(package: Package, columns: list[_Column]) -> Iterator[Error]:
    """Formula-like cells (SQL), and cells not in NFC: SQL gives each distinct cell with a character outside ASCII (only those
    can be other than NFC) once, Python tells which are not NFC (once per value in the run), and SQL finds the rows holding
    those. One table at a time: a query over every column of every table holds more of DuckDB's memory at once."""
    store = package.views.columnar
    if store is None:
        return
    normal: dict[str, bool] = {}  # value -> is NFC: a corpus repeats its texts from table to table
    found = store.connection.cursor()
    try:
        for table in dict.fromkeys(column.table for column in columns):
            mine = [column for column in columns if column.table == table]
            yield from _table_cells(package, found, mine, normal)
    finally:
        found.close()


def _table_cells(
    package: Package, found: Any, columns: list[_Column], normal: dict[str, bool]
) -> Iterator[Error]:
    # only a cell that starts like a formula or holds a non-ASCII character can fail
    cells = " UNION ALL ".join(
        f"SELECT _ord, _line, _row, {c.order} AS col, {c.numeric} AS numeric, c{c.number} AS value "
        f"FROM {c.source} WHERE regexp_matches(c{c.number}, ?)"
        for c in columns
    )
    suspect = [_SUSPECT] * len(columns)
    formulas = found.execute(
        f"""
        SELECT _ord, col, _line, _row, substring(value, 1, 1) AS first FROM ({cells})
        WHERE list_contains(?::VARCHAR[], substring(value, 1, 1))
          AND NOT (numeric AND substring(value, 1, 1) IN ('+', '-'))  -- "-5" in a number column is a number; "\t5" is not
        ORDER BY 1, 2""",
        [*suspect, list(FORMULA_START)],
    ).fetchall()
    texts = found.execute(
        f"SELECT DISTINCT value FROM ({cells}) WHERE strlen(value) <> length(value)", suspect
    ).fetchall()
    decomposed = []
    for (value,) in texts:
        if not normal.setdefault(value, unicodedata.is_normalized("NFC", value)):
            decomposed.append(value)
    problems = [
        (ordinal, col, line, row, "formula", first) for ordinal, col, line, row, first in formulas
    ]
    if decomposed:
        problems += found.execute(
            f"SELECT _ord, col, _line, _row, 'not-nfc', '' FROM ({cells}) WHERE value IN (SELECT unnest(?::VARCHAR[]))",
            [*suspect, decomposed],
        ).fetchall()
        problems.sort(
            key=lambda problem: problem[:2]
        )  # stable: a cell's formula error before its NFC one, as before
    by_order = {column.order: column for column in columns}
    path = package.resources[columns[0].table].path
    for _, col, line, row, code, first in problems:
        name, place = by_order[col].name, Place(path, line, row)
        if code == "formula":
            yield Error.at(
                place,
                name,
                "formula",
                f"{name} starts with {first!r}: a spreadsheet would run this cell as a formula.",
                hint="Do not start a cell with = + - @ or a tab; for an anchor, start or end the span one word later or earlier.",
            )
        else:
            yield Error.at(
                place,
                name,
                "not-nfc",
                f"{name} is not in Unicode NFC form (it has decomposed characters).",
                hint="Run `python -m validate normalize` (it rewrites the text in NFC), or re-type the accented characters.",
            )


def _byte_problems(data: bytes, path: str) -> Iterator[Error]:
    """A byte order mark, CR line endings, a NUL byte, no final line break."""
    if data.startswith(b"\xef\xbb\xbf"):
        yield Error.at(
            Place(path, 1),
            "",
            "bom",
            f"{path} starts with a byte order mark (BOM).",
            hint="Run `python -m validate normalize` to remove it (Excel's 'CSV UTF-8' format is the one that writes a BOM).",
        )
    if b"\r" in data:
        line = data.count(b"\n", 0, data.index(b"\r")) + 1
        yield Error.at(
            Place(path, line),
            "",
            "crlf",
            f"{path} has Windows (CR LF) or CR line endings, first at line {line}.",
            hint="Run `python -m validate normalize`, or save with LF (Unix) line endings; .gitattributes keeps git from converting them.",
        )
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        yield Error.at(
            Place(path, line),
            "",
            "nul-byte",
            f"{path} contains a NUL byte at line {line}: this is not a text file.",
            hint="Remove the NUL byte; it usually comes from saving in UTF-16 or a binary format.",
        )
    control = _CONTROL.search(data)
    if control is not None:
        line = data.count(b"\n", 0, control.start()) + 1
        yield Error.at(
            Place(path, line),
            "",
            "control-character",
            f"{path} contains the control character U+{control.group()[0]:04X} at line {line}.",
        )
    text = data.decode("utf-8", "replace")
    garbled = next((m for m in _MOJIBAKE.finditer(text) if _was_utf8(m.group())), None)
    if garbled is not None:
        line = text.count("\n", 0, garbled.start()) + 1
        yield Error.at(
            Place(path, line),
            "",
            "mojibake",
            f"{path} has {garbled.group()!r} at line {line}, which is {_was_utf8(garbled.group())!r} "
            "saved through a spreadsheet that read UTF-8 as Windows-1252.",
        )
    if data and not data.endswith(b"\n"):
        yield Error.at(
            Place(path, data.count(b"\n") + 1),
            "",
            "final-newline",
            f"{path} does not end with a newline.",
            hint="Add a line break after the last row.",
        )


# C0 controls and DEL, except tab, line feed and carriage return (NUL and CR have their own codes).
_CONTROL = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A lead byte of a UTF-8 sequence shown as Windows-1252 (Â..ô), then one to three continuation bytes shown
# so: the shape of mojibake. A match counts only when it encodes back to valid UTF-8 (`_was_utf8`).
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,3}"
)


def _was_utf8(text: str) -> str | None:
    """The text `text` was before UTF-8 was read as Windows-1252, or None when it is not that."""
    try:
        return text.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return None


def _header_difference(header: list[str], expected: list[str]) -> str:
    present, wanted = (
        set(header),
        set(expected),
    )  # sets: linear in the number of columns, not quadratic
    missing = [name for name in expected if name not in present]
    extra = [name for name in header if name not in wanted]
    if missing or extra:
        parts = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + (
            [f"unknown column(s) {', '.join(map(_shown, extra))}"] if extra else []
        )
        return "the header has " + " and ".join(parts) + "."
    return "the header has the schema's columns in another order."


def _shown(name: str) -> str:
    # an empty or padded name is invisible unless quoted; pandas writes its index column with an empty name
    if name == "":
        return "'' (a column without a name: a dataframe's index?)"
    return repr(name) if name != name.strip() else name
