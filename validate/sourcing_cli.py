"""`python -m validate claim-sources [PATH] [--write]`: propose each claim's sourcing rows for review.

Without `--write` it only reads, and prints the rows the derivation proposes that the table
lacks (`+`) and the rows of the table it does not propose (`-`, kept by hand review or
stale); exit 0 when they agree, 1 when they differ. With `--write` it (re)writes
data/claim_sources.csv from the derivation, keeping the ID, notes and provenance of every
row that it proposes again, and then fills the derived columns and hashes as `fill` does.
The tables are read through the package loader (its path rule and limits), like every command.
"""

from __future__ import annotations

import argparse
import sys

from . import sourcing
from .atomic import write_all
from .csvio import render_csv
from .errors import EXIT_CANNOT_RUN, EXIT_INVALID, EXIT_OK, CannotRun
from .fill import FillError, fill
from .package import Package, UnsafePath, load
from .safetext import text_report, visible, visible_lines

TABLES = ("claims", "quotes", "lineage", "spans", "documents", "quote_wordings")
TARGET = "claim_sources"


class _Unreadable(Exception):
    """A table the derivation needs cannot be read."""


def _rows(package: Package, name: str) -> list[dict[str, str]]:
    resource = package.resource(name)
    if resource is None:
        return []
    if resource.table is None:
        why = next((e.message for e in package.load_errors if e.file == resource.path or e.field == f"$.resources[{resource.index}].path"), "")
        raise _Unreadable(f"the {name} table cannot be read{': ' + why if why else ''}; `python -m validate` says why")
    return [dict(r.cells) for r in resource.table.records]


def merge(proposed: list[dict[str, str]], existing: list[dict[str, str]], created_by: str, created_at: str) -> list[dict[str, str]]:
    """The proposed rows, each keeping the ID, notes and provenance of the existing row with its key.

    A new row gets the number after the highest in the table (an ID deleted from the table
    is not known here: keep rows and explain them in `notes` rather than delete them).
    """
    kept = {sourcing.key(row): row for row in existing}
    numbers = [int(r["claim_source_id"][4:]) for r in existing if r.get("claim_source_id", "")[4:].isdigit()]
    next_number = max(numbers, default=0) + 1
    rows = []
    for row in proposed:
        old = kept.get(sourcing.key(row))
        if old is not None:
            row = {**old, **row}
        else:
            row = {**row, "claim_source_id": f"csr-{next_number:04d}", "notes": "", "created_by": created_by,
                   "created_at": created_at, "method": "helper-computed"}
            next_number += 1
        rows.append(row)
    return rows


def main(argv: list[str]) -> int:
    """Compare (or with --write, rewrite) data/claim_sources.csv against the derivation."""
    parser = argparse.ArgumentParser(prog="python -m validate claim-sources",
                                     description="Propose each claim's sourcing rows from quotes, lineage and span overlap; "
                                     "print the difference with data/claim_sources.csv, or --write it.")
    parser.add_argument("path", nargs="?", default="datapackage.json", help="datapackage.json or its folder")
    parser.add_argument("--write", action="store_true", help="rewrite data/claim_sources.csv from the derivation (keeps reviewed notes)")
    parser.add_argument("--created-by", default="dataset-team", help="created_by of new rows")
    parser.add_argument("--created-at", default="", help="created_at of new rows (YYYY-MM-DD; required with --write)")
    args = parser.parse_args(argv)
    try:
        package = load(args.path)
        tables = {name: _rows(package, name) for name in TABLES}
        existing = _rows(package, TARGET)
    except (CannotRun, _Unreadable) as error:
        return _fail(str(error))
    proposed = sourcing.derive(tables)
    if args.write:
        if not args.created_at:
            return _fail("--write needs --created-at YYYY-MM-DD for the new rows")
        target = package.resource(TARGET)
        fields = target.schema.get("fields") if target is not None and isinstance(target.schema, dict) else None
        if target is None or not isinstance(fields, list):
            return _fail(f"the package has no {TARGET} resource with a schema; add it to the descriptor first")
        header = [f.get("name", "") for f in fields if isinstance(f, dict)]
        rows = merge(proposed, existing, args.created_by, args.created_at)
        try:
            written = write_all({package.inside(target.path): render_csv(header, rows).encode("utf-8")})
            filled = fill(package.descriptor_path)
        except (UnsafePath, OSError, FillError) as error:
            return _fail(str(error))
        print(text_report(visible(f"wrote {len(rows)} rows to {target.path}" if written else f"{target.path}: nothing to change")))
        if filled:
            print(text_report(visible("fill: rewrote " + ", ".join(filled))))
        return EXIT_OK
    wanted, have = {sourcing.key(r) for r in proposed}, {sourcing.key(r) for r in existing}
    for mark, keys in (("+", [sourcing.key(r) for r in proposed if sourcing.key(r) not in have]),
                       ("-", [sourcing.key(r) for r in existing if sourcing.key(r) not in wanted])):
        for k in keys:
            print(text_report(visible(mark + " " + " ".join(f"{name}={value!r}" for name, value in zip(sourcing.KEY_FIELDS, k, strict=True)))))
    return EXIT_OK if wanted == have else EXIT_INVALID


def _fail(message: str) -> int:
    print(f"error: {visible_lines(message)}", file=sys.stderr)
    return EXIT_CANNOT_RUN
