"""The SQLite database for Datasette, built with sqlite-utils from the Table Schemas.

One table per resource (SQL types, NOT NULL, primary and foreign keys from the schema, NULL
for an empty cell), a link table per polymorphic target (`spans_to_claims`: a span and the
claim it targets, both foreign keys), the article as sentences with their offsets, full-text
search, indexes on every foreign-key column, and the views of `queries`.

A number column has NUMERIC affinity, so that a whole number is stored (and shown) as an
integer, 40000 rather than 40000.0, while 2.5 stays real; the value is the same. Two kinds of
column exist in this file only (`derived_columns`): a `label` where a table's best name for a
row may be empty (a document's title), and the name of a row's referenced entity where full-text
search needs it (`quotes.speaker_name`, so that a speaker's name finds their quotes).
"""

from __future__ import annotations

import datetime
import functools
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import sqlite_utils

from ..model import ForeignKey
from ..package import Package
from ..sentences import split_sentences
from .fit import Limits, int64_refused
from .queries import QUERIES, Query
from .tables import Column, Rows, Table, kind, snapshot_texts

# NUMERIC, not REAL: a whole number keeps integer storage (SQLite converts an integral REAL itself).
SQL_TYPES = {"integer": "INTEGER", "year": "INTEGER", "number": "NUMERIC", "boolean": "INTEGER"}


def _number_refused(value) -> str | None:
    return (
        None if value == value else "NaN cannot be stored: SQLite stores it as NULL (an empty cell)"
    )


# What the database cannot hold, by Table Schema type (validate/exports/fit.py reads it before anything is written).
LIMITS = Limits({"integer": int64_refused, "year": int64_refused, "number": _number_refused})
SENTENCES = "article_sentences"
# What full-text search covers: claim statements, quote texts and speakers, the article's sentences,
# entity names.
FTS_COLUMNS = {
    "claims": ["statement"],
    "quotes": ["text", "speaker_name"],
    SENTENCES: ["text"],
    "entities": ["name", "aliases"],
}
# Columns that hold the label of the row a foreign key points at: (table, new column, foreign-key column).
NAMED_REFERENCES = (("quotes", "speaker_name", "speaker_entity_id"),)
# A row's label (Datasette's label_column: the text of every link to the row) is the first of these
# columns the table has, a required one before an optional one; an optional one becomes a `label`
# column that falls back to the primary key, so that a link never reads "None"; else the primary key.
LABEL_FIELDS = (
    "label",
    "name",
    "title",
    "statement",
    "text",
    "caption",
    "surface",
    "exact",
    "description",
)
LABEL = "label"


@dataclass(frozen=True)
class Derived:
    """A column the database adds to a table: its value is `sql`, an expression over the row."""

    table: str
    column: Column
    sql: str


def label_column(table: Table) -> str:
    """The column that names a row of `table` and is never empty (`derived_columns` adds it if needed)."""
    derived = _label(table)
    return derived.column.name if isinstance(derived, Derived) else derived


def _label(table: Table) -> str | Derived:
    by_name = {c.name: c for c in table.columns if kind(c.type) == "string"}
    candidates = [by_name[n] for n in LABEL_FIELDS if n in by_name]
    required = [c for c in candidates if c.required]
    if required:
        return required[0].name
    if not candidates or len(table.primary_key) != 1:
        return table.primary_key[0] if table.primary_key else ""
    key, field = table.primary_key[0], candidates[0]
    name = _free(table, LABEL)
    return Derived(
        table.name,
        Column(
            name,
            "string",
            False,
            f"Added in the SQLite file (not a CSV column): {field.name}, else {key} where {field.name} is empty; "
            "the text of links to the row.",
            "",
            {},
        ),
        f"coalesce({_quoted(field.name)}, {_quoted(key)})",
    )


def derived_columns(tables: list[Table]) -> list[Derived]:
    """The columns the database adds to the package's tables: generated labels and named references."""
    by_name = {t.name: t for t in tables}
    result = [d for t in tables if isinstance(d := _label(t), Derived)]
    for name, column, via in NAMED_REFERENCES:
        table = by_name.get(name)
        fk = next(
            (f for f in (table.foreign_keys if table else []) if f.fields == (via,)),
            None,
        )
        if table is None or fk is None or fk.target not in by_name or len(fk.target_fields) != 1:
            continue
        target = by_name[fk.target]
        result.append(
            Derived(
                name,
                Column(
                    _free(table, column),
                    "string",
                    False,
                    f"Added in the SQLite file (not a CSV column): the {label_column(target)} of {via}, "
                    "so that full-text search finds the row by it.",
                    "",
                    {},
                ),
                f"(SELECT {_quoted(label_column(target))} FROM {_quoted(target.name)} AS r "
                f"WHERE r.{_quoted(fk.target_fields[0])} = {_quoted(name)}.{_quoted(via)})",
            )
        )
    return result


