"""The views and canned queries: the questions readers ask, each answered one way.

Each Query becomes a SQL view in the SQLite file and a canned query in Datasette's metadata,
with the same title and description. The definition of "without a primary source seen" lives
here and in docs/exports.md only.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Query:
    """A named question: its SQL, a title and a description for the reader."""

    name: str
    title: str
    description: str
    sql: str
    view: bool = True  # False for a query with parameters (a canned query only)
    parameters: tuple[str, ...] = field(default=())


CLAIM_OVERVIEW = Query(
    "claim_overview",
    "Claims with their words, speaker, quotation, origin, corroboration and findings",
    "One row per claim: the article's exact words for it (its `content` spans, in text order, joined by ' … '), "
    "who says it (the quotation's speaker, else the entity the claim is attributed to), the quotation that carries it, "
    "the quotation's origin document with its url_status, a summary of the corroborations of the claim itself "
    "(relation: count, in alphabetical order), the same summary for the corroborations of its numbers (`quantities` "
    "whose claim_id is the claim) and for those of its quotation, and its findings (finding_type: description).",
    """SELECT c.claim_id, c.statement, c.claim_type, c.voice, c.modality,
  (SELECT group_concat(exact, ' … ') FROM (SELECT s.exact FROM spans s WHERE s.target_table = 'claims'
     AND s.target_id = c.claim_id AND s.role = 'content' ORDER BY s.start_char, s.span_id)) AS exact_words,
  coalesce(q.speaker_entity_id, c.attributed_to_entity_id) AS speaker_entity_id,
  speaker.name AS speaker_name,
  c.quote_id, q.text AS quotation, q.origin_status, q.origin_document_id,
  origin.title AS origin_title, origin.url AS origin_url, origin.url_status AS origin_url_status,
  (SELECT group_concat(relation || ': ' || n, '; ') FROM (SELECT r.relation, count(*) AS n FROM corroborations r
     WHERE r.target_table = 'claims' AND r.target_id = c.claim_id GROUP BY r.relation ORDER BY r.relation)) AS corroboration_summary,
  (SELECT group_concat(relation || ': ' || n, '; ') FROM (SELECT r.relation, count(*) AS n FROM corroborations r
     JOIN quantities n ON r.target_table = 'quantities' AND r.target_id = n.quantity_id WHERE n.claim_id = c.claim_id
     GROUP BY r.relation ORDER BY r.relation)) AS number_corroboration_summary,
  (SELECT group_concat(relation || ': ' || n, '; ') FROM (SELECT r.relation, count(*) AS n FROM corroborations r
     WHERE r.target_table = 'quotes' AND r.target_id = c.quote_id GROUP BY r.relation ORDER BY r.relation))
     AS quote_corroboration_summary,
  (SELECT group_concat(finding_type || ': ' || description, ' | ') FROM (SELECT f.finding_type, f.description FROM findings f
     WHERE f.target_table = 'claims' AND f.target_id = c.claim_id ORDER BY f.finding_id)) AS findings
FROM claims c
LEFT JOIN quotes q ON q.quote_id = c.quote_id
LEFT JOIN entities speaker ON speaker.entity_id = coalesce(q.speaker_entity_id, c.attributed_to_entity_id)
LEFT JOIN documents origin ON origin.document_id = q.origin_document_id
ORDER BY c.claim_id""",
)

QUOTE_OVERVIEW = Query(
    "quote_overview",
    "Quotations with speaker, cue, channel, origin and wording differences",
    "One row per quotation: its text, speaker (with how the speaker is known), cue, channel, origin document with its "
    'url_status, and every wording difference from the primary source (difference_kind: "article fragment" → '
    "\"primary fragment\" (just the kind when neither fragment is given), in wording_id order, joined by ' | ').",
    """SELECT q.quote_id, q.text, q.quote_type, q.speaker_entity_id, speaker.name AS speaker_name, q.speaker_status,
  q.cue, q.channel, q.origin_status, q.origin_document_id, origin.title AS origin_title, origin.url AS origin_url,
  origin.url_status AS origin_url_status,
  (SELECT group_concat(difference, ' | ') FROM (SELECT w.difference_kind || CASE WHEN w.article_fragment IS NULL
     AND w.primary_fragment IS NULL THEN '' ELSE ': "' || coalesce(w.article_fragment, '') || '" → "'
     || coalesce(w.primary_fragment, '') || '"' END AS difference FROM quote_wordings w WHERE w.quote_id = q.quote_id
     ORDER BY w.wording_id)) AS wording_differences
