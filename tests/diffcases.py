"""Build the two sides of a diff fixture case: the minimal package, and a copy with the case's edits.

A case under fixtures/diff/<case>/case.json names the new side's `version` (and optionally
the old side's `old_version`) and a list of `edits`, each one small change to one file:
`json` files take `set`, `delete` or `append` at a path; `csv` files take `drop_column`,
`rename_column`, `drop_row` (by first cell) or `set_cell` [first cell, column, value]; `text`
files take `replace` [old, new] or `append`; `write` creates a file with `text`.
"""

from __future__ import annotations

import json
from pathlib import Path

from validate.csvio import parse_csv, render_csv
from validate.fill import fill_descriptor

from .conftest import FIXTURES, build_package

DIFF_CASES = FIXTURES / "diff"


def _walk(document, path: list):
    """Follow `path`; a name where a list of fields stands picks the field of that name (indices shift when a schema grows)."""
    for step in path[:-1]:
        document = (
            _named(document, step)
            if isinstance(step, str) and isinstance(document, list)
            else document[step]
        )
    last = path[-1]
    if isinstance(last, str) and isinstance(document, list):
        last = next(index for index, item in enumerate(document) if item.get("name") == last)
    return document, last


def _named(items: list, name: str):
    return next(item for item in items if isinstance(item, dict) and item.get("name") == name)


def apply_edit(root: Path, edit: dict) -> None:
    """Apply one edit of a case to the package in `root`."""
    if "json" in edit:
        file = root / edit["json"]
        document = json.loads(file.read_text(encoding="utf-8"))
        key = "set" if "set" in edit else "delete" if "delete" in edit else "append"
        parent, last = _walk(document, edit[key])
        if key == "set":
            parent[last] = edit["value"]
        elif key == "delete":
            del parent[last]
        else:
            parent[last].append(edit["value"])
        file.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    elif "csv" in edit:
        file = root / edit["csv"]
        table = parse_csv(file.read_text(encoding="utf-8"))
        header, rows = list(table.header), [dict(record.cells) for record in table.records]
        if "drop_column" in edit:
            header.remove(edit["drop_column"])
        if "rename_column" in edit:
            old, new = edit["rename_column"]
            header[header.index(old)] = new
            rows = [
                {(new if name == old else name): value for name, value in row.items()}
                for row in rows
            ]
        if "drop_row" in edit:
            rows = [row for row in rows if row[header[0]] != edit["drop_row"]]
        if "set_cell" in edit:
            key, column, value = edit["set_cell"]
            next(row for row in rows if row[header[0]] == key)[column] = value
        file.write_text(render_csv(header, rows), encoding="utf-8")
    elif "write" in edit:
        (root / edit["write"]).write_text(edit["text"], encoding="utf-8")
    elif "text" in edit:
        file = root / edit["text"]
        text = file.read_text(encoding="utf-8")
        if "replace" in edit:
            assert edit["replace"][0] in text, edit
            text = text.replace(*edit["replace"])
        text += edit.get("append", "")
        file.write_text(text, encoding="utf-8")
    else:
        raise ValueError(f"unknown edit {edit}")


def set_version(root: Path, version: str) -> None:
    """Set the descriptor's version, and refill bytes and hashes."""
    descriptor = root / "datapackage.json"
    document = json.loads(descriptor.read_text(encoding="utf-8"))
    document["version"] = version
    descriptor.write_text(
        json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    fill_descriptor(descriptor)


def build_pair(folder: Path, case: str) -> dict:
    """Create `folder`/old and `folder`/new for `case`; return the case's spec."""
    spec = json.loads((DIFF_CASES / case / "case.json").read_text(encoding="utf-8"))
    old, new = folder / "old", folder / "new"
    build_package(old)
    build_package(new)
    set_version(old, spec.get("old_version", "0.1.0"))
    for edit in spec["edits"]:
        apply_edit(new, edit)
    set_version(new, spec["version"])
    return spec
