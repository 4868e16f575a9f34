"""`python -m validate normalize`: put every CSV back into canonical form, then fill.

After a spreadsheet or dataframe round-trip, a file differs from the canonical form only
in form (see `validate.canonical`); this command undoes that, file by file, says what it
changed, and then refreshes the derived fields (`fill`). With `--check` it changes
nothing and exits 1 when anything would change (for pre-commit hooks and CI).
"""

from __future__ import annotations

import argparse
import hashlib
import sys

from .atomic import write_all
from .canonical import NotCSV, normalize_csv
from .errors import EXIT_CANNOT_RUN, EXIT_INVALID, EXIT_OK, CannotRun
from .fill import FillError, fill
from .package import Package, load
from .safetext import text_report, visible, visible_lines


def plan(package: Package) -> tuple[dict[str, tuple[bytes, list[str]]], list[str]]:
    """Return {resource path: (canonical bytes, changes)} for every CSV that would change, and the problems that stop it."""
    planned, problems = {}, []
    for resource in package.resources:
        if not resource.is_table:
            continue
        data = resource.data  # once: a large table's bytes are read again on each use
        if data is None:
            problems.append(f"{resource.path or resource.name}: cannot be read; run `python -m validate` to see why")
            continue
        fields = resource.schema.get("fields") if isinstance(resource.schema, dict) else None
        try:
            result = normalize_csv(data, fields if isinstance(fields, list) else [])
        except NotCSV as error:
            problems.append(f"{resource.path}: {error}")
            continue
        if result.data != data:
            planned[resource.path] = (result.data, result.changes)
    return planned, problems


def stale_hashes(package: Package, planned: dict[str, tuple[bytes, list[str]]]) -> list[str]:
    """Resources whose recorded bytes or hash would not match their canonical file."""
    stale = []
    for resource in package.resources:
        data = planned[resource.path][0] if resource.path in planned else resource.data
        if data is None:
            continue
        if resource.descriptor.get("hash") != "sha256:" + hashlib.sha256(data).hexdigest() or resource.descriptor.get("bytes") != len(data):
            stale.append(resource.path)
    return stale


def main(argv: list[str]) -> int:
    """Put every CSV back into canonical form (after a spreadsheet or pandas round-trip), then fill."""
    parser = argparse.ArgumentParser(
        prog="python -m validate normalize",
        description="Undo what spreadsheets and dataframes do to a CSV when they save it: byte order mark, CR LF line endings, "
        "quotes around every cell, NaN/None/NULL for an empty cell, an unnamed index column, white space around header names, "
        "columns out of the schema's order, 2025.0 for 2025, non-NFC text. Then recompute the derived fields (fill). "
        "Reports every change, file by file; writes all files or none.",
    )
    parser.add_argument("path", nargs="?", default="datapackage.json", help="datapackage.json or its folder (default: ./datapackage.json)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if anything would change")
    args = parser.parse_args(argv)
    try:
        package = load(args.path)
    except CannotRun as error:
        return _fail(str(error))
    planned, problems = plan(package)
    for path, (_, changes) in planned.items():
        print(text_report(visible(f"{path}: " + "; ".join(changes))))
    if problems:
        for problem in problems:
            print(f"error: {visible_lines(problem)}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    if args.check:
        stale = stale_hashes(package, planned)
        for path in stale:
            print(text_report(visible(f"{package.descriptor_file}: the bytes or hash of {path} would be refreshed")))
        if planned or stale:
            print("would change the files above; run `python -m validate normalize` (or `make normalize`)")
            return EXIT_INVALID
        print("nothing to change")
        return EXIT_OK
    try:
        write_all({package.root / path: data for path, (data, _) in planned.items()})
        filled = fill(package.descriptor_path)
    except FillError as error:
        return _fail(f"normalised, but fill could not finish: {error}")
    except OSError as error:
        return _fail(f"cannot write: {error}")
    if filled:
        print(text_report(visible("fill: rewrote " + ", ".join(filled))))
    if not planned and not filled:
        print("nothing to change")
    return EXIT_OK


def _fail(message: str) -> int:
    print(f"error: {visible_lines(message)}", file=sys.stderr)
    return EXIT_CANNOT_RUN