FROM quotes q
LEFT JOIN entities speaker ON speaker.entity_id = q.speaker_entity_id
LEFT JOIN documents origin ON origin.document_id = q.origin_document_id
ORDER BY q.quote_id""",
)

NUMBER_OVERVIEW = Query(
    "number_overview",
    "Every number, with what it measures",
    "One row per number, date or other quantity the article prints: the words as printed, the typed value "
    "(exactly one of value_number, value_year, value_date, value_week, or the bounds of a range), the unit, what it "
    "measures, whom it is about and the claim that states it.",
    """SELECT n.quantity_id, n.surface, n.value_type, n.value_number, n.value_year, n.value_date, n.value_week, n.bound,
  n.lower_bound, n.upper_bound, n.unit, n.unit_code, n.measured_property, n.about_entity_id, about.name AS about_name,
  n.claim_id, c.statement
FROM quantities n
LEFT JOIN entities about ON about.entity_id = n.about_entity_id
LEFT JOIN claims c ON c.claim_id = n.claim_id
ORDER BY n.quantity_id""",
)

CLAIMS_WITHOUT_PRIMARY_SOURCE_SEEN = Query(
    "claims_without_primary_source_seen",
    "Claims without a primary source seen",
    "Definition: a claim has a primary source seen when its sourcing_level is origin_seen or origin_seen_in_copy "
    "(the speaker's own words, read at their own address or word for word in a public copy; see claim_sources). "
    "Every other claim is listed here, with its sourcing_level and the documents it rests on "
    "(basis: document_id (document_status), in claim_source_id order, joined by '; ').",
    """SELECT c.claim_id, c.statement, c.voice, c.quote_id, c.sourcing_level,
  (SELECT group_concat(source, '; ') FROM (SELECT r.basis || ': ' || coalesce(r.document_id, 'none') || ' (' || r.document_status || ')'
     AS source FROM claim_sources r WHERE r.claim_id = c.claim_id ORDER BY r.claim_source_id)) AS rests_on
FROM claims c
WHERE c.sourcing_level NOT IN ('origin_seen', 'origin_seen_in_copy')
ORDER BY c.claim_id""",
)

CLAIMS_QUESTIONED = Query(
    "claims_questioned",
    "Claims contradicted or only partly supported",
    "One row per claim that an outside source contradicts or only partly supports, counting the checks of the claim "
    "itself, of its numbers (`quantities` whose claim_id is the claim) and of its quotation: which of them, with the "
    "relation and the corroboration_id (part: relation (corroboration_id), in that order, joined by '; ').",
    """WITH checks AS (
  SELECT c.claim_id, 'claim' AS part, r.relation, r.corroboration_id FROM claims c
    JOIN corroborations r ON r.target_table = 'claims' AND r.target_id = c.claim_id
  UNION ALL
  SELECT n.claim_id, n.quantity_id, r.relation, r.corroboration_id FROM quantities n
    JOIN corroborations r ON r.target_table = 'quantities' AND r.target_id = n.quantity_id
  UNION ALL
  SELECT c.claim_id, c.quote_id, r.relation, r.corroboration_id FROM claims c
    JOIN corroborations r ON r.target_table = 'quotes' AND r.target_id = c.quote_id
)
SELECT c.claim_id, c.statement, c.sourcing_level,
  (SELECT group_concat(part || ': ' || relation || ' (' || corroboration_id || ')', '; ') FROM (SELECT * FROM checks k
     WHERE k.claim_id = c.claim_id AND k.relation IN ('contradicts', 'partially_supports')
     ORDER BY k.part <> 'claim', k.part, k.corroboration_id)) AS questioned_by
FROM claims c
WHERE c.claim_id IN (SELECT claim_id FROM checks WHERE relation IN ('contradicts', 'partially_supports'))
ORDER BY c.claim_id""",
)

CLAIM_IN_CONTEXT = Query(
    "claim_in_context",
    "The sentences of the article around each claim",
    "One row per claim and article sentence that overlaps one of the claim's `content` spans (offsets in code points, "
    "end exclusive), so that a reader can go from a claim to the words around it.",
    """SELECT DISTINCT c.claim_id, c.statement, a.sentence_id, a.start_char AS sentence_start_char,
  a.end_char AS sentence_end_char, a.text AS sentence
FROM claims c
JOIN spans s ON s.target_table = 'claims' AND s.target_id = c.claim_id AND s.role = 'content'
JOIN article_sentences a ON a.document_id = s.document_id AND a.start_char < s.end_char AND s.start_char < a.end_char
ORDER BY c.claim_id, a.sentence_id""",
)

CLAIM_WORDS = Query(
    "claim_words",
    "One claim in its context",
    "Give a claim_id (e.g. clm-004): the article sentences that hold its words.",
    "SELECT claim_id, statement, sentence_id, sentence FROM claim_in_context WHERE claim_id = :claim_id ORDER BY sentence_id",
    view=False,
    parameters=("claim_id",),
)

QUERIES: tuple[Query, ...] = (
    CLAIM_OVERVIEW,
    QUOTE_OVERVIEW,
    NUMBER_OVERVIEW,
    CLAIMS_WITHOUT_PRIMARY_SOURCE_SEEN,
    CLAIMS_QUESTIONED,
    CLAIM_IN_CONTEXT,
    CLAIM_WORDS,
)
