"""descriptor-frictionless: frictionless's own reading of the descriptor, as a second opinion.

frictionless 5.21 checks what our profile also checks in part (resource names, `created`,
licences) and what it needs to open the package at all (schemas it can read, dialects,
safe paths). Its warnings count too: a published package has none.

PASS: a descriptor frictionless can open, with no warnings
FAIL: two resources both named "claims"  (frictionless cannot open the package)
"""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import Code, Error, Place
from ..package import Package
from . import _frictionless

ID = "descriptor-frictionless"
SUMMARY = "frictionless 5.21 can open the descriptor and raises no descriptor errors or warnings."

_OPEN_HINT = "Fix the descriptor as the message says; the descriptor-profile errors usually point at the same place."
# none by name: it reads whatever tables the package has (validate/applies.py)
TABLES: tuple[str, ...] = ()

CODES = {
    "package-error": Code(
        "frictionless cannot open the package: a package-level property is invalid (or two resources share a name).",
        _OPEN_HINT,
    ),
    "resource-error": Code(
        "frictionless cannot open the package: a property of one resource is invalid.", _OPEN_HINT
    ),
    "schema-error": Code(
        "frictionless cannot open the package: a Table Schema is invalid for it (two fields with one name, say).",
        _OPEN_HINT,
    ),
    "field-error": Code(
        "frictionless cannot open the package: a field of a Table Schema is invalid for it (a constraint its type does "
        "not support, an `example` that is not a value of the field).",
        _OPEN_HINT,
    ),
    "dialect-error": Code(
        "frictionless cannot open the package: a resource's CSV `dialect` is invalid.", _OPEN_HINT
    ),
    "control-error": Code(
        "frictionless cannot open the package: a CSV setting of a resource's `dialect` (its delimiter, quote character, ...) "
        "is invalid.",
        _OPEN_HINT,
    ),
    "frictionless-failed": Code(
        "frictionless itself failed while reading the descriptor (an exception it did not expect, or its process "
        "stopped); the descriptor was not judged by it.",
        "Fix the other descriptor errors first; if none is left, report it with the message.",
    ),
    "warning": Code(
        "frictionless warns about the descriptor (a warning, not an error: it does not make the package invalid); a "
        "published package has none. The usual one: a `hash` whose algorithm frictionless ignores.",
        "Do what the warning says, e.g. write the hash as `sha256:` followed by 64 lowercase hexadecimal digits.",
    ),
}


def check(package: Package) -> Iterator[Error]:
    """Yield frictionless's descriptor errors and every warning it gives."""
    outcome = _frictionless.outcome(package)
    for problem in outcome.metadata_errors:
        yield Error.at(
            Place(package.descriptor_file),
            "",
            problem.type,
            f"frictionless cannot open the package: {problem.message}",
            hint="Fix the descriptor as the message says; the descriptor-profile errors usually point at the same place.",
        )
    report = outcome.report
    if report is not None:
        for problem in report.errors:
            yield Error.at(
                Place(package.descriptor_file), "", problem.type, f"frictionless: {problem.message}"
            )
        for warning in report.warnings:
            yield Error.at(
                Place(package.descriptor_file),
                "",
                "warning",
                f"frictionless warns: {warning}",
                severity="warning",
            )
    for name, warnings in outcome.resource_warnings.items():
        resource = package.resource(name)
        where = f"$.resources[{resource.index}]" if resource else "$"
        for warning in warnings:
            place = f"{where}.hash" if resource and "hash" in warning else where
            yield Error.at(
                Place(package.descriptor_file, package.descriptor_line(place)),
                place,
                "warning",
                f"frictionless warns about resource {name!r}: {warning}",
                severity="warning",
            )
