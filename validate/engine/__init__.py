"""The table engine: each Table Schema compiled to set-based DuckDB queries.

`findings(package)` checks every readable table against its schema (types, required,
pattern, enum, lengths, ranges, unique, primary and foreign keys) and returns what
frictionless 5.21 would report, row for row; docs/engine.md lists where they differ.
DuckDB is imported only when a table is checked.
"""

from __future__ import annotations

from .compiler import Finding, TableProblem, findings

__all__ = ["Finding", "TableProblem", "findings"]
