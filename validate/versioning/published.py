"""The exports committed in `exports/`: those of the newest release, for readers without Python.

`make release` rebuilds them from the package (validate/exports/build.py `committed_files`, then
`write`: all or none) and the release bundle holds them; `differences` is the release check, naming
each file that differs from what the package builds. `status` tells main from a release: main holds
unreleased changes when CHANGELOG.md's Unreleased section is not empty or the data differs from the
newest release's commit. validate/exports/registry.py `files_block` lists the committed files for
README and docs/exports.md, with that status.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from .. import atomic, safepath
from ..errors import CannotRun
from . import bundle, changelog
from .bumps import Version
from .records import records

FOLDER = "exports"
VERSION_FILE = (
    "version.json"  # the package's name and version the committed exports were built from
)
START, END = "<!-- exports-files:start -->", "<!-- exports-files:end -->"
MAX_BYTES = 2**30  # one committed export, read whole to compare it


def committed(repo: Path) -> dict[str, bytes]:
    """The files in `exports/` ({path in exports/: bytes}); CannotRun for a link or anything but a regular file."""
    folder = repo / FOLDER
    if not os.path.lexists(folder):
        return {}
    safepath.folder(repo, folder)
    found = {}
    for here, folders, names in os.walk(folder):
        for name in sorted(folders + names):
            path = Path(here) / name
            if path.is_symlink():
                raise CannotRun(
                    f"{path.relative_to(repo)} is a symbolic link; exports/ holds only files."
                )
        for name in names:
            path = Path(here) / name
            found[path.relative_to(folder).as_posix()] = safepath.read(repo, path, MAX_BYTES)
    return found


def differences(expected: dict[str, bytes], found: dict[str, bytes]) -> list[str]:
    """Each file of `exports/` that is not what the package builds, in words, sorted by path."""
    said = []
    for name in sorted(expected.keys() | found.keys()):
        if name not in found:
            said.append(f"{FOLDER}/{name} is missing")
        elif name not in expected:
            said.append(f"{FOLDER}/{name} is not built by the package")
        elif expected[name] != found[name]:
            said.append(f"{FOLDER}/{name} differs from what the package builds")
    return said


def write(repo: Path, files: dict[str, bytes]) -> list[str]:
    """Make `exports/` hold exactly `files`: the changed ones written together (all or none), then the others
    removed. Returns the paths written or removed."""
    old = committed(repo)
    targets = {repo / FOLDER / name for name in files}
    for parent in sorted({t.parent for t in targets}):
        safepath.folder(repo, parent, create=True)
    written = atomic.write_all(
        {repo / FOLDER / name: data for name, data in files.items()}, base=repo
    )
    removed = sorted(set(old) - set(files))
    for name in removed:
        (repo / FOLDER / name).unlink()
    return sorted(
        [p.relative_to(repo).as_posix() for p in written] + [f"{FOLDER}/{n}" for n in removed]
    )


@dataclass(frozen=True)
class Status:
    """Whether main is a release: the newest recorded release, and why main differs from it (nothing: it is it)."""

    release: str | None
    reasons: tuple[str, ...]
    version: str  # datapackage.json's

    @property
    def unreleased(self) -> bool:
        """Whether main holds changes that no release has."""
        return bool(self.reasons)

    def line(self) -> str:
        """One sentence for readers: which release main is, or that it is none."""
        if self.release is None:
            return "no release is recorded yet; cite a commit"
        if not self.reasons:
            return f"this is release {self.version}"
        return f"main has unreleased changes since {self.release}; cite a release"


def status(repo: Path) -> Status:
    """Whether main holds unreleased changes since the newest release in releases/: CHANGELOG.md's Unreleased
    section is not empty, or datapackage.json, a table or a schema differs from that release's commit.

    A version not yet recorded whose Unreleased section is empty is the release being cut: it is that release."""
    descriptor = json.loads(safepath.read(repo, repo / "datapackage.json", MAX_BYTES))
    version = str(descriptor.get("version"))
    found = records(repo)
    if not found:
        return Status(None, ("no release is recorded",), version)
    newest = found[-1]
    reasons = []
    try:
        text = changelog.read(repo)
    except changelog.Unreadable as error:
        raise CannotRun(f"CHANGELOG.md: {error}") from None
    section = changelog.unreleased(text or "")
    if section is not None and section.body.strip():
        reasons.append("CHANGELOG.md's Unreleased section is not empty")
    recorded = {str(r.get("version")) for r in found}
    newer, last = Version.parse(version), Version.parse(newest["version"])
    cutting = newer is not None and last is not None and newer > last
    if version not in recorded and not reasons and cutting:
        return Status(version, (), version)  # the release being cut, before its record
    changed = data_changes(repo, str(newest.get("commit")), descriptor)
    if changed:
        shown = ", ".join(changed[:3]) + (
            f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        )
        reasons.append(f"the data differs from {newest['version']}'s commit: {shown}")
    return Status(newest["version"], tuple(reasons), version)


def data_changes(repo: Path, commit: str, descriptor: dict) -> list[str]:
    """datapackage.json, the tables, schemas and sources that differ between the work tree and `commit`
    (every one of them when git cannot read the commit: a shallow clone cannot tell)."""

    def data(tree: bundle.Tree, described: dict) -> dict[str, bytes]:
        listed = bundle.package_files(tree, described, 1)
        kept = [p for p in listed if p == "datapackage.json" or p not in _NOT_DATA]
        return {p: tree.read(p) for p in kept}

    now = data(bundle.work_tree(repo), descriptor)
    try:
        old_tree = bundle.revision_tree(repo, commit)
        old = data(old_tree, json.loads(old_tree.read("datapackage.json")))
    except (CannotRun, KeyError, ValueError):
        return [f"(commit {commit[:12]} cannot be read here)"]
    return sorted(p for p in now.keys() | old.keys() if now.get(p) != old.get(p))


_NOT_DATA = {*bundle.REQUIRED_FILES, *bundle.LAYOUTS[1].optional_files}
