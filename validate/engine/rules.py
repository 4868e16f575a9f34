"""Row rules as SQL: what a check declares, and how the runner runs it on the package's DuckDB connection.

A check declares each row rule as a `Rule`: its error code, the tables and columns it reads,
and one SQL query that returns exactly the failing rows, each with its physical line (`_line`),
its row (`_row`) and the values its message needs. There is no other implementation of the
rule: Python only words the message. As dbt tests and Soda checks do, the query is written
against names, not files:

- each table of the package is a view named after its resource, with the columns `_ord`,
  `_line`, `_row`, `_width` and its cells under their header names (a column a rule reads
  that the file lacks reads as '', as a record's missing cell does; a table the package lacks
  is an empty view);
- a check may declare relations its rules share (`RELATIONS`), made once per run as `shared.<name>`;
- `registry.*` holds what the schemas and the snapshots say (`validate/model.py`), per run:
  `records(table_name, id, _ord, _line, _row)` of every table with a one-column key,
  `keyed(table_name)` and `keys(table_name, key)` of those tables, `span_roles(table_name, role, required)`,
  `references(table_name, column_name, target_table, table_column)` (each declared single-column foreign
  key, and each table a polymorphic reference may name, with the column naming it), `referenced(target_table, id)`
  (the cells those references hold, under the table they point at),
  `verbatim(table_name, id, column_name, role, value, _line, _row)` (the cells that repeat a
  span's exact text), `snapshots(document_id, text_id, text)` and `inside_clusters(text_id, offset)`
  (the offsets of a snapshot that fall inside a grapheme cluster: per-document Python, once per
  distinct text).

Nothing from the package is pasted into SQL: names are quoted identifiers, values bound or
quoted literals of names the profile already constrains. A rule that reads a table the
package has but could not read is not run (resource-files says why).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import regex

from ..columnar import Ingested
from ..csvio import filled
from ..errors import Error, Place, Severity
from ..model import Model, from_package
from ..package import Package

Row = dict[str, Any]


@dataclass(frozen=True)
class Rule:
    """One row rule: the rows `sql` returns are the rows that fail it.

    `reads` names the tables (the first is the one whose rows are reported, unless the query returns
    `_table`) and, for each, the columns the query reads. `field` is the column an error points at, or
    a function of the row; `message` and `hint` word the error from the row's values."""

    code: str
    reads: Mapping[str, tuple[str, ...]]
    sql: str
    field: str | Callable[[Row], str]
    message: Callable[[Row, Package], str]
    hint: Callable[[Row], str] | None = None
    severity: Severity = "error"
    # a hint that needs the package too (a snapshot's text); used instead of `hint` when given
    package_hint: Callable[[Row, Package], str] | None = None

    def __post_init__(self) -> None:
        for (
            table,
            columns,
        ) in self.reads.items():  # the run's views give every column some rule reads
            _DECLARED_READS.setdefault(table, set()).update(columns)

    @property
    def table(self) -> str:
        """The table whose rows the rule reports (unless its query returns `_table`)."""
        return next(iter(self.reads))


# {table: columns} that the rules declared so far read (every check's, once its module is imported)
_DECLARED_READS: dict[str, set[str]] = {}
_SIMPLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


@dataclass
class Views:
    """The run's named views: the catalogue they live in, and the columns each view has."""

    catalog: str
    columns: dict[str, set[str]] = field(default_factory=dict)
    shared: set[str] = field(
        default_factory=set
    )  # the checks' relations made so far (schema `shared`)


