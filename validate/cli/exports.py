"""`python -m validate exports [PATH] [--dist DIR]`: build every output, or refuse with the validation report (validate/exports/)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import EXIT_INVALID, EXIT_OK, CannotRun
from ..reporters import render_text
from .arguments import Parser, add_package

SUMMARY = (
    "Build dist/ from a valid package; exit 1 with the report when the package is invalid, 2 when it "
    "cannot run (validation included)."
)


def build_parser(prog: str) -> argparse.ArgumentParser:
    """The parser of `exports`."""
    parser = Parser(
        prog=prog,
        description="Build every export (docs/exports.md lists them) from a valid package. "
        "Writes all outputs or none.",
    )
    add_package(parser)
    parser.add_argument(
        "--dist",
        default="dist",
        help="output folder (default: dist); exports replace only the files they wrote there before "
        "(listed in its .exports.json), and refuse a folder that is a link or holds the package",
    )
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Build the outputs and list them with their sizes."""
    from ..exports.build import (
        InvalidPackage,
        NotJudged,
        build,
    )  # here, not at the top: pandas, pyarrow and openpyxl would slow every `python -m validate`

    try:
        outputs = build(Path(args.path), Path(args.dist))
    except NotJudged as unfinished:  # as `validate` says it: exit 2, not a verdict on the package
        sys.stdout.write(render_text(unfinished.result))
        raise CannotRun(f"exports: not built, because {unfinished} (see above).") from None
    except InvalidPackage as invalid:
        sys.stdout.write(render_text(invalid.result))
        print("exports: not built, because the package is invalid (see above).", file=sys.stderr)
        return EXIT_INVALID
    except (OSError, ValueError) as error:
        raise CannotRun(f"cannot build the exports: {error}") from None
    for relative in sorted(outputs.files):
        path = outputs.folder / relative
        print(f"{path}  {path.stat().st_size:,} bytes")
    return EXIT_OK
