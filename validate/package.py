"""Load a package once, safely, for every check and every helper command to read.

This module holds the reading side of the one path rule of the project (validate/safepath.py):
a path the package names is relative, not a URL, free of NUL and control characters, inside
the package folder by its own name (no part of it below the package folder is a symbolic
link: a link is reported, never followed, even to a file inside the package), not in
`.git/`, a regular file (not a folder, FIFO or device) and within the size limit. Nothing
else opens a file the package names.

Loading never raises for a problem in the data: a file that cannot be read or parsed
is recorded as a load problem (reported by the `resource-files` check) and the checks
that need it skip it. Only a descriptor that cannot be read at all stops the run
(CannotRun, exit 2). Nothing here writes, nothing is fetched.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources as package_data
from pathlib import Path
from typing import Any

from . import dialect
from .columnar import INGEST_ABOVE_LINES, MAX_COLUMNS, Candidate, FileCounts, Store
from .csvio import READ_FLAGS, SourceFile, Table, first_record, parse_csv
from .errors import CannotRun, Error, Place
from .jsonpos import line_for, value_lines
from .limits import DEFAULT, LimitExceeded, Limits
from .model import Model

# A URL or another scheme (`http:`, `file:`, `c:` on Windows): never a package path.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MAX_COMPONENT, _MAX_PATH = 255, 4096
_STANDARD_PROFILE = re.compile(r"https://datapackage\.org/profiles/\d+\.\d+/[a-z]+\.json")
_V2 = "https://datapackage.org/profiles/2.0/tableschema.json"


class UnsafePath(Exception):
    """A path the package names breaks the path rule; `code` says which part."""

    def __init__(self, code: str, message: str, hint: str = ""):
        super().__init__(message)
        self.code, self.hint = code, hint


class JSONProblem(Exception):
    """A JSON document cannot be used: not JSON, or past a limit; `line` when known."""

    def __init__(self, message: str, line: int | None = None, limit: LimitExceeded | None = None):
        super().__init__(message)
        self.line, self.limit = line, limit


@dataclass
class Resource:
    """One resource of the descriptor, with its file's bytes and parsed content when readable."""

    index: int
    descriptor: dict
    name: str
    path: str
    text: str | None = None  # a text resource's (snapshot's) decoded content; None for a table
    table: Table | None = None
    file: SourceFile | None = (
        None  # the file as its bytes were read (path resolved by the path rule, identity from that read)
    )
    schema: dict | None = None
    schema_path: str = ""
    _bytes: bytes | None = field(default=None, repr=False)
    _released: bool = False  # set by `release`: `data` reads the file again on each use
    _fingerprint: tuple[int, str] | None = field(default=None, repr=False)

    @property
    def data(self) -> bytes | None:
        """The file's bytes (None when it could not be read). Once released, each use reads the file again, if it is
        still the file that was read (None otherwise): a large table's bytes are not held for the whole run."""
        if self._released and self.file is not None:
            return self.file.read_again()
        return self._bytes

    @data.setter
    def data(self, value: bytes | None) -> None:
        self._bytes, self._released, self._fingerprint = value, False, None

    def fingerprint(self) -> tuple[int, str] | None:
        """(size, sha256 in hex) of the bytes as read at load; None when the file could not be read."""
        if self._fingerprint is None and self._bytes is not None:
            self._fingerprint = (len(self._bytes), hashlib.sha256(self._bytes).hexdigest())
        return self._fingerprint

    def release(self) -> None:
        """Let go of the bytes, keeping their fingerprint (`data` reads them again when asked)."""
        self.fingerprint()
        self._bytes, self._released = None, self.file is not None

    @property
    def is_table(self) -> bool:
        """True for a tabular (CSV) resource."""
        return self.descriptor.get("type") == "table" or self.path.endswith(".csv")


