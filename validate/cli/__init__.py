"""Command line: `python -m validate [PATH]`, plus the helper commands, one module each.

Exit codes: 0 the package is valid, 1 it is invalid, 2 the validator could not run.
Conventions follow check-jsonschema, frictionless and ruff: every command has its own
`--help`; `--select`/`--ignore` take comma lists; every listing is available as JSON;
under `--format json` even a usage error is a JSON document on standard output; a
closed pipe (`... | head`) ends the output quietly (validation still exits with its verdict).

A command module holds `SUMMARY` (its line in the main `--help`), `build_parser(prog)` and
`run_command(args) -> int`; it raises CannotRun when it cannot run, and `main` reports that
once, here. docs/cli.md is generated from the parsers (validate/cli/reference.py).
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from types import ModuleType

from ..errors import EXIT_CANNOT_RUN, EXIT_OK, CannotRun
from ..guard import guarded
from . import (
    anchor,
    claim_sources,
    dictionary,
    diff,
    exports,
    fill,
    normalize,
    release,
    rename_id,
    sentences,
    validate,
)
from .output import report_cannot_run, silence_stdout

# The helper commands by name; `python -m validate NAME ...` runs NAME's module.
SUBCOMMANDS: dict[str, ModuleType] = {
    "anchor": anchor,
    "claim-sources": claim_sources,
    "dictionary": dictionary,
    "diff": diff,
    "exports": exports,
    "fill": fill,
    "normalize": normalize,
    "release": release,
    "rename-id": rename_id,
    "sentences": sentences,
}

DEFAULT_PROG = "python -m validate"


def build_parser(prog: str = DEFAULT_PROG) -> argparse.ArgumentParser:
    """The parser of the main command, whose usage lists the helper commands."""
    width = max(map(len, SUBCOMMANDS))
    commands = "\n".join(
        f"  {name:<{width}}  {module.SUMMARY}" for name, module in SUBCOMMANDS.items()
    )
    return validate.build_parser(prog, commands)


def command_parser(name: str, prog: str = DEFAULT_PROG) -> argparse.ArgumentParser:
    """The parser of helper command `name`, as `prog name --help` shows it."""
    return SUBCOMMANDS[name].build_parser(f"{prog} {name}")


def main(argv: list[str] | None = None, prog: str = DEFAULT_PROG) -> int:
    """Run the command line; return the exit code (an unexpected exception is a bug: exit 2).

    `prog` is how the usage names the program. Never raises for a closed output pipe."""
    argv = sys.argv[1:] if argv is None else argv
    name = argv[0] if argv and argv[0] in SUBCOMMANDS else None
    return guarded(name or "validate", argv, lambda args: _dispatch(name, prog, args))


def script() -> int:
    """The `validate-dataset` console script: `main`, with the usage naming the script as it was called."""
    return main(prog=os.path.basename(sys.argv[0]))


def _dispatch(name: str | None, prog: str, argv: list[str]) -> int:
    command, rest = (SUBCOMMANDS[name], argv[1:]) if name else (validate, argv)
    try:
        parser = command_parser(name, prog) if name else build_parser(prog)
        try:
            args = parser.parse_args(rest)
        except SystemExit as exit_request:  # --help and --version (a usage error raises UsageError)
            return exit_request.code if isinstance(exit_request.code, int) else EXIT_OK
        return command.run_command(args)
    except CannotRun as error:
        # Only the validation report has a JSON error document; the helpers' JSON is a listing, not a report.
        report_cannot_run(error, as_json=command is validate and _wants_json(rest))
        return EXIT_CANNOT_RUN
    except BrokenPipeError:
        silence_stdout()
        return EXIT_OK


def _wants_json(argv: list[str]) -> bool:
    # read from the words, not the parsed arguments, because parsing is what may have failed
    return "--format=json" in argv or any(
        a == "--format" and b == "json" for a, b in itertools.pairwise(argv)
    )
