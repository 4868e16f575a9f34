"""The output folder: which folder exports may write into, and the only files in it they replace or remove.

dist/ is shared (a release writes its bundles there), so exports never replace the folder whole: they
own exactly the files listed in `dist/.exports.json` (hidden, so a release bundle leaves it out), the
files an earlier build wrote. A build stages every file in a hidden folder inside dist/ and then
renames each into place, putting the previous files back if any step fails; a file it did not write
is never overwritten or removed. The folder is refused when it is a symbolic link, when it holds the
package or a file of it, or when it is inside a folder of the package's files.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

MANIFEST = ".exports.json"
STAGING = ".exports-staging-"  # + the building process's id + "-" + a random part
MAX_MANIFEST_BYTES = 1 << 20


class UnsafeDist(ValueError):
    """The output folder cannot be used without reading, writing or removing what exports do not own."""


def check_folder(dist: Path, root: Path, package_files: list[Path]) -> Path:
    """Refuse a `dist` that is a link, holds the package or one of its files, or is inside a folder of its files.

    `root` is the package's folder, `package_files` the files it names (descriptor, tables, schemas, texts);
    returns the folder's resolved path (its last part not followed: it is not a link)."""
    refuse_link(dist)
    if dist.exists() and not dist.is_dir():
        raise UnsafeDist(f"{dist} exists and is not a folder")
    absolute = Path(os.path.abspath(dist))
    real = absolute.resolve() if dist.exists() else absolute.parent.resolve() / absolute.name
    root = root.resolve()
    if root.is_relative_to(real):
        raise UnsafeDist(
            f"{dist} is {'the package folder' if real == root else 'a folder that holds the package'} "
            f"({root}); choose an output folder of its own, e.g. {root / 'dist'}"
        )
    for file in package_files:
        resolved = file.resolve()
        if resolved.is_relative_to(real):
            raise UnsafeDist(
                f"{dist} holds {resolved.relative_to(root) if resolved.is_relative_to(root) else resolved}, "
                "a file of the package; choose an output folder of its own"
            )
        if resolved.parent != root and real.is_relative_to(resolved.parent):
            raise UnsafeDist(
                f"{dist} is inside {resolved.parent.relative_to(root) if resolved.parent.is_relative_to(root) else resolved.parent}, "
                "a folder of the package's files; choose an output folder of its own"
            )
    return real


def refuse_link(dist: Path) -> None:
    """Refuse an output folder that is a symbolic link (`ln -s ~/.ssh dist`): it is never followed."""
    if dist.is_symlink():
        raise UnsafeDist(
            f"{dist} is a symbolic link (to {os.readlink(dist)}); exports never write through a link"
        )


def owned(dist: Path, patterns: list[str]) -> list[str]:
    """The files an earlier build listed in dist's manifest (each a plain relative path an export's pattern allows)."""
    path = dist / MANIFEST
    if not os.path.lexists(path):
        return []
    text = _read_regular(path)
    try:
        files = json.loads(text)["files"]
    except (ValueError, KeyError, TypeError) as error:
        raise UnsafeDist(f"{path} is not a manifest exports wrote ({error})") from None
    if not isinstance(files, list) or not all(
        isinstance(f, str) and allowed(f, patterns) for f in files
    ):
        raise UnsafeDist(
            f"{path} lists a file no export writes; exports remove only files they wrote"
        )
    return files


def allowed(relative: str, patterns: list[str]) -> bool:
    """True when `relative` is a plain relative path (no '..', no hidden part) that one of the exports' `patterns` names."""
    parts = relative.split("/")
    if any(not part or part.startswith(".") or "\\" in part for part in parts):
        return False
    return any(re.fullmatch(pattern, relative) for pattern in patterns)


def inside(dist: Path, relative: str) -> Path:
    """`dist / relative`, refused unless `relative` is a plain relative path that stays inside `dist` once normalised."""
    parts = relative.split("/")
    within = os.path.normpath(os.path.join(os.path.abspath(dist), relative))
    if (
        not relative
        or os.path.isabs(relative)
        or any(part in ("", ".", "..") or "\\" in part or "\0" in part for part in parts)
        or not Path(within).is_relative_to(os.path.abspath(dist))
    ):
        raise UnsafeDist(
            f"{relative[:200]!r} is not a file name inside {dist}; exports write only inside their output folder. "
            "Nothing was written."
        )
    return dist / relative


def check_targets(dist: Path, files: list[str], owned_files: list[str]) -> None:
    """Refuse when writing `files` into `dist` would leave it, replace something exports did not write, or go through a link."""
    for relative in files:
        target = inside(dist, relative)
        _real_folders(dist, target)
        if os.path.lexists(target) and relative not in owned_files:
            raise UnsafeDist(
                f"{target} is there and exports did not write it (it is not listed in {dist / MANIFEST}); "
                "move it away or choose another output folder"
            )
        if os.path.lexists(target) and not stat.S_ISREG(os.lstat(target).st_mode):
            raise UnsafeDist(
                f"{target} is not a regular file; exports replace only their own files"
            )


