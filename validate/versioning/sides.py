"""Open one side of a comparison as a package folder: a folder, a release bundle or a git revision.

A side is named on the command line. `git:REV` is always a git revision and a name starting
with `./`, `../` or `/` is always a path; any other name that is both an existing path and a
revision of the repository is refused as ambiguous (a pull request could otherwise add a
folder named like the base commit and compare with itself).

A bundle is unpacked, and a git revision is exported from `git archive` (read as a stream,
never held whole), into a temporary folder that is removed afterwards: the work tree is
never checked out over, and nothing outside the temporary folder is written. Unpacking
refuses absolute paths, `..`, links in bundles, members larger than the limit, more bytes
in total than the limit, encrypted members and compression methods Python cannot read. A
link committed in a revision is not followed or written: it is listed in the side's notes.
"""

from __future__ import annotations

import json
import lzma
import os
import subprocess
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO

from ..errors import CannotRun
from ..safetext import visible
from . import bundle
from .git import GIT_TIMEOUT, run_git

MAX_MEMBER_BYTES = 200_000_000
MAX_TOTAL_BYTES = (
    1_000_000_000  # all members together: a small zip of bzip2 members can expand a thousandfold
)
MAX_MEMBERS = 10_000
REVISION_PREFIX = "git:"
_READABLE_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
_COPY_CHUNK = 1 << 20


def _is_explicit_path(spec: str) -> bool:
    return spec in (".", "..") or spec.startswith(("./", "../", "/"))


@contextmanager
def open_side(spec: str, repo: Path, notes: list[str] | None = None) -> Iterator[Path]:
    """Yield the folder holding datapackage.json for `spec` (folder, descriptor, .zip bundle or git revision).

    `notes` (when given) receives what the reader should know about the side, such as links
    in a revision that were not followed. Raises CannotRun when the side cannot be read or
    its name is ambiguous."""
    if spec.startswith(REVISION_PREFIX):
        with _revision_side(spec.removeprefix(REVISION_PREFIX), repo, notes) as root:
            yield root
        return
    path = Path(spec)
    if not _is_explicit_path(spec) and path.exists() and _resolves(repo, spec):
        raise CannotRun(
            f"{visible(spec)!r} is both a path and a git revision of {repo}; name the one you mean: "
            f"'{REVISION_PREFIX}{visible(spec)}' for the revision, './{visible(spec)}' for the path."
        )
    if path.is_dir():
        yield _package_root(path, spec)
    elif path.is_file() and path.name.endswith(".json"):
        yield path.parent
    elif path.is_file() and zipfile.is_zipfile(path):
        with tempfile.TemporaryDirectory(prefix="validate-diff-") as temporary:
            _unzip(path, Path(temporary))
            yield _package_root(Path(temporary), spec)
    elif path.exists() or path.is_symlink() or _is_explicit_path(spec):
        raise CannotRun(
            f"{visible(spec)} is neither a package folder, a datapackage.json nor a release bundle (.zip)."
        )
    else:
        with _revision_side(spec, repo, notes) as root:
            yield root


@contextmanager
def _revision_side(revision: str, repo: Path, notes: list[str] | None) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="validate-diff-") as temporary:
        links = export_revision(revision, repo, Path(temporary))
        if notes is not None:
            notes += [
                f"{visible(revision)}: {visible(link)} is a link; not followed, not compared"
                for link in links
            ]
        yield _package_root(Path(temporary), revision)


def _resolves(repo: Path, revision: str) -> bool:
    if revision.startswith("-"):
        return False
    try:
        return (
            run_git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").returncode
            == 0
        )
    except CannotRun:
        return False


def _package_root(folder: Path, spec: str) -> Path:
    """The folder itself, or its only subfolder (a bundle unpacks into `<name>-<version>/`)."""
    if (folder / "datapackage.json").is_file():
        return folder
    children = [child for child in folder.iterdir() if not child.name.startswith(".")]
    if len(children) == 1 and (children[0] / "datapackage.json").is_file():
        return children[0]
    raise CannotRun(
        f"{visible(spec)} holds no datapackage.json (at its top or in its only folder)."
    )