@dataclass
class Views:
    """What the checks derive from a loaded package once and share, read-only, for the rest of the run.

    Each is filled by the one function that computes it (named beside it) on first use."""

    model: Model | None = None  # model.from_package: keys and references read from the schemas
    usable_schemas: dict[str, dict | None] = field(
        default_factory=dict
    )  # checks._jsonschema.usable_schema, by resource name
    ids: dict[str, frozenset[str]] = field(
        default_factory=dict
    )  # checks._rows.known_ids, by table name
    snapshots: dict[str, str] | None = None  # checks._rows.snapshot_texts: {document_id: text}
    columnar: Store | None = (
        None  # package._read_large_tables: the run's DuckDB connection, holding every table
    )
    rule_views: Any = (
        None  # engine.rules._prepare: the named views and registry the checks' SQL rules read
    )


@dataclass
class Package:
    """The descriptor and its resources, loaded once."""

    root: Path
    descriptor_path: Path
    descriptor_text: str
    descriptor: dict
    json_lines: Mapping[str, int]
    resources: list[Resource] = field(default_factory=list)
    schema_texts: dict[str, str] = field(default_factory=dict)
    load_errors: list[Error] = field(default_factory=list)
    views: Views = field(default_factory=Views)  # what checks derive once and share (read-only)
    limits: Limits = DEFAULT
    unsafe_references: list[Error] = field(
        default_factory=list
    )  # frictionless is not run when any is set
    total_bytes: int = 0  # of the resource files read so far (limit `package-bytes`)
    engine: str = "duckdb"  # what checks the tables' rows: "duckdb" (compiled queries) or "frictionless" (the reference)
    profile: bool = True  # the descriptor declares this dataset's profile (`declares_profile`): every check applies

    @property
    def descriptor_file(self) -> str:
        """The descriptor's file name, as errors name it."""
        return self.descriptor_path.name

    @property
    def over_limit(self) -> bool:
        """True when some input was past a limit, so the package was not fully judged (exit 2)."""
        return any(e.code == "limit-exceeded" for e in self.load_errors)

    def descriptor_line(self, json_path: str) -> int | None:
        """Return the line of `json_path` (e.g. `$.resources[1].hash`) in the descriptor."""
        return line_for(self.json_lines, json_path)

    def close(self) -> None:
        """Release what the package holds outside Python (its DuckDB connection and the tables in it)."""
        if self.views.columnar is not None:
            self.views.columnar.close()

    def resource(self, name: str) -> Resource | None:
        """Return the resource called `name`, or None."""
        return next((r for r in self.resources if r.name == name), None)

    def table(self, name: str) -> Table | None:
        """Return the parsed table of resource `name`, or None when missing or unreadable."""
        resource = self.resource(name)
        return resource.table if resource else None

    def inside(self, relative: object) -> Path:
        """Apply the path rule to a path the package names; return the resolved file.

        Raises UnsafePath (code `unsafe-path`, `remote-reference`, `link-not-followed`,
        `missing-file` or `not-a-file`). The file is not opened here: `open_inside` reads it.
        """
        return resolve_inside(self.root, relative)

    def read_inside(self, relative: object, limit: str = "file-bytes") -> bytes:
        """Read a file the package names, after the path rule; raise UnsafePath or LimitExceeded."""
        return self.read_inside_file(relative, limit)[0]

    def read_inside_file(
        self, relative: object, limit: str = "file-bytes"
    ) -> tuple[bytes, SourceFile]:
        """`read_inside`, with the file's identity when it was read (so that a later reader can tell it is the same file)."""
        return read_regular_file(self.inside(relative), self.limits, limit, str(relative))


