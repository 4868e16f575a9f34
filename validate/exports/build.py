"""Build every export of the registry into dist/, all or nothing, from a package that passes validation.

The outputs are written into a temporary folder beside dist/ and renamed into place only
when all of them are ready; a failure leaves the previous dist/ untouched.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..runner import Result, run
from . import sqlite
from .registry import EXPORTS, Context
from .tables import snapshot_texts
from .tables import tables as read_tables


@dataclass(frozen=True)
class Outputs:
    """A dist folder and the package name its file names carry (`Export.path` finds each file in it)."""

    folder: Path
    name: str


class InvalidPackage(Exception):
    """The package does not pass validation; `result` holds the report."""

    def __init__(self, result: Result):
        super().__init__("the package is invalid")
        self.result = result


def build(descriptor_path: Path, dist: Path) -> Outputs:
    """Validate the package, then build every output into `dist` (replaced whole). Raises InvalidPackage."""
    result = run(descriptor_path)
    if not result.valid:
        raise InvalidPackage(result)
    package = result.package
    name = package.descriptor.get("name", "data")
    tables = read_tables(package)
    sentences = sqlite.sentence_table(package, tables)
    context = Context(
        package.descriptor,
        name,
        tables,
        tables + ([sentences] if sentences else []) + sqlite.link_tables(tables),
        texts=snapshot_texts(package, tables),
    )
    dist.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=dist.parent, prefix=f".{dist.name}-"))
    try:
        for (
            export
        ) in EXPORTS:  # in registry order: metadata.json describes the database built before it
            export.build(context, staging)
        _replace(staging, dist)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Outputs(dist, name)


def _replace(staging: Path, dist: Path) -> None:
    if dist.exists():
        old = Path(tempfile.mkdtemp(dir=dist.parent, prefix=f".{dist.name}-old-"))
        dist.rename(old / dist.name)
        staging.rename(dist)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(dist)
    dist.chmod(0o755)
