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

from ..anchor import occurrences
from ..engine.rules import Row, Rule, snapshot_texts
from ..errors import Code
from ..package import Package
from ..textdiff import explain, look_alike_cause
from ._rows import named

ID = "anchors"
SUMMARY = (
    "Each span's exact text equals its snapshot slice, with prefix and suffix beside it, on grapheme boundaries, "
    "for an existing record and a fitting role."
)

_FIX = "Run `python -m validate anchor SNAPSHOT --text '…'` to get the right offsets, or `python -m validate fill` to recompute them."

CODES = {
    "unknown-target": Code(
        "The span's target_id is not an ID of the table its target_table names.",
        "Use an ID that exists in that table, or add that row first.",
    ),
    "role-mismatch": Code(
        "The span's role is not one its target table allows (the table schema's `spanRoles.allowed`)."
    ),
    "no-snapshot": Code(
        "The span's document has no readable snapshot, so none of its spans can be checked; said once, at its first span.",
        "Anchor spans in a document whose snapshot_path is set and readable.",
    ),
    "empty-span": Code("end_char is not after start_char: the span holds no text.", _FIX),
    "out-of-range": Code("[start_char, end_char) lies outside the snapshot.", _FIX),
    "exact-mismatch": Code(
        "`exact` is not the snapshot's text at [start_char, end_char); the message shows the first difference and "
        "where `exact` does occur.",
        _FIX,
    ),
    "prefix-mismatch": Code("`prefix` is not the text right before start_char.", _FIX),
    "suffix-mismatch": Code("`suffix` is not the text right after end_char.", _FIX),
    "padded": Code(
        "`exact` starts or ends with white space.",
        "Move start_char or end_char so the span starts and ends on a visible character.",
    ),
    "splits-grapheme": Code(
        "start_char or end_char falls inside a character made of several code points (an accented letter, an emoji).",
        "Move the boundary so that it does not split an accented letter or emoji.",
    ),
}
# Every span with its offsets read as whole numbers (NULL otherwise: table-frictionless reports the type error) and its
# document's snapshot (NULL when it has none).
_SPANS = """
WITH s AS (
    SELECT s._line, s._row, s._ord, s.span_id, s.document_id, s.exact,
           CASE WHEN regexp_matches(s.start_char, '^[0-9]{1,18}$') THEN CAST(s.start_char AS BIGINT) END AS start_at,
           CASE WHEN regexp_matches(s.end_char, '^[0-9]{1,18}$') THEN CAST(s.end_char AS BIGINT) END AS end_at,
           t.text
    FROM spans s LEFT JOIN registry.snapshots t ON t.document_id = s.document_id
)
"""
RELATIONS = {
    # each span that lies inside its snapshot, with the one slice of the snapshot that holds its prefix, its text and its
    # suffix (`passage`, from offset `passage_start`): a slice of a long text is the costly step, taken once per span
    "span_passages": """
        SELECT _ord, _line, _row, span_id, document_id, text_id, start_at, end_at, exact, prefix, suffix, passage_start,
               substring(text, passage_start + 1, end_at + length(suffix) - passage_start) AS passage
        FROM (
            SELECT *, greatest(0, start_at - length(prefix)) AS passage_start FROM (
                SELECT s._ord, s._line, s._row, s.span_id, s.document_id, s.exact, s.prefix, s.suffix, t.text_id, t.text,
                       CASE WHEN regexp_matches(s.start_char, '^[0-9]{1,18}$') THEN CAST(s.start_char AS BIGINT) END AS start_at,
                       CASE WHEN regexp_matches(s.end_char, '^[0-9]{1,18}$') THEN CAST(s.end_char AS BIGINT) END AS end_at
                FROM spans s JOIN registry.snapshots t ON t.document_id = s.document_id
            ) o
        ) p
        WHERE start_at < end_at AND end_at <= length(text)""",
}
# The spans whose exact text is the snapshot's slice: the ones whose surroundings are judged.
_ANCHORED = """
WITH anchored AS (
    SELECT * FROM shared.span_passages WHERE substring(passage, start_at - passage_start + 1, end_at - start_at) = exact
)
"""
# Python's str.isspace(), for `padded`: RE2's \s is ASCII only
_SPACE = r"[\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"


