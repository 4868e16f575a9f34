"""record-anchors: every record that states something is anchored to the words it comes from.

- every claim, quote and quantity has at least one `content` span ("every claim has a source"),
  and so does every lineage passage and every finding (the words it is about);
- every image has a `caption` and a `credit` span;
- a quote's `text` is the exact text of its content span (or of its content spans, in order,
  when the quotation is split), and its `cue` the exact text of its `cue` span;
- a quantity's `surface` is the exact text of its content span;
- an image's `caption` and `credit` are the exact texts of its caption and credit spans;
- an `added` span (words of a lineage passage or quote that its source does not have) lies
  inside a content span of its record.

PASS: qot-010 text "Great idea!!" with a content span whose exact is "Great idea!!"
FAIL: clm-042 with no span  ->  unanchored
FAIL: an added span of lin-002 at [100, 120) while lin-002's content is [161, 359)  ->  added-outside-content
"""

from __future__ import annotations

from collections.abc import Iterator

from ..catalogue import Code
from ..csvio import whole_number
from ..errors import Error, Place
from ..model import from_package
from ..package import Package
from ..textdiff import explain
from ._rows import key_of, path_of, rows, unreadable

ID = "record-anchors"
SUMMARY = "Every claim, quote, quantity and image has its spans, and their exact texts agree with the record's verbatim fields."

CODES = {
    "unanchored": Code("A record has no span of a role it must have (a claim, quote or quantity without a `content` span, an image without "
                       "its `caption` or `credit` span): nothing ties it to the words of the article.",
                       "Add a row to data/spans.csv with the record's table, ID and the missing role."),
    "verbatim-mismatch": Code("A field that repeats the article's words (a quote's text or cue, a quantity's surface, an image's caption or "
                              "credit) is not the exact text of its span; the message shows the first difference.",
                              "Copy the field character for character from the article (curly quotes and dashes included)."),
    "added-outside-content": Code("An `added` span (words a publication inserted) does not lie inside a content span of its record.",
                                  "An added span marks words inside the passage or quote it belongs to; anchor it within that record's "
                                  "content span."),
}


def check(package: Package) -> Iterator[Error]:
    """Yield unanchored records and verbatim fields that disagree with their spans."""
    if unreadable(package, "spans"):
        return  # resource-files reports the unreadable table; nothing sound can be said here
    # (table, ID, role) -> (start, exact) of each span; the exact text is kept only where a verbatim field is compared with it
    spans: dict[tuple, list[tuple[int, str]]] = {}
    # the roles each record must have, and the fields repeating a span's exact text, are what the schemas declare (validate/model.py)
    model = from_package(package)
    anchored_tables = [model.tables[table] for table in model.span_targets() if table in model.tables]
    compared = {(table.name, role) for table in anchored_tables for role in table.verbatim().values()}
    content: dict[tuple, list[tuple[str, int, int]]] = {}  # (table, ID) -> its content ranges, for the added spans inside them
    added: list[tuple] = []
    for record in rows(package, "spans", ["span_id", "document_id", "target_table", "target_id", "role", "exact", "start_char", "end_char"]):
        cells = record.cells
        place = (cells.get("target_table"), cells.get("target_id"), cells.get("role"))
        kept = (whole_number(cells.get("start_char")) or 0, cells.get("exact", "")) if (place[0], place[2]) in compared else (0, "")
        spans.setdefault(place, []).append(kept)
        start, end = whole_number(cells.get("start_char")), whole_number(cells.get("end_char"))
        if start is None or end is None:
            continue  # table-frictionless reports the type error
        where = (cells.get("document_id", ""), start, end)
        if place[2] == "content":
            content.setdefault(place[:2], []).append(where)
        elif place[2] == "added":
            added.append((record, place[:2], where))
    file = path_of(package, "spans")
    for record, target, (document, start, end) in added:
        holding = [(s, e) for d, s, e in content.get(target, []) if d == document]
        if not any(s <= start and end <= e for s, e in holding):
            inside_start = any(s <= start < e for s, e in holding)
            yield Error.at(Place(file, record.line, record.row), "end_char" if inside_start else "start_char", "added-outside-content", f"{record.cells.get('span_id', 'span')}: an added span marks words of {target[1]} "
                        f"that its content spans do not hold.", hint="An added span marks words inside the passage or quote it belongs to; anchor it within that record's content span.")
    for table_model in anchored_tables:
        table, roles, verbatim = table_model.name, table_model.required_span_roles, list(table_model.verbatim().items())
        file = path_of(package, table)
        key = key_of(package, table)
        if not key or not (roles or verbatim):
            continue  # no declared key: schema-profile reports the schema
        for record in rows(package, table, [key, *(column for column, _ in verbatim)]):
            record_id = record.cells.get(key, "")
            for role in roles:
                if (table, record_id, role) not in spans:
                    yield Error.at(Place(file, record.line, record.row), key, "unanchored", f"{record_id} has no {role!r} span: nothing ties it to the words of the article.", hint=f"Add a row to data/spans.csv with target_table {table}, target_id {record_id}, role {role}.")
            for column, role in verbatim:
                anchored = spans.get((table, record_id, role))
                if not anchored:
                    continue
                exacts = [exact for _, exact in sorted(anchored, key=lambda span: span[0])]
                value = record.cells.get(column, "")
                # a record anchored twice (the same words printed twice) matches each span; a split quotation matches them joined
                if not all(exact == value for exact in exacts) and value != " ".join(exacts):
                    spanned = exacts[0] if len(exacts) == 1 else " ".join(exacts)
                    yield Error.at(Place(file, record.line, record.row), column, "verbatim-mismatch", f"{record_id}: {column} is not the exact text of its {role} span; "
                                + explain(spanned, value, expected_label="span", actual_label=column), hint=f"Copy the {column} character for character from the article (curly quotes and dashes included).")