def _safe_member(name: str, where: str) -> PurePosixPath:
    member = PurePosixPath(name)
    if member.is_absolute() or ".." in member.parts or "\\" in name or not member.parts:
        raise CannotRun(f"{where} holds an unsafe path {visible(name)!r}; it was not unpacked.")
    return member


class _Budget:
    """Bytes written so far, against the per-member and total caps."""

    def __init__(self, where: str) -> None:
        self.where, self.total = where, 0

    def copy(self, source: IO[bytes], destination: Path, name: str) -> None:
        written = 0
        # O_EXCL | O_NOFOLLOW: a member never writes through a link or over a file already unpacked
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(destination, flags, 0o644), "wb") as out:
            while chunk := source.read(_COPY_CHUNK):
                written += len(chunk)
                self.total += len(chunk)
                if written > MAX_MEMBER_BYTES:
                    raise CannotRun(
                        f"{self.where}: {visible(name)!r} is larger than {MAX_MEMBER_BYTES:,} bytes; not read."
                    )
                if self.total > MAX_TOTAL_BYTES:
                    raise CannotRun(
                        f"{self.where} expands to more than {MAX_TOTAL_BYTES:,} bytes in all; not read."
                    )
                out.write(chunk)


def _unzip(archive_path: Path, target: Path) -> None:
    where = f"the bundle {visible(archive_path)}"
    try:
        with zipfile.ZipFile(archive_path) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise CannotRun(f"{where} holds more than {MAX_MEMBERS} files.")
            if sum(info.file_size for info in members) > MAX_TOTAL_BYTES:
                raise CannotRun(
                    f"{where} expands to more than {MAX_TOTAL_BYTES:,} bytes in all; not read."
                )
            budget = _Budget(where)
            for info in members:
                member = _safe_member(info.filename, where)
                shown = visible(info.filename)
                if (info.external_attr >> 16) & 0o170000 == 0o120000:
                    raise CannotRun(
                        f"{where}: {shown!r} is a symbolic link; bundles hold regular files only."
                    )
                if info.flag_bits & 0x1:
                    raise CannotRun(f"{where}: {shown!r} is encrypted; bundles are not.")
                if info.compress_type not in _READABLE_METHODS:
                    raise CannotRun(
                        f"{where}: {shown!r} uses compression method {info.compress_type}, which cannot be read "
                        "(bundles use stored, deflate, bzip2 or LZMA)."
                    )
                if info.file_size > MAX_MEMBER_BYTES:
                    raise CannotRun(
                        f"{where}: {shown!r} is larger than {MAX_MEMBER_BYTES:,} bytes."
                    )
                destination = target.joinpath(*member.parts)
                if info.is_dir():
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source:
                    budget.copy(source, destination, info.filename)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        RuntimeError,
        NotImplementedError,
        ValueError,
        zlib.error,
        lzma.LZMAError,
    ) as error:
        raise CannotRun(f"cannot unpack {where}: {visible(error)}") from None


# Besides the resources and schemas the descriptor names, the files a release needs.
# what a git revision is read for: every file and folder any bundle layout holds (the resources are added from its descriptor)
PACKAGE_FILES = tuple(
    sorted(
        {
            *bundle.REQUIRED_FILES,
            *(
                name
                for layout in bundle.LAYOUTS.values()
                for name in (*layout.optional_files, *layout.folders)
            ),
        }
    )
)


