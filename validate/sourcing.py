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

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .csvio import whole_number

Rows = list[dict[str, str]]

# Document types that are someone's own words (the speaker's post, remarks, web page), as
# opposed to reports of them (news_article, wire_story) and pages used to check a fact.
PRIMARY_TYPES = frozenset(
    {
        "social_media_post",
        "official_transcript",
        "government_web_page",
        "government_notice",
        "official_memorandum",
    }
)

# Sourcing levels, best first: a claim takes the first level any of its rows reaches.
LEVELS = (
    "origin_seen",
    "origin_seen_in_copy",
    "origin_known_not_seen",
    "wire_only",
    "publication_only",
    "unknown",
)

KEY_FIELDS = ("claim_id", "basis", "document_id", "evidence_table", "evidence_id")


Range = tuple[str, int, int]  # (document_id, start_char, end_char)
Word = tuple[
    str, int, int, str
]  # a run of letters and digits of a claim's content: (document_id, start, end, text)

_WORD = re.compile(
    r"[^\W_]+"
)  # letters and digits: spaces, punctuation and quotation marks are no one's words
SOURCING_ROLES = ("content", "added")  # the span roles the sourcing rules read


@dataclass
class Spans:
    """The spans the sourcing rules read: content ranges of every record, `added` ranges of lineage passages
    and quotes, and the words of each claim's content (only claims keep their text: it is what is judged)."""

    content: dict[tuple[str, str], list[Range]] = field(default_factory=lambda: defaultdict(list))
    added: dict[tuple[str, str], list[Range]] = field(default_factory=lambda: defaultdict(list))
    words: dict[str, list[Word]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, spans: Iterable[dict[str, str]]) -> Spans:
        """Index spans given as cell dicts (columns document_id, start_char, end_char, exact, role, target_table, target_id)."""
        index = cls()
        for span in spans:
            start, end, role = (
                whole_number(span.get("start_char")),
                whole_number(span.get("end_char")),
                span.get("role"),
            )
            if start is None or end is None or role not in SOURCING_ROLES:
                continue
            place, document = (
                (span.get("target_table", ""), span.get("target_id", "")),
                span.get("document_id", ""),
            )
            (index.content if role == "content" else index.added)[place].append(
                (document, start, end)
            )
            if role == "content" and place[0] == "claims":
                index.words[place[1]] += words_of(document, start, end, span.get("exact", ""))
        return index


def words_of(document: str, start: int, end: int, exact: str) -> list[Word]:
    """The runs of letters and digits of a span's text, with their offsets; a span whose text does not fit its
    offsets (the anchors check reports it) counts as one word."""
    if len(exact) != end - start:
        return [(document, start, end, exact)]
    return [
        (document, start + m.start(), start + m.end(), m.group()) for m in _WORD.finditer(exact)
    ]


def _inside(words: Iterable[Word], ranges: Iterable[Range]) -> list[Word]:
    """The words that share a character with one of `ranges` of the same document."""
    ranges = list(ranges)
    return [w for w in words if any(d == w[0] and s < w[2] and w[1] < e for d, s, e in ranges)]


@dataclass(frozen=True)
class Reading:
    """What one quote or lineage passage gives one claim.

    `refused` says why it gives nothing: `elsewhere` (none of the claim's words are in it and the claim does
    not carry it), `indirect` (an indirect quote the claim does not carry: its words are the reporter's),
    `inserted` (the claim's words in a quote it does not carry include words the quote marks `added`, an
    editorial insertion). `added` lists the claim's words that a lineage passage marks as the publication's,
    which make the basis `publication`."""

    basis: str = "unknown"
    document_id: str = ""
    refused: str = ""
    added: tuple[str, ...] = ()


