"""usage: no entity or document that nothing uses.

An entity is used when a row refers to it (a claim's subject or attribution, a quote's
speaker, a quantity's `about`, an image's creator or agency, a document's publisher) or a
span mentions it. A document is used when a row refers to it (as the document a claim,
quote, image or span belongs to, a quote's origin, another document's source) or a span
targets it. An unused row is either a leftover or a missing link.

PASS: ent-lake-coatepeque with a mention span
FAIL: ent-lake-coatepeque with nothing pointing at it  ->  unused-entity
"""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import Error
from ..package import Package
from ._rows import unreadable, path_of, records

ID = "usage"
SUMMARY = "Every entity and every document is used by some record or span."

ENTITY_REFERENCES = {"claims": ["attributed_to_entity_id", "subject_entity_id"], "quotes": ["speaker_entity_id"],
                     "quantities": ["about_entity_id"], "images": ["creator_entity_id", "agency_entity_id"],
                     "documents": ["publisher_entity_id"]}
DOCUMENT_REFERENCES = {"claims": ["document_id"], "quotes": ["document_id", "origin_document_id"], "images": ["document_id"],
                       "spans": ["document_id"], "documents": ["derived_from_document_id"],
                       "lineage": ["document_id", "source_document_id", "evidence_document_id"],
                       "quote_wordings": ["primary_document_id", "seen_in_document_id"], "corroborations": ["document_id"],
                       "findings": ["evidence_document_id"]}


def check(package: Package) -> Iterator[Error]:
    """Yield one error per unused entity or document."""
    if unreadable(package, "spans", *ENTITY_REFERENCES, *DOCUMENT_REFERENCES):
        return  # resource-files reports the unreadable table; nothing sound can be said here
    yield from _unused(package, "entities", "entity_id", ENTITY_REFERENCES, "unused-entity")
    yield from _unused(package, "documents", "document_id", DOCUMENT_REFERENCES, "unused-document")


def _unused(package: Package, table: str, key: str, references: dict[str, list[str]], code: str) -> Iterator[Error]:
    used = {r.cells.get(column, "") for name, columns in references.items() for r in records(package, name) for column in columns}
    used |= {r.cells.get("target_id", "") for r in records(package, "spans") if r.cells.get("target_table") == table}
    for record in records(package, table):
        if record.cells.get(key) not in used:
            yield Error(ID, code, f"{record.cells.get(key)} is not used by any record or span.", path_of(package, table), record.line, record.row, key,
                        "Link it from the record that concerns it (or add a mention span), or delete the row if it is a leftover.")
