"""Which checks apply to a package, and why one does not.

A package that does not declare this dataset's profile is held to the Data Package standard only
(`runner.STANDARD_CHECKS`). One that declares it gets every check whose tables it has. What a
check needs is declared once, by the check:

- its SQL rules' `reads` (validate/engine/rules.py) and its `TABLES`, next to its `CODES`: the tables it
  judges and those it cannot read as empty, every one needed; with any of them absent the check is
  not applicable, naming the missing ones (read as empty, an absent spans.csv would make every claim
  "unanchored", and an absent claims.csv gives an "ok" that rests on nothing);
- its `EACH_TABLE`: tables it judges each on its own (row-consistency; source-chain's corroborations,
  quote wordings, findings and lineage), not applicable only when none of them is there;
- its `OPTIONAL_TABLES`: evidence it reads when the package has it, an absent table being evidence
  the package does not hold, as an empty one is (claim-sourcing's lineage): never a reason;
- none of these: a check of whatever the package holds (canonical-form, created-by), which always
  applies.

`tests/test_applies.py` holds each declaration against the table names the check's code asks for.
"""

from __future__ import annotations

from types import ModuleType

from .checks import CHECKS
from .package import Package

# Why every profile check is not applicable to a package that does not declare the profile.
PROFILE_NOT_DECLARED = "the package does not declare this dataset's profile"


def needed_tables(check: ModuleType) -> tuple[str, ...]:
    """The tables `check` needs, every one: those its SQL rules read, then its `TABLES`, each once."""
    read = [table for rule in getattr(check, "ROW_RULES", []) for table in rule.reads]
    return tuple(dict.fromkeys([*read, *getattr(check, "TABLES", ())]))


def each_tables(check: ModuleType) -> tuple[str, ...]:
    """The tables `check` judges each on its own (`EACH_TABLE`): it needs any one of them."""
    return tuple(getattr(check, "EACH_TABLE", ()))


def declared_tables(check: ModuleType) -> frozenset[str]:
    """Every table `check` declares that it reads: needed, each on its own, or optional."""
    return frozenset(
        {*needed_tables(check), *each_tables(check), *getattr(check, "OPTIONAL_TABLES", ())}
    )


def absent_reason(check: ModuleType, package: Package) -> str | None:
    """Why `check` does not apply to `package` (which declares the profile), or None when it applies."""
    missing = [t for t in needed_tables(check) if package.resource(t) is None]
    each = each_tables(check)
    if not missing and each and all(package.resource(t) is None for t in each):
        missing = list(each)
    return f"no {_listed(missing)} table" if missing else None


def not_applicable(
    package: Package, chosen: list[str], standard: tuple[str, ...]
) -> dict[str, str]:
    """{check: why} of the `chosen` checks that do not apply to `package`, in their order (`standard`: the checks
    of the Data Package standard, which always apply)."""
    if not package.profile:
        return {c: PROFILE_NOT_DECLARED for c in chosen if c not in standard}
    return {c: reason for c in chosen if (reason := absent_reason(CHECKS[c], package))}


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
