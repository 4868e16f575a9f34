"""Run the checks on a package and collect one Result."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .checks import CHECKS
from .errors import Error
from .package import Package, load


@dataclass
class Result:
    """Every error found, with what was checked."""

    package: Package
    checks: list[str]
    errors: list[Error] = field(default_factory=list)
    crashed: list[str] = field(default_factory=list)  # checks that failed to run: a bug, exit 2

    @property
    def error_count(self) -> int:
        """Errors (not warnings) found."""
        return sum(1 for e in self.errors if e.severity == "error")

    @property
    def warning_count(self) -> int:
        """Warnings found."""
        return sum(1 for e in self.errors if e.severity == "warning")

    @property
    def valid(self) -> bool:
        """True when no error was found and every check ran."""
        return self.error_count == 0 and not self.crashed

    def table_rows(self) -> dict[str, int]:
        """Rows per table resource, for the report."""
        return {r.name: len(r.table.records) for r in self.package.resources if r.table is not None}

    def counts_by_check(self) -> dict[str, int]:
        """Errors and warnings per check id, in registry order."""
        counts = Counter(e.check for e in self.errors)
        return {check: counts[check] for check in self.checks}


def run(path: str | Path, *, select: list[str] | None = None, ignore: list[str] | None = None, engine: str = "duckdb") -> Result:
    """Load the package at `path` and run the selected checks (all by default).

    Raises CannotRun when the package cannot be loaded, and KeyError for an unknown check id.
    """
    for check_id in (select or []) + (ignore or []):
        if check_id not in CHECKS:
            raise KeyError(check_id)
    package = load(path)
    package.engine = engine
    chosen = [c for c in CHECKS if (not select or c in select) and c not in (ignore or [])]
    result = Result(package, chosen)
    for check_id in chosen:
        try:
            result.errors.extend(CHECKS[check_id].check(package))
        except Exception as exception:  # a bug in a check must not hide the other checks' findings
            result.crashed.append(check_id)
            result.errors.append(Error(check_id, "check-crashed", f"The check could not finish: {type(exception).__name__}: {exception}. "
                                       "This is a bug in the validator; please report it with this message.", package.descriptor_file))
    rank = {check_id: index for index, check_id in enumerate(CHECKS)}
    result.errors.sort(key=lambda error: error.sort_key(rank))
    return result
