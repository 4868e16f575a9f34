"""The release: state a version everywhere, build the reproducible bundle, and record it.

The work tree's package is validated first; an invalid package gives no bundle (Invalid).
A build from a git revision rebuilds it as it was (exported to a temporary folder, dated by
its commit, not validated again by checks that may postdate it), so that anyone can rebuild a
recorded release and compare the sha256. `record` writes `releases/<version>.json` (version,
bundle file, sha256, commit, SOURCE_DATE_EPOCH); from the work tree it refuses while the files
it bundles have uncommitted changes, because the record must name a commit that rebuilds the
same bytes. `python -m validate release` (validate/cli/release.py) is the command.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date as calendar_date
from pathlib import Path

from .. import atomic, safepath
from ..errors import CannotRun
from ..package import load
from ..runner import Result, run
from ..safetext import visible
from . import bundle, prepare, published
from .bumps import Version, highest, judge
from .changes import compare
from .git import run_git
from .records import MAX_RECORD_BYTES, RECORDS, latest, records
from .sides import git_commit, open_side

COMMIT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


class Refused(Exception):
    """The record is refused (exit 1): the message says why; nothing was written."""


class Invalid(Exception):
    """The package does not pass validation; `result` holds the report. No bundle was built."""

    def __init__(self, result: Result):
        super().__init__("the package is invalid; no bundle was built.")
        self.result = result


@dataclass(frozen=True)
class Built:
    """A built bundle and what a record of it states."""

    bundle: bundle.Bundle
    commit: str | None
    epoch: int
    layout: int
    revision: str | None
    links: list[str]  # symbolic links in the package, left out of the bundle (never followed)
    exports_written: list[str] = field(
        default_factory=list
    )  # files of exports/ this build rewrote or removed

    @property
    def exports(self) -> int:
        """How many members of the bundle are exports."""
        return sum(1 for member in self.bundle.members if member.startswith("exports/"))


@dataclass(frozen=True)
class BumpCheck:
    """A new version against the changes since the newest recorded release."""

    since: str  # what changed since that release, and the verdict, in one line
    ok: bool
    reason: str


def check_bump(repo: Path, version: str, date: str) -> BumpCheck | None:
    """Check a new version and date against the changes since the newest recorded release (None when none is recorded).

    Raises CannotRun for a malformed version or date, or when the release cannot be compared."""
    if Version.parse(version) is None:
        raise CannotRun(f"{version!r} is not a version MAJOR.MINOR.PATCH.")
    try:
        calendar_date.fromisoformat(date)
    except ValueError:
        raise CannotRun(f"{date!r} is not a date YYYY-MM-DD.") from None
    entry = latest(repo)
    if entry is None:
        return None
    if not isinstance(entry.get("commit"), str) or not COMMIT_ID.fullmatch(entry["commit"]):
        # a record names a commit by its id, never a folder or a branch that a pull request could bring
        raise CannotRun(
            f"the record of {visible(str(entry['version']))} names commit {visible(str(entry.get('commit')))[:80]!r}, "
            "not a commit id (40 or 64 hexadecimal digits); correct `commit` in releases/."
        )
    try:
        with open_side(entry["commit"], repo) as old_root:
            comparison = compare(
                load(old_root / "datapackage.json"), load(repo / "datapackage.json")
            )
    except (OSError, ValueError) as error:
        raise CannotRun(f"nothing written: {error}") from None
    verdict = judge(highest(c.level for c in comparison.changes), entry["version"], version)
    return BumpCheck(
        f"since {entry['version']} ({entry['commit'][:12]}): {len(comparison.changes)} changes; {verdict.reason}",
        verdict.ok,
        verdict.reason,
    )


def state_version(repo: Path, version: str, date: str) -> list[Path]:
    """Set `version` and `date` in datapackage.json, CITATION.cff, CHANGELOG.md, README.md and .zenodo.json (all or none)."""
    return _all_or_none(lambda: prepare.write_all(prepare.new_texts(repo, version, date)))


def state_metadata(repo: Path) -> list[Path]:
    """Rewrite only what derives from datapackage.json (CITATION.cff's title, .zenodo.json, README's reference)."""
    return _all_or_none(lambda: prepare.write_all(prepare.metadata_texts(repo)))


def build(repo: Path, out: Path, revision: str | None = None, with_exports: bool = True) -> Built:
    """Build the bundle of the work tree (validated first; raises Invalid) or of git `revision` (as it was).

    From the work tree, the exports in exports/ are rebuilt from the package when the folder exists, and the bundle
    holds them. Nothing is written (CannotRun) when releases/ records the bundle's version with another sha256."""
    if revision:
        commit = git_commit(repo, revision)
        if commit is None:
            raise CannotRun(f"{revision!r} is not a git revision of {repo}.")
        epoch = int(run_git(repo, "log", "-1", "--format=%ct", commit).stdout.strip())
        layout = _layout_of(repo, commit)
        # read from git's objects, links left out; not validated again: today's checks may postdate the revision,
        # which was validated when it was made
        tree = bundle.revision_tree(repo, commit)
        made, _ = _staged(
            repo, out, lambda folder: bundle.build(repo, folder, epoch, with_exports, layout, tree)
        )
        return Built(made, commit, epoch, layout, revision, tree.links)
    commit = git_commit(repo)
    epoch = bundle.source_date_epoch(repo)
    result = run(str(repo / "datapackage.json"))
    if not result.valid or result.crashed:
        raise Invalid(result)
    result.close()
    tree = bundle.work_tree(repo)
    held = os.path.lexists(repo / published.FOLDER)
    if held:  # before anything is built: `ln -s ~/.ssh exports` stops here
        safepath.folder(repo, repo / published.FOLDER)
    exports = exports_of(repo) if with_exports and held else None
    made, written = _staged(
        repo,
        out,
        lambda folder: bundle.build(
            repo, folder, epoch, with_exports, bundle.CURRENT_LAYOUT, tree, exports
        ),
        exports,
    )
    return Built(made, commit, epoch, bundle.CURRENT_LAYOUT, None, tree.links, written)


