"""release: the version a researcher cites is the same everywhere.

`version` in datapackage.json, `version` in CITATION.cff (whose `type` must be
`dataset`) and the top release heading of CHANGELOG.md (`## [X.Y.Z] - YYYY-MM-DD`, an
`Unreleased` section above it is allowed) must agree.

PASS: 0.1.0 in all three
FAIL: datapackage.json 0.2.0, CITATION.cff 0.1.0  ->  version-mismatch
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from ..errors import Error
from ..package import Package

ID = "release"
SUMMARY = "The version in datapackage.json, CITATION.cff (type: dataset) and the top release of CHANGELOG.md agree."

_RELEASE = re.compile(r"^## \[?(\d+\.\d+\.\d+[^\]\s]*)\]?", re.MULTILINE)


def check(package: Package) -> Iterator[Error]:
    """Yield missing release files and versions that disagree."""
    version = package.descriptor.get("version")
    if not isinstance(version, str):
        return  # descriptor-profile reports a missing or malformed version
    citation_file = package.safe_file("CITATION.cff")
    if citation_file is None or not citation_file.is_file():
        yield Error(ID, "missing-citation", "CITATION.cff is missing (or is not a file).", "CITATION.cff",
                    hint="Add CITATION.cff (type: dataset) with the package's version.")
    else:
        try:
            citation = yaml.safe_load(citation_file.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            citation = None
            yield Error(ID, "unreadable-citation", "CITATION.cff is not UTF-8 text.", "CITATION.cff", hint="Save it as UTF-8.")
        except yaml.YAMLError as error:
            citation = None
            yield Error(ID, "unreadable-citation", f"CITATION.cff is not valid YAML: {error}", "CITATION.cff")
        if isinstance(citation, dict):
            if citation.get("type") != "dataset":
                yield Error(ID, "citation-type", f"CITATION.cff has type {citation.get('type')!r}; it must be 'dataset'.", "CITATION.cff",
                            _line_of(citation_file.read_text(encoding="utf-8"), "type:"), field="type", hint="Set `type: dataset`.")
            if str(citation.get("version")) != str(version):
                yield Error(ID, "version-mismatch", f"CITATION.cff has version {citation.get('version')!r} but datapackage.json has {version!r}.",
                            "CITATION.cff", _line_of(citation_file.read_text(encoding="utf-8"), "version:"), field="version",
                            hint="Give the same version in datapackage.json, CITATION.cff and CHANGELOG.md.")
        elif citation is not None:
            yield Error(ID, "unreadable-citation", "CITATION.cff must be a YAML mapping.", "CITATION.cff")
    changelog_file = package.safe_file("CHANGELOG.md")
    if changelog_file is None or not changelog_file.is_file():
        yield Error(ID, "missing-changelog", "CHANGELOG.md is missing (or is not a file).", "CHANGELOG.md", hint="Add CHANGELOG.md with a section for this version.")
        return
    changelog = changelog_file.read_text(encoding="utf-8", errors="replace")
    top = _RELEASE.search(changelog)
    if top is None:
        yield Error(ID, "no-release", "CHANGELOG.md has no release heading like '## [0.1.0] - 2026-11-27'.", "CHANGELOG.md")
    elif top.group(1) != version:
        yield Error(ID, "version-mismatch", f"The top release of CHANGELOG.md is {top.group(1)} but datapackage.json has {version!r}.",
                    "CHANGELOG.md", changelog.count("\n", 0, top.start()) + 1, hint="Add a section for the new version at the top of CHANGELOG.md.")


def _line_of(text: str, start: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(start):
            return number
    return None
