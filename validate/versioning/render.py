"""Write a comparison as text for people, JSON for programs or Markdown for a pull request.

Every value that comes from the package is shown escaped (JSON string syntax, so control
and bidirectional characters are visible, never acted on by a terminal), and in Markdown
also neutralised (no HTML, links, mentions or table breaks can be injected by a cell).
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter

from .bumps import Verdict
from .changes import Change

MAX_VALUE = 160
MAX_DETAILS_PER_GROUP = 300
MAX_MARKDOWN_CHARS = 900_000  # a pull request's job summary holds at most 1 MiB


def show(value: object) -> str:
    """A value as a short, escaped, quoted string."""
    if value is None:
        return "(none)"
    text = (
        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    )
    if len(text) > MAX_VALUE:
        text = text[:MAX_VALUE] + "…"
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c
        for c in quoted
    )


def _plain(text: str) -> str:
    return "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c
        for c in text
    )


def _md(text: str) -> str:
    """Neutralise text for Markdown and the HTML GitHub allows in it."""
    text = (
        _plain(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("@", "&#64;")
    )
    for char in "\\`*_[]|~":
        text = text.replace(char, "\\" + char)
    return text


def summary(changes: list[Change]) -> list[dict]:
    """Counts of changes by area, table, kind and level, in first-seen order."""
    counts = Counter((c.area, c.table, c.kind, c.level) for c in changes)
    return [
        {"area": a, "table": t, "kind": k, "level": lv, "count": n}
        for (a, t, k, lv), n in counts.items()
    ]


def describe(change: Change) -> str:
    """One line for one change (the escaped form of its values)."""
    if change.kind in ("row-changed", "row-derived-only"):
        cells = "; ".join(f"{name} {show(old)} -> {show(new)}" for name, old, new in change.cells)
        return f"{_plain(change.subject)}: {cells}"
    text = _plain(change.message)
    if (
        change.kind.endswith("-changed")
        and (change.old is not None or change.new is not None)
        and change.kind != "row-changed"
    ):
        text += f": {show(change.old)} -> {show(change.new)}"
    return text


def _need(verdict: Verdict) -> str:
    if verdict.required == "none":
        return "changes need no new version"
    return f"changes need {verdict.change_level} (from {verdict.old_version}: a {verdict.required} bump)"


def _groups(changes: list[Change]) -> dict[tuple[str, str], list[Change]]:
    groups: dict[tuple[str, str], list[Change]] = {}
    for change in changes:
        groups.setdefault((change.area, change.table), []).append(change)
    return groups


def render_text(
    old: str, new: str, changes: list[Change], verdict: Verdict, notes: list[str]
) -> str:
    """The report for a terminal."""
    lines = [
        f"diff {_plain(old)} ({_plain(verdict.old_version)}) -> {_plain(new)} ({_plain(verdict.new_version)})",
        f"{_need(verdict)}; declared: {verdict.declared}. {'OK' if verdict.ok else 'FAIL'}: {_plain(verdict.reason)}.",
    ]
    lines += [
        f"{'OK' if note.startswith('OK') else 'FAIL'}: {note.removeprefix('OK: ')}"
        for note in notes
    ]
    if not changes:
        lines.append("No changes.")
    for (area, table), group in _groups(changes).items():
        lines.append("")
        lines.append(
            f"{area}: {_plain(table) or 'package'} ({len(group)} change{'s' * (len(group) != 1)})"
        )
        for change in group:
            guess = " [guess]" if change.guess else ""
            lines.append(f"  [{change.level}] {change.kind}{guess}: {describe(change)}")
    return "\n".join(lines) + "\n"


def render_json(
    old: str, new: str, changes: list[Change], verdict: Verdict, notes: list[str]
) -> str:
    """The report for programs."""
    document = {
        "old": {"side": old, "version": verdict.old_version},
        "new": {"side": new, "version": verdict.new_version},
        "verdict": {
            "changes_need": verdict.change_level,
            "required_bump": verdict.required,
            "declared_bump": verdict.declared,
            "ok": verdict.ok,
            "reason": verdict.reason,
        },
        "notes": notes,
        "summary": summary(changes),
        "changes": [change.to_dict() for change in changes],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n"


def render_markdown(
    old: str, new: str, changes: list[Change], verdict: Verdict, notes: list[str]
) -> str:
    """The report for a pull request: a summary table first, the details folded."""
    mark = "✅" if verdict.ok else "❌"
    lines = [
        f"## Data package diff: {_md(old)} ({_md(verdict.old_version)}) → {_md(new)} ({_md(verdict.new_version)})",
        "",
        (
            f"{mark} {_md(_need(verdict)).replace(verdict.required + ' bump', f'**{verdict.required}** bump')}; "
            f"declared: **{verdict.declared}**. {_md(verdict.reason)}."
        ),
        "",
    ]
    lines += [
        f"{'✅' if note.startswith('OK') else '❌'} {_md(note.removeprefix('OK: '))}"
        for note in notes
    ]
    if notes:
        lines.append("")
    if not changes:
        lines.append("No changes.")
        return "\n".join(lines) + "\n"
    lines += ["| area | table | change | count | bump |", "| --- | --- | --- | ---: | --- |"]
    lines += [
        f"| {row['area']} | {_md(row['table']) or 'package'} | {row['kind']} | {row['count']} | {row['level']} |"
        for row in summary(changes)
    ]
    size = sum(len(line) + 1 for line in lines)
    for (area, table), group in _groups(changes).items():
        if size > MAX_MARKDOWN_CHARS:
            lines += ["", "… more changes than a job summary holds: run `make diff` for all."]
            break
        lines += [
            "",
            f"<details><summary>{area}: {_md(table) or 'package'} ({len(group)} change{'s' * (len(group) != 1)})</summary>",
            "",
        ]
        for change in group[:MAX_DETAILS_PER_GROUP]:
            guess = " *(guess)*" if change.guess else ""
            lines.append(f"- **{change.level}** {change.kind}{guess}: {_md(describe(change))}")
            size += len(lines[-1]) + 1
        if len(group) > MAX_DETAILS_PER_GROUP:
            lines.append(
                f"- … and {len(group) - MAX_DETAILS_PER_GROUP} more (run `make diff` for all)"
            )
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}
