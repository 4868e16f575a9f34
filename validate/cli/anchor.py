"""`python -m validate anchor SNAPSHOT --text EXACT`: where exact texts are in a snapshot. Read-only."""

from __future__ import annotations

import argparse
import json
import sys

from ..anchor import AnchorError, line_of, locate
from ..errors import EXIT_INVALID, EXIT_OK
from ..safetext import json_safe, text_report, visible_lines
from .arguments import Parser, read_named_file

SUMMARY = "Print start_char, end_char, prefix and suffix of exact texts in a snapshot. Read-only."


def build_parser(prog: str) -> argparse.ArgumentParser:
    """The parser of `anchor`."""
    parser = Parser(
        prog=prog,
        description="Locate exact texts in a snapshot and print their anchors (code points, end exclusive). "
        "Reads only; writes nothing.",
    )
    parser.add_argument(
        "snapshot", help="the snapshot file, e.g. sources/article-2025-02-04-bukele-cecot.txt"
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--text", help="the exact text to anchor")
    source.add_argument(
        "--file", help="a file with one exact text per line (use - for standard input)"
    )
    parser.add_argument(
        "--near",
        type=int,
        help="when the text occurs more than once, pick the occurrence nearest this offset",
    )
    parser.add_argument(
        "--prefix",
        help="when the text occurs more than once, pick the occurrence preceded by this text",
    )
    parser.add_argument("--format", choices=["text", "json"], default="text")
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Print the anchor of every text; exit 1 when one is not found, or found more than once with nothing to choose."""
    text = read_named_file(args.snapshot)
    if args.text is not None:
        wanted = [args.text]
    else:
        lines = (
            sys.stdin.readlines()
            if args.file == "-"
            else read_named_file(args.file, "text list").splitlines()
        )
        wanted = [line.rstrip("\n") for line in lines if line.strip()]
    code = EXIT_OK
    results = []
    for exact in wanted:
        try:
            a = locate(text, exact, near=args.near, prefix=args.prefix)
        except AnchorError as error:
            results.append({"exact": exact, "error": str(error)})
            code = EXIT_INVALID
            continue
        results.append(
            {
                "exact": a.exact,
                "start_char": a.start,
                "end_char": a.end,
                "line": line_of(text, a.start),
                "prefix": a.prefix,
                "suffix": a.suffix,
            }
        )
    if args.format == "json":
        print(json.dumps(json_safe(results), ensure_ascii=False, indent=2, allow_nan=False))
    else:
        for r in results:
            if "error" in r:
                print(text_report(f"error: {visible_lines(r['error'])}"))
            else:
                print(
                    f"start_char={r['start_char']} end_char={r['end_char']} line={r['line']} "
                    f"prefix={r['prefix']!r} exact={r['exact']!r} suffix={r['suffix']!r}"
                )
    return code
