"""Run the checks on a package and collect one Result."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType

from .applies import not_applicable
from .catalogue import codes
from .checks import CHECKS, _frictionless
from .engine import rules
from .errorlog import SPILL_AFTER, ErrorLog, SpillFailed
from .errors import CannotRun, Columns, Error, Severity
from .limits import DEFAULT, Limits
from .package import Package, load


@dataclass
class Result:
    """Every error found, with what was checked.

    `errors` iterates in report order (file, line, row, field, check, code) and, past a few
    thousand errors, lives in sorted runs on disk (validate/errorlog.py): `close()` (or `with`)
    removes them once the report is written.
    """

    package: Package
    checks: list[str]  # the checks that ran
    errors: ErrorLog = field(default_factory=lambda: ErrorLog(check_rank()))
    crashed: list[str] = field(default_factory=list)  # checks that failed to run: a bug, exit 2
    # {check: why} of the selected checks that do not apply: the package does not declare this dataset's
    # profile, or lacks the tables the check needs (validate/applies.py)
    not_applicable: dict[str, str] = field(default_factory=dict)

    @property
    def error_count(self) -> int:
        """Errors (not warnings) found."""
        return self.errors.severities["error"]

    @property
    def warning_count(self) -> int:
        """Warnings found."""
        return self.errors.severities["warning"]

    @property
    def valid(self) -> bool:
        """True when no error was found and every check ran."""
        return self.error_count == 0 and not self.crashed

    @property
    def finished(self) -> bool:
        """False when a check crashed or an input was past a limit: the package was not fully judged (exit 2)."""
        return (
            not self.crashed
            and not self.package.over_limit
            and not self.errors.by_code["limit-exceeded"]
        )

    def table_rows(self) -> dict[str, int]:
        """Rows per table resource, for the report."""
        return {r.name: r.table.record_count for r in self.package.resources if r.table is not None}

    def counts_by_check(self) -> dict[str, int]:
        """Errors and warnings per check id, in registry order."""
        return {check: self.errors.by_check[check] for check in self.checks}

    def close(self) -> None:
        """Remove the errors' temporary runs, if any were written, and release the package's DuckDB connection."""
        self.errors.close()
        self.package.close()

    def __enter__(self) -> Result:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def check_rank() -> dict[str, int]:
    """Each check id's place in the registry: errors at the same place are reported in this order."""
    return {check_id: index for index, check_id in enumerate(CHECKS)}


# The checks that read what frictionless says of the descriptor.
FRICTIONLESS_CHECKS = ("descriptor-frictionless", "table-frictionless")

# What the Data Package standard asks, and all that a package which does not declare this dataset's
# profile (package.declares_profile) is held to: its files are read safely and match their `bytes`
# and `hash`, frictionless opens the descriptor, and every row meets its schema (inline or a file).
# Every other check is a rule of this dataset's profile, "not applicable" to such a package.
STANDARD_CHECKS = ("resource-files", *FRICTIONLESS_CHECKS)

# The import names of the pinned dependencies (pyproject.toml) that checks import when they run.
DEPENDENCY_MODULES = frozenset(
    {"duckdb", "frictionless", "jsonschema", "re2", "regex", "yaml", "rfc3986"}
)

# Errors kept per check and code; the rest are counted in one `more-errors` error (0: keep all).
DEFAULT_MAX_ERRORS = 100


