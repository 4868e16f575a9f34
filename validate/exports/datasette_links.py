"""A Datasette plugin: a reference that Datasette leaves as plain text becomes a link to the row it names.

Datasette 0.65.5 links a declared foreign key on a table page but not on a row page (its open
issue #1592), and cannot link a polymorphic `target_id`, whose table is named by `target_table` in
the same row. This plugin renders both as Datasette renders a foreign key on a table page: the
referenced row's label (its `label_column`), linked, then the ID. The polymorphic references come
from metadata.json (`plugins` of the table, written by validate/exports/datasette.py). Every text
is escaped. Installed as an entry point of the package (pyproject.toml), so `datasette serve`
loads it with no option.
"""

from __future__ import annotations

import weakref

import markupsafe
from datasette import hookimpl
from datasette.utils import escape_sqlite, tilde_encode

from .datasette import PLUGIN

# Foreign keys by (database, table), per Datasette instance: asked once, not once per cell.
_KEYS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """A link for a reference Datasette shows as plain text; None (Datasette's own rendering) otherwise."""
    if value is None or value == "" or isinstance(value, (dict, bytes)) or table is None:
        return None  # a dict is a foreign key Datasette has expanded and links itself

    async def inner():
        target = await _target(datasette, database, table, column, row)
        if target is None:
            return None
        other, other_column = target
        db = datasette.get_database(database)
        label_column = await db.label_column_for_table(other)
        label = None
        if label_column:
            result = await db.execute(
                f"SELECT {escape_sqlite(label_column)} FROM {escape_sqlite(other)} "
                f"WHERE {escape_sqlite(other_column)} = ?",
                [value],
            )
            found = result.first()
            if found is None:
                return None  # no such row: the value stays text
            label = found[0]
        href = datasette.urls.row(database, other, tilde_encode(str(value)))
        shown = markupsafe.escape(str(value))
        if label is None or str(label) == str(value):
            return markupsafe.Markup(f'<a href="{markupsafe.escape(href)}">{shown}</a>')
        return markupsafe.Markup(
            f'<a href="{markupsafe.escape(href)}">{markupsafe.escape(str(label))}</a>&nbsp;<em>{shown}</em>'
        )

    return inner


async def _target(datasette, database: str, table: str, column: str, row) -> tuple[str, str] | None:
    """(table, column) that `column` of this row refers to, if it is a reference."""
    keys = _KEYS.setdefault(datasette, {})
    if (database, table) not in keys:
        db = datasette.get_database(database)
        outbound = await db.foreign_keys_for_table(table) if await db.table_exists(table) else []
        keys[database, table] = {
            fk["column"]: (fk["other_table"], fk["other_column"]) for fk in outbound
        }
    if column in keys[database, table]:
        return keys[database, table][column]
    config = datasette.plugin_config(PLUGIN, database=database, table=table) or {}
    reference = (config.get("references") or {}).get(column)
    if not reference:
        return None
    try:
        other = row[reference["table_field"]]
    except (IndexError, KeyError):
        return None  # the row shown has no table column (a view or a query without it)
    if other not in reference.get("targets", []):
        return None
    primary_keys = await datasette.get_database(database).primary_keys(other)
    return (other, primary_keys[0]) if len(primary_keys) == 1 else None
