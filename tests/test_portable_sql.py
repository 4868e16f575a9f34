"""Every declared row rule is portable SQL: SQLGlot transpiles it from DuckDB's dialect to Spark SQL, and the result
parses as Spark SQL with no function Spark lacks (docs/scaling.md's plan for a corpus beyond one machine rests on it)."""

from __future__ import annotations

import pytest
import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel

from validate.checks import CHECKS

EVERY_RULE = [rule for module in CHECKS.values() for rule in getattr(module, "ROW_RULES", [])]
RELATIONS = [
    (name, sql)
    for module in CHECKS.values()
    for name, sql in getattr(module, "RELATIONS", {}).items()
]

# DuckDB functions SQLGlot writes through unchanged to Spark, which has none of them: a rule uses the standard form instead
# (regexp_matches with ^...$ for regexp_full_match, string_agg for array_to_string, bool_and over a join for list lambdas).
DUCKDB_ONLY = (
    "REGEXP_FULL_MATCH",
    "LIST_BOOL_AND",
    "LIST_TRANSFORM",
    "ARRAY_TO_STRING",
    "STRLEN",
    "LIST_CONTAINS",
)


@pytest.mark.parametrize(
    "sql",
    [rule.sql for rule in EVERY_RULE] + [sql for _, sql in RELATIONS],
    ids=[f"{rule.table}:{rule.code}" for rule in EVERY_RULE] + [name for name, _ in RELATIONS],
)
def test_every_row_rule_and_shared_relation_transpiles_to_spark(sql):
    [spark] = sqlglot.transpile(
        sql, read="duckdb", write="spark", unsupported_level=ErrorLevel.RAISE
    )
    tree = sqlglot.parse_one(spark, read="spark")
    assert not [node.name for node in tree.find_all(exp.Anonymous)], spark
    assert not [name for name in DUCKDB_ONLY if f"{name}(" in spark.upper()], spark


def test_a_duckdb_only_function_is_caught():
    [spark] = sqlglot.transpile(
        "SELECT regexp_full_match(a, 'x') FROM t", read="duckdb", write="spark"
    )
    assert "REGEXP_FULL_MATCH(" in spark.upper()  # what the check above refuses