def _free(table: Table, name: str) -> str:
    taken = {c.name for c in table.columns}
    while name in taken:
        name += "_"
    return name


INTERNAL_PREFIX = "sqlite_"  # SQLite's own tables (sqlite_master, sqlite_stat1, ...)


def generated_names(tables: list[Table]) -> dict[str, str]:
    """Every table, view and canned query name the database makes for itself, given the package's tables."""
    names = {SENTENCES: "the article's sentences"}
    for table in link_tables(tables):
        names[table.name] = "a link table"
    for indexed in FTS_COLUMNS:
        for name in _fts_names(indexed):
            names[name] = f"the full-text index of {indexed}"
    for query in QUERIES:
        names[query.name] = "a view" if query.view else "a canned query"
    return names


@functools.cache
def _fts_suffixes() -> tuple[str, ...]:
    # what sqlite-utils's full-text search creates beside a table, asked of SQLite itself, not copied from its docs
    db = sqlite_utils.Database(memory=True)
    db.table("t").create({"c": str})
    db.table("t").enable_fts(["c"], create_triggers=True)
    suffixes = tuple(sorted(name[1:] for name in db.table_names() + db.view_names() if name != "t"))
    db.close()
    return suffixes


def _fts_names(table: str) -> list[str]:
    return [table + suffix for suffix in _fts_suffixes()]


def link_table_name(table: str, target: str) -> str:
    """The name of the link table from `table` rows to the `target` rows they point at."""
    return f"{table}_to_{target}"


def generated_tables(tables: list[str]) -> list[str]:
    """The tables of data the exports make beside the package's, given its table names: the article's sentences
    (when there is a documents table, whose snapshots they split)."""
    return [SENTENCES] if "documents" in tables else []


def sentence_table(package: Package, tables: list[Table]) -> Table | None:
    """The article (every text resource that is a document's snapshot) as sentences with offsets."""
    if SENTENCES not in generated_tables([t.name for t in tables]):
        return None
    rows: list[dict] = []
    for document_id, text in snapshot_texts(package, tables).items():
        for sentence in split_sentences(text):
            rows.append(
                {
                    "sentence_id": len(rows) + 1,
                    "document_id": document_id,
                    "line": sentence.line,
                    "start_char": sentence.start,
                    "end_char": sentence.end,
                    "text": sentence.text,
                }
            )
    columns = [
        Column(
            "sentence_id",
            "integer",
            True,
            "Number of the sentence, in text order, across every snapshot.",
            "1",
            {},
        ),
        Column(
            "document_id",
            "string",
            True,
            "The document whose snapshot the sentence is in.",
            "doc-article",
            {},
        ),
        Column(
            "line",
            "integer",
            True,
            "Line of the snapshot the sentence is on (a line is a paragraph, caption or line of an embedded post).",
            "3",
            {},
        ),
        Column(
            "start_char",
            "integer",
            True,
            "Offset of the sentence's first code point in the snapshot (0-based), as spans count.",
            "17",
            {},
        ),
        Column(
            "end_char",
            "integer",
            True,
            "Offset just after the sentence's last code point (end exclusive).",
            "140",
            {},
        ),
        Column(
            "text",
            "string",
            True,
            "The sentence, as `python -m validate sentences` splits the snapshot.",
            "",
            {},
        ),
    ]
    return Table(
        SENTENCES,
        "Article sentences",
        "The article's text, one row per sentence with its offsets, so that a claim's spans "
        "can be read in context. The text is the publisher's copyright and is not covered by the dataset's licence.",
        "",
        columns,
        ["sentence_id"],
        [ForeignKey(SENTENCES, ("document_id",), "documents", ("document_id",))],
        rows,
    )


def link_tables(tables: list[Table]) -> list[Table]:
    """A table per polymorphic target, so that every reference is a declared foreign key."""
    by_name = {t.name: t for t in tables}
    result = []
    for table in tables:
        link = table.link
        if link is None or len(table.primary_key) != 1:
            continue
        source_key = table.column(table.primary_key[0])
        for target in link.targets:
            if target not in by_name or len(by_name[target].primary_key) != 1:
                continue
            target_key = by_name[target].column(by_name[target].primary_key[0])
            target_name = (
                target_key.name
                if target_key.name != source_key.name
                else f"target_{target_key.name}"
            )
            rows = Rows(
                partial(
                    _link_rows,
                    table,
                    (source_key.name, target_name, link.id_field, link.table_field, target),
                )
            )
            columns = [
                Column(
                    source_key.name,
                    source_key.type,
                    True,
                    f"The `{table.name}` row.",
                    source_key.example,
                    {},
                ),
                Column(
                    target_name,
                    target_key.type,
                    True,
                    f"The `{target}` row it targets (its target_id).",
                    target_key.example,
                    {},
                ),
            ]
            result.append(
                Table(
                    link_table_name(table.name, target),
                    f"{table.title} → {target}",
                    f"Each `{table.name}` row whose target_table is `{target}`, with the row it targets: the polymorphic "
                    "target_table/target_id pair as a declared foreign key.",
                    "",
                    columns,
                    [source_key.name],
                    [
                        ForeignKey(
                            link_table_name(table.name, target),
                            (source_key.name,),
                            table.name,
                            tuple(table.primary_key),
                        ),
                        ForeignKey(
                            link_table_name(table.name, target),
                            (target_name,),
                            target,
                            tuple(by_name[target].primary_key),
                        ),
                    ],
                    rows,
                )
            )
    return result


