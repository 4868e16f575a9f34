"""docs/cli.md: every command's `--help`, generated from the parsers themselves.

docs/cli.md calls `markdown()` from a cog block (cogapp, as sqlite-utils documents its
command line); `cog -r docs/cli.md` rewrites it, `make lint` (`cog --check`) fails when it is
stale, and tests/test_cli_docs.py compares it with `markdown()`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from . import DEFAULT_PROG, SUBCOMMANDS, build_parser, command_parser

# argparse wraps help at the terminal's width (COLUMNS); a fixed one keeps the page the same everywhere.
WIDTH = 100


def markdown() -> str:
    """The reference: the main command's help, then each helper command's, as `--help` prints them at WIDTH columns."""
    with _columns(WIDTH):
        helps = [(DEFAULT_PROG, build_parser().format_help())]
        helps += [
            (f"{DEFAULT_PROG} {name}", command_parser(name).format_help()) for name in SUBCOMMANDS
        ]
    return (
        "".join(f"\n## `{command}`\n\n```text\n{text.rstrip()}\n```\n" for command, text in helps)
        + "\n"
    )


@contextmanager
def _columns(width: int) -> Iterator[None]:
    before = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(width)
    try:
        yield
    finally:
        if before is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = before
