"""descriptor-profile: datapackage.json against the project's JSON Schema profile.

The profile (validate/profiles/datapackage.profile.json) is written from the Data Package v2
specification and is stricter than it: SemVer `version`, RFC 3339 `created`, licences,
contributors with roles, sources, keywords, and on every resource a safe relative `path` (no
URL, absolute path, `..`, hidden file or folder), `encoding` utf-8, `bytes` and a lowercase
`sha256:` hash (frictionless silently ignores `SHA256:`). It is read from disk; nothing is fetched.

PASS: "hash": "sha256:399ae02c…6e"
FAIL: "hash": "SHA256:399AE02C…6E"  (frictionless would silently skip this hash)
"""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import Error
from ..package import Package
from ._jsonschema import iter_profile_errors, profile_codes

ID = "descriptor-profile"
SUMMARY = (
    "datapackage.json follows the project's strict Data Package v2 profile "
    "(version, licences, contributors, sources, safe paths, bytes and sha256 on every resource)."
)

# none by name: it reads whatever tables the package has (validate/applies.py)
TABLES: tuple[str, ...] = ()

CODES = profile_codes("datapackage.profile.json")


def check(package: Package) -> Iterator[Error]:
    """Yield every way the descriptor departs from validate/profiles/datapackage.profile.json."""
    yield from iter_profile_errors(
        package.descriptor,
        "datapackage.profile.json",
        package.descriptor_file,
        package.descriptor_line,
    )
