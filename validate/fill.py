"""Fill the derived columns: span offsets and context, and resource bytes and hashes.

`python -m validate fill [PATH]` reads the package through the same loader as the
validator (the one path rule, the limits), computes what can be derived, and rewrites
only what changed, all or nothing (validate/atomic.py):

- in the `spans` table: `start_char`, `end_char`, `prefix`, `suffix` from `exact` (an existing
  `start_char` picks the occurrence when the text occurs more than once), in the snapshots that
  the `documents` table names;
- in the `claim_sources` table: `document_status`, and in `claims`: `sourcing_level`
  (the rules are in validate/sourcing.py, stated once in the schemas);
- in the descriptor: `bytes` and `hash` (`sha256:…`) of every resource;
- in README.md and docs/*.md: the numbers between `<!--fill:NAME-->` markers (validate/docnumbers.py).

Everything is computed and checked first; on any problem nothing is written. `check=True`
writes nothing and returns what is stale instead.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import docnumbers
from .anchor import AnchorError, locate
from .atomic import write_all
from .canonical import NotCSV, normalize_csv
from .csvio import Table, parse_csv, render_csv, whole_number
from .dialect import refuse_misread
from .errors import CannotRun
from .limits import DEFAULT, LimitExceeded, Limits
from .package import Package, UnsafePath, load
from .sourcing import document_status, levels_by_claim


class FillError(Exception):
    """Filling could not be done; the message says which file or row and why."""


def fill(
    descriptor_path: Path, limits: Limits = DEFAULT, *, spans: bool = True, check: bool = False
) -> list[str]:
    """Fill every derived column of the package; return the files rewritten (package-relative).

    With `check`, write nothing and return what is stale: each file that would change, and for
    README.md and docs/*.md each stale number (`file:line: <!--fill:NAME--> says …`).
    """
    try:
        package = load(descriptor_path, limits)
    except CannotRun as error:
        raise FillError(str(error)) from None
    for resource in package.resources:  # every file must be readable before anything is computed
        if resource.data is None:
            why = next(
                (
                    e.message
                    for e in package.load_errors
                    if e.field == f"$.resources[{resource.index}].path" or e.file == resource.path
                ),
                "",
            )
            raise FillError(
                f"resource {resource.name!r} cannot be hashed: {why or 'its file could not be read.'} Nothing was written."
            )
    if spans:  # `fill_descriptor` (spans=False) only hashes; the `fill` command first refuses a broken form
        try:
            refuse_misread(package.load_errors, "fill")
        except CannotRun as error:
            raise FillError(str(error)) from None
        _refuse_non_canonical(package)
    planned: dict[Path, bytes] = {}
    spans_resource = package.resource("spans")
    if spans and spans_resource is not None:
        if spans_resource.table is None:
            why = next(
                (e.message for e in package.load_errors if e.file == spans_resource.path),
                "it cannot be parsed.",
            )
            raise FillError(f"the spans table cannot be read: {why} Nothing was written.")
        data = _filled_spans(package, spans_resource.path, spans_resource.table).encode("utf-8")
        planned[_target(package, spans_resource.path)] = data
        spans_resource.data = data  # hashed below as it will be written
    if spans:
        for resource, text in _filled_sourcing(package):
            data = text.encode("utf-8")
            planned[_target(package, resource.path)] = data
            resource.data = data
    stale: list[docnumbers.Stale] = []
    if spans:
        try:
            documents, stale = docnumbers.planned(package, _tables_as_filled(package, planned))
        except docnumbers.DocNumbersError as error:
            raise FillError(f"{error}. Nothing was written.") from None
        planned.update(documents)
    planned[package.descriptor_path] = _filled_descriptor(package)
    if check:
        documents_changed = {package.inside(file) for file in {s.file for s in stale}}
        return [
            str(path.relative_to(package.root))
            for path in planned
            if path not in documents_changed and _differs(path, planned[path])
        ] + [str(s) for s in stale]
    written = write_all(planned, base=package.root)
    return [str(path.relative_to(package.root)) for path in written]


def fill_descriptor(descriptor_path: Path, limits: Limits = DEFAULT) -> bool:
    """Set `bytes` and `hash` of every resource from its file; return True if the descriptor changed."""
    return bool(fill(descriptor_path, limits, spans=False))


def _differs(path: Path, data: bytes) -> bool:
    return not path.is_file() or path.read_bytes() != data


def _tables_as_filled(package: Package, planned: dict[Path, bytes]) -> dict[str, Table]:
    """Every readable table of the package as `fill` will leave it (the numbers count these)."""
    tables = {}
    for resource in package.resources:
        if resource.table is None:
            continue
        new = planned.get(_target(package, resource.path))
        tables[resource.name] = resource.table if new is None else parse_csv(new.decode("utf-8"))
    return tables


def _target(package: Package, relative: str) -> Path:
    try:
        package.inside(relative)
    except UnsafePath as error:  # changed since loading
        raise FillError(f"{relative}: {error}") from None
    return package.root / relative  # by its own name: write_all refuses a link on the way


def _filled_spans(package: Package, spans_path: str, spans: Table) -> str:
    """The spans table (read from `spans_path`) with offsets and context recomputed from `exact`."""
    documents_resource = package.resource("documents")
    documents = documents_resource.table if documents_resource else None
    if documents_resource is None or documents is None:
        raise FillError(
            "the package has no readable `documents` table, so the spans' snapshots are unknown"
        )
    by_path = {r.path: r for r in package.resources}
    snapshots: dict[str, str] = {}
    for record in documents.records:
        relative = record.cells.get("snapshot_path", "")
        if not relative:
            continue
        resource = by_path.get(relative)
        if resource is None or resource.text is None:
            raise FillError(
                f"{documents_resource.path} line {record.line}: the snapshot {relative!r} of document "
                f"{record.cells.get('document_id')!r} is not a readable resource of the package"
            )
        snapshots[record.cells.get("document_id", "")] = resource.text
    rows = []
    for record in spans.records:
        row = dict(record.cells)
        text = snapshots.get(row.get("document_id", ""))
        if text is None:
            known = any(
                d.cells.get("document_id") == row.get("document_id") for d in documents.records
            )
            problem = "has no snapshot" if known else f"does not exist in {documents_resource.path}"
            raise FillError(
                f"{spans_path} line {record.line}: document {row.get('document_id')!r} {problem}"
            )
        try:
            anchor = locate(text, row.get("exact", ""), near=whole_number(row.get("start_char")))
        except AnchorError as error:
            raise FillError(
                f"{spans_path} line {record.line} ({row.get('span_id')!r}): {error}"
            ) from None
        row.update(
            start_char=str(anchor.start),
            end_char=str(anchor.end),
            prefix=anchor.prefix,
            suffix=anchor.suffix,
        )
        rows.append(row)
    return render_csv(spans.header, rows)


def _filled_sourcing(package: Package) -> list:
    """`claim_sources` with each row's `document_status`, and `claims` with each claim's `sourcing_level`.

    Returns (resource, new text) pairs; nothing when the package has no claim_sources table.
    """
    sources, claims, documents = (
        package.resource("claim_sources"),
        package.resource("claims"),
        package.table("documents"),
    )
    if sources is None or claims is None:
        return []
    if sources.table is None or claims.table is None or documents is None:
        raise FillError(
            "the claims, claim_sources or documents table cannot be read, so sourcing levels cannot be derived. Nothing was written."
        )
    if "sourcing_level" not in claims.table.header:
        raise FillError(
            f"{claims.path}: the header has no sourcing_level column; add it where the schema puts it. Nothing was written."
        )
    by_id = {r.cells.get("document_id", ""): r.cells for r in documents.records}
    source_rows = [
        {
            **r.cells,
            "document_status": document_status(
                r.cells.get("document_id", ""), r.cells.get("copy_document_id", ""), by_id
            ),
        }
        for r in sources.table.records
    ]
    levels = levels_by_claim(
        [r.cells.get("claim_id", "") for r in claims.table.records], source_rows
    )
    claim_rows = [
        {**r.cells, "sourcing_level": levels[r.cells.get("claim_id", "")]}
        for r in claims.table.records
    ]
    return [
        (sources, render_csv(sources.table.header, source_rows)),
        (claims, render_csv(claims.table.header, claim_rows)),
    ]


def _filled_descriptor(package: Package) -> bytes:
    """The descriptor with `bytes` and `hash` set from every resource's (new) content."""
    descriptor = package.descriptor
    resources = descriptor.get("resources")
    if (
        not isinstance(resources, list)
        or not all(isinstance(r, dict) for r in resources)
        or len(package.resources) != len(resources)
    ):
        raise FillError(
            f"{package.descriptor_file}: `resources` must be a list of objects with a `path`; run `python -m validate` to see what is wrong"
        )
    for resource in package.resources:
        data = resource.data
        if data is None:  # `fill` refused unreadable files before computing anything
            raise FillError(
                f"resource {resource.name!r} cannot be hashed: its file could not be read. Nothing was written."
            )
        resource.descriptor["bytes"] = len(data)
        resource.descriptor["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    try:
        return (
            json.dumps(descriptor, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        ).encode("utf-8")
    except (UnicodeEncodeError, ValueError, LimitExceeded) as error:
        raise FillError(
            f"{package.descriptor_file} cannot be written back as UTF-8 JSON: {error}"
        ) from None


def _refuse_non_canonical(package: Package) -> None:
    """Raise FillError when a CSV is not in canonical form: its hash would record a broken file."""
    for resource in package.resources:
        data = (
            resource.data if resource.is_table else None
        )  # once: a large table's bytes are read again on each use
        if data is None:
            continue
        fields = resource.schema.get("fields") if isinstance(resource.schema, dict) else None
        try:
            normalized = normalize_csv(data, fields if isinstance(fields, list) else [])
        except NotCSV as error:
            raise FillError(f"{resource.path}: {error}") from None
        if normalized.data != data:
            raise FillError(
                f"{resource.path} is not in canonical form ({'; '.join(normalized.changes)}), so its hash would record a broken file; "
                "run `python -m validate normalize` (it fixes the form, then fills)"
            )
