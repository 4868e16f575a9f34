"""table-frictionless: every row of every table meets its Table Schema, as frictionless judges it.

Types, formats, `required`, `unique`, `pattern`, `enum`, lengths, bounds, primary keys and
foreign keys (across tables). By default the schemas are compiled to DuckDB queries
(validate/engine), which report what frictionless 5.21 reports, at the same rows and fields
(docs/engine.md lists the few differences); `--engine frictionless` runs frictionless's own
row loop instead, as the reference. Either way each error is placed at the physical line
where its record starts (a quoted cell with a line break moves the next records down), and
hash and byte counts are left to the resource-files check.

PASS: claims.csv row with "quote_id" = "qot-004", and qot-004 exists in quotes.csv
FAIL: "quote_id" = "qot-999"  ->  foreign-key error at the physical line of that row
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Iterator

from ..csvio import Table
from ..engine.cells import full_pattern
from ..engine.compiler import Finding, TableProblem, pattern_problem
from ..errors import Code, Error, Place
from ..model import Model, from_package
from ..package import Package
from . import _frictionless
from ._cell_wording import constraint_message, constraint_name, type_message
from ._jsonschema import usable_schema

ID = "table-frictionless"
SUMMARY = "Every table meets its schema as frictionless judges it: types, formats, constraints, primary and foreign keys."

# Reported better elsewhere: resource-files verifies bytes and hashes itself.
_LEFT_TO_OTHER_CHECKS = {"hash-count", "byte-count"}
# Cells that someone (or a spreadsheet) wrote for "no value": named in the message.
_NO_VALUE_WORDS = {"nan", "none", "null", "na", "n/a", "nil", "undefined", "-"}
# "did you mean" for at most this many distinct missing IDs a run, each among at most so many candidates: difflib is not free
_SUGGESTED_IDS, _SUGGESTION_CANDIDATES = 20, 2000

_HINTS = {
    "type-error": "Write the value as the message shows (docs/data-dictionary.md describes each column, with an example).",
    "constraint-error": "Change the value so that it meets the rule named in the message.",
    "primary-key": "Each ID must be unique: give this row a new ID that is not used elsewhere (IDs are never reused).",
    "unique-error": "This column must not repeat a value: correct one of the two rows.",
    "foreign-key": "The ID must exist in the referenced table: correct it, or add the referenced row first.",
    "missing-cell": "The row has fewer cells than the header: add the missing commas or values.",
    "extra-cell": "The row has more cells than the header: a comma inside a value needs the value in double quotes.",
    "blank-row": "Delete the empty row.",
    "resource-error": "Correct the foreign key's `reference.resource` to the name of a resource of the package.",
    "engine-refused": "Rewrite the schema as the message says, or run with `--engine frictionless`.",
}

# none by name: it reads whatever tables the package has (validate/applies.py)
TABLES: tuple[str, ...] = ()

CODES = {
    "type-error": Code(
        "A cell's value is not of its column's type (a date that is not a date, text in a number column, ...).",
        _HINTS["type-error"],
    ),
    "constraint-error": Code(
        "A cell breaks a rule of its column: it is required but empty, or outside its pattern, enum, length or bounds.",
        _HINTS["constraint-error"],
    ),
    "primary-key": Code("A row repeats another row's ID (its primary key).", _HINTS["primary-key"]),
    "unique-error": Code(
        "A column that must not repeat a value repeats one (the primary key's own column is said once, as primary-key).",
        _HINTS["unique-error"],
    ),
    "foreign-key": Code(
        "A cell names an ID that does not exist in the table it refers to (said once per missing ID, with every line).",
        _HINTS["foreign-key"],
    ),
    "extra-cell": Code("A row has more cells than the header has columns.", _HINTS["extra-cell"]),
    "missing-cell": Code(
        "A row has fewer cells than the header has columns (one error per missing cell, which is not also called "
        "required but empty).",
        _HINTS["missing-cell"],
    ),
    "blank-row": Code("A row is empty.", _HINTS["blank-row"]),
    "resource-error": Code(
        "A foreign key refers to a resource that the package does not have, so its references cannot be checked.",
        _HINTS["resource-error"],
    ),
    "engine-refused": Code(
        "A schema uses a rule the DuckDB engine does not run (a pattern RE2 cannot run, say), so the table's rows were "
        "not checked by it.",
        _HINTS["engine-refused"],
    ),
    "not-run": Code(
        "The rows were not checked: a file or schema they depend on cannot be read, frictionless cannot open the package, or "
        "the table's header does not match its schema.",
        "Fix the errors the message names first, then run the validator again.",
    ),
}


def check(package: Package) -> Iterator[Error]:
    """Yield every row-level error of the tables, placed at its physical line."""
    tables, unchecked = _checkable(package)
    model = from_package(package)
    early = None
    if package.engine == "duckdb" and not any(_engine_refuses(model, name) for name in tables):
        # the engine runs while frictionless reads the descriptor in its child process (runner.py);
        # what frictionless says decides below whether these findings are reported at all
        try:
            from ..engine.compiler import findings

            early = list(findings(model, tables))
        except Exception:  # noqa: BLE001 - computed again below, where a failure is reported as it always was
            early = None
    outcome = _frictionless.outcome(package)
    if outcome.skipped_because:
        yield Error.at(
            Place(package.descriptor_file),
            "",
            "not-run",
            "The tables were not checked by frictionless because these files cannot be read safely or have errors: "
            f"{', '.join(outcome.skipped_because)}.",
            hint="Fix the resource-files and schema-profile errors first, then run the validator again.",
        )
        return
    if outcome.metadata_errors:
        yield Error.at(
            Place(package.descriptor_file),
            "",
            "not-run",
            "The tables were not checked by frictionless because it could not open the package.",
            hint="Fix the descriptor-frictionless errors first, then run the validator again.",
        )
        return
    yield from unchecked
    found: Iterable[Finding | TableProblem]
    if early is not None:
        found = early
    elif outcome.rows_checked or any(_engine_refuses(model, name) for name in tables):
        found = _reference_findings(package, _frictionless.run(package), tables)
    else:
        from ..engine.compiler import findings

        found = findings(model, tables)
    yield from _errors(package, model, tables, found)


def _checkable(package: Package) -> tuple[dict[str, Table], list[Error]]:
    """The tables whose rows can be checked, and a `not-run` error for each whose header does not match its schema."""
    tables: dict[str, Table] = {}
    unchecked = []
    for resource in package.resources:
        schema = usable_schema(package, resource)
        if resource.table is None or schema is None:
            continue
        if resource.table.header != [f["name"] for f in schema["fields"]]:
            # every row would be misread column by column: canonical-form names the header problem once
            unchecked.append(
                Error.at(
                    Place(resource.path, 1),
                    "",
                    "not-run",
                    f"The rows of {resource.path} were not checked because its header does not match its schema.",
                    hint="Fix the header (see the canonical-form error), then run the validator again.",
                )
            )
            continue
        tables[resource.name] = resource.table
    return tables, unchecked


def _engine_refuses(model: Model, name: str) -> bool:
    from ..engine.compiler import unsupported

    return unsupported(model.tables[name]) is not None


def _reference_findings(
    package: Package, outcome: _frictionless.Outcome, tables: dict[str, Table]
) -> Iterator[Finding | TableProblem]:
    """frictionless's errors (patterns taken out) as Findings, and the patterns checked in RE2."""
    report = outcome.report
    if report is None:
        return
    model = from_package(package)
    for task in report.tasks:
        table = tables.get(task.name)
        if table is None:
            continue  # not checked: its header or schema is reported elsewhere
        index_of_row = {record.row: index for index, record in enumerate(table.records)}
        for problem in task.errors:
            if problem.type in _LEFT_TO_OTHER_CHECKS:
                continue
            row = getattr(problem, "row_number", None)
            if row is None:
                yield TableProblem(task.name, problem.type, problem.note or problem.message)
                continue
            index = index_of_row.get(row, -1)
            record = table.records[index] if index >= 0 else None
            field = getattr(problem, "field_name", "") or ", ".join(
                getattr(problem, "field_names", [])
                or (model.tables[task.name].primary_key if problem.type == "primary-key" else [])
            )
            if problem.type == "primary-key" and (
                record is None
                or not any(record.cells.get(k) for k in model.tables[task.name].primary_key)
            ):
                continue  # the blank-row or required error says it; an all-empty key is only its echo
            values = ", ".join(map(str, getattr(problem, "field_cells", []) or []))
            keys = model.tables[task.name].foreign_keys if problem.type == "foreign-key" else ()
            reference = next((fk for fk in keys if ", ".join(fk.fields) == field), None)
            yield Finding(
                task.name,
                index,
                row,
                table.line_of_row(row) or 0,
                problem.type,
                field,
                values
                if problem.type == "foreign-key"
                else str(getattr(problem, "cell", "") or ""),
                getattr(problem, "note", ""),
                reference,
            )
        refused = pattern_problem(model.tables[task.name])
        if refused:
            yield refused
            continue
        yield from _patterns_in_re2(
            model,
            task.name,
            table,
            {(e.row_number, e.field_name) for e in task.errors if e.type == "type-error"},
        )


