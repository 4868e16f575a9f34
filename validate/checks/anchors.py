"""anchors: every span's `exact` text is exactly the snapshot's text at `[start_char, end_char)`.

Offsets are Unicode code points (Python string indices), `end_char` exclusive. Also:
`prefix` stands right before `start_char` and `suffix` right after `end_char` (so the span can be
re-anchored if offsets ever drift); the span neither starts nor ends inside a grapheme
cluster, nor with white space; the record it anchors exists; and its role fits that
record (a `cue` anchors a quote, a `caption` an image, a `mention` an entity, ...).

PASS: start_char=161 end_char=173 exact="Nayib Bukele"   (text[161:173] == "Nayib Bukele")
FAIL: start_char=160 end_char=172 exact="Nayib Bukele"   ->  exact-mismatch (off by one)
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

from ..anchor import occurrences
from ..csvio import Record, whole_number
from ..catalogue import Code
from ..errors import Error, Place
from ..model import from_package
from ..package import Package
from ..textdiff import explain
from ._rows import known_ids, path_of, rows, snapshot_texts

ID = "anchors"
SUMMARY = ("Each span's exact text equals its snapshot slice, with prefix and suffix beside it, on grapheme boundaries, "
           "for an existing record and a fitting role.")

_FIX = "Run `python -m validate anchor SNAPSHOT --text '…'` to get the right offsets, or `python -m validate fill` to recompute them."

CODES = {
    "unknown-target": Code("The span's target_id is not an ID of the table its target_table names.",
                           "Use an ID that exists in that table, or add that row first."),
    "role-mismatch": Code("The span's role is not one its target table allows (the table schema's `spanRoles.allowed`)."),
    "no-snapshot": Code("The span's document has no readable snapshot, so none of its spans can be checked; said once, at its first span.",
                        "Anchor spans in a document whose snapshot_path is set and readable."),
    "empty-span": Code("end_char is not after start_char: the span holds no text.", _FIX),
    "out-of-range": Code("[start_char, end_char) lies outside the snapshot.", _FIX),
    "exact-mismatch": Code("`exact` is not the snapshot's text at [start_char, end_char); the message shows the first difference and "
                           "where `exact` does occur.", _FIX),
    "prefix-mismatch": Code("`prefix` is not the text right before start_char.", _FIX),
    "suffix-mismatch": Code("`suffix` is not the text right after end_char.", _FIX),
    "padded": Code("`exact` starts or ends with white space.", "Move start_char or end_char so the span starts and ends on a visible character."),
    "splits-grapheme": Code("start_char or end_char falls inside a character made of several code points (an accented letter, an emoji).",
                            "Move the boundary so that it does not split an accented letter or emoji."),
}
_COLUMNS = ["span_id", "document_id", "start_char", "end_char", "exact", "prefix", "suffix", "target_table", "target_id", "role"]


def check(package: Package) -> Iterator[Error]:
    """Yield one error per span and problem."""
    texts = snapshot_texts(package)
    model = from_package(package)
    # which tables a span may target, and the roles fitting each, are what the schemas declare (validate/model.py)
    roles = {table: model.tables[table].span_roles for table in model.span_targets() if table in model.tables}
    ids = {table: known_ids(package, table) for table in {*model.span_targets(), "documents"}}
    splitting = _splitting_offsets(package, texts)
    unanchorable: set[str] = set()
    file = path_of(package, "spans")
    for record in rows(package, "spans", _COLUMNS):
        cells = record.cells

        def error(code: str, message: str, field: str, hint: str = _FIX, *, record: Record = record) -> Error:
            return Error.at(Place(file, record.line, record.row), field, code, f"{record.cells.get('span_id', 'span')}: {message}", hint=hint)

        table, target, role = cells.get("target_table", ""), cells.get("target_id", ""), cells.get("role", "")
        if (known := ids.get(table)) is not None and target not in known:
            yield error("unknown-target", f"target {target!r} does not exist in {table}.", "target_id",
                        f"Use an ID that exists in data/{table}.csv, or add that row first.")
        if roles.get(table) and role and role not in roles[table]:
            yield error("role-mismatch", f"role {role!r} does not fit a span of {table}.", "role",
                        f"For {table}, use: {', '.join(sorted(roles[table]))}.")
        document = cells.get("document_id", "")
        text = texts.get(document)
        if text is None:
            if ids["documents"] and document in ids["documents"] and document not in unanchorable:
                unanchorable.add(document)  # said once, at its first span: the rest follow from it
                yield error("no-snapshot", f"document {document!r} has no readable snapshot, so its spans cannot be checked.", "document_id",
                            "Anchor spans in a document whose snapshot_path is set and readable.")
            continue
        try:
            start, end = int(cells.get("start_char", "")), int(cells.get("end_char", ""))
        except ValueError:
            continue  # table-frictionless reports the type error
        exact = cells.get("exact", "")
        if end <= start:
            yield error("empty-span", f"end_char {end} is not after start_char {start}: the span holds no text.", "end_char")
            continue
        if not 0 <= start < end <= len(text):
            yield error("out-of-range", f"[{start}, {end}) is outside the snapshot (0 to {len(text)}).",
                        "start_char" if not 0 <= start < len(text) else "end_char")
            continue
        if text[start:end] != exact:
            yield error("exact-mismatch", f"the snapshot's text at [{start}, {end}) is not `exact`; "
                        + explain(text[start:end], exact, expected_label="snapshot", actual_label="exact") + _where_it_is(text, exact), "exact")
            continue
        prefix, suffix = cells.get("prefix", ""), cells.get("suffix", "")
        if prefix and text[max(0, start - len(prefix)):start] != prefix:
            yield error("prefix-mismatch", "`prefix` is not the text right before the span; "
                        + explain(text[max(0, start - len(prefix)):start], prefix, expected_label="snapshot", actual_label="prefix"), "prefix")
        if suffix and text[end:end + len(suffix)] != suffix:
            yield error("suffix-mismatch", "`suffix` is not the text right after the span; "
                        + explain(text[end:end + len(suffix)], suffix, expected_label="snapshot", actual_label="suffix"), "suffix")
        if exact != exact.strip():
            yield error("padded", "exact text starts or ends with white space.", "exact",
                        "Move start_char or end_char so the span starts and ends on a visible character.")
        for name, offset in (("start_char", start), ("end_char", end)):
            if offset in splitting.get(document, ()):
                yield error("splits-grapheme", f"{name} {offset} falls inside a character made of several code points.", name,
                            "Move the boundary so that it does not split an accented letter or emoji.")


def _splitting_offsets(package: Package, texts: dict[str, str]) -> dict[str, set[int]]:
    """Return, per document, the span offsets that fall inside a grapheme cluster.

    One pass over each snapshot's clusters with the offsets sorted beside it: time linear in
    the text, memory in the number of spans (never a set of every boundary of the text)."""
    # documents that share one snapshot (a corpus's copies of one article) share one walk of it
    text_of: dict[int, str] = {id(text): text for text in texts.values()}
    wanted: dict[int, list[int]] = {}
    for record in rows(package, "spans", ["document_id", "start_char", "end_char"]):
        document = record.cells.get("document_id", "")
        if document in texts:
            wanted.setdefault(id(texts[document]), []).extend(
                offset for offset in (whole_number(record.cells.get("start_char")), whole_number(record.cells.get("end_char"))) if offset is not None)
    inside = {text_id: _inside_clusters(text_of[text_id], offsets) for text_id, offsets in wanted.items()}
    return {document: inside[id(text)] for document, text in texts.items() if id(text) in inside}


def _inside_clusters(text: str, offsets: list[int]) -> set[int]:
    """The offsets that fall strictly inside a grapheme cluster of `text`."""
    offsets = sorted(set(offsets))
    inside: set[int] = set()
    index = 0
    for cluster in regex.finditer(r"\X", text):
        while index < len(offsets) and offsets[index] <= cluster.start():
            index += 1
        while index < len(offsets) and offsets[index] < cluster.end():
            inside.add(offsets[index])
            index += 1
        if index == len(offsets):
            break
    return inside


def _where_it_is(text: str, exact: str) -> str:
    starts = occurrences(text, exact)
    return f"\n    `exact` occurs at start_char {', '.join(map(str, starts[:5]))}" if starts else ""
