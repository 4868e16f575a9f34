"""Fill the derived columns: span offsets and context, and resource bytes and hashes.

`python -m validate fill [PATH]` reads the same files that people edit, computes
what can be derived from them, and rewrites only what changed, atomically:

- in spans.csv: `start_char`, `end_char`, `prefix`, `suffix` from `exact` (an existing `start_char`
  picks the occurrence when the text occurs more than once);
- in datapackage.json: `bytes` and `hash` (`sha256:…`) of every resource.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .anchor import AnchorError, locate
from .canonical import NotCSV, normalize_csv
from .csvio import parse_csv, render_csv, whole_number, write_atomically
from .errors import CannotRun
from .package import load


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
            known = any(d.cells.get("document_id") == row["document_id"] for d in documents.records)
            problem = "has no snapshot" if known else f"does not exist in {documents_path.name}"
            raise FillError(f"{spans_path.name} line {record.line}: document {row['document_id']!r} {problem}")
        near = whole_number(row.get("start_char"))
        try:
            anchor = locate(text, row["exact"], near=near)
        except AnchorError as error:
            raise FillError(f"{spans_path.name} line {record.line} ({row['span_id']}): {error}") from None
        row.update(start_char=str(anchor.start), end_char=str(anchor.end), prefix=anchor.prefix, suffix=anchor.suffix)
        rows.append(row)
    return write_atomically(spans_path, render_csv(spans.header, rows).encode("utf-8"))


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
    refuse_non_canonical(descriptor_path)
    package_dir = descriptor_path.parent
    changed = []
    spans, documents = package_dir / "data" / "spans.csv", package_dir / "data" / "documents.csv"
    if spans.exists() and fill_spans(package_dir, spans, documents):
        changed.append(str(spans.relative_to(package_dir)))
    if fill_descriptor(descriptor_path):
        changed.append(descriptor_path.name)
    return changed


def refuse_non_canonical(descriptor_path: Path) -> None:
    """Raise FillError when a CSV is not in canonical form: its hash would record a broken file."""
    try:
        package = load(descriptor_path)
    except CannotRun as error:
        raise FillError(str(error)) from None
    for resource in package.resources:
        if not resource.is_table or resource.data is None:
            continue
        fields = resource.schema.get("fields") if isinstance(resource.schema, dict) else None
        try:
            normalized = normalize_csv(resource.data, fields if isinstance(fields, list) else [])
        except NotCSV as error:
            raise FillError(f"{resource.path}: {error}") from None
        if normalized.data != resource.data:
            raise FillError(f"{resource.path} is not in canonical form ({'; '.join(normalized.changes)}), so its hash would record a broken file; "
                            "run `python -m validate normalize` (it fixes the form, then fills)")
