"""The path rule for what a command writes, and for what it copies out of a folder (a release bundle).

One rule for `release`, `fill`, `normalize`, `rename-id` and any other writer: a path is
used only when it is inside its base folder (the package, or an output folder the user
named) by its own name: no part of it, from the base down, is a symbolic link, and the
file itself is a regular file (or absent, for a file to be written). A link is never
followed, not even to a place inside the package: what a link points at can change
between the check and the use, and a committed link must not make a tool read or write
what the link names (`ln -s ~/.ssh dist`). Breaking the rule raises `UnsafeTarget`, a
`CannotRun`: the command exits 2 before anything is written.

The reading side of the package's own files is `Package.open_inside` (validate/package.py).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import CannotRun

# Open a file to read without following a final link and without waiting on a FIFO.
_READ = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


class UnsafeTarget(CannotRun):
    """A path breaks the path rule (a link, not a regular file, or outside its base); nothing was written."""


class TooLarge(UnsafeTarget):
    """A file to read is larger than its reader's limit; it was not read."""


def _shown(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix() or "."
    except ValueError:
        return str(path)


def _walk(base: Path, path: Path) -> list[Path]:
    """`path` and each folder between `base` and it, from the base down (`base` itself included)."""
    base, path = Path(os.path.abspath(base)), Path(os.path.abspath(path))
    if path != base and not path.is_relative_to(base):
        raise UnsafeTarget(f"{path} is outside {base}; nothing was written.")
    steps = [base]
    for part in path.relative_to(base).parts:
        steps.append(steps[-1] / part)
    return steps


def _kind(status: os.stat_result) -> str:
    if stat.S_ISLNK(status.st_mode):
        return "a symbolic link"
    if stat.S_ISDIR(status.st_mode):
        return "a folder"
    return "not a regular file (a FIFO, socket or device)"


def folder(base: Path, path: Path, create: bool = False) -> Path:
    """Check that `path` is `base` or a folder inside it with no link on the way; create what is missing if asked
    (a missing part holds no link: without `create` the check stops there).

    Raises UnsafeTarget. Returns the absolute path."""
    steps = _walk(base, path)
    for step in steps:
        try:  # the base itself was named by the user (it may be reached through a link); below it, nothing is
            status = os.stat(step) if step == steps[0] else os.lstat(step)
        except FileNotFoundError:
            if not create:
                break
            os.mkdir(step)
            continue
        if not stat.S_ISDIR(status.st_mode):
            raise UnsafeTarget(
                f"{_shown(step, steps[0])} is {_kind(status)}, not a folder; links are never followed. "
                "Nothing was written: remove it or choose another folder."
            )
    return steps[-1]


def target(base: Path, path: Path) -> Path:
    """Check a file to be written: inside `base` with no link on the way, and a regular file or absent. Raises UnsafeTarget."""
    steps = _walk(base, path)
    if len(steps) < 2:
        raise UnsafeTarget(f"{path} is a folder, not a file to write.")
    folder(steps[0], steps[-2])
    try:
        status = os.lstat(steps[-1])
    except FileNotFoundError:
        return steps[-1]
    if not stat.S_ISREG(status.st_mode):
        raise UnsafeTarget(
            f"{_shown(steps[-1], steps[0])} is {_kind(status)}; only a regular file is written, and no link is "
            "followed. Nothing was written."
        )
    return steps[-1]


def link_in(base: Path, path: Path) -> str | None:
    """Why `path` cannot be read under the rule (a link on the way, not a regular file), or None when it can."""
    shown = _shown(Path(os.path.abspath(path)), Path(os.path.abspath(base)))
    try:
        steps = _walk(base, path)
        if len(steps) < 2:
            return f"{shown} is a folder"
        for step in steps[1:]:
            status = os.lstat(step)
            if stat.S_ISLNK(status.st_mode):
                return f"{_shown(step, steps[0])} is a symbolic link"
        if not stat.S_ISREG(status.st_mode):
            return f"{shown} is {_kind(status)}"
    except UnsafeTarget:
        return f"{shown} is outside {base}"
    except FileNotFoundError:
        return f"{shown} does not exist"
    except OSError as error:
        return f"{shown} cannot be read ({error.strerror})"
    return None


def read(base: Path, path: Path, limit: int) -> bytes:
    """Read a regular file inside `base` under the rule, at most `limit` bytes. Raises UnsafeTarget."""
    why = link_in(base, path)
    if why is not None:
        raise UnsafeTarget(f"{why}; it is not read (links are never followed).")
    try:
        with os.fdopen(os.open(path, _READ), "rb") as file:
            status = os.fstat(file.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise UnsafeTarget(
                    f"{_shown(path, Path(base))} is {_kind(status)}; it is not read."
                )
            if status.st_size > limit:
                raise TooLarge(f"{_shown(path, Path(base))} is larger than {limit:,} bytes.")
            data = file.read(
                status.st_size + 1
            )  # not `limit + 1`: that much memory would be set aside
    except OSError as error:
        raise UnsafeTarget(f"cannot read {_shown(path, Path(base))}: {error.strerror}") from None
    if len(data) > limit:
        raise TooLarge(f"{_shown(path, Path(base))} is larger than {limit:,} bytes.")
    return data
