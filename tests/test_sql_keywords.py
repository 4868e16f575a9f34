"""The reserved-word lists against the engines themselves."""

from __future__ import annotations

import sqlite3

import duckdb
import pytest

from validate.sql_keywords import (
    POSTGRESQL_RESERVED,
    SQLITE_KEYWORDS,
    duckdb_reserved,
    engines_reserving,
)


def sqlite_refuses(word: str) -> bool:
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute(f"CREATE TABLE t ({word} TEXT)")
        connection.execute(f"SELECT {word} FROM t")
        return False
    except sqlite3.Error:
        return True
    finally:
        connection.close()


def test_every_word_sqlite_refuses_as_a_column_is_in_the_sqlite_list():
    candidates = SQLITE_KEYWORDS | POSTGRESQL_RESERVED | duckdb_reserved()
    refused = {w for w in candidates if sqlite_refuses(w)}
    assert "end" not in refused or "end" in SQLITE_KEYWORDS
    assert refused and refused <= SQLITE_KEYWORDS


@pytest.mark.parametrize("word", sorted(duckdb_reserved()))
def test_duckdb_list_is_what_duckdb_refuses(word):
    with pytest.raises(duckdb.ParserException):
        duckdb.connect(":memory:").execute(f"CREATE TABLE t ({word} INTEGER)")


def test_the_issue_examples():
    assert engines_reserving("end") == ["SQLite", "DuckDB", "PostgreSQL"]
    assert engines_reserving("end_char") == []
    assert engines_reserving("value_number") == []
