"""Write a review as text for people, JSON for programs or Markdown for a pull request.

Values from the package are shown as they are, not in JSON string syntax: only controls,
bidirectional marks and lone surrogates are escaped (safetext.visible), so nothing a cell
holds is acted on by a terminal. A changed text is shown as a word-level difference
(textdiff.py), never cut into identical old and new. In Markdown every character of a value
that Markdown or GFM could read as syntax is escaped with a backslash (no HTML, link,
autolink, mention, emphasis or table break can come from a cell); the report's own code
spans, in `backticks`, stay code. JSON holds every value whole (lone surrogates escaped).

The job summary of a pull request holds at most 1 MiB: `fit_summary` cuts a Markdown report
at a line below that, with a note; the full report is written as a file.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from ..safetext import json_safe, visible
from .bumps import Verdict
from .changes import Change
from .review import Review
from .textdiff import AlignBudget, word_diff

MAX_VALUE = (
    300  # characters of one value shown alone (an added row's cell); the rest is counted, not shown
)
MAX_SEGMENT = 1_000  # characters of one removed, added or kept run of a word-level difference
WORD_DIFF_ABOVE = 40  # two texts longer than this (together) are shown as a word-level difference
MAX_DETAILS_PER_GROUP = 300
SUMMARY_LIMIT_BYTES = 1_048_576  # GitHub shows no job summary over 1 MiB
_SUMMARY_MARGIN = 4_096  # for the note and the closing tags
# every ASCII punctuation mark but & < > @, which become entities
_ASCII_PUNCTUATION = re.compile(r"""([!"#$%'()*+,\-./:;=?\[\\\]^_`{|}~])""")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "@": "&#64;"}


# --- values -----------------------------------------------------------------------------------


def _raw(value: object) -> str:
    """A value as text: a string as it is, anything else as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(json_safe(value), ensure_ascii=False, sort_keys=True)


def show(value: object) -> str:
    """One value for a person: visible, '(none)' when absent, '(empty)' when empty, long text shortened with a count."""
    if value is None:
        return "(none)"
    text = _raw(value)
    return "(empty)" if text == "" else _shortened(text)


def _shortened(text: str, limit: int = MAX_VALUE) -> str:
    """`text` made visible, cut at `limit` characters with the count of the rest (a side alone, never an old-new pair)."""
    if len(text) <= limit:
        return visible(text)
    return visible(text[:limit]) + f"… ({len(text) - limit:,} more characters)"


def md(text: str) -> str:
    """Text from the package for Markdown: ASCII punctuation backslash-escaped; `& < > @` as entities.

    Escaping `:` and `.` keeps GFM from autolinking `https://…` and `www.…`; `\\|` keeps a table cell whole."""
    escaped = _ASCII_PUNCTUATION.sub(r"\\\1", visible(text))
    return re.sub("[&<>@]", lambda match: _ENTITIES[match.group()], escaped)


def _md_message(text: str) -> str:
    """A message of the report's own, which may quote values: its `code spans` stay code, the rest is escaped."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks (one came from a value): no code spans
        return md(text)
    return "".join(md(part) if index % 2 == 0 else _code(part) for index, part in enumerate(parts))


def _code(text: str) -> str:
    return f"`{visible(text)}`" if text else ""


def _pair(old: object, new: object, *, markdown: bool, budget: AlignBudget | None = None) -> str:
    """Old and new value: a word-level difference for text, `old → new` otherwise."""
    shown = md if markdown else (lambda text: text)
    if old is None or new is None or len(_raw(old)) + len(_raw(new)) <= WORD_DIFF_ABOVE:
        return f"{shown(show(old))} → {shown(show(new))}"
    difference = word_diff(_raw(old), _raw(new), budget)
    out = []
    for segment in difference.segments:
        text = _shortened(segment.text, MAX_SEGMENT)
        if segment.kind == "same" or segment.kind == "elided":
            out.append(shown(text))
        elif markdown:
            tag = "del" if segment.kind == "removed" else "ins"
            out.append(f"<{tag}>{md(text)}</{tag}>")
        else:
            out.append(f"[-{text}-]" if segment.kind == "removed" else f"{{+{text}+}}")
    note = "" if difference.aligned else " (too long to align word by word: shown replaced whole)"
    return "".join(out) + (md(note) if markdown else note)