def _patterns_in_re2(model: Model, name: str, table: Table, type_errors: set) -> Iterator[Finding]:
    schema = model.tables[name]
    for field in schema.fields:
        pattern = schema.pattern(field.get("name", ""))
        if pattern is None or field.get("type", "string") != "string":
            continue
        compiled = full_pattern(pattern)
        for index, record in enumerate(table.records):
            cell = record.cells.get(field["name"], "")
            if (
                cell not in schema.missing_values
                and (record.row, field["name"]) not in type_errors
                and not compiled.search(cell)
            ):
                if 0 <= record.width <= schema.fields.index(field):
                    continue  # a missing cell: frictionless checks nothing in it
                yield Finding(
                    name,
                    index,
                    record.row,
                    record.line,
                    "constraint-error",
                    field["name"],
                    cell,
                    f'constraint "pattern" is "{pattern}"',
                )


def _errors(
    package: Package,
    model: Model,
    tables: dict[str, Table],
    found: Iterable[Finding | TableProblem],
) -> Iterator[Error]:
    """Turn findings into Errors with messages that say what to do."""
    by_key: dict[tuple, list[Finding]] = defaultdict(
        list
    )  # foreign-key findings, grouped to be reported with every place they occur
    for item in found:
        if isinstance(item, TableProblem):
            resource = package.resource(item.table)
            yield Error.at(
                Place(resource.path if resource else package.descriptor_file),
                "",
                item.code,
                f"{item.table}: {item.message}.",
                hint=_HINTS.get(item.code, ""),
            )
        elif item.code == "foreign-key":
            by_key[item.table, item.field, item.cell].append(item)
        elif not _said_elsewhere(model, tables, item):
            yield _error(package, model, tables, item)
    yield from _foreign_key_errors(package, model, tables, by_key)


