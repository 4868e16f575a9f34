"""`python -m validate dictionary [PATH] [--update FILE]`: the data dictionary generated from the Table Schemas."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import datadict
from ..errors import EXIT_OK, CannotRun
from .arguments import Parser, add_package

SUMMARY = "Print the data dictionary generated from the Table Schemas, or update the copy in docs/data-dictionary.md."


def build_parser(prog: str) -> argparse.ArgumentParser:
    """The parser of `dictionary`."""
    parser = Parser(prog=prog, description="Generate the data dictionary from the Table Schemas.")
    add_package(parser)
    parser.add_argument(
        "--update",
        metavar="FILE",
        help="rewrite the block between the data-dictionary markers of this file",
    )
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Print the dictionary, or rewrite FILE's block and say whether it changed."""
    try:
        text = datadict.render(
            Path(args.path)
        )  # through the validator's loader: path rule and limits
        if args.update is None:
            sys.stdout.write(text)
            return EXIT_OK
        changed = datadict.update(Path(args.update), text)
    except (OSError, ValueError) as error:
        raise CannotRun(f"cannot build the data dictionary: {error}") from None
    print(f"rewrote: {args.update}" if changed else "nothing to change")
    return EXIT_OK
