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

The look-arounds of the ID and path expressions are Python's (`regex`, with a time limit for a
schema's pattern): SQL finds the cells that can cite something, Python reads each distinct value
once (a corpus repeats its notes), and SQL tells which IDs are no row (`registry.records`, so
only tables with a name and key the profiles allow are looked in) and reports each finding on
every row that holds the value.

PASS: notes "Also stated as claim clm-084 (docs/research/fact-checks-2026-11-27.md §2)." with clm-084 and that file present
FAIL: notes "see qot-099"  ->  unknown-id
FAIL: notes "see docs/research/gone.md"  ->  missing-file
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import regex

from ..engine.rules import cursor
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
PATH = re.compile(
    r"(?<![\w/.:@~-])((?:\.\./)*/?[A-Za-z0-9_-]+(?:/[A-Za-z0-9_.~-]+)+\.[A-Za-z0-9]{1,5})(?![\w/])"
)
# The body of a primary-key pattern: a literal lowercase prefix, a hyphen, then the rest.
ID_PATTERN = re.compile(r"^\^([a-z]+-.*)\$$")
# Where an absolute path can start (PATH's look-behind, for RE2, which has none): a cell without it, without
# `../` and without `<a folder of the package>/` cites no path that is checked (path_hints).
ABSOLUTE_PATH_START = r"(?:^|[^\w/.:@~-])/"
# The folders of the package layout: a citation into them is checked even where a small package lacks the folder.
LAYOUT_FOLDERS = frozenset({"data", "docs", "schemas", "sources"})

# none by name: it reads whatever tables the package has (validate/applies.py)
TABLES: tuple[str, ...] = ()

CODES = {
    "unknown-id": Code(
        "A notes or note cell names a row ID (clm-…, doc-…, ...) that is not a row of its table.",
        "Correct the ID, or add the row it means.",
    ),
    "missing-file": Code(
        "A cell cites a file of the package (docs/…, sources/…, data/…) that the package does not hold, or a path that "
        "leaves the package.",
        "Cite a file the package holds (e.g. under docs/research/), a row ID, or a public address.",
    ),
    "slow-pattern": Code(
        "A table's primary-key pattern takes too long to search a note, so that table's IDs were not looked for in notes.",
        "Simplify the primary-key pattern in the table's schema (a literal prefix and a simple tail).",
    ),
}


def id_kinds(package: Package) -> dict[str, tuple[str, regex.Pattern[str]]]:
    """Return {table: (literal prefix, mention regex)} from the schemas' primary-key patterns.

    Every mention contains the prefix (`clm-`), so a cell without it is not searched."""
    kinds = {}
    for resource in package.resources:
        schema = resource.schema if isinstance(resource.schema, dict) else {}
        key = schema.get("primaryKey")
        key = key[0] if isinstance(key, list) and len(key) == 1 else key
        fields = listed if isinstance(listed := schema.get("fields"), list) else []
        field = next((f for f in fields if isinstance(f, dict) and f.get("name") == key), None)
        pattern = (
            (field or {}).get("constraints", {}).get("pattern")
            if isinstance((field or {}).get("constraints"), dict)
            else None
        )
        match = ID_PATTERN.match(pattern) if isinstance(pattern, str) else None
        if match is None or not isinstance(key, str):
            continue
        try:
            mention = regex.compile(rf"(?<![\w/.-])(?:{match.group(1)})(?!\w)")
        except (regex.error, RecursionError, OverflowError):
            continue  # a broken pattern is reported by the schema checks
        body = match.group(1)
        # a literal prefix every mention holds; none when an alternation or an inline flag could let a mention do without it
        prefix = "" if "|" in body or "(?" in body else body.split("-", 1)[0] + "-"
        kinds[resource.name] = (prefix, mention)
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
        return LAYOUT_FOLDERS | {
            entry.name
            for entry in package.root.iterdir()
            if entry.is_dir() and not entry.name.startswith(".")
        }
    except OSError:
        return set(LAYOUT_FOLDERS)