def _named(row: Row, message: str) -> str:
    return f"{named(row['span_id'], 'span_id')}: {message}"


def _snapshot(row: Row, package: Package) -> str:
    return snapshot_texts(package).get(row["document_id"], "")


def _mismatch(row: Row, package: Package) -> str:
    text, exact = _snapshot(row, package), row["exact"]
    start, end = row["start_at"], row["end_at"]
    starts = occurrences(text, exact)
    where = (
        f"\n    `exact` occurs at start_char {', '.join(map(str, starts[:5]))}" if starts else ""
    )
    return _named(
        row,
        f"the snapshot's text at [{start}, {end}) is not `exact`; "
        + explain(text[start:end], exact, expected_label="snapshot", actual_label="exact")
        + where,
    )


def _mismatch_hint(row: Row, package: Package) -> str:
    """The usual fix, unless `exact` is the article's words typed with look-alikes: then `fill`, which looks the
    exact text up to find the offsets, cannot help, and the hint names the characters to copy."""
    cause = look_alike_cause(_snapshot(row, package), row["exact"], "exact")
    return f"Copy `exact` character for character from the article: {cause}." if cause else _FIX


def _beside(row: Row, package: Package) -> str:
    text, start, end = _snapshot(row, package), row["start_at"], row["end_at"]
    if row["side"] == "prefix":
        return _named(
            row,
            "`prefix` is not the text right before the span; "
            + explain(
                text[max(0, start - len(row["prefix"])) : start],
                row["prefix"],
                expected_label="snapshot",
                actual_label="prefix",
            ),
        )
    return _named(
        row,
        "`suffix` is not the text right after the span; "
        + explain(
            text[end : end + len(row["suffix"])],
            row["suffix"],
            expected_label="snapshot",
            actual_label="suffix",
        ),
    )


_PASSAGE_READS = {
    "spans": ("span_id", "start_char", "end_char", "document_id", "exact", "prefix", "suffix")
}

