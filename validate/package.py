"""Load a package once, safely, for every check to read.

Loading never raises for a problem in the data: a file that cannot be read or parsed
is recorded as a load problem (reported by the `resource-files` check) and the checks
that need it skip it. Only a descriptor that cannot be read at all stops the run
(CannotRun, exit 2). Nothing here writes, and no file outside the package folder is read.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from .csvio import MAX_CELL, Table, parse_csv
from .errors import CannotRun, Error
from .jsonpos import line_for, value_lines


@dataclass
class Resource:
    """One resource of the descriptor, with its file's bytes and parsed content when readable."""

    index: int
    descriptor: dict
    name: str
    path: str
    data: bytes | None = None
    text: str | None = None
    table: Table | None = None
    schema: dict | None = None
    schema_path: str = ""

    @property
    def is_table(self) -> bool:
        """True for a tabular (CSV) resource."""
        return self.descriptor.get("type") == "table" or self.path.endswith(".csv")


@dataclass
class Package:
    """The descriptor and its resources, loaded once."""

    root: Path
    descriptor_path: Path
    descriptor_text: str
    descriptor: dict
    json_lines: dict[str, int]
    resources: list[Resource] = field(default_factory=list)
    schema_texts: dict[str, str] = field(default_factory=dict)
    load_errors: list[Error] = field(default_factory=list)
    cache: dict = field(default_factory=dict)  # results shared between checks (the frictionless run)
    engine: str = "duckdb"  # what checks the tables' rows: "duckdb" (compiled queries) or "frictionless" (the reference)

    @property
    def descriptor_file(self) -> str:
        """The descriptor's file name, as errors name it."""
        return self.descriptor_path.name

    def descriptor_line(self, json_path: str) -> int | None:
        """Return the line of `json_path` (e.g. `$.resources[1].hash`) in the descriptor."""
        return line_for(self.json_lines, json_path)

    def resource(self, name: str) -> Resource | None:
        """Return the resource called `name`, or None."""
        return next((r for r in self.resources if r.name == name), None)

    def table(self, name: str) -> Table | None:
        """Return the parsed table of resource `name`, or None when missing or unreadable."""
        resource = self.resource(name)
        return resource.table if resource else None

    def safe_file(self, relative: str) -> Path | None:
        """Return the file for a package-relative path, or None if it would leave the package."""
        if not relative or relative.startswith(("/", "\\")) or "://" in relative:
            return None
        candidate = (self.root / relative).resolve()
        return candidate if candidate.is_relative_to(self.root) else None


