"""claim-sourcing: every claim says what it rests on, and that sourcing is true to the evidence.

- every claim has at least one `claim_sources` row (when the package has that table);
- a row's evidence exists (`evidence_id` in `evidence_table`; a row without evidence is an
  `unknown` one) and holds the claim's words: it is the quote the claim carries, or its
  content spans hold some of the claim's words (letters and digits);
- a quote the claim does not carry is its source only when the claim's words in it are the
  speaker's own: not an indirect quote (the reporter's words), not an editorial insertion
  (an `added` span of the quote);
- the row's `basis` and `document_id` are what that evidence gives (validate/sourcing.py:
  a quote's known origin, a quote's earliest report, a lineage passage's source, the
  publication's own document for a publisher addition or for words the publication added to
  a wire passage (`added` spans), nothing when unknown);
- its `copy_document_id` is empty when the document itself was read, and otherwise a copy
  the evidence names, when it names one (the lineage passage's compared copy, or a
  `quote_wordings` copy of that quote and document);
- `document_status` and the claim's `sourcing_level` equal what `python -m validate fill`
  computes from them (the rules are in schemas/claim_sources.schema.json and the
  `sourcing_level` field of schemas/claims.schema.json).

PASS: csr-0001 clm-031 origin doc-bukele-x-post evidence quotes qot-006 (its span lies inside clm-031's), level origin_seen_in_copy
FAIL: clm-108 has no claim_sources row  ->  claim-without-source
FAIL: csr-0002 evidence lineage lin-005 whose words are in another paragraph  ->  evidence-elsewhere
FAIL: clm-004 sourcing_level unknown while its rows say wire_only  ->  stale-level
FAIL: csr-0005 basis wire from lin-002, but "millennial dictator" is an `added` span of lin-002  ->  publication-added-words
FAIL: csr-0088 origin from qot-015, an indirect quote that clm-061 does not carry  ->  quote-not-speakers-words
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import partial

from .. import sourcing
from ..csvio import among, filled
from ..errors import Code, Error, Place
from ..package import Package
from ._rows import by_id, path_of, record_error, rows, unreadable

ID = "claim-sourcing"
SUMMARY = "Every claim has sourcing rows whose evidence covers the same words, and its document statuses and sourcing level are up to date."

_SPAN_COLUMNS = [
    "document_id",
    "start_char",
    "end_char",
    "exact",
    "role",
    "target_table",
    "target_id",
]  # what sourcing.Spans reads
FILL_HINT = "Run `python -m validate fill datapackage.json`."

# what it reads (validate/applies.py): claims, their sources and their spans, needed; the other evidence
# when present (an absent lineage.csv is no wire evidence, as an empty one is)
TABLES = ("claim_sources", "claims", "spans", "documents")
OPTIONAL_TABLES = ("quotes", "lineage", "quote_wordings")

CODES = {
    "claim-without-source": Code(
        "A claim has no claim_sources row.",
        "Add its rows (`python -m validate claim-sources` proposes them); a claim with no known source gets one row "
        "with basis unknown.",
    ),
    "stale-status": Code(
        "A claim_sources row's document_status is not what its document (and copy) make it.",
        FILL_HINT,
    ),
    "stale-level": Code(
        "A claim's sourcing_level is not what its claim_sources rows make it.", FILL_HINT
    ),
    "no-evidence": Code(
        "A claim_sources row gives a basis (or a document) but names no quote or lineage row that shows it.",
        "Name the evidence in evidence_table and evidence_id, or make the row basis unknown with no document.",
    ),
    "unknown-evidence": Code(
        "A claim_sources row's evidence_id does not exist in its evidence_table.",
        "Name an existing quote_id (evidence_table quotes) or lineage_id (evidence_table lineage).",
    ),
    "evidence-elsewhere": Code(
        "The evidence's words do not overlap the claim's words, and it is not the quote the claim carries.",
        "Name the quote or lineage passage whose content spans cover the claim's words.",
    ),
    "quote-not-speakers-words": Code(
        "The evidence is a quote the claim does not carry whose words are not the speaker's own (an indirect "
        "quote, or an editorial insertion), so it is not a source of the claim.",
        "Take the row out (`python -m validate claim-sources` shows what the words give), or set the claim's "
        "quote_id if the claim is the speaker's.",
    ),
    "publication-added-words": Code(
        "The row's basis is not what the evidence gives, because the claim's words are words the publication "
        "added to the passage (an `added` span).",
        "A source gives a claim only the words it has: see docs/sourcing.md.",
    ),
    "basis-mismatch": Code(
        "The row's basis is not what its evidence gives.",
        "See the description of `basis` in schemas/claim_sources.schema.json.",
    ),
    "document-mismatch": Code(
        "The row's document_id is not the document its evidence names.",
        "Set document_id to the document the message names.",
    ),
    "copy-while-seen": Code(
        "The row names a copy_document_id although its document was itself read (document_status seen).",
        "Empty copy_document_id.",
    ),
    "copy-missing": Code(
        "The row names no copy_document_id, but its document was not read itself and the evidence names a copy in which "
        "its words were read.",
        "Run `python -m validate claim-sources --write` (it names the copy), then `python -m validate fill`.",
    ),
    "copy-mismatch": Code(
        "The row's copy_document_id is not a copy that its evidence names for the document.",
        "Name the lineage row's evidence_document_id, or the seen_in_document_id of a quote_wordings row of the quote.",
    ),
}


def check(package: Package) -> Iterator[Error]:
    """Yield errors in claim_sources and in claims.sourcing_level."""
    if package.table("claim_sources") is None or unreadable(
        package, "claims", "quotes", "lineage", "spans", "documents", "quote_wordings"
    ):
        return
    claims = by_id(package, "claims", ["quote_id", "document_id", "sourcing_level"])
    documents = {
        doc_id: r.cells
        for doc_id, r in by_id(
            package, "documents", ["url_status", "snapshot_path", "document_type"]
        ).items()
    }
    evidence_tables = {
        "quotes": by_id(package, "quotes", ["origin_status", "origin_document_id", "quote_type"]),
        "lineage": by_id(
            package, "lineage", ["relation", "source_document_id", "evidence_document_id"]
        ),
    }
    copies_of = sourcing.copies_by_quote(
        [
            r.cells
            for r in rows(
                package,
                "quote_wordings",
                ["quote_id", "primary_document_id", "seen_in_document_id"],
                filled("seen_in_document_id"),
            )
        ]
    )
    spans = sourcing.Spans.of(
        r.cells
        for r in rows(
            package, "spans", _SPAN_COLUMNS, among("role"), [list(sourcing.SOURCING_ROLES)]
        )
    )
    file = path_of(package, "claim_sources")
    rows_of_claim: dict[str, list[dict[str, str]]] = defaultdict(list)
    for record in rows(
        package,
        "claim_sources",
        [
            "claim_source_id",
            "claim_id",
            "document_id",
            "copy_document_id",
            "document_status",
            "evidence_table",
            "evidence_id",
            "basis",
        ],
    ):
        cells = record.cells

        error = partial(record_error, file, "claim_source_id", record)

        claim_id = cells.get("claim_id", "")
        claim = claims.get(claim_id)
        status = sourcing.document_status(
            cells.get("document_id", ""), cells.get("copy_document_id", ""), documents
        )
        rows_of_claim[claim_id].append(
            {"basis": cells.get("basis", ""), "document_status": status}
        )  # what a level is made of
        if cells.get("document_status") != status:
            yield error(
                "stale-status",
                f"document_status is {cells.get('document_status')!r}, but {cells.get('document_id') or 'no document'} "
                f"(copy: {cells.get('copy_document_id') or 'none'}) makes it {status!r}.",
                "document_status",
                FILL_HINT,
            )
        if claim is None:
            continue  # an unknown claim_id is a foreign-key error of table-frictionless
        table, evidence_id = cells.get("evidence_table", ""), cells.get("evidence_id", "")
        if not table and not evidence_id:
            if cells.get("basis") != "unknown" or cells.get("document_id"):
                yield error(
                    "no-evidence",
                    f"basis {cells.get('basis')!r} needs the quote or lineage row that shows it.",
                    "evidence_id",
                    "Name the evidence in evidence_table and evidence_id, or make the row basis unknown with no document.",
                )
            continue
        evidence = evidence_tables.get(table, {}).get(evidence_id)
        if evidence is None:
            yield error(
                "unknown-evidence",
                f"{evidence_id!r} does not exist in {table or 'evidence_table (empty)'}.",
                "evidence_id",
                "Name an existing quote_id (evidence_table quotes) or lineage_id (evidence_table lineage).",
            )
            continue
        reading = sourcing.read(table, evidence.cells, evidence_id, claim.cells, spans, documents)
        if reading.refused == "elsewhere":
            yield error(
                "evidence-elsewhere",
                f"the words of {evidence_id} do not overlap the words of {claim_id}, "
                f"and it is not the quote {claim_id} carries.",
                "evidence_id",
                "Name the quote or lineage passage whose content spans cover the claim's words.",
            )
            continue
        if reading.refused:
            why = (
                f"{evidence_id} is an indirect quote: its words are the reporter's"
                if reading.refused == "indirect"
                else f"{claim_id}'s words {_listed(reading.added)} in {evidence_id} are an insertion that the speaker did not say (an `added` span)"
            )
            yield error(
                "quote-not-speakers-words",
                f"{why}, and {claim_id} does not carry it, so it is not a source of the claim.",
                "evidence_id",
                "Take the row out (`python -m validate claim-sources` shows what the words give), "
                "or set the claim's quote_id if the claim is the speaker's.",
            )
            continue
        basis, document_id = reading.basis, reading.document_id
        if cells.get("basis") != basis:
            if reading.added:
                yield error(
                    "publication-added-words",
                    f"basis is {cells.get('basis')!r}, but {claim_id}'s words {_listed(reading.added)} are words "
                    f"the publication added to {evidence_id} (an `added` span), so the passage gives {basis!r}.",
                    "basis",
                    "A source gives a claim only the words it has: see docs/sourcing.md.",
                )
            else:
                yield error(
                    "basis-mismatch",
                    f"basis is {cells.get('basis')!r}, but {evidence_id} makes it {basis!r}.",
                    "basis",
                    "See the description of `basis` in schemas/claim_sources.schema.json.",
                )
        if cells.get("document_id", "") != document_id:
            yield error(
                "document-mismatch",
                f"document_id is {cells.get('document_id') or 'empty'}, but {evidence_id} names "
                f"{document_id or 'no document'}.",
                "document_id",
            )
        copy, copies = (
            cells.get("copy_document_id", ""),
            sourcing.copies_for(table, evidence.cells, document_id, copies_of),
        )
        wanted = sourcing.copy_of(table, evidence.cells, reading, documents, copies_of)
        if copy and sourcing.document_status(document_id, "", documents) == "seen":
            yield error(
                "copy-while-seen",
                f"copy_document_id is {copy}, but {document_id} was itself read "
                "(document_status seen): a copy is named only for a document that was not.",
                "copy_document_id",
                "Empty copy_document_id.",
            )
            continue
        if not copy and wanted:
            yield error(
                "copy-missing",
                f"copy_document_id is empty, but {document_id} was not read itself and {evidence_id} names a copy "
                f"in which its words were read ({', '.join(copies)}).",
                "copy_document_id",
                "Run `python -m validate claim-sources --write` (it names the copy), then `python -m validate fill`.",
            )
        if copy and copy not in copies:
            yield error(
                "copy-mismatch",
                f"{copy} is not a copy that {evidence_id} names for {document_id or 'its document'} "
                f"({', '.join(copies) or 'it names none'}).",
                "copy_document_id",
                "Name the lineage row's evidence_document_id, or the seen_in_document_id of a quote_wordings row of the quote.",
            )

    levels = {
        claim_id: sourcing.level_of(rows_of_claim.get(claim_id, [])) for claim_id in claims
    }  # from the statuses as they should be
    claims_file = path_of(package, "claims")
    for claim_id, record in claims.items():
        if claim_id not in rows_of_claim:
            yield Error.at(
                Place(claims_file, record.line, record.row),
                "claim_id",
                "claim-without-source",
                f"{claim_id} has no claim_sources row.",
                hint="Add its rows (`python -m validate claim-sources` proposes them); a claim with no known source gets one row with basis unknown.",
            )
        elif record.cells.get("sourcing_level") != levels[claim_id]:
            yield Error.at(
                Place(claims_file, record.line, record.row),
                "sourcing_level",
                "stale-level",
                f"{claim_id}: sourcing_level is {record.cells.get('sourcing_level')!r}, but its claim_sources rows make it "
                f"{levels[claim_id]!r}.",
                hint=FILL_HINT,
            )


def _listed(words: tuple[str, ...]) -> str:
    return ", ".join(f"'{word}'" for word in dict.fromkeys(words))