def read(
    table: str,
    evidence: dict[str, str],
    evidence_id: str,
    claim: dict[str, str],
    spans: Spans,
    documents: dict[str, dict[str, str]],
) -> Reading:
    """What `evidence` (a row of `table`, quotes or lineage) gives `claim`, judged by the claim's words.

    A quote gives its origin (or earliest report) to the claim that carries it, and to a claim whose words it
    holds only when they are the speaker's own: a direct or partial quote, none of the words marked `added`.
    A lineage passage gives its source to the claim whose words it holds, unless some of those words are ones
    the publication added (`added` spans): then it gives `publication`.
    """
    words = spans.words.get(claim.get("claim_id", ""), [])
    place = (table, evidence_id)
    held = _inside(words, spans.content.get(place, []))
    added = _inside(held, spans.added.get(place, []))
    carried = table == "quotes" and claim.get("quote_id") == evidence_id
    if not held and not carried:
        return Reading(refused="elsewhere")
    if table == "quotes" and not carried:
        if evidence.get("quote_type") == "indirect":
            return Reading(refused="indirect")
        if added:
            return Reading(refused="inserted", added=tuple(w[3] for w in added))
    if table == "lineage" and added:
        return Reading(
            "publication", claim.get("document_id", ""), added=tuple(w[3] for w in added)
        )
    return Reading(*evidence_says(table, evidence, claim, documents))


def evidence_says(
    evidence_table: str,
    evidence: dict[str, str],
    claim: dict[str, str],
    documents: dict[str, dict[str, str]],
) -> tuple[str, str]:
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
        return (
            "origin" if documents.get(source, {}).get("document_type") in PRIMARY_TYPES else "wire"
        ), source
    if relation == "publisher_addition":
        return "publication", claim.get("document_id", "")
    return "unknown", ""


def document_status(
    document_id: str, copy_document_id: str, documents: dict[str, dict[str, str]]
) -> str:
    """`seen` (a copy at its own address was read, or the package holds its text as a snapshot), `seen_in_copy` (its words were read in the
    public copy `copy_document_id`), `known_not_seen` (identified, not read) or `unknown` (none)."""
    if not document_id:
        return "unknown"
    document = documents.get(document_id, {})
    if document.get("url_status") == "public_copy_seen" or document.get("snapshot_path"):
        return "seen"
    if (
        copy_document_id
        and documents.get(copy_document_id, {}).get("url_status") == "public_copy_seen"
    ):
        return "seen_in_copy"
    return "known_not_seen"


def level_of(rows: Rows) -> str:
    """The claim's sourcing level from its rows: the first of LEVELS that any row reaches."""
    reached = set()
    for row in rows:
        basis, status = row.get("basis"), row.get("document_status")
        if basis == "origin":
            reached.add(
                {"seen": "origin_seen", "seen_in_copy": "origin_seen_in_copy"}.get(
                    status or "", "origin_known_not_seen"
                )
            )
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
            index[(wording.get("quote_id", ""), wording.get("primary_document_id", ""))][
                wording.get("seen_in_document_id", "")
            ] = None
    return {key: list(copies) for key, copies in index.items()}


def copies_for(
    evidence_table: str,
    evidence: dict[str, str],
    document_id: str,
    copies: dict[tuple[str, str], list[str]],
) -> list[str]:
    """The public copies in which the document's words were read, as the evidence names them:
    a lineage passage's compared copy, or the `seen_in_document_id` of the quote's wordings of that
    document (`copies` is `copies_by_quote(quote_wordings)`: one lookup, not a scan per row)."""
    if evidence_table == "lineage":
        copy = evidence.get("evidence_document_id", "")
        return [copy] if copy and copy != document_id else []
    return copies.get((evidence.get("quote_id", ""), document_id), [])


