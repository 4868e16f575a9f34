"""Run frictionless once per package and share its report between the checks that use it."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..package import Package


@dataclass
class Outcome:
    """What frictionless said: descriptor problems that stopped it, or its validation report."""

    metadata_errors: list = field(default_factory=list)
    report: object | None = None


def run(package: Package) -> Outcome:
    """Validate the package with frictionless (descriptor, types, constraints, keys), once."""
    if "frictionless" not in package.cache:
        from frictionless import FrictionlessException
        from frictionless import Package as FrictionlessPackage

        try:
            loaded = FrictionlessPackage(str(package.descriptor_path))
            outcome = Outcome(report=loaded.validate())
        except FrictionlessException as exception:
            outcome = Outcome(metadata_errors=list(exception.reasons) or [exception.error])
        package.cache["frictionless"] = outcome
    return package.cache["frictionless"]
