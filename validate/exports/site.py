"""The annotated article as a static web site: the article with its records highlighted, and a page per table.

Every page is one self-contained HTML file (its style and script inline, the data as a JSON
block), so the site works from `file://`, from GitHub Pages or any static host, with no server.
Pages are rendered by Jinja2 with autoescaping, the data block is JSON with `<`, `>` and `&`
escaped, the script writes data only as text, and only http(s) addresses become links. A
Content-Security-Policy allows nothing but the page's own inline style and script (by hash),
so even text that slipped through cannot run or load anything.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import itertools
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources

import jinja2
from markupsafe import Markup

from ..model import PolymorphicReference
from .tables import Table
from .weblinks import web_address

# What the article page highlights: a table, the span role that marks its record's words, and
# the word a reader sees for it. Listed in drawing order, outermost first.
LAYERS: tuple[tuple[str, str, str], ...] = (
    ("claims", "content", "claim"),
    ("images", "caption", "caption"),
    ("quotes", "content", "quote"),
    ("quantities", "content", "number"),
    ("findings", "content", "finding"),
)
# The column that names a record of each highlighted table on the page.
LABELS = {
    "claims": "statement",
    "images": "caption",
    "quotes": "text",
    "quantities": "surface",
    "findings": "description",
}
# Outside sources' relations in the order a reader should see them first: the worst news first.
RELATION_ORDER = (
    "contradicts",
    "partially_supports",
    "qualifies",
    "wording_differs",
    "supports",
    "no_public_source_found",
)
NOT_CHECKED = "not_checked"
# The rows a table's page holds: a browser searches and sorts this many at once; a longer table's page
# says so and points at the files that hold every row.
PAGE_ROWS = 10_000
NO_LEVEL = "not_a_claim"


@dataclass(frozen=True)
class Page:
    """One file of the site: its name inside the site folder and its HTML."""

    name: str
    html: str


def link(value: object) -> str | None:
    """The value as a link target when it is an absolute http(s) address, else None (never javascript:, data:, …)."""
    return web_address(value)


def json_block(value: object) -> str:
    """JSON safe inside an HTML <script> element: no `<`, `>` or `&` can close it or open a comment."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def article_page(descriptor: dict, tables: list[Table], texts: dict[str, str]) -> Page:
    """index.html: the article's text with every claim, caption, quote, number and finding highlighted."""
    by_name = {t.name: t for t in tables}
    document_id, text = _article(by_name, texts)
    spans = _article_spans(by_name, document_id)
    records = _records(by_name, {key for _, _, key, _ in spans})
    marks = _marks(spans, records)
    data = {
        "text": text,
        "segments": _segments(text, marks),
        "records": records,
        "filters": {"speakers": sorted({r["speaker"] for r in records.values() if r["speaker"]})},
    }
    legend = {
        "levels": _allowed(by_name, "claims", "sourcing_level") + [NO_LEVEL],
        "relations": _allowed(by_name, "corroborations", "relation") + [NOT_CHECKED],
        "level_meaning": _description(by_name, "claims", "sourcing_level"),
        "relation_meaning": _description(by_name, "corroborations", "relation"),
    }
    html = _render(
        "article.html",
        descriptor=descriptor,
        tables=tables,
        document_id=document_id,
        data=json_block(data),
        legend=legend,
        layers=[word for _, _, word in LAYERS],
    )
    return Page("index.html", html)


def table_page(descriptor: dict, tables: list[Table], table: Table) -> Page:
    """<table>.html: the rows of one table (the first PAGE_ROWS), searchable and sortable, references as links."""
    targets = _reference_targets(table)
    annotated = {name for name, _, _ in LAYERS}
    rows = []
    for row in itertools.islice(table.rows, PAGE_ROWS):
        cells = []
        for column in table.columns:
            value = row.get(column.name)
            shown = "" if value is None else _shown(value)
            target = targets.get(column.name)
            href = None
            if target is not None and value is not None:
                href = f"{target(row)}.html#{_anchor(shown)}" if target(row) else None
            elif column.name in table.primary_key and table.name in annotated:
                href = f"index.html#{_anchor(shown)}"
            else:
                href = link(value)
            cells.append({"text": shown, "href": href, "external": link(value) is not None})
        key = " ".join(_shown(row.get(k)) for k in table.primary_key if row.get(k) is not None)
        rows.append({"id": _anchor(key), "cells": cells})
    html = _render(
        "table.html",
        descriptor=descriptor,
        tables=tables,
        table=table,
        rows=rows,
        total=table.count() if len(rows) == PAGE_ROWS else len(rows),
    )
    return Page(f"{table.name}.html", html)