def _link_rows(table: Table, names: tuple[str, str, str, str, str]) -> Iterator[tuple[int, dict]]:
    key, target_key, id_field, table_field, target = names
    for line, row in table.lined():
        if row[table_field] == target:
            yield line, {key: row[key], target_key: row[id_field]}


def build(path: Path, tables: list[Table]) -> list[Query]:
    """Write the database to `path` (which must not exist yet); return the queries it can answer.

    A view or canned query that needs a table the package does not have is left out.
    """
    db = sqlite_utils.Database(path)
    db.conn.execute("PRAGMA foreign_keys = ON")
    # a new file in the staging folder, discarded whole if the build fails: no journal to keep
    db.conn.execute("PRAGMA journal_mode = OFF")
    db.conn.execute("PRAGMA synchronous = OFF")
    for table in _creation_order(tables):
        db.conn.execute(_create_sql(table))
        names = [c.name for c in table.columns]
        db.conn.executemany(
            f"INSERT INTO {_quoted(table.name)} ({', '.join(map(_quoted, names))}) "
            f"VALUES ({', '.join('?' * len(names))})",
            ([_sql_value(row[n]) for n in names] for row in table.rows),
        )
        for fk in table.foreign_keys:
            if list(fk.fields) != table.primary_key:
                db.table(table.name).create_index(list(fk.fields), if_not_exists=True)
    for derived in derived_columns(tables):
        db.conn.execute(
            f"ALTER TABLE {_quoted(derived.table)} ADD COLUMN {_quoted(derived.column.name)} TEXT"
        )
        db.conn.execute(
            f"UPDATE {_quoted(derived.table)} SET {_quoted(derived.column.name)} = {derived.sql}"
        )
    for name, columns in FTS_COLUMNS.items():
        present = [c for c in columns if name in db.table_names() and c in db[name].columns_dict]
        if present:
            db.table(name).enable_fts(present, create_triggers=False)
    for query in QUERIES:
        if query.view:
            db.create_view(query.name, query.sql)
    available = [query for query in QUERIES if _compiles(db, query)]
    for query in QUERIES:
        if query.view and query not in available:
            db.conn.execute(f'DROP VIEW "{query.name}"')
    problems = db.execute("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise ValueError(
            f"foreign_key_check found {len(problems)} broken references, e.g. {problems[0]}"
        )
    db.conn.commit()
    db.conn.execute("VACUUM")
    db.close()
    return available


def _compiles(db: sqlite_utils.Database, query: Query) -> bool:
    try:
        db.execute(f"EXPLAIN {query.sql}", {name: None for name in query.parameters})
    except sqlite3.OperationalError:
        return False
    return True


def _create_sql(table: Table) -> str:
    """CREATE TABLE with each column's affinity, NOT NULL, the primary key and single-column foreign keys."""
    parts = [
        f"{_quoted(c.name)} {SQL_TYPES.get(c.type, 'TEXT')}{' NOT NULL' if c.required else ''}"
        for c in table.columns
    ]
    if table.primary_key:
        parts.append(f"PRIMARY KEY ({', '.join(map(_quoted, table.primary_key))})")
    parts += [
        f"FOREIGN KEY ({_quoted(fk.fields[0])}) REFERENCES {_quoted(fk.target)}({_quoted(fk.target_fields[0])})"
        for fk in table.foreign_keys
        if len(fk.fields) == 1
    ]
    return f"CREATE TABLE {_quoted(table.name)} (\n  " + ",\n  ".join(parts) + "\n)"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_value(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def _creation_order(tables: list[Table]) -> list[Table]:
    """Referenced tables first, so that every foreign key is declared when its table is created."""
    pending, done, order = {t.name: t for t in tables}, set(), []
    while pending:
        ready = [
            t
            for t in pending.values()
            if all(
                fk.target in done or fk.target == t.name or fk.target not in pending
                for fk in t.foreign_keys
            )
        ]
        if not ready:
            raise ValueError(f"foreign keys form a cycle among {sorted(pending)}")
        for table in ready:
            order.append(table)
            done.add(table.name)
            del pending[table.name]
    return order
