"""Running git for diff and release: one way to call it, with its output captured and a time limit."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ..errors import CannotRun

# A git command that takes longer is stopped and the command cannot run (exit 2).
GIT_TIMEOUT = 300


def run_git(repo: Path, *args: str, text: bool = True) -> subprocess.CompletedProcess:
    """Run git in `repo` (output captured); raise CannotRun when git cannot be run or times out."""
    try:
        return subprocess.run(
            ["git", "-C", str(repo), *args],
            check=False,
            capture_output=True,
            text=text,
            timeout=GIT_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise CannotRun(f"cannot run git: {error}") from None
