"""The errors of one run, in report order, with memory bounded however many there are.

A package broken on every row yields an error per row: a million `Error` objects and their
messages would cost gigabytes. `ErrorLog` keeps at most `spill_after` errors in memory;
past that it sorts them and writes them as one sorted run (a JSON array per line) to a private
temporary folder, and iterating merges the runs (`heapq.merge`) with what is still in memory.
The order is exactly that of one stable sort of every error by `Error.sort_key`: runs hold
errors in the order they were added, and `heapq.merge` takes equal keys from earlier runs first.

The counts the report's summary needs (errors, warnings, per check, per code) are kept as the
errors arrive, so reading them never walks the errors.

PASS: three errors added out of order come back sorted by file, line, row, field, check, code.
FAIL: when the temporary folder cannot be written (disk full, no `TMPDIR`), `SpillFailed` says so (exit 2).
"""

from __future__ import annotations

import heapq
import json
import shutil
import tempfile
import weakref
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from .errors import CannotRun, Error

# Errors held in memory before a sorted run is written: a few megabytes at most.
SPILL_AFTER = 20_000
# Runs merged at once; past this many, they are merged into one, so open files stay few.
MAX_RUNS = 64


class SpillFailed(CannotRun):
    """The errors could not be written to the temporary folder: the run cannot finish (exit 2)."""


class ErrorLog:
    """Errors added in any order, read back sorted by `Error.sort_key(check_rank)`.

    PASS: `len(log)`, `log.severities["error"]`, `log.by_check[...]` are exact after any number of `add`.
    """

    def __init__(self, check_rank: dict[str, int], spill_after: int = SPILL_AFTER):
        self._rank = check_rank
        self._spill_after = max(1, spill_after)
        self._buffer: list[Error] = []
        self._buffer_sorted = True
        self._runs: list[Path] = []
        self._runs_written = 0
        self._folder: Path | None = None
        self._remove_folder: weakref.finalize | None = None
        self._count = 0
        self._closed = False
        self.severities: Counter[str] = Counter()
        self.by_check: Counter[str] = Counter()
        self.by_code: Counter[str] = Counter()

    def add(self, error: Error) -> None:
        """Keep `error` (written to a sorted run when the buffer is full)."""
        self._buffer.append(error)
        self._buffer_sorted = False
        self._count += 1
        self.severities[error.severity] += 1
        self.by_check[error.check] += 1
        self.by_code[error.code] += 1
        if len(self._buffer) >= self._spill_after:
            self._spill()

    def extend(self, errors: Iterable[Error]) -> None:
        """`add` each error, consuming `errors` lazily (a check's generator is never held whole)."""
        for error in errors:
            self.add(error)

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __iter__(self) -> Iterator[Error]:
        """Every error, in report order; may be iterated again (runs stay until `close`, after which reading is refused)."""
        if self._closed:
            raise ValueError("the error log is closed: its spilled errors are gone")
        self._sort_buffer()
        if not self._runs:
            return iter(
                list(self._buffer)
            )  # a copy: adding while iterating must not change what is read
        return heapq.merge(
            *(self._read(run) for run in self._runs), list(self._buffer), key=self._key
        )

    @property
    def spilled(self) -> bool:
        """True when some errors live in temporary runs rather than in memory."""
        return bool(self._runs)

    def close(self) -> None:
        """Remove the temporary runs (also done, quietly, when the log is garbage-collected or at exit)."""
        if self._remove_folder is not None:
            self._remove_folder()
        self._folder, self._remove_folder, self._runs = None, None, []
        self._closed = True

    def __enter__(self) -> ErrorLog:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _key(self, error: Error) -> tuple:
        return error.sort_key(self._rank)

    def _sort_buffer(self) -> None:
        if not self._buffer_sorted:
            self._buffer.sort(key=self._key)  # stable: equal keys keep the order they were added in
            self._buffer_sorted = True

    def _spill(self) -> None:
        try:
            self._spill_buffer()
        except OSError as error:
            raise SpillFailed(
                f"more than {self._spill_after:,} errors are kept in sorted runs in a temporary folder, and that folder could "
                f"not be written ({error.strerror or error}): free space in {tempfile.gettempdir()}, set TMPDIR to another "
                "folder, or run with a lower --max-errors."
            ) from error

    def _spill_buffer(self) -> None:
        self._sort_buffer()
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="validate-errors-"))
            self._remove_folder = weakref.finalize(
                self, shutil.rmtree, self._folder, ignore_errors=True
            )
        self._runs.append(self._write(self._buffer))
        self._buffer = []
        if len(self._runs) >= MAX_RUNS:
            merged = self._write(
                heapq.merge(*(self._read(run) for run in self._runs), key=self._key)
            )
            for run in self._runs:
                run.unlink()
            self._runs = [merged]

    def _write(self, errors: Iterable[Error]) -> Path:
        assert self._folder is not None
        self._runs_written += 1
        path = self._folder / f"run-{self._runs_written}.jsonl"
        with open(path, "w", encoding="utf-8") as run:
            for error in errors:
                # ensure_ascii: a lone surrogate from a package survives the round trip, and no line break is raw
                run.write(json.dumps(error.fields()) + "\n")
        return path

    @staticmethod
    def _read(path: Path) -> Iterator[Error]:
        run: IO[str]
        try:
            with open(path, encoding="utf-8") as run:
                for line in run:
                    yield Error(*json.loads(line))
        except OSError as error:  # the folder was cleaned away under the run, or the disk failed
            raise SpillFailed(
                f"the sorted errors kept in {path.parent} could not be read back ({error.strerror or error}); "
                "run again, with a lower --max-errors or TMPDIR on another disk."
            ) from error
