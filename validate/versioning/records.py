"""The release records in releases/: one JSON file per released version (see docs/releasing.md)."""

from __future__ import annotations

import json
from pathlib import Path

from .bumps import Version
from .changelog import Unreadable
from .changelog import read as read_small

RECORDS = "releases"


def records(repo: Path) -> list[dict]:
    """Every readable release record, oldest version first."""
    found: list[tuple[Version, dict]] = []
    for path in (repo / RECORDS).glob("*.json"):
        try:
            # never through a link, never a device: a record linked to /dev/zero or outside is skipped
            record = json.loads(read_small(path.parent, path.name) or "")
        except (OSError, Unreadable, ValueError):
            continue
        version = Version.parse(record.get("version")) if isinstance(record, dict) else None
        if version is not None:
            found.append((version, record))
    return [record for _, record in sorted(found, key=lambda pair: pair[0])]


def latest(repo: Path) -> dict | None:
    """The record of the newest released version, or None."""
    found = records(repo)
    return found[-1] if found else None
