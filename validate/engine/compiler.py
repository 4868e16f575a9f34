"""Compile each Table Schema into set-based DuckDB queries and run them on the package's tables.

A table is handed to DuckDB as columns (one VARCHAR per field; a missing value is NULL),
with `_ord`, the record's index in the parsed table (its physical line and row come from
there), and `_width`, the number of cells the row really has. Then, per table:

1. the *type fast path*: a cell in canonical ASCII form (`-12`, `3.5e2`, `2025-02-04`) is
   accepted in SQL; the few others are read in Python exactly as frictionless reads them
   (cells.py), which also checks their constraints;
2. one query for every constraint of every field (required, pattern in RE2, enum, lengths,
   bounds) on the fast-path cells;
3. windowed queries for `unique` fields and the primary key (a row repeats an earlier one);
4. one anti-join per foreign key (NOT EXISTS over the referenced columns).

Schema values (patterns, enums, bounds) are always bound as query parameters and columns
are renamed c0, c1, ...: nothing from the package is pasted into SQL text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..columnar import Ingested
from ..csvio import Table
from ..model import ForeignKey, Model, TableModel
from . import cells

# The SQL fast path per type: a cell matching it is valid, and CAST gives its typed value.
_FAST = {
    "integer": ("regexp_full_match({c}, '-?[0-9]{{1,18}}')", "BIGINT"),
    "number": (
        "regexp_full_match({c}, '-?([0-9]{{1,15}}(\\.[0-9]{{0,15}})?|\\.[0-9]{{1,15}})([eE][+-]?[0-9]{{1,2}})?')",
        "DOUBLE",
    ),
    "date": (
        "(regexp_full_match({c}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') AND {c} >= '0001' AND try_strptime({c}, '%Y-%m-%d') IS NOT NULL)",
        "DATE",
    ),
    "year": ("regexp_full_match({c}, '[0-9]{{4}}')", "INTEGER"),
}
_BOUND_OPERATORS = {
    "minimum": "<",
    "maximum": ">",
    "exclusiveMinimum": "<=",
    "exclusiveMaximum": ">=",
}  # the failing comparison
_SUPPORTED = {
    "string": {"required", "minLength", "maxLength", "pattern", "enum", "unique"},
    **{
        t: {
            "required",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "enum",
            "unique",
        }
        for t in _FAST
    },
}


@dataclass(frozen=True)
class Finding:
    """One error of one row, as frictionless would report it (`note` is frictionless's note)."""

    table: str
    index: int  # index of the record in the parsed table; -1 for a row that is an empty line
    row: int
    line: int
    code: str
    field: str = ""
    cell: str = ""
    note: str = ""
    reference: ForeignKey | None = None


@dataclass(frozen=True)
class TableProblem:
    """A problem that stops a table (or a foreign key) from being checked, or a schema the engine refuses."""

    table: str
    code: str
    message: str


def unsupported(table: TableModel) -> str | None:
    """Why the engine cannot check `table` as frictionless would (None when it can)."""
    for field in table.fields:
        kind = (field.get("type", "string"), field.get("format", "default"))
        if cells.READERS.get(kind) is None:
            return f"field {field.get('name')!r} has type {kind[0]}/{kind[1]}, which the engine does not compile"
        for name in field.get("constraints") or {}:
            if name not in _SUPPORTED[kind[0]]:
                return f"field {field.get('name')!r} has the constraint {name!r}, which the engine does not compile"
    return None


def findings(model: Model, tables: dict[str, Table]) -> Iterator[Finding | TableProblem]:
    """Check every table of `tables` (name -> table in the run's DuckDB connection, header already matching) against `model`."""
    import duckdb

    connection = (
        next(
            table.source.store.connection
            for table in tables.values()
            if isinstance(table.source, Ingested)
        )
        if tables
        else None
    )
    if connection is None:
        return
    try:
        for position, name in enumerate(tables):
            _load(connection, position, model.tables[name], tables[name])
        refused = set()
        for name in tables:
            problem = pattern_problem(model.tables[name])
            if problem:
                refused.add(name)
                yield problem
        for phase in (
            _check_cells,
            _check_keys,
        ):  # keys compare typed values: every table's type errors first
            for position, name in enumerate(tables):
                if name in refused:
                    continue
                try:
                    yield from phase(
                        connection, position, model.tables[name], tables[name], tables, model
                    )
                except duckdb.Error as error:
                    refused.add(name)
                    yield TableProblem(name, "engine-refused", _explain(error))
    finally:  # the package's connection outlives the check: drop what the engine made in it
        for position in range(len(tables)):
            _drop(connection, _view(position))
            _drop(connection, _missing(position))


def _explain(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def pattern_problem(table: TableModel) -> TableProblem | None:
    """Refuse, with the reason, a pattern that RE2 (linear time: no look-around, no back-references) cannot run."""
    import re2

    for field in table.fields:
        pattern = table.pattern(field.get("name", ""))
        if pattern is None:
            continue
        try:
            cells.full_pattern(pattern)
        except re2.error as error:
            return TableProblem(
                table.name,
                "engine-refused",
                f"the pattern {pattern!r} of field {field.get('name')!r} cannot run in RE2, the linear-time "
                f"regular expressions the validator uses (no look-around, no back-references): {error}",
            )
    return None


def _view(position: int) -> str:
    return f"t{position}"


def _missing(position: int) -> str:
    return f"m{position}"


def _is_view(connection, name: str) -> bool:
    return bool(
        connection.execute(
            "SELECT count(*) FROM duckdb_views() WHERE view_name = ? AND temporary", [name]
        ).fetchone()[0]
    )


def _drop(connection, name: str) -> None:
    connection.execute(f"DROP {'VIEW' if _is_view(connection, name) else 'TABLE'} IF EXISTS {name}")


def _load(connection, position: int, model: TableModel, table: Table) -> None:
    assert isinstance(table.source, Ingested)
    names = [f"c{index}" for index in range(len(model.fields))]
    # the table as the package's connection holds it (validate/columnar.py): a view, not a copy; _ord is the record's index
    source, kind = f"(SELECT _ord, _width, {', '.join(names)} FROM {table.source.name})", "VIEW"
    # a missing value (by default the empty cell) becomes NULL, as frictionless reads it as None. Other
    # missing values sit in a table of their own, because a view cannot hold bound parameters.
    missing, nulled = "", [f"nullif({name}, '') AS {name}" for name in names]
    if list(model.missing_values) != [""]:
        connection.execute(
            f"CREATE OR REPLACE TEMP TABLE {_missing(position)} AS SELECT ?::VARCHAR[] AS _missing",
            [list(model.missing_values)],
        )
        missing = f" CROSS JOIN {_missing(position)}"
        nulled = [
            f"CASE WHEN list_contains(_missing, {name}) THEN NULL ELSE {name} END AS {name}"
            for name in names
        ]
    # frictionless calls a row blank when every cell it has is empty, however many it has
    every_null = " AND ".join(f"{name} IS NULL" for name in names) or "FALSE"
    columns = f"SELECT {', '.join(['_ord', '_width', *nulled])} FROM {source}{missing}"
    blank = f"({every_null})"
    if not connection.execute(f"SELECT count(*) FROM ({columns}) WHERE {blank}").fetchone()[0]:
        blank = "FALSE"  # every query filters on _blank, which would read every column of the view again
    else:
        kind = (
            "TABLE"  # a blank row: copied into a table once, rather than found again by every query
        )
    connection.execute(
        f"CREATE TEMP {kind} {_view(position)} AS SELECT *, {blank} AS _blank FROM ({columns})"
    )


def _finding(
    model: TableModel,
    table: Table,
    index: int,
    code: str,
    field: str = "",
    cell: str = "",
    note: str = "",
    reference: ForeignKey | None = None,
) -> Finding:
    row, line = table.place(index)  # a table DuckDB read builds no records for it
    return Finding(model.name, index, row, line, code, field, cell, note, reference)


def _check_cells(
    connection,
    position: int,
    model: TableModel,
    table: Table,
    tables: dict[str, Table],
    whole: Model,
) -> Iterator[Finding]:
    """Rows and cells: blank rows, extra and missing cells, types, constraints (one query)."""
    view = _view(position)
    width = len(model.fields)
    for row in sorted(table.blank_rows):
        yield Finding(model.name, -1, row, table.line_of_row(row) or 0, "blank-row")
    missing = set(model.missing_values)
    for index, record in enumerate(
        table.records if not table.uniform else ()
    ):  # a uniform table has no width to report
        if record.width != width and all(cell in missing for cell in record.cells.values()):
            continue  # a blank row (the query below reports it), whatever its width
        if record.width > width:
            yield from (
                _finding(model, table, index, "extra-cell") for _ in range(record.width - width)
            )
        elif 0 <= record.width < width:
            yield from (
                _finding(model, table, index, "missing-cell", f.get("name", ""))
                for f in model.fields[record.width :]
            )
    # (field number, rule, condition on a non-blank row, parameters); rule `slow`: a cell outside the fast path, read in Python below
    rules: list[tuple[int, str, str, list[Any]]] = []
    for number, field in enumerate(model.fields):
        fast = _fast_condition(field, f"c{number}")
        if fast != "TRUE":
            rules.append((number, "slow", f"c{number} IS NOT NULL AND NOT ({fast})", []))
    rules += _constraint_rules(model)
    # one filter with every condition first: on a valid table it finds nothing, and costs a third of the query per rule below
    suspects = " OR ".join(f"({condition})" for _, _, condition, _ in rules) or "FALSE"
    parameters = [
        value for *_, values in rules for value in values
    ]  # the same order in both queries below
    if not connection.execute(
        f"SELECT EXISTS (SELECT 1 FROM {view} WHERE _blank OR ({suspects}))", parameters
    ).fetchone()[0]:
        return
    parts = [f"SELECT _ord, -1 AS field, 'blank' AS rule, NULL AS cell FROM {view} WHERE _blank"]
    parts += [
        f"SELECT _ord, {number}, '{rule}', c{number} FROM {view} WHERE NOT _blank AND ({condition})"
        for number, rule, condition, _ in rules
    ]
    slow: dict[tuple[int, str], list[int]] = {}
    for index, number, rule, cell in connection.execute(
        " UNION ALL ".join(parts) + " ORDER BY 1, 2", parameters
    ).fetchall():
        if rule == "blank":
            yield _finding(model, table, index, "blank-row")
        elif rule == "slow":
            slow.setdefault((number, cell), []).append(index)
        else:
            field = model.fields[number]
            yield _finding(
                model,
                table,
                index,
                "constraint-error",
                field["name"],
                cell or "",
                _note(field, rule),
            )
    type_errors: dict[int, list[int]] = {}
    for (
        (number, raw),
        indexes,
    ) in (
        slow.items()
    ):  # each distinct value is read once: a corpus repeats its URLs and its odd spellings
        yield from _slow_cells(model, table, number, raw, indexes, type_errors)
    if type_errors and _is_view(
        connection, view
    ):  # a table DuckDB read is a view over it: copied before its cells change
        connection.execute(f"ALTER VIEW {view} RENAME TO {view}_read")
        connection.execute(f"CREATE TEMP TABLE {view} AS SELECT * FROM {view}_read")
        connection.execute(f"DROP VIEW {view}_read")
    for number, invalid in type_errors.items():
        # frictionless gives a cell with a type error no value: it takes no part in keys
        connection.execute(
            f"UPDATE {view} SET c{number} = NULL WHERE list_contains(?, _ord)", [sorted(invalid)]
        )


def _check_keys(
    connection,
    position: int,
    model: TableModel,
    table: Table,
    tables: dict[str, Table],
    whole: Model,
) -> Iterator[Finding | TableProblem]:
    """Unique fields, the primary key and the foreign keys."""
    yield from _uniques(connection, _view(position), model, table)
    yield from _foreign_keys(connection, position, model, table, tables, whole)


def _fast_condition(field: dict, column: str) -> str:
    kind = field.get("type", "string")
    if kind == "string":
        return "TRUE" if field.get("format", "default") == "default" else "FALSE"
    return _FAST[kind][0].format(c=column)


def _typed(field: dict, column: str) -> str:
    kind = field.get("type", "string")
    return column if kind == "string" else f"CAST({column} AS {_FAST[kind][1]})"


def _slow_cells(
    model: TableModel,
    table: Table,
    number: int,
    raw: str,
    indexes: list[int],
    type_errors: dict[int, list[int]],
) -> Iterator[Finding]:
    """Read one distinct value outside the fast path as frictionless would; its errors at every row that holds it."""
    field = model.fields[number]
    read = cells.reader(field)
    value = read(raw) if read else None
    if value is None:
        type_errors.setdefault(number, []).extend(indexes)
        kind = f"{field.get('type', 'string')}/{field.get('format', 'default')}"
        yield from (
            _finding(model, table, index, "type-error", field["name"], raw, f'type is "{kind}"')
            for index in indexes
        )
        return
    for name in cells.constraint_failures(field, value, raw):
        yield from (
            _finding(
                model, table, index, "constraint-error", field["name"], raw, _note(field, name)
            )
            for index in indexes
        )


def _note(field: dict, name: str) -> str:
    return f'constraint "{name}" is "{field["constraints"][name]}"'


def _constraint_rules(model: TableModel) -> list[tuple[int, str, str, list[Any]]]:
    """(field number, constraint, failing condition, parameters) for every constraint of every field, on the cells of the fast path."""
    rules: list[tuple[int, str, str, list[Any]]] = []
    for number, field in enumerate(model.fields):
        column, constraints = f"c{number}", field.get("constraints") or {}
        kind, fast, typed = (
            field.get("type", "string"),
            _fast_condition(field, f"c{number}"),
            _typed(field, f"c{number}"),
        )
        checks: list[tuple[str, str, list[Any]]] = []
        if constraints.get("required") is True:
            checks.append(
                ("required", f"{column} IS NULL", [])
            )  # a missing cell too: frictionless reads it as None
        if kind == "string" and isinstance(constraints.get("pattern"), str):
            checks.append(
                (
                    "pattern",
                    f"NOT regexp_full_match({column}, ?)",
                    [f"^(?:{constraints['pattern']})$"],
                )
            )
        if kind == "string":
            for name, operator in (("minLength", "<"), ("maxLength", ">")):
                if isinstance(constraints.get(name), int):
                    checks.append((name, f"length({column}) {operator} ?", [constraints[name]]))
        if isinstance(constraints.get("enum"), list):
            allowed = _typed_values(field, constraints["enum"])
            checks.append(("enum", f"NOT list_contains(?, {typed})", [allowed]))
        for name, operator in _BOUND_OPERATORS.items():
            if kind != "string" and name in constraints:
                bound = _typed_values(field, [constraints[name]])
                if bound:
                    checks.append((name, f"{typed} {operator} ?", [bound[0]]))
        for name, condition, values in checks:
            guard = "" if name == "required" else f"{column} IS NOT NULL AND ({fast}) AND "
            rules.append((number, name, f"{guard}({condition})", values))
    return rules


def _typed_values(field: dict, values: list) -> list:
    """Schema values (an enum, a bound) read as the field's type, as frictionless reads them; unreadable ones dropped."""
    read = cells.reader(field) or (lambda cell: cell)
    typed = [read(v if isinstance(v, str) else str(v)) for v in values]
    if field.get("type") == "number":
        typed = [float(v) for v in typed if v is not None]
    return [v for v in typed if v is not None]


def _uniques(connection, view: str, model: TableModel, table: Table) -> Iterator[Finding]:
    """Every later repeat of a `unique` field's value, and of the primary key, in one query."""
    names = [f.get("name") for f in model.fields]
    parts = []
    for number, field in enumerate(model.fields):
        if (field.get("constraints") or {}).get("unique") is True:
            window = f"row_number() OVER (PARTITION BY {_typed(field, f'c{number}')} ORDER BY _ord)"
            parts.append(
                f"SELECT _ord, {number} AS field, c{number} AS cell FROM (SELECT _ord, c{number}, {window} AS seen "
                f"FROM {view} WHERE NOT _blank AND c{number} IS NOT NULL) WHERE seen > 1"
            )
    key = [names.index(k) for k in model.primary_key if k in names]
    if key and len(key) == len(model.primary_key):
        columns = ", ".join(_typed(model.fields[k], f"c{k}") for k in key)
        some_value = " OR ".join(f"c{k} IS NOT NULL" for k in key)
        parts.append(
            f"SELECT _ord, -1, NULL FROM (SELECT _ord, row_number() OVER (PARTITION BY {columns} ORDER BY _ord) AS seen FROM {view} "
            f"WHERE NOT _blank AND ({some_value})) WHERE seen > 1"
        )
    if not parts:
        return
    for index, number, cell in connection.execute(
        " UNION ALL ".join(parts) + " ORDER BY 1, 2"
    ).fetchall():
        if number < 0:
            yield _finding(model, table, index, "primary-key", ", ".join(model.primary_key))
        else:
            yield _finding(model, table, index, "unique-error", model.fields[number]["name"], cell)


def _foreign_keys(
    connection,
    position: int,
    model: TableModel,
    table: Table,
    tables: dict[str, Table],
    whole: Model,
) -> Iterator[Finding | TableProblem]:
    """Every row whose foreign key matches no row of the referenced table: one anti-join per key, in one query."""
    parts: list[str] = []
    checked: list[ForeignKey] = []
    for fk in model.foreign_keys:
        target = whole.tables.get(fk.target)
        if target is None:
            yield TableProblem(
                model.name,
                "resource-error",
                f"the foreign key {', '.join(fk.fields)} refers to the resource {fk.target!r}, which the package does not have",
            )
            continue
        if fk.target not in tables:
            continue  # the referenced table is not checked (unreadable, or its header is wrong): nothing sound to compare with
        mine, theirs = [f.get("name") for f in model.fields], [f.get("name") for f in target.fields]
        if not set(fk.fields) <= set(mine) or not set(fk.target_fields) <= set(theirs):
            continue  # frictionless skips such a key; schema-profile reports it
        source = [mine.index(name) for name in fk.fields]
        referenced = [theirs.index(name) for name in fk.target_fields]
        matches = " AND ".join(
            f"{_typed(target.fields[r], f'g.c{r}')} IS NOT DISTINCT FROM {_typed(model.fields[s], f's.c{s}')}"
            for s, r in zip(source, referenced, strict=True)
        )
        some_value = " OR ".join(f"s.c{s} IS NOT NULL" for s in source)
        some_target = " OR ".join(f"g.c{r} IS NOT NULL" for r in referenced)
        shown = "concat_ws(', ', " + ", ".join(f"coalesce(s.c{s}, '')" for s in source) + ")"
        parts.append(
            f"SELECT s._ord, {len(checked)} AS fk, {shown} AS cells FROM {_view(position)} s WHERE NOT s._blank AND ({some_value}) "
            f"AND NOT EXISTS (SELECT 1 FROM {_view(list(tables).index(fk.target))} g WHERE ({some_target}) AND {matches})"
        )
        checked.append(fk)
    if not parts:
        return
    for index, number, shown in connection.execute(
        " UNION ALL ".join(parts) + " ORDER BY 1, 2"
    ).fetchall():
        fk = checked[number]
        yield _finding(
            model, table, index, "foreign-key", ", ".join(fk.fields), shown, reference=fk
        )
