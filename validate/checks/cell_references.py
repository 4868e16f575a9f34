"""cell-references: what a cell cites is in the package.

- every row ID mentioned in a `notes` or `note` cell exists. The kinds of ID are read from
  the schemas: each table whose primary key is one field with a `pattern` constraint
  (`^clm-[0-9]{3}$`, `^doc-[a-z0-9]+(-[a-z0-9]+)*$`, ...) contributes that pattern, so a
  new table's IDs are recognised without changing this check;
- every path cited in any cell that names a file of the package (its first folder is a
  folder of the package, e.g. `docs/research/x.md`, `sources/y.txt`, `data/z.csv`) exists
  as a file inside the package; a path that climbs out (`../x.md`) or is absolute
  (`/x.md`) can never be in the package. A path whose first folder is not one of the
  package's (a file of another repository, named as such) is not a citation of this
  package and is left alone.

PASS: notes "Also stated as claim clm-084 (docs/research/fact-checks-2026-11-27.md §2)." with clm-084 and that file present
FAIL: notes "see qot-099"  ->  unknown-id
FAIL: notes "see docs/research/gone.md"  ->  missing-file
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import regex

from ..csvio import Table
from ..errors import Code, Error, Place
from ..package import Package, UnsafePath

ID = "cell-references"
SUMMARY = "Row IDs named in notes exist, and every package file a cell cites is in the package."

# The ID patterns come from the package's own schemas, so a stranger's package could give one
# that backtracks for ever; each search gets this many seconds, and a kind that runs out is reported.
PATTERN_SECONDS = 0.5

NOTE_FIELDS = ("notes", "note")
# A path: segments of file-name characters joined by slashes, ending in a file extension; not
# part of a longer token (a URL's path, a domain, a word), optionally climbing or absolute.
PATH = re.compile(r"(?<![\w/.:@~-])((?:\.\./)*/?[A-Za-z0-9_-]+(?:/[A-Za-z0-9_.~-]+)+\.[A-Za-z0-9]{1,5})(?![\w/])")
# The body of a primary-key pattern: a literal lowercase prefix, a hyphen, then the rest.
ID_PATTERN = re.compile(r"^\^([a-z]+-.*)\$$")
# Where an absolute path can start (PATH's look-behind, for RE2, which has none): a cell without it, without
# `../` and without `<a folder of the package>/` cites no path that is checked (path_hints).
ABSOLUTE_PATH_START = r"(?:^|[^\w/.:@~-])/"
# The folders of the package layout: a citation into them is checked even where a small package lacks the folder.
LAYOUT_FOLDERS = frozenset({"data", "docs", "schemas", "sources"})

CODES = {
    "unknown-id": Code("A notes or note cell names a row ID (clm-…, doc-…, ...) that is not a row of its table.",
                       "Correct the ID, or add the row it means."),
    "missing-file": Code("A cell cites a file of the package (docs/…, sources/…, data/…) that the package does not hold, or a path that "
                         "leaves the package.", "Cite a file the package holds (e.g. under docs/research/), a row ID, or a public address."),
    "slow-pattern": Code("A table's primary-key pattern takes too long to search a note, so that table's IDs were not looked for in notes.",
                         "Simplify the primary-key pattern in the table's schema (a literal prefix and a simple tail)."),
}


def id_kinds(package: Package) -> dict[str, tuple[str, regex.Pattern[str], set[str] | None]]:
    """Return {table: (literal prefix, mention regex, its IDs or None when unreadable)} from the schemas' primary-key patterns.

    Every mention contains the prefix (`clm-`), so a cell without it is not searched."""
    kinds = {}
    for resource in package.resources:
        schema = resource.schema if isinstance(resource.schema, dict) else {}
        key = schema.get("primaryKey")
        key = key[0] if isinstance(key, list) and len(key) == 1 else key
        fields = listed if isinstance(listed := schema.get("fields"), list) else []
        field = next((f for f in fields if isinstance(f, dict) and f.get("name") == key), None)
        pattern = (field or {}).get("constraints", {}).get("pattern") if isinstance((field or {}).get("constraints"), dict) else None
        match = ID_PATTERN.match(pattern) if isinstance(pattern, str) else None
        if match is None or not isinstance(key, str):
            continue
        try:
            mention = regex.compile(rf"(?<![\w/.-])(?:{match.group(1)})(?!\w)")
        except (regex.error, RecursionError, OverflowError):
            continue  # a broken pattern is reported by the schema checks
        ids = set(resource.table.column(key)) if resource.table is not None else None
        body = match.group(1)
        # a literal prefix every mention holds; none when an alternation or an inline flag could let a mention do without it
        prefix = "" if "|" in body or "(?" in body else body.split("-", 1)[0] + "-"
        kinds[resource.name] = (prefix, mention, ids)
    return kinds


def cited_paths(cell: str) -> list[str]:
    """PATH.findall(cell), searched only in the white-space-separated words that hold a slash: no match holds white
    space, and white space is neither a character PATH's look-arounds refuse nor one it takes (a third of the time)."""
    return [path for word in cell.split() if "/" in word for path in PATH.findall(word)]


