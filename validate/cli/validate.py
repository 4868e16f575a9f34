"""`python -m validate [PATH]`: the default command, which validates the package and writes the report."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .. import __version__, safepath
from ..atomic import replacing
from ..checks import CHECKS
from ..errors import EXIT_CANNOT_RUN, EXIT_INVALID, EXIT_OK, CannotRun
from ..limits import Limits, add_option
from ..reporters import WRITERS, write_json
from ..runner import DEFAULT_MAX_ERRORS, Result, run
from .arguments import Parser, ReportBegun, UsageError, add_package, comma_list, count
from .output import silence_stdout

SUMMARY = "Validate the package (the default command)."


def build_parser(prog: str, commands: str = "") -> argparse.ArgumentParser:
    """The parser of the main command; `commands` lists the helper commands in its usage."""
    parser = Parser(
        prog=prog,
        usage="%(prog)s [-h] [--format {github,json,text}] [--json-report FILE] [--select CHECKS] [--ignore CHECKS] [--engine {duckdb,frictionless}] "
        "[--max-errors N] [--limit NAME=N] [--list-checks] [PATH]\n"
        f"       %(prog)s COMMAND [-h] ...\n\ncommands (each has its own --help):\n{commands}",
        description="Check every layer of the data package: descriptor, schemas, tables, canonical form, "
        "provenance and release. Exit 0 valid, 1 invalid, 2 could not run.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_package(parser)
    parser.add_argument(
        "--format",
        choices=sorted(WRITERS),
        default=None,
        help="report format; default: github under GitHub Actions (GITHUB_ACTIONS=true), else text",
    )
    parser.add_argument(
        "--json-report",
        metavar="FILE",
        help="also write the JSON report (the --format json document) to FILE, whatever the format on standard output",
    )
    parser.add_argument(
        "--list-checks",
        action="store_true",
        help="list every check id with what it guards (as JSON with --format json), and exit",
    )
    parser.add_argument(
        "--select",
        type=comma_list,
        action="extend",
        metavar="CHECKS",
        help="run only these checks (comma-separated; repeatable)",
    )
    parser.add_argument(
        "--ignore",
        type=comma_list,
        action="extend",
        metavar="CHECKS",
        help="skip these checks (comma-separated; repeatable)",
    )
    add_option(parser)
    parser.add_argument(
        "--engine",
        choices=["duckdb", "frictionless"],
        default="duckdb",
        help="what checks the tables' rows: compiled DuckDB queries (default) or frictionless's row loop (the reference)",
    )
    parser.add_argument(
        "--max-errors",
        type=count,
        default=DEFAULT_MAX_ERRORS,
        metavar="N",
        help=f"list at most N errors per check and code, and count the rest (0: list all; default {DEFAULT_MAX_ERRORS})",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Validate the package and write the report; exit 0 valid, 1 invalid, 2 the run did not finish."""
    if args.list_checks:
        return _list_checks(args.format == "json")
    report_format = args.format or (
        "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    )
    try:
        limits = Limits.parse(args.limit)
    except ValueError as error:
        raise UsageError(str(error)) from None
    try:
        result = run(
            args.path,
            select=args.select,
            ignore=args.ignore,
            limits=limits,
            engine=args.engine,
            max_errors=args.max_errors,
            parallel=True,
        )
    except KeyError as error:
        raise UsageError(
            f"unknown check id {error.args[0]!r}; `python -m validate --list-checks` lists them."
        ) from None
    verdict = EXIT_CANNOT_RUN if not result.finished else EXIT_OK if result.valid else EXIT_INVALID
    with result:  # removes the errors' temporary runs, however the writing ends
        # first: a report file that cannot be written stops the run before any output
        if args.json_report:
            _write_json_report(result, Path(args.json_report))
        try:
            WRITERS[report_format](
                result, sys.stdout
            )  # written as it is made: memory stays flat however long the report
            sys.stdout.flush()
        except (
            BrokenPipeError
        ):  # the reader stopped early (`| head`): the package was judged all the same
            silence_stdout()
        except CannotRun as error:  # the errors kept in the temporary folder could not be read back
            sys.stdout.flush()
            raise ReportBegun(str(error)) from None
    return verdict


def _write_json_report(result: Result, path: Path) -> None:
    """The JSON report in `path`, whole or not at all (an Action reads its verdict and counts there).

    Under the path rule (validate/safepath.py): a relative `path` stays inside the working directory with no
    link on the way (a committed `reports -> ../outside` is not followed); an absolute one is written where
    the user named it, but a link as its last part is not followed."""
    if path.is_absolute():
        safepath.target(path.parent, path)
    else:
        safepath.target(Path.cwd(), Path.cwd() / path)
    try:
        with replacing(path) as out:
            write_json(result, out)
    except OSError as error:
        raise CannotRun(f"cannot write the JSON report {path}: {error.strerror or error}") from None


def _list_checks(as_json: bool) -> int:
    if as_json:
        listing = [
            {"id": check_id, "summary": module.SUMMARY} for check_id, module in CHECKS.items()
        ]
        sys.stdout.write(json.dumps(listing, indent=2, ensure_ascii=False) + "\n")
    else:
        width = max(map(len, CHECKS))
        sys.stdout.write(
            "".join(
                f"{check_id:<{width}}  {module.SUMMARY}\n" for check_id, module in CHECKS.items()
            )
        )
    sys.stdout.flush()
    return EXIT_OK
