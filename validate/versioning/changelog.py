"""Read CHANGELOG.md: the `Unreleased` section and the newest released section.

Headings follow Keep a Changelog: `## [Unreleased]`, then `## [X.Y.Z] - YYYY-MM-DD`, newest first.
The file is read only when it is a regular file (never through a link, never a device or FIFO)
and no larger than MAX_BYTES: a pull request could otherwise point it at another file, whose
text would then satisfy the changelog rule, or at /dev/zero.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .. import safepath
from ..errors import CannotRun

MAX_BYTES = 4_000_000

_HEADING = re.compile(r"^## +\[?([^\]\s]+)\]?(?: +- +(\S+))?[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Section:
    """One `## ` section: its title (a version or `Unreleased`), date, body and line."""

    title: str
    date: str
    body: str
    line: int


def sections(text: str) -> list[Section]:
    """The `## ` sections of a changelog, in file order.

    One pass: each heading's line is counted on from the previous heading's, so a changelog of
    many headings costs its length, not its length times its headings."""
    found = list(_HEADING.finditer(text))
    result = []
    line, counted = 1, 0
    for index, match in enumerate(found):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        end = found[index + 1].start() if index + 1 < len(found) else len(text)
        result.append(Section(match[1], match[2] or "", text[match.end() : end].strip(), line))
    return result


def unreleased(text: str) -> Section | None:
    """The `Unreleased` section, or None."""
    return next((s for s in sections(text) if s.title.lower() == "unreleased"), None)


def newest_release(text: str) -> Section | None:
    """The first section whose title is a version (not `Unreleased`), or None."""
    return next((s for s in sections(text) if s.title.lower() != "unreleased"), None)


class Unreadable(Exception):
    """CHANGELOG.md exists but is not read: a link, not a regular file, too large, or not UTF-8."""


class TooLarge(Unreadable):
    """CHANGELOG.md is larger than MAX_BYTES; it was not read."""


class NotText(Unreadable):
    """CHANGELOG.md is not UTF-8 text."""


def read(root: Path, name: str = "CHANGELOG.md") -> str | None:
    """The text of `root`/`name`; None when there is no such file. Raises Unreadable (with the reason) otherwise.

    It is read under the path rule (validate/safepath.py): never through a link, never a device.
    Every reader of CHANGELOG.md (`diff`, the `release` check, `release --prepare`) reads it here."""
    path = root / name
    if not os.path.lexists(path):
        return None
    try:
        data = safepath.read(root, path, MAX_BYTES)
    except safepath.TooLarge as error:
        raise TooLarge(str(error)) from None
    except CannotRun as error:
        raise Unreadable(str(error)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise NotText(f"{name} is not UTF-8 text") from None