def resolve_inside(root: Path, relative: object) -> Path:
    """The path rule: `relative` names a regular file inside `root` by its own name (no link below `root`)."""
    if not isinstance(relative, str) or not relative:
        raise UnsafePath(
            "unsafe-path",
            "the path is empty or not a string",
            "Give a relative path such as data/claims.csv.",
        )
    shown = repr(relative[:200])
    if _SCHEME.match(relative) or relative.startswith("//"):
        raise UnsafePath(
            "remote-reference",
            f"{shown} is a URL or remote reference; nothing is fetched",
            "Put the file in the package and give its relative path.",
        )
    if (
        _CONTROL.search(relative)
        or relative.startswith(("/", "\\"))
        or "\\" in relative
        or len(relative) > _MAX_PATH
        or any(
            len(part.encode("utf-8", "surrogatepass")) > _MAX_COMPONENT
            for part in relative.split("/")
        )
    ):
        raise UnsafePath(
            "unsafe-path",
            f"{shown} is not a plain relative path inside the package",
            "Use a relative path with `/`, no control characters, no leading `/`, at most 255 bytes per name.",
        )
    plain = os.path.normpath(relative)
    if plain.split("/")[0] == ".git":
        raise UnsafePath(
            "unsafe-path",
            f"{shown} is inside .git/, git's own folder, not a file of the package",
            "Put the file in the package's own folders, e.g. data/ or sources/.",
        )
    _refuse_links(root, plain, shown)
    try:
        resolved = (root / plain).resolve()
        inside = resolved.is_relative_to(root)
        status = os.stat(resolved) if inside else None
    except FileNotFoundError:
        raise UnsafePath(
            "missing-file", f"{shown} does not exist", "Add the file, or correct the path."
        ) from None
    except (
        OSError,
        RuntimeError,
        ValueError,
        UnicodeError,
    ) as error:  # a link loop, a name the system refuses
        raise UnsafePath(
            "unsafe-path",
            f"{shown} cannot be resolved ({type(error).__name__})",
            "Use a plain relative path to a file inside the package, without links.",
        ) from None
    if not inside or status is None:
        raise UnsafePath(
            "unsafe-path",
            f"{shown} leaves the package",
            "Use a relative path inside the package folder, without `..`, links or URLs.",
        )
    if not stat.S_ISREG(status.st_mode):
        kind = (
            "a folder"
            if stat.S_ISDIR(status.st_mode)
            else "not a regular file (a FIFO, socket or device)"
        )
        raise UnsafePath("not-a-file", f"{shown} is {kind}", "Point the path at a regular file.")
    return resolved


def _refuse_links(root: Path, plain: str, shown: str) -> None:
    """Raise UnsafePath `link-not-followed` when a part of `plain` (normalised, below `root`) is a symbolic link.

    A link is not followed even when it points inside the package: what it names is not what the
    descriptor names (a committed `sources/a.txt -> ../.git/config` would have its target quoted)."""
    if plain == ".." or plain.startswith("../"):
        return  # leaves the package: refused as `unsafe-path` once resolved
    step = root
    for part in plain.split("/"):
        step = step / part
        try:
            status = os.lstat(step)
        except (OSError, ValueError):
            return  # missing or unnamable: the resolution below says which
        if stat.S_ISLNK(status.st_mode):
            where = step.relative_to(root).as_posix()
            route = "is" if where == plain else f"goes through {where!r},"
            raise UnsafePath(
                "link-not-followed",
                f"{shown} {route} a symbolic link; links are never followed",
                "Commit the file itself in place of the link.",
            )


def read_regular(path: Path, limits: Limits, limit: str, shown: str) -> bytes:
    """Read a regular file without blocking on a FIFO and without reading past limit `limit`."""
    return read_regular_file(path, limits, limit, shown)[0]


