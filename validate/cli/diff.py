"""`python -m validate diff OLD [NEW]`: what changed between two versions, and the bump it needs (validate/versioning/review.py).

Exit 0 when the new side's version satisfies the bump the changes need, 1 when it does not
(too small, not increased, or lower), 2 when a side cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..csvio import write_atomically
from ..errors import EXIT_INVALID, EXIT_OK, CannotRun
from ..safetext import visible
from ..versioning.render import RENDERERS
from ..versioning.review import newest_release, review
from .arguments import Parser

SUMMARY = "Compare two versions of the package (folder, release bundle or git revision): changes and the version bump they need."


def build_parser(prog: str) -> argparse.ArgumentParser:
    """The parser of `diff`."""
    parser = Parser(
        prog=prog,
        description="Compare two versions of the data package: schema, data and descriptor changes, the smallest version bump "
        "they need (docs/versioning.md) and whether the new version gives it. Exit 0 ok, 1 bump missing or too small, 2 could not run.",
    )
    parser.add_argument(
        "old",
        nargs="?",
        help="the old side: a package folder, a release bundle (.zip) or a git revision "
        "(e.g. c4c7073, origin/main); default: the commit of the newest release in releases/",
    )
    parser.add_argument(
        "new",
        nargs="?",
        default=".",
        help="the new side (default: the package in the current folder)",
    )
    parser.add_argument(
        "--repo",
        default=".",
        help="the git repository that revisions are read from (default: the current folder)",
    )
    parser.add_argument("--format", choices=sorted(RENDERERS), default="text")
    parser.add_argument("--output", help="write the report to this file instead of standard output")
    parser.add_argument(
        "--require-changelog",
        action="store_true",
        help="pull-request mode: an unchanged version is fine, but changes must add to CHANGELOG.md's Unreleased section",
    )
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Review the two sides and write the report; exit 1 when the version does not give the bump the changes need."""
    repo = Path(args.repo)
    old = args.old if args.old is not None else newest_release(repo)
    outcome = review(old, args.new, repo, args.require_changelog)
    report = RENDERERS[args.format](
        outcome.old, outcome.new, outcome.changes, outcome.verdict, outcome.notes
    )
    if args.output:
        try:
            write_atomically(Path(args.output), report.encode("utf-8"))
        except OSError as error:
            raise CannotRun(f"cannot write {visible(args.output)}: {error.strerror}") from None
    else:
        sys.stdout.write(report)
    return EXIT_OK if outcome.ok else EXIT_INVALID