def remove_stale_staging(dist: Path) -> None:
    """Remove the staging folders of earlier builds whose process is gone (killed before it could clean up)."""
    if not dist.is_dir():
        return
    for entry in dist.iterdir():
        match = re.fullmatch(re.escape(STAGING) + r"(\d+)-[A-Za-z0-9_]+", entry.name)
        if match and not entry.is_symlink() and entry.is_dir() and not _alive(int(match[1])):
            shutil.rmtree(entry, ignore_errors=True)


def staging_folder(dist: Path) -> Path:
    """A new hidden folder inside `dist` for one build, named after this process."""
    return Path(tempfile.mkdtemp(dir=dist, prefix=f"{STAGING}{os.getpid()}-"))


def commit(staging: Path, dist: Path, files: list[str], owned_files: list[str]) -> None:
    """Move every staged file of `files` into `dist` and remove the owned files no longer built, all or none.

    The manifest first lists the old and new files together (a build killed midway leaves no file that a
    later build may not replace), and at the end only the new ones."""
    _write_manifest(dist, sorted(set(files) | set(owned_files)), staging)
    replaced = staging / ".replaced"
    replaced.mkdir()
    done: list[tuple[Path, Path | None]] = []  # (target, where its previous file is kept)
    try:
        for number, relative in enumerate(files):
            target = inside(dist, relative)
            for folder in reversed(target.relative_to(dist).parents[:-1]):
                (dist / folder).mkdir(exist_ok=True)
            _real_folders(dist, target)
            kept = None
            if os.path.lexists(target):
                kept = replaced / str(number)
                os.replace(target, kept)
            done.append((target, kept))
            os.replace(staging / relative, target)
        for number, relative in enumerate(sorted(set(owned_files) - set(files)), len(files)):
            target = inside(dist, relative)
            _real_folders(dist, target)
            if os.path.lexists(target) and stat.S_ISREG(os.lstat(target).st_mode):
                kept = replaced / str(number)
                os.replace(target, kept)
                done.append((target, kept))
    except BaseException:
        for target, kept in reversed(done):  # put back what was there: all or nothing
            if kept is not None:
                os.replace(kept, target)
            else:
                with contextlib.suppress(FileNotFoundError):
                    target.unlink()
        raise
    _write_manifest(dist, sorted(files), staging)


class Signals:
    """The signals received while `signals_raise` was in force."""

    def __init__(self) -> None:
        self.received: list[int] = []

    def exit_code(self) -> int | None:
        """128 + the first signal received, as a shell reports a process a signal ended; None when none came."""
        return 128 + self.received[0] if self.received else None


@contextlib.contextmanager
def signals_raise() -> Iterator[Signals]:
    """Within the block, SIGTERM and SIGHUP raise SystemExit (so that cleanup runs) instead of ending the process at once.

    A library may turn that exception into its own (DuckDB: "Query interrupted"): the caller asks the yielded
    Signals whether one came, and exits as the signal asked."""
    signals = Signals()
    if threading.current_thread() is not threading.main_thread():
        yield signals
        return

    def stop(number, frame):
        signals.received.append(number)
        raise SystemExit(128 + number)

    previous = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield signals
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _write_manifest(dist: Path, files: list[str], staging: Path) -> None:
    temporary = staging / MANIFEST
    temporary.write_text(json.dumps({"files": files}, indent=1) + "\n", encoding="utf-8")
    target = dist / MANIFEST
    if os.path.lexists(target) and not stat.S_ISREG(os.lstat(target).st_mode):
        raise UnsafeDist(f"{target} is not a regular file")
    os.replace(temporary, target)


def _real_folders(dist: Path, target: Path) -> None:
    """Refuse a folder between `dist` and `target` that is a link (writing there would leave dist)."""
    for folder in reversed(target.relative_to(dist).parents[:-1]):
        path = dist / folder
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            raise UnsafeDist(
                f"{path} is a symbolic link or not a folder; exports never write through a link"
            )


def _read_regular(path: Path) -> str:
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        raise UnsafeDist(f"{path} cannot be read as a regular file ({error.strerror})") from None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise UnsafeDist(f"{path} is not a regular file")
        data = handle.read(MAX_MANIFEST_BYTES + 1)
    if len(data) > MAX_MANIFEST_BYTES:
        raise UnsafeDist(f"{path} is larger than a manifest exports write")
    return data.decode("utf-8", errors="replace")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return pid != 0
