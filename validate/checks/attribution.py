"""attribution: every quotation has a speaker and a cue, and claims agree with their quotes.

- a quote's speaker is an entity, never blank; a `named` or `described` speaker has a
  `speaker` span (the words naming or describing them), an `inferred` one a note saying how;
- a quote's cue is anchored (table-frictionless checks that it is filled, record-anchors that
  it is the exact text of its cue span);
- a claim carried by a quote (`quote_id`) is attributed (`voice` attributed) to that
  quote's speaker;
- a direct or partial quote's content opens right after a quotation mark in the snapshot (or
  starts a line of its own, like an embedded post), and an indirect one is not enclosed in
  quotation marks.

PASS: qot-004 speaker ent-marco-rubio, speaker_status named, a speaker span "Mr Rubio"
FAIL: clm-020 quote_id qot-004 but attributed_to_entity_id ent-nayib-bukele  ->  speaker-mismatch
"""

from __future__ import annotations

from collections.abc import Iterator

from ..csvio import among, filled, whole_number
from ..errors import Code, Error, Place
from ..package import Package
from ._rows import by_id, named, path_of, rows, snapshot_texts, unreadable

ID = "attribution"
SUMMARY = "Quotes have a speaker (with its words) and a cue; quoted claims are attributed to the quote's speaker; quotation marks match the quote type."

OPENING, CLOSING = '“‘"', '”’"'

# what it reads (validate/applies.py): quotes and their spans, needed; claims and snapshots when present
TABLES = ("quotes", "spans")
OPTIONAL_TABLES = ("claims", "documents")

CODES = {
    "speaker-unanchored": Code(
        "A quote's speaker is named or described in the text, but no `speaker` span anchors the words that name them.",
        "Add a spans.csv row with the quote's ID as target_id and role speaker.",
    ),
    "quote-marks": Code(
        "A quote's type disagrees with the quotation marks around its content: a direct or partial quote that does not "
        "open right after a quotation mark, or an indirect one inside quotation marks.",
        "Start the content span right after the opening quotation mark, or change quote_type.",
    ),
    "speaker-mismatch": Code(
        "A claim carried by a quote (quote_id) is not attributed to that quote's speaker.",
        "Set voice to attributed and attributed_to_entity_id to the quote's speaker, or remove quote_id.",
    ),
}


def check(package: Package) -> Iterator[Error]:
    """Yield speaker, cue, claim-attribution and quotation-mark errors."""
    if unreadable(package, "spans", "quotes"):
        return  # resource-files reports the unreadable table; nothing sound can be said here
    quotes = by_id(
        package, "quotes", ["speaker_status", "document_id", "quote_type", "speaker_entity_id"]
    )
    texts = snapshot_texts(package)
    spans_by_quote: dict[str, dict[str, list[dict]]] = {}
    columns = ["span_id", "target_table", "target_id", "role", "start_char", "end_char", "exact"]
    for record in rows(package, "spans", columns, among("target_table"), [["quotes"]]):
        if record.cells.get("target_table") == "quotes":
            spans_by_quote.setdefault(record.cells.get("target_id", ""), {}).setdefault(
                record.cells.get("role", ""), []
            ).append(record.cells)
    file = path_of(package, "quotes")
    for quote_id, record in quotes.items():
        cells = record.cells
        anchored = spans_by_quote.get(quote_id, {})
        if cells.get("speaker_status") in ("named", "described") and not anchored.get("speaker"):
            yield Error.at(
                Place(file, record.line, record.row),
                "speaker_entity_id",
                "speaker-unanchored",
                f"{quote_id}: the speaker is {cells['speaker_status']} in the text, but no span anchors the words that name them.",
                hint=f"Add a spans.csv row with target_id {quote_id} and role speaker.",
            )
        text = texts.get(cells.get("document_id", ""))
        if text is None:
            continue
        for span in anchored.get("content", []):
            start, end = whole_number(span.get("start_char")), whole_number(span.get("end_char"))
            if start is None or end is None or text[start:end] != span.get("exact"):
                continue  # the anchors check reports a span that does not match the snapshot
            before, after = text[start - 1 : start], text[end : end + 1]
            enclosed = (
                bool(before) and before in OPENING and bool(after) and after in CLOSING + ",."
            )
            quote_type = cells.get("quote_type")
            block = (
                start == 0 or before == "\n"
            )  # a quotation set off on its own line, like an embedded post
            if quote_type in ("direct", "partial") and not block and before not in OPENING:
                yield Error.at(
                    Place(file, record.line, record.row),
                    "quote_type",
                    "quote-marks",
                    f"{quote_id} is {quote_type} but its content span {span.get('span_id')} is not preceded by a quotation mark.",
                    hint="Start the content span right after the opening quotation mark, or make the quote indirect.",
                )
            elif quote_type == "indirect" and enclosed:
                yield Error.at(
                    Place(file, record.line, record.row),
                    "quote_type",
                    "quote-marks",
                    f"{quote_id} is indirect but its content span {span.get('span_id')} sits inside quotation marks.",
                    hint="Make the quote direct or partial.",
                )
    claims_file = path_of(package, "claims")
    for record in rows(
        package,
        "claims",
        ["claim_id", "quote_id", "voice", "attributed_to_entity_id"],
        filled("quote_id", "voice"),
    ):
        cells = record.cells
        quote = quotes.get(cells.get("quote_id", ""))
        if quote is None or not cells.get("voice"):
            continue
        speaker = quote.cells.get("speaker_entity_id")
        if cells.get("voice") != "attributed" or cells.get("attributed_to_entity_id") != speaker:
            said = (
                f"attributed to {cells.get('attributed_to_entity_id')}"
                if cells.get("voice") == "attributed" and cells.get("attributed_to_entity_id")
                else f"in the {cells.get('voice') or 'unknown'} voice"
            )
            yield Error.at(
                Place(claims_file, record.line, record.row),
                "attributed_to_entity_id",
                "speaker-mismatch",
                f"{named(cells.get('claim_id'), 'claim_id')} is carried by {cells['quote_id']}, whose speaker is {speaker}, but the claim is {said}.",
                hint=f"Set voice to attributed and attributed_to_entity_id to {speaker}, or remove quote_id.",
            )
