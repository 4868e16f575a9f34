"""How the command line ends a run it could not finish, and how it goes quiet on a closed pipe."""

from __future__ import annotations

import json
import os
import sys

from ..errors import CannotRun
from ..reporters import JSON_FORMAT_VERSION
from ..safetext import visible_lines
from .arguments import ReportBegun, UsageError


def report_cannot_run(error: CannotRun, as_json: bool) -> None:
    """Say why the command could not run: on stderr, and under --format json also as a JSON document on stdout."""
    message = str(error)
    print(f"error: {visible_lines(message)}", file=sys.stderr)
    if as_json and not isinstance(error, ReportBegun):
        kind = "usage" if isinstance(error, UsageError) else "cannot-run"
        envelope = {
            "format_version": JSON_FORMAT_VERSION,
            "valid": None,
            "error": {"kind": kind, "message": message},
        }
        sys.stdout.write(json.dumps(envelope, indent=2, ensure_ascii=False) + "\n")
        sys.stdout.flush()


def silence_stdout() -> None:
    """Point stdout at /dev/null: the reader went away (`... | head`), and the final flush at exit must stay quiet too."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (tests capture it)
        pass
    finally:
        os.close(devnull)
