"""The last line of defence: an unexpected exception is a bug, reported as one, exit 2.

Every command runs inside `guarded`, so whatever a package holds the answer is 0, 1 or 2:
never a traceback, and never 1 (which would say "invalid" about a package we failed to judge).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable

from .errors import EXIT_CANNOT_RUN
from .safetext import visible


def guarded(command: str, argv: list[str], run: Callable[[list[str]], int]) -> int:
    """Run `run(argv)`; turn any unexpected exception into a bug report on stderr and exit 2."""
    try:
        return run(argv)
    except SystemExit:
        raise  # argparse's own usage errors (exit 2) and --help (exit 0)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_CANNOT_RUN
    except BaseException as exception:  # noqa: BLE001 - MemoryError and RecursionError are bugs to report too
        detail = visible(f"{type(exception).__name__}: {exception}")[:500]
        where = visible(" ".join(argv))[:300]
        with contextlib.suppress(Exception):  # stderr itself may be gone
            print(
                f"error: a bug in the validator: `{command}` failed on {where or 'its default input'} with {detail}. "
                "The input was not judged; please report this message.",
                file=sys.stderr,
            )
        return EXIT_CANNOT_RUN
