"""table-frictionless: the tables as frictionless validates them, with physical line numbers.

frictionless 5.21 checks types, formats, `required`, `unique`, `pattern`, `enum`,
`minimum`, primary keys and foreign keys (across tables). Its row numbers count records;
a quoted cell with a line break makes the record start on a later line, so each error
is given the physical line computed while reading the file. Hash and byte counts are
left to the resource-files check, which verifies them even when frictionless skips them.

PASS: claims.csv row with "quote_id" = "qot-004", and qot-004 exists in quotes.csv
FAIL: "quote_id" = "qot-999"  ->  foreign-key error at the physical line of that row
"""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import Error
from ..package import Package
from . import _frictionless
from ._jsonschema import usable_schema

ID = "table-frictionless"
SUMMARY = "Every table passes frictionless: types, formats, constraints, primary and foreign keys."

# Reported better elsewhere: resource-files verifies bytes and hashes itself.
_LEFT_TO_OTHER_CHECKS = {"hash-count", "byte-count"}

_HINTS = {
    "type-error": "Write the value in the column's type (see docs/data-dictionary.md).",
    "constraint-error": "Change the value so that it meets the rule named in the message.",
    "primary-key": "Each ID must be unique: give this row a new ID that is not used elsewhere (IDs are never reused).",
    "unique-error": "This column must not repeat a value: correct one of the two rows.",
    "foreign-key": "The ID must exist in the referenced table: correct it, or add the referenced row first.",
    "missing-cell": "The row has fewer cells than the header: add the missing commas or values.",
    "extra-cell": "The row has more cells than the header: a comma inside a value needs the value in double quotes.",
    "blank-row": "Delete the empty row.",
    "incorrect-label": "The header must list the schema's fields in order.",
    "missing-label": "The header must list the schema's fields in order.",
    "extra-label": "The header must list the schema's fields in order.",
    "duplicate-label": "Each column name must appear once in the header.",
}


def check(package: Package) -> Iterator[Error]:
    """Yield every frictionless error in the tables, placed at its physical line."""
    outcome = _frictionless.run(package)
    if outcome.skipped_because:
        yield Error(ID, "not-run", "The tables were not checked by frictionless because these files cannot be read safely or have errors: "
                    f"{', '.join(outcome.skipped_because)}.", package.descriptor_file,
                    hint="Fix the resource-files and schema-profile errors first, then run the validator again.")
    if outcome.metadata_errors:
        yield Error(ID, "not-run", "The tables were not checked by frictionless because it could not open the package.", package.descriptor_file,
                    hint="Fix the descriptor-frictionless errors first, then run the validator again.")
    report = outcome.report
    if report is None:
        return
    for task in report.tasks:
        table = package.table(task.name)
        resource = package.resource(task.name)
        schema = usable_schema(package, resource) if resource else None
        if table is not None and schema is not None and table.header != [f["name"] for f in schema["fields"]]:
            # every row would be misread column by column: canonical-form names the header problem once
            yield Error(ID, "not-run", f"The rows of {task.place} were not checked because its header does not match its schema.", task.place, 1,
                        hint="Fix the header (see the canonical-form error), then run the validator again.")
            continue
        for problem in task.errors:
            if problem.type in _LEFT_TO_OTHER_CHECKS:
                continue
            row = getattr(problem, "row_number", None)
            record = table.record_at(row) if table and row else None
            key = _key_fields(problem, resource)
            if problem.type == "primary-key" and (row in table.blank_rows or (record and not any(record.cells.get(k) for k in key))):
                continue  # the blank-row or required error says it; an all-empty key is only its echo
            line = table.line_of_row(row) if table and row else (1 if "label" in problem.type else None)
            field = getattr(problem, "field_name", "") or ", ".join(key)
            yield Error(ID, problem.type, _message(problem, field, key, record, table, task.name), task.place, line, row, field, _HINTS.get(problem.type, ""))


def _key_fields(problem, resource) -> list[str]:
    if getattr(problem, "field_names", None):
        return list(problem.field_names)
    if problem.type == "primary-key" and resource is not None and resource.schema:
        key = resource.schema.get("primaryKey", [])
        return [key] if isinstance(key, str) else list(key)
    return []


def _message(problem, field: str, key: list[str], record, table, table_name: str) -> str:
    cell = getattr(problem, "cell", None)
    if problem.type == "foreign-key":
        values = ", ".join(repr(v) for v in getattr(problem, "field_cells", []))
        return f"{field} = {values} is not an ID of {problem.reference_name or table_name}.{', '.join(problem.reference_field_names)}."
    if problem.type == "primary-key" and record is not None:
        values = ", ".join(repr(record.cells.get(name, "")) for name in key)
        earlier = next((r.line for r in table.records if r.row < record.row and all(r.cells.get(n) == record.cells.get(n) for n in key)), None)
        return f"{field} = {values} is already used" + (f" on line {earlier}." if earlier else ".")
    if problem.type == "unique-error":
        return f"{field} = {cell!r} is already used in another row; this column must not repeat a value."
    if problem.type in ("extra-cell", "missing-cell"):
        more = "more" if problem.type == "extra-cell" else "fewer"
        return f"The row has {more} cells than the header has columns ({field or 'unnamed column'})."
    if problem.type == "constraint-error" and 'constraint "required"' in problem.note:
        return f"{field} is required but empty."
    if cell is not None and field:
        return f"{field} = {cell!r}: {problem.title.lower()}: {problem.note}."
    return problem.message
