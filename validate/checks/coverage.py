"""coverage: every sentence of every snapshot is accounted for.

Each snapshot is split into sentences (validate/sentences.py; the rule is in docs/validation.md).
A sentence is covered when a span with a role that records content (`content`,
`caption`, `credit`, `metadata`) or excludes it with a reason (`non_content`) overlaps
it. Mentions, cues and speaker spans alone do not cover a sentence. Nothing is skipped
silently: each uncovered sentence is reported at its line of the snapshot.

PASS: "ADVERTISEMENT" with a non_content span saying it is an advertisement marker
FAIL: a paragraph no claim, quote or quantity comes from  ->  uncovered-sentence
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from ..csvio import among, whole_number
from ..errors import Code, Error, Place
from ..package import Package
from ..sentences import Sentence, split_sentences
from ._rows import rows, snapshot_texts, unreadable

ID = "coverage"
SUMMARY = "Every sentence of every snapshot is covered by a record's span or excluded as non-content with a reason."

COVERING_ROLES = {"content", "caption", "credit", "metadata", "non_content"}

# the tables it relates (validate/applies.py): every one needed
TABLES = ("spans", "documents")

CODES = {
    "uncovered-sentence": Code(
        "A sentence of a snapshot that no record covers: no content, caption, credit or metadata span overlaps it, "
        "and no non_content span excludes it.",
        "Add the claim, quote or quantity it states (with a content span), or a non_content span with the reason it "
        "is not content.",
    ),
}


def check(package: Package) -> Iterator[Error]:
    """Yield one error per sentence that no covering span overlaps."""
    if unreadable(package, "spans", "documents"):
        return  # resource-files reports the unreadable table; nothing sound can be said here
    intervals: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for record in rows(
        package,
        "spans",
        ["document_id", "start_char", "end_char", "role"],
        among("role"),
        [sorted(COVERING_ROLES)],
    ):
        cells = record.cells
        start, end = whole_number(cells.get("start_char")), whole_number(cells.get("end_char"))
        if cells.get("role") in COVERING_ROLES and start is not None and end is not None:
            intervals[cells.get("document_id", "")].append((start, end))
    paths = {
        r.cells.get("document_id"): r.cells.get("snapshot_path", "")
        for r in rows(package, "documents", ["document_id", "snapshot_path"])
    }
    for document, text in snapshot_texts(package).items():
        for sentence in _uncovered(split_sentences(text), intervals[document]):
            shown = sentence.text if len(sentence.text) <= 80 else sentence.text[:79] + "…"
            yield Error.at(
                Place(paths.get(document, document), sentence.line),
                "",
                "uncovered-sentence",
                f"No record covers the sentence at [{sentence.start}, {sentence.end}): {shown!r}.",
                hint="Add the claim, quote or quantity it states (with a content span), or a non_content span with the reason it is not content.",
            )


def _uncovered(sentences: Iterable[Sentence], spans: list[tuple[int, int]]) -> Iterator[Sentence]:
    """Yield the sentences no span overlaps: spans sorted once, then one sweep (n log n, not n × m).

    Sentences come in text order and do not overlap, so a span that ends before one sentence
    starts cannot cover any later one either."""
    spans = sorted(spans)
    index, reach = 0, -1  # reach: the furthest end among spans that start before the sentence ends
    for sentence in sentences:
        while index < len(spans) and spans[index][0] < sentence.end:
            reach = max(reach, spans[index][1])
            index += 1
        if reach <= sentence.start:
            yield sentence
