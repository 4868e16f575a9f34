"""`python -m validate claim-sources [PATH] [--write]`: propose each claim's sourcing rows for review (validate/claim_sources.py).

Without `--write` it only reads, prints `+` for a row the derivation proposes that the table
lacks and `-` for a row of the table it does not propose, and exits 0 when they agree, 1 when
they differ. With `--write` it rewrites data/claim_sources.csv from the derivation, then fills.
"""

from __future__ import annotations

import argparse

from .. import claim_sources, sourcing
from ..errors import EXIT_INVALID, EXIT_OK
from ..safetext import text_report, visible
from .arguments import Parser, add_package

SUMMARY = "Compare (or with --write, rewrite) data/claim_sources.csv against the derivation."


def build_parser(prog: str) -> argparse.ArgumentParser:
    """The parser of `claim-sources`."""
    parser = Parser(
        prog=prog,
        description="Propose each claim's sourcing rows from quotes, lineage and span overlap; "
        "print the difference with data/claim_sources.csv, or --write it.",
    )
    add_package(parser)
    parser.add_argument(
        "--write",
        action="store_true",
        help="rewrite data/claim_sources.csv from the derivation (keeps reviewed notes)",
    )
    parser.add_argument("--created-by", default="dataset-team", help="created_by of new rows")
    parser.add_argument(
        "--created-at",
        default="",
        help="created_at of new rows (YYYY-MM-DD; required with --write)",
    )
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Print the difference (exit 1 when there is one), or write the table."""
    derived = claim_sources.derivation(args.path)
    if args.write:
        written = claim_sources.write(derived, args.created_by, args.created_at)
        print(
            text_report(
                visible(
                    f"wrote {written.rows} rows to {written.path}"
                    if written.changed
                    else f"{written.path}: nothing to change"
                )
            )
        )
        if written.filled:
            print(text_report(visible("fill: rewrote " + ", ".join(written.filled))))
        return EXIT_OK
    missing, unproposed = claim_sources.difference(derived)
    for mark, keys in (("+", missing), ("-", unproposed)):
        for k in keys:
            print(
                text_report(
                    visible(
                        mark
                        + " "
                        + " ".join(
                            f"{name}={value!r}"
                            for name, value in zip(sourcing.KEY_FIELDS, k, strict=True)
                        )
                    )
                )
            )
    return EXIT_INVALID if missing or unproposed else EXIT_OK