def run(
    package: Package, rules: list[Rule], relations: Mapping[str, str] | None = None
) -> Iterator[Error]:
    """Run `rules` on the package's connection.

    `relations` are what the check's rules share ({name: SQL}): each is made once per run, as a table beside the views,
    so that an expensive step (a slice of each span's snapshot) is taken once, not once per rule."""
    store = package.views.columnar
    if store is None:
        return
    views = _prepare(package)
    for name, sql in (relations or {}).items():
        if name not in views.shared:
            views.shared.add(name)
            cursor = store.connection.cursor()
            try:
                cursor.execute(f"USE {views.catalog}.data")
                cursor.execute(f"CREATE TABLE {views.catalog}.shared.{_identifier(name)} AS {sql}")
            finally:
                cursor.close()
    for rule in rules:
        if any(
            (resource := package.resource(name)) is not None and resource.table is None
            for name in rule.reads
        ):
            continue  # a table the package has but could not read: resource-files says why, and nothing sound can be said here
        cursor = store.connection.cursor()
        try:
            cursor.execute(f"USE {views.catalog}.data")
            result = cursor.execute(rule.sql)
            names = [column[0] for column in result.description]
            while batch := result.fetchmany(1024):
                for values in batch:
                    row = dict(zip(names, values, strict=True))
                    table = row.get("_table") or rule.table
                    where = package.resource(table)
                    field_name = rule.field(row) if callable(rule.field) else rule.field
                    yield Error.at(
                        Place(
                            where.path if where else f"data/{table}.csv", row["_line"], row["_row"]
                        ),
                        field_name,
                        rule.code,
                        rule.message(row, package),
                        hint=(
                            rule.package_hint(row, package)
                            if rule.package_hint
                            else (rule.hint(row) if rule.hint else "")
                        ),
                        severity=rule.severity,
                    )
        finally:
            cursor.close()


def cursor(package: Package) -> Any:
    """A cursor on the run's connection, in its views' catalogue (`data`, `registry`), or None without DuckDB: for a
    check whose rows need Python before SQL can judge them (cell-references parses each distinct cell once). Close it."""
    store = package.views.columnar
    if store is None:
        return None
    views = _prepare(package)
    found = store.connection.cursor()
    found.execute(f"USE {views.catalog}.data")
    return found


def _prepare(package: Package) -> Views:
    """The run's views and registry, made once per package."""
    if package.views.rule_views is not None:
        return package.views.rule_views
    store = package.views.columnar
    assert store is not None
    connection = store.connection
    views = Views(store.catalog)
    connection.execute(f"CREATE SCHEMA {views.catalog}.data")
    connection.execute(f"CREATE SCHEMA {views.catalog}.registry")
    connection.execute(f"CREATE SCHEMA {views.catalog}.shared")
    wanted = _DECLARED_READS
    model = from_package(package)
    for table in {*wanted, *model.tables}:
        _view(
            package,
            views,
            table,
            wanted.get(table, set())
            | {name for f in _fields(model, table) if isinstance(name := f.get("name"), str)},
        )
    _registry(package, views)
    package.views.rule_views = views
    return views


def _connection(package: Package) -> Any:
    assert package.views.columnar is not None  # run() asks only of a package in DuckDB
    return package.views.columnar.connection


def _fields(model, table: str) -> tuple[dict, ...]:
    found = model.tables.get(table)
    return found.fields if found else ()


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _view(package: Package, views: Views, table: str, wanted: set[str]) -> None:
    """The view `data.<table>`: the table's cells under their header names (the last of a repeated name), '' where it has none."""
    if not _SAFE_NAME.match(table):
        return  # not a resource name the profile allows: no rule reads it
    resource = package.resource(table)
    loaded = resource.table if resource is not None else None
    source = loaded.source if loaded is not None and isinstance(loaded.source, Ingested) else None
    header = loaded.header if loaded is not None and source is not None else []
    last = {name: number for number, name in enumerate(header) if _SIMPLE_NAME.match(name)}
    names = sorted(
        set(last) | {name for name in wanted if isinstance(name, str) and _SIMPLE_NAME.match(name)}
    )
    cells = [
        f"c{last[name]} AS {_identifier(name)}"
        if name in last
        else f"''::VARCHAR AS {_identifier(name)}"
        for name in names
    ]
    columns = "".join(", " + cell for cell in cells)
    if source is not None:
        body = f"SELECT _ord, _line, _row, _width{columns} FROM {source.name}"
    else:
        empty = "NULL::BIGINT AS _ord, NULL::BIGINT AS _line, NULL::BIGINT AS _row, NULL::INTEGER AS _width"
        body = f"SELECT {empty}{columns} WHERE false"
    _connection(package).execute(f"CREATE VIEW {views.catalog}.data.{_identifier(table)} AS {body}")
    views.columns[table] = set(names)