def _row_content(row: object, *, markdown: bool) -> str:
    """An added or removed row's cells, the empty ones left out."""
    if not isinstance(row, dict):
        return show(row)
    shown = md if markdown else (lambda text: text)
    cells = [f"{shown(visible(name))}={shown(show(value))}" for name, value in row.items() if value]
    return "; ".join(cells) if cells else "(every cell empty)"


# --- one change -------------------------------------------------------------------------------


def describe(change: Change, *, markdown: bool = False, budget: AlignBudget | None = None) -> str:
    """One line for one change (`budget`: the report's word-alignment budget)."""
    subject = md(change.subject) if markdown else visible(change.subject)
    if change.kind in ("row-changed", "row-derived-only"):
        cells = "; ".join(
            f"{md(visible(name)) if markdown else visible(name)}: {_pair(old, new, markdown=markdown, budget=budget)}"
            for name, old, new in change.cells
        )
        return f"{subject}: {cells}"
    if change.kind in ("row-added", "row-removed"):
        row = change.new if change.kind == "row-added" else change.old
        return f"{subject}: {_row_content(row, markdown=markdown)}"
    text = _md_message(change.message) if markdown else visible(change.message)
    if change.kind.endswith("-changed") and (change.old is not None or change.new is not None):
        text += f": {_pair(change.old, change.new, markdown=markdown, budget=budget)}"
    return text


# --- the whole report -------------------------------------------------------------------------


def summary(review: Review) -> list[dict]:
    """Counts of changes by area, table, kind and level, in first-seen order (rows past the listing limit included)."""
    counts = Counter((c.area, c.table, c.kind, c.level) for c in review.changes)
    counts.update(review.omitted)
    return [
        {"area": a, "table": t, "kind": k, "level": lv, "count": n}
        for (a, t, k, lv), n in counts.items()
    ]


def need(verdict: Verdict) -> str:
    """What the changes need, in one sentence that never contradicts the verdict."""
    if verdict.required == "none":
        return "No change needs a new version."
    shifted = (
        " (before 1.0.0 each kind of change needs a bump one level lower)"
        if verdict.required != verdict.change_level
        else ""
    )
    return f"The largest change is {verdict.change_level}-level: from {verdict.old_version} it needs a {verdict.required} bump{shifted}."


def _groups(changes: list[Change]) -> dict[tuple[str, str], list[Change]]:
    groups: dict[tuple[str, str], list[Change]] = {}
    for change in changes:
        groups.setdefault((change.area, change.table), []).append(change)
    return groups


def _omitted_notes(review: Review) -> list[str]:
    by_table: Counter = Counter()
    for (_, table, _, _), count in review.omitted.items():
        by_table[table] += count
    return [
        f"{count:,} more row changes in {table} are counted in the summary but not listed (limit per table)"
        for table, count in by_table.items()
    ]


def render_text(review: Review) -> str:
    """The report for a terminal."""
    verdict = review.verdict
    lines = [
        f"diff {visible(review.old)} ({visible(verdict.old_version)}) -> {visible(review.new)} ({visible(verdict.new_version)})",
        need(verdict),
        f"Version: {'OK' if verdict.ok else 'FAIL'}: {visible(verdict.reason)}.",
    ]
    lines += [
        f"{'OK' if note.startswith('OK') else 'FAIL'}: {visible(note.removeprefix('OK: '))}"
        for note in review.notes
    ]
    lines += [f"Note: {visible(remark)}" for remark in [*review.remarks, *_omitted_notes(review)]]
    if not review.changes and not review.omitted:
        lines.append("No changes.")
    budget = AlignBudget()
    for (area, table), group in _groups(review.changes).items():
        lines.append("")
        lines.append(
            f"{area}: {visible(table) or 'package'} ({len(group)} change{'s' * (len(group) != 1)})"
        )
        for change in group:
            guess = " [guess]" if change.guess else ""
            lines.append(
                f"  [{change.level}] {change.kind}{guess}: {describe(change, budget=budget)}"
            )
    return "\n".join(lines) + "\n"