def run(
    path: str | Path,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    limits: Limits = DEFAULT,
    engine: str = "duckdb",
    max_errors: int = DEFAULT_MAX_ERRORS,
    parallel: bool = False,
    spill_after: int = SPILL_AFTER,
) -> Result:
    """Load the package at `path` and run the selected checks (all by default).

    A package that does not declare this dataset's profile is held to the Data Package standard
    only: the checks outside STANDARD_CHECKS are listed in `Result.not_applicable` and not run. So is
    a check whose tables the package lacks (validate/applies.py), with the reason.

    Each check's errors are kept up to `max_errors` per code (0 keeps all), so that memory
    and the report stay bounded however broken the package is; the rest are counted.
    `parallel` (the command line's choice) has frictionless read the descriptor in a forked child:
    a one-shot process gains a core, while a long-lived caller (the tests, `exports`) keeps the
    frictionless it has already imported. Past `spill_after` kept errors, they are kept sorted in
    temporary files rather than in memory (validate/errorlog.py); the order read back is the same.

    Raises CannotRun when the package cannot be loaded, and KeyError for an unknown check id.
    """
    for check_id in (select or []) + (ignore or []):
        if check_id not in CHECKS:
            raise KeyError(check_id)
    package = load(path, limits)
    package.engine = engine
    chosen = [c for c in CHECKS if (not select or c in select) and c not in (ignore or [])]
    skipped = not_applicable(package, chosen, STANDARD_CHECKS)
    chosen = [c for c in chosen if c not in skipped]
    result = Result(package, chosen, ErrorLog(check_rank(), spill_after), not_applicable=skipped)
    # frictionless reads the descriptor in a child process while the other checks run here; the
    # two checks that use what it says run last (the error log sorts, so the order is not seen)
    uses_frictionless = [c for c in chosen if c in FRICTIONLESS_CHECKS]
    columns = Columns({r.path: r.table.header for r in package.resources if r.table is not None})
    if parallel and uses_frictionless and engine == "duckdb":
        _frictionless.start_inspect(package)
    try:
        for check_id in [c for c in chosen if c not in uses_frictionless] + uses_frictionless:
            try:
                result.errors.extend(
                    _capped(
                        check_id,
                        check_findings(CHECKS[check_id], package),
                        max_errors,
                        package.descriptor_file,
                        columns,
                    )
                )
            except SpillFailed:
                raise  # not the check's fault: no other check's errors could be kept either
            except (
                Exception
            ) as exception:  # a bug in a check must not hide the other checks' findings
                if (
                    isinstance(exception, ModuleNotFoundError)
                    and (exception.name or "").split(".")[0] in DEPENDENCY_MODULES
                ):
                    # run by a Python without the pinned dependencies: not a bug, and no check can be trusted
                    raise CannotRun(
                        f"{exception.name} is not installed in this Python ({sys.executable}). Run `make validate`, which "
                        "installs the pinned dependencies into .venv, and use `.venv/bin/python -m validate`."
                    ) from None
                result.crashed.append(check_id)
                result.errors.add(
                    Error(
                        check_id,
                        "check-crashed",
                        f"The check could not finish: {type(exception).__name__}: {exception}. "
                        "This is a bug in the validator; please report it with this message.",
                        package.descriptor_file,
                    )
                )
    finally:
        _frictionless.finish(package)
    return result


def check_findings(module: ModuleType, package: Package) -> Iterator[Error]:
    """What one check finds: its declared SQL row rules (validate/engine/rules.py), then its per-document Python."""
    yield from rules.run(
        package, getattr(module, "ROW_RULES", []), getattr(module, "RELATIONS", None)
    )
    if hasattr(module, "check"):
        yield from module.check(package)


def _capped(
    check_id: str,
    errors: Iterable[Error],
    max_errors: int,
    descriptor_file: str,
    columns: Columns | None = None,
) -> Iterator[Error]:
    """Each error stamped with the ID of the check that found it (and its field's column): the first `max_errors`
    of each code, then one error per code counting the rest."""
    counts: Counter[str] = Counter()
    severities: dict[str, Severity] = {}
    catalogue = codes(check_id)
    for found in errors:
        error = found if found.check == check_id else replace(found, check=check_id)
        if not error.hint and (declared := catalogue.get(error.code)) is not None and declared.hint:
            error = replace(error, hint=declared.hint)
        counts[error.code] += 1
        severities[error.code] = error.severity
        if not max_errors or counts[error.code] <= max_errors:
            yield columns.place(error) if columns else error
    for code, count in counts.items():
        if max_errors and count > max_errors:
            yield Error(
                check_id,
                "more-errors",
                f"{count - max_errors} more {check_id}/{code} problem(s) not listed: {count} in all, the first {max_errors} "
                "are listed.",
                descriptor_file,
                hint="Fix the listed ones first, or run with `--max-errors 0` to list every one.",
                severity=severities[code],
            )
