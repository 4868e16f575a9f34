"""What each claim rests on: the derivation, the levels, `fill`, the README's query and numbers."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter

import duckdb

from validate import run, sourcing
from validate.checks import cell_references
from validate.fill import fill
from validate.package import load
from validate.sourcing_cli import main as claim_sources_main

from .conftest import REPO, build_package

README = (REPO / "README.md").read_text(encoding="utf-8")


def _csv(name: str) -> list[dict[str, str]]:
    with open(REPO / "data" / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _span(table: str, target: str, start: int, end: int) -> dict[str, str]:
    return {"document_id": "doc-a", "target_table": table, "target_id": target, "role": "content", "start_char": str(start), "end_char": str(end)}


TABLES = {
    "documents": [
        {"document_id": "doc-a", "document_type": "news_article", "url_status": "unknown", "snapshot_path": "sources/a.txt"},
        {"document_id": "doc-post", "document_type": "social_media_post", "url_status": "unknown"},
        {"document_id": "doc-copy", "document_type": "web_page", "url_status": "public_copy_seen"},
        {"document_id": "doc-wire", "document_type": "wire_story", "url_status": "public_copy_seen"},
    ],
    "claims": [
        {"claim_id": "clm-001", "document_id": "doc-a", "quote_id": ""},  # inside the quote's words and a wire passage
        {"claim_id": "clm-002", "document_id": "doc-a", "quote_id": ""},  # a passage the publication added
        {"claim_id": "clm-003", "document_id": "doc-a", "quote_id": ""},  # nothing over its words
        {"claim_id": "clm-004", "document_id": "doc-a", "quote_id": "qot-002"},  # carries a quote whose words lie elsewhere
    ],
    "quotes": [
        {"quote_id": "qot-001", "origin_document_id": "doc-post", "origin_status": "known"},
        {"quote_id": "qot-002", "origin_document_id": "doc-wire", "origin_status": "earliest_report"},
    ],
    "quote_wordings": [{"quote_id": "qot-001", "primary_document_id": "doc-post", "seen_in_document_id": "doc-copy"}],
    "lineage": [
        {"lineage_id": "lin-001", "source_document_id": "doc-wire", "relation": "rewritten", "evidence_document_id": "doc-wire"},
        {"lineage_id": "lin-002", "source_document_id": "", "relation": "publisher_addition", "evidence_document_id": ""},
    ],
    "spans": [
        _span("claims", "clm-001", 10, 20), _span("quotes", "qot-001", 5, 15), _span("lineage", "lin-001", 0, 11),
        _span("claims", "clm-002", 30, 40), _span("lineage", "lin-002", 39, 50),
        _span("claims", "clm-003", 20, 30),  # touches clm-001's and clm-002's neighbours, shares no character
        _span("claims", "clm-004", 60, 70), _span("quotes", "qot-002", 80, 90),
    ],
}


def test_derive_gives_each_claim_its_documents_evidence_and_status():
    rows = [(r["claim_id"], r["basis"], r["document_id"], r["evidence_id"], r["copy_document_id"], r["document_status"])
            for r in sourcing.derive(TABLES)]
    assert rows == [
        ("clm-001", "origin", "doc-post", "qot-001", "doc-copy", "seen_in_copy"),
        ("clm-001", "wire", "doc-wire", "lin-001", "", "seen"),
        ("clm-002", "publication", "doc-a", "lin-002", "", "seen"),
        ("clm-003", "unknown", "", "", "", "unknown"),
        ("clm-004", "wire", "doc-wire", "qot-002", "", "seen"),
    ]


def test_a_lineage_passage_from_a_primary_document_is_an_origin():
    tables = {**TABLES, "lineage": [{"lineage_id": "lin-001", "source_document_id": "doc-post", "relation": "nearly_verbatim",
                                     "evidence_document_id": "doc-copy"}], "quotes": []}
    first = sourcing.derive(tables)[0]
    assert (first["basis"], first["document_id"], first["copy_document_id"], first["document_status"]) == ("origin", "doc-post", "doc-copy", "seen_in_copy")


def test_level_takes_the_best_row():
    def rows(*pairs):
        return [{"basis": basis, "document_status": status} for basis, status in pairs]

    assert sourcing.level_of(rows(("wire", "seen"), ("origin", "known_not_seen"))) == "origin_known_not_seen"
    assert sourcing.level_of(rows(("origin", "known_not_seen"), ("origin", "seen"))) == "origin_seen"
    assert sourcing.level_of(rows(("publication", "seen"), ("wire", "seen"))) == "wire_only"
    assert sourcing.level_of(rows(("unknown", "unknown"), ("publication", "seen"))) == "publication_only"
    assert sourcing.level_of(rows(("unknown", "unknown"))) == "unknown"
    assert sourcing.level_of([]) == "unknown"


def test_levels_are_those_the_schema_defines():
    schema_levels = next(f for f in load(REPO / "datapackage.json").resource("claims").schema["fields"] if f["name"] == "sourcing_level")
    assert tuple(schema_levels["constraints"]["enum"]) == sourcing.LEVELS


def test_the_package_table_is_the_derivation_reviewed(capsys):
    assert claim_sources_main([str(REPO)]) == 0, capsys.readouterr().out


def test_fill_rewrites_a_stale_level_and_status(tmp_path):
    descriptor = build_package(tmp_path / "package", base="source-chain")
    claims, sources = tmp_path / "package" / "data" / "claims.csv", tmp_path / "package" / "data" / "claim_sources.csv"
    before = claims.read_bytes(), sources.read_bytes()
    claims.write_text(claims.read_text(encoding="utf-8").replace(",asserted,publication_only,", ",asserted,unknown,"), encoding="utf-8")
    sources.write_text(sources.read_text(encoding="utf-8").replace(",doc-sample,seen,", ",doc-sample,known_not_seen,"), encoding="utf-8")
    assert {e.code for e in run(descriptor).errors if e.check == "claim-sourcing"} == {"stale-level", "stale-status"}
    assert fill(descriptor) == ["data/claim_sources.csv", "data/claims.csv"]  # the recorded hashes were of these very bytes
    assert (claims.read_bytes(), sources.read_bytes()) == before
    assert run(descriptor).valid


def test_id_kinds_are_read_from_the_schemas():
    kinds = cell_references.id_kinds(load(REPO / "datapackage.json"))
    prefix, mention, ids = kinds["claim_sources"]  # a table this check's code never names
    assert prefix == "csr-"  # a cell without it is not searched
    assert mention.findall("see csr-0001, not csr-01 or xcsr-0002") == ["csr-0001"]
    assert "csr-0001" in ids
    assert set(kinds) >= {"claims", "documents", "entities", "quotes", "spans", "lineage"}


def _independent_count_without_primary_source_seen() -> int:
    """Claims none of whose sourcing rows is an origin read at its address or in a seen copy,
    counted from claim_sources and documents, without claims.sourcing_level or the validate package."""
    documents = {d["document_id"]: d for d in _csv("documents")}

    def read(document_id: str) -> bool:
        document = documents.get(document_id, {})
        return document.get("url_status") == "public_copy_seen" or bool(document.get("snapshot_path"))

    seen = {r["claim_id"] for r in _csv("claim_sources")
            if r["basis"] == "origin" and (read(r["document_id"]) or (r["copy_document_id"] and read(r["copy_document_id"])))}
    return sum(1 for claim in _csv("claims") if claim["claim_id"] not in seen)


def test_readme_query_returns_the_number_it_states(monkeypatch):
    section = README.split("Which claims have no primary source seen")[1]
    stated = int(re.search(r"(\d+) rows\):", section).group(1))
    query = re.search(r"```sql\n(.+?)```", section, re.DOTALL).group(1)
    monkeypatch.chdir(REPO)
    rows = duckdb.sql(query).fetchall()
    assert len(rows) == stated == _independent_count_without_primary_source_seen()
    assert stated > 0


def test_readme_level_counts_match_the_data():
    section = README.split("## What each claim rests on")[1].split("Which claims")[0]
    stated = {level: int(n) for level, n in re.findall(r"^\| `([a-z_]+)` \| [^|]+ \| (\d+) \|$", section, re.MULTILINE)}
    assert set(stated) == set(sourcing.LEVELS)
    assert stated == {level: Counter(c["sourcing_level"] for c in _csv("claims"))[level] for level in sourcing.LEVELS}


def test_claim_sources_command_lists_the_difference_and_writes_keeping_reviewed_rows(tmp_path, capsys):
    root = build_package(tmp_path / "package", base="source-chain").parent
    table = root / "data" / "claim_sources.csv"
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    reviewed = lines[1].replace(",,fixture,", ",Reviewed by hand.,fixture,")
    table.write_text(lines[0] + reviewed, encoding="utf-8")  # csr-0002 (clm-002) removed, csr-0001 reviewed
    assert claim_sources_main([str(root)]) == 1
    assert capsys.readouterr().out == "+ claim_id='clm-002' basis='unknown' document_id='' evidence_table='quotes' evidence_id='qot-001'\n"
    assert claim_sources_main([str(root), "--write", "--created-at", "2026-11-28", "--created-by", "fixture"]) == 0
    rows = table.read_text(encoding="utf-8").splitlines()
    assert rows[1] == reviewed.rstrip("\n")
    assert rows[2].startswith("csr-0002,clm-002,unknown,,unknown,,quotes,qot-001,,fixture,2026-11-28,")
    assert claim_sources_main([str(root)]) == 0


def test_numbers_in_docs_sourcing_match_the_data():
    text = (REPO / "docs" / "sourcing.md").read_text(encoding="utf-8")
    sources, claims = _csv("claim_sources"), _csv("claims")
    rows, claim_count = map(int, re.search(r"(\d+) rows for (\d+) claims", text).groups())
    assert (rows, claim_count) == (len(sources), len(claims))
    assert int(re.search(r"(\d+) rows carry a review note", text).group(1)) == sum(1 for r in sources if r["notes"])
    stated = {level: int(n) for level, n in re.findall(r"\(`([a-z_]+)`, (\d+)(?: claims)?\)", text)}
    assert stated and stated == {level: sum(1 for c in claims if c["sourcing_level"] == level) for level in stated}
    assert ("`origin_seen` is 0" in text) == (not any(c["sourcing_level"] == "origin_seen" for c in claims))


def test_claim_sources_reads_through_the_loader_and_never_writes_outside(tmp_path, capsys):
    root = build_package(tmp_path / "package", base="source-chain").parent
    outside = tmp_path / "outside"
    (root / "data").rename(outside)
    (root / "data").symlink_to(outside, target_is_directory=True)  # a pull request that links data/ out of the package
    before = {p.name: p.read_bytes() for p in outside.iterdir()}
    assert claim_sources_main([str(root), "--write", "--created-at", "2026-11-28"]) == 2
    assert "error: the claims table cannot be read" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in outside.iterdir()} == before


def test_an_id_pattern_with_an_alternation_has_no_prefix_filter(minimal_package):
    """`^clm-[0-9]{3}|zzz$` mentions `zzz` too, which holds no `clm-`: every note cell is searched for it."""
    schema_path = minimal_package.parent / "schemas" / "claims.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    key = next(f for f in schema["fields"] if f["name"] == "claim_id")
    key["constraints"]["pattern"] = "^clm-[0-9]{3}|zzz$"
    schema_path.write_text(json.dumps(schema), encoding="utf-8")
    prefix, mention, _ = cell_references.id_kinds(load(minimal_package))["claims"]
    assert prefix == "" and mention.findall("see zzz") == ["zzz"]
    assert cell_references.id_kinds(load(REPO / "datapackage.json"))["claims"][0] == "clm-"
