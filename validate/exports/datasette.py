"""Datasette's metadata: title, licence, source, a description for every table and column, canned queries.

Descriptions come from the descriptor and the Table Schemas; the queries from `queries`. Datasette
escapes every text it shows; the licence and source addresses become links only when they are
http(s) URLs, and arbitrary SQL is switched off (`allow_sql`).

What a reader sees first: every table names its rows by a column that is never empty
(`label_column`, from `sqlite.label_column`), the link tables are hidden, a view opens as a view
(a canned query is made only for a question with parameters), and a column's description on the
page is its first sentence; the full text stays in docs/data-dictionary.md and codebook.csv.
"""

from __future__ import annotations

import html
import re

from . import sqlite
from .queries import Query
from .tables import Table
from .weblinks import web_address

# Only these become links on Datasette's pages: a `javascript:` or `data:` address, or a relative
# path, would be a link that runs or leaves on a reader's click (a relative licence path stays text).
SHORT = 120  # characters of a column description shown on a page
FULL_DESCRIPTIONS = "Every column's full description: docs/data-dictionary.md and codebook.csv."
_CODE = re.compile(r"`([^`\n]*)`")
# A sentence ends at . ! or ? followed by a space and a capital ("e.g. the" goes on).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
# The plugin that links foreign keys on row pages (validate/exports/datasette_links.py), as metadata names it.
PLUGIN = "bukele-cecot-links"


def link(address: object) -> str:
    """`address` when it is an http(s) URL (Datasette makes it a link), else "" (no link)."""
    return web_address(address) or ""


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def plain(text: str) -> str:
    """`text` without Markdown's code backticks (Datasette would show them as they are)."""
    return " ".join(_CODE.sub(r"\1", text).split())


def short(text: str, limit: int = SHORT) -> str:
    """The first sentence of `text`, plain, cut at a word to at most `limit` characters (with "…")."""
    first = _SENTENCE_END.split(plain(text), maxsplit=1)[0]
    if len(first) <= limit:
        return first
    cut = first[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:") + "…"


def metadata(descriptor: dict, database: str, tables: list[Table], queries: list[Query]) -> dict:
    """The metadata.json document for the database called `database`, with the views and canned `queries` it has.

    `tables` are the database's tables (the package's, the article's sentences, the link tables)."""
    licence = (descriptor.get("licenses") or [{}])[0]
    source = (descriptor.get("sources") or [{}])[0]
    licence_path = _text(licence.get("path"))
    licence_name = _text(licence.get("name")) or (licence_path if not link(licence_path) else "")
    hidden = {t.name for t in sqlite.link_tables(tables)}
    derived: dict[str, list] = {}
    for column in sqlite.derived_columns([t for t in tables if t.name not in hidden]):
        derived.setdefault(column.table, []).append(column.column)
    views = [q for q in queries if q.view]
    description = f"Version {descriptor.get('version', '')} of {descriptor.get('name', database)}."
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
                "description": description,
                "description_html": _database_html(description, database, views, tables, hidden),
                "tables": {
                    t.name: _table(t, derived.get(t.name, []), t.name in hidden) for t in tables
                }
                | {q.name: {"title": q.title, "description": plain(q.description)} for q in views},
                # a view is not repeated as a canned query: the view's page has facets, sorting and the footer
                "queries": {
                    q.name: {"title": q.title, "description": plain(q.description), "sql": q.sql}
                    for q in queries
                    if not q.view
                },
            }
        },
    }


def _table(table: Table, derived: list, hidden: bool) -> dict:
    entry: dict = {
        "title": table.title,
        "description": f"{plain(table.description)} {FULL_DESCRIPTIONS}",
        "columns": {c.name: short(c.description) for c in table.columns + derived},
    }
    if label := sqlite.label_column(table):
        entry["label_column"] = label
    if hidden:
        entry["hidden"] = True
    if table.link is not None:
        # the polymorphic reference, which SQLite cannot declare: the plugin links target_id by target_table
        entry["plugins"] = {
            PLUGIN: {
                "references": {
                    table.link.id_field: {
                        "table_field": table.link.table_field,
                        "targets": list(table.link.targets),
                    }
                }
            }
        }
    return entry


def _database_html(
    description: str, database: str, views: list[Query], tables: list[Table], hidden: set[str]
) -> str:
    """The database page's introduction: the questions (views) first, then the tables in descriptor order.

    Datasette lists tables by name below it; this puts the ones a reader starts with on top. All text escaped."""

    from datasette.utils import tilde_encode  # the exports extra's Datasette, only when it is built

    def links(items: list[tuple[str, str]]) -> str:
        # relative to the database page (/<database>), so that a base_url prefix still holds
        return ", ".join(
            f'<a href="{html.escape(tilde_encode(database))}/{html.escape(tilde_encode(name))}">'
            f"{html.escape(title)}</a>"
            for name, title in items
        )

    parts = [f"<p>{html.escape(description)}</p>"]
    if views:
        parts.append(f"<p>Questions answered: {links([(q.name, q.title) for q in views])}.</p>")
    shown = [(t.name, t.name) for t in tables if t.name not in hidden]
    if shown:
        parts.append(f"<p>Tables: {links(shown)}.</p>")
    if hidden:
        parts.append(
            "<p>The link tables (<em>table</em>_to_<em>target</em>, one per polymorphic target) are hidden: "
            "they make target_id a link.</p>"
        )
    return "".join(parts)
