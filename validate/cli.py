"""Command line: `python -m validate [PATH]`, plus the helper commands.

Exit codes: 0 the package is valid, 1 it is invalid, 2 the validator could not run.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import __version__
from .checks import CHECKS
from .errors import EXIT_CANNOT_RUN, EXIT_INVALID, EXIT_OK, CannotRun
from .reporters import REPORTERS
from .runner import DEFAULT_MAX_ERRORS, run
from .tools_cli import anchor_main, dictionary_main, fill_main, sentences_main

SUBCOMMANDS = {"anchor": anchor_main, "dictionary": dictionary_main, "fill": fill_main, "sentences": sentences_main}


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number, 0 or more, not {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the main command (its help text is quoted in README.md)."""
    parser = argparse.ArgumentParser(
        prog="python -m validate",
        description="Check every layer of the data package: descriptor, schemas, tables, canonical form, "
        "provenance and release. Exit 0 valid, 1 invalid, 2 could not run.",
        epilog="Helper commands: `python -m validate anchor SNAPSHOT --text TEXT` (offsets of a text), "
        "`python -m validate sentences SNAPSHOT` (the sentences coverage is checked against), "
        "`python -m validate fill [PATH]` (recompute span offsets, bytes and hashes), "
        "`python -m validate dictionary [--update README.md]` (the data dictionary, from the schemas).",
    )
    parser.add_argument("path", nargs="?", default="datapackage.json", help="datapackage.json or its folder (default: ./datapackage.json)")
    parser.add_argument("--format", choices=sorted(REPORTERS), default=None,
                        help="report format; default: github under GitHub Actions (GITHUB_ACTIONS=true), else text")
    parser.add_argument("--list-checks", action="store_true", help="list every check id with what it guards, and exit")
    parser.add_argument("--select", nargs="+", metavar="CHECK", help="run only these checks")
    parser.add_argument("--ignore", nargs="+", metavar="CHECK", help="skip these checks")
    parser.add_argument("--engine", choices=["duckdb", "frictionless"], default="duckdb",
                        help="what checks the tables' rows: compiled DuckDB queries (default) or frictionless's row loop (the reference)")
    parser.add_argument("--max-errors", type=_count, default=DEFAULT_MAX_ERRORS, metavar="N",
                        help=f"list at most N errors per check and code, and count the rest (0: list all; default {DEFAULT_MAX_ERRORS})")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in SUBCOMMANDS:
        return SUBCOMMANDS[argv[0]](argv[1:])
    args = build_parser().parse_args(argv)
    if args.list_checks:
        width = max(map(len, CHECKS))
        for check_id, module in CHECKS.items():
            print(f"{check_id:<{width}}  {module.SUMMARY}")
        return EXIT_OK
    report_format = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    try:
        result = run(args.path, select=args.select, ignore=args.ignore, engine=args.engine, max_errors=args.max_errors)
    except CannotRun as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    except KeyError as error:
        print(f"error: unknown check id {error.args[0]!r}; `python -m validate --list-checks` lists them.", file=sys.stderr)
        return EXIT_CANNOT_RUN
    sys.stdout.write(REPORTERS[report_format](result))
    if result.crashed:
        return EXIT_CANNOT_RUN
    return EXIT_OK if result.valid else EXIT_INVALID
