"""The helper commands: `anchor`, `sentences`, `fill` and `dictionary`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import datadict
from .anchor import AnchorError, line_of, locate
from .csvio import write_atomically
from .errors import EXIT_CANNOT_RUN, EXIT_INVALID, EXIT_OK
from .fill import FillError, fill
from .limits import DEFAULT, Limits, add_option
from .package import UnsafePath, read_regular
from .safetext import json_safe, text_report, visible, visible_lines
from .sentences import split_sentences


def _read_snapshot(path: str) -> str | None:
    """Read a file named on the command line: a regular file (a FIFO would hang), within the limits."""
    try:
        text = read_regular(Path(path).resolve(), DEFAULT, "file-bytes", path).decode("utf-8")  # a link named on the command line is the user's choice
        DEFAULT.check("snapshot-chars", len(text), f"{path} (snapshot-chars)")
        return text
    except (OSError, RuntimeError, ValueError, UnsafePath) as error:  # a link loop; LimitExceeded and UnicodeDecodeError are ValueErrors
        _fail(f"cannot read snapshot {path}: {error}")
        return None


def _fail(message: str) -> int:
    print(f"error: {visible_lines(message)}", file=sys.stderr)
    return EXIT_CANNOT_RUN


def anchor_main(argv: list[str]) -> int:
    """Print start_char, end_char, prefix and suffix of exact texts in a snapshot. Read-only."""
    parser = argparse.ArgumentParser(
        prog="python -m validate anchor",
        description="Locate exact texts in a snapshot and print their anchors (code points, end exclusive). "
        "Reads only; writes nothing.",
    )
    parser.add_argument("snapshot", help="the snapshot file, e.g. sources/article-2025-02-04-bukele-cecot.txt")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--text", help="the exact text to anchor")
    source.add_argument("--file", help="a file with one exact text per line (use - for standard input)")
    parser.add_argument("--near", type=int, help="when the text occurs more than once, pick the occurrence nearest this offset")
    parser.add_argument("--prefix", help="when the text occurs more than once, pick the occurrence preceded by this text")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args(argv)
    text = _read_snapshot(args.snapshot)
    if text is None:
        return EXIT_CANNOT_RUN
    if args.text is not None:
        wanted = [args.text]
    else:
        if args.file == "-":
            lines = sys.stdin.readlines()
        else:
            listed = _read_snapshot(args.file)
            if listed is None:
                return EXIT_CANNOT_RUN
            lines = listed.splitlines()
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
        results.append({"exact": a.exact, "start_char": a.start, "end_char": a.end, "line": line_of(text, a.start), "prefix": a.prefix, "suffix": a.suffix})
    if args.format == "json":
        print(json.dumps(json_safe(results), ensure_ascii=False, indent=2, allow_nan=False))
    else:
        for r in results:
            if "error" in r:
                print(text_report(f"error: {visible_lines(r['error'])}"))
            else:
                print(f"start_char={r['start_char']} end_char={r['end_char']} line={r['line']} "
                      f"prefix={r['prefix']!r} exact={r['exact']!r} suffix={r['suffix']!r}")
    return code


def sentences_main(argv: list[str]) -> int:
    """Print the sentences of a snapshot as the coverage check splits them."""
    parser = argparse.ArgumentParser(prog="python -m validate sentences", description="List the sentences of a snapshot with their line and offsets.")
    parser.add_argument("snapshot")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args(argv)
    text = _read_snapshot(args.snapshot)
    if text is None:
        return EXIT_CANNOT_RUN
    sentences = split_sentences(text)
    if args.format == "json":
        listing = [{"number": n, "line": s.line, "start_char": s.start, "end_char": s.end, "text": s.text} for n, s in enumerate(sentences, start=1)]
        print(json.dumps(listing, ensure_ascii=False, indent=2))
        return EXIT_OK
    for number, s in enumerate(sentences, start=1):
        print(text_report(f"{number:>3}  line {s.line:>3}  [{s.start}, {s.end})  {visible(s.text)}"))
    return EXIT_OK


def fill_main(argv: list[str]) -> int:
    """Fill derived columns (span offsets and context, sourcing levels and statuses; resource bytes and hashes)."""
    parser = argparse.ArgumentParser(
        prog="python -m validate fill",
        description="Compute span start_char/end_char/prefix/suffix from `exact`, claims' sourcing_level and claim_sources' document_status, "
        "and every resource's bytes and sha256 hash. "
        "Rewrites only files whose content changes, atomically.",
    )
    parser.add_argument("path", nargs="?", default="datapackage.json")
    add_option(parser)
    args = parser.parse_args(argv)
    try:
        changed = fill(Path(args.path), Limits.parse(args.limit))
    except FillError as error:
        return _fail(str(error))
    except (OSError, ValueError) as error:
        return _fail(f"cannot fill {args.path}: {error}; nothing was written")
    print(visible("rewrote: " + ", ".join(changed)) if changed else "nothing to change")
    return EXIT_OK


def dictionary_main(argv: list[str]) -> int:
    """Print the data dictionary generated from the Table Schemas, or update the copy in docs/data-dictionary.md."""
    parser = argparse.ArgumentParser(prog="python -m validate dictionary", description="Generate the data dictionary from the Table Schemas.")
    parser.add_argument("path", nargs="?", default="datapackage.json")
    parser.add_argument("--update", metavar="FILE", help="rewrite the block between the data-dictionary markers of this file")
    args = parser.parse_args(argv)
    try:
        text = datadict.render(Path(args.path))  # through the validator's loader: path rule and limits
        if args.update is None:
            sys.stdout.write(text)
            return EXIT_OK
        readme = read_regular(Path(args.update).resolve(), DEFAULT, "file-bytes", args.update).decode("utf-8")
        if datadict.START not in readme or datadict.END not in readme:
            return _fail(f"{args.update} has no {datadict.START} ... {datadict.END} block")
        changed = write_atomically(Path(args.update), datadict.replace_block(readme, text).encode("utf-8"))
    except (OSError, ValueError, UnsafePath) as error:
        return _fail(f"cannot build the data dictionary: {error}")
    print(f"rewrote: {args.update}" if changed else "nothing to change")
    return EXIT_OK
