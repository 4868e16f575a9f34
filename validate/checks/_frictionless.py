"""Run frictionless once per package and share its report between the checks that use it."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..package import Package
from ._jsonschema import usable_schema


@dataclass(frozen=True)
class Failure:
    """frictionless raised something other than its own exception."""

    message: str
    type: str = "frictionless-failed"


@dataclass
class Outcome:
    """What frictionless said: descriptor problems that stopped it, or its validation report."""

    metadata_errors: list = field(default_factory=list)
    report: object | None = None
    skipped_because: list[str] = field(default_factory=list)  # files that kept frictionless from running


def unreadable_files(package: Package) -> list[str]:
    """Files frictionless must not open: it would read outside the package (a link), or
    report the same unreadable file again under other tables' names (foreign keys)."""
    files = set()
    for resource in package.resources:
        if resource.text is None or (resource.is_table and resource.table is None):
            files.add(resource.path or resource.name)
        if resource.schema_path and usable_schema(package, resource) is None:
            files.add(resource.schema_path)  # frictionless may crash on a malformed schema
        elif isinstance(resource.descriptor.get("schema"), dict) and usable_schema(package, resource) is None:
            files.add(f"{resource.path or resource.name} (its inline schema)")  # nor may it hang on one (20,000 keywords)
    # frictionless only ever gets a descriptor whose every path and profile passed the path rule
    files.update(error.field or error.file for error in package.unsafe_references)
    if package.over_limit:
        files.add("(input past a limit)")
    return sorted(files)


def run(package: Package) -> Outcome:
    """Validate the package with frictionless (descriptor, types, constraints, keys), once."""
    blocking = unreadable_files(package)
    if blocking:
        package.cache["frictionless"] = Outcome(skipped_because=blocking)
    if "frictionless" not in package.cache:
        from frictionless import FrictionlessException
        from frictionless import Package as FrictionlessPackage

        try:
            loaded = FrictionlessPackage(str(package.descriptor_path))
            outcome = Outcome(report=loaded.validate())
        except FrictionlessException as exception:
            outcome = Outcome(metadata_errors=list(exception.reasons) or [exception.error])
        except Exception as exception:  # frictionless itself failed on input it did not expect
            outcome = Outcome(metadata_errors=[Failure(f"{type(exception).__name__}: {exception}")])
        package.cache["frictionless"] = outcome
    return package.cache["frictionless"]
