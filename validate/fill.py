"""Fill the derived columns: span offsets and context, and resource bytes and hashes.

`python -m validate fill [PATH]` reads the same files that people edit, computes
what can be derived from them, and rewrites only what changed, atomically:

- in spans.csv: `start_char`, `end_char`, `prefix`, `suffix` from `exact` (an existing `start_char`
  picks the occurrence when the text occurs more than once);
- in claim_sources.csv: `document_status`, and in claims.csv: `sourcing_level` (validate/sourcing.py);
- in datapackage.json: `bytes` and `hash` (`sha256:…`) of every resource.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .anchor import AnchorError, locate
from .csvio import parse_csv, render_csv, whole_number, write_atomically
from .sourcing import document_status, levels_by_claim


class FillError(Exception):
    """Filling could not be done; the message says which row and why."""


def fill_spans(package_dir: Path, spans_path: Path, documents_path: Path) -> bool:
    """Recompute offsets and context of every span; return True if spans.csv changed."""
    documents = parse_csv(documents_path.read_text(encoding="utf-8"))
    snapshots: dict[str, str] = {}
    for record in documents.records:
        if record.cells.get("snapshot_path"):
            snapshot = _inside(package_dir, record.cells["snapshot_path"], f"document {record.cells.get('document_id')!r}")
            snapshots[record.cells.get("document_id", "")] = snapshot.read_text(encoding="utf-8")
    spans = parse_csv(spans_path.read_text(encoding="utf-8"))
    rows = []
    for record in spans.records:
        row = dict(record.cells)
        text = snapshots.get(row["document_id"])
        if text is None:
            raise FillError(f"{spans_path.name} line {record.line}: document {row['document_id']!r} has no snapshot")
        near = whole_number(row.get("start_char"))
        try:
            anchor = locate(text, row["exact"], near=near)
        except AnchorError as error:
            raise FillError(f"{spans_path.name} line {record.line} ({row['span_id']}): {error}") from None
        row.update(start_char=str(anchor.start), end_char=str(anchor.end), prefix=anchor.prefix, suffix=anchor.suffix)
        rows.append(row)
    return write_atomically(spans_path, render_csv(spans.header, rows).encode("utf-8"))


def fill_sourcing(sources_path: Path, claims_path: Path, documents_path: Path) -> list[Path]:
    """Recompute each sourcing row's `document_status` and each claim's `sourcing_level`; return the files rewritten."""
    documents = {r.cells.get("document_id", ""): r.cells for r in parse_csv(documents_path.read_text(encoding="utf-8")).records}
    sources = parse_csv(sources_path.read_text(encoding="utf-8"))
    source_rows = [{**r.cells, "document_status": document_status(r.cells.get("document_id", ""), r.cells.get("copy_document_id", ""), documents)}
                   for r in sources.records]
    claims = parse_csv(claims_path.read_text(encoding="utf-8"))
    if "sourcing_level" not in claims.header:
        raise FillError(f"{claims_path.name}: the header has no sourcing_level column; add it where the schema puts it")
    levels = levels_by_claim([r.cells.get("claim_id", "") for r in claims.records], source_rows)
    claim_rows = [{**r.cells, "sourcing_level": levels[r.cells.get("claim_id", "")]} for r in claims.records]
    written = []
    for path, table, rows in ((sources_path, sources, source_rows), (claims_path, claims, claim_rows)):
        if write_atomically(path, render_csv(table.header, rows).encode("utf-8")):
            written.append(path)
    return written


def fill_descriptor(descriptor_path: Path) -> bool:
    """Set `bytes` and `hash` of every resource from its file; return True if changed."""
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list) or not all(isinstance(r, dict) and isinstance(r.get("path"), str) for r in resources):
        raise FillError(f"{descriptor_path.name}: `resources` must be a list of objects with a `path`; run `python -m validate` to see what is wrong")
    for resource in resources:
        data = _inside(descriptor_path.parent, resource["path"], f"resource {resource.get('name')!r}").read_bytes()
        resource["bytes"] = len(data)
        resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
    return write_atomically(descriptor_path, text.encode("utf-8"))


def _inside(package_dir: Path, relative: str, what: str) -> Path:
    root = package_dir.resolve()
    file = (root / relative).resolve()
    if not file.is_relative_to(root) or not file.is_file():
        raise FillError(f"{what}: {relative} is not a file inside the package")
    return file


def fill(descriptor_path: Path) -> list[str]:
    """Fill every derived column of the package; return the files that were rewritten."""
    if descriptor_path.is_dir():
        descriptor_path = descriptor_path / "datapackage.json"
    package_dir = descriptor_path.parent
    changed = []
    spans, documents = package_dir / "data" / "spans.csv", package_dir / "data" / "documents.csv"
    if spans.exists() and fill_spans(package_dir, spans, documents):
        changed.append(str(spans.relative_to(package_dir)))
    sources, claims = package_dir / "data" / "claim_sources.csv", package_dir / "data" / "claims.csv"
    if sources.exists() and claims.exists():
        changed += [str(path.relative_to(package_dir)) for path in fill_sourcing(sources, claims, documents)]
    if fill_descriptor(descriptor_path):
        changed.append(descriptor_path.name)
    return changed
