"""usage: what counts as a use is read from the schemas (foreign keys and polymorphic references), never listed by hand."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from validate import run

from .conftest import build_package


def _edit_csv(path: Path, change) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    change(rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _set(rows: list[list[str]], row_id: str, column: str, value: str) -> None:
    number = rows[0].index(column)
    next(row for row in rows[1:] if row[0] == row_id)[number] = value


def _add_entity(root: Path, entity_id: str) -> None:
    _edit_csv(root / "data" / "entities.csv", lambda rows: rows.append([entity_id, *rows[-1][1:]]))


def _edit_schema(root: Path, table: str, change) -> None:
    path = root / "schemas" / f"{table}.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    change(schema)
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")


def _usage(descriptor: Path) -> list[tuple[str, str, int, str, str]]:
    with run(descriptor, select=["usage"]) as result:
        return [(e.code, e.file, e.line, e.field, e.message) for e in result.errors]


def test_a_span_mention_is_a_use_and_its_removal_is_reported(tmp_path):
    descriptor = build_package(tmp_path / "package")
    spans = descriptor.parent / "data" / "spans.csv"
    _edit_csv(
        descriptor.parent / "data" / "images.csv",
        lambda rows: _set(rows, "img-001", "agency_entity_id", ""),
    )
    assert _usage(descriptor) == []  # spn-0007 still mentions ent-afp
    _edit_csv(spans, lambda rows: _set(rows, "spn-0007", "target_id", "ent-nayib-bukele"))
    assert _usage(descriptor) == [
        (
            "unused-entity",
            "data/entities.csv",
            4,
            "entity_id",
            "ent-afp is not used by any record or span.",
        )
    ]


def test_a_span_naming_another_table_is_no_use(tmp_path):
    descriptor = build_package(tmp_path / "package")
    _edit_csv(
        descriptor.parent / "data" / "images.csv",
        lambda rows: _set(rows, "img-001", "agency_entity_id", ""),
    )
    _edit_csv(
        descriptor.parent / "data" / "spans.csv",
        lambda rows: _set(rows, "spn-0007", "target_table", "claims"),
    )
    assert [error[:3] for error in _usage(descriptor)] == [
        ("unused-entity", "data/entities.csv", 4)
    ]


def test_a_foreign_key_a_schema_adds_is_a_use(tmp_path):
    descriptor = build_package(tmp_path / "package")
    root = descriptor.parent
    _add_entity(root, "ent-new")
    _edit_csv(root / "data" / "claims.csv", lambda rows: _set(rows, "clm-001", "notes", "ent-new"))
    assert [error[:3] for error in _usage(descriptor)] == [
        ("unused-entity", "data/entities.csv", 5)
    ]
    _edit_schema(
        root,
        "claims",
        lambda schema: schema["foreignKeys"].append(
            {"fields": "notes", "reference": {"resource": "entities", "fields": "entity_id"}}
        ),
    )
    assert _usage(descriptor) == []


def test_unused_documents_are_reported_by_their_key(tmp_path):
    descriptor = build_package(tmp_path / "package")
    root = descriptor.parent
    _edit_csv(
        root / "data" / "documents.csv", lambda rows: rows.append(["doc-other", *rows[-1][1:]])
    )
    assert [error[:4] for error in _usage(descriptor)] == [
        ("unused-document", "data/documents.csv", 3, "document_id")
    ]


def test_nothing_is_said_while_a_referencing_table_has_no_key(tmp_path):
    descriptor = build_package(tmp_path / "package")
    root = descriptor.parent
    _add_entity(root, "ent-new")
    _edit_schema(root, "quotes", lambda schema: schema.pop("primaryKey"))
    assert _usage(descriptor) == []