@dataclass(frozen=True)
class _Column:
    """A column the check reads: its table (resource index), its place among the table's cited columns, its cells (`c<number>`)."""

    table: int
    order: int
    name: str
    number: int
    note: bool
    source: str


@dataclass(frozen=True)
class _Finding:
    """What a distinct cell value cites: a mention of an ID, a path that is no package file, or an ID kind too slow to search."""

    code: str
    kind: str  # the table an ID mention is of (the one whose pattern is too slow)
    cited: str
    reason: str = ""  # why a cited path is not a package file


# Position of a cell in the order the check reads cells (table, record, column): where an ID kind turned out too slow.
Position = tuple[int, int, int]


def check(package: Package) -> Iterator[Error]:
    """Yield an error for each unknown ID in a note and each cited package file that is missing.

    SQL finds the cells that can cite something, Python reads each distinct value once (a corpus repeats its notes), SQL
    tells which mentioned IDs are not rows (`registry.records`) and puts each finding back on every row holding that value."""
    found = cursor(package)
    if found is None:
        return
    try:
        columns = _columns(package)
        if not columns:
            return
        kinds = id_kinds(package)
        folders = package_folders(package)
        # only a note with an ID kind's prefix can hold an ID, and only a cell with a path hint a path that is checked
        paths = path_hints(folders)
        notes = paths | {prefix for prefix, _ in kinds.values()}
        values = found.execute(*_distinct_candidates(columns, notes, paths)).fetchall()
        findings, slow = _read(package, kinds, folders, values)
        failing = _failing(found, findings)
        if failing:
            yield from _placed(package, found, columns, failing, slow)
    finally:
        found.close()


def _columns(package: Package) -> list[_Column]:
    """Every column whose cells may cite something: all but a table's first (its ID), as a record holds them (a repeated
    name read once, from its last column), in the order the records' cells are read."""
    columns = []
    for index, resource in enumerate(package.resources):
        table = resource.table
        if table is None or table.source is None or not table.header:
            continue
        last = {name: number for number, name in enumerate(table.header)}
        names = [name for name in dict.fromkeys(table.header) if name != table.header[0]]
        columns += [
            _Column(index, order, name, last[name], name in NOTE_FIELDS, table.source.name)  # type: ignore[attr-defined]
            for order, name in enumerate(names)
        ]
    return columns


def _distinct_candidates(
    columns: list[_Column], notes: frozenset[str], paths: frozenset[str]
) -> tuple[str, list[object]]:
    """The query for each distinct (value, is a note) of the cells that can cite something, with the first cell holding it,
    in reading order: a note holding an ID kind's prefix, any cell holding a path hint or an absolute path's start."""
    parts, parameters = [], []
    slash = [
        needle for needle in sorted(paths) if _text(needle)
    ]  # every path hint, and every absolute path, holds a slash
    for column in columns:
        cell = f"c{column.number}"
        hints = [f"contains({cell}, ?)" for _ in slash] + [f"regexp_matches({cell}, ?)"]
        tests = [f"(contains({cell}, '/') AND ({' OR '.join(hints)}))"]
        values: list[object] = [*slash, ABSOLUTE_PATH_START]
        if column.note:
            prefixes = sorted(needle for needle in notes - paths if _text(needle))
            tests = [
                f"{cell} <> ''" if prefix == "" else f"contains({cell}, ?)" for prefix in prefixes
            ] + tests
            values = [prefix for prefix in prefixes if prefix] + values
        parts.append(
            f"SELECT {column.table} AS t, _ord, {column.order} AS col, {column.note} AS note, {cell} AS value "
            f"FROM {column.source} WHERE {' OR '.join(tests)}"
        )
        parameters += values
    return (
        f"SELECT value, note, first.t, first.o, first.c FROM (SELECT value, note, min(struct_pack(t := t, o := _ord, c := col)) AS first "
        f"FROM ({' UNION ALL '.join(parts)}) GROUP BY value, note) ORDER BY first",
        parameters,
    )


