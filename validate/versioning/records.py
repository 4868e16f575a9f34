"""The release records in releases/: one JSON file per released version (see docs/releasing.md)."""

from __future__ import annotations

import json
from pathlib import Path

from .. import safepath
from ..errors import CannotRun
from .bumps import Version

RECORDS = "releases"
MAX_RECORD_BYTES = 2**20  # a record is a few hundred bytes


def records(repo: Path) -> list[dict]:
    """Every readable release record, oldest version first."""
    found: list[tuple[Version, dict]] = []
    folder = repo / RECORDS
    try:
        safepath.folder(repo, folder)
    except CannotRun:  # releases/ is a link or not a folder: nothing in it is read
        return []
    for path in sorted(folder.glob("*.json")):
        try:  # a link, a FIFO or a device is not read (a link to /dev/zero would be read without end)
            record = json.loads(safepath.read(repo, path, MAX_RECORD_BYTES).decode("utf-8"))
        except (CannotRun, UnicodeDecodeError, ValueError, RecursionError):
            continue
        version = Version.parse(record.get("version")) if isinstance(record, dict) else None
        if version is not None:
            found.append((version, record))
    return [record for _, record in sorted(found, key=lambda pair: pair[0])]


def latest(repo: Path) -> dict | None:
    """The record of the newest released version, or None."""
    found = records(repo)
    return found[-1] if found else None
