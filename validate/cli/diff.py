"""`python -m validate diff OLD [NEW]`: what changed between two versions, and the bump it needs (validate/versioning/review.py).

Exit 0 when the new side's version satisfies the bump the changes need, 1 when it does not
(too small, not increased, or lower), 2 when a side cannot be read.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from ..errors import EXIT_INVALID, EXIT_OK, CannotRun
from ..safetext import text_report, visible
from ..versioning.render import RENDERERS, fit_summary, md, render_markdown
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
        "(e.g. c4c7073, origin/main); `git:REV` is always a revision and `./NAME` always a path, and a "
        "name that is both is refused; default: the commit of the newest release in releases/",
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
        "--summary",
        help="also write the Markdown report here, cut to fit a GitHub job summary (1 MiB) with a note; "
        "when the diff cannot run, the reason is written here",
    )
    parser.add_argument(
        "--require-changelog",
        action="store_true",
        help="pull-request mode: an unchanged version is fine, but changes must add to CHANGELOG.md's Unreleased section",
    )
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Review the two sides and write the report; exit 1 when the version does not give the bump the changes need."""
    repo = Path(args.repo)
    try:
        old = args.old if args.old is not None else newest_release(repo)
        outcome = review(old, args.new, repo, args.require_changelog)
    except CannotRun as error:
        if args.summary:  # the job summary says why, instead of staying empty
            _write(
                args.summary,
                f"## Data package diff\n\n❌ The diff could not run: {md(str(error))}\n",
            )
        raise
    report = RENDERERS[args.format](outcome)
    if args.summary:
        markdown = report if args.format == "markdown" else render_markdown(outcome)
        _write(args.summary, fit_summary(markdown, full=args.output or ""))
    if args.output:
        _write(args.output, report)
    else:
        sys.stdout.write(text_report(report) if args.format == "text" else report)
    return EXIT_OK if outcome.ok else EXIT_INVALID


def _write(target: str, text: str) -> None:
    """Write `text` to `target` through a temporary file renamed over it: a link there is replaced, never followed or read."""
    path = Path(target)
    if path.is_dir() and not path.is_symlink():
        raise CannotRun(f"cannot write {visible(target)}: it is a folder.")
    try:
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(text.encode("utf-8"))
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise CannotRun(f"cannot write {visible(target)}: {error.strerror}") from None
