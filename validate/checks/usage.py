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

from ..engine.rules import Rule
from ..errors import Code
from ._rows import named

ID = "usage"
SUMMARY = "Every entity and every document is used by some record or span."

_UNUSED_HINT = "Link it from the record that concerns it (or add a mention span), or delete the row if it is a leftover."
CODES = {
    "unused-entity": Code(
        "An entity that no record refers to and no span mentions: a leftover, or a missing link.",
        _UNUSED_HINT,
    ),
    "unused-document": Code(
        "A document that no record or span belongs to or refers to: a leftover, or a missing link.",
        _UNUSED_HINT,
    ),
}


# Nothing sound can be said while a table that could refer to an entity or a document is unreadable or has no
# declared key (resource-files or schema-profile says why): its references are unknown.
_BLIND = """
    EXISTS (SELECT 1 FROM registry.references e
            WHERE (e.target_table IN ('entities', 'documents') OR e.table_column IS NOT NULL)
              AND e.table_name NOT IN (SELECT table_name FROM registry.keyed))"""


def _unused(table: str, code: str) -> Rule:
    """The rows of `table` (entities or documents) that no foreign key and no polymorphic reference names."""
    return Rule(
        code,
        {table: ()},
        f"""
        SELECT r._line, r._row, r.id, k.key FROM registry.records r JOIN registry.keys k ON k.table_name = r.table_name
        WHERE r.table_name = '{table}' AND NOT {_BLIND}
          AND NOT EXISTS (SELECT 1 FROM registry.referenced u WHERE u.target_table = '{table}' AND u.id = r.id)
        ORDER BY r._ord""",
        lambda row: row["key"],
        lambda row, _: f"{named(row['id'], row['key'])} is not used by any record or span.",
        lambda _: (
            "Link it from the record that concerns it (or add a mention span), or delete the row if it is a leftover."
        ),
    )


ROW_RULES = [_unused("entities", "unused-entity"), _unused("documents", "unused-document")]
