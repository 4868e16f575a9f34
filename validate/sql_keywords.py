"""Reserved words of the SQL engines readers load the tables into, for the `reserved-words` check.

DuckDB's list is read from the engine itself (`duckdb_keywords()`). SQLite's Python module does
not expose `sqlite3_keyword_name()`, and PostgreSQL is not installed, so their lists are written
down once here from the engines' documentation (tests compare the SQLite list with the engine's
own parser).
"""

from __future__ import annotations

from functools import cache

# Every keyword of SQLite, which asks applications to quote them when used as names.
# Source: https://www.sqlite.org/lang_keywords.html (147 keywords).
SQLITE_KEYWORDS = frozenset({
    "abort", "action", "add", "after", "all", "alter", "always", "analyze", "and", "as", "asc", "attach", "autoincrement", "before", "begin", "between",
    "by", "cascade", "case", "cast", "check", "collate", "column", "commit", "conflict", "constraint", "create", "cross", "current", "current_date",
    "current_time", "current_timestamp", "database", "default", "deferrable", "deferred", "delete", "desc", "detach", "distinct", "do", "drop", "each",
    "else", "end", "escape", "except", "exclude", "exclusive", "exists", "explain", "fail", "filter", "first", "following", "for", "foreign", "from",
    "full", "generated", "glob", "group", "groups", "having", "if", "ignore", "immediate", "in", "index", "indexed", "initially", "inner", "insert",
    "instead", "intersect", "into", "is", "isnull", "join", "key", "last", "left", "like", "limit", "match", "materialized", "natural", "no", "not",
    "nothing", "notnull", "null", "nulls", "of", "offset", "on", "or", "order", "others", "outer", "over", "partition", "plan", "pragma", "preceding",
    "primary", "query", "raise", "range", "recursive", "references", "regexp", "reindex", "release", "rename", "replace", "restrict", "returning",
    "right", "rollback", "row", "rows", "savepoint", "select", "set", "table", "temp", "temporary", "then", "ties", "to", "transaction", "trigger",
    "unbounded", "union", "unique", "update", "using", "vacuum", "values", "view", "virtual", "when", "where", "window", "with", "without",
})

# PostgreSQL's key words classed "reserved" and "reserved (can be function or type)": neither may name a column unquoted.
# Source: https://www.postgresql.org/docs/17/sql-keywords-appendix.html (Table C.1, column PostgreSQL).
POSTGRESQL_RESERVED = frozenset({
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast", "check", "collate", "column", "constraint",
    "create", "current_catalog", "current_date", "current_role", "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc",
    "distinct", "do", "else", "end", "except", "false", "fetch", "for", "foreign", "from", "grant", "group", "having", "in", "initially", "intersect",
    "into", "lateral", "leading", "limit", "localtime", "localtimestamp", "not", "null", "offset", "on", "only", "or", "order", "placing", "primary",
    "references", "returning", "select", "session_user", "some", "symmetric", "system_user", "table", "then", "to", "trailing", "true", "union", "unique",
    "user", "using", "variadic", "when", "where", "window", "with", "authorization", "binary", "collation", "concurrently", "cross", "current_schema",
    "freeze", "full", "ilike", "inner", "is", "isnull", "join", "left", "like", "natural", "notnull", "outer", "overlaps", "right", "similar",
    "tablesample", "verbose",
})

# duckdb_keywords() categories that cannot name a column unquoted (a `type_function` word such as `columns` can).
DUCKDB_RESERVED_CATEGORIES = ("reserved",)


@cache
def duckdb_reserved() -> frozenset[str]:
    """DuckDB's reserved words, from the engine (an in-memory database; nothing is read or written)."""
    import duckdb

    with duckdb.connect(":memory:") as connection:
        rows = connection.execute("SELECT keyword_name FROM duckdb_keywords() WHERE list_contains(?, keyword_category)",
                                  [list(DUCKDB_RESERVED_CATEGORIES)]).fetchall()
    return frozenset(name.lower() for (name,) in rows)


def engines_reserving(name: str) -> list[str]:
    """The engines among SQLite, DuckDB and PostgreSQL for which `name` is a reserved word."""
    word = name.lower()
    return [engine for engine, words in (("SQLite", SQLITE_KEYWORDS), ("DuckDB", duckdb_reserved()), ("PostgreSQL", POSTGRESQL_RESERVED))
            if word in words]
