"""Write a Result as text for people, JSON for programs, or GitHub Actions annotations.

Each format is written to its output as it goes (`write_text`, `write_json`, `write_github`):
the header, then one error at a time as the error log yields them in report order, then the
verdict, so a report of a million errors never exists whole in memory. `render_*` return the
same report as one string, for callers that want it so.
"""

from __future__ import annotations

import heapq
import io
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO

from .errors import FIELD_NAMES, Error
from .runner import Result, check_rank
from .safetext import (
    annotation_data,
    annotation_property,
    json_safe,
    markdown_cell,
    text_report,
    visible,
    visible_lines,
)

# GitHub Actions shows at most 10 annotations of each kind per step and drops the rest.
GITHUB_ANNOTATION_LIMIT = 10
JSON_FORMAT_VERSION = 2  # 2: `profile`, `not_applicable` and `column`
# The status of a check that does not apply: the package does not declare this dataset's profile, or lacks
# the tables the check needs (validate/applies.py).
NOT_APPLICABLE = "not applicable"


def write_text(result: Result, out: TextIO) -> None:
    """A report for people: what was checked, rows per table, every error with its fix."""
    package = result.package
    package_name, version = (
        visible(package.descriptor.get("name", "?")),
        visible(package.descriptor.get("version", "?")),
    )
    lines = [f"Validating {visible(package.descriptor_path)} ({package_name} {version})", ""]
    lines.append(
        "Tables: "
        + ", ".join(f"{visible(name)} {rows}" for name, rows in result.table_rows().items())
    )
    statuses = {
        check: "ok" if count == 0 else str(count)
        for check, count in result.counts_by_check().items()
    }
    statuses.update(
        {
            check: NOT_APPLICABLE + (f" ({reason})" if result.package.profile else "")
            for check, reason in result.not_applicable.items()
        }
    )
    lines.append(
        "Checks: "
        + ", ".join(f"{check} {statuses[check]}" for check in check_rank() if check in statuses)
    )
    if result.errors:
        lines.append("")
    out.write(text_report("\n".join(lines) + "\n"))
    for error in result.errors:
        place = (
            ":".join(
                visible(p)
                for p in (error.file, error.line, error.line and error.column)
                if p not in ("", None)
            )
            or "package"
        )
        field = visible(error.field)
        where = (
            f" (row {error.row}, {field})"
            if error.row and field
            else (f" ({field})" if field else "")
        )
        entry = f"{place}: {error.severity}: {visible_lines(error.message)}{where} [{error.check}/{visible(error.code)}]\n"
        if error.hint:
            entry += f"    fix: {visible_lines(error.hint)}\n"
        out.write(
            text_report(entry)
        )  # whole lines each time: `text_report` judges a line from its start
    out.write(text_report(f"\n{_verdict(result)}\n"))


def write_json(result: Result, out: TextIO) -> None:
    """The stable JSON envelope documented in docs/validation.md, written member by member.

    The bytes are those of `json.dumps(envelope, indent=2, ensure_ascii=False)` of the whole
    envelope (tests/test_reports.py holds the two side by side): the fixed members first, then
    each error as it is read from the log, then the closing brackets."""
    out.write("{\n")
    for key, value in json_head(result).items():
        out.write(f"  {_json(key, 1)}: {_json(value, 1)},\n")
    out.write('  "errors": [')
    written = 0
    for error in result.errors:
        out.write(("\n    " if written == 0 else ",\n    ") + _error_json(error))
        written += 1
    out.write("\n  ]\n}\n" if written else "]\n}\n")  # json.dumps writes an empty list as `[]`


def json_head(result: Result) -> dict:
    """The members of the JSON envelope that come before `errors`, in their documented order."""
    return {
        "format_version": JSON_FORMAT_VERSION,
        "valid": result.valid,
        "package": {
            "path": str(result.package.descriptor_path),
            "name": result.package.descriptor.get("name"),
            "version": result.package.descriptor.get("version"),
        },
        "summary": {
            "errors": result.error_count,
            "warnings": result.warning_count,
            "by_check": result.counts_by_check(),
        },
        "tables": result.table_rows(),
        "checks": result.checks,
        "profile": result.package.profile,
        "not_applicable": result.not_applicable,
    }


# `"check": ` and so on, as they open each line of an error in the report (indent 2, three levels deep).
_MEMBER_OPENINGS = tuple(f"\n      {json.dumps(name)}: " for name in FIELD_NAMES)
# One encoder for every value: `json.dumps` with options builds a new one per call.
_scalar_json = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode


def _error_json(error: Error) -> str:
    """`_json(error.to_dict(), 2)`, member by member: a million errors pass here, and an error's values are scalars."""
    members = [
        opening + _scalar_json(json_safe(value))
        for opening, value in zip(_MEMBER_OPENINGS, error.fields(), strict=True)
    ]
    return "{" + ",".join(members) + "\n    }"


def _json(value: object, depth: int) -> str:
    """`value` as it appears `depth` levels deep in an indent-2 document (JSON strings hold no raw line break)."""
    return json.dumps(json_safe(value), indent=2, ensure_ascii=False, allow_nan=False).replace(
        "\n", "\n" + "  " * depth
    )