def derive(tables: dict[str, Rows]) -> Rows:
    """Propose the claim_sources rows (without IDs or provenance) from quotes, lineage and spans.

    For each claim, in file order: the quote it carries and every quote holding its words, then every lineage
    passage holding its words, each read by `read` (and left out when it gives nothing); a claim with none of
    these gets one `unknown` row with no document and no evidence.
    """
    documents = {d.get("document_id", ""): d for d in tables.get("documents", [])}
    spans = Spans.of(tables.get("spans", []))
    copies = copies_by_quote(tables.get("quote_wordings", []))
    quotes, lineage = tables.get("quotes", []), tables.get("lineage", [])
    quotes_near, lineage_near = (
        _by_document(quotes, "quotes", "quote_id", spans.content),
        _by_document(lineage, "lineage", "lineage_id", spans.content),
    )
    quotes_with_id: dict[object, list[int]] = defaultdict(list)
    for position, quote in enumerate(quotes):
        quotes_with_id[quote.get("quote_id")].append(position)
    proposed: Rows = []
    for claim in tables.get("claims", []):
        claim_id = claim.get("claim_id", "")
        words = [(d, s, e) for d, s, e, _ in spans.words.get(claim_id, [])]
        evidence: list[tuple[str, dict[str, str]]] = [
            ("quotes", quotes[i])
            for i in sorted(
                set(quotes_with_id.get(claim.get("quote_id"), []))
                | _overlapping(words, quotes_near)
            )
        ]
        evidence += [("lineage", lineage[i]) for i in sorted(_overlapping(words, lineage_near))]
        rows: Rows = []
        for table, record in evidence:
            evidence_id = record.get("quote_id" if table == "quotes" else "lineage_id", "")
            reading = read(table, record, evidence_id, claim, spans, documents)
            if reading.refused:
                continue
            row = {
                "claim_id": claim_id,
                "basis": reading.basis,
                "document_id": reading.document_id,
                "evidence_table": table,
                "evidence_id": evidence_id,
            }
            row["copy_document_id"] = copy_of(table, record, reading, documents, copies)
            row["document_status"] = document_status(
                reading.document_id, row["copy_document_id"], documents
            )
            if all(key(row) != key(r) for r in rows):
                rows.append(row)
        if not rows:
            rows.append(
                {
                    "claim_id": claim_id,
                    "basis": "unknown",
                    "document_id": "",
                    "evidence_table": "",
                    "evidence_id": "",
                    "copy_document_id": "",
                    "document_status": "unknown",
                }
            )
        proposed += rows
    return proposed


def copy_of(
    table: str,
    evidence: dict[str, str],
    reading: Reading,
    documents: dict[str, dict[str, str]],
    copies: dict[tuple[str, str], list[str]],
) -> str:
    """The copy to name in `copy_document_id`: the first the evidence names for the document, and none when the
    document was read itself (a copy says where words were read only for a document that was not) or when the
    basis is the publication's own words."""
    document_id = reading.document_id
    if (
        not document_id
        or reading.basis == "publication"
        or document_status(document_id, "", documents) == "seen"
    ):
        return ""
    return next(iter(copies_for(table, evidence, document_id, copies)), "")


def _by_document(
    rows: Rows, table: str, id_field: str, ranges: dict
) -> dict[str, list[tuple[int, int, int]]]:
    """{document_id: [(start, end, position of the row)]} of the rows' content spans: a claim is compared
    only with the passages of its own documents (linear in a corpus of many articles, not claims x quotes)."""
    near: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for position, row in enumerate(rows):
        for document, start, end in ranges.get((table, row.get(id_field, "")), []):
            near[document].append((start, end, position))
    return near


def _overlapping(words: list[Range], near: dict[str, list[tuple[int, int, int]]]) -> set[int]:
    """The positions of the rows with a content span sharing a character with one of `words`."""
    return {
        position
        for document, start, end in words
        for s2, e2, position in near.get(document, ())
        if start < e2 and s2 < end
    }


def key(row: dict[str, str]) -> tuple[str, ...]:
    """What identifies a sourcing row apart from its ID: claim, basis, document and evidence."""
    return tuple(row.get(name, "") for name in KEY_FIELDS)