def render_json(review: Review) -> str:
    """The report for programs: every value whole."""
    verdict = review.verdict
    document = {
        "old": {"side": review.old, "version": verdict.old_version},
        "new": {"side": review.new, "version": verdict.new_version},
        "verdict": {
            "changes_need": verdict.change_level,
            "required_bump": verdict.required,
            "declared_bump": verdict.declared,
            "ok": verdict.ok,
            "reason": verdict.reason,
        },
        "notes": review.notes,
        "remarks": review.remarks,
        "summary": summary(review),
        "omitted": sum(review.omitted.values()),
        "changes": [change.to_dict() for change in review.changes],
    }
    return json.dumps(json_safe(document), ensure_ascii=False, indent=2) + "\n"


def render_markdown(review: Review) -> str:
    """The report for a pull request: a summary table first, the details folded."""
    verdict = review.verdict
    mark = "✅" if verdict.ok else "❌"
    lines = [
        f"## Data package diff: {md(_shortened(review.old))} ({md(_shortened(verdict.old_version))}) → "
        f"{md(_shortened(review.new))} ({md(_shortened(verdict.new_version))})",
        "",
        f"{_md_message(need(verdict))}",
        "",
        f"{mark} Version: {_md_message(verdict.reason)}.",
        "",
    ]
    lines += [
        f"{'✅' if note.startswith('OK') else '❌'} {_md_message(note.removeprefix('OK: '))}"
        for note in review.notes
    ]
    lines += [f"ℹ️ {md(remark)}" for remark in [*review.remarks, *_omitted_notes(review)]]
    if review.notes or review.remarks or review.omitted:
        lines.append("")
    if not review.changes and not review.omitted:
        lines.append("No changes.")
        return "\n".join(lines) + "\n"
    lines += ["| area | table | change | count | bump |", "| --- | --- | --- | ---: | --- |"]
    budget = AlignBudget()
    lines += [
        f"| {row['area']} | {md(row['table']) or 'package'} | {row['kind']} | {row['count']} | {row['level']} |"
        for row in summary(review)
    ]
    for (area, table), group in _groups(review.changes).items():
        lines += [
            "",
            f"<details><summary>{area}: {md(table) or 'package'} ({len(group)} change{'s' * (len(group) != 1)})</summary>",
            "",
        ]
        for change in group[:MAX_DETAILS_PER_GROUP]:
            guess = " *(guess)*" if change.guess else ""
            lines.append(
                f"- **{change.level}** {change.kind}{guess}: {describe(change, markdown=True, budget=budget)}"
            )
        if len(group) > MAX_DETAILS_PER_GROUP:
            lines.append(
                f"- … and {len(group) - MAX_DETAILS_PER_GROUP} more (in the full report: `--format text` or `json`)"
            )
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def fit_summary(markdown: str, limit: int = SUMMARY_LIMIT_BYTES, full: str = "") -> str:
    """`markdown` as it is when it fits in `limit` UTF-8 bytes; else cut at a line boundary, open folds closed,
    with a note naming where the full report is (`full`)."""
    if len(markdown.encode("utf-8")) <= limit:
        return markdown
    budget = max(0, limit - _SUMMARY_MARGIN)
    kept: list[str] = []
    size = 0
    for line in markdown.split("\n"):
        cost = len(line.encode("utf-8")) + 1
        if size + cost > budget:
            break
        kept.append(line)
        size += cost
    opened = sum(line.startswith("<details>") for line in kept) - sum(
        line == "</details>" for line in kept
    )
    where = f" in {md(full)}" if full else ""
    kept += ["", "</details>"] * max(0, opened)
    kept += [
        "",
        f"**The report is longer than a job summary holds (1 MiB): it is cut here. The full report is{where}"
        " (the workflow uploads it as the artifact `diff-report`).**",
    ]
    return "\n".join(kept) + "\n"


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}
