"""quantity-values: every quantity's printed form reads as its recorded value and bound.

The surface form ("more than 80,000", "almost three hours", "410-acre", "Jan 20",
"last week") is read by validate/numbers.py; relative dates are resolved against the
`date_published` of the document that prints them. The reading must agree with the typed value
column that `value_type` names (`value_number`, `value_year`, `value_date`, `value_week`;
the others stay empty), with `value_type`, `bound`, and with `lower_bound`/`upper_bound` where the bound implies them
(`more_than` → lower bound = value; `almost` → upper bound = value; `range` → both).

PASS: surface "more than 80,000", value_number 80000, bound more_than, lower_bound 80000
FAIL: surface "more than 80,000", value_number 8000, bound exact  ->  value-mismatch, bound-mismatch
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..errors import Code, Error, Place
from ..numbers import Unreadable, read
from ..package import Package
from ._rows import by_id, named, path_of, rows

ID = "quantity-values"
# The typed column that holds each value_type's value (the schema's `value_type` description says the same).
VALUE_COLUMNS = {
    "number": "value_number",
    "ordinal": "value_number",
    "year": "value_year",
    "date": "value_date",
    "iso_week": "value_week",
}
SUMMARY = "Each quantity's surface form parses to its value, and its qualifier agrees with bound, lower_bound and upper_bound."

# the tables it relates (validate/applies.py), every one needed: a relative date reads from its document's date
TABLES = ("quantities", "claims", "documents")

# One code per column the reading is compared with: `value-number-mismatch`, `bound-mismatch`, ...

CODES = {
    "unreadable": Code(
        "A quantity's surface form cannot be read as a number or date (or a relative date resolves outside the years 1 to 9999).",
        "Give the number or date as printed, with its qualifier (e.g. 'more than 80,000', 'almost three hours').",
    ),
    **{
        f"{column.replace('_', '-')}-mismatch": Code(
            f"The surface form reads as another {column} than the row records (the message gives "
            "both).",
            f"Set {column} to what the message says, or leave it empty where it says so.",
        )
        for column in [
            *dict.fromkeys(VALUE_COLUMNS.values()),
            "value_type",
            "bound",
            "lower_bound",
            "upper_bound",
        ]
    },
}


def check(package: Package) -> Iterator[Error]:
    """Yield one error per quantity and disagreeing column."""
    claims, documents = (
        by_id(package, "claims", ["document_id"]),
        by_id(package, "documents", ["date_published"]),
    )
    file = path_of(package, "quantities")
    columns = [
        "quantity_id",
        "claim_id",
        "surface",
        "value_type",
        "bound",
        "lower_bound",
        "upper_bound",
        *VALUE_COLUMNS.values(),
    ]
    for record in rows(package, "quantities", columns):
        cells = record.cells
        quantity_id = named(cells.get("quantity_id"), "quantity_id")
        claim = claims.get(cells.get("claim_id", ""))
        document = documents.get(claim.cells.get("document_id", "")) if claim else None
        published = _date(document.cells.get("date_published", "")) if document else None
        try:
            try:
                reading = read(cells.get("surface", ""), published)
            except OverflowError:  # "last week" in year 1: before the first date Python can hold
                raise Unreadable(
                    f"the date {cells.get('surface', '')!r} resolves outside the years 1 to 9999"
                ) from None
        except Unreadable as error:
            if published is None and (claim is None or document is None):
                continue  # the missing claim or document is the error (reported by table-frictionless), not the date it would give
            yield Error.at(
                Place(file, record.line, record.row),
                "surface",
                "unreadable",
                f"{quantity_id}: {error}.",
                hint="Give the number or date as printed, with its qualifier (e.g. 'more than 80,000', 'almost three hours').",
            )
            continue
        typed = VALUE_COLUMNS.get(reading.value_type, "value_number")
        expected: dict[str, str | float | None] = {
            column: ((reading.value or None) if column == typed else None)
            for column in dict.fromkeys(VALUE_COLUMNS.values())
        }
        expected |= {
            "value_type": reading.value_type,
            "bound": reading.bound,
            "lower_bound": reading.lower,
            "upper_bound": reading.upper,
        }
        for column, want in expected.items():
            have = cells.get(column, "")
            if column.endswith("_bound") or column == "value_number":
                agrees = (have == "" and want is None) or (
                    have != "" and want is not None and _float(have) == float(want)
                )
            else:
                agrees = have == (want or "")
            if not agrees:
                shown = "" if want is None else (f"{want:g}" if isinstance(want, float) else want)
                yield Error.at(
                    Place(file, record.line, record.row),
                    column,
                    f"{column.replace('_', '-')}-mismatch",
                    f"{quantity_id}: the surface {cells.get('surface')!r} reads as {column} {shown!r}, but the row has {have!r}.",
                    hint=f"Set {column} to {shown!r}." if shown else f"Leave {column} empty.",
                )


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _float(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None
