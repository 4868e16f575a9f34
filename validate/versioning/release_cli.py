"""`python -m validate release`: build the reproducible release bundle, and record it.

The work tree's package is validated first; an invalid package gives no bundle (exit 1).
`--from REV` rebuilds a git revision as it was (exported to a temporary folder, dated by
its commit, not validated again by checks that may postdate it), so that anyone can
rebuild a recorded release and compare the sha256. `--record`
writes `releases/<version>.json` (version, bundle file, sha256, commit, SOURCE_DATE_EPOCH);
from the work tree it refuses while the files it bundles have uncommitted changes, because
the record must name a commit that rebuilds the same bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import UTC, datetime
from datetime import date as calendar_date
from pathlib import Path

from ..csvio import write_atomically
from ..errors import EXIT_CANNOT_RUN, EXIT_INVALID, EXIT_OK, CannotRun
from ..package import load
from ..reporters import render_text
from ..runner import run
from ..safetext import visible_lines
from . import bundle, prepare, zenodo
from .bumps import Version, highest, judge
from .changes import compare
from .records import RECORDS, latest, records
from .sides import export_revision, git_commit, open_side, run_git


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `release`."""
    parser = argparse.ArgumentParser(
        prog="python -m validate release",
        description="Validate the package and build dist/<name>-<version>.zip, a byte-reproducible bundle with SHA256SUMS "
        "(docs/releasing.md). Exit 0 built, 1 the package is invalid or the record disagrees, 2 could not run.",
    )
    parser.add_argument("path", nargs="?", default=".", help="the package folder, also the git repository (default: .)")
    parser.add_argument("--from", dest="revision", help="build from this git revision instead of the work tree (e.g. a recorded commit)")
    parser.add_argument("--out", default="dist", help="folder for the bundle (default: dist, relative to PATH)")
    parser.add_argument("--no-exports", action="store_true", help="leave out the exports in dist/ even when they exist")
    parser.add_argument("--metadata", action="store_true",
                        help=f"only rewrite what derives from datapackage.json (CITATION.cff's title naming the version, "
                        f"{zenodo.ZENODO_FILE}), then exit")
    parser.add_argument("--prepare", metavar="X.Y.Z",
                        help="set this version (and --date) in datapackage.json, CITATION.cff, CHANGELOG.md, README.md and .zenodo.json, "
                        "after checking with diff that it gives the bump the changes since the last release need; then exit")
    parser.add_argument("--date", default=None, help="release date for --prepare (default: today, UTC)")
    parser.add_argument("--record", action="store_true", help=f"write {RECORDS}/<version>.json with the bundle's sha256 and commit")
    return parser


def _dirty(repo: Path, members: tuple[str, ...]) -> list[str]:
    """Bundled files whose work-tree content differs from HEAD, or that git does not track or ignores
    (a `__pycache__` under docs/ would go into the bundle, and no rebuild from the commit would hold it)."""
    paths = [m for m in members if not m.startswith("exports/") and m != "SHA256SUMS"]
    status = run_git(repo, "status", "--porcelain", "--untracked-files=all", "--ignored=matching", "--", *paths)
    return [line[3:] for line in status.stdout.splitlines()] if status.returncode == 0 else ["(git status failed)"]


