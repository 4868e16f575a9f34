"""What changed between two versions, the bump it needs, and whether the new side gives it.

Each side is a package folder (or its datapackage.json), a release bundle (.zip) or a git
revision of the repository. The review is ok when the new side's version satisfies the bump
the changes need; it is not when the bump is too small, not made, or lower, or when a side
has files that could not be read (and so were not compared).

With `require_changelog` (pull requests) the version may stay as it is; instead, changes
that need a bump must come with new text in CHANGELOG.md's `Unreleased` section.
`python -m validate diff` (validate/cli/diff.py) is the command.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import CannotRun
from ..package import load
from ..safetext import visible
from . import changelog
from .bumps import Verdict, highest, judge
from .changes import Change, compare
from .records import latest
from .sides import REVISION_PREFIX, open_side

_COMMIT = re.compile(r"[0-9a-f]{7,64}")


@dataclass(frozen=True)
class Review:
    """The changes between the sides, the verdict on the version, notes for the reader, and the outcome.

    `notes` are checks ("OK: ..." or a failure); `remarks` are what the reader should know and
    does not fail the review (a link in a revision, not followed); `omitted` counts row changes
    past the listing limit, by (area, table, kind, level)."""

    old: str
    new: str
    changes: list[Change]
    verdict: Verdict
    notes: list[str]
    ok: bool
    remarks: list[str] = field(default_factory=list)
    omitted: Counter = field(default_factory=Counter)


def newest_release(repo: Path) -> str:
    """The commit of the newest release recorded in `repo`'s releases/; raise CannotRun when none is."""
    record = latest(repo)
    if record is None or not isinstance(record.get("commit"), str):
        raise CannotRun(f"no release recorded in {repo / 'releases'}; name the old side.")
    commit = record["commit"]
    if not _COMMIT.fullmatch(commit):  # never a folder or an option: the record names a commit
        raise CannotRun(
            f"the newest release record's commit {visible(commit)!r} is not a commit id; name the old side."
        )
    return REVISION_PREFIX + commit


def review(old: str, new: str, repo: Path, require_changelog: bool = False) -> Review:
    """Compare side `old` with side `new` (revisions are read from `repo`); raise CannotRun when a side cannot be read."""
    notes: list[str] = []
    remarks: list[str] = []
    with (
        open_side(old, repo, remarks) as old_root,
        open_side(new, repo, remarks) as new_root,
    ):
        old_package, new_package = (
            load(old_root / "datapackage.json"),
            load(new_root / "datapackage.json"),
        )
        try:
            comparison = compare(old_package, new_package)
        finally:
            old_package.close()
            new_package.close()
        old_log, _ = _unreleased_text(old_root)
        new_log, unreadable = _unreleased_text(new_root)
        for side, package in (("old", old_package), ("new", new_package)):
            if package.load_errors:
                notes.append(
                    f"the {side} side has {len(package.load_errors)} unreadable file(s); they were not compared "
                    "(`python -m validate` says which)"
                )
    level = highest([*(c.level for c in comparison.changes), *(k[3] for k in comparison.omitted)])
    verdict = judge(level, comparison.old_version, comparison.new_version)
    ok = verdict.ok and not notes
    if require_changelog:
        ok = not notes and (verdict.ok or verdict.declared == "none")
        if (
            verdict.declared == "none" and level != "none"
        ):  # not a failure here: the release bumps it (docs/releasing.md)
            verdict = replace(
                verdict,
                ok=True,
                reason=f"a pull request leaves the version as it is; the next release needs a {verdict.required} bump",
            )
        if level != "none":
            if unreadable:
                notes.append(f"{unreadable}; it was not read, so no Unreleased note counts")
                ok = False
            elif new_log is None:
                notes.append(
                    "CHANGELOG.md has no `## [Unreleased]` section; add one that says what this change does"
                )
                ok = False
            elif not new_log.strip() or new_log == old_log:
                notes.append(
                    "these changes need a note in CHANGELOG.md's `Unreleased` section; none was added"
                )
                ok = False
            else:
                notes.append("OK: CHANGELOG.md's Unreleased section says what changed")
    return Review(old, new, comparison.changes, verdict, notes, ok, remarks, comparison.omitted)


def _unreleased_text(root: Path) -> tuple[str | None, str]:
    """The Unreleased section's body (None without one), and why CHANGELOG.md was not read ("" when it was)."""
    try:
        text = changelog.read(root)
    except changelog.Unreadable as error:
        return None, str(error)
    section = changelog.unreleased(text) if text is not None else None
    return (section.body if section else None), ""