def _read(
    package: Package,
    kinds: dict[str, tuple[str, regex.Pattern[str]]],
    folders: frozenset[str] | set[str],
    values: list[tuple[str, bool, int, int, int]],
) -> tuple[dict[tuple[str, bool], list[_Finding]], dict[str, Position]]:
    """What each distinct value cites, in reading order, and where each ID kind too slow to search was first found so.

    A kind found too slow is not searched in any later cell (as when cells were read one by one): the values read
    before it keep their mentions of it, for the cells before that place (`_placed`)."""
    findings: dict[tuple[str, bool], list[_Finding]] = {}
    slow: dict[str, Position] = {}
    resolved: dict[str, str | None] = {}  # cited path -> why it is not a package file (None: it is)
    for value, note, *first in values:
        found = findings.setdefault((value, note), [])
        if note:
            for name, (prefix, mention) in kinds.items():
                if name in slow or prefix not in value:
                    continue
                try:
                    mentions = [
                        m.group(0) for m in mention.finditer(value, timeout=PATTERN_SECONDS)
                    ]
                except TimeoutError:
                    slow[name] = (first[0], first[1], first[2])
                    found.append(_Finding("slow-pattern", name, ""))
                    continue
                found += [_Finding("unknown-id", name, cited) for cited in dict.fromkeys(mentions)]
        if "/" not in value:
            continue  # every path PATH finds has a slash
        for cited in dict.fromkeys(cited_paths(value)):
            outside = cited.startswith(("/", "../"))
            if not outside and cited.split("/", 1)[0] not in folders:
                continue
            if cited not in resolved:
                resolved[cited] = _not_a_package_file(package, cited, outside)
            if reason := resolved[cited]:
                found.append(_Finding("missing-file", "", cited, reason))
    return findings, slow


def _failing(
    found: Any, findings: dict[tuple[str, bool], list[_Finding]]
) -> dict[tuple[str, bool], list[tuple[int, _Finding]]]:
    """The findings that are errors, each with its place among its value's: a mention of an ID that is not a row of a
    readable table with a key (an anti-join against `registry.records`), every missing file and too slow kind."""
    mentions = [
        (value, number, finding)
        for value, listed in findings.items()
        for number, finding in enumerate(listed)
        if finding.code == "unknown-id"
    ]
    unknown: set[tuple[tuple[str, bool], int]] = set()
    if mentions:
        rows = found.execute(
            """
            SELECT m.i FROM (SELECT unnest(?::VARCHAR[]) AS kind, unnest(?::VARCHAR[]) AS cited, unnest(?::BIGINT[]) AS i) m
            WHERE m.kind IN (SELECT table_name FROM registry.keyed)
              AND NOT EXISTS (SELECT 1 FROM registry.records r WHERE r.table_name = m.kind AND r.id = m.cited)""",
            [
                [_bindable(f.kind) for _, _, f in mentions],
                [f.cited for _, _, f in mentions],
                list(range(len(mentions))),
            ],
        ).fetchall()
        unknown = {(mentions[i][0], mentions[i][1]) for (i,) in rows}
    failing = {}
    for value, listed in findings.items():
        kept = [
            (number, finding)
            for number, finding in enumerate(listed)
            if finding.code != "unknown-id" or (value, number) in unknown
        ]
        if kept:
            failing[value] = kept
    return failing


