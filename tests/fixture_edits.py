"""Apply the `edits` of a fixture case to a copy of its base package (the format: fixtures/README.md).

A CSV edit names rows by their first cell (the table's ID) and cells by column name, and
writes the table back as the package's canonical CSV (UTF-8, LF, minimal quoting); a JSON
edit is an RFC 6902 JSON Patch whose pointers are written as lists of reference tokens
(`["fields", 2, "name"]`), applied by `jsonpatch`, written back with two-space indents;
a text edit replaces one exact passage. An edit that does not fit the file it names (an
unknown row, column or passage, a failed patch `test`) raises, so a case cannot silently
stop testing what it says.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonpatch
from jsonpointer import JsonPointer


def _pointers(op: dict) -> dict:
    """The operation with its `path` and `from` turned from the list of reference tokens the cases use
    (`["fields", 2, "name"]`) into the JSON Pointer jsonpatch reads (RFC 6901 escaping by `jsonpointer`)."""
    converted = dict(op)
    for key in ("path", "from"):
        if key in op:
            if not isinstance(op[key], list):
                raise ValueError(
                    f'{key} {op[key]!r}: write a JSON Pointer as its list of reference tokens, e.g. ["fields", 2, "name"]'
                )
            converted[key] = JsonPointer.from_parts(op[key]).path
    return converted


def apply_edits(root: Path, edits: list[dict]) -> None:
    """Apply each edit, in order, to the package in `root`."""
    for edit in edits:
        if "csv" in edit:
            _edit_csv(root / edit["csv"], edit)
        elif "patch" in edit:
            file = root / edit["patch"]
            document = jsonpatch.apply_patch(
                json.loads(file.read_text(encoding="utf-8")), [_pointers(op) for op in edit["ops"]]
            )
            file.write_text(
                json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
        elif "text" in edit:
            file = root / edit["text"]
            old, new = edit["replace"]
            text = file.read_text(encoding="utf-8")
            if text.count(old) != 1:
                raise ValueError(
                    f"{edit['text']}: {old!r} occurs {text.count(old)} times, not once"
                )
            file.write_text(text.replace(old, new), encoding="utf-8")
        else:
            raise ValueError(f"unknown edit {edit}")


def _edit_csv(file: Path, edit: dict) -> None:
    """One CSV edit: `columns` (new header: reorder or drop), `rename`, `set` cells of `row`, `delete` a row, `insert` a row."""
    header, *rows = list(
        csv.reader(io.StringIO(file.read_text(encoding="utf-8"), newline=""), strict=True)
    )
    records = [dict(zip(header, row, strict=True)) for row in rows]
    if "columns" in edit:
        missing = set(edit["columns"]) - set(header)
        if missing:
            raise ValueError(f"{file.name} has no column {sorted(missing)}")
        header = list(edit["columns"])
    if "rename" in edit:
        for old, new in edit["rename"].items():
            header[header.index(old)] = new
            records = [
                {(new if name == old else name): value for name, value in record.items()}
                for record in records
            ]
    if "set" in edit:
        record = records[_index(records, header[0], edit["row"], file)]
        for column, value in edit["set"].items():
            if column not in header:
                raise ValueError(f"{file.name} has no column {column!r}")
            record[column] = value
    if "delete" in edit:
        del records[_index(records, header[0], edit["delete"], file)]
    if "insert" in edit:
        if set(edit["insert"]) != set(header):
            raise ValueError(
                f"the row inserted in {file.name} must give every column: {sorted(set(header) ^ set(edit['insert']))}"
            )
        at = (
            _index(records, header[0], edit["after"], file) + 1 if "after" in edit else len(records)
        )
        records.insert(at, edit["insert"])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([record[name] for name in header] for record in records)
    file.write_text(out.getvalue(), encoding="utf-8")


def _index(records: list[dict], id_column: str, row_id: str, file: Path) -> int:
    """Where the first row whose ID is `row_id` stands."""
    for index, record in enumerate(records):
        if record[id_column] == row_id:
            return index
    raise ValueError(f"{file.name} has no row {row_id!r}")
