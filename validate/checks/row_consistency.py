"""row-consistency: rules between the columns of one row that a Table Schema cannot express.

- a status of `unknown` goes with an empty value, and a known value with a status that
  says how it is known (documents: title, author, url, date; snapshot path and hash);
- `url_status` `public_copy_seen` or `official_known_not_seen` needs a `url`;
- a Wikidata ID only with a `qid_status` that names its evidence (seen on Wikidata, in a snapshot, corroborated), and those need the evidence;
- an attributed claim names who it is attributed to; a claim in the publication's voice does not;
- `event_date_status` `not_applicable` goes with an empty `event_date`, and the others with a date;
- a quote's `origin_status` `known` goes with an `origin_document_id`, `unknown` with none;
- a non-content, metadata or added span says why in `note`.

PASS: url_status = unknown, url = ""
FAIL: url_status = unknown, url = "https://example.org/story"
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..csvio import Screen
from ..errors import Code, Error, Place
from ..package import Package
from ._rows import path_of, rows

ID = "row-consistency"
SUMMARY = "Within each row, values agree with their status columns (unknown means empty; known means filled and sourced)."

CODES = {
    "status-mismatch": Code(
        "A value disagrees with the column that says how it is known: a value given with status `unknown`, a value "
        "missing with a status that says it is known, a required note or companion column left empty (the message "
        "names the rule).",
        "Fill in the value, or empty it and set the status to what the message names.",
    ),
}


@dataclass(frozen=True)
class Rule:
    """One rule of a row: `problem(cells)` says what is wrong (or None); the error points at `field`.

    `screen` writes the same rule as an SQL condition (values as `?` in `parameters`), true for every row it can
    fail on: DuckDB reads only those rows of a table it read (csvio.Table.rows)."""

    field: str
    problem: Callable[[dict], str | None]
    columns: tuple[str, ...]
    screen: Screen
    parameters: tuple[str, ...] = ()


def _among(values: set[str]) -> str:
    return f"IN ({', '.join('?' * len(values))})"


def _paired(value_field: str, status_field: str, empty_statuses: set[str]) -> Rule:
    def problem(cells: dict) -> str | None:
        value, status = cells.get(value_field, ""), cells.get(status_field, "")
        if status in empty_statuses and value:
            return f"{value_field} must be empty when {status_field} is {status!r}"
        if status and status not in empty_statuses and not value:
            return f"{value_field} is empty but {status_field} is {status!r}: fill it in, or set {status_field} to {'/'.join(sorted(empty_statuses))}"
        return None

    def screen(column: Callable[[str], str]) -> str:
        value, status, among = column(value_field), column(status_field), _among(empty_statuses)
        return f"({status} {among} AND {value} <> '') OR ({status} <> '' AND {status} NOT {among} AND {value} = '')"

    empty = tuple(sorted(empty_statuses))
    return Rule(value_field, problem, (value_field, status_field), screen, empty + empty)


def _needs(value_field: str, when_field: str, when_values: set[str]) -> Rule:
    def problem(cells: dict) -> str | None:
        if cells.get(when_field) in when_values and not cells.get(value_field):
            return f"{value_field} is required when {when_field} is {cells[when_field]!r}"
        return None

    def screen(column: Callable[[str], str]) -> str:
        return f"{column(when_field)} {_among(when_values)} AND {column(value_field)} = ''"

    return Rule(value_field, problem, (value_field, when_field), screen, tuple(sorted(when_values)))


_SNAPSHOT = ("snapshot_path", "snapshot_sha256", "snapshot_code_points")


def _snapshot_pair(cells: dict) -> str | None:
    filled = [bool(cells.get(name)) for name in _SNAPSHOT]
    if any(filled) and not all(filled):
        return "snapshot_path, snapshot_sha256 and snapshot_code_points go together: fill all three or none"
    return None


RULES = {
    "documents": [
        _paired("title", "title_status", {"unknown"}),
        _paired("author", "author_status", {"unknown"}),
        _paired("url", "url_status", {"unknown"}),
        _paired("date_published", "date_status", {"unknown"}),
        _paired("publisher_entity_id", "publisher_status", {"unknown"}),
        Rule(
            "snapshot_sha256",
            _snapshot_pair,
            _SNAPSHOT,
            lambda column: " OR ".join(
                f"({column(first)} = '') <> ({column(second)} = '')"
                for first, second in itertools.pairwise(_SNAPSHOT)
            ),
        ),
    ],
    "entities": [
        _paired(
            "wikidata_qid",
            "qid_status",
            {"candidate_unverified", "search_failed", "no_item", "not_checked", "not_applicable"},
        ),
        _needs(
            "qid_evidence",
            "qid_status",
            {
                "seen_on_wikidata",
                "seen_in_snapshot",
                "corroborated",
                "candidate_unverified",
                "no_item",
            },
        ),
    ],
    "claims": [
        _paired("attributed_to_entity_id", "voice", {"publication"}),
        _paired("event_date", "event_date_status", {"not_applicable"}),
        _needs("notes", "event_date_status", {"inferred"}),
    ],
    "quotes": [
        _paired("origin_document_id", "origin_status", {"unknown"}),
        _needs("notes", "speaker_status", {"inferred"}),
    ],
    "spans": [
        _needs("note", "role", {"non_content", "metadata", "added"}),
    ],
}
# the tables it judges, each on its own (validate/applies.py): it applies when any one is there
EACH_TABLE = tuple(RULES)


def screen_of(rules: list[Rule]) -> tuple[list[str], Screen, list[str]]:
    """The columns, the screen and its parameters that read the rows any of `rules` can fail on: the rules' screens
    joined with OR, their parameters in the same order."""

    def screen(column: Callable[[str], str]) -> str:
        return " OR ".join(f"({rule.screen(column)})" for rule in rules)

    return (
        [column for rule in rules for column in rule.columns],
        screen,
        [value for rule in rules for value in rule.parameters],
    )


def check(package: Package) -> Iterator[Error]:
    """Yield one error per row and broken rule."""
    for table, rules in RULES.items():
        for record in rows(package, table, *screen_of(rules)):
            for rule in rules:
                problem = rule.problem(record.cells)
                if problem:
                    yield Error.at(
                        Place(path_of(package, table), record.line, record.row),
                        rule.field,
                        "status-mismatch",
                        f"{problem}.",
                    )
