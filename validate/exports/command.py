"""`python -m validate exports [PATH] [--dist DIR]`: build every output, or refuse with the validation summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import EXIT_CANNOT_RUN, EXIT_INVALID, EXIT_OK, CannotRun
from ..reporters import render_text
from ..safetext import visible_lines


def main(argv: list[str]) -> int:
    """Build dist/ from a valid package; exit 1 with the report when the package is invalid, 2 when it cannot run."""
    parser = argparse.ArgumentParser(prog="python -m validate exports",
                                     description="Build every export (docs/exports.md lists them) from a valid package. "
                                     "Writes all outputs or none.")
    parser.add_argument("path", nargs="?", default="datapackage.json", help="datapackage.json or its folder")
    parser.add_argument("--dist", default="dist", help="output folder, replaced whole (default: dist)")
    args = parser.parse_args(argv)
    from .build import InvalidPackage, build  # here, not at the top: pandas, pyarrow and openpyxl would slow every `python -m validate`

    try:
        outputs = build(Path(args.path), Path(args.dist))
    except InvalidPackage as invalid:
        sys.stdout.write(render_text(invalid.result))
        print("exports: not built, because the package is invalid (see above).", file=sys.stderr)
        return EXIT_INVALID
    except CannotRun as error:
        print(f"error: {visible_lines(error)}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    except (OSError, ValueError) as error:
        print(f"error: cannot build the exports: {visible_lines(error)}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    for path in sorted(outputs.folder.rglob("*")):
        if path.is_file():
            print(f"{path}  {path.stat().st_size:,} bytes")
    return EXIT_OK