def _said_elsewhere(model: Model, tables: dict[str, Table], item: Finding) -> bool:
    """True for a finding that repeats another at the same cell, so that one mistake is said once: `unique` on the
    primary key (the primary-key error says it), and `required` on a missing cell (the missing-cell error says it)."""
    schema = model.tables[item.table]
    if item.code == "unique-error":
        return [item.field] == list(schema.primary_key)
    if item.code == "constraint-error" and '"required"' in item.note and item.index >= 0:
        table = tables[item.table]
        if table.uniform:  # every record has all its cells
            return False
        names = [f.get("name") for f in schema.fields]
        width = table.records[item.index].width
        return item.field in names and 0 <= width <= names.index(item.field)
    return False


def _error(package: Package, model: Model, tables: dict[str, Table], item: Finding) -> Error:
    path = model.tables[item.table].path
    hint = _HINTS.get(item.code, "")
    field = model.tables[item.table].field(item.field) or {"name": item.field}
    if item.code == "type-error":
        message = type_message(field, item.cell)
    elif item.code == "constraint-error" and '"required"' in item.note:
        message = f"{item.field} is required but empty."
        if item.field in model.tables[item.table].filled_by_tool():
            message = f"{item.field} is empty: it is derived from the other columns, not typed in."
            hint = "Run `python -m validate fill` to compute it, then commit the result."
    elif item.code == "constraint-error":
        message = (
            constraint_message(field, constraint_name(item.note), item.cell)
            or f"{item.field} = {item.cell!r}: constraint error: {item.note}."
        )
    elif item.code == "primary-key":
        message = _repeated_key(model, tables[item.table], item)
    elif item.code == "unique-error":
        message = f"{item.field} = {item.cell!r} is already used in another row; this column must not repeat a value."
    elif item.code in ("extra-cell", "missing-cell"):
        more = "more" if item.code == "extra-cell" else "fewer"
        message = f"The row has {more} cells than the header has columns ({item.field or 'unnamed column'})."
    elif item.code == "blank-row":
        message = "The row is empty."
    else:
        message = f"{item.field}: {item.code}: {item.note}."
    if item.cell.strip().lower() in _NO_VALUE_WORDS and item.code in (
        "type-error",
        "constraint-error",
    ):
        message += f" {item.cell!r} is a placeholder for 'no value', not a value."
        hint = "Leave the cell empty when there is no value (if the column is required, find the value)."
    return Error.at(
        Place(path, item.line or None, item.row), item.field, item.code, message, hint=hint
    )