def read_regular_file(
    path: Path, limits: Limits, limit: str, shown: str
) -> tuple[bytes, SourceFile]:
    """`read_regular`, with the file as it was when read: its identity from the descriptor the bytes came through."""
    try:
        handle = os.open(path, READ_FLAGS)
    except OSError as error:
        raise UnsafePath("unreadable-file", f"cannot open {shown!r} ({error.strerror})") from None
    with os.fdopen(handle, "rb") as file:
        status = os.fstat(file.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise UnsafePath(
                "not-a-file",
                f"{shown!r} is not a regular file",
                "Point the path at a regular file.",
            )
        limits.check(limit, status.st_size, f"{shown} ({limit})")
        data = file.read(limits[limit] + 1)
    limits.check(limit, len(data), f"{shown} ({limit})")
    return data, SourceFile(path, SourceFile.identity_of(status))


def parse_json(text: str, limits: Limits) -> object:
    """Parse untrusted JSON within the limits: depth, number length, members per object; no NaN.

    Raises JSONProblem with a message for a contributor (and the line when known)."""

    def number(kind):
        def parse(token: str):
            limits.check("number-chars", len(token), f"a number of {len(token):,} characters")
            value = kind(token)
            if value in (float("inf"), float("-inf")):
                raise ValueError(f"the number {token[:20]}… is too large to represent")
            return value

        return parse

    def members(pairs: list) -> dict:
        limits.check("json-keys", len(pairs), f"an object with {len(pairs):,} members")
        return dict(pairs)

    def constant(name: str):
        raise ValueError(f"{name} is not a JSON value")

    try:
        value = json.loads(
            text,
            parse_int=number(int),
            parse_float=number(float),
            parse_constant=constant,
            object_pairs_hook=members,
        )
    except LimitExceeded as error:
        raise JSONProblem(str(error), limit=error) from None
    except RecursionError:
        too_deep = LimitExceeded("json-depth", "the nesting depth", None, limits["json-depth"])
        raise JSONProblem(str(too_deep), limit=too_deep) from None
    except json.JSONDecodeError as error:
        raise JSONProblem(
            f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}",
            error.lineno,
        ) from None
    except ValueError as error:
        raise JSONProblem(f"not valid JSON: {error}") from None
    depth = json_depth(value)
    if depth > limits["json-depth"]:
        too_deep = LimitExceeded("json-depth", "the nesting depth", depth, limits["json-depth"])
        raise JSONProblem(str(too_deep), limit=too_deep)
    return value


