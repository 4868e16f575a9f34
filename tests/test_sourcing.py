"""What each claim rests on: the derivation, the levels, `fill`, the README's query and numbers."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter

import duckdb

from validate import docnumbers, run, sourcing
from validate.checks import cell_references
from validate.cli import main
from validate.fill import fill
from validate.package import load

from .conftest import REPO, build_package

README = (REPO / "README.md").read_text(encoding="utf-8")


def _csv(name: str) -> list[dict[str, str]]:
    with open(REPO / "data" / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _span(table: str, target: str, start: int, end: int) -> dict[str, str]:
    return {
        "document_id": "doc-a",
        "target_table": table,
        "target_id": target,
        "role": "content",
        "start_char": str(start),
        "end_char": str(end),
    }


TABLES = {
    "documents": [
        {
            "document_id": "doc-a",
            "document_type": "news_article",
            "url_status": "unknown",
            "snapshot_path": "sources/a.txt",
        },
        {"document_id": "doc-post", "document_type": "social_media_post", "url_status": "unknown"},
        {"document_id": "doc-copy", "document_type": "web_page", "url_status": "public_copy_seen"},
        {
            "document_id": "doc-wire",
            "document_type": "wire_story",
            "url_status": "public_copy_seen",
        },
    ],
    "claims": [
        {
            "claim_id": "clm-001",
            "document_id": "doc-a",
            "quote_id": "",
        },  # inside the quote's words and a wire passage
        {
            "claim_id": "clm-002",
            "document_id": "doc-a",
            "quote_id": "",
        },  # a passage the publication added
        {"claim_id": "clm-003", "document_id": "doc-a", "quote_id": ""},  # nothing over its words
        {
            "claim_id": "clm-004",
            "document_id": "doc-a",
            "quote_id": "qot-002",
        },  # carries a quote whose words lie elsewhere
    ],
    "quotes": [
        {"quote_id": "qot-001", "origin_document_id": "doc-post", "origin_status": "known"},
        {
            "quote_id": "qot-002",
            "origin_document_id": "doc-wire",
            "origin_status": "earliest_report",
        },
    ],
    "quote_wordings": [
        {
            "quote_id": "qot-001",
            "primary_document_id": "doc-post",
            "seen_in_document_id": "doc-copy",
        }
    ],
    "lineage": [
        {
            "lineage_id": "lin-001",
            "source_document_id": "doc-wire",
            "relation": "rewritten",
            "evidence_document_id": "doc-wire",
        },
        {
            "lineage_id": "lin-002",
            "source_document_id": "",
            "relation": "publisher_addition",
            "evidence_document_id": "",
        },
    ],
    "spans": [
        _span("claims", "clm-001", 10, 20),
        _span("quotes", "qot-001", 5, 15),
        _span("lineage", "lin-001", 0, 11),
        _span("claims", "clm-002", 30, 40),
        _span("lineage", "lin-002", 39, 50),
        _span(
            "claims", "clm-003", 20, 30
        ),  # touches clm-001's and clm-002's neighbours, shares no character
        _span("claims", "clm-004", 60, 70),
        _span("quotes", "qot-002", 80, 90),
    ],
}


def test_derive_gives_each_claim_its_documents_evidence_and_status():
    rows = [
        (
            r["claim_id"],
            r["basis"],
            r["document_id"],
            r["evidence_id"],
            r["copy_document_id"],
            r["document_status"],
        )
        for r in sourcing.derive(TABLES)
    ]
    assert rows == [
        ("clm-001", "origin", "doc-post", "qot-001", "doc-copy", "seen_in_copy"),
        ("clm-001", "wire", "doc-wire", "lin-001", "", "seen"),
        ("clm-002", "publication", "doc-a", "lin-002", "", "seen"),
        ("clm-003", "unknown", "", "", "", "unknown"),
        ("clm-004", "wire", "doc-wire", "qot-002", "", "seen"),
    ]


def test_a_lineage_passage_from_a_primary_document_is_an_origin():
    tables = {
        **TABLES,
        "lineage": [
            {
                "lineage_id": "lin-001",
                "source_document_id": "doc-post",
                "relation": "nearly_verbatim",
                "evidence_document_id": "doc-copy",
            }
        ],
        "quotes": [],
    }
    first = sourcing.derive(tables)[0]
    assert (
        first["basis"],
        first["document_id"],
        first["copy_document_id"],
        first["document_status"],
    ) == ("origin", "doc-post", "doc-copy", "seen_in_copy")


def test_level_takes_the_best_row():
    def rows(*pairs):
        return [{"basis": basis, "document_status": status} for basis, status in pairs]

    assert (
        sourcing.level_of(rows(("wire", "seen"), ("origin", "known_not_seen")))
        == "origin_known_not_seen"
    )
    assert (
        sourcing.level_of(rows(("origin", "known_not_seen"), ("origin", "seen"))) == "origin_seen"
    )
    assert sourcing.level_of(rows(("publication", "seen"), ("wire", "seen"))) == "wire_only"
    assert (
        sourcing.level_of(rows(("unknown", "unknown"), ("publication", "seen")))
        == "publication_only"
    )
    assert sourcing.level_of(rows(("unknown", "unknown"))) == "unknown"
    assert sourcing.level_of([]) == "unknown"


def test_levels_are_those_the_schema_defines():
    schema_levels = next(
        f
        for f in load(REPO / "datapackage.json").resource("claims").schema["fields"]
        if f["name"] == "sourcing_level"
    )
    assert tuple(schema_levels["constraints"]["enum"]) == sourcing.LEVELS


def test_the_package_table_is_the_derivation_reviewed(capsys):
    assert main(["claim-sources", str(REPO)]) == 0, capsys.readouterr().out


def test_fill_rewrites_a_stale_level_and_status(tmp_path):
    descriptor = build_package(tmp_path / "package", base="source-chain")
    claims, sources = (
        tmp_path / "package" / "data" / "claims.csv",
        tmp_path / "package" / "data" / "claim_sources.csv",
    )
    before = claims.read_bytes(), sources.read_bytes()
    claims.write_text(
        claims.read_text(encoding="utf-8").replace(
            ",asserted,publication_only,", ",asserted,unknown,"
        ),
        encoding="utf-8",
    )
    sources.write_text(
        sources.read_text(encoding="utf-8").replace(
            ",doc-sample,seen,", ",doc-sample,known_not_seen,"
        ),
        encoding="utf-8",
    )
    assert {e.code for e in run(descriptor).errors if e.check == "claim-sourcing"} == {
        "stale-level",
        "stale-status",
    }
    assert fill(descriptor) == [
        "data/claim_sources.csv",
        "data/claims.csv",
    ]  # the recorded hashes were of these very bytes
    assert (claims.read_bytes(), sources.read_bytes()) == before
    assert run(descriptor).valid


def test_id_kinds_are_read_from_the_schemas():
    kinds = cell_references.id_kinds(load(REPO / "datapackage.json"))
    prefix, mention = kinds["claim_sources"]  # a table this check's code never names
    assert prefix == "csr-"  # a cell without it is not searched
    assert mention.findall("see csr-0001, not csr-01 or xcsr-0002") == ["csr-0001"]
    assert set(kinds) >= {"claims", "documents", "entities", "quotes", "spans", "lineage"}


def _independent_count_without_primary_source_seen() -> int:
    """Claims none of whose sourcing rows is an origin read at its address or in a seen copy,
    counted from claim_sources and documents, without claims.sourcing_level or the validate package."""
    documents = {d["document_id"]: d for d in _csv("documents")}

    def read(document_id: str) -> bool:
        document = documents.get(document_id, {})
        return document.get("url_status") == "public_copy_seen" or bool(
            document.get("snapshot_path")
        )

    seen = {
        r["claim_id"]
        for r in _csv("claim_sources")
        if r["basis"] == "origin"
        and (read(r["document_id"]) or (r["copy_document_id"] and read(r["copy_document_id"])))
    }
    return sum(1 for claim in _csv("claims") if claim["claim_id"] not in seen)


def _marked(text: str, before: str = "", after: str = "") -> str:
    """The query name of the `<!--fill:NAME-->` marker between `before` and `after`."""
    marker = r"<!--fill:([\w.]+)-->[\d,]+<!--/fill-->"
    return re.search(re.escape(before) + marker + re.escape(after), text).group(1)


def _registry() -> dict[str, int]:
    package = load(REPO / "datapackage.json")
    tables = {r.name: r.table for r in package.resources if r.table is not None}
    return {name: int(value.replace(",", "")) for name, value in docnumbers.values(tables).items()}


def test_readme_query_lists_the_claims_its_number_counts(monkeypatch):
    """The README's query, its stated number's query and an independent count agree (`fill --check`
    keeps the stated number equal to its query: tests/test_docnumbers.py)."""
    section = README.split("Claims with no primary source seen")[1]
    name = _marked(section, after=" rows):")
    query = re.search(r"```sql\n(.+?)```", section, re.DOTALL).group(1)
    monkeypatch.chdir(REPO)
    rows = duckdb.sql(query).fetchall()
    assert len(rows) == _registry()[name] == _independent_count_without_primary_source_seen()


def test_docs_sourcing_counts_each_level_with_its_own_query():
    text = (REPO / "docs" / "sourcing.md").read_text(encoding="utf-8")
    marked = dict(
        re.findall(r"^\| `([a-z_]+)` \| [^|]+ \| <!--fill:([\w.]+)-->", text, re.MULTILINE)
    )
    assert marked == {level: f"level.{level}" for level in sourcing.LEVELS}
    registry, levels = _registry(), Counter(c["sourcing_level"] for c in _csv("claims"))
    assert {level: registry[name] for level, name in marked.items()} == {
        level: levels[level] for level in sourcing.LEVELS
    }


def test_claim_sources_command_lists_the_difference_and_writes_keeping_reviewed_rows(
    tmp_path, capsys
):
    root = build_package(tmp_path / "package", base="source-chain").parent
    table = root / "data" / "claim_sources.csv"
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    reviewed = lines[1].replace(",,fixture,", ",Reviewed by hand.,fixture,")
    table.write_text(
        lines[0] + reviewed, encoding="utf-8"
    )  # csr-0002 (clm-002) removed, csr-0001 reviewed
    assert main(["claim-sources", str(root)]) == 1
    assert (
        capsys.readouterr().out
        == "+ claim_id='clm-002' basis='unknown' document_id='' evidence_table='quotes' evidence_id='qot-001'\n"
    )
    assert (
        main(
            [
                "claim-sources",
                str(root),
                "--write",
                "--created-at",
                "2026-11-28",
                "--created-by",
                "fixture",
            ]
        )
        == 0
    )
    rows = table.read_text(encoding="utf-8").splitlines()
    assert rows[1] == reviewed.rstrip("\n")
    assert rows[2].startswith(
        "csr-0002,clm-002,unknown,,unknown,,quotes,qot-001,,fixture,2026-11-28,"
    )
    assert main(["claim-sources", str(root)]) == 0


def test_numbers_in_docs_sourcing_name_the_queries_of_what_they_count():
    text = (REPO / "docs" / "sourcing.md").read_text(encoding="utf-8")
    sources, claims = _csv("claim_sources"), _csv("claims")
    registry = _registry()
    rows, claim_count = _marked(text, "fact per row: "), _marked(text, " rows for ")
    assert (registry[rows], registry[claim_count]) == (len(sources), len(claims))
    noted = _marked(text, after=" rows carry a review note")
    assert registry[noted] == sum(1 for r in sources if r["notes"])


def test_claim_sources_refuses_spans_without_offsets(tmp_path, capsys):
    """Before `fill`, a new span covers no words: its claim would get a wrong `unknown` row."""
    root = build_package(tmp_path / "package", base="source-chain").parent
    table = root / "data" / "spans.csv"
    header, first, *rest = table.read_text(encoding="utf-8").splitlines(keepends=True)
    columns = header.rstrip("\n").split(",")
    cells = next(csv.reader([first]))
    cells[columns.index("start_char")] = cells[columns.index("end_char")] = ""
    span = cells[columns.index("span_id")]
    table.write_text(header + ",".join(cells) + "\n" + "".join(rest), encoding="utf-8")
    before = (root / "data" / "claim_sources.csv").read_bytes()
    assert main(["claim-sources", str(root), "--write", "--created-at", "2026-11-28"]) == 2
    assert (
        f"1 span(s) have no offsets yet ({span}): run `python -m validate fill` first"
        in capsys.readouterr().err
    )
    assert (root / "data" / "claim_sources.csv").read_bytes() == before


def test_claim_sources_reads_through_the_loader_and_never_writes_outside(tmp_path, capsys):
    root = build_package(tmp_path / "package", base="source-chain").parent
    outside = tmp_path / "outside"
    (root / "data").rename(outside)
    (root / "data").symlink_to(
        outside, target_is_directory=True
    )  # a pull request that links data/ out of the package
    before = {p.name: p.read_bytes() for p in outside.iterdir()}
    assert main(["claim-sources", str(root), "--write", "--created-at", "2026-11-28"]) == 2
    assert "error: the claims table cannot be read" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in outside.iterdir()} == before


def test_an_id_pattern_with_an_alternation_has_no_prefix_filter(minimal_package):
    """`^clm-[0-9]{3}|zzz$` mentions `zzz` too, which holds no `clm-`: every note cell is searched for it."""
    schema_path = minimal_package.parent / "schemas" / "claims.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    key = next(f for f in schema["fields"] if f["name"] == "claim_id")
    key["constraints"]["pattern"] = "^clm-[0-9]{3}|zzz$"
    schema_path.write_text(json.dumps(schema), encoding="utf-8")
    prefix, mention = cell_references.id_kinds(load(minimal_package))["claims"]
    assert prefix == "" and mention.findall("see zzz") == ["zzz"]
    assert cell_references.id_kinds(load(REPO / "datapackage.json"))["claims"][0] == "clm-"


# `added` spans: words of a lineage passage or a quote that its source does not have. Words come from a span's `exact`
# (validate/sourcing.py `words_of`), so these tables anchor every span to real text.
ADDED_TEXT = "Rubio met Bukele for three hours. “He has offered his jails,” Rubio said. Bukele said the prison was full."


def _worded(
    table: str, target: str, phrase: str, role: str = "content", after: int = 0
) -> dict[str, str]:
    """A span of ADDED_TEXT over the first `phrase` at or after `after`, with its exact text."""
    start = ADDED_TEXT.index(phrase, after)
    return {
        "document_id": "doc-a",
        "target_table": table,
        "target_id": target,
        "role": role,
        "start_char": str(start),
        "end_char": str(start + len(phrase)),
        "exact": phrase,
    }


_QUOTE_AT = ADDED_TEXT.index("“")
ADDED_TABLES = {
    "documents": TABLES["documents"],
    "claims": [
        {
            "claim_id": "clm-001",
            "document_id": "doc-a",
            "quote_id": "",
        },  # words the publication added to the wire passage
        {
            "claim_id": "clm-002",
            "document_id": "doc-a",
            "quote_id": "",
        },  # words of the same passage that the wire has
        {
            "claim_id": "clm-003",
            "document_id": "doc-a",
            "quote_id": "",
        },  # a quote's words with its inserted word, not carried
        {
            "claim_id": "clm-004",
            "document_id": "doc-a",
            "quote_id": "qot-001",
        },  # the same words, carrying the quote
        {
            "claim_id": "clm-005",
            "document_id": "doc-a",
            "quote_id": "",
        },  # the quote's words without the inserted one, not carried
        {
            "claim_id": "clm-006",
            "document_id": "doc-a",
            "quote_id": "",
        },  # an indirect quote's words, not carried
        {
            "claim_id": "clm-007",
            "document_id": "doc-a",
            "quote_id": "qot-002",
        },  # the same words, carrying the indirect quote
    ],
    "quotes": [
        {
            "quote_id": "qot-001",
            "quote_type": "direct",
            "origin_document_id": "doc-post",
            "origin_status": "known",
        },
        {
            "quote_id": "qot-002",
            "quote_type": "indirect",
            "origin_document_id": "doc-post",
            "origin_status": "known",
        },
    ],
    "quote_wordings": TABLES["quote_wordings"],
    "lineage": [
        {
            "lineage_id": "lin-001",
            "source_document_id": "doc-wire",
            "relation": "rewritten",
            "evidence_document_id": "doc-wire",
        }
    ],
    "spans": [
        _worded("lineage", "lin-001", "Rubio met Bukele for three hours."),
        _worded("lineage", "lin-001", "three hours", "added"),
        _worded("claims", "clm-001", "Rubio met Bukele for three hours"),
        _worded("claims", "clm-002", "Rubio met Bukele for"),
        _worded("quotes", "qot-001", "He has offered his jails,"),
        _worded("quotes", "qot-001", "his", "added", _QUOTE_AT),
        _worded("claims", "clm-003", "He has offered his jails"),
        _worded("claims", "clm-004", "He has offered his jails"),
        _worded("claims", "clm-005", "He has offered"),
        _worded("quotes", "qot-002", "the prison was full"),
        _worded("claims", "clm-006", "the prison was full"),
        _worded("claims", "clm-007", "the prison was full"),
    ],
}


def _derived(tables: dict, claim_id: str) -> list[tuple[str, ...]]:
    return [
        (
            r["basis"],
            r["document_id"],
            r["evidence_table"],
            r["evidence_id"],
            r["copy_document_id"],
            r["document_status"],
        )
        for r in sourcing.derive(tables)
        if r["claim_id"] == claim_id
    ]


def _read(tables: dict, table: str, evidence_id: str, claim_id: str) -> sourcing.Reading:
    key = "quote_id" if table == "quotes" else "lineage_id"
    evidence = next(r for r in tables[table] if r[key] == evidence_id)
    claim = next(c for c in tables["claims"] if c["claim_id"] == claim_id)
    documents = {d["document_id"]: d for d in tables["documents"]}
    return sourcing.read(
        table, evidence, evidence_id, claim, sourcing.Spans.of(tables["spans"]), documents
    )


def test_words_are_runs_of_letters_and_digits_of_the_exact_text():
    assert sourcing.words_of("doc-a", 34, 59, "He has offered his jails,") == [
        ("doc-a", 34, 36, "He"),
        ("doc-a", 37, 40, "has"),
        ("doc-a", 41, 48, "offered"),
        ("doc-a", 49, 52, "his"),
        ("doc-a", 53, 58, "jails"),
    ]
    assert sourcing.words_of("doc-a", 0, 10, "too short") == [
        ("doc-a", 0, 10, "too short")
    ]  # an exact that does not fit: one word


def test_a_claim_using_words_the_publication_added_to_a_wire_passage_rests_on_the_publication():
    assert _derived(ADDED_TABLES, "clm-001") == [
        ("publication", "doc-a", "lineage", "lin-001", "", "seen")
    ]
    assert _read(ADDED_TABLES, "lineage", "lin-001", "clm-001") == sourcing.Reading(
        "publication", "doc-a", added=("three", "hours")
    )


def test_a_claim_without_added_words_in_the_same_passage_rests_on_the_wire():
    assert _derived(ADDED_TABLES, "clm-002") == [
        ("wire", "doc-wire", "lineage", "lin-001", "", "seen")
    ]
    assert _read(ADDED_TABLES, "lineage", "lin-001", "clm-002") == sourcing.Reading(
        "wire", "doc-wire"
    )


def test_punctuation_in_an_added_span_is_no_one_s_word():
    """An added span over a full stop alone shares a character with clm-001's span but none of its words."""
    spans = [
        s
        for s in ADDED_TABLES["spans"]
        if s["target_id"] != "clm-001"
        and not (s["target_id"] == "lin-001" and s["role"] == "added")
    ]
    spans += [
        _worded("claims", "clm-001", "Rubio met Bukele for three hours."),
        _worded("lineage", "lin-001", ".", "added"),
    ]
    assert _derived({**ADDED_TABLES, "spans": spans}, "clm-001") == [
        ("wire", "doc-wire", "lineage", "lin-001", "", "seen")
    ]


