"""What each claim rests on: derive its sourcing rows, each document's status and the claim's level.

The rules are stated once, in schemas/claim_sources.schema.json and in the `sourcing_level`
field of schemas/claims.schema.json; this module is their only implementation, shared by
`python -m validate fill` (which writes `document_status` and `sourcing_level`), the
`claim-sourcing` check (which fails when they are stale) and `python -m validate
claim-sources` (which proposes the rows from quotes, lineage and span overlap for review).

Tables are passed as lists of cell dicts, so the same code serves the loaded package and
the files that `fill` rewrites.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from .csvio import whole_number

Rows = list[dict[str, str]]

# Document types that are someone's own words (the speaker's post, remarks, web page), as
# opposed to reports of them (news_article, wire_story) and pages used to check a fact.
PRIMARY_TYPES = frozenset({"social_media_post", "official_transcript", "government_web_page", "government_notice", "official_memorandum"})

# Sourcing levels, best first: a claim takes the first level any of its rows reaches.
LEVELS = ("origin_seen", "origin_seen_in_copy", "origin_known_not_seen", "wire_only", "publication_only", "unknown")

KEY_FIELDS = ("claim_id", "basis", "document_id", "evidence_table", "evidence_id")


def content_ranges(spans: Iterable[dict[str, str]]) -> dict[tuple[str, str], list[tuple[str, int, int]]]:
    """Return {(target_table, target_id): [(document_id, start_char, end_char)]} of content spans."""
    ranges: dict[tuple[str, str], list[tuple[str, int, int]]] = defaultdict(list)
    for span in spans:
        start, end = whole_number(span.get("start_char")), whole_number(span.get("end_char"))
        if span.get("role") == "content" and start is not None and end is not None:
            ranges[(span.get("target_table", ""), span.get("target_id", ""))].append((span.get("document_id", ""), start, end))
    return ranges


def overlap(first: Iterable[tuple[str, int, int]], second: Iterable[tuple[str, int, int]]) -> bool:
    """True when a range of `first` and a range of `second` share at least one character of one document."""
    second = list(second)
    return any(d1 == d2 and s1 < e2 and s2 < e1 for d1, s1, e1 in first for d2, s2, e2 in second)


def evidence_says(evidence_table: str, evidence: dict[str, str], claim: dict[str, str], documents: dict[str, dict[str, str]]) -> tuple[str, str]:
    """Return the (basis, document_id) that a quote or lineage row gives a claim.

    A quote whose origin is `known` gives its origin document (basis `origin`); one whose
    origin is its `earliest_report` gives that wire story (basis `wire`); otherwise nothing
    (`unknown`, no document). A lineage passage taken from a document gives it (basis
    `origin` when that document is someone's own words, else `wire`); a `publisher_addition`
    gives the claim's own document (basis `publication`); an `unknown` one gives nothing.
    """
    if evidence_table == "quotes":
        status, origin = evidence.get("origin_status"), evidence.get("origin_document_id", "")
        if status == "known" and origin:
            return "origin", origin
        if status == "earliest_report" and origin:
            return "wire", origin
        return "unknown", ""
    relation, source = evidence.get("relation"), evidence.get("source_document_id", "")
    if relation in ("nearly_verbatim", "rewritten") and source:
        return ("origin" if documents.get(source, {}).get("document_type") in PRIMARY_TYPES else "wire"), source
    if relation == "publisher_addition":
        return "publication", claim.get("document_id", "")
    return "unknown", ""


def document_status(document_id: str, copy_document_id: str, documents: dict[str, dict[str, str]]) -> str:
    """`seen` (a copy at its own address was read, or the package holds its text as a snapshot), `seen_in_copy` (its words were read in the
    public copy `copy_document_id`), `known_not_seen` (identified, not read) or `unknown` (none)."""
    if not document_id:
        return "unknown"
    document = documents.get(document_id, {})
    if document.get("url_status") == "public_copy_seen" or document.get("snapshot_path"):
        return "seen"
    if copy_document_id and documents.get(copy_document_id, {}).get("url_status") == "public_copy_seen":
        return "seen_in_copy"
    return "known_not_seen"


def level_of(rows: Rows) -> str:
    """The claim's sourcing level from its rows: the first of LEVELS that any row reaches."""
    reached = set()
    for row in rows:
        basis, status = row.get("basis"), row.get("document_status")
        if basis == "origin":
            reached.add({"seen": "origin_seen", "seen_in_copy": "origin_seen_in_copy"}.get(status or "", "origin_known_not_seen"))
        elif basis == "wire":
            reached.add("wire_only")
        elif basis == "publication":
            reached.add("publication_only")
    return next((level for level in LEVELS if level in reached), "unknown")


def levels_by_claim(claim_ids: Iterable[str], sources: Rows) -> dict[str, str]:
    """Return {claim_id: level} for every claim, from the claim_sources rows."""
    grouped: dict[str, Rows] = defaultdict(list)
    for row in sources:
        grouped[row.get("claim_id", "")].append(row)
    return {claim_id: level_of(grouped.get(claim_id, [])) for claim_id in claim_ids}


def copies_by_quote(wordings: Rows) -> dict[tuple[str, str], list[str]]:
    """Index quote_wordings: {(quote_id, primary_document_id): [seen_in_document_id, ...]} in file order, without repeats."""
    index: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)
    for wording in wordings:
        if wording.get("seen_in_document_id"):
            index[(wording.get("quote_id", ""), wording.get("primary_document_id", ""))][wording.get("seen_in_document_id", "")] = None
    return {key: list(copies) for key, copies in index.items()}