def json_depth(value: object) -> int:
    """The nesting depth of a parsed JSON value (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        deepest = max(deepest, depth + 1)
        stack.extend((child, depth + 1) for child in item if isinstance(child, (dict, list)))
    return deepest


def load(path: str | Path, limits: Limits = DEFAULT) -> Package:
    """Load the package whose descriptor is `path` (a datapackage.json or its folder)."""
    path = Path(path)
    try:
        if path.is_dir() and path.suffix == ".json":
            raise CannotRun(
                f"{path} is a folder, not a file. Give the path of a datapackage.json or of its folder."
            )
        if path.is_dir():
            path = path / "datapackage.json"
        if not path.exists():
            raise CannotRun(
                f"{path} does not exist. Give the path of a datapackage.json or of its folder."
            )
        if not path.is_file():
            raise CannotRun(
                f"{path} is not a file. Give the path of a datapackage.json or of its folder."
            )
        raw = read_regular(path, limits, "descriptor-bytes", path.name)
    except (OSError, ValueError) as error:  # a name the system refuses (NUL, too long)
        if isinstance(error, LimitExceeded):
            raise CannotRun(f"{path}: {error}") from None
        raise CannotRun(f"cannot read {path}: {error}") from None
    except UnsafePath as error:
        raise CannotRun(f"cannot read {path}: {error}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CannotRun(
            f"{path} is not UTF-8 text (bad byte at position {error.start}). Save it as UTF-8."
        ) from None
    try:
        descriptor = parse_json(text, limits)
    except JSONProblem as problem:
        hint = (
            ""
            if problem.limit
            else " Fix the JSON syntax there (a missing comma, quote or bracket is the usual cause)."
        )
        raise CannotRun(
            f"{path} is {problem}.{hint}" if not problem.limit else f"{path}: {problem}"
        ) from None
    if not isinstance(descriptor, dict):
        raise CannotRun(
            f"{path} must hold a JSON object ({{...}}), not a {type(descriptor).__name__}."
        )
    package = Package(
        path.parent.resolve(),
        path.resolve(),
        text,
        descriptor,
        value_lines(text),
        limits=limits,
        profile=declares_profile(descriptor),
    )
    resources = descriptor.get("resources")
    if isinstance(resources, list):
        large: list[
            tuple[Resource, Candidate]
        ] = []  # tables DuckDB is offered, after every file is read
        try:
            limits.check("resources", len(resources), "the number of resources")
        except LimitExceeded as error:
            package.load_errors.append(
                Error.at(
                    Place(package.descriptor_file, package.descriptor_line("$.resources")),
                    "$.resources",
                    "limit-exceeded",
                    str(error),
                )
            )
            return package
        for index, item in enumerate(resources):
            if isinstance(item, dict):
                package.resources.append(_load_resource(package, index, item, large))
        _read_large_tables(package, large)
    package.unsafe_references = frictionless_references(package)
    package.load_errors.extend(package.unsafe_references)
    return package


# The descriptor property that declares this dataset's profile; its value is fixed by the profile itself.
PROFILE_PROPERTY = "conformsTo"


@cache
def profile_name() -> str:
    """The name a descriptor gives in `conformsTo` to declare this dataset's profile, read from the profile
    (validate/profiles/datapackage.profile.json), the one place that states it."""
    folder = package_data.files(__name__.rpartition(".")[0]) / "profiles"
    profile = json.loads(folder.joinpath("datapackage.profile.json").read_text(encoding="utf-8"))
    return profile["properties"][PROFILE_PROPERTY]["const"]


def declares_profile(descriptor: Mapping[str, Any]) -> bool:
    """True when the descriptor declares this dataset's profile (`"conformsTo": profile_name()`).

    Such a package is held to the profile and to every domain check; any other package is
    checked against the Data Package standard only (runner.STANDARD_CHECKS)."""
    return descriptor.get(PROFILE_PROPERTY) == profile_name()


def _load_resource(
    package: Package, index: int, descriptor: dict, large: list[tuple[Resource, Candidate]]
) -> Resource:
    name = given if isinstance(given := descriptor.get("name"), str) else f"resources[{index}]"
    relative = path if isinstance(path := descriptor.get("path"), str) else ""
    resource = Resource(index, descriptor, name, relative)
    where = f"$.resources[{index}].path"

    def problem(
        code: str, message: str, hint: str = "", file: str = package.descriptor_file, line=None
    ) -> Resource:
        line = line if file != package.descriptor_file else package.descriptor_line(where)
        package.load_errors.append(
            Error.at(
                Place(file, line),
                where if file == package.descriptor_file else "",
                code,
                message,
                hint=hint,
            )
        )
        return resource

    if not relative:
        return problem(
            "missing-path",
            f"Resource {name!r} has no `path`.",
            "Add the relative path of its file, e.g. data/claims.csv.",
        )
    try:
        resource.data, resource.file = package.read_inside_file(relative)
        package.total_bytes += len(resource.data)
        package.limits.check(
            "package-bytes",
            package.total_bytes,
            f"the resource files up to {relative!r} (package-bytes)",
        )
    except UnsafePath as error:
        if error.code == "unsafe-path":
            return problem(
                "unsafe-path",
                f"Resource {name!r} points outside the package ({relative!r}): {error}.",
                error.hint,
            )
        return problem(error.code, f"Resource {name!r}: {error}.", error.hint)
    except LimitExceeded as error:
        resource.data = None
        return problem("limit-exceeded", f"Resource {name!r}: {error}")
    try:
        text = resource.data.decode("utf-8")
    except UnicodeDecodeError as error:
        if resource.is_table and (found := dialect.foreign(resource.data)) is not None:
            return _foreign(package, resource, found, problem)
        line = resource.data.count(b"\n", 0, error.start) + 1
        return problem(
            "not-utf8",
            f"{relative} is not UTF-8: the byte at position {error.start} (line {line}) cannot be decoded.",
            "Save the file as UTF-8 (in Excel: 'CSV UTF-8'; in LibreOffice: character set 'Unicode (UTF-8)').",
            relative,
            line,
        )
    if resource.is_table and (found := dialect.foreign(resource.data, text)) is not None:
        return _foreign(package, resource, found, problem)
    if resource.is_table:
        _load_table(
            package, resource, text, large
        )  # a table keeps its records, not its text (a third of the memory of a large one)
    else:
        try:
            package.limits.check("snapshot-chars", len(text), f"{relative} (snapshot-chars)")
        except LimitExceeded as error:
            return problem("limit-exceeded", str(error), file=relative, line=1)
        resource.text = text
    return resource


def _foreign(package: Package, resource: Resource, found: dialect.Dialect, problem) -> Resource:
    """A table saved in another dialect: one error naming it, and the table unread (as an unreadable one is)."""
    message = dialect.foreign_message(resource.path, found)
    problem("foreign-dialect", message, dialect.FIX_HINT, resource.path, 1)
    _table_schema(package, resource)  # normalize converts it against its schema
    return resource


def _load_table(
    package: Package, resource: Resource, text: str, large: list[tuple[Resource, Candidate]]
) -> None:
    candidate = _large_table(package, resource)
    if (
        candidate is not None
    ):  # read by DuckDB, or by Python if DuckDB's reading is not proven, once every file is read
        large.append((resource, candidate))
        resource.release()  # a third of a large package's memory; the checks that need the bytes read them again, one file at a time
    elif _parse_table(package, resource, text):
        _table_schema(package, resource)


def _parse_table(package: Package, resource: Resource, text: str) -> bool:
    """Parse the table with Python's reader; False (and a load error) when it cannot be read."""
    text = text.removeprefix("\ufeff")  # a BOM is reported by the canonical-form check
    limits = package.limits
    try:
        resource.table = parse_csv(
            text, max_cell=limits["cell-chars"], max_columns=limits["csv-columns"]
        )
    except LimitExceeded as error:
        package.load_errors.append(
            Error.at(
                Place(resource.path, error.line or 1),
                "",
                "limit-exceeded",
                f"{resource.path}: {error}",
            )
        )
        return False
    except csv.Error as error:
        message = str(error)
        if "field larger than field limit" in message:
            message = f"a cell is larger than {limits['cell-chars']:,} characters (limit `cell-chars`; raise it with `--limit cell-chars=N`)"
        package.load_errors.append(
            Error.at(
                Place(resource.path),
                "",
                "unparsable-csv",
                f"{resource.path} cannot be read as CSV: {message}.",
                hint="Check for an unclosed quotation mark or a stray quote inside a cell.",
            )
        )
        return False
    if (
        not resource.table.uniform
        and (stray := dialect.stray_line(text, ",", len(resource.table.header)))
    ):  # a row another tool wrote: read as ',' it would be misread cell by cell, so the table is not read
        resource.table = None
        package.load_errors.append(
            Error.at(
                Place(resource.path, stray[0]),
                "",
                "mixed-dialect",
                dialect.mixed_message(resource.path, stray),
                hint=dialect.MIXED_HINT,
            )
        )
    return True


