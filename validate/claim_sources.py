"""The claim_sources table from the derivation: what it proposes, what differs, and the rewrite.

`derivation` reads the tables through the package loader (its path rule and limits), like
every command; `difference` lists the rows the derivation proposes that the table lacks and
the rows of the table it does not propose (kept by hand review, or stale); `write` (re)writes
the table from the derivation, keeping the ID, notes and provenance of every row that it
proposes again, and then fills the derived columns and hashes as `fill` does.
`python -m validate claim-sources` (validate/cli/claim_sources.py) is the command.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import sourcing
from .atomic import write_all
from .csvio import render_csv
from .dialect import refuse_misread
from .errors import CannotRun
from .fill import FillError, fill
from .package import Package, UnsafePath, load

TABLES = ("claims", "quotes", "lineage", "spans", "documents", "quote_wordings")
TARGET = "claim_sources"


@dataclass(frozen=True)
class Derivation:
    """The package, the rows the derivation proposes and the rows the table holds."""

    package: Package
    proposed: list[dict[str, str]]
    existing: list[dict[str, str]]


@dataclass(frozen=True)
class Written:
    """What `write` did: the table's path, its row count, whether it changed, and the files fill rewrote."""

    path: str
    rows: int
    changed: bool
    filled: list[str]


def derivation(path: str | Path) -> Derivation:
    """Load the package and derive its claim_sources rows; raise CannotRun when a table it needs cannot be read."""
    package = load(path)
    refuse_misread(package.load_errors, "claim-sources")
    tables = {name: _rows(package, name) for name in TABLES}
    # A span without offsets covers no words yet, so every claim on it would get an `unknown` row.
    unfilled = [s.get("span_id", "") for s in tables["spans"] if not s.get("end_char")]
    if unfilled:
        raise CannotRun(
            f"{len(unfilled)} span(s) have no offsets yet ({', '.join(unfilled[:3])}"
            f"{', …' if len(unfilled) > 3 else ''}): run `python -m validate fill` first, "
            "so that the words of their records are known"
        )
    return Derivation(package, sourcing.derive(tables), _rows(package, TARGET))


def difference(derived: Derivation) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """The keys the derivation proposes that the table lacks, and the keys of the table it does not propose."""
    wanted, have = (
        {sourcing.key(r) for r in derived.proposed},
        {sourcing.key(r) for r in derived.existing},
    )
    return (
        [sourcing.key(r) for r in derived.proposed if sourcing.key(r) not in have],
        [sourcing.key(r) for r in derived.existing if sourcing.key(r) not in wanted],
    )


def write(derived: Derivation, created_by: str, created_at: str) -> Written:
    """Rewrite the claim_sources table from the derivation, then fill; raise CannotRun when it cannot."""
    if not created_at:
        raise CannotRun("--write needs --created-at YYYY-MM-DD for the new rows")
    package = derived.package
    target = package.resource(TARGET)
    fields = (
        target.schema.get("fields")
        if target is not None and isinstance(target.schema, dict)
        else None
    )
    if target is None or not isinstance(fields, list):
        raise CannotRun(
            f"the package has no {TARGET} resource with a schema; add it to the descriptor first"
        )
    header = [f.get("name", "") for f in fields if isinstance(f, dict)]
    rows = merge(derived.proposed, derived.existing, created_by, created_at)
    try:
        written = write_all({package.inside(target.path): render_csv(header, rows).encode("utf-8")})
        filled = fill(package.descriptor_path)
    except (UnsafePath, OSError, FillError) as error:
        raise CannotRun(str(error)) from None
    return Written(target.path, len(rows), bool(written), filled)


def merge(
    proposed: list[dict[str, str]], existing: list[dict[str, str]], created_by: str, created_at: str
) -> list[dict[str, str]]:
    """The proposed rows, each keeping the ID, notes and provenance of the existing row with its key.

    A new row gets the number after the highest in the table (an ID deleted from the table
    is not known here: keep rows and explain them in `notes` rather than delete them).
    """
    kept = {sourcing.key(row): row for row in existing}
    numbers = [
        int(r["claim_source_id"][4:])
        for r in existing
        if r.get("claim_source_id", "")[4:].isdigit()
    ]
    next_number = max(numbers, default=0) + 1
    rows = []
    for row in proposed:
        old = kept.get(sourcing.key(row))
        if old is not None:
            row = {**old, **row}
        else:
            row = {
                **row,
                "claim_source_id": f"csr-{next_number:04d}",
                "notes": "",
                "created_by": created_by,
                "created_at": created_at,
                "method": "helper-computed",
            }
            next_number += 1
        rows.append(row)
    return rows


def _rows(package: Package, name: str) -> list[dict[str, str]]:
    resource = package.resource(name)
    if resource is None:
        return []
    if resource.table is None:
        why = next(
            (
                e.message
                for e in package.load_errors
                if e.file == resource.path or e.field == f"$.resources[{resource.index}].path"
            ),
            "",
        )
        raise CannotRun(
            f"the {name} table cannot be read{': ' + why if why else ''}; `python -m validate` says why"
        )
    return [dict(r.cells) for r in resource.table.records]
