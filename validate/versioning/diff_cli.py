"""`python -m validate diff OLD [NEW]`: what changed between two versions, and the bump it needs.

Each side is a package folder (or its datapackage.json), a release bundle (.zip) or a git
revision of the repository (`--repo`, default: the current folder). Exit 0 when the new
side's version satisfies the bump the changes need, 1 when it does not (too small, not
increased, or lower), 2 when a side cannot be read.

With `--require-changelog` (pull requests) the version may stay as it is; instead, changes
that need a bump must come with new text in CHANGELOG.md's `Unreleased` section.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from ..csvio import write_atomically
from ..errors import EXIT_CANNOT_RUN, EXIT_INVALID, EXIT_OK, CannotRun
from ..package import load
from ..safetext import visible, visible_lines
from .bumps import highest, judge
from .changelog import unreleased
from .changes import compare
from .records import latest
from .render import RENDERERS
from .sides import open_side


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `diff`."""
    parser = argparse.ArgumentParser(
        prog="python -m validate diff",
        description="Compare two versions of the data package: schema, data and descriptor changes, the smallest version bump "
        "they need (docs/versioning.md) and whether the new version gives it. Exit 0 ok, 1 bump missing or too small, 2 could not run.",
    )
    parser.add_argument("old", nargs="?", help="the old side: a package folder, a release bundle (.zip) or a git revision "
                        "(e.g. c4c7073, origin/main); default: the commit of the newest release in releases/")
    parser.add_argument("new", nargs="?", default=".", help="the new side (default: the package in the current folder)")
    parser.add_argument("--repo", default=".", help="the git repository that revisions are read from (default: the current folder)")
    parser.add_argument("--format", choices=sorted(RENDERERS), default="text")
    parser.add_argument("--output", help="write the report to this file instead of standard output")
    parser.add_argument("--require-changelog", action="store_true",
                        help="pull-request mode: an unchanged version is fine, but changes must add to CHANGELOG.md's Unreleased section")
    return parser


def _unreleased_text(root: Path) -> str | None:
    try:
        section = unreleased((root / "CHANGELOG.md").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    return section.body if section else None


def main(argv: list[str]) -> int:
    """Compare two versions of the package (folder, release bundle or git revision): changes and the version bump they need."""
    args = build_parser().parse_args(argv)
    repo = Path(args.repo)
    notes: list[str] = []
    if args.old is None:
        record = latest(repo)
        if record is None or not isinstance(record.get("commit"), str):
            print(f"error: no release recorded in {repo / 'releases'}; name the old side.", file=sys.stderr)
            return EXIT_CANNOT_RUN
        args.old = record["commit"]
    try:
        with open_side(args.old, repo) as old_root, open_side(args.new, repo) as new_root:
            old_package, new_package = load(old_root / "datapackage.json"), load(new_root / "datapackage.json")
            comparison = compare(old_package, new_package)
            old_log, new_log = _unreleased_text(old_root), _unreleased_text(new_root)
            for side, package in (("old", old_package), ("new", new_package)):
                if package.load_errors:
                    notes.append(f"the {side} side has {len(package.load_errors)} unreadable file(s); they were not compared "
                                 "(`python -m validate` says which)")
    except CannotRun as error:
        print(f"error: {visible_lines(error)}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    level = highest(change.level for change in comparison.changes)
    verdict = judge(level, comparison.old_version, comparison.new_version)
    ok = verdict.ok and not notes
    if args.require_changelog:
        ok = not notes and (verdict.ok or verdict.declared == "none")
        if verdict.declared == "none" and level != "none":  # not a failure here: the release bumps it (docs/releasing.md)
            verdict = replace(verdict, ok=True, reason=f"a pull request leaves the version as it is; the next release needs a {verdict.required} bump")
        if level != "none":
            if new_log is None:
                notes.append("CHANGELOG.md has no `## [Unreleased]` section; add one that says what this change does")
                ok = False
            elif not new_log.strip() or new_log == old_log:
                notes.append("these changes need a note in CHANGELOG.md's `Unreleased` section; none was added")
                ok = False
            else:
                notes.append("OK: CHANGELOG.md's Unreleased section says what changed")
    report = RENDERERS[args.format](args.old, args.new, comparison.changes, verdict, notes)
    if args.output:
        try:
            write_atomically(Path(args.output), report.encode("utf-8"))
        except OSError as error:
            print(f"error: cannot write {visible(args.output)}: {error.strerror}", file=sys.stderr)
            return EXIT_CANNOT_RUN
    else:
        sys.stdout.write(report)
    return EXIT_OK if ok else EXIT_INVALID