def _table_schema(package: Package, resource: Resource) -> None:
    """After a table is read: an empty file is reported, and its schema loaded."""
    if resource.table is not None and not resource.table.header:
        package.load_errors.append(
            Error.at(
                Place(resource.path, 1),
                "",
                "empty-csv",
                f"{resource.path} is empty: it has no header row.",
                hint="Put the header row (the column names of its schema) on line 1.",
            )
        )
    schema_ref = resource.descriptor.get("schema")
    if isinstance(schema_ref, dict):
        resource.schema = schema_ref
    elif isinstance(schema_ref, str):
        resource.schema_path = schema_ref
        _load_schema(package, resource, schema_ref)
    if isinstance(resource.schema, dict):
        _check_schema_limits(package, resource, resource.schema)


def _large_table(package: Package, resource: Resource) -> Candidate | None:
    """The table's file as DuckDB is offered it: more than INGEST_ABOVE_LINES line breaks, no BOM or CR, a regular
    file inside the package whose identity is recorded, with a header Python can read; None otherwise."""
    data, limits = resource.data, package.limits
    if (
        data is None
        or data.count(b"\n") <= INGEST_ABOVE_LINES
        or data.startswith(b"\xef\xbb\xbf")
        or b"\r" in data
    ):
        return None  # a small file is faster in Python; DuckDB's reader and Python's may split a BOM or a CR differently
    file = resource.file
    if (
        file is None
        or any(glob in str(file.path) for glob in "*?[{")
        or file.identity[2] != len(data)
    ):  # a glob: DuckDB would read a pattern
        return None  # (a size other than the bytes': the file grew while it was read)
    header = first_record(data, max_cell=limits["cell-chars"])
    if not header or len(header) > min(limits["csv-columns"], MAX_COLUMNS):
        return None  # Python's reader reports what is wrong, or reads a very wide file
    return Candidate(file, FileCounts.of(data), header, limits["cell-chars"])


