"""Numbers in README.md and docs/*.md that come from the data, restated by `fill` between markers.

A number the data gives is written between two HTML comments, which GitHub does not show:

    claims resting on a wire story: <!--fill:level.wire_only-->43<!--/fill-->

`fill` rewrites what stands between them from the named query, and `fill --check` reports each
marker whose text is stale. The queries are the one registry below, computed from the tables as
`fill` leaves them, so a contribution that adds a row changes the numbers in the same run:

- `rows.<table>`: the table's rows (any table of the package);
- `noted.<table>`: its rows with a non-empty `notes` cell;
- `level.<level>`: claims whose `sourcing_level` is that level (validate/sourcing.py `LEVELS`);
- `claims.without_origin_seen`: claims whose level is below `origin_seen_in_copy` (README's query).

Only README.md and the files directly in docs/ are read (docs/research/ holds dated notes, whose
numbers are those of their day), each through the package's path rule.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from . import safepath
from .csvio import Table
from .package import Package
from .sourcing import LEVELS

OPENING = "<!--fill:"
# The value cannot hold `<` or a line break, so the pattern never backtracks over a long line.
MARKER = re.compile(r"<!--fill:([A-Za-z0-9_.-]+)-->([^<\n]*)<!--/fill-->")
# The levels README's query calls "no primary source seen": every level after these two.
SEEN_LEVELS = ("origin_seen", "origin_seen_in_copy")


class DocNumbersError(Exception):
    """A marker cannot be restated (unknown name, no end marker, unreadable file); the message says where."""


@dataclass(frozen=True)
class Stale:
    """A marker whose text is not what its query gives now."""

    file: str
    line: int
    name: str
    stated: str
    value: str

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}: {OPENING}{self.name}--> says {self.stated!r}, "
            f"the data gives {self.value!r}"
        )


def values(tables: Mapping[str, Table]) -> dict[str, str]:
    """The registry: every named query's value, computed from `tables` ({resource name: table})."""
    found: dict[str, int] = {}
    for name, table in tables.items():
        found[f"rows.{name}"] = table.record_count
        if "notes" in table.header:
            found[f"noted.{name}"] = sum(1 for cell in table.column("notes") if cell)
    claims = tables.get("claims")
    if claims is not None and "sourcing_level" in claims.header:
        levels = Counter(claims.column("sourcing_level"))
        found.update({f"level.{level}": levels[level] for level in LEVELS})
        found["claims.without_origin_seen"] = sum(
            n for level, n in levels.items() if level not in SEEN_LEVELS
        )
    return {name: f"{number:,}" for name, number in found.items()}


def restate(text: str, known: Mapping[str, str], file: str) -> tuple[str, list[Stale]]:
    """`text` with every marker's value restated from `known`, and the markers that were stale.

    One pass: the line of each marker is counted on from the previous one, never from the start
    of the text, so a file of many markers costs its length, not its length times its markers.
    """
    stale: list[Stale] = []
    parts: list[str] = []
    line, counted, kept = 1, 0, 0
    for match in MARKER.finditer(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        name, stated = match.group(1), match.group(2)
        if name not in known:
            raise DocNumbersError(
                f"{file}:{line}: {OPENING}{name}--> names no query; the names are: "
                + ", ".join(sorted(known))
            )
        if stated != known[name]:
            stale.append(Stale(file, line, name, stated, known[name]))
        parts += [text[kept : match.start()], f"{OPENING}{name}-->{known[name]}<!--/fill-->"]
        kept = match.end()
    new = "".join([*parts, text[kept:]])
    if new.count(OPENING) != len(MARKER.findall(new)):
        line = text.count("\n", 0, _first_broken(text)) + 1
        raise DocNumbersError(
            f"{file}:{line}: a marker needs the form {OPENING}NAME-->number<!--/fill--> on one line"
        )
    return new, stale


def _first_broken(text: str) -> int:
    complete = {m.start() for m in MARKER.finditer(text)}
    return next(
        (m.start() for m in re.finditer(re.escape(OPENING), text) if m.start() not in complete), 0
    )


def documents(package: Package) -> list[str]:
    """The package-relative paths of the files whose markers `fill` restates: README.md, docs/*.md."""
    root = package.root
    found = ["README.md"] if (root / "README.md").is_file() else []
    docs = root / "docs"
    if docs.is_dir():
        found += sorted(f"docs/{p.name}" for p in docs.glob("*.md") if p.is_file())
    return found


def planned(
    package: Package, tables: Mapping[str, Table], skipped: list[str] | None = None
) -> tuple[dict[Path, bytes], list[Stale]]:
    """{file: new bytes} for every document whose markers change, and the stale markers.

    A document is read and written by its own name under the path rule (validate/safepath.py): one that
    is a link, or is reached through one, is never read or written; why is appended to `skipped`."""
    known = values(tables)
    files: dict[Path, bytes] = {}
    stale: list[Stale] = []
    for relative in documents(package):
        path = package.root / relative
        why = safepath.link_in(package.root, path)
        if why is not None:
            if skipped is not None:
                skipped.append(f"{why}; its numbers are not restated (links are never followed)")
            continue
        try:
            data = safepath.read(package.root, path, package.limits["file-bytes"])
        except safepath.UnsafeTarget as error:
            raise DocNumbersError(f"{relative} cannot be read: {error}") from None
        if OPENING.encode() not in data:  # no marker: its encoding is none of fill's business
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise DocNumbersError(f"{relative} has markers but is not UTF-8: {error}") from None
        new, found = restate(text, known, relative)
        if found:
            files[path] = new.encode(
                "utf-8"
            )  # by its own name: write_all refuses a link on the way
            stale += found
    return files, stale