def pages(descriptor: dict, tables: list[Table], texts: dict[str, str]) -> list[Page]:
    """Every page of the site: the article, then one page per table."""
    return [article_page(descriptor, tables, texts)] + [
        table_page(descriptor, tables, t) for t in tables
    ]


def _article(by_name: dict[str, Table], texts: dict[str, str]) -> tuple[str, str]:
    # The article is the document the claims are made in: the one most claims name.
    counts: dict[str, int] = defaultdict(int)
    for row in by_name["claims"].rows if "claims" in by_name else []:
        counts[row.get("document_id") or ""] += 1
    for document_id in sorted(counts, key=lambda d: -counts[d]):
        if document_id in texts:
            return document_id, texts[document_id]
    raise ValueError(
        "the site needs the text of the document the claims are made in (its snapshot)"
    )


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _anchor(value: str) -> str:
    # An element id made of the record's key; ids are matched as text, never parsed as HTML.
    return value.replace(" ", "_")


def _reference_targets(table: Table):
    targets = {}
    for key in table.foreign_keys:
        if len(key.fields) == 1:
            targets[key.fields[0]] = lambda row, target=key.target: target
    reference: PolymorphicReference | None = table.link
    if reference is not None:
        targets[reference.id_field] = lambda row, field=reference.table_field: row.get(field)
    return targets


def _allowed(by_name: dict[str, Table], table: str, column: str) -> list[str]:
    return by_name[table].column(column).allowed if table in by_name else []


def _description(by_name: dict[str, Table], table: str, column: str) -> str:
    return by_name[table].column(column).description if table in by_name else ""


class _Lookups:
    """The rows the panel joins to a record, each table indexed once."""

    def __init__(self, by_name: dict[str, Table]):
        def rows(name: str) -> list[dict]:
            return list(by_name[name].rows) if name in by_name else []

        self.documents = {r["document_id"]: r for r in rows("documents")}
        self.entities = {r["entity_id"]: r["name"] for r in rows("entities")}
        self.claims = {r["claim_id"]: r for r in rows("claims")}
        self.claims_of_quote: dict[str, list[str]] = defaultdict(list)
        for row in self.claims.values():
            if row.get("quote_id"):
                self.claims_of_quote[row["quote_id"]].append(row["claim_id"])
        self.sources: dict[str, list[dict]] = defaultdict(list)
        for row in rows("claim_sources"):
            self.sources[row["claim_id"]].append(self.source(row))
        self.checks = _by_target(rows("corroborations"))
        self.findings = _by_target(rows("findings"))

    def document(self, document_id: str | None) -> dict | None:
        """A document as the panel names it: its title (else its ID) and its address when it is http(s)."""
        if not document_id:
            return None
        row = self.documents.get(document_id, {})
        return {
            "id": document_id,
            "title": row.get("title") or document_id,
            "url": link(row.get("url")),
        }

    def source(self, row: dict) -> dict:
        """A claim_sources row: its basis, its document and the row that shows it."""
        evidence = row.get("evidence_id")
        return {
            "basis": row.get("basis"),
            "status": row.get("document_status"),
            "document": self.document(row.get("document_id")),
            "evidence": f"{row.get('evidence_table')}/{evidence}" if evidence else None,
        }

    def check(self, row: dict) -> dict:
        """A corroborations row: its relation, its document and excerpt."""
        return {
            "id": row.get("corroboration_id"),
            "relation": row.get("relation"),
            "document": self.document(row.get("document_id")),
            "excerpt": row.get("excerpt"),
        }

    def claims_of(self, table_name: str, row: dict) -> list[str]:
        """The claims a record belongs to: itself, a number's claim, the claims that report a quote."""
        if table_name == "claims":
            return [row["claim_id"]]
        if table_name == "quantities" and row.get("claim_id"):
            return [row["claim_id"]]
        if table_name == "quotes":
            return self.claims_of_quote.get(row["quote_id"], [])
        return []