def _read_large_tables(package: Package, large: list[tuple[Resource, Candidate]]) -> None:
    """Put every table in the run's one DuckDB connection: DuckDB reads the large files, and each it does not read as
    Python would is parsed by Python, as every other file was; then each table Python parsed is handed over."""
    try:
        store = Store([candidate.file for _, candidate in large])
    except (
        ImportError
    ):  # a Python without the pinned dependencies: the checks that need DuckDB say so
        return
    package.views.columnar = store
    readings = store.ingest([candidate for _, candidate in large])
    for (resource, candidate), ingested in zip(large, readings, strict=True):
        if ingested is not None:
            resource.table = Table(candidate.header, uniform=True, source=ingested)
        elif (data := resource.data) is None:
            package.load_errors.append(
                Error.at(
                    Place(resource.path),
                    "",
                    "unreadable-file",
                    f"{resource.path} changed while it was being read.",
                    hint="Validate the package again once nothing is writing to it.",
                )
            )
            continue
        elif not _parse_table(package, resource, data.decode("utf-8")):
            continue
        _table_schema(package, resource)
    for resource in package.resources:
        if resource.table is not None and resource.table.source is None:
            resource.table.source = store.add(resource.table.header, resource.table.records)


def _load_schema(package: Package, resource: Resource, schema_ref: str) -> None:
    where = f"$.resources[{resource.index}].schema"

    def problem(
        code: str,
        message: str,
        hint: str,
        file: str = package.descriptor_file,
        line: int | None = None,
    ) -> None:
        field = where if file == package.descriptor_file else ""
        line = package.descriptor_line(where) if file == package.descriptor_file else line
        package.load_errors.append(Error.at(Place(file, line), field, code, message, hint=hint))

    try:
        raw = package.read_inside(schema_ref, "descriptor-bytes")
    except UnsafePath as error:
        if error.code == "missing-file":
            return problem(
                "missing-schema",
                f"Resource {resource.name!r}: the schema file {schema_ref} does not exist.",
                "Add the schema file, or correct `schema`.",
            )
        if error.code == "not-a-file":
            return problem(
                "missing-schema", f"Resource {resource.name!r}: the schema {error}.", error.hint
            )
        return problem(
            error.code
            if error.code in ("remote-reference", "link-not-followed")
            else "unsafe-path",
            f"Resource {resource.name!r}: schema path {error}.",
            "Use a relative path inside the package folder, e.g. schemas/claims.schema.json.",
        )
    except LimitExceeded as error:
        return problem("limit-exceeded", f"Resource {resource.name!r}: schema {error}", "")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return problem(
            "unreadable-schema",
            f"Resource {resource.name!r}: the schema file {schema_ref} cannot be read as UTF-8 text ({type(error).__name__}).",
            "Save the schema as UTF-8 JSON.",
            schema_ref,
        )
    try:
        schema = parse_json(text, package.limits)
    except JSONProblem as error:
        if error.limit:
            return problem("limit-exceeded", f"{schema_ref}: {error}", "", schema_ref, error.line)
        return problem(
            "unreadable-schema",
            f"{schema_ref} is {error}.",
            "Fix the JSON syntax there (a missing comma, quote or bracket is the usual cause).",
            schema_ref,
            error.line,
        )
    if not isinstance(schema, dict):
        return problem(
            "unreadable-schema",
            f"{schema_ref} must hold a JSON object ({{...}}).",
            "Make the schema a JSON object with `fields`.",
            schema_ref,
            1,
        )
    resource.schema = schema
    package.schema_texts[schema_ref] = text