def _registry(package: Package, views: Views) -> None:
    """What the schemas and snapshots say, as relations the rules join (see the module docstring)."""
    connection = _connection(package)
    model = from_package(package)
    at = f"{views.catalog}.registry"
    data = f"{views.catalog}.data"
    keyed = [
        name
        for name, table in model.tables.items()
        if _SAFE_NAME.match(name)
        and (key := model.key(name))
        and _SIMPLE_NAME.match(key)
        and (resource := package.resource(name)) is not None
        and resource.table is not None
    ]
    records = [
        f"SELECT {_literal(name)} AS table_name, {_identifier(model.key(name) or '')} AS id, _ord, _line, _row FROM {data}.{_identifier(name)}"
        for name in keyed
    ]
    empty = "SELECT ''::VARCHAR AS table_name, ''::VARCHAR AS id, 0::BIGINT AS _ord, 0::BIGINT AS _line, 0::BIGINT AS _row WHERE false"
    connection.execute(f"CREATE VIEW {at}.records AS {' UNION ALL '.join(records) or empty}")
    connection.execute(
        f"CREATE TABLE {at}.keyed AS SELECT unnest(?::VARCHAR[]) AS table_name", [keyed]
    )
    connection.execute(
        f"CREATE TABLE {at}.keys AS SELECT unnest(?::VARCHAR[]) AS table_name, unnest(?::VARCHAR[]) AS key",
        [keyed, [model.key(name) for name in keyed]],
    )
    roles = [
        (name, role, role in table.required_span_roles)
        for name, table in model.tables.items()
        for role in sorted(table.span_roles)
    ]
    connection.execute(
        f"CREATE TABLE {at}.span_roles AS SELECT unnest(?::VARCHAR[]) AS table_name, unnest(?::VARCHAR[]) AS role, "
        "unnest(?::BOOLEAN[]) AS required",
        [[r[0] for r in roles], [r[1] for r in roles], [r[2] for r in roles]],
    )
    verbatim = [
        f"SELECT {_literal(name)} AS table_name, {_identifier(model.key(name) or '')} AS id, {_literal(column)} AS column_name, "
        f"{_literal(role)} AS role, {_identifier(column)} AS value, _line, _row FROM {data}.{_identifier(name)}"
        for name in keyed
        for column, role in model.tables[name].verbatim().items()
        if _SIMPLE_NAME.match(column) and column in views.columns.get(name, ())
    ]
    empty = (
        "SELECT ''::VARCHAR AS table_name, ''::VARCHAR AS id, ''::VARCHAR AS column_name, ''::VARCHAR AS role, ''::VARCHAR AS value, "
        "0::BIGINT AS _line, 0::BIGINT AS _row WHERE false"
    )
    connection.execute(f"CREATE VIEW {at}.verbatim AS {' UNION ALL '.join(verbatim) or empty}")
    _references(package, views, model)
    texts = snapshot_texts(package)
    distinct: dict[
        int, int
    ] = {}  # id(text) -> its number: documents that share a snapshot (a corpus's copies) share its clusters
    for text in texts.values():
        distinct.setdefault(id(text), len(distinct))
    # each distinct text once (a corpus's copies of one article share it), and the documents that have it
    unique = {id(text): text for text in texts.values()}
    connection.execute(
        f"CREATE TABLE {at}.texts AS SELECT unnest(?::BIGINT[]) AS text_id, unnest(?::VARCHAR[]) AS text",
        [[distinct[key] for key in unique], [_bindable(text) for text in unique.values()]],
    )
    connection.execute(
        f"CREATE TABLE {at}.document_texts AS SELECT unnest(?::VARCHAR[]) AS document_id, unnest(?::BIGINT[]) AS text_id",
        [list(texts), [distinct[id(text)] for text in texts.values()]],
    )
    connection.execute(
        f"CREATE VIEW {at}.snapshots AS SELECT d.document_id, d.text_id, t.text FROM {at}.document_texts d "
        f"JOIN {at}.texts t ON t.text_id = d.text_id"
    )
    inside = [
        (distinct[key], offset) for key, text in unique.items() for offset in _inside_clusters(text)
    ]
    connection.execute(
        f'CREATE TABLE {at}.inside_clusters AS SELECT unnest(?::BIGINT[]) AS text_id, unnest(?::BIGINT[]) AS "offset"',
        [[text_id for text_id, _ in inside], [offset for _, offset in inside]],
    )


