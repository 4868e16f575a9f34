"""The table engine and the data model: specific bad input, specific error (check, code, line, row, field)."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from validate import run
from validate.model import from_package
from validate.package import load

from .conftest import REPO


def _edit(descriptor: Path, table: str, edits: dict[tuple[int, str], str]) -> None:
    """Set cells of data/<table>.csv: {(data row index from 0, column): value}."""
    path = descriptor.parent / "data" / f"{table}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    for (row, column), value in edits.items():
        rows[row + 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _table_errors(descriptor: Path, **options) -> list:
    return [e for e in run(descriptor, select=["table-frictionless"], **options).errors]


def test_model_reads_keys_and_references_from_the_schemas():
    model = from_package(load(REPO / "datapackage.json"))
    assert model.key("claims") == "claim_id" and model.key("quote_wordings") == "wording_id"
    assert model.referencing("entities")["images"] == ["creator_entity_id", "agency_entity_id"]
    assert model.referencing("documents")["documents"] == [
        "derived_from_document_id"
    ]  # a reference to its own table
    spans = next(p for p in model.polymorphic if p.table == "spans")
    assert (spans.table_field, spans.id_field) == (
        "target_table",
        "target_id",
    ) and "findings" in spans.targets


@pytest.mark.parametrize("engine", ["duckdb", "frictionless"])
def test_missing_id_is_reported_with_every_place_and_the_closest_id(minimal_package, engine):
    _edit(
        minimal_package,
        "claims",
        {(0, "subject_entity_id"): "ent-nayib-bukel", (1, "subject_entity_id"): "ent-nayib-bukel"},
    )
    errors = _table_errors(minimal_package, engine=engine)
    assert [(e.code, e.file, e.line, e.row, e.field) for e in errors] == [
        ("foreign-key", "data/claims.csv", 2, 2, "subject_entity_id"),
        ("foreign-key", "data/claims.csv", 3, 3, "subject_entity_id"),
    ]
    assert errors[0].message == (
        "subject_entity_id = 'ent-nayib-bukel' is not an ID of entities.entity_id; it is referenced 2 times: "
        "data/claims.csv lines 2, 3. Did you mean 'ent-nayib-bukele'?"
    )


def test_empty_derived_field_says_to_run_fill(minimal_package):
    _edit(minimal_package, "spans", {(0, "start_char"): ""})
    [error] = _table_errors(minimal_package)
    assert (error.code, error.file, error.line, error.row, error.field) == (
        "constraint-error",
        "data/spans.csv",
        2,
        2,
        "start_char",
    )
    assert "python -m validate fill" in error.hint and "derived" in error.message


def test_placeholder_for_no_value_is_named(minimal_package):
    _edit(minimal_package, "documents", {(0, "snapshot_code_points"): "NULL"})
    [error] = _table_errors(minimal_package)
    assert (error.code, error.line, error.field) == ("type-error", 2, "snapshot_code_points")
    assert "'NULL' is a placeholder for 'no value'" in error.message


def test_errors_are_capped_per_check_and_code_with_the_rest_counted(minimal_package):
    _edit(
        minimal_package, "claims", {(0, "document_id"): "doc-none", (1, "document_id"): "doc-none"}
    )
    errors = _table_errors(minimal_package, max_errors=1)
    assert [(e.code, e.line) for e in errors] == [("foreign-key", 2), ("more-errors", None)]
    assert errors[1].message.startswith(
        "1 more table-frictionless/foreign-key problem(s) not listed: 2 in all"
    )
    assert len(_table_errors(minimal_package, max_errors=0)) == 2


def _set_constraint(descriptor: Path, table: str, field: str, name: str, value) -> None:
    path = descriptor.parent / "schemas" / f"{table}.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == field).setdefault("constraints", {})[name] = (
        value
    )
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")


@pytest.mark.parametrize("engine", ["duckdb", "frictionless"])
def test_a_backtracking_pattern_is_judged_in_linear_time(minimal_package, engine):
    # Python's re takes for ever on this pattern and cell; RE2 answers at once, in both engines
    _set_constraint(minimal_package, "entities", "notes", "pattern", "^(a+)+$")
    _edit(minimal_package, "entities", {(0, "notes"): "a" * 40 + "!"})
    command = [
        sys.executable,
        "-m",
        "validate",
        "--select",
        "table-frictionless",
        "--engine",
        engine,
        "--format",
        "json",
        str(minimal_package),
    ]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 1, finished.stderr
    [error] = json.loads(finished.stdout)["errors"]
    assert (error["code"], error["line"], error["field"]) == ("constraint-error", 2, "notes")


@pytest.mark.parametrize("engine", ["duckdb", "frictionless"])
def test_a_pattern_re2_cannot_run_is_refused_with_the_reason(minimal_package, engine):
    _set_constraint(minimal_package, "entities", "notes", "pattern", "^(?=a).*$")
    [error] = _table_errors(minimal_package, engine=engine)
    assert (error.code, error.file) == ("engine-refused", "data/entities.csv")
    assert "RE2" in error.message


def test_a_run_imports_only_what_it_uses():
    probe = (
        "import sys; from validate import run; run(sys.argv[1], select=['canonical-form']); "
        "print(sorted(m for m in ('duckdb', 'pyarrow', 'frictionless') if m in sys.modules))"
    )
    finished = subprocess.run(
        [sys.executable, "-c", probe, str(REPO / "datapackage.json")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.stdout.strip() == "['duckdb']", (
        finished.stderr
    )  # every table is in DuckDB; a small package needs no pyarrow


def test_schema_values_never_reach_sql_as_text(minimal_package):
    # enum values made of SQL syntax are bound parameters (and columns are renamed c0..): no injection, exact comparison
    _set_constraint(minimal_package, "entities", "notes", "enum", ["it's", "x' OR '1'='1"])
    _edit(minimal_package, "entities", {(0, "notes"): "it's", (1, "notes"): "x"})
    errors = _table_errors(minimal_package)
    assert [(e.code, e.line, e.field) for e in errors] == [("constraint-error", 3, "notes")]


def test_documented_difference_top_level_alternation():
    # docs/engine.md, difference 1: frictionless builds ^a|b$ (so "ab" passes: it starts with a); RE2 here anchors the whole
    from frictionless import fields

    assert fields.StringField(name="x", constraints={"pattern": "a|b"}).read_cell("ab")[1] is None
    from validate.engine.cells import full_pattern

    assert full_pattern("a|b").search("ab") is None and full_pattern("a|b").search("b")


def test_every_compiled_rule_and_code_is_documented():
    from validate.checks.table_frictionless import _HINTS
    from validate.engine.compiler import _SUPPORTED

    guide = (REPO / "docs" / "engine.md").read_text(encoding="utf-8")
    for rule in set().union(*_SUPPORTED.values()):
        assert f"`{rule}`" in guide, rule
    for code in ("engine-refused", "more-errors", "resource-error"):
        assert f"`{code}`" in guide or code in _HINTS, code


def _places(descriptor: Path) -> list[tuple]:
    return [(e.code, e.file, e.line, e.row, e.field, e.message) for e in _table_errors(descriptor)]


@pytest.mark.parametrize("path", ["arrow", "ingested"])
def test_large_tables_report_the_same_errors_by_every_path(minimal_package, monkeypatch, path):
    """Large tables reach DuckDB as Arrow columns of Python's records, or as DuckDB's own reading of the file
    (validate/columnar.py, no Python records); both report what the small-table path reports, at the same places."""
    from validate import columnar, package

    # a line break inside a cell moves the later records down a line; a type error makes the engine copy the view;
    # a repeated key names the earlier line (from records); a missing ID is matched against the referenced column
    _edit(
        minimal_package,
        "claims",
        {
            (0, "statement"): "Two\nlines.",
            (1, "created_at"): "2026-13-01",
            (1, "subject_entity_id"): "ent-nowhere",
        },
    )
    _edit(
        minimal_package,
        "entities",
        {(2, "entity_id"): "ent-marco-rubio", (1, "entity_type"): "planet"},
    )
    by_parameters = _places(minimal_package)
    ingested = []
    if path == "arrow":
        monkeypatch.setattr(
            columnar, "ARROW_ABOVE_ROWS", 0
        )  # every table takes the path of Python-read tables over 50,000 rows
    else:
        monkeypatch.setattr(
            package, "INGEST_ABOVE_LINES", 0
        )  # every table is read by DuckDB, as files of over 50,000 lines are
        ingest = columnar.Store.ingest
        monkeypatch.setattr(
            columnar.Store,
            "ingest",
            lambda store, candidates: [
                i for i in ingest(store, candidates) if ingested.append(i) or True
            ],
        )
    by_large = _places(minimal_package)
    assert {code for code, *_ in by_parameters} >= {
        "constraint-error",
        "type-error",
        "foreign-key",
        "primary-key",
    }
    assert ("type-error", "data/claims.csv", 4, 3, "created_at") in [
        place[:5] for place in by_parameters
    ]  # line 4: row 2 spans two lines
    assert by_large == by_parameters
    assert len([i for i in ingested if i is not None]) == (
        0 if path == "arrow" else 8
    )  # every table of the minimal package


def test_validation_guide_lists_every_difference_from_frictionless():
    """docs/engine.md explains each difference from frictionless; docs/validation.md names each one, one bullet apiece."""
    guide = (REPO / "docs" / "engine.md").read_text(encoding="utf-8")
    section = guide.split("## Differences from frictionless, and why", 1)[1].split("\n## ", 1)[0]
    readme = (REPO / "docs" / "validation.md").read_text(encoding="utf-8")
    listed = readme.split("Where the two differ, and\nwhy", 1)[1].split("\n\n", 2)[1]
    assert (
        len(re.findall(r"^\d+\. \*\*", section, re.M)) == len(re.findall(r"^- ", listed, re.M)) > 0
    )
