"""Write several files as one change: all of them or none."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_all_or_nothing(contents: dict[Path, bytes]) -> list[Path]:
    """Write every changed file of `contents`; return the files written.

    Each new content goes first to a temporary file beside its target; only when all are
    on disk are they renamed over their targets, so an error while writing leaves every
    target as it was.
    """
    changed = {path: data for path, data in contents.items() if not (path.exists() and path.read_bytes() == data)}
    staged: dict[Path, str] = {}
    try:
        for path, data in changed.items():
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            staged[path] = temporary
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            if path.exists():
                os.chmod(temporary, path.stat().st_mode & 0o777)
    except BaseException:
        for temporary in staged.values():
            Path(temporary).unlink(missing_ok=True)
        raise
    for path, temporary in staged.items():
        os.replace(temporary, path)
    return list(changed)
