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

from ..engine.rules import Row, Rule
from ..errors import Code
from ..package import Package
from ..textdiff import explain, typographic
from ._rows import named

ID = "record-anchors"
SUMMARY = "Every claim, quote, quantity and image has its spans, and their exact texts agree with the record's verbatim fields."

CODES = {
    "unanchored": Code(
        "A record has no span of a role it must have (a claim, quote or quantity without a `content` span, an image without "
        "its `caption` or `credit` span): nothing ties it to the words of the article.",
        "Add a row to data/spans.csv with the record's table, ID and the missing role.",
    ),
    "verbatim-mismatch": Code(
        "A field that repeats the article's words (a quote's text or cue, a quantity's surface, an image's caption or "
        "credit) is not the exact text of its span; the message shows the first difference.",
        "Copy the field character for character from the article (curly quotes and dashes included).",
    ),
    "added-outside-content": Code(
        "An `added` span (words a publication inserted) does not lie inside a content span of its record.",
        "An added span marks words inside the passage or quote it belongs to; anchor it within that record's "
        "content span.",
    ),
}


_OFFSETS = """
WITH s AS (
    SELECT s._ord, s._line, s._row, s.span_id, s.document_id, s.target_table, s.target_id, s.role, s.exact,
           CASE WHEN regexp_matches(s.start_char, '^[0-9]{1,18}$') THEN CAST(s.start_char AS BIGINT) END AS start_at,
           CASE WHEN regexp_matches(s.end_char, '^[0-9]{1,18}$') THEN CAST(s.end_char AS BIGINT) END AS end_at
    FROM spans s
)
"""
_SPANS = {
    "spans": (
        "span_id",
        "document_id",
        "target_table",
        "target_id",
        "role",
        "exact",
        "start_char",
        "end_char",
    )
}


def _spanned(row: Row) -> str:
    exacts = row["exacts"]
    return exacts[0] if len(exacts) == 1 else " ".join(exacts)


def _verbatim(row: Row, _: Package) -> str:
    return (
        f"{named(row['id'])}: {row['column_name']} is not the exact text of its {row['role']} span; "
        + explain(
            _spanned(row), row["value"], expected_label="span", actual_label=row["column_name"]
        )
    )


def _verbatim_hint(row: Row) -> str:
    cause = typographic(_spanned(row), row["value"], row["column_name"])
    return f"Copy the {row['column_name']} character for character from the article" + (
        f": {cause}." if cause else " (curly quotes and dashes included)."
    )


ROW_RULES = [
    Rule(
        "added-outside-content",
        _SPANS,
        _OFFSETS
        + """
        SELECT a._line, a._row, a.span_id, a.target_id,
               EXISTS (SELECT 1 FROM s c WHERE c.role = 'content' AND c.target_table = a.target_table AND c.target_id = a.target_id
                       AND c.document_id = a.document_id AND c.start_at <= a.start_at AND a.start_at < c.end_at) AS starts_inside
        FROM s a
        WHERE a.role = 'added' AND a.start_at IS NOT NULL AND a.end_at IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM s c WHERE c.role = 'content' AND c.target_table = a.target_table AND c.target_id = a.target_id
                          AND c.document_id = a.document_id AND c.start_at <= a.start_at AND a.end_at <= c.end_at)
        ORDER BY a._ord""",
        lambda row: "end_char" if row["starts_inside"] else "start_char",
        lambda row, _: (
            f"{named(row['span_id'], 'span_id')}: an added span marks words of {named(row['target_id'], 'target_id')} that its content spans do not hold."
        ),
        lambda row: (
            "An added span marks words inside the passage or quote it belongs to; anchor it within that record's content span."
        ),
    ),
    Rule(
        "unanchored",
        _SPANS,
        """
        SELECT r.table_name AS _table, r._line, r._row, r.id, p.role, k.key
        FROM registry.records r JOIN registry.span_roles p ON p.table_name = r.table_name AND p.required
        JOIN (SELECT table_name, key FROM registry.keys) k ON k.table_name = r.table_name
        WHERE NOT EXISTS (SELECT 1 FROM spans s WHERE s.target_table = r.table_name AND s.target_id = r.id AND s.role = p.role)
        ORDER BY r.table_name, r._ord, p.role""",
        lambda row: row["key"],
        lambda row, _: (
            f"{row['id']} has no {row['role']!r} span: nothing ties it to the words of the article."
            if row["id"]
            else f"the row's {row['key']} is empty, so no {row['role']!r} span can anchor it."
        ),
        lambda row: (
            f"Add a row to data/spans.csv with target_table {row['_table']}, target_id {row['id']}, role {row['role']}."
            if row["id"]
            else f"Give the row its {row['key']} first."
        ),
    ),
    Rule(
        "verbatim-mismatch",
        _SPANS,
        _OFFSETS
        + """
        SELECT v.table_name AS _table, v._line, v._row, v.id, v.column_name, v.role, v.value,
               list(a.exact ORDER BY coalesce(a.start_at, 0), a._ord) AS exacts
        FROM registry.verbatim v JOIN s a ON a.target_table = v.table_name AND a.target_id = v.id AND a.role = v.role
        GROUP BY v.table_name, v._line, v._row, v.id, v.column_name, v.role, v.value
        -- a record anchored twice (the same words printed twice) matches each span; a split quotation matches them joined
        HAVING NOT bool_and(a.exact = v.value) AND v.value <> string_agg(a.exact, ' ' ORDER BY coalesce(a.start_at, 0), a._ord)
        ORDER BY v.table_name, v._line, v.column_name""",
        lambda row: row["column_name"],
        _verbatim,
        _verbatim_hint,
    ),
]
