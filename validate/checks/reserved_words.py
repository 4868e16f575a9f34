"""reserved-words: no column is named with a reserved word of SQLite, DuckDB or PostgreSQL.

A column called `end` or `order` is a syntax error in `SELECT end FROM spans` in DuckDB and
PostgreSQL, and must be quoted in every query a reader writes. DuckDB's reserved words come
from the engine (`duckdb_keywords()`); SQLite's and PostgreSQL's are written down once, with
their sources, in `validate/sql_keywords.py`.

PASS: spans fields `start_char`, `end_char`
FAIL: spans field `end`  ->  reserved-column-name (reserved in SQLite, DuckDB, PostgreSQL)
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from ..errors import Code, Error, Place
from ..jsonpos import line_for, value_lines
from ..package import Package
from ..sql_keywords import engines_reserving

ID = "reserved-words"
SUMMARY = "No column is named with a reserved word of SQLite, DuckDB or PostgreSQL."

# none by name: it reads whatever tables the package has (validate/applies.py)
TABLES: tuple[str, ...] = ()

CODES = {
    "reserved-column-name": Code(
        "A column is named with a word that SQLite, DuckDB or PostgreSQL reserves, so a reader's plain "
        "`SELECT name FROM table` fails.",
        "Rename it to say what it holds (e.g. `end` became `end_char`), in the schema, the CSV header and the CHANGELOG.",
    ),
}


def check(package: Package) -> Iterator[Error]:
    """Yield one error per field of a Table Schema whose name is reserved in one of the engines."""
    for resource in package.resources:
        if (
            resource.schema is None
            or not resource.schema_path
            or not isinstance(resource.schema.get("fields"), list)
        ):
            continue
        line_of = partial(line_for, value_lines(package.schema_texts.get(resource.schema_path, "")))
        for index, field in enumerate(resource.schema["fields"]):
            name = field.get("name") if isinstance(field, dict) else None
            if not isinstance(name, str):
                continue
            engines = engines_reserving(name)
            if engines:
                path = f"$.fields[{index}].name"
                yield Error.at(
                    Place(resource.schema_path, line_of(path)),
                    path,
                    "reserved-column-name",
                    f"Column {name!r} of {resource.name} is a reserved word in {', '.join(engines)}: "
                    f"a reader's `SELECT {name} FROM {resource.name}` fails.",
                    hint=f"Rename it to say what it holds (e.g. `{name}_value`, as `end` became `end_char`), in the schema, "
                    "the CSV header and the CHANGELOG.",
                )
