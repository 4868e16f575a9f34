"""`python -m validate fill [PATH]`: compute the derived columns and hashes (validate/fill.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import EXIT_INVALID, EXIT_OK, CannotRun
from ..fill import FillError, fill
from ..limits import Limits, add_option
from ..safetext import visible
from .arguments import Parser, add_package

SUMMARY = "Fill derived columns (span offsets and context, sourcing levels and statuses; resource bytes and hashes)."


def build_parser(prog: str) -> argparse.ArgumentParser:
    """The parser of `fill`."""
    parser = Parser(
        prog=prog,
        description="Compute span start_char/end_char/prefix/suffix from `exact`, claims' sourcing_level and claim_sources' document_status, "
        "every resource's bytes and sha256 hash, and the numbers between <!--fill:NAME-->…<!--/fill--> markers "
        "in README.md and docs/*.md (validate/docnumbers.py lists the names). "
        "Rewrites only files whose content changes, atomically.",
    )
    add_package(parser)
    add_option(parser)
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; list each stale file and number, and exit 1 if there is one",
    )
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Fill the package and say which files were rewritten (with --check: what is stale, exit 1 if anything)."""
    skipped: list[str] = []
    try:
        changed = fill(Path(args.path), Limits.parse(args.limit), check=args.check, skipped=skipped)
    except FillError as error:
        raise CannotRun(str(error)) from None
    except (OSError, ValueError) as error:
        raise CannotRun(f"cannot fill {args.path}: {error}; nothing was written") from None
    for why in skipped:
        print(visible(f"skipped: {why}"), file=sys.stderr)
    if args.check and changed:
        for stale in changed:
            print(visible(f"stale: {stale}"))
        print("run `python -m validate fill` to restate them")
        return EXIT_INVALID
    print(visible("rewrote: " + ", ".join(changed)) if changed else "nothing to change")
    return EXIT_OK
