"""Read CHANGELOG.md: the `Unreleased` section and the newest released section.

Headings follow Keep a Changelog: `## [Unreleased]`, then `## [X.Y.Z] - YYYY-MM-DD`, newest first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"^## +\[?([^\]\s]+)\]?(?: +- +(\S+))?[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Section:
    """One `## ` section: its title (a version or `Unreleased`), date, body and line."""

    title: str
    date: str
    body: str
    line: int


def sections(text: str) -> list[Section]:
    """The `## ` sections of a changelog, in file order."""
    found = list(_HEADING.finditer(text))
    result = []
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(text)
        result.append(
            Section(
                match[1],
                match[2] or "",
                text[match.end() : end].strip(),
                text.count("\n", 0, match.start()) + 1,
            )
        )
    return result


def unreleased(text: str) -> Section | None:
    """The `Unreleased` section, or None."""
    return next((s for s in sections(text) if s.title.lower() == "unreleased"), None)


def newest_release(text: str) -> Section | None:
    """The first section whose title is a version (not `Unreleased`), or None."""
    return next((s for s in sections(text) if s.title.lower() != "unreleased"), None)
