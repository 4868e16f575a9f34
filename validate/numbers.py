"""Read the value of a number or date expression as the article prints it.

Handles what news prose uses: digits with thousands separators ("40,000"), numbers
joined to a unit ("410-acre"), number words ("three", "hundreds of thousands"),
ordinals ("first"), years ("2023"), dates ("Jan 20", "February 4, 2025", "2025-02-04"),
weekdays ("on Monday") and "last week", the last three resolved against the date of
the document that prints them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
}
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
VAGUE = {
    "hundreds of thousands": (200_000, 1_000_000),
    "tens of thousands": (20_000, 100_000),
    "thousands": (2_000, 10_000),
    "hundreds": (200, 1_000),
}
QUALIFIERS = [
    ("more than", "more_than"),
    ("over", "more_than"),
    ("almost", "almost"),
    ("nearly", "almost"),
    ("about", "approximately"),
    ("around", "approximately"),
    ("some", "approximately"),
    ("roughly", "approximately"),
]


@dataclass(frozen=True)
class Reading:
    """What a surface form says: a value (as its typed `value_…` column writes it), its type and bound."""

    value: str
    value_type: str
    bound: str
    lower: float | None = None
    upper: float | None = None


class Unreadable(ValueError):
    """The surface form is not a number or date expression this module can read."""


def read(surface: str, document_date: date | None) -> Reading:
    """Return the Reading of `surface`; raise Unreadable when it cannot be read."""
    text = surface.strip().lower()
    bound = "exact"
    for words, name in QUALIFIERS:
        if text.startswith(words + " "):
            bound, text = name, text[len(words) + 1 :]
            break
    for phrase, (low, high) in VAGUE.items():
        if text.startswith(phrase):
            return Reading("", "number", "range", low, high)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return Reading(text, "date", bound)
    if re.fullmatch(r"(1[89]|20)\d{2}", text):
        return Reading(text, "year", bound)
    when = _read_date(text, document_date)
    if when is not None:
        return when
    match = re.match(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?=$|[\s-])", text)
    if match:
        return _number(match.group(0).replace(",", ""), "number", bound)
    first = text.split()[0].split("-")[0] if text else ""
    if first in WORDS:
        return _number(str(WORDS[first]), "number", bound)
    if first in ORDINALS:
        return _number(str(ORDINALS[first]), "ordinal", bound)
    raise Unreadable(f"cannot read a number or date in {surface!r}")


def _number(value: str, value_type: str, bound: str) -> Reading:
    number = float(value)
    lower = number if bound == "more_than" else None
    upper = number if bound == "almost" else None
    return Reading(value, value_type, bound, lower, upper)


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise Unreadable(f"there is no day {day} in month {month} of {year}") from None


def _read_date(text: str, document_date: date | None) -> Reading | None:
    match = re.fullmatch(r"(?:on )?([a-z]{3})[a-z]*\.? (\d{1,2})(?:, (\d{4}))?", text)
    if match and match.group(1) in MONTHS:
        month, day = MONTHS[match.group(1)], int(match.group(2))
        if match.group(3):
            return Reading(_date(int(match.group(3)), month, day).isoformat(), "date", "exact")
        if document_date is None:
            raise Unreadable(f"{text!r} has no year and the document has no date")
        year = (
            document_date.year
            if (month, day) <= (document_date.month, document_date.day)
            else document_date.year - 1
        )
        return Reading(_date(year, month, day).isoformat(), "date", "exact")
    match = re.fullmatch(r"(?:on |last )?(" + "|".join(WEEKDAYS) + ")", text)
    if match:
        if document_date is None:
            raise Unreadable(f"{text!r} needs the document's date")
        back = (
            document_date.weekday() - WEEKDAYS.index(match.group(1))
        ) % 7 or 7  # the most recent one before
        return Reading((document_date - timedelta(days=back)).isoformat(), "date", "relative")
    if text == "last week":
        if document_date is None:
            raise Unreadable("'last week' needs the document's date")
        year, week, _ = (document_date - timedelta(weeks=1)).isocalendar()
        return Reading(f"{year}-W{week:02d}", "iso_week", "relative")
    return None