def _repeated_key(model: Model, table: Table, item: Finding) -> str:
    key = model.tables[item.table].primary_key
    record = table.records[item.index]
    values = tuple(record.cells.get(name, "") for name in key)
    earlier = next(
        (
            r.line
            for r in table.records[: item.index]
            if tuple(r.cells.get(n, "") for n in key) == values
        ),
        None,
    )
    return f"{item.field} = {', '.join(map(repr, values))} is already used" + (
        f" on line {earlier}." if earlier else "."
    )


def _foreign_key_errors(
    package: Package, model: Model, tables: dict[str, Table], by_key: dict[tuple, list[Finding]]
) -> Iterator[Error]:
    suggestions_left = _SUGGESTED_IDS
    known: dict[tuple, list[str]] = {}
    for (name, field, value), items in by_key.items():
        first = items[0]
        target = (
            f"{first.reference.target}.{', '.join(first.reference.target_fields)}"
            if first.reference
            else "the referenced table"
        )
        lines = [str(i.line) for i in items]
        places = (
            f"{model.tables[name].path} line{'s' if len(lines) > 1 else ''} {', '.join(lines[:10])}"
        )
        places += f" and {len(lines) - 10} more" if len(lines) > 10 else ""
        message = f"{field} = {value!r} is not an ID of {target}"
        message += f"; it is referenced {len(items)} times: {places}." if len(items) > 1 else "."
        if first.reference and len(first.reference.target_fields) == 1 and suggestions_left > 0:
            suggestions_left -= 1
            ids_key = (first.reference.target, first.reference.target_fields[0])
            if ids_key not in known:
                table = tables.get(ids_key[0])
                known[ids_key] = sorted(set(table.column(ids_key[1])) - {""}) if table else []
            close = _closest(known[ids_key], value)
            if close:
                message += f" Did you mean {close!r}?"
        for item in items:
            yield Error.at(
                Place(model.tables[name].path, item.line or None, item.row),
                item.field,
                "foreign-key",
                message,
                hint=_HINTS["foreign-key"],
            )


def _closest(ids: list[str], value: str) -> str | None:
    """The existing ID closest to `value`, among those that begin as it does (a typo seldom changes the start)."""
    start = value[: value.find("-") + 3] if "-" in value else value[:2]
    candidates = [i for i in ids if i.startswith(start)][:_SUGGESTION_CANDIDATES]
    found = difflib.get_close_matches(value, candidates, n=1, cutoff=0.6)
    return found[0] if found else None
