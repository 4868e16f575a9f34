"""Datasette's metadata: title, licence, source, a description for every table and column, canned queries.

Descriptions come from the descriptor and the Table Schemas; the queries from `queries`. Datasette
escapes every text it shows; the licence and source addresses become links only when they are
http(s) URLs, and arbitrary SQL is switched off (`allow_sql`).
"""

from __future__ import annotations

import re

from .queries import Query
from .tables import Table

# Only these become links on Datasette's pages: a `javascript:` or `data:` address, or a relative
# path, would be a link that runs or leaves on a reader's click (a relative licence path stays text).
_LINK = re.compile(r"https?://[^\s\x00-\x1f\x7f]+", re.ASCII)


def link(address: object) -> str:
    """`address` when it is an http(s) URL (Datasette makes it a link), else "" (no link)."""
    return address if isinstance(address, str) and _LINK.fullmatch(address) else ""


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def metadata(descriptor: dict, database: str, tables: list[Table], queries: list[Query]) -> dict:
    """The metadata.json document for the database called `database`, with the views and canned `queries` it has."""
    licence = (descriptor.get("licenses") or [{}])[0]
    source = (descriptor.get("sources") or [{}])[0]
    licence_path = _text(licence.get("path"))
    licence_name = _text(licence.get("name")) or (licence_path if not link(licence_path) else "")
    return {
        "title": descriptor.get("title", descriptor.get("name", database)),
        "description": descriptor.get("description", ""),
        "license": f"{licence_name} (data tables and schemas; the article text in article_sentences is the "
        "publisher's copyright and is excluded)",
        "license_url": link(licence_path),
        "source": _text(source.get("title")),
        "source_url": link(source.get("path")),
        # No arbitrary SQL: the tables, views, facets, full-text search and canned queries answer readers'
        # questions, and a cross-site GET cannot run a query of its own (docs/exports.md, "SQL in Datasette").
        "allow_sql": False,
        "databases": {
            database: {
                "description": f"Version {descriptor.get('version', '')} of {descriptor.get('name', database)}.",
                "tables": {
                    t.name: {
                        "title": t.title,
                        "description": t.description,
                        "columns": {c.name: c.description for c in t.columns},
                    }
                    for t in tables
                }
                | {
                    q.name: {"title": q.title, "description": q.description}
                    for q in queries
                    if q.view
                },
                "queries": {
                    q.name: {"title": q.title, "description": q.description, "sql": q.sql}
                    for q in queries
                },
            }
        },
    }