def test_an_inserted_word_in_a_quote_the_claim_does_not_carry_gives_no_row():
    assert _derived(ADDED_TABLES, "clm-003") == [("unknown", "", "", "", "", "unknown")]
    assert _read(ADDED_TABLES, "quotes", "qot-001", "clm-003") == sourcing.Reading(
        refused="inserted", added=("his",)
    )


def test_a_quote_the_claim_carries_gives_its_origin_despite_an_inserted_word():
    assert _derived(ADDED_TABLES, "clm-004") == [
        ("origin", "doc-post", "quotes", "qot-001", "doc-copy", "seen_in_copy")
    ]


def test_a_direct_quote_not_carried_gives_its_origin_to_words_that_are_all_the_speaker_s():
    assert _derived(ADDED_TABLES, "clm-005") == [
        ("origin", "doc-post", "quotes", "qot-001", "doc-copy", "seen_in_copy")
    ]


def test_an_indirect_quote_the_claim_does_not_carry_gives_no_row():
    assert _derived(ADDED_TABLES, "clm-006") == [("unknown", "", "", "", "", "unknown")]
    assert _read(ADDED_TABLES, "quotes", "qot-002", "clm-006") == sourcing.Reading(
        refused="indirect"
    )


def test_an_indirect_quote_the_claim_carries_gives_its_origin():
    assert _derived(ADDED_TABLES, "clm-007") == [
        ("origin", "doc-post", "quotes", "qot-002", "", "known_not_seen")
    ]


