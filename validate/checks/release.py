"""release: the version a researcher cites is the same everywhere.

`version` in datapackage.json, `version` in CITATION.cff (whose `type` must be
`dataset`) and the top release heading of CHANGELOG.md (`## [X.Y.Z] - YYYY-MM-DD`, an
`Unreleased` section above it is allowed) must agree.

PASS: 0.1.0 in all three
FAIL: datapackage.json 0.2.0, CITATION.cff 0.1.0  ->  version-mismatch
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator

import yaml

from .. import yamlsafe
from ..errors import Error
from ..limits import LimitExceeded
from ..package import Package, UnsafePath

ID = "release"
SUMMARY = "The version in datapackage.json, CITATION.cff (type: dataset) and the top release of CHANGELOG.md agree."

_RELEASE = re.compile(r"^## \[?(\d+\.\d+\.\d+[^\]\s]*)\]?", re.MULTILINE)


def check(package: Package) -> Iterator[Error]:
    """Yield missing release files and versions that disagree."""
    version = package.descriptor.get("version")
    if not isinstance(version, str):
        return  # descriptor-profile reports a missing or malformed version
    citation_text = yield from _read(package, "CITATION.cff", "missing-citation", "unreadable-citation",
                                     "Add CITATION.cff (type: dataset) with the package's version.")
    if citation_text is not None:
        try:
            citation = yamlsafe.safe_load(citation_text, package.limits)
        except LimitExceeded as error:
            citation = None
            yield Error(ID, "limit-exceeded", f"CITATION.cff: {error}", "CITATION.cff")
        except (yaml.YAMLError, ValueError, OverflowError) as error:  # PyYAML raises ValueError for a 5,000-digit int or day 0
            citation = None
            yield Error(ID, "unreadable-citation", f"CITATION.cff is not valid YAML: {str(error)[:300]}", "CITATION.cff")
        if isinstance(citation, dict):
            if citation.get("type") != "dataset":
                yield Error(ID, "citation-type", f"CITATION.cff has type {_short(citation.get('type'))}; it must be 'dataset'.", "CITATION.cff",
                            _line_of(citation_text, "type:"), field="type", hint="Set `type: dataset`.")
            if str(citation.get("version"))[:200] != str(version):
                yield Error(ID, "version-mismatch", f"CITATION.cff has version {_short(citation.get('version'))} but datapackage.json has {version!r}.",
                            "CITATION.cff", _line_of(citation_text, "version:"), field="version",
                            hint="Give the same version in datapackage.json, CITATION.cff and CHANGELOG.md.")
        elif citation is not None:
            yield Error(ID, "unreadable-citation", "CITATION.cff must be a YAML mapping.", "CITATION.cff")
    changelog = yield from _read(package, "CHANGELOG.md", "missing-changelog", "unreadable-changelog",
                                 "Add CHANGELOG.md with a section for this version.")
    if changelog is None:
        return
    top = _RELEASE.search(changelog)
    if top is None:
        yield Error(ID, "no-release", "CHANGELOG.md has no release heading like '## [0.1.0] - 2026-11-27'.", "CHANGELOG.md")
    elif top.group(1) != version:
        yield Error(ID, "version-mismatch", f"The top release of CHANGELOG.md is {top.group(1)} but datapackage.json has {version!r}.",
                    "CHANGELOG.md", changelog.count("\n", 0, top.start()) + 1, hint="Add a section for the new version at the top of CHANGELOG.md.")


def _read(package: Package, name: str, missing: str, unreadable: str, hint: str) -> Generator[Error, None, str | None]:
    """Read a release file through the package's path rule; yield why it cannot be read."""
    try:
        return package.read_inside(name, "descriptor-bytes").decode("utf-8")
    except UnsafePath as error:
        code = missing if error.code in ("missing-file", "not-a-file") else unreadable
        yield Error(ID, code, f"{name} is missing or cannot be read safely: {error}.", name, hint=hint)
    except LimitExceeded as error:
        yield Error(ID, "limit-exceeded", f"{name}: {error}", name)
    except UnicodeDecodeError:
        yield Error(ID, unreadable, f"{name} is not UTF-8 text.", name, hint="Save it as UTF-8.")
    return None


def _short(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:79] + "…"


def _line_of(text: str, start: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(start):
            return number
    return None
