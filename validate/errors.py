"""The one error record that every check, in every layer, reports."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from operator import attrgetter
from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]

# Exit codes of every command: the package is valid, it is invalid, or the command could not run.
EXIT_OK, EXIT_INVALID, EXIT_CANNOT_RUN = 0, 1, 2


class Place(NamedTuple):
    """Where an error is: the file (relative to the package folder), its physical line, the row as frictionless
    counts it, and the column (1-based). A check leaves `column` out for a table's field: the runner takes it
    from the table's header (`Columns`)."""

    file: str
    line: int | None = None
    row: int | None = None
    column: int | None = None


# slots: a run may keep tens of thousands of errors in memory before it spills them (validate/errorlog.py)
@dataclass(frozen=True, slots=True)
class Error:
    """A problem found in the package, written for a contributor who is not a programmer.

    `file` is relative to the package folder; `line` is the physical line in that file
    (a quoted cell with line breaks shifts it, so it is computed, never row + 1); `column`
    is the 1-based place of `field` in the CSV header (or a column within the line);
    `row` is the data row number as frictionless counts it (header = 1); `field` is a CSV
    column or a JSON path; `code` names the specific rule within the check.
    """

    check: str
    code: str
    message: str
    file: str = ""
    line: int | None = None
    column: int | None = None
    row: int | None = None
    field: str = ""
    hint: str = ""
    severity: Severity = "error"

    @classmethod
    def at(
        cls,
        place: Place,
        field: str,
        code: str,
        message: str,
        *,
        hint: str = "",
        severity: Severity = "error",
    ) -> Error:
        """An error of the running check at `place` and `field`: the runner stamps the check's ID (validate/runner.py)."""
        return cls(
            "",
            code,
            message,
            place.file,
            place.line,
            place.column,
            place.row,
            field,
            hint,
            severity,
        )

    def sort_key(self, check_rank: dict[str, int]) -> tuple:
        """Order errors like the files read top to bottom, then by layer (`check_rank`)."""
        return (
            self.file,
            self.line or 0,
            self.row or 0,
            self.field,
            check_rank.get(self.check, len(check_rank)),
            self.code,
            self.message,
        )

    def to_dict(self) -> dict:
        """The error as a JSON-ready dict, with the documented key order."""
        return dict(zip(FIELD_NAMES, self.fields(), strict=True))

    def fields(self) -> tuple:
        """The values in field order: `Error(*error.fields()) == error`."""
        return _field_values(self)


# The documented key order of an error in the JSON report (the dataclass's field order).
FIELD_NAMES = tuple(f.name for f in fields(Error))
_field_values = attrgetter(*FIELD_NAMES)


class Columns:
    """The 1-based column of each field of each table, from the tables' headers: the one place an error's column is
    derived, so that a check names its field and never counts columns."""

    def __init__(self, headers: dict[str, list[str]]):
        self._columns = {
            # a repeated name is its last column, as in a record's cells (validate/csvio.py)
            file: {name: number for number, name in enumerate(header, 1)}
            for file, header in headers.items()
        }

    def place(self, error: Error) -> Error:
        """`error` with its column filled in when it has none and its field (the first, of a composite key) is
        a column of its file's header."""
        if error.column is not None or not error.field:
            return error
        columns = self._columns.get(error.file)
        number = columns and columns.get(error.field.split(", ")[0])
        return replace(error, column=number) if number else error


@dataclass(frozen=True)
class Code:
    """One error code of a check: what it means, and the usual fix (a message may give a more precise one)."""

    meaning: str
    hint: str = ""


# Codes the runner itself reports, under the ID of the check concerned.
RUNNER_CODES = {
    "check-crashed": Code(
        "The check stopped on a bug in the validator; the package was not fully judged (exit 2).",
        "Report it with the message; the other checks' findings stand.",
    ),
    "more-errors": Code(
        "More errors of one code than `--max-errors` lists; this one counts the rest.",
        "Fix the listed ones first, or run with `--max-errors 0` to list every one.",
    ),
}


class CannotRun(Exception):
    """The validator cannot run at all (exit 2): usage error, unreadable descriptor, PATH missing."""
