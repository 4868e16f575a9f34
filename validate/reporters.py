"""Render a Result as text for people, JSON for programs, or GitHub Actions annotations."""

from __future__ import annotations

import json
import os

from .runner import Result
from .safetext import annotation_data, annotation_property, json_safe, markdown_cell, text_report, visible, visible_lines

# GitHub Actions shows at most 10 annotations of each kind per step and drops the rest.
GITHUB_ANNOTATION_LIMIT = 10
JSON_FORMAT_VERSION = 1


def render_text(result: Result) -> str:
    """A report for people: what was checked, rows per table, every error with its fix."""
    package = result.package
    package_name, version = visible(package.descriptor.get("name", "?")), visible(package.descriptor.get("version", "?"))
    lines = [f"Validating {visible(package.descriptor_path)} ({package_name} {version})", ""]
    lines.append("Tables: " + ", ".join(f"{visible(name)} {rows}" for name, rows in result.table_rows().items()))
    lines.append("Checks: " + ", ".join(f"{check} {'ok' if count == 0 else count}" for check, count in result.counts_by_check().items()))
    if result.errors:
        lines.append("")
    for error in result.errors:
        place = ":".join(visible(p) for p in (error.file, error.line) if p not in ("", None)) or "package"
        field = visible(error.field)
        where = f" (row {error.row}, {field})" if error.row and field else (f" ({field})" if field else "")
        lines.append(f"{place}: {error.severity}: {visible_lines(error.message)}{where} [{error.check}/{visible(error.code)}]")
        if error.hint:
            lines.append(f"    fix: {visible_lines(error.hint)}")
    lines.append("")
    lines.append(_verdict(result))
    return text_report("\n".join(lines) + "\n")


def render_json(result: Result) -> str:
    """The stable JSON envelope documented in docs/validation.md."""
    envelope = {
        "format_version": JSON_FORMAT_VERSION,
        "valid": result.valid,
        "package": {"path": str(result.package.descriptor_path), "name": result.package.descriptor.get("name"),
                    "version": result.package.descriptor.get("version")},
        "summary": {"errors": result.error_count, "warnings": result.warning_count, "by_check": result.counts_by_check()},
        "tables": result.table_rows(),
        "checks": result.checks,
        "errors": [error.to_dict() for error in result.errors],
    }
    return json.dumps(json_safe(envelope), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def render_github(result: Result) -> str:
    """Workflow commands (`::error file=…,line=…::message`), capped at what GitHub keeps.

    Also appends the full error table to $GITHUB_STEP_SUMMARY when that is set.
    """
    lines, shown = [], {"error": 0, "warning": 0}
    for error in distinct_codes_first(result.errors):
        if shown[error.severity] >= GITHUB_ANNOTATION_LIMIT:
            continue
        shown[error.severity] += 1
        properties = {"file": error.file, "line": error.line, "title": f"{error.check}/{error.code}"}
        rendered = ",".join(f"{key}={annotation_property(value)}" for key, value in properties.items() if value not in ("", None))
        message = error.message + (f" Fix: {error.hint}" if error.hint else "")
        lines.append(f"::{error.severity} {rendered}::{annotation_data(message)}")
    hidden = len(result.errors) - sum(shown.values())
    if hidden:
        lines.append(f"{hidden} more problem(s) not shown as annotations (GitHub keeps {GITHUB_ANNOTATION_LIMIT} per kind); "
                     "see the job summary or run `python -m validate` locally.")
    lines.append(_verdict(result))
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        with open(summary_path, "a", encoding="utf-8") as summary:
            summary.write(render_markdown(result))
    return "\n".join(lines) + "\n"


def distinct_codes_first(errors: list) -> list:
    """Reorder errors so that each distinct check/code comes before a second of the same code.

    GitHub keeps only a few annotations: one mistyped ID repeated eight times must not hide
    a quote typo. Within each round, the report's order (file, line) is kept.
    """
    seen: dict[tuple[str, str], int] = {}
    rounds = []
    for index, error in enumerate(errors):
        key = (error.check, error.code)
        rounds.append((seen.get(key, 0), index))
        seen[key] = seen.get(key, 0) + 1
    return [errors[index] for _, index in sorted(rounds)]


def render_markdown(result: Result) -> str:
    """All errors as a Markdown table, for a GitHub job summary."""
    out = [f"### Package validation: {'valid' if result.valid else 'invalid'}", "", _verdict(result), ""]
    if result.errors:
        out += ["| file | line | field | check | message | fix |", "| --- | --- | --- | --- | --- | --- |"]
        for e in result.errors:
            cells = [e.file, str(e.line or ""), e.field, f"{e.check}/{e.code}", e.message, e.hint]
            out.append("| " + " | ".join(markdown_cell(c) for c in cells) + " |")
    return "\n".join(out) + "\n\n"


def _verdict(result: Result) -> str:
    if result.crashed:
        return f"Could not finish: the check(s) {', '.join(result.crashed)} failed to run."
    if not result.finished:
        return "Could not finish: an input is past a limit (see the limit-exceeded errors above and docs/limits.md)."
    state = "valid" if result.valid else "INVALID"
    return f"{state}: {result.error_count} error(s), {result.warning_count} warning(s) from {len(result.checks)} checks."


REPORTERS = {"text": render_text, "json": render_json, "github": render_github}
