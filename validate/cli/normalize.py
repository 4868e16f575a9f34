"""`python -m validate normalize [PATH] [--check]`: canonical form for every CSV, then fill (validate/normalize.py)."""

from __future__ import annotations

import argparse

from .. import normalize
from ..errors import EXIT_INVALID, EXIT_OK, CannotRun
from ..package import load
from ..safetext import text_report, visible
from .arguments import Parser, add_package

SUMMARY = (
    "Put every CSV back into canonical form (after a spreadsheet or pandas round-trip), then fill."
)


def build_parser(prog: str) -> argparse.ArgumentParser:
    """The parser of `normalize`."""
    parser = Parser(
        prog=prog,
        description="Undo what spreadsheets and dataframes do to a CSV when they save it: ';' or tab separators, UTF-16 or "
        "Windows-1252, byte order mark, CR LF line endings, "
        "quotes around every cell, NaN/None/NULL for an empty cell, an unnamed index column, white space around header names, "
        "columns out of the schema's order, 2025.0 for 2025, non-NFC text. Then recompute the derived fields (fill). "
        "A file is converted only when, read in the dialect it was saved in, its header holds the schema's fields and every "
        "row has them all; otherwise nothing is written and the reason names the file and the dialect found (exit 2). "
        "Reports every change, file by file; writes all files or none, fill included.",
    )
    add_package(parser)
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if anything would change"
    )
    # the fix names the command as it was called: in another repository (a pre-commit hook) there is no Makefile
    parser.set_defaults(called_as=prog)
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Say what changes, file by file; write it (or with --check, exit 1 when anything would change)."""
    package = load(args.path)
    planned, problems = normalize.plan(package)
    for path, (_, changes) in planned.items():
        print(text_report(visible(f"{path}: " + "; ".join(changes))))
    if (
        problems
    ):  # each on a line of its own (an indented line stays a line: safetext.visible_lines)
        raise CannotRun("\n    ".join(problems))
    if args.check:
        stale = normalize.stale_hashes(package, planned)
        for path in stale:
            print(
                text_report(
                    visible(
                        f"{package.descriptor_file}: the bytes or hash of {path} would be refreshed"
                    )
                )
            )
        if planned or stale:
            print(
                text_report(
                    visible(f"would change the files above; run `{args.called_as} {args.path}`")
                )
            )
            return EXIT_INVALID
        print("nothing to change")
        return EXIT_OK
    filled = normalize.write(package, planned)
    if filled:
        print(text_report(visible("fill: rewrote " + ", ".join(filled))))
    if not planned and not filled:
        print("nothing to change")
    return EXIT_OK