def copies_for(evidence_table: str, evidence: dict[str, str], document_id: str, copies: dict[tuple[str, str], list[str]]) -> list[str]:
    """The public copies in which the document's words were read, as the evidence names them:
    a lineage passage's compared copy, or the `seen_in_document_id` of the quote's wordings of that
    document (`copies` is `copies_by_quote(quote_wordings)`: one lookup, not a scan per row)."""
    if evidence_table == "lineage":
        copy = evidence.get("evidence_document_id", "")
        return [copy] if copy and copy != document_id else []
    return copies.get((evidence.get("quote_id", ""), document_id), [])


def derive(tables: dict[str, Rows]) -> Rows:
    """Propose the claim_sources rows (without IDs or provenance) from quotes, lineage and spans.

    For each claim, in file order: the quote it carries and every quote whose words overlap
    its words, then every lineage passage overlapping its words; a claim with none of these
    gets one `unknown` row with no document and no evidence.
    """
    documents = {d.get("document_id", ""): d for d in tables.get("documents", [])}
    ranges = content_ranges(tables.get("spans", []))
    copies = copies_by_quote(tables.get("quote_wordings", []))
    quotes, lineage = tables.get("quotes", []), tables.get("lineage", [])
    quotes_near, lineage_near = _by_document(quotes, "quotes", "quote_id", ranges), _by_document(lineage, "lineage", "lineage_id", ranges)
    quotes_with_id: dict[object, list[int]] = defaultdict(list)
    for position, quote in enumerate(quotes):
        quotes_with_id[quote.get("quote_id")].append(position)
    proposed: Rows = []
    for claim in tables.get("claims", []):
        claim_id = claim.get("claim_id", "")
        words = ranges.get(("claims", claim_id), [])
        evidence: list[tuple[str, dict[str, str]]] = [
            ("quotes", quotes[i]) for i in sorted(set(quotes_with_id.get(claim.get("quote_id"), [])) | _overlapping(words, quotes_near))]
        evidence += [("lineage", lineage[i]) for i in sorted(_overlapping(words, lineage_near))]
        rows: Rows = []
        for table, record in evidence:
            basis, document_id = evidence_says(table, record, claim, documents)
            row = {"claim_id": claim_id, "basis": basis, "document_id": document_id, "evidence_table": table,
                   "evidence_id": record.get("quote_id" if table == "quotes" else "lineage_id", "")}
            row["copy_document_id"] = next(iter(copies_for(table, record, document_id, copies)), "") if document_id else ""
            row["document_status"] = document_status(document_id, row["copy_document_id"], documents)
            if all(key(row) != key(r) for r in rows):
                rows.append(row)
        if not rows:
            rows.append({"claim_id": claim_id, "basis": "unknown", "document_id": "", "evidence_table": "", "evidence_id": "",
                         "copy_document_id": "", "document_status": "unknown"})
        proposed += rows
    return proposed


def _by_document(rows: Rows, table: str, id_field: str, ranges: dict) -> dict[str, list[tuple[int, int, int]]]:
    """{document_id: [(start, end, position of the row)]} of the rows' content spans: a claim is compared
    only with the passages of its own documents (linear in a corpus of many articles, not claims x quotes)."""
    near: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for position, row in enumerate(rows):
        for document, start, end in ranges.get((table, row.get(id_field, "")), []):
            near[document].append((start, end, position))
    return near


def _overlapping(words: list[tuple[str, int, int]], near: dict[str, list[tuple[int, int, int]]]) -> set[int]:
    """The positions of the rows with a content span sharing a character with one of `words` (as `overlap`)."""
    return {position for document, start, end in words for s2, e2, position in near.get(document, ()) if start < e2 and s2 < end}


def key(row: dict[str, str]) -> tuple[str, ...]:
    """What identifies a sourcing row apart from its ID: claim, basis, document and evidence."""
    return tuple(row.get(name, "") for name in KEY_FIELDS)
