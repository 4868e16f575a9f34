"""`python -m validate claim-sources [PATH] [--write]`: propose each claim's sourcing rows for review.

Without `--write` it only reads, and prints the rows the derivation proposes that the table
lacks (`+`) and the rows of the table it does not propose (`-`, kept by hand review or
stale); exit 0 when they agree, 1 when they differ. With `--write` it (re)writes
data/claim_sources.csv from the derivation, keeping the ID, notes and provenance of every
row that it proposes again, and then the derived columns are filled as `fill` fills them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import sourcing
from .csvio import parse_csv, render_csv, write_atomically
from .errors import EXIT_CANNOT_RUN, EXIT_INVALID, EXIT_OK

TABLES = ("claims", "quotes", "lineage", "spans", "documents", "quote_wordings")
HEADER = ["claim_source_id", "claim_id", "basis", "document_id", "document_status", "copy_document_id", "evidence_table", "evidence_id",
          "notes", "created_by", "created_at", "method"]


def _read(path: Path) -> list[dict[str, str]]:
    return [dict(r.cells) for r in parse_csv(path.read_text(encoding="utf-8")).records] if path.is_file() else []


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
    root = Path(args.path)
    root = root if root.is_dir() else root.parent
    try:
        tables = {name: _read(root / "data" / f"{name}.csv") for name in TABLES}
        target = root / "data" / "claim_sources.csv"
        existing = _read(target)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        print(f"error: cannot read the tables under {root / 'data'}: {error}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    proposed = sourcing.derive(tables)
    if args.write:
        if not args.created_at:
            print("error: --write needs --created-at YYYY-MM-DD for the new rows", file=sys.stderr)
            return EXIT_CANNOT_RUN
        rows = merge(proposed, existing, args.created_by, args.created_at)
        write_atomically(target, render_csv(HEADER, rows).encode("utf-8"))
        print(f"wrote {len(rows)} rows to {target.name}")
        return EXIT_OK
    wanted, have = {sourcing.key(r) for r in proposed}, {sourcing.key(r) for r in existing}
    for mark, keys in (("+", [sourcing.key(r) for r in proposed if sourcing.key(r) not in have]),
                       ("-", [sourcing.key(r) for r in existing if sourcing.key(r) not in wanted])):
        for k in keys:
            print(mark, " ".join(f"{name}={value!r}" for name, value in zip(sourcing.KEY_FIELDS, k, strict=True)))
    return EXIT_OK if wanted == have else EXIT_INVALID
