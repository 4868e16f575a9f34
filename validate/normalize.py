"""Put every CSV back into canonical form, then fill (`python -m validate normalize`, validate/cli/normalize.py).

After a spreadsheet or dataframe round-trip, a file differs from the canonical form only
in form (see `validate.canonical`); this command undoes that, file by file, says what it
changed, and then refreshes the derived fields (`fill`). A file saved in another dialect
(`;` or tab separators, UTF-16, cp1252: validate/dialect.py) is converted only when its header
and every row then match the schema; otherwise nothing at all is written and the command says
why (exit 2). With `--check` it changes nothing and exits 1 when anything would change (for
pre-commit hooks and CI).
"""

from __future__ import annotations

import hashlib

from .atomic import write_all
from .canonical import NotCSV, normalize_csv
from .errors import CannotRun
from .fill import FillError, fill
from .package import Package


def plan(package: Package) -> tuple[dict[str, tuple[bytes, list[str]]], list[str]]:
    """Return {resource path: (canonical bytes, changes)} for every CSV that would change, and the problems that stop it."""
    planned, problems = {}, []
    for resource in package.resources:
        if not resource.is_table:
            continue
        data = resource.data  # once: a large table's bytes are read again on each use
        if data is None:
            problems.append(
                f"{resource.path or resource.name}: cannot be read; run `python -m validate` to see why"
            )
            continue
        fields = resource.schema.get("fields") if isinstance(resource.schema, dict) else None
        try:
            result = normalize_csv(data, fields if isinstance(fields, list) else [])
        except NotCSV as error:
            problems.append(f"{resource.path}: {error}")
            continue
        if result.data != data:
            planned[resource.path] = (result.data, result.changes)
    return planned, problems


def stale_hashes(package: Package, planned: dict[str, tuple[bytes, list[str]]]) -> list[str]:
    """Resources whose recorded bytes or hash would not match their canonical file."""
    stale = []
    for resource in package.resources:
        data = planned[resource.path][0] if resource.path in planned else resource.data
        if data is None:
            continue
        if resource.descriptor.get("hash") != "sha256:" + hashlib.sha256(
            data
        ).hexdigest() or resource.descriptor.get("bytes") != len(data):
            stale.append(resource.path)
    return stale


def write(package: Package, planned: dict[str, tuple[bytes, list[str]]]) -> list[str]:
    """Write the planned files, then fill; return the files fill rewrote. Raises CannotRun.

    All or nothing, fill included: fill reads the package from disk, so the converted files are
    written first, and put back as they were when fill stops."""
    files = {package.root / path: data for path, (data, _) in planned.items()}
    try:
        before = {path: path.read_bytes() for path in files}
        write_all(files, base=package.root)
    except OSError as error:
        raise CannotRun(f"cannot write: {error}; nothing was changed") from None
    try:
        return fill(package.descriptor_path)
    except (FillError, CannotRun, OSError) as error:
        try:
            write_all(before, base=package.root)
        except OSError as undo:
            raise CannotRun(
                f"fill could not finish ({error}), and the files converted could not be put back: {undo}"
            ) from None
        raise CannotRun(
            f"the files were converted, but fill could not finish, so they were put back as they were "
            f"and nothing is changed: {error}"
        ) from None