def _references(package: Package, views: Views, model: Model) -> None:
    """`references` and `referenced`: what the schemas' foreign keys and polymorphic references point at, and the cells that do."""
    store = package.views.columnar
    assert store is not None
    connection = store.connection
    edges: list[tuple[str, str, str, str | None]] = [
        (fk.table, fk.fields[0], fk.target, None)
        for fk in model.foreign_keys()
        if len(fk.fields) == 1
    ]
    edges += [
        (p.table, p.id_field, target, p.table_field)
        for p in model.polymorphic
        for target in p.targets
    ]
    connection.execute(
        f"CREATE TABLE {views.catalog}.registry.references AS SELECT unnest(?::VARCHAR[]) AS table_name, "
        "unnest(?::VARCHAR[]) AS column_name, unnest(?::VARCHAR[]) AS target_table, unnest(?::VARCHAR[]) AS table_column",
        [
            [e[0] for e in edges],
            [e[1] for e in edges],
            [e[2] for e in edges],
            [e[3] for e in edges],
        ],
    )
    data = f"{views.catalog}.data"
    # a table without a view (a name the profile refuses) is left out: a rule that needs it can say so from `references`
    readable = [
        (table, column, target, naming)
        for table, column, target, naming in edges
        if _SAFE_NAME.match(target)
        and column in views.columns.get(table, ())
        and (naming is None or naming in views.columns.get(table, ()))
    ]
    cells = [
        f"SELECT {_literal(target)} AS target_table, {_identifier(column)} AS id FROM {data}.{_identifier(table)}"
        + (f" WHERE {_identifier(naming)} = {_literal(target)}" if naming is not None else "")
        for table, column, target, naming in readable
    ]
    empty = "SELECT ''::VARCHAR AS target_table, ''::VARCHAR AS id WHERE false"
    connection.execute(
        f"CREATE VIEW {views.catalog}.registry.referenced AS {' UNION ALL '.join(cells) or empty}"
    )


def snapshot_texts(package: Package) -> dict[str, str]:
    """{document_id: snapshot text} for documents whose snapshot is a readable resource, read once per package."""
    if package.views.snapshots is None:
        texts = {}
        by_path = {r.path: r for r in package.resources}
        table = package.table("documents")
        for record in (
            table.rows(["document_id", "snapshot_path"], filled("snapshot_path"))
            if table is not None
            else ()
        ):
            resource = by_path.get(record.cells.get("snapshot_path", ""))
            if resource is not None and resource.text is not None:
                texts[record.cells.get("document_id", "")] = resource.text
        package.views.snapshots = texts
    return package.views.snapshots


def _bindable(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a snapshot is read as UTF-8: it holds no lone surrogate
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def _inside_clusters(text: str) -> list[int]:
    """The offsets strictly inside a grapheme cluster of `text` (per-document Python: only where a cluster has several code points)."""
    return [
        offset
        for cluster in regex.finditer(r"\X", text)
        if cluster.end() - cluster.start() > 1
        for offset in range(cluster.start() + 1, cluster.end())
    ]