def write_github(result: Result, out: TextIO) -> None:
    """Workflow commands (`::error file=…,line=…,col=…::message`), capped at what GitHub keeps.

    Also appends the full error table to $GITHUB_STEP_SUMMARY when that is set.
    """
    shown = first_annotations(result.errors, GITHUB_ANNOTATION_LIMIT)
    for error in shown:
        properties = {
            "file": workspace_path(result, error.file),
            "line": error.line,
            "col": error.column,
            "title": f"{error.check}/{error.code}",
        }
        rendered = ",".join(
            f"{key}={annotation_property(value)}"
            for key, value in properties.items()
            if value not in ("", None)
        )
        message = error.message + (f" Fix: {error.hint}" if error.hint else "")
        out.write(f"::{error.severity} {rendered}::{annotation_data(message)}\n")
    hidden = len(result.errors) - len(shown)
    if hidden:
        out.write(
            f"{hidden} more problem(s) not shown as annotations (GitHub keeps {GITHUB_ANNOTATION_LIMIT} per kind); "
            "see the job summary or run `python -m validate` locally.\n"
        )
    out.write(_verdict(result) + "\n")
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        with open(summary_path, "a", encoding="utf-8") as summary:
            write_markdown(result, summary)


def workspace_path(result: Result, file: str) -> str:
    """`file` (relative to the package) relative to the working directory, as GitHub resolves annotations
    against the workspace: `pkg/data/claims.csv` for a package in `pkg/`. Unchanged outside the working directory."""
    if not file:
        return file
    shown = os.path.relpath(result.package.root / file, Path.cwd().resolve())
    return file if shown.startswith("..") else Path(shown).as_posix()


def first_annotations(errors: Iterable[Error], limit: int) -> list[Error]:
    """The errors GitHub would show: each distinct check/code before a second of the same code (rounds, in report order), the first `limit` of each severity.

    One pass, holding `limit` errors per severity (not the whole list, which may be millions).
    PASS: twelve foreign-key errors then one quote typo, limit 10: the typo is among the ten.
    """
    kept: dict[
        str, list[tuple[int, int, Error]]
    ] = {}  # per severity, the best `limit` as a max-heap (keys negated)
    for round_, index, error in _in_rounds(errors):
        heap = kept.setdefault(error.severity, [])
        if len(heap) < limit:
            heapq.heappush(heap, (-round_, -index, error))
        elif (-round_, -index) > heap[0][:2]:
            heapq.heapreplace(heap, (-round_, -index, error))
    chosen = sorted(
        ((-round_, -index, error) for heap in kept.values() for round_, index, error in heap),
        key=lambda entry: entry[:2],
    )
    return [error for _, _, error in chosen]


def _in_rounds(errors: Iterable[Error]) -> Iterator[tuple[int, int, Error]]:
    """(round, index, error): how many of the error's check/code came before it, and its place in the report."""
    seen: Counter[tuple[str, str]] = Counter()
    for index, error in enumerate(errors):
        key = (error.check, error.code)
        yield seen[key], index, error
        seen[key] += 1


def write_markdown(result: Result, out: TextIO) -> None:
    """All errors as a Markdown table, for a GitHub job summary."""
    out.write(
        "\n".join(
            [
                f"### Package validation of {markdown_cell(workspace_path(result, result.package.descriptor_file))} "
                f"({markdown_cell(str(result.package.descriptor.get('name', '?')))}): {'valid' if result.valid else 'invalid'}",
                "",
                _verdict(result),
                "",
            ]
        )
        + "\n"
    )
    if result.errors:
        out.write(
            "| file | line | column | field | check | message | fix |\n"
            "| --- | --- | --- | --- | --- | --- | --- |\n"
        )
        for e in result.errors:
            cells = [
                workspace_path(result, e.file),
                str(e.line or ""),
                str(e.column or ""),
                e.field,
                f"{e.check}/{e.code}",
                e.message,
                e.hint,
            ]
            out.write("| " + " | ".join(markdown_cell(c) for c in cells) + " |\n")
    out.write("\n")


def _verdict(result: Result) -> str:
    if result.crashed:
        return f"Could not finish: the check(s) {', '.join(result.crashed)} failed to run."
    if not result.finished:
        return "Could not finish: an input is past a limit (see the limit-exceeded errors above and docs/limits.md)."
    state = "valid" if result.valid else "INVALID"
    verdict = f"{state}: {result.error_count} error(s), {result.warning_count} warning(s) from {len(result.checks)} checks"
    if result.not_applicable and not result.package.profile:
        return (
            f"{verdict} of the Data Package standard; {len(result.not_applicable)} checks {NOT_APPLICABLE} "
            "(the package does not declare this dataset's profile)."
        )
    if result.not_applicable:
        by_reason: dict[str, list[str]] = {}
        for check, reason in result.not_applicable.items():
            by_reason.setdefault(reason, []).append(check)
        reasons = "; ".join(
            f"{', '.join(checks)}: {reason}" for reason, checks in by_reason.items()
        )
        count = len(result.not_applicable)
        return f"{verdict}; {count} check{'s' if count > 1 else ''} {NOT_APPLICABLE} ({reasons})."
    return verdict + "."


def _rendered(write: Callable[[Result, TextIO], None]) -> Callable[[Result], str]:
    def render(result: Result) -> str:
        buffer = io.StringIO()
        write(result, buffer)
        return buffer.getvalue()

    render.__doc__ = f"The report of `{write.__name__}` as one string."
    return render


render_text = _rendered(write_text)
render_json = _rendered(write_json)
render_github = _rendered(write_github)
render_markdown = _rendered(write_markdown)

WRITERS: dict[str, Callable[[Result, TextIO], None]] = {
    "text": write_text,
    "json": write_json,
    "github": write_github,
}
