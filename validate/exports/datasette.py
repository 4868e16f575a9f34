"""Datasette's metadata: title, licence, source, a description for every table and column, canned queries.

Descriptions come from the descriptor and the Table Schemas; the queries from `queries`.
"""

from __future__ import annotations

from .queries import Query
from .tables import Table


def metadata(descriptor: dict, database: str, tables: list[Table], queries: list[Query]) -> dict:
    """The metadata.json document for the database called `database`, with the views and canned `queries` it has."""
    licence = (descriptor.get("licenses") or [{}])[0]
    source = (descriptor.get("sources") or [{}])[0]
    return {
        "title": descriptor.get("title", descriptor.get("name", database)),
        "description": descriptor.get("description", ""),
        "license": f"{licence.get('name', '')} (data tables and schemas; the article text in article_sentences is the "
        "publisher's copyright and is excluded)",
        "license_url": licence.get("path", ""),
        "source": source.get("title", ""),
        "source_url": source.get("path", ""),
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
