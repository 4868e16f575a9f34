"""The row-rule engine (validate/engine/rules.py) and the registry it reads from the schemas (validate/model.py)."""

from __future__ import annotations

import json

from validate import run
from validate.engine import rules
from validate.package import load

from .conftest import build_package
from .fixture_edits import apply_edits


def _errors(descriptor, select):
    with run(descriptor, select=select) as result:
        return [(e.check, e.code, e.file, e.line, e.field) for e in result.errors]


def _span_at_fnd_999(root):
    apply_edits(
        root, [{"csv": "data/spans.csv", "row": "spn-0013", "set": {"target_id": "fnd-999"}}]
    )


def test_a_span_pointing_at_a_finding_that_does_not_exist(tmp_path):
    """The targets a span may have are the spans schema's `target_table` enum: fnd-999 is unknown, nothing hand-listed decides it."""
    descriptor = build_package(tmp_path / "package", base="source-chain")
    _span_at_fnd_999(descriptor.parent)
    assert ("anchors", "unknown-target", "data/spans.csv", 54, "target_id") in _errors(
        descriptor, ["anchors"]
    )


def test_a_target_table_without_span_roles_still_has_its_ids_checked_and_its_schema_is_reported(
    tmp_path,
):
    descriptor = build_package(tmp_path / "package", base="source-chain")
    _span_at_fnd_999(descriptor.parent)
    schema = descriptor.parent / "schemas" / "findings.schema.json"
    document = json.loads(schema.read_text(encoding="utf-8"))
    del document["spanRoles"]
    schema.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    errors = _errors(descriptor, ["anchors", "schema-profile", "record-anchors"])
    assert ("anchors", "unknown-target", "data/spans.csv", 54, "target_id") in errors
    assert (
        "schema-profile",
        "span-roles-missing",
        "schemas/findings.schema.json",
        1,
        "$.spanRoles",
    ) in errors


def test_a_column_the_file_lacks_reads_as_empty_and_a_table_the_package_lacks_as_no_rows(
    minimal_package,
):
    """A rule reads its declared columns whatever the file holds: a missing one is '' (as a record's missing cell is)."""
    claims = minimal_package.parent / "data" / "claims.csv"
    header, *rest = claims.read_text(encoding="utf-8").split("\n")
    claims.write_text(
        "\n".join([header.replace("claim_id", "claim_ident"), *rest]), encoding="utf-8"
    )
    package = load(minimal_package)
    try:
        probe = rules.Rule(
            "probe",
            {"claims": ("claim_id",), "findings": ("finding_id",)},
            "SELECT c._line, c._row, c.claim_id, (SELECT count(*) FROM findings) AS findings FROM claims c",
            "claim_id",
            lambda row, _: f"{row['claim_id']!r} {row['findings']}",
        )
        messages = [e.message for e in rules.run(package, [probe])]
    finally:
        package.close()
    assert messages and set(messages) == {"'' 0"}


def test_a_rule_reading_a_table_the_package_could_not_read_is_not_run(minimal_package):
    (minimal_package.parent / "data" / "spans.csv").write_bytes(b'span_id,document_id\n"unclosed\n')
    assert [e for e in _errors(minimal_package, ["anchors", "record-anchors"])] == []


def test_a_header_name_that_is_not_a_plain_identifier_never_reaches_sql(minimal_package):
    entities = minimal_package.parent / "data" / "entities.csv"
    header, *rest = entities.read_text(encoding="utf-8").split("\n")
    entities.write_text(
        "\n".join(
            [header + ',"x"" FROM y; --"', *[line + ",z" if line else line for line in rest]]
        ),
        encoding="utf-8",
    )
    with run(minimal_package) as result:
        assert not result.crashed
