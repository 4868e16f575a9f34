"""Build every export of the registry into dist/, all or nothing, from a package that passes validation.

Before anything is written: the output folder is checked (validate/exports/dist.py), the resource
names are checked against the names the exports make for themselves, and every value is checked
against what each format can hold (validate/exports/fit.py). The outputs are then written into a
staging folder inside dist/ and moved into place only when all of them are ready; a failure, or
SIGTERM, leaves the previous files as they were.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import safepath
from ..errors import CannotRun
from ..runner import Result, run
from ..versioning import changelog, published
from . import dist as output
from . import fit, sqlite, xlsx
from .registry import EXPORTS, Context, file_patterns, misfits, reserved_names, reserved_prefixes
from .tables import Table, snapshot_texts
from .tables import tables as read_tables


@dataclass(frozen=True)
class Outputs:
    """A dist folder and the package name its file names carry (`Export.path` finds each file in it)."""

    folder: Path
    name: str
    files: list[str]  # relative to the folder, as written


class InvalidPackage(Exception):
    """The package does not pass validation; `result` holds the report."""

    def __init__(self, result: Result):
        super().__init__("the package is invalid")
        self.result = result


class NotJudged(Exception):
    """Validation did not finish (a check crashed, or an input is past a limit); `result` holds the report.

    Not a verdict on the package: the exports are not built, and the command cannot run (exit 2)."""

    def __init__(self, result: Result):
        why = (
            f"the check(s) {', '.join(result.crashed)} failed to run"
            if result.crashed
            else "an input is past a limit"
        )
        super().__init__(f"validation could not finish: {why}")
        self.result = result


class ReservedName(ValueError):
    """A table resource takes a name an export makes for itself, or one that is not safe as a file name."""


# A table's name becomes a file name (`site/{name}.html`, `parquet/{name}.parquet`). The profile's own name
# pattern is not applied in standard-only mode (no `conformsTo`), and the standard's allows `/` and `..`.
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def build(descriptor_path: Path, dist: Path) -> Outputs:
    """Validate the package, then build every output into `dist`. Raises NotJudged when validation did not
    finish, InvalidPackage, or ValueError (UnsafeDist, ReservedName, fit.DoesNotFit) when it cannot build
    without harm; nothing is written then."""
    output.refuse_link(dist)  # before the validation's time: refused whatever the package
    result = run(descriptor_path)
    if not result.finished:
        raise NotJudged(result)  # the caller shows its report, then closes it
    if not result.valid:
        raise InvalidPackage(result)  # the caller shows its report, then closes it
    try:
        return _build(result, dist)
    finally:
        result.close()


def _build(result: Result, dist: Path) -> Outputs:
    package = result.package
    name = package.descriptor.get("name", "data")
    output.check_folder(dist, package.root, _package_files(package))
    tables = read_tables(package)
    check_names(tables)
    sentences = sqlite.sentence_table(package, tables)
    context = Context(
        package.descriptor,
        name,
        tables,
        tables + ([sentences] if sentences else []) + sqlite.link_tables(tables),
        texts=snapshot_texts(package, tables),
        moment=release_moment(package.root, package.descriptor),
        root=package.root,
    )
    files = [f for export in EXPORTS for f in export.files(name, [t.name for t in tables])]
    owned = output.owned(dist, file_patterns()) if dist.is_dir() else []
    output.check_targets(dist, files, owned)
    fit.refuse(misfits(context))
    created = not dist.exists()
    dist.mkdir(parents=True, exist_ok=True)
    output.remove_stale_staging(dist)
    with (
        output.signals_raise() as signals
    ):  # SIGTERM or SIGHUP from here on: the staging folder is removed
        staging = output.staging_folder(dist)
        try:
            # in registry order: metadata.json describes the database built before it
            for export in EXPORTS:
                export.build(context, staging)
            output.commit(staging, dist, files, owned)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            if created:
                with contextlib.suppress(OSError):
                    dist.rmdir()  # only when empty: the folder this build made
            if (code := signals.exit_code()) is not None:
                raise SystemExit(code) from None
            raise
        shutil.rmtree(staging, ignore_errors=True)
    return Outputs(dist, name, files)


def release_moment(root: Path, descriptor: dict) -> datetime.datetime:
    """The moment the exports are dated: the day of the newest release in CHANGELOG.md, else the
    descriptor's `created`, else a fixed moment; never the clock, so that a rebuild gives the same bytes."""
    try:
        text = changelog.read(root)
    except changelog.Unreadable:
        text = None
    section = changelog.newest_release(text) if text else None
    for value in (section.date if section else None, descriptor.get("created")):
        if isinstance(value, str):
            try:
                moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
            if moment.year >= 1980:  # a zip, and so a workbook, holds no earlier date
                return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
    return xlsx.FIXED_MOMENT


def committed_files(repo: Path) -> dict[str, bytes]:
    """Every file the committed `exports/` should hold for the package in `repo` ({path in it: bytes}), built in a
    temporary folder: the exports of the registry and version.json (validate/versioning/published.py). Raises
    CannotRun when they cannot be built."""
    descriptor = json.loads(safepath.read(repo, repo / "datapackage.json", published.MAX_BYTES))
    with tempfile.TemporaryDirectory(prefix="exports-") as temporary:
        try:
            outputs = build(repo / "datapackage.json", Path(temporary) / "dist")
        except InvalidPackage as invalid:
            invalid.result.close()
            raise CannotRun("the exports cannot be built: the package is invalid") from None
        except ValueError as error:
            raise CannotRun(f"the exports cannot be built: {error}") from None
        files = {name: (outputs.folder / name).read_bytes() for name in outputs.files}
    files[published.VERSION_FILE] = (
        json.dumps({"name": descriptor.get("name"), "version": descriptor.get("version")}, indent=2)
        + "\n"
    ).encode("utf-8")
    return files


def check_names(tables: list[Table]) -> None:
    """Refuse a table resource whose name an export makes for itself (it would be replaced or collide), or whose
    name is not one plain file name (the exports name files after it)."""
    reserved, prefixes = reserved_names(tables), reserved_prefixes()
    for table in tables:
        if not _FILE_NAME.fullmatch(table.name) or ".." in table.name or len(table.name) > 200:
            raise ReservedName(
                f"datapackage.json: the resource {table.name[:200]!r} ({table.path}) has a name that is not safe "
                "as a file name, and the exports name files after their tables. Nothing was written: rename the "
                "resource with letters, digits, `_`, `-` and `.` only (no `..`), starting with a letter or digit."
            )
        why = reserved.get(table.name) or next(
            (
                f"a name starting `{p}`: {w}"
                for p, w in prefixes.items()
                if table.name.startswith(p)
            ),
            None,
        )
        if why:
            raise ReservedName(
                f"datapackage.json: the resource `{table.name}` ({table.path}) takes a name the exports make for "
                f"themselves: {why}. Rename the resource; docs/exports.md lists the reserved names."
            )


def _package_files(package) -> list[Path]:
    files = [package.descriptor_path]
    for resource in package.resources:
        for relative in (resource.path, resource.schema_path):
            if relative:
                files.append(package.root / relative)
    return files