def _records(by_name: dict[str, Table], marked: set[str]) -> dict[str, dict]:
    """Each record marked in the article, keyed `table/id`, with what the panel shows about it."""
    look = _Lookups(by_name)
    records: dict[str, dict] = {}
    for table_name, _, kind in LAYERS:
        table = by_name.get(table_name)
        if table is None or len(table.primary_key) != 1:
            continue
        key_column = table.primary_key[0]
        for row in table.rows:
            record_id = row[key_column]
            if f"{table_name}/{record_id}" not in marked:
                continue
            claim_ids = look.claims_of(table_name, row)
            level = next(
                (look.claims[c]["sourcing_level"] for c in claim_ids if c in look.claims), None
            )
            speaker_id = row.get("speaker_entity_id") or row.get("attributed_to_entity_id")
            records[f"{table_name}/{record_id}"] = {
                "table": table_name,
                "id": record_id,
                "kind": kind,
                "label": _shown(row.get(LABELS.get(table_name, key_column)) or record_id),
                "level": level or NO_LEVEL,
                "speaker": look.entities.get(speaker_id, speaker_id) if speaker_id else None,
                "fields": [
                    [c.name, _shown(row[c.name]), link(row[c.name])]
                    for c in table.columns
                    if row.get(c.name) is not None
                ],
                "sources": [s for c in claim_ids for s in look.sources.get(c, [])],
                "checks": [look.check(c) for c in look.checks.get((table_name, record_id), [])],
                "findings": [
                    {
                        "type": f.get("finding_type"),
                        "text": f.get("description"),
                        "confidence": f.get("confidence"),
                    }
                    for f in look.findings.get((table_name, record_id), [])
                ],
                "claims": claim_ids if table_name != "claims" else [],
                "words": [],
            }
    _parts_checks(records)
    for record in records.values():
        relations = {c["relation"] for c in record["checks"] + record.get("part_checks", [])}
        record["relation"] = next((r for r in RELATION_ORDER if r in relations), None) or (
            sorted(relations)[0] if relations else NOT_CHECKED
        )
    return records


def _parts_checks(records: dict[str, dict]) -> None:
    """A claim also shows the outside checks of its numbers and of the quote it reports, apart from its own."""
    for record in records.values():
        if record["table"] == "claims":
            record["part_checks"] = []
    for record in records.values():
        if record["table"] in ("quantities", "quotes"):
            for claim_id in record["claims"]:
                claim = records.get(f"claims/{claim_id}")
                if claim is not None:
                    claim["part_checks"].extend(
                        dict(check, part=f"{record['table']}/{record['id']}")
                        for check in record["checks"]
                    )


def _by_target(rows: list[dict]) -> dict[tuple, list[dict]]:
    found: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        found[(row.get("target_table"), row.get("target_id"))].append(row)
    return found


def _article_spans(by_name: dict[str, Table], document_id: str) -> list[tuple[int, int, str, str]]:
    """(start, end, record key, exact) of every span of the article that marks a highlighted record's words."""
    roles = {table: role for table, role, _ in LAYERS}
    found = []
    for span in by_name["spans"].rows if "spans" in by_name else []:
        table, start, end = span.get("target_table"), span.get("start_char"), span.get("end_char")
        if span.get("document_id") != document_id or roles.get(str(table)) != span.get("role"):
            continue
        if start is not None and end is not None:
            found.append(
                (int(start), int(end), f"{table}/{span.get('target_id')}", span.get("exact") or "")
            )
    return found


def _marks(
    spans: list[tuple[int, int, str, str]], records: dict[str, dict]
) -> list[tuple[int, int, str]]:
    """(start, end, record key) of each span whose record exists, its words kept on the record."""
    marks = []
    for start, end, key, exact in spans:
        if key in records:
            marks.append((start, end, key))
            records[key]["words"].append(exact)
    return marks


def _segments(text: str, marks: list[tuple[int, int, str]]) -> list[list]:
    """The text cut at every mark's edges: [start, end, keys innermost first] for each piece, marked or not."""
    inside = [(s, e, key) for s, e, key in marks if 0 <= s < e <= len(text)]
    edges = sorted({0, len(text)} | {edge for s, e, _ in inside for edge in (s, e)})
    starting: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for mark in inside:
        starting[mark[0]].append(mark)
    active: set[tuple[int, int, str]] = set()
    segments = []
    for start, end in itertools.pairwise(
        edges
    ):  # one sweep: marks open at their start, close at their end
        active = {mark for mark in active if mark[1] > start} | set(starting.get(start, ()))
        keys = [key for _, _, key in sorted(active, key=lambda m: (m[1] - m[0], m[2]))]
        segments.append([start, end, list(dict.fromkeys(keys))])
    return segments


@cache
def _environment() -> jinja2.Environment:
    templates = resources.files(__package__) / "site_templates"
    environment = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: (templates / name).read_text(encoding="utf-8")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["link"] = link
    return environment


def _asset(name: str) -> str:
    return (resources.files(__package__) / "site_templates" / name).read_text(encoding="utf-8")


def _digest(text: str) -> str:
    return (
        "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"
    )


def _render(template: str, **values) -> str:
    style, script = _asset("site.css"), _asset("site.js")
    policy = (
        f"default-src 'none'; style-src {_digest(style)}; script-src {_digest(script)}; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )
    return (
        _environment()
        .get_template(template)
        .render(
            style=Markup(style),  # the site's own assets, inserted as they are: never data
            script=Markup(script),
            policy=policy,
            **values,
        )
    )
