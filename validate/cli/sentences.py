"""`python -m validate sentences SNAPSHOT`: the sentences of a snapshot as the coverage check splits them."""

from __future__ import annotations

import argparse
import json

from ..errors import EXIT_OK
from ..safetext import text_report, visible
from ..sentences import split_sentences
from .arguments import Parser, read_named_file

SUMMARY = "Print the sentences of a snapshot as the coverage check splits them."


def build_parser(prog: str) -> argparse.ArgumentParser:
    """The parser of `sentences`."""
    parser = Parser(
        prog=prog, description="List the sentences of a snapshot with their line and offsets."
    )
    parser.add_argument(
        "snapshot", help="the snapshot file, e.g. sources/article-2025-02-04-bukele-cecot.txt"
    )
    parser.add_argument("--format", choices=["text", "json"], default="text")
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Print every sentence with its number, line and offsets."""
    sentences = split_sentences(read_named_file(args.snapshot))
    if args.format == "json":
        listing = [
            {"number": n, "line": s.line, "start_char": s.start, "end_char": s.end, "text": s.text}
            for n, s in enumerate(sentences, start=1)
        ]
        print(json.dumps(listing, ensure_ascii=False, indent=2))
        return EXIT_OK
    for number, s in enumerate(sentences, start=1):
        print(
            text_report(f"{number:>3}  line {s.line:>3}  [{s.start}, {s.end})  {visible(s.text)}")
        )
    return EXIT_OK
