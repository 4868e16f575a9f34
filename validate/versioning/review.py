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

from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import CannotRun
from ..package import load
from .bumps import Verdict, highest, judge
from .changelog import unreleased
from .changes import Change, compare
from .records import latest
from .sides import open_side


@dataclass(frozen=True)
class Review:
    """The changes between the sides, the verdict on the version, notes for the reader, and the outcome."""

    old: str
    new: str
    changes: list[Change]
    verdict: Verdict
    notes: list[str]
    ok: bool


def newest_release(repo: Path) -> str:
    """The commit of the newest release recorded in `repo`'s releases/; raise CannotRun when none is."""
    record = latest(repo)
    if record is None or not isinstance(record.get("commit"), str):
        raise CannotRun(f"no release recorded in {repo / 'releases'}; name the old side.")
    return record["commit"]


def review(old: str, new: str, repo: Path, require_changelog: bool = False) -> Review:
    """Compare side `old` with side `new` (revisions are read from `repo`); raise CannotRun when a side cannot be read."""
    notes: list[str] = []
    with open_side(old, repo) as old_root, open_side(new, repo) as new_root:
        old_package, new_package = (
            load(old_root / "datapackage.json"),
            load(new_root / "datapackage.json"),
        )
        comparison = compare(old_package, new_package)
        old_log, new_log = _unreleased_text(old_root), _unreleased_text(new_root)
        for side, package in (("old", old_package), ("new", new_package)):
            if package.load_errors:
                notes.append(
                    f"the {side} side has {len(package.load_errors)} unreadable file(s); they were not compared "
                    "(`python -m validate` says which)"
                )
    level = highest(change.level for change in comparison.changes)
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
            if new_log is None:
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
    return Review(old, new, comparison.changes, verdict, notes, ok)


def _unreleased_text(root: Path) -> str | None:
    try:
        section = unreleased((root / "CHANGELOG.md").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    return section.body if section else None