def _placed(
    package: Package,
    found: Any,
    columns: list[_Column],
    failing: dict[tuple[str, bool], list[tuple[int, _Finding]]],
    slow: dict[str, Position],
) -> Iterator[Error]:
    """Each failing finding at every cell holding its value, in reading order: a too slow kind only at the cell where it
    was found so, a mention of a kind found too slow only in the cells read before that one."""
    numbered = [
        (value, number, finding) for value, kept in failing.items() for number, finding in kept
    ]
    at = [slow[f.kind] if f.code == "slow-pattern" else None for _, _, f in numbered]
    before = [slow.get(f.kind) if f.code == "unknown-id" else None for _, _, f in numbered]
    cells = " UNION ALL ".join(
        f"SELECT {column.table} AS t, _ord, _line, _row, {column.order} AS col, {column.note} AS note, c{column.number} AS value "
        f"FROM {column.source} WHERE c{column.number} IN (SELECT value FROM f)"
        for column in columns
    )
    rows = found.execute(
        f"""
        WITH f AS (SELECT unnest(?::VARCHAR[]) AS value, unnest(?::BOOLEAN[]) AS note, unnest(?::BIGINT[]) AS seq, unnest(?::BIGINT[]) AS i,
                          unnest(?::BIGINT[]) AS at_t, unnest(?::BIGINT[]) AS at_o, unnest(?::BIGINT[]) AS at_c,
                          unnest(?::BIGINT[]) AS before_t, unnest(?::BIGINT[]) AS before_o, unnest(?::BIGINT[]) AS before_c)
        SELECT c.t, c.col, c._line, c._row, f.i FROM ({cells}) c JOIN f ON f.value = c.value AND f.note = c.note
        WHERE (f.at_t IS NULL OR (c.t, c._ord, c.col) = (f.at_t, f.at_o, f.at_c))
          AND (f.before_t IS NULL OR (c.t, c._ord, c.col) < (f.before_t, f.before_o, f.before_c))
        ORDER BY c.t, c._ord, c.col, f.seq""",
        [
            [value for (value, _), _, _ in numbered],
            [note for (_, note), _, _ in numbered],
            [number for _, number, _ in numbered],
            list(range(len(numbered))),
            *([p[k] if p else None for p in at] for k in range(3)),
            *([p[k] if p else None for p in before] for k in range(3)),
        ],
    )
    by_place = {(column.table, column.order): column for column in columns}
    while batch := rows.fetchmany(1024):
        for table, order, line, row, index in batch:
            finding, field = numbered[index][2], by_place[(table, order)].name
            place = Place(package.resources[table].path, line, row)
            if finding.code == "slow-pattern":
                yield Error.at(
                    place,
                    field,
                    "slow-pattern",
                    f"the ID pattern of {finding.kind} takes too long to search this {field} cell; "
                    f"IDs of {finding.kind} were not looked for in notes.",
                    hint=f"Simplify the primary-key pattern in the schema of {finding.kind} (a literal prefix and a simple tail).",
                )
            elif finding.code == "unknown-id":
                yield Error.at(
                    place,
                    field,
                    "unknown-id",
                    f"{field} names {finding.cited}, which is not a row of {finding.kind}.",
                    hint=f"Correct the ID, or add the {finding.kind} row it means.",
                )
            else:
                yield Error.at(
                    place,
                    field,
                    "missing-file",
                    f"{field} cites {finding.cited}, {finding.reason}.",
                    hint="Cite a file the package holds (e.g. under docs/research/), a row ID, or a public address.",
                )


def _text(value: str) -> bool:
    """True for a string DuckDB can hold (valid UTF-8): a folder name that is not can be in no cell."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _bindable(name: str) -> str | None:
    return name if _text(name) else None  # a table name no cell or registry row can hold


def _not_a_package_file(package: Package, cited: str, outside: bool) -> str | None:
    """Why `cited` is not a file of the package, or None when it is one."""
    if outside:
        return "outside the package"
    try:
        package.inside(cited)
    except UnsafePath as error:
        return {
            "missing-file": "which the package does not hold",
            "not-a-file": "not a file of the package",
            "link-not-followed": "a symbolic link, which is not followed",
        }.get(error.code, "outside the package")
    return None
