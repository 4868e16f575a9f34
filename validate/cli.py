"""Command line: `python -m validate [PATH]`, plus the helper commands.

Exit codes: 0 the package is valid, 1 it is invalid, 2 the validator could not run.
Conventions follow check-jsonschema, frictionless and ruff: every command has its own
`--help`; `--select`/`--ignore` take comma lists; every listing is available as JSON;
under `--format json` even a usage error is a JSON document on standard output; a
closed pipe (`... | head`) ends the output quietly (validation still exits with its verdict).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
from collections.abc import Callable
from typing import NoReturn

from . import __version__
from .checks import CHECKS
from .errors import EXIT_CANNOT_RUN, EXIT_INVALID, EXIT_OK, CannotRun
from .exports.command import main as exports_main
from .guard import guarded
from .limits import Limits, add_option
from .normalize import main as normalize_main
from .rename import main as rename_main
from .reporters import JSON_FORMAT_VERSION, WRITERS
from .runner import DEFAULT_MAX_ERRORS, run
from .safetext import visible_lines
from .sourcing_cli import main as claim_sources_main
from .tools_cli import anchor_main, dictionary_main, fill_main, sentences_main
from .versioning import diff_cli, release_cli

# One line per helper command: its name and a `main(argv) -> int`, whose docstring's first line is its help.
SUBCOMMANDS: dict[str, Callable[[list[str]], int]] = {
    "anchor": anchor_main,
    "claim-sources": claim_sources_main,
    "dictionary": dictionary_main,
    "diff": diff_cli.main,
    "exports": exports_main,
    "fill": fill_main,
    "normalize": normalize_main,
    "release": release_cli.main,
    "rename-id": rename_main,
    "sentences": sentences_main,
}


class UsageError(Exception):
    """The command line itself is wrong (exit 2)."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that raises UsageError instead of printing and exiting, so that
    the error can be reported in the requested format."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def comma_list(value: str) -> list[str]:
    """Split `a,b, c` into ['a', 'b', 'c'] (the ruff/flake8 convention for --select)."""
    return [item.strip() for item in value.split(",") if item.strip()]


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number, 0 or more, not {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the main command (its help text is quoted in README.md)."""
    width = max(map(len, SUBCOMMANDS))
    commands = "\n".join(f"  {name:<{width}}  {_summary(handler)}" for name, handler in SUBCOMMANDS.items())
    parser = _Parser(
        prog="python -m validate",
        usage="%(prog)s [-h] [--format {github,json,text}] [--select CHECKS] [--ignore CHECKS] [--engine {duckdb,frictionless}] "
              "[--max-errors N] [--limit NAME=N] [--list-checks] [PATH]\n"
        f"       %(prog)s COMMAND [-h] ...\n\ncommands (each has its own --help):\n{commands}",
        description="Check every layer of the data package: descriptor, schemas, tables, canonical form, "
        "provenance and release. Exit 0 valid, 1 invalid, 2 could not run.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", nargs="?", default="datapackage.json", help="datapackage.json or its folder (default: ./datapackage.json)")
    parser.add_argument("--format", choices=sorted(WRITERS), default=None,
                        help="report format; default: github under GitHub Actions (GITHUB_ACTIONS=true), else text")
    parser.add_argument("--list-checks", action="store_true", help="list every check id with what it guards (as JSON with --format json), and exit")
    parser.add_argument("--select", type=comma_list, action="extend", metavar="CHECKS", help="run only these checks (comma-separated; repeatable)")
    parser.add_argument("--ignore", type=comma_list, action="extend", metavar="CHECKS", help="skip these checks (comma-separated; repeatable)")
    add_option(parser)
    parser.add_argument("--engine", choices=["duckdb", "frictionless"], default="duckdb",
                        help="what checks the tables' rows: compiled DuckDB queries (default) or frictionless's row loop (the reference)")
    parser.add_argument("--max-errors", type=_count, default=DEFAULT_MAX_ERRORS, metavar="N",
                        help=f"list at most N errors per check and code, and count the rest (0: list all; default {DEFAULT_MAX_ERRORS})")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (an unexpected exception is a bug: exit 2).

    Never raises for a closed output pipe."""
    argv = sys.argv[1:] if argv is None else argv
    return guarded(argv[0] if argv and argv[0] in SUBCOMMANDS else "validate", argv, _main)


def _main(argv: list[str]) -> int:
    try:
        if argv and argv[0] in SUBCOMMANDS:
            return _run_subcommand(argv[0], argv[1:])
        return _validate(argv)
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK


def _run_subcommand(name: str, argv: list[str]) -> int:
    try:
        return SUBCOMMANDS[name](argv)
    except SystemExit as exit_request:  # argparse in a helper command: --help (0) or a usage error (2)
        return exit_request.code if isinstance(exit_request.code, int) else EXIT_CANNOT_RUN


def _validate(argv: list[str]) -> int:
    wants_json = _wants_json(argv)
    try:
        args = build_parser().parse_args(argv)
    except UsageError as error:
        return _cannot_run(f"{error}; `python -m validate --help` shows the usage", "usage", wants_json)
    except SystemExit as exit_request:  # --help and --version
        return exit_request.code if isinstance(exit_request.code, int) else EXIT_OK
    if args.list_checks:
        return _list_checks(args.format == "json")
    report_format = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    try:
        limits = Limits.parse(args.limit)
    except ValueError as error:
        return _cannot_run(str(error), "usage", wants_json)
    try:
        result = run(args.path, select=args.select, ignore=args.ignore, limits=limits, engine=args.engine, max_errors=args.max_errors,
                     parallel=True)
    except CannotRun as error:
        return _cannot_run(str(error), "cannot-run", wants_json)
    except KeyError as error:
        return _cannot_run(f"unknown check id {error.args[0]!r}; `python -m validate --list-checks` lists them.", "usage", wants_json)
    verdict = EXIT_CANNOT_RUN if not result.finished else EXIT_OK if result.valid else EXIT_INVALID
    with result:  # removes the errors' temporary runs, however the writing ends
        try:
            WRITERS[report_format](result, sys.stdout)  # written as it is made: memory stays flat however long the report
            sys.stdout.flush()
        except BrokenPipeError:  # the reader stopped early (`| head`): the package was judged all the same
            _silence_stdout()
        except CannotRun as error:  # the errors kept in the temporary folder could not be read back
            sys.stdout.flush()
            return _cannot_run(str(error), "cannot-run", False)
    return verdict


def _list_checks(as_json: bool) -> int:
    if as_json:
        listing = [{"id": check_id, "summary": module.SUMMARY} for check_id, module in CHECKS.items()]
        sys.stdout.write(json.dumps(listing, indent=2, ensure_ascii=False) + "\n")
    else:
        width = max(map(len, CHECKS))
        sys.stdout.write("".join(f"{check_id:<{width}}  {module.SUMMARY}\n" for check_id, module in CHECKS.items()))
    sys.stdout.flush()
    return EXIT_OK


def _cannot_run(message: str, kind: str, wants_json: bool) -> int:
    """Report why the validator could not run: on stderr, and as a JSON document on stdout under --format json."""
    print(f"error: {visible_lines(message)}", file=sys.stderr)
    if wants_json:
        envelope = {"format_version": JSON_FORMAT_VERSION, "valid": None, "error": {"kind": kind, "message": message}}
        sys.stdout.write(json.dumps(envelope, indent=2, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return EXIT_CANNOT_RUN


def _wants_json(argv: list[str]) -> bool:
    # read before parsing, because parsing is what may fail
    return "--format=json" in argv or any(a == "--format" and b == "json" for a, b in itertools.pairwise(argv))


def _summary(handler: Callable) -> str:
    return (handler.__doc__ or "").strip().splitlines()[0] if handler.__doc__ else ""


def _silence_stdout() -> None:
    # The reader went away (`... | head`): point stdout at /dev/null so the final flush at exit stays quiet too.
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (tests capture it)
        pass
    finally:
        os.close(devnull)
