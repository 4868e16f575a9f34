"""Write several files all or nothing: temporary files beside the targets, renamed when all are ready.

A helper that changes several files (spans.csv and datapackage.json, say) must never leave
the package half-updated: every new content is written and flushed to a temporary file in
the target's own folder first (so the rename stays on one file system), and only when all
are ready are they renamed over their targets. If a rename fails, the files already
replaced get their old bytes back. Every target passes the writers' path rule first
(validate/safepath.py): a regular file or absent, and, under `base`, no link on the way.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from . import safepath


def write_all(files: dict[Path, bytes], base: Path | None = None) -> list[Path]:
    """Write every changed file of `files` ({target: new bytes}); return the targets rewritten, in order.

    Raises safepath.UnsafeTarget, before writing anything, for a target that is a link, not a regular file, or (with
    `base`, the package or output folder) outside `base` or reached through a link below it."""
    for path in files:
        safepath.target(base if base is not None else path.parent, path)
    old = {path: (path.read_bytes() if path.exists() else None) for path in files}
    changed = [path for path, data in files.items() if old[path] != data]
    temporaries: dict[Path, str] = {}
    try:
        for path in changed:
            temporaries[path] = _temporary_copy(path, files[path])
        replaced: list[Path] = []
        try:
            for path in changed:
                os.replace(temporaries.pop(path), path)
                replaced.append(path)
        except BaseException:
            for path in replaced:  # put back what was there: all or nothing
                previous = old[path]
                if previous is None:
                    path.unlink(missing_ok=True)
                else:
                    os.replace(_temporary_copy(path, previous), path)
            raise
    finally:
        for temporary in temporaries.values():
            Path(temporary).unlink(missing_ok=True)
    return changed


def _temporary_copy(path: Path, data: bytes) -> str:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


@contextmanager
def replacing(path: Path) -> Iterator[TextIO]:
    """A text file, written as it goes, that replaces `path` only when the block ends without an exception.

    For one file too large to hold whole (a report of a million errors): a failure leaves `path` as it was."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