def _staged(
    repo: Path,
    out: Path,
    make: Callable[[Path], bundle.Bundle],
    exports: dict[str, bytes] | None = None,
) -> tuple[bundle.Bundle, list[str]]:
    """Build the bundle into a staging folder inside `out`; refuse it when its version is recorded with another
    sha256 (nothing written); else write `exports` into exports/ and move the bundle into `out`."""
    out = Path(os.path.abspath(out))
    safepath.folder(repo if out.is_relative_to(repo) else out.parent, out, create=True)
    with tempfile.TemporaryDirectory(dir=out, prefix=".release-") as staging:
        made = make(Path(staging))
        check_recorded(repo, made)
        written = published.write(repo, exports) if exports is not None else []
        target = out / made.path.name
        os.replace(made.path, target)
    return bundle.Bundle(target, made.sha256, made.members), written


def check_recorded(repo: Path, made: bundle.Bundle) -> None:
    """Refuse (CannotRun, exit 2) a bundle whose version releases/ records with another sha256, naming both: a
    released version is never rebuilt differently."""
    version = made.path.name.removesuffix(".zip").rsplit("-", 1)[1]
    for entry in records(repo):
        if str(entry.get("version")) == version and entry.get("sha256") != made.sha256:
            raise CannotRun(
                f"version {visible(version)} is already released with sha256 {visible(str(entry.get('sha256')))[:80]} "
                f"({RECORDS}/{visible(version)}.json); this build gives {made.sha256}. Nothing was written: "
                "main is not that release. Bump the version (`release --prepare X.Y.Z`), or rebuild the release "
                f"from its commit (`release --from {visible(str(entry.get('commit')))[:12]}`)."
            )


def record(repo: Path, built: Built) -> tuple[Path, bool]:
    """Write releases/<version>.json for `built`; return its path and whether it was already there with this sha256.

    Raises CannotRun outside a git repository, Refused for uncommitted bundled files or a record of other bytes."""
    if built.commit is None:
        raise CannotRun(
            "--record needs a git repository: the record names the commit the bundle was built from."
        )
    if not built.revision:
        dirty = _dirty(repo, built.bundle.members)
        if dirty:
            raise Refused(
                f"not recorded: uncommitted, untracked or ignored files in {', '.join(dirty[:5])}; commit or remove them, "
                "then run again."
            )
    version = built.bundle.path.name.removesuffix(".zip").rsplit("-", 1)[1]
    entry = {
        "version": version,
        "bundle": built.bundle.path.name,
        "sha256": built.bundle.sha256,
        "commit": built.commit,
        "source_date_epoch": built.epoch,
        "exports_included": built.exports > 0,
        "layout": built.layout,
        "built_from": f"git revision {built.revision}"
        if built.revision
        else "work tree at the commit",
    }
    target = safepath.target(repo, repo / RECORDS / f"{version}.json")
    if target.exists():
        try:
            previous = json.loads(safepath.read(repo, target, MAX_RECORD_BYTES).decode("utf-8"))
        except (CannotRun, ValueError):
            previous = {}
        previous = previous if isinstance(previous, dict) else {}
        if previous.get("sha256") != built.bundle.sha256:
            raise Refused(
                f"{target.relative_to(repo)} records sha256 {previous.get('sha256')} for {version}; this build gives "
                f"{built.bundle.sha256}. A released version is never rebuilt differently: bump the version instead."
            )
        return target, True
    safepath.folder(repo, target.parent, create=True)
    atomic.write_all({target: (json.dumps(entry, indent=2) + "\n").encode("utf-8")}, base=repo)
    return target, False


def _all_or_none(write) -> list[Path]:
    try:
        return write()
    except (OSError, ValueError) as error:
        raise CannotRun(f"nothing written: {error}") from None


def _dirty(repo: Path, members: tuple[str, ...]) -> list[str]:
    """Bundled files whose work-tree content differs from HEAD, or that git does not track or ignores
    (a `__pycache__` under docs/ would go into the bundle, and no rebuild from the commit would hold it)."""
    paths = [m for m in members if m != "SHA256SUMS"]  # exports/ too: they are committed
    status = run_git(
        repo, "status", "--porcelain", "--untracked-files=all", "--ignored=matching", "--", *paths
    )
    return (
        [line[3:] for line in status.stdout.splitlines()]
        if status.returncode == 0
        else ["(git status failed)"]
    )


def _layout_of(repo: Path, commit: str) -> int:
    """The layout a recorded release of `commit` was built in (records before layouts: 1); the current one otherwise."""
    recorded = [entry for entry in records(repo) if entry.get("commit") == commit]
    if not recorded:
        return bundle.CURRENT_LAYOUT
    layout = recorded[0].get("layout", 1)
    if type(layout) is not int or layout not in bundle.LAYOUTS:  # not bool, not 2.7, not "2"
        raise CannotRun(
            f"the record of {recorded[0].get('version')!r} names bundle layout {str(layout)[:40]!r}, which is not one of "
            f"{', '.join(map(str, bundle.LAYOUTS))}; correct `layout` in releases/."
        )
    return layout


def exports_of(repo: Path) -> dict[str, bytes]:
    """What exports/ should hold for the package in `repo` (validate/exports/build.py `committed_files`)."""
    from ..exports.build import committed_files  # here: only this needs the export libraries

    return committed_files(repo)