def load(path: str | Path) -> Package:
    """Load the package whose descriptor is `path` (a datapackage.json or its folder)."""
    path = Path(path)
    if path.is_dir() and path.suffix == ".json":
        raise CannotRun(f"{path} is a folder, not a file. Give the path of a datapackage.json or of its folder.")
    if path.is_dir():
        path = path / "datapackage.json"
    if not path.exists():
        raise CannotRun(f"{path} does not exist. Give the path of a datapackage.json or of its folder.")
    if not path.is_file():
        raise CannotRun(f"{path} is not a file. Give the path of a datapackage.json or of its folder.")
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CannotRun(f"cannot read {path}: {error.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CannotRun(f"{path} is not UTF-8 text (bad byte at position {error.start}). Save it as UTF-8.") from None
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as error:
        raise CannotRun(
            f"{path} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}. "
            "Fix the JSON syntax there (a missing comma, quote or bracket is the usual cause)."
        ) from None
    if not isinstance(descriptor, dict):
        raise CannotRun(f"{path} must hold a JSON object ({{...}}), not a {type(descriptor).__name__}.")
    package = Package(path.parent.resolve(), path.resolve(), text, descriptor, value_lines(text))
    resources = descriptor.get("resources")
    if isinstance(resources, list):
        for index, item in enumerate(resources):
            if isinstance(item, dict):
                package.resources.append(_load_resource(package, index, item))
    return package


def _load_resource(package: Package, index: int, descriptor: dict) -> Resource:
    name = descriptor.get("name") if isinstance(descriptor.get("name"), str) else f"resources[{index}]"
    relative = descriptor.get("path") if isinstance(descriptor.get("path"), str) else ""
    resource = Resource(index, descriptor, name, relative)
    where = f"$.resources[{index}].path"

    def problem(code: str, message: str, hint: str = "", file: str = package.descriptor_file, line=None) -> Resource:
        line = line if file != package.descriptor_file else package.descriptor_line(where)
        package.load_errors.append(Error("resource-files", code, message, file, line, field=where if file == package.descriptor_file else "", hint=hint))
        return resource

    if not relative:
        return problem("missing-path", f"Resource {name!r} has no `path`.", "Add the relative path of its file, e.g. data/claims.csv.")
    file = package.safe_file(relative)
    if file is None:
        return problem("unsafe-path", f"Resource {name!r} points outside the package ({relative!r}).",
                       "Use a relative path inside the package folder, without `..`, links or URLs.")
    if not file.exists():
        return problem("missing-file", f"Resource {name!r}: the file {relative} does not exist.", "Add the file, or correct `path`.")
    if not file.is_file():
        return problem("not-a-file", f"Resource {name!r}: {relative} is a folder, not a file.", "Point `path` at a file.")
    try:
        resource.data = file.read_bytes()
    except OSError as error:
        return problem("unreadable-file", f"Resource {name!r}: cannot read {relative} ({error.strerror}).")
    try:
        resource.text = resource.data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = resource.data.count(b"\n", 0, error.start) + 1
        return problem("not-utf8", f"{relative} is not UTF-8: the byte at position {error.start} (line {line}) cannot be decoded.",
                       "Save the file as UTF-8 (in Excel: 'CSV UTF-8'; in LibreOffice: character set 'Unicode (UTF-8)').", relative, line)
    if resource.is_table:
        _load_table(package, resource)
    return resource


def _load_table(package: Package, resource: Resource) -> None:
    text = resource.text.removeprefix("\ufeff")  # a BOM is reported by the canonical-form check
    try:
        resource.table = parse_csv(text)
    except csv.Error as error:
        message = str(error)
        if "field larger than field limit" in message:
            message = f"a cell is larger than {MAX_CELL:,} characters"
        package.load_errors.append(Error("resource-files", "unparsable-csv", f"{resource.path} cannot be read as CSV: {message}.",
                                         resource.path, hint="Check for an unclosed quotation mark or a stray quote inside a cell."))
        return
    if not resource.table.header:
        package.load_errors.append(Error("resource-files", "empty-csv", f"{resource.path} is empty: it has no header row.",
                                         resource.path, 1, hint="Put the header row (the column names of its schema) on line 1."))
    schema_ref = resource.descriptor.get("schema")
    if isinstance(schema_ref, dict):
        resource.schema = schema_ref
    elif isinstance(schema_ref, str):
        resource.schema_path = schema_ref
        _load_schema(package, resource, schema_ref)


def _load_schema(package: Package, resource: Resource, schema_ref: str) -> None:
    where = f"$.resources[{resource.index}].schema"

    def problem(code: str, message: str, hint: str, file: str = package.descriptor_file, line: int | None = None) -> None:
        field = where if file == package.descriptor_file else ""
        line = package.descriptor_line(where) if file == package.descriptor_file else line
        package.load_errors.append(Error("resource-files", code, message, file, line, field=field, hint=hint))

    schema_file = package.safe_file(schema_ref)
    if schema_file is None:
        return problem("unsafe-path", f"Resource {resource.name!r}: schema path {schema_ref!r} leaves the package.",
                       "Use a relative path inside the package folder, e.g. schemas/claims.schema.json.")
    if not schema_file.is_file():
        return problem("missing-schema", f"Resource {resource.name!r}: the schema file {schema_ref} does not exist.",
                       "Add the schema file, or correct `schema`.")
    try:
        text = schema_file.read_text(encoding="utf-8")
        schema = json.loads(text)
    except (OSError, UnicodeDecodeError) as error:
        return problem("unreadable-schema", f"Resource {resource.name!r}: the schema file {schema_ref} cannot be read as UTF-8 text ({type(error).__name__}).",
                       "Save the schema as UTF-8 JSON.", schema_ref)
    except json.JSONDecodeError as error:
        return problem("unreadable-schema", f"{schema_ref} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.",
                       "Fix the JSON syntax there (a missing comma, quote or bracket is the usual cause).", schema_ref, error.lineno)
    if not isinstance(schema, dict):
        return problem("unreadable-schema", f"{schema_ref} must hold a JSON object ({{...}}).", "Make the schema a JSON object with `fields`.", schema_ref, 1)
    resource.schema = schema
    package.schema_texts[schema_ref] = text