def test_no_copy_is_named_for_a_document_that_was_itself_seen():
    """doc-wire is a public copy that was read: the quote's wording copy and the passage's compared copy are not named."""
    tables = {
        **ADDED_TABLES,
        "quotes": [
            {**ADDED_TABLES["quotes"][0], "origin_document_id": "doc-wire"},
            ADDED_TABLES["quotes"][1],
        ],
        "quote_wordings": [
            {
                "quote_id": "qot-001",
                "primary_document_id": "doc-wire",
                "seen_in_document_id": "doc-copy",
            }
        ],
        "lineage": [{**ADDED_TABLES["lineage"][0], "evidence_document_id": "doc-copy"}],
    }
    assert _derived(tables, "clm-004") == [("origin", "doc-wire", "quotes", "qot-001", "", "seen")]
    assert _derived(tables, "clm-002") == [("wire", "doc-wire", "lineage", "lin-001", "", "seen")]
    documents = {d["document_id"]: d for d in tables["documents"]}
    copies = sourcing.copies_by_quote(tables["quote_wordings"])
    assert (
        sourcing.copy_of(
            "quotes", tables["quotes"][0], sourcing.Reading("origin", "doc-wire"), documents, copies
        )
        == ""
    )
    # the same wording of a document that was not seen names its copy
    unseen = {**documents, "doc-wire": {**documents["doc-wire"], "url_status": "unknown"}}
    assert (
        sourcing.copy_of(
            "quotes", tables["quotes"][0], sourcing.Reading("origin", "doc-wire"), unseen, copies
        )
        == "doc-copy"
    )