def path_hints(folders: frozenset[str] | set[str]) -> frozenset[str]:
    """What a cell holds when PATH finds in it a path this check looks at: `../`, or a package folder and a slash
    (an absolute path is found by ABSOLUTE_PATH_START). A URL holds none of them, unless a folder's name is in it."""
    return frozenset({"../"} | {f"{folder}/" for folder in folders})


def package_folders(package: Package) -> frozenset[str] | set[str]:
    """The top-level folders of the package (hidden ones excepted) and of its layout: where its files live."""
    try:
        return LAYOUT_FOLDERS | {entry.name for entry in package.root.iterdir() if entry.is_dir() and not entry.name.startswith(".")}
    except OSError:
        return set(LAYOUT_FOLDERS)


def check(package: Package) -> Iterator[Error]:
    """Yield an error for each unknown ID in a note and each cited package file that is missing."""
    kinds = id_kinds(package)
    folders = package_folders(package)
    # only a note with an ID kind's prefix can hold an ID, and only a cell with a path hint a path that is checked
    paths = path_hints(folders)
    notes = paths | {prefix for prefix, _, _ in kinds.values()}
    too_slow: set[str] = set()
    resolved: dict[str, str | None] = {}  # cited path -> why it is not a package file (None: it is); a corpus cites the same files again and again
    for resource in package.resources:
        if resource.table is None:
            continue
        table = resource.table
        key_field = table.header[0] if table.header else ""
        wanted = {field: notes if field in NOTE_FIELDS else paths for field in table.header if field != key_field}
        for index, field, cell in table.cells_holding(wanted, ABSOLUTE_PATH_START):
            if field in NOTE_FIELDS:
                for name, (prefix, mention, ids) in kinds.items():
                    if name in too_slow or prefix not in cell:
                        continue
                    try:
                        mentions = [m.group(0) for m in mention.finditer(cell, timeout=PATTERN_SECONDS)]
                    except TimeoutError:
                        too_slow.add(name)
                        yield Error.at(Place(resource.path, *_line_and_row(table, index)), field, "slow-pattern",
                                       f"the ID pattern of {name} takes too long to search this {field} cell; IDs of {name} were not looked for in notes.",
                                       hint=f"Simplify the primary-key pattern in the schema of {name} (a literal prefix and a simple tail).")
                        continue
                    for cited in dict.fromkeys(mentions):
                        if ids is not None and cited not in ids:
                            yield Error.at(Place(resource.path, *_line_and_row(table, index)), field, "unknown-id", f"{field} names {cited}, which is not a row of {name}.",
                                           hint=f"Correct the ID, or add the {name} row it means.")
            if "/" not in cell:
                continue  # every path PATH finds has a slash
            for cited in dict.fromkeys(cited_paths(cell)):
                outside = cited.startswith(("/", "../"))
                if not outside and cited.split("/", 1)[0] not in folders:
                    continue
                if cited not in resolved:
                    resolved[cited] = _not_a_package_file(package, cited, outside)
                if resolved[cited]:
                    yield Error.at(Place(resource.path, *_line_and_row(table, index)), field, "missing-file", f"{field} cites {cited}, {resolved[cited]}.",
                               hint="Cite a file the package holds (e.g. under docs/research/), a row ID, or a public address.")


def _line_and_row(table: Table, index: int) -> tuple[int, int]:
    """Where record `index` is, asked only for an error (a table DuckDB read counts its lines on the first ask)."""
    row, line = table.place(index)
    return line, row


def _not_a_package_file(package: Package, cited: str, outside: bool) -> str | None:
    """Why `cited` is not a file of the package, or None when it is one."""
    if outside:
        return "outside the package"
    try:
        package.inside(cited)
    except UnsafePath as error:
        return {"missing-file": "which the package does not hold", "not-a-file": "not a file of the package"}.get(error.code, "outside the package")
    return None