def _check_schema_limits(package: Package, resource: Resource, schema: dict) -> None:
    """Columns and enum sizes are bounded before any check walks them."""
    fields = schema.get("fields")
    file = resource.schema_path or package.descriptor_file
    try:
        if isinstance(fields, list):
            package.limits.check(
                "csv-columns", len(fields), f"the number of fields of {resource.name!r}"
            )
            for item in fields:
                constraints = item.get("constraints") if isinstance(item, dict) else None
                enum = constraints.get("enum") if isinstance(constraints, dict) else None
                if isinstance(enum, list):
                    package.limits.check(
                        "enum-values",
                        len(enum),
                        f"the enum of field {str(item.get('name'))[:80]!r} in {resource.name!r}",
                    )
    except LimitExceeded as error:
        resource.schema = None  # no check may walk it
        package.load_errors.append(Error.at(Place(file), "", "limit-exceeded", str(error)))


def frictionless_references(package: Package) -> list[Error]:
    """Every path and profile in the descriptor that frictionless would open or fetch, checked by the path rule.

    frictionless reads a resource's `path` (and `extrapaths`), a `schema` or `dialect` given as a
    path, and any `profile` that is not one of its built-in names (locally or over the network).
    It is only run when this returns no error."""
    problems: list[Error] = []

    def refuse(where: str, code: str, message: str, hint: str) -> None:
        problems.append(
            Error.at(
                Place(package.descriptor_file, package.descriptor_line(where)),
                where,
                code,
                message,
                hint=hint,
            )
        )

    def check_profile(where: str, value: object, builtin: tuple[str, ...]) -> None:
        if value is not None and value not in builtin:
            refuse(
                where,
                "remote-reference",
                f"{where} is {str(value)[:200]!r}: only the built-in profiles {', '.join(builtin)} are allowed; "
                "a profile path or URL would be read or fetched.",
                "Remove the profile or use a built-in name.",
            )

    def check_schema_url(where: str, value: object) -> None:
        if value is not None and not (
            isinstance(value, str) and _STANDARD_PROFILE.fullmatch(value)
        ):
            refuse(
                where,
                "remote-reference",
                f"{where} is {str(value)[:200]!r}, not a datapackage.org standard profile.",
                "Use https://datapackage.org/profiles/2.0/datapackage.json (or remove `$schema`).",
            )

    descriptor = package.descriptor
    check_profile("$.profile", descriptor.get("profile"), ("data-package", "tabular-data-package"))
    check_schema_url("$.$schema", descriptor.get("$schema"))
    if "profiles" in descriptor:
        refuse(
            "$.profiles",
            "remote-reference",
            "`profiles` is not supported: frictionless would read the first as a profile.",
            "Remove `profiles`.",
        )
    for resource in package.resources:
        item, at = resource.descriptor, f"$.resources[{resource.index}]"
        check_profile(
            f"{at}.profile", item.get("profile"), ("data-resource", "tabular-data-resource")
        )
        check_schema_url(f"{at}.$schema", item.get("$schema"))
        for key in ("profiles", "extrapaths", "data"):
            if key in item:
                refuse(
                    f"{at}.{key}",
                    "unsafe-path",
                    f"{at}.{key} is not allowed in this package.",
                    f"Remove `{key}`: every resource is one file named by `path`.",
                )
        for key in ("schema", "dialect"):
            value = item.get(key)
            if isinstance(value, (dict, list)):
                if _holds_reference(value):
                    refuse(
                        f"{at}.{key}",
                        "remote-reference",
                        f"{at}.{key} holds a `$ref`, `profile` or non-standard `$schema`.",
                        "Write the object out in full.",
                    )
            elif value is not None and not (
                key == "schema" and resource.is_table
            ):  # the loader has read a table's schema
                try:
                    package.inside(value)
                except UnsafePath as error:
                    refuse(f"{at}.{key}", error.code, f"{at}.{key}: {error}.", error.hint)
        if (
            resource.schema_path
            and isinstance(resource.schema, dict)
            and _holds_reference(resource.schema)
        ):
            problems.append(
                Error.at(
                    Place(resource.schema_path),
                    "",
                    "remote-reference",
                    f"{resource.schema_path} holds a `$ref`, `profile` or non-standard `$schema`.",
                    hint="Write the schema out in full, without references.",
                )
            )
    return problems


def _holds_reference(value: object) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if any(
                key in item for key in ("$ref", "profile", "profiles")
            ) or not _STANDARD_PROFILE.fullmatch(str(item.get("$schema", _V2))):
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