def _prepare(repo: Path, version: str, date: str) -> int:
    """Check the new version against the changes since the last release, then state it everywhere."""
    if Version.parse(version) is None:
        print(f"error: {version!r} is not a version MAJOR.MINOR.PATCH.", file=sys.stderr)
        return EXIT_CANNOT_RUN
    try:
        calendar_date.fromisoformat(date)
    except ValueError:
        print(f"error: {date!r} is not a date YYYY-MM-DD.", file=sys.stderr)
        return EXIT_CANNOT_RUN
    record = latest(repo)
    try:
        if record is not None:
            with open_side(record["commit"], repo) as old_root:
                comparison = compare(load(old_root / "datapackage.json"), load(repo / "datapackage.json"))
            verdict = judge(highest(c.level for c in comparison.changes), record["version"], version)
            print(f"since {record['version']} ({record['commit'][:12]}): {len(comparison.changes)} changes; {verdict.reason}")
            if not verdict.ok:
                print(f"error: not prepared: {verdict.reason} (`make diff` lists the changes).", file=sys.stderr)
                return EXIT_INVALID
        changed = prepare.write_all(prepare.new_texts(repo, version, date))
    except CannotRun as error:
        print(f"error: {visible_lines(error)}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    except (OSError, ValueError) as error:
        print(f"error: nothing written: {visible_lines(error)}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    for path in changed:
        print(f"wrote {path.relative_to(repo)}")
    print("Now: review, `make validate`, commit, then `make release RELEASE_FLAGS=--record` (docs/releasing.md).")
    return EXIT_OK


def _build(root: Path, out: Path, epoch: int, with_exports: bool, check: bool = True, layout: int = bundle.CURRENT_LAYOUT) -> bundle.Bundle | None:
    if not check:
        return bundle.build(root, out, epoch, with_exports, layout)
    result = run(str(root / "datapackage.json"))
    if not result.valid or result.crashed:
        sys.stdout.write(render_text(result))
        print("error: the package is invalid; no bundle was built.", file=sys.stderr)
        return None
    return bundle.build(root, out, epoch, with_exports, layout)


def _layout_of(repo: Path, commit: str) -> int:
    """The layout a recorded release of `commit` was built in (records before layouts: 1); the current one otherwise."""
    recorded = [record for record in records(repo) if record.get("commit") == commit]
    if not recorded:
        return bundle.CURRENT_LAYOUT
    layout = recorded[0].get("layout", 1)
    if type(layout) is not int or layout not in bundle.LAYOUTS:  # not bool, not 2.7, not "2"
        raise CannotRun(f"the record of {recorded[0].get('version')!r} names bundle layout {str(layout)[:40]!r}, which is not one of "
                        f"{', '.join(map(str, bundle.LAYOUTS))}; correct `layout` in releases/.")
    return layout


def main(argv: list[str]) -> int:
    """Build the reproducible release bundle dist/<name>-<version>.zip with SHA256SUMS; prepare or record a release."""
    args = build_parser().parse_args(argv)
    repo = Path(args.path).resolve()
    out = repo / args.out
    if args.prepare:
        return _prepare(repo, args.prepare, args.date or datetime.now(UTC).date().isoformat())
    if args.metadata:
        try:
            changed = prepare.write_all(prepare.metadata_texts(repo))
        except CannotRun as error:
            print(f"error: {visible_lines(error)}", file=sys.stderr)
            return EXIT_CANNOT_RUN
        except OSError as error:
            print(f"error: nothing written: {visible_lines(error)}", file=sys.stderr)
            return EXIT_CANNOT_RUN
        for path in changed:
            print(f"wrote {path.relative_to(repo)}")
        if not changed:
            print(f"unchanged: CITATION.cff, {zenodo.ZENODO_FILE}")
        return EXIT_OK
    try:
        if args.revision:
            commit = git_commit(repo, args.revision)
            if commit is None:
                raise CannotRun(f"{args.revision!r} is not a git revision of {repo}.")
            epoch = int(run_git(repo, "log", "-1", "--format=%ct", commit).stdout.strip())
            layout = _layout_of(repo, commit)
            with tempfile.TemporaryDirectory(prefix="validate-release-") as temporary:
                export_revision(commit, repo, Path(temporary))
                # not validated again: today's checks may postdate the revision, which was validated when it was made
                built = _build(Path(temporary), out, epoch, with_exports=False, check=False, layout=layout)
        else:
            commit = git_commit(repo)
            epoch = bundle.source_date_epoch(repo)
            layout = bundle.CURRENT_LAYOUT
            built = _build(repo, out, epoch, with_exports=not args.no_exports)
    except CannotRun as error:
        print(f"error: {visible_lines(error)}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    if built is None:
        return EXIT_INVALID
    exports = sum(1 for member in built.members if member.startswith("exports/"))
    print(f"built {built.path.relative_to(repo) if built.path.is_relative_to(repo) else built.path}")
    print(f"sha256 {built.sha256}")
    print(f"files {len(built.members)} (exports {exports}); SOURCE_DATE_EPOCH {epoch}; commit {commit or '(none)'}")
    if not args.record:
        return EXIT_OK
    if commit is None:
        print("error: --record needs a git repository: the record names the commit the bundle was built from.", file=sys.stderr)
        return EXIT_CANNOT_RUN
    if not args.revision:
        dirty = _dirty(repo, built.members)
        if dirty:
            print(f"error: not recorded: uncommitted, untracked or ignored files in {', '.join(dirty[:5])}; commit or remove them, "
                  "then run again.", file=sys.stderr)
            return EXIT_INVALID
    version = built.path.name.removesuffix(".zip").rsplit("-", 1)[1]
    record = {"version": version, "bundle": built.path.name, "sha256": built.sha256, "commit": commit,
              "source_date_epoch": epoch, "exports_included": exports > 0, "layout": layout,
              "built_from": f"git revision {args.revision}" if args.revision else "work tree at the commit"}
    target = repo / RECORDS / f"{version}.json"
    if target.exists():
        try:
            previous = json.loads(target.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            previous = {}
        if previous.get("sha256") != built.sha256:
            print(f"error: {target.relative_to(repo)} records sha256 {previous.get('sha256')} for {version}; this build gives "
                  f"{built.sha256}. A released version is never rebuilt differently: bump the version instead.", file=sys.stderr)
            return EXIT_INVALID
        print(f"{target.relative_to(repo)} already records this bundle")
        return EXIT_OK
    target.parent.mkdir(exist_ok=True)
    write_atomically(target, (json.dumps(record, indent=2) + "\n").encode("utf-8"))
    print(f"recorded {target.relative_to(repo)}")
    return EXIT_OK
