"""Command line: `python -m validate [PATH]`, plus the helper commands."""

from __future__ import annotations

import sys

from .tools_cli import anchor_main, fill_main, sentences_main

SUBCOMMANDS = {"anchor": anchor_main, "fill": fill_main, "sentences": sentences_main}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in SUBCOMMANDS:
        return SUBCOMMANDS[argv[0]](argv[1:])
    raise NotImplementedError