def _package_paths(repo: Path, commit: str) -> list[str]:
    """The top-level entries of `commit` that hold the package: only these are exported (not tests/, not the code)."""
    wanted = set(PACKAGE_FILES)
    size = run_git(repo, "cat-file", "-s", f"{commit}:datapackage.json")
    small = size.returncode == 0 and size.stdout.strip().isdigit() and int(size.stdout) <= 2**24
    shown = run_git(repo, "show", f"{commit}:datapackage.json") if small else None
    try:
        descriptor = json.loads(shown.stdout) if shown and shown.returncode == 0 else {}
    except ValueError:
        descriptor = {}
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    for resource in resources if isinstance(resources, list) else []:
        for key in ("path", "schema"):
            value = resource.get(key) if isinstance(resource, dict) else None
            if (
                isinstance(value, str)
                and value
                and not value.startswith(("/", "-"))
                and "://" not in value
            ):
                wanted.add(value.split("/", 1)[0])
    top = set(run_git(repo, "ls-tree", "--name-only", commit).stdout.splitlines())
    return sorted(wanted & top)


def export_revision(revision: str, repo: Path, target: Path) -> list[str]:
    """Write the package files of git revision `revision` of `repo` into `target`; return the links it holds.

    `git archive` is read as a stream, member by member, within the same caps as a bundle. A
    link (symbolic or hard) is neither followed nor written: its path is returned, so the
    caller can say so. The work tree is not touched."""
    if revision.startswith("-"):
        raise CannotRun(f"{visible(revision)!r} is not a folder, a bundle or a git revision.")
    commit = run_git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if commit.returncode != 0:
        raise CannotRun(
            f"{visible(revision)!r} is not a folder, a bundle (.zip) or a git revision of {repo}."
        )
    commit_id = commit.stdout.strip()
    paths = _package_paths(repo, commit_id)
    if "datapackage.json" not in paths:
        raise CannotRun(
            f"git revision {visible(revision)} has no datapackage.json at the top of the repository."
        )
    where = f"git revision {visible(revision)}"
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                ["git", "-C", str(repo), "archive", "--format=tar", commit_id, "--", *paths],
                stdout=subprocess.PIPE,
                stderr=errors,
            )
        except OSError as error:
            raise CannotRun(f"cannot run git: {error}") from None
        assert process.stdout is not None
        try:
            links = _untar(process.stdout, target, where)
        except (tarfile.TarError, OSError, EOFError) as error:
            raise CannotRun(f"cannot read {where}: {visible(error)}") from None
        finally:
            process.stdout.close()
            try:
                status = process.wait(timeout=GIT_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                status = -1
        if status != 0:
            errors.seek(0)
            message = errors.read(4096).decode("utf-8", "replace").strip()
            raise CannotRun(f"git archive {visible(revision)} failed: {visible(message)}")
    return links


def _untar(stream: IO[bytes], target: Path, where: str) -> list[str]:
    """Unpack a tar stream's directories and regular files into `target`; return the links, unwritten."""
    links: list[str] = []
    budget = _Budget(where)
    count = 0
    with tarfile.open(fileobj=stream, mode="r|") as tar:
        for member in tar:
            count += 1
            if count > MAX_MEMBERS:
                raise CannotRun(f"{where} holds more than {MAX_MEMBERS} files.")
            if member.name == "pax_global_header" or member.type in (
                tarfile.XGLTYPE,
                tarfile.XHDTYPE,
            ):
                continue
            parts = _safe_member(member.name, where).parts
            destination = target.joinpath(*parts)
            if member.isdir():
                destination.mkdir(parents=True, exist_ok=True)
            elif member.isreg():
                if member.size > MAX_MEMBER_BYTES:
                    raise CannotRun(
                        f"{where}: {visible(member.name)!r} is larger than {MAX_MEMBER_BYTES:,} bytes; not read."
                    )
                destination.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None  # a regular member always has content
                budget.copy(source, destination, member.name)
            else:  # a link (or anything else git might hold): listed, never followed or written
                links.append(member.name)
    return links


def git_commit(repo: Path, revision: str = "HEAD") -> str | None:
    """The full commit id of `revision` in `repo`, or None when it is not a git repository."""
    try:
        result = run_git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except CannotRun:
        return None
    return result.stdout.strip() if result.returncode == 0 else None
