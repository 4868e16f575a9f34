"""release: the version a researcher cites is the same everywhere.

`version` in datapackage.json, `version` in CITATION.cff (whose `type` must be `dataset`)
and the newest release section of CHANGELOG.md (`## [X.Y.Z] - YYYY-MM-DD`) agree, and so do
CITATION.cff's `date-released` and that section's date. CHANGELOG.md keeps a
`## [Unreleased]` section for changes not yet released. Where README.md states the current
version ("Current version: **X.Y.Z**", "(Version X.Y.Z)") it states this one, and a
`.zenodo.json`, when present, is exactly what `python -m validate release --metadata`
generates from datapackage.json and CITATION.cff.

PASS: 0.1.0 in all three, date-released 2026-11-27 and `## [0.1.0] - 2026-11-27`
FAIL: datapackage.json 0.2.0, CITATION.cff 0.1.0  ->  version-mismatch
FAIL: date-released 2026-11-28, `## [0.1.0] - 2026-11-27`  ->  date-mismatch
FAIL: no `## [Unreleased]` heading in CHANGELOG.md  ->  no-unreleased
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from ..errors import Error
from ..package import Package
from ..versioning import changelog as changelog_sections
from ..versioning import zenodo

ID = "release"
SUMMARY = ("The version in datapackage.json, CITATION.cff (type: dataset), the newest CHANGELOG.md release and README.md agree; "
           "dates agree; CHANGELOG.md keeps an Unreleased section; .zenodo.json is up to date.")

_README_VERSION = re.compile(r"Current version: \*\*([^*\s]+)\*\*|\([Vv]ersion (\d+\.\d+\.\d+[^)\s]*)\)")


def check(package: Package) -> Iterator[Error]:
    """Yield missing release files and versions or dates that disagree."""
    version = package.descriptor.get("version")
    if not isinstance(version, str):
        return  # descriptor-profile reports a missing or malformed version
    citation, citation_text = yield from _citation(package, version)
    changelog_file = package.safe_file("CHANGELOG.md")
    if changelog_file is None or not changelog_file.is_file():
        yield Error(ID, "missing-changelog", "CHANGELOG.md is missing (or is not a file).", "CHANGELOG.md", hint="Add CHANGELOG.md with a section for this version.")
    else:
        yield from _changelog(changelog_file.read_text(encoding="utf-8", errors="replace"), version, citation, citation_text)
    yield from _readme(package, version)
    yield from _zenodo(package, citation_text)


def _citation(package: Package, version: str):
    citation_file = package.safe_file("CITATION.cff")
    if citation_file is None or not citation_file.is_file():
        yield Error(ID, "missing-citation", "CITATION.cff is missing (or is not a file).", "CITATION.cff",
                    hint="Add CITATION.cff (type: dataset) with the package's version.")
        return None, None
    try:
        text = citation_file.read_text(encoding="utf-8")
        citation = yaml.safe_load(text)
    except UnicodeDecodeError:
        yield Error(ID, "unreadable-citation", "CITATION.cff is not UTF-8 text.", "CITATION.cff", hint="Save it as UTF-8.")
        return None, None
    except yaml.YAMLError as error:
        yield Error(ID, "unreadable-citation", f"CITATION.cff is not valid YAML: {error}", "CITATION.cff")
        return None, None
    if not isinstance(citation, dict):
        yield Error(ID, "unreadable-citation", "CITATION.cff must be a YAML mapping.", "CITATION.cff")
        return None, None
    if citation.get("type") != "dataset":
        yield Error(ID, "citation-type", f"CITATION.cff has type {citation.get('type')!r}; it must be 'dataset'.", "CITATION.cff",
                    _line_of(text, "type:"), field="type", hint="Set `type: dataset`.")
    if str(citation.get("version")) != str(version):
        yield Error(ID, "version-mismatch", f"CITATION.cff has version {citation.get('version')!r} but datapackage.json has {version!r}.",
                    "CITATION.cff", _line_of(text, "version:"), field="version",
                    hint="Give the same version in datapackage.json, CITATION.cff and CHANGELOG.md.")
    return citation, text


def _changelog(text: str, version: str, citation: dict | None, citation_text: str | None) -> Iterator[Error]:
    if changelog_sections.unreleased(text) is None:
        yield Error(ID, "no-unreleased", "CHANGELOG.md has no `## [Unreleased]` section.", "CHANGELOG.md",
                    hint="Keep a `## [Unreleased]` heading above the newest release, for changes not yet released (it may be empty).")
    top = changelog_sections.newest_release(text)
    if top is None:
        yield Error(ID, "no-release", "CHANGELOG.md has no release heading like '## [0.1.0] - 2026-11-27'.", "CHANGELOG.md")
        return
    if top.title != version:
        yield Error(ID, "version-mismatch", f"The top release of CHANGELOG.md is {top.title} but datapackage.json has {version!r}.",
                    "CHANGELOG.md", top.line, hint="Add a section for the new version at the top of CHANGELOG.md.")
    elif citation is not None and top.date and str(citation.get("date-released")) != top.date:
        yield Error(ID, "date-mismatch", f"CITATION.cff has date-released {str(citation.get('date-released'))!r} but CHANGELOG.md "
                    f"dates {top.title} {top.date}.", "CITATION.cff", _line_of(citation_text or "", "date-released:"), field="date-released",
                    hint="Give the release date once in both: `date-released` and the `## [X.Y.Z] - YYYY-MM-DD` heading.")


def _readme(package: Package, version: str) -> Iterator[Error]:
    readme = package.safe_file("README.md")
    if readme is None or not readme.is_file():
        return
    text = readme.read_text(encoding="utf-8", errors="replace")
    for match in _README_VERSION.finditer(text):
        stated = match[1] or match[2]
        if stated != version:
            yield Error(ID, "readme-version", f"README.md states version {stated} but datapackage.json has {version!r}.", "README.md",
                        text.count("\n", 0, match.start()) + 1, hint=f"Write {version} there (or say it without a version number).")


def _zenodo(package: Package, citation_text: str | None) -> Iterator[Error]:
    file = package.safe_file(zenodo.ZENODO_FILE)
    if file is None or not file.is_file() or citation_text is None:
        return
    try:
        expected = zenodo.render_from_files(package.descriptor_text, citation_text)
    except (ValueError, AttributeError, TypeError):
        return  # the descriptor or the citation is malformed: reported above or by descriptor-profile
    if file.read_text(encoding="utf-8", errors="replace") != expected:
        yield Error(ID, "zenodo-stale", ".zenodo.json differs from what datapackage.json and CITATION.cff give.", zenodo.ZENODO_FILE,
                    hint="Run `python -m validate release --metadata` and commit the result.")


def _line_of(text: str, start: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(start):
            return number
    return None
