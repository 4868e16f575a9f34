"""source-chain: the corroboration layer names real records and real, seen sources.

- a corroboration names an existing claim, quote or quantity; it names a document unless
  its relation is `no_public_source_found`, and that document is a public copy that was
  seen (`url_status` public_copy_seen); it carries a short excerpt unless nothing was
  found; `contradicts`, `wording_differs`, `partially_supports` and `no_public_source_found`
  say why in `notes`;
- every quantity has at least one corroboration row, even if it is "no public source found";
- a quote wording's `article_fragment` is words of the quote as printed, and its
  `primary_fragment` words of its `primary_excerpt`; an `identical` row has neither;
- a corroboration's source is not the document the record is in, nor a copy of it
  (`derived_from_document_id`, followed to its end): an article cannot corroborate itself;
- a finding names an existing record and its evidence is a seen public copy; a finding on a
  claim, quote or quantity is backed by a corroboration of that record that contradicts it
  or supports it only in part (a `qualifies` row measures something else, so it shows no
  error); images and entities, which corroborations do not target, rest on the finding's
  own excerpt;
- a lineage row taken from a wire story names that story, a `publisher_addition` names none,
  and a `high` confidence rests on a compared public copy.

PASS: cor-001 target qty-005, relation supports, document doc-ap-cecot-2023 (seen), excerpt "capacity for 40,000"
FAIL: cor-002 relation contradicts with no notes  ->  needs-note
FAIL: cor-001 corroborates qty-001 with doc-article, the article the quantity is in  ->  circular-evidence
FAIL: fnd-003 on clm-098, whose only corroboration qualifies it  ->  finding-without-backing
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from ..csvio import Record
from ..errors import Code, Error, Place
from ..package import Package
from ._rows import by_id, known_ids, named, path_of, record_error, rows

ID = "source-chain"
SUMMARY = "Corroborations, quote wordings, findings and lineage name existing records and seen public sources, with excerpts and notes where needed."

NEEDS_NOTE = {"contradicts", "wording_differs", "partially_supports", "no_public_source_found"}
BACKS_A_FINDING = {"contradicts", "partially_supports"}

_SEEN_HINT = "Name a public copy that was read (url_status public_copy_seen), with its url."
# what it reads (validate/applies.py): its four tables, each judged on its own, and the records and
# documents they name when present (a target the package lacks is an unknown target)
EACH_TABLE = ("corroborations", "quote_wordings", "findings", "lineage")
OPTIONAL_TABLES = ("documents", "claims", "quotes", "quantities", "images", "entities")

CODES = {
    "unknown-target": Code(
        "A corroboration or finding names a claim, quote, quantity, image or entity that does not exist.",
        "Use an ID that exists in the table target_table names.",
    ),
    "circular-evidence": Code(
        "A corroboration's source is the document the record is in, or a copy of it: an article cannot corroborate itself.",
        "Corroborate from an independent public source, or record what was searched as no_public_source_found.",
    ),
    "found-nothing-but-cites": Code(
        "A corroboration with relation no_public_source_found names a document or an excerpt.",
        "Empty document_id and excerpt, or give the relation the source supports.",
    ),
    "no-source": Code(
        "A corroboration or lineage row whose relation needs a source document names none.",
        "Name the document in document_id (corroborations) or source_document_id (lineage).",
    ),
    "source-not-seen": Code(
        "A corroboration, finding or lineage row rests on a document that is not a public copy that was seen "
        "(url_status is not public_copy_seen).",
        _SEEN_HINT,
    ),
    "no-excerpt": Code(
        "A corroboration that found a source has no excerpt.",
        "Give a short verbatim excerpt of the source.",
    ),
    "needs-note": Code(
        "A corroboration whose relation is contradicts, wording_differs, partially_supports or no_public_source_found "
        "has no note saying why (or what was searched).",
        "Say in notes how the source bears on the record, or what was searched.",
    ),
    "uncorroborated-quantity": Code(
        "A quantity has no corroboration row.",
        "Add a corroborations row for it, with relation no_public_source_found if nothing was found.",
    ),
    "identical-with-fragments": Code(
        "A quote wording marked identical gives differing fragments.",
        "Empty article_fragment and primary_fragment, or choose the difference_kind they show.",
    ),
    "fragment-not-in-quote": Code(
        "A quote wording's article_fragment is not words of the quote's text.",
        "Copy the fragment character for character from the quote's text.",
    ),
    "fragment-not-in-excerpt": Code(
        "A quote wording's primary_fragment is not words of its primary_excerpt.",
        "Quote the primary excerpt around the differing words.",
    ),
    "finding-without-backing": Code(
        "A finding on a claim, quote or quantity has no corroboration of that record that contradicts it or "
        "supports it only in part, so no public source shows the error.",
        "Add the corroborations row that shows the error (relation contradicts or partially_supports), or drop the finding.",
    ),
    "addition-with-source": Code(
        "A lineage row marked publisher_addition names a source document.",
        "Empty source_document_id, or give the relation that the source shows.",
    ),
    "high-without-evidence": Code(
        "A lineage row with confidence high names no compared public copy.",
        "Name the compared public copy in evidence_document_id, or lower the confidence.",
    ),
}


def check(package: Package) -> Iterator[Error]:
    """Yield errors in the corroborations, quote_wordings, findings and lineage tables."""
    documents = by_id(package, "documents", ["url_status", "derived_from_document_id"])
    home = _documents_of_records(package)
    ids = {
        table: known_ids(package, table)
        for table in ("claims", "quotes", "quantities", "images", "entities")
    }
    seen = {
        doc_id for doc_id, r in documents.items() if r.cells.get("url_status") == "public_copy_seen"
    }

    file = path_of(package, "corroborations")
    corroborated_quantities = set()
    backed: set[tuple[str, str]] = set()
    for record in rows(
        package,
        "corroborations",
        [
            "corroboration_id",
            "target_table",
            "target_id",
            "relation",
            "document_id",
            "excerpt",
            "notes",
        ],
    ):
        cells = record.cells

        error = partial(record_error, file, "corroboration_id", record)

        table, target, relation = (
            cells.get("target_table", ""),
            cells.get("target_id", ""),
            cells.get("relation", ""),
        )
        if (known := ids.get(table)) is not None and target not in known:
            yield error("unknown-target", f"{target!r} does not exist in {table}.", "target_id")
        if table == "quantities":
            corroborated_quantities.add(target)
        if relation in BACKS_A_FINDING:
            backed.add((table, target))
        document = cells.get("document_id", "")
        article = home.get((table, target), "")
        if document and article and article in _copied_from(document, documents):
            what = (
                f"the document {target} is in"
                if document == article
                else f"a copy of {article}, the document {target} is in"
            )
            yield error(
                "circular-evidence",
                f"{document} is {what}: an article cannot corroborate itself.",
                "document_id",
                "Corroborate from an independent public source, or record what was searched as no_public_source_found.",
            )
        if relation == "no_public_source_found":
            if document or cells.get("excerpt"):
                yield error(
                    "found-nothing-but-cites",
                    "relation is no_public_source_found, so document_id and excerpt must be empty.",
                    "document_id",
                )
        else:
            if not document:
                yield error(
                    "no-source",
                    f"relation {relation!r} needs the document that says it.",
                    "document_id",
                )
            elif document in documents and document not in seen:
                status = documents[document].cells.get("url_status")
                yield error(
                    "source-not-seen",
                    f"{document} is not a public copy that was seen (url_status is {status!r}).",
                    "document_id",
                    "Corroborate only from a public copy that was read, with its url.",
                )
            if not cells.get("excerpt"):
                yield error(
                    "no-excerpt",
                    f"relation {relation!r} needs a short verbatim excerpt of the source.",
                    "excerpt",
                )
        if relation in NEEDS_NOTE and not cells.get("notes"):
            what = (
                "what was searched"
                if relation == "no_public_source_found"
                else "how the source bears on the record"
            )
            yield error("needs-note", f"relation {relation!r} needs a note saying {what}.", "notes")
    for quantity_id, record in by_id(package, "quantities", ["surface"]).items():
        if (
            package.table("corroborations") is not None
            and quantity_id not in corroborated_quantities
        ):
            yield Error.at(
                Place(path_of(package, "quantities"), record.line, record.row),
                "quantity_id",
                "uncorroborated-quantity",
                f"{quantity_id} ({record.cells.get('surface')!r}) has no corroboration row.",
                hint="Add a corroborations row for it, with relation no_public_source_found if nothing was found.",
            )

    quotes = by_id(package, "quotes", ["text"])
    file = path_of(package, "quote_wordings")
    for record in rows(
        package,
        "quote_wordings",
        [
            "wording_id",
            "quote_id",
            "difference_kind",
            "article_fragment",
            "primary_fragment",
            "primary_excerpt",
        ],
    ):
        cells = record.cells
        quote = quotes.get(cells.get("quote_id", ""))
        kind, article, primary = (
            cells.get("difference_kind"),
            cells.get("article_fragment", ""),
            cells.get("primary_fragment", ""),
        )
        name = cells.get("wording_id")
        if kind == "identical" and (article or primary):
            yield Error.at(
                Place(file, record.line, record.row),
                "article_fragment",
                "identical-with-fragments",
                f"{name}: an identical wording has no differing fragments.",
            )
        if article and quote and article not in quote.cells.get("text", ""):
            yield Error.at(
                Place(file, record.line, record.row),
                "article_fragment",
                "fragment-not-in-quote",
                f"{name}: article_fragment {article!r} is not in the text of {quote.cells.get('quote_id')}.",
                hint="Copy the fragment character for character from the quote's text.",
            )
        if primary and primary not in cells.get("primary_excerpt", ""):
            yield Error.at(
                Place(file, record.line, record.row),
                "primary_fragment",
                "fragment-not-in-excerpt",
                f"{name}: primary_fragment {primary!r} is not in primary_excerpt.",
                hint="Quote the primary excerpt around the differing words.",
            )

    file = path_of(package, "findings")
    for record in rows(
        package, "findings", ["finding_id", "target_table", "target_id", "evidence_document_id"]
    ):
        cells = record.cells
        table, target = cells.get("target_table", ""), cells.get("target_id", "")
        if (known := ids.get(table)) is not None and target not in known:
            yield Error.at(
                Place(file, record.line, record.row),
                "target_id",
                "unknown-target",
                f"{named(cells.get('finding_id'), 'finding_id')}: {target!r} does not exist in {table}.",
            )
        evidence = cells.get("evidence_document_id", "")
        if evidence in documents and evidence not in seen:
            yield Error.at(
                Place(file, record.line, record.row),
                "evidence_document_id",
                "source-not-seen",
                f"{named(cells.get('finding_id'), 'finding_id')}: evidence {evidence} is not a public copy that was seen.",
            )
        if (
            table in CORROBORATED
            and package.table("corroborations") is not None
            and (table, target) not in backed
            and (known := ids.get(table)) is not None
            and target in known
        ):
            yield Error.at(
                Place(file, record.line, record.row),
                "target_id",
                "finding-without-backing",
                f"{named(cells.get('finding_id'), 'finding_id')}: no corroboration of {target} contradicts it or supports it "
                "only in part, so no public source shows the error.",
                hint="Add the corroborations row that shows the error (relation contradicts or partially_supports), or drop the finding.",
            )

    file = path_of(package, "lineage")
    for record in rows(
        package,
        "lineage",
        ["lineage_id", "relation", "source_document_id", "evidence_document_id", "confidence"],
    ):
        cells = record.cells
        lineage_relation, source = cells.get("relation"), cells.get("source_document_id", "")
        name = cells.get("lineage_id")
        if lineage_relation in ("nearly_verbatim", "rewritten") and not source:
            yield Error.at(
                Place(file, record.line, record.row),
                "source_document_id",
                "no-source",
                f"{name}: relation {lineage_relation!r} needs source_document_id.",
            )
        if lineage_relation == "publisher_addition" and source:
            yield Error.at(
                Place(file, record.line, record.row),
                "source_document_id",
                "addition-with-source",
                f"{name}: a publisher_addition has no source_document_id.",
            )
        evidence = cells.get("evidence_document_id", "")
        if evidence in documents and evidence not in seen:
            yield Error.at(
                Place(file, record.line, record.row),
                "evidence_document_id",
                "source-not-seen",
                f"{name}: evidence {evidence} is not a public copy that was seen.",
                hint="Name the public copy that was compared, with its url.",
            )
        if cells.get("confidence") == "high" and not evidence:
            yield Error.at(
                Place(file, record.line, record.row),
                "evidence_document_id",
                "high-without-evidence",
                f"{name}: high confidence needs the compared public copy in evidence_document_id.",
            )


CORROBORATED = ("claims", "quotes", "quantities")  # the tables corroborations can target


def _documents_of_records(package: Package) -> dict[tuple[str, str], str]:
    """{(table, ID): the document the record is in} for claims, quotes and quantities (a quantity is in its claim's)."""
    home = {
        ("claims", i): r.cells.get("document_id", "")
        for i, r in by_id(package, "claims", ["document_id"]).items()
    }
    home |= {
        ("quotes", i): r.cells.get("document_id", "")
        for i, r in by_id(package, "quotes", ["document_id"]).items()
    }
    home |= {
        ("quantities", i): home.get(("claims", r.cells.get("claim_id", "")), "")
        for i, r in by_id(package, "quantities", ["claim_id"]).items()
    }
    return home


def _copied_from(document: str, documents: dict[str, Record]) -> set[str]:
    """The document and every document it is a copy of, following derived_from_document_id (a loop ends the walk)."""
    chain: set[str] = set()
    while document and document not in chain:
        chain.add(document)
        record = documents.get(document)
        document = record.cells.get("derived_from_document_id", "") if record else ""
    return chain
