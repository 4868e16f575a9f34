"""What the commands share: the parser class, the usage error, the package argument, and reading a file they are named."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NoReturn

from ..errors import CannotRun
from ..limits import DEFAULT
from ..package import UnsafePath, read_regular

PACKAGE_DEFAULT = "datapackage.json"


class UsageError(CannotRun):
    """The command line itself is wrong (exit 2, `kind: usage` in a JSON error)."""


class ReportBegun(CannotRun):
    """The command could not finish after part of its report was written to standard output:
    no JSON error document may follow it there."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that raises UsageError instead of printing and exiting, so that the
    dispatcher reports it like every other failure (in the requested format)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}; `{self.prog} --help` shows the usage")


def add_package(parser: argparse.ArgumentParser) -> None:
    """Add the optional PATH of the package: the one spelling every command that reads a package uses."""
    parser.add_argument(
        "path",
        nargs="?",
        default=PACKAGE_DEFAULT,
        metavar="PATH",
        help=f"datapackage.json or its folder (default: ./{PACKAGE_DEFAULT})",
    )


def package_folder(path: str) -> Path:
    """The folder of the package that PATH names (PATH is a datapackage.json or its folder), absolute."""
    resolved = Path(path).resolve()
    return resolved if resolved.is_dir() else resolved.parent


def comma_list(value: str) -> list[str]:
    """Split `a,b, c` into ['a', 'b', 'c'] (the ruff/flake8 convention for --select)."""
    return [item.strip() for item in value.split(",") if item.strip()]


def count(text: str) -> int:
    """A whole number, 0 or more (argparse's `type=int` would take -1)."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number, 0 or more, not {text!r}")
    return int(text)


def read_named_file(path: str, what: str = "snapshot") -> str:
    """Read a text file named on the command line: a regular file (a FIFO would hang), within the limits."""
    try:
        text = read_regular(Path(path).resolve(), DEFAULT, "file-bytes", path).decode(
            "utf-8"
        )  # a link named on the command line is the user's choice
        DEFAULT.check("snapshot-chars", len(text), f"{path} (snapshot-chars)")
        return text
    except (
        OSError,
        RuntimeError,
        ValueError,
        UnsafePath,
    ) as error:  # a link loop; LimitExceeded and UnicodeDecodeError are ValueErrors
        raise CannotRun(f"cannot read {what} {path}: {error}") from None
