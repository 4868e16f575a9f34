"""canonical-form's cells: formula-like starts judged in SQL, NFC judged once per distinct value and reported on every row holding it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from validate import run

from .conftest import build_package


def _with_rows(path: Path, cells: list[dict[str, str]]) -> None:
    """Replace the table's rows by copies of its first row with `cells` changed (and fresh IDs in the first column)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    header, first = rows[0], rows[1]
    written = [header]
    for number, changes in enumerate(cells, start=1):
        row = list(first)
        row[0] = f"{first[0][:4]}{900 + number}"
        for name, value in changes.items():
            row[header.index(name)] = value
        written.append(row)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(written)
    path.write_text(out.getvalue(), encoding="utf-8")


def _cells(descriptor: Path) -> list[tuple[str, int, str, str]]:
    with run(descriptor, select=["canonical-form"]) as result:
        return [
            (e.code, e.line, e.field, e.message)
            for e in result.errors
            if e.code in ("formula", "not-nfc")
        ]


def test_a_decomposed_value_is_reported_on_every_row_that_holds_it(tmp_path):
    descriptor = build_package(tmp_path / "package")
    decomposed = "Cafe\u0301 talk"
    _with_rows(
        descriptor.parent / "data" / "claims.csv",
        [{"notes": decomposed}, {"notes": "Caf\u00e9 talk"}, {"notes": decomposed}],
    )
    message = "notes is not in Unicode NFC form (it has decomposed characters)."
    assert _cells(descriptor) == [
        ("not-nfc", 2, "notes", message),
        ("not-nfc", 4, "notes", message),
    ]


def test_a_signed_number_is_no_formula_but_other_starts_are(tmp_path):
    descriptor = build_package(tmp_path / "package")
    _with_rows(
        descriptor.parent / "data" / "quantities.csv",
        [
            {"value_number": "-5"},
            {"value_number": "=5"},
            {"value_number": "\t5"},
            {"surface": "+5 more"},
        ],
    )
    assert [error[:3] for error in _cells(descriptor)] == [
        ("formula", 3, "value_number"),
        ("formula", 4, "value_number"),
        ("formula", 5, "surface"),
    ]
    assert (
        _cells(descriptor)[1][3]
        == "value_number starts with '\\t': a spreadsheet would run this cell as a formula."
    )


def test_a_cell_both_formula_like_and_decomposed_gets_both_errors(tmp_path):
    descriptor = build_package(tmp_path / "package")
    _with_rows(descriptor.parent / "data" / "claims.csv", [{"notes": "=Cafe\u0301"}])
    assert [error[:3] for error in _cells(descriptor)] == [
        ("formula", 2, "notes"),
        ("not-nfc", 2, "notes"),
    ]
