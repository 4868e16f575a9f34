"""The release bundle: `dist/<name>-<version>.zip`, byte-identical whenever it is rebuilt from the same files.

What makes it reproducible: entries in sorted order under one folder `<name>-<version>/`;
every timestamp set to one moment (SOURCE_DATE_EPOCH, else the commit date of HEAD);
permissions 0644 for every file and no directory entries, owners or extra fields; entries
stored, not deflated, because deflate output may differ between zlib builds; no path of
the machine that built it. A `SHA256SUMS` file in the bundle lists every other file in
the format `sha256sum -c` reads.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import CannotRun

REQUIRED_FILES = ("datapackage.json", "README.md", "LICENSE", "CITATION.cff", "CHANGELOG.md")


@dataclass(frozen=True)
class Layout:
    """What a bundle holds besides the required files and the resources: one numbered layout per
    change, so that a recorded release is always rebuilt as it was built (its record names it)."""

    optional_files: tuple[str, ...]
    folders: tuple[str, ...]


LAYOUTS = {
    1: Layout(
        (".zenodo.json",), ("schemas", "sources")
    ),  # 0.1.0 to 0.2.1: no docs, so cells citing docs/research had nothing to point at
    2: Layout(
        (".zenodo.json", "CONTRIBUTING.md"), ("schemas", "sources", "docs", "releases")
    ),  # the bundle validates on its own
}
CURRENT_LAYOUT = 2
EXPORTS = "dist"  # built by `make exports`; git ignores it; bundled under exports/ when present
ZIP_EPOCH_MIN = 315532800  # 1980-01-01, the earliest time a zip entry can hold


@dataclass(frozen=True)
class Bundle:
    """A built bundle: where it is, its sha256, and the files it holds."""

    path: Path
    sha256: str
    members: tuple[str, ...]


def source_date_epoch(root: Path) -> int:
    """The moment every entry is dated: SOURCE_DATE_EPOCH, else the date of the commit at HEAD."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is not None:
        if not value.isdigit():
            raise CannotRun(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {value!r}.")
        return int(value)
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%ct"],
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        result = None
    if result is None or result.returncode != 0 or not result.stdout.strip().isdigit():
        raise CannotRun(
            "not a git repository: set SOURCE_DATE_EPOCH (seconds since 1970) to date the bundle's entries."
        )
    return int(result.stdout.strip())


def package_files(root: Path, descriptor: dict, layout: int = CURRENT_LAYOUT) -> list[str]:
    """Every file the bundle holds, as package-relative POSIX paths, sorted."""
    if layout not in LAYOUTS:
        raise CannotRun(
            f"bundle layout {layout} is not one this validator knows ({', '.join(map(str, LAYOUTS))}); use a newer one."
        )
    files = set()
    for name in REQUIRED_FILES:
        if not (root / name).is_file():
            raise CannotRun(f"{name} is missing; a release bundle must hold it.")
        files.add(name)
    files.update(name for name in LAYOUTS[layout].optional_files if (root / name).is_file())
    resources = listed if isinstance(listed := descriptor.get("resources"), list) else []
    for resource in resources:
        for key in ("path", "schema"):
            value = resource.get(key) if isinstance(resource, dict) else None
            if isinstance(value, str):
                files.add(_inside(root, value))
    for folder in LAYOUTS[layout].folders:
        files.update(
            _inside(root, path.relative_to(root).as_posix())
            for path in (root / folder).rglob("*")
            if path.is_file()
        )
    return sorted(files)


def export_files(root: Path) -> list[str]:
    """The exports in dist/ (not bundles, not hidden files), as paths relative to dist/, sorted."""
    folder = root / EXPORTS
    if not folder.is_dir():
        return []
    found = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if (
            path.is_file()
            and not path.is_symlink()
            and path.suffix != ".zip"
            and not any(part.startswith(".") for part in relative.parts)
        ):
            found.append(relative.as_posix())
    return sorted(found)


def _inside(root: Path, relative: str) -> str:
    path = (root / relative).resolve()
    if (
        not path.is_relative_to(root.resolve())
        or not path.is_file()
        or (root / relative).is_symlink()
    ):
        raise CannotRun(
            f"{relative} is not a regular file inside the package; it cannot go into a bundle."
        )
    return path.relative_to(root.resolve()).as_posix()


def _entry(name: str, epoch: int) -> zipfile.ZipInfo:
    moment = time.gmtime(max(epoch, ZIP_EPOCH_MIN))
    info = zipfile.ZipInfo(name, date_time=moment[:6])
    info.create_system = 3  # Unix, so that the permissions below are read
    info.external_attr = 0o100644 << 16
    info.compress_type = zipfile.ZIP_STORED
    return info


def build(
    root: Path, out_dir: Path, epoch: int, with_exports: bool = True, layout: int = CURRENT_LAYOUT
) -> Bundle:
    """Build the bundle of the package in `root` into `out_dir` (in bundle `layout`); written whole or not at all."""
    root = root.resolve()
    try:
        descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CannotRun(f"cannot read datapackage.json: {error}") from None
    if not isinstance(descriptor, dict):
        raise CannotRun("datapackage.json must hold a JSON object to name the bundle.")
    name, version = descriptor.get("name"), descriptor.get("version")
    if (
        not isinstance(name, str)
        or not isinstance(version, str)
        or not name
        or "/" in name + version
    ):
        raise CannotRun("datapackage.json needs a `name` and a `version` to name the bundle.")
    top = f"{name}-{version}"
    contents: dict[str, bytes] = {
        path: (root / path).read_bytes() for path in package_files(root, descriptor, layout)
    }
    if with_exports:
        contents.update(
            {f"exports/{path}": (root / EXPORTS / path).read_bytes() for path in export_files(root)}
        )
    sums = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {path}\n" for path, data in sorted(contents.items())
    )
    contents["SHA256SUMS"] = sums.encode("utf-8")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{top}.zip"
    handle, temporary = tempfile.mkstemp(dir=out_dir, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w") as archive:
            for path in sorted(contents):
                archive.writestr(_entry(f"{top}/{path}", epoch), contents[path])
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    return Bundle(target, digest, tuple(sorted(contents)))
