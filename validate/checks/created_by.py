"""created-by: every row's `created_by` names a contributor listed in datapackage.json.

`created_by` says who made or last corrected a row; `contributors` (each with a `title`)
says who those people and teams are, with their roles. A name that is not listed is
either a typo or a contributor who has not yet added themselves. Reported once per
file and name, with every line that uses it.

PASS: created_by "dataset-team", and contributors lists {"title": "dataset-team", ...}
FAIL: created_by "trial-contributor", listed nowhere  ->  unknown-contributor
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterator

from ..csvio import outside
from ..errors import Code, Error, Place
from ..package import Package

ID = "created-by"
SUMMARY = (
    "Every row's created_by names a contributor (by `title`) in datapackage.json's contributors."
)
COLUMN = "created_by"

# none by name: it reads whatever tables the package has (validate/applies.py)
TABLES: tuple[str, ...] = ()

CODES = {
    "unknown-contributor": Code(
        "A row's created_by names someone who is not a contributor (by `title`) in datapackage.json: a typo, or a "
        "contributor who has not added themselves yet. Said once per file and name, with every line.",
        'Correct the name, or add `{"title": "<name>", "roles": ["contributor"]}` to `contributors` in datapackage.json.',
    ),
}


def contributor_names(package: Package) -> set[str]:
    """The `title` of every contributor of the descriptor."""
    contributors = package.descriptor.get("contributors")
    if not isinstance(contributors, list):
        return set()
    return {
        c["title"] for c in contributors if isinstance(c, dict) and isinstance(c.get("title"), str)
    }


def check(package: Package) -> Iterator[Error]:
    """Yield one error per file and unknown created_by name."""
    names = contributor_names(package)
    for resource in package.resources:
        if resource.table is None or COLUMN not in resource.table.header:
            continue
        unknown: dict[str, list] = defaultdict(list)
        for record in resource.table.rows([COLUMN], outside(COLUMN), [sorted(names)]):
            value = record.cells.get(COLUMN, "")
            if value and value not in names:
                unknown[value].append(record)
        for value, found in unknown.items():
            lines = ", ".join(str(r.line) for r in found[:11]) + (
                f" and {len(found) - 11} more" if len(found) > 11 else ""
            )
            close = difflib.get_close_matches(value, sorted(names), n=1)
            add = f'add {{"title": "{value}", "roles": ["contributor"]}} to `contributors` in {package.descriptor_file}.'
            hint = (
                f"Did you mean {close[0]!r}? If not, {add}" if close else add[0].upper() + add[1:]
            )
            also = (
                f" (also on line{'s' if len(found) > 2 else ''} {lines.split(', ', 1)[1]})"
                if len(found) > 1
                else ""
            )
            yield Error.at(
                Place(resource.path, found[0].line, found[0].row),
                COLUMN,
                "unknown-contributor",
                f"created_by {value!r} is not a contributor listed in {package.descriptor_file}{also}.",
                hint=hint,
            )
