"""Controls for the invalid cases of the sourcing, chain and `added`-span rules: each case with its one fault undone
is a valid package, so the case fails for the rule it names and not for the rest of its mutation."""

from __future__ import annotations

import json

import pytest

from validate import run

from .conftest import INVALID, build_package


def _set(table: str, row: str, **cells: str) -> dict:
    return {"csv": f"data/{table}.csv", "row": row, "set": cells}


# case -> the edits, applied after the case's own, that undo its fault
UNDONE = {
    "claim-sourcing/publication-added-words": [
        _set("claim_sources", "csr-0001", basis="publication", document_id="doc-sample"),
        _set("claims", "clm-001", sourcing_level="publication_only"),
    ],
    "claim-sourcing/quote-indirect-not-carried": [
        {"csv": "data/claim_sources.csv", "delete": "csr-0003"},
        _set("claims", "clm-001", sourcing_level="publication_only"),
    ],
    "claim-sourcing/quote-inserted-words": [
        {"csv": "data/spans.csv", "delete": "spn-0015"}
    ],  # without the inserted word the quote is the speaker's
    "claim-sourcing/copy-while-seen": [_set("claim_sources", "csr-0001", copy_document_id="")],
    "claim-sourcing/copy-elsewhere": [
        _set(
            "claim_sources",
            "csr-0002",
            copy_document_id="doc-check-page",
            document_status="seen_in_copy",
        ),
        _set("claims", "clm-002", sourcing_level="origin_seen_in_copy"),
    ],
    "source-chain/circular-evidence": [
        _set("corroborations", "cor-001", document_id="doc-check-page")
    ],
    "source-chain/circular-evidence-via-copy": [
        _set("documents", "doc-mirror", derived_from_document_id="")
    ],
    "source-chain/finding-without-backing": [
        _set(
            "corroborations",
            "cor-001",
            relation="contradicts",
            notes="The page says they met briefly.",
        )
    ],
    "source-chain/finding-backed-only-by-qualifies": [
        _set("corroborations", "cor-001", relation="partially_supports", notes="Only part of it.")
    ],
    "record-anchors/added-outside-content": [
        _set(
            "spans",
            "spn-0015",
            end_char="72",
            exact="hours",
            suffix=".\n\n“He has offered his jails,” M",
        )
    ],
    "anchors/added-role-on-claim": [
        _set("spans", "spn-0015", target_table="lineage", target_id="lin-001")
    ],
    "row-consistency/added-without-note": [_set("spans", "spn-0015", note="Not in the wire copy.")],
}


@pytest.mark.parametrize("case", sorted(UNDONE))
def test_the_case_with_its_fault_undone_is_valid(case, tmp_path):
    spec = json.loads((INVALID / case / "expected.json").read_text(encoding="utf-8"))
    assert spec["errors"], case
    control = tmp_path / "control"
    control.mkdir()
    spec["edits"] = spec["edits"] + UNDONE[case]
    (control / "expected.json").write_text(json.dumps(spec), encoding="utf-8")
    result = run(build_package(tmp_path / "package", control))
    assert [(e.check, e.code, e.file, e.line, e.field, e.message) for e in result.errors] == []


def test_an_added_span_inside_a_quote_the_claim_carries_is_valid(tmp_path):
    """`added` fits a quote: an inserted word in qot-001, which clm-002 carries, leaves the package valid."""
    spec = json.loads(
        (INVALID / "anchors" / "added-role-on-claim" / "expected.json").read_text(encoding="utf-8")
    )
    control = tmp_path / "control"
    control.mkdir()
    spec["edits"] = spec["edits"] + [
        _set(
            "spans",
            "spn-0015",
            start_char="91",
            end_char="94",
            exact="his",
            prefix="\n\n“He has offered ",
            suffix=" jails,” Mr Rubio said.\n\nADVERTISEMENT\n",
            target_table="quotes",
            target_id="qot-001",
            note="An editorial insertion: the speaker did not say it.",
        )
    ]
    (control / "expected.json").write_text(json.dumps(spec), encoding="utf-8")
    assert [
        (e.check, e.code, e.message)
        for e in run(build_package(tmp_path / "package", control)).errors
    ] == []
