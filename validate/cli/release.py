"""`python -m validate release [PATH]`: build the reproducible release bundle, and record it (validate/versioning/release.py).

Exit 0 built (or prepared), 1 the package is invalid, the version is not the bump the changes
need, or the record disagrees; 2 could not run.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from ..errors import EXIT_INVALID, EXIT_OK
from ..reporters import render_text
from ..safetext import visible
from ..versioning import published, release, zenodo
from ..versioning.records import RECORDS
from ..versioning.sides import REVISION_PREFIX, open_side
from .arguments import Parser, add_package, package_folder

SUMMARY = "Build the reproducible release bundle dist/<name>-<version>.zip with SHA256SUMS; prepare or record a release."


def build_parser(prog: str) -> argparse.ArgumentParser:
    """The parser of `release`."""
    parser = Parser(
        prog=prog,
        description="Validate the package and build dist/<name>-<version>.zip, a byte-reproducible bundle with SHA256SUMS "
        "(docs/releasing.md), holding exports/, which it rebuilds from the package. The package's folder is also the git "
        "repository. "
        "Exit 0 built, 1 the package is invalid or the record disagrees, 2 could not run.",
    )
    add_package(parser)
    parser.add_argument(
        "--from",
        dest="revision",
        help="build from this git revision instead of the work tree (e.g. a recorded commit)",
    )
    parser.add_argument(
        "--out",
        default="dist",
        help="folder for the bundle (default: dist, in the package's folder)",
    )
    parser.add_argument(
        "--no-exports",
        action="store_true",
        help="leave out the exports in dist/ even when they exist",
    )
    parser.add_argument(
        "--metadata",
        action="store_true",
        help=f"only rewrite what derives from datapackage.json (CITATION.cff's title naming the version, "
        f"{zenodo.ZENODO_FILE}), then exit",
    )
    parser.add_argument(
        "--prepare",
        metavar="X.Y.Z",
        help="set this version (and --date) in datapackage.json, CITATION.cff, CHANGELOG.md, README.md and .zenodo.json, "
        "after checking with diff that it gives the bump the changes since the last release need; then exit",
    )
    parser.add_argument(
        "--date", default=None, help="release date for --prepare (default: today, UTC)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help=f"the release check: build the exports of the package (or of --from REV) and compare them with "
        f"{published.FOLDER}/, naming each file that differs (exit 1); write nothing",
    )
    parser.add_argument(
        "--exports-only",
        action="store_true",
        help=f"only rebuild {published.FOLDER}/ from the package (or from --from REV, e.g. the newest release's "
        "commit), then exit",
    )
    parser.add_argument(
        "--record",
        action="store_true",
        help=f"write {RECORDS}/<version>.json with the bundle's sha256 and commit",
    )
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Prepare, rewrite the metadata, or build (and record) the bundle, as the options ask."""
    repo = package_folder(args.path)
    if args.prepare:
        return _prepare(repo, args.prepare, args.date or datetime.now(UTC).date().isoformat())
    if args.check or args.exports_only:
        return _exports(repo, args.revision, write=args.exports_only)
    if args.metadata:
        changed = release.state_metadata(repo)
        for path in changed:
            print(f"wrote {path.relative_to(repo)}")
        if not changed:
            print(f"unchanged: CITATION.cff, {zenodo.ZENODO_FILE}")
        return EXIT_OK
    try:
        built = release.build(
            repo, repo / args.out, args.revision, with_exports=not args.no_exports
        )
    except release.Invalid as invalid:
        sys.stdout.write(render_text(invalid.result))
        return _refused(str(invalid))
    for name in built.exports_written:
        print(f"{'rebuilt' if (repo / name).exists() else 'removed'} {visible(name)}")
    path = built.bundle.path
    if built.links:  # a committed link is reported, never followed (docs/passwd -> /etc/passwd)
        shown = ", ".join(visible(link) for link in built.links[:10])
        more = f" and {len(built.links) - 10} more" if len(built.links) > 10 else ""
        print(f"left out {len(built.links)} symbolic link(s), never followed: {shown}{more}")
    print(f"built {visible(str(path.relative_to(repo) if path.is_relative_to(repo) else path))}")
    print(f"sha256 {built.bundle.sha256}")
    print(
        f"files {len(built.bundle.members)} (exports {built.exports}); SOURCE_DATE_EPOCH {built.epoch}; commit {built.commit or '(none)'}"
    )
    if not args.record:
        return EXIT_OK
    try:
        target, already = release.record(repo, built)
    except release.Refused as refusal:
        return _refused(str(refusal))
    print(
        f"{target.relative_to(repo)} already records this bundle"
        if already
        else f"recorded {target.relative_to(repo)}"
    )
    return EXIT_OK


def _exports(repo: Path, revision: str | None, write: bool) -> int:
    """Build the exports of the work tree or of `revision`; write them into exports/, or compare them with it."""
    if revision is None:
        files = release.exports_of(repo)
    else:
        with open_side(f"{REVISION_PREFIX}{revision}", repo) as root:
            files = release.exports_of(root)
    if write:
        for name in published.write(repo, files):
            print(f"{'rebuilt' if (repo / name).exists() else 'removed'} {visible(name)}")
        print(
            f"{published.FOLDER}/ holds the exports of {'the work tree' if revision is None else visible(revision)}"
        )
        return EXIT_OK
    differing = published.differences(files, published.committed(repo))
    if not differing:
        print(f"{published.FOLDER}/ is what the package builds ({len(files)} files)")
        return EXIT_OK
    for line in differing[:20]:
        print(visible(line))
    more = f" and {len(differing) - 20} more" if len(differing) > 20 else ""
    return _refused(
        f"{published.FOLDER}/ is not what the package builds: {visible(differing[0])}{more} "
        f"({published.status(repo).line()}). Rebuild it with `make release` (or `release --exports-only`)."
    )


def _prepare(repo: Path, version: str, date: str) -> int:
    bump = release.check_bump(repo, version, date)
    if bump is not None:
        print(bump.since)
        if not bump.ok:
            return _refused(f"not prepared: {bump.reason} (`make diff` lists the changes).")
    for path in release.state_version(repo, version, date):
        print(f"wrote {path.relative_to(repo)}")
    print(
        "Now: review, `make validate`, commit, then `make release RELEASE_FLAGS=--record` (docs/releasing.md)."
    )
    return EXIT_OK


def _refused(reason: str) -> int:
    # a refusal, not a failure to run: exit 1, and the reason on stderr
    print(f"error: {reason}", file=sys.stderr)
    return EXIT_INVALID