ROW_RULES = [
    Rule(
        "unknown-target",
        {"spans": ("span_id", "target_table", "target_id")},
        """
        SELECT s._line, s._row, s.span_id, s.target_table, s.target_id FROM spans s
        WHERE s.target_table IN (SELECT table_name FROM registry.keyed)
          AND NOT EXISTS (SELECT 1 FROM registry.records r WHERE r.table_name = s.target_table AND r.id = s.target_id AND r.id <> '')
        ORDER BY s._ord""",
        "target_id",
        lambda row, _: _named(
            row, f"target {row['target_id']!r} does not exist in {row['target_table']}."
        ),
        lambda row: (
            f"Use an ID that exists in data/{row['target_table']}.csv, or add that row first."
        ),
    ),
    Rule(
        "role-mismatch",
        {"spans": ("span_id", "target_table", "role")},
        """
        SELECT s._line, s._row, s.span_id, s.target_table, s.role,
               (SELECT list(r.role ORDER BY r.role) FROM registry.span_roles r WHERE r.table_name = s.target_table) AS fitting
        FROM spans s
        WHERE s.role <> '' AND EXISTS (SELECT 1 FROM registry.span_roles r WHERE r.table_name = s.target_table)
          AND NOT EXISTS (SELECT 1 FROM registry.span_roles r WHERE r.table_name = s.target_table AND r.role = s.role)
        ORDER BY s._ord""",
        "role",
        lambda row, _: _named(
            row, f"role {row['role']!r} does not fit a span of {row['target_table']}."
        ),
        lambda row: f"For {row['target_table']}, use: {', '.join(row['fitting'])}.",
    ),
    Rule(
        "no-snapshot",
        {"spans": ("span_id", "document_id"), "documents": ("document_id",)},
        """
        SELECT s._line, s._row, s.span_id, s.document_id FROM spans s
        WHERE s.document_id IN (SELECT id FROM registry.records WHERE table_name = 'documents' AND id <> '')
          AND s.document_id NOT IN (SELECT document_id FROM registry.snapshots)
        QUALIFY row_number() OVER (PARTITION BY s.document_id ORDER BY s._ord) = 1  -- said once, at its first span
        ORDER BY s._ord""",
        "document_id",
        lambda row, _: _named(
            row,
            f"document {row['document_id']!r} has no readable snapshot, so its spans cannot be checked.",
        ),
    ),
    Rule(
        "empty-span",
        {"spans": ("span_id", "start_char", "end_char", "document_id")},
        _SPANS
        + """
        SELECT _line, _row, span_id, start_at, end_at FROM s WHERE text IS NOT NULL AND end_at <= start_at ORDER BY _ord""",
        "end_char",
        lambda row, _: _named(
            row,
            f"end_char {row['end_at']} is not after start_char {row['start_at']}: the span holds no text.",
        ),
    ),
    Rule(
        "out-of-range",
        {"spans": ("span_id", "start_char", "end_char", "document_id")},
        _SPANS
        + """
        SELECT _line, _row, span_id, start_at, end_at, length(text) AS size FROM s
        WHERE text IS NOT NULL AND start_at < end_at AND end_at > length(text) ORDER BY _ord""",
        lambda row: "start_char" if row["start_at"] >= row["size"] else "end_char",
        lambda row, _: _named(
            row,
            f"[{row['start_at']}, {row['end_at']}) is outside the snapshot (0 to {row['size']}).",
        ),
    ),
    Rule(
        "exact-mismatch",
        {
            "spans": (
                "span_id",
                "start_char",
                "end_char",
                "document_id",
                "exact",
                "prefix",
                "suffix",
            )
        },
        """
        SELECT _line, _row, span_id, document_id, start_at, end_at, exact FROM shared.span_passages
        WHERE substring(passage, start_at - passage_start + 1, end_at - start_at) <> exact
        ORDER BY _ord""",
        "exact",
        _mismatch,
        package_hint=_mismatch_hint,
    ),
    Rule(
        "prefix-mismatch",
        _PASSAGE_READS,
        _ANCHORED
        + """
        SELECT _line, _row, span_id, document_id, start_at, end_at, prefix, 'prefix' AS side FROM anchored
        WHERE prefix <> '' AND substring(passage, 1, start_at - passage_start) <> prefix
        ORDER BY _ord""",
        "prefix",
        _beside,
    ),
    Rule(
        "suffix-mismatch",
        _PASSAGE_READS,
        _ANCHORED
        + """
        SELECT _line, _row, span_id, document_id, start_at, end_at, suffix, 'suffix' AS side FROM anchored
        WHERE suffix <> '' AND substring(passage, end_at - passage_start + 1, length(suffix)) <> suffix
        ORDER BY _ord""",
        "suffix",
        _beside,
    ),
    Rule(
        "padded",
        _PASSAGE_READS,
        _ANCHORED
        + f"""
        SELECT _line, _row, span_id FROM anchored WHERE regexp_matches(exact, '^{_SPACE}|{_SPACE}$') ORDER BY _ord""",
        "exact",
        lambda row, _: _named(row, "exact text starts or ends with white space."),
    ),
    Rule(
        "splits-grapheme",
        _PASSAGE_READS,
        _ANCHORED
        + """
        SELECT _line, _row, span_id, side, boundary FROM (
            SELECT _ord, _line, _row, span_id, 'start_char' AS side, start_at AS boundary, text_id FROM anchored
            UNION ALL SELECT _ord, _line, _row, span_id, 'end_char', end_at, text_id FROM anchored
        ) a WHERE EXISTS (SELECT 1 FROM registry.inside_clusters g WHERE g.text_id = a.text_id AND g."offset" = a.boundary)
        ORDER BY _ord, side DESC""",
        lambda row: row["side"],
        lambda row, _: _named(
            row,
            f"{row['side']} {row['boundary']} falls inside a character made of several code points.",
        ),
    ),
]
