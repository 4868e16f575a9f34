"""release: the version a researcher cites is the same everywhere.

`version` in datapackage.json, `version` in CITATION.cff (whose `type` must be `dataset`)
and the newest release section of CHANGELOG.md (`## [X.Y.Z] - YYYY-MM-DD`) agree, and so do
CITATION.cff's `date-released` and that section's date. CHANGELOG.md keeps a
`## [Unreleased]` section for changes not yet released. CITATION.cff's `title` is the
package's title naming the version, `<title> (version X.Y.Z)`: of the fields cffconvert's BibTeX,
RIS and EndNote carry, only the title can (validate/versioning/citation.py). Where README.md states the current
version ("Current version: **X.Y.Z**", "(Version X.Y.Z)") it states this one, the reference it
quotes (`> Authors (year). Title (version X.Y.Z).`) is the one CITATION.cff gives, and a
`.zenodo.json`, when present, is exactly what `python -m validate release --metadata`
generates from datapackage.json and CITATION.cff.

PASS: 0.1.0 in all three, date-released 2026-11-27 and `## [0.1.0] - 2026-11-27`
FAIL: datapackage.json 0.2.0, CITATION.cff 0.1.0  ->  version-mismatch
FAIL: datapackage.json 0.1.0, CITATION.cff title "… article (version 0.0.9)"  ->  citation-title
FAIL: date-released 2026-11-28, `## [0.1.0] - 2026-11-27`  ->  date-mismatch
FAIL: no `## [Unreleased]` heading in CHANGELOG.md  ->  no-unreleased
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator

import yaml

from .. import yamlsafe
from ..errors import Code, Error, Place
from ..limits import LimitExceeded
from ..package import Package, UnsafePath
from ..versioning import changelog as changelog_sections
from ..versioning import citation as citation_fields
from ..versioning import zenodo

ID = "release"
SUMMARY = (
    "The version in datapackage.json, CITATION.cff (type: dataset; version and title), the newest CHANGELOG.md release "
    "and README.md agree; "
    "dates agree; CHANGELOG.md keeps an Unreleased section; .zenodo.json is up to date."
)

_README_VERSION = re.compile(
    r"Current version: \*\*([^*\s]+)\*\*|\([Vv]ersion (\d+\.\d+\.\d+[^)\s]*)\)"
)

_METADATA_HINT = "Run `python -m validate release --metadata`."
# none by name: it reads whatever tables the package has (validate/applies.py)
TABLES: tuple[str, ...] = ()

CODES = {
    "missing-citation": Code(
        "CITATION.cff is missing, or is not a file inside the package.",
        "Add CITATION.cff (type: dataset) with the package's version.",
    ),
    "unreadable-citation": Code(
        "CITATION.cff cannot be read: not UTF-8, not valid YAML, not a YAML mapping, or not safe to read.",
        "Make CITATION.cff a UTF-8 YAML mapping (cffconvert --validate checks it).",
    ),
    "missing-changelog": Code(
        "CHANGELOG.md is missing, or is not a file inside the package.",
        "Add CHANGELOG.md with a section for this version.",
    ),
    "unreadable-changelog": Code(
        "CHANGELOG.md cannot be read: not UTF-8, or not safe to read (a link, a folder, a FIFO or a device).",
        "Save it as UTF-8, as a regular file in the package.",
    ),
    "changelog-too-large": Code(
        f"CHANGELOG.md is larger than the {changelog_sections.MAX_BYTES:,} bytes every reader of it reads "
        "(`validate`, `diff`, `release`).",
        "Keep the notes short, or move old releases' notes to another file that CHANGELOG.md links to.",
    ),
    "limit-exceeded": Code(
        "CITATION.cff is past one of the limits on what the validator reads.",
        "Make the file smaller, or raise the limit with `--limit NAME=N` (docs/limits.md).",
    ),
    "citation-type": Code("CITATION.cff's type is not `dataset`.", "Set `type: dataset`."),
    "version-mismatch": Code(
        "The version in CITATION.cff or the newest release of CHANGELOG.md differs from datapackage.json's version.",
        "Give the same version in datapackage.json, CITATION.cff and CHANGELOG.md.",
    ),
    "citation-title": Code(
        "CITATION.cff's title is not the package's title naming the version, `<title> (version X.Y.Z)`: of the fields "
        "cffconvert's BibTeX, RIS and EndNote carry, only the title can carry the version.",
        "Run `python -m validate release --metadata` (or `release --prepare X.Y.Z` for a new version).",
    ),
    "no-unreleased": Code(
        "CHANGELOG.md has no `## [Unreleased]` section.",
        "Keep a `## [Unreleased]` heading above the newest release, for changes not yet released (it may be empty).",
    ),
    "no-release": Code(
        "CHANGELOG.md has no release heading like `## [0.1.0] - 2026-11-27`.",
        "Add a `## [X.Y.Z] - YYYY-MM-DD` section for the package's version.",
    ),
    "date-mismatch": Code(
        "CITATION.cff's date-released differs from the date of the newest release in CHANGELOG.md.",
        "Give the release date once in both: `date-released` and the `## [X.Y.Z] - YYYY-MM-DD` heading.",
    ),
    "readme-reference": Code(
        "The reference or BibTeX entry README.md quotes is not the one CITATION.cff and datapackage.json give.",
        _METADATA_HINT,
    ),
    "readme-version": Code(
        "README.md states a version other than datapackage.json's.",
        "Write the package's version there (or say it without a version number).",
    ),
    "zenodo-stale": Code(
        ".zenodo.json differs from what datapackage.json and CITATION.cff give.",
        "Run `python -m validate release --metadata` and commit the result.",
    ),
}


def check(package: Package) -> Iterator[Error]:
    """Yield missing release files and versions or dates that disagree."""
    version = package.descriptor.get("version")
    if not isinstance(version, str):
        return  # descriptor-profile reports a missing or malformed version
    citation, citation_text = yield from _citation(package, version)
    changelog = yield from _read_changelog(package)
    if changelog is not None:
        yield from _changelog(changelog, version, citation, citation_text)
    yield from _readme(package, version, citation)
    yield from _zenodo(package, citation_text)


def _citation(package: Package, version: str):
    text = yield from _read(
        package,
        "CITATION.cff",
        "missing-citation",
        "unreadable-citation",
        "Add CITATION.cff (type: dataset) with the package's version.",
    )
    if text is None:
        return None, None
    try:
        citation = yamlsafe.safe_load(text, package.limits)
    except LimitExceeded as error:
        yield Error.at(Place("CITATION.cff"), "", "limit-exceeded", f"CITATION.cff: {error}")
        return None, None
    except (
        yaml.YAMLError,
        ValueError,
        OverflowError,
    ) as error:  # PyYAML raises ValueError for a 5,000-digit int or day 0
        yield Error.at(
            Place("CITATION.cff"),
            "",
            "unreadable-citation",
            f"CITATION.cff is not valid YAML: {str(error)[:300]}",
        )
        return None, None
    if not isinstance(citation, dict):
        yield Error.at(
            Place("CITATION.cff"), "", "unreadable-citation", "CITATION.cff must be a YAML mapping."
        )
        return None, None
    if citation.get("type") != "dataset":
        yield Error.at(
            Place("CITATION.cff", _line_of(text, "type:")),
            "type",
            "citation-type",
            f"CITATION.cff has type {_short(citation.get('type'))}; it must be 'dataset'.",
            hint="Set `type: dataset`.",
        )
    if str(citation.get("version"))[:200] != str(version):
        yield Error.at(
            Place("CITATION.cff", _line_of(text, "version:")),
            "version",
            "version-mismatch",
            f"CITATION.cff has version {_short(citation.get('version'))} but datapackage.json has {version!r}.",
            hint="Give the same version in datapackage.json, CITATION.cff and CHANGELOG.md.",
        )
    yield from _citation_title(package, version, citation, text)
    return citation, text


def _citation_title(package: Package, version: str, citation: dict, text: str) -> Iterator[Error]:
    """CITATION.cff's title is the package's title naming the version (only the suffix when the package has no title)."""
    title = citation.get("title")
    package_title = package.descriptor.get("title")
    if isinstance(package_title, str):
        expected = citation_fields.cited_title(package_title, version)
        if title == expected:
            return
        wanted = f"the package's title naming its version, {_short(expected)}"
    else:
        suffix = citation_fields.VERSION_SUFFIX.format(version=version)
        if isinstance(title, str) and title.endswith(suffix):
            return
        wanted = f"a title ending {suffix.strip()!r}"
    yield Error.at(
        Place("CITATION.cff", _line_of(text, "title:")),
        "title",
        "citation-title",
        f"CITATION.cff has title {_short(title)}; it must be {wanted}: cffconvert's BibTeX, "
        "RIS and EndNote carry the version only there.",
        hint="Run `python -m validate release --metadata` (or `release --prepare X.Y.Z` for a new version).",
    )


def _changelog(
    text: str, version: str, citation: dict | None, citation_text: str | None
) -> Iterator[Error]:
    if changelog_sections.unreleased(text) is None:
        yield Error.at(
            Place("CHANGELOG.md"),
            "",
            "no-unreleased",
            "CHANGELOG.md has no `## [Unreleased]` section.",
            hint="Keep a `## [Unreleased]` heading above the newest release, for changes not yet released (it may be empty).",
        )
    top = changelog_sections.newest_release(text)
    if top is None:
        yield Error.at(
            Place("CHANGELOG.md"),
            "",
            "no-release",
            "CHANGELOG.md has no release heading like '## [0.1.0] - 2026-11-27'.",
        )
        return
    if top.title != version:
        yield Error.at(
            Place("CHANGELOG.md", top.line),
            "",
            "version-mismatch",
            f"The top release of CHANGELOG.md is {top.title} but datapackage.json has {version!r}.",
            hint="Add a section for the new version at the top of CHANGELOG.md.",
        )
    elif citation is not None and top.date and str(citation.get("date-released")) != top.date:
        yield Error.at(
            Place("CITATION.cff", _line_of(citation_text or "", "date-released:")),
            "date-released",
            "date-mismatch",
            f"CITATION.cff has date-released {_short(str(citation.get('date-released')))} but CHANGELOG.md "
            f"dates {top.title} {top.date}.",
            hint="Give the release date once in both: `date-released` and the `## [X.Y.Z] - YYYY-MM-DD` heading.",
        )


def _readme(package: Package, version: str, citation: dict | None) -> Iterator[Error]:
    text = _optional(package, "README.md")
    if text is None:
        return
    if citation is not None:
        expected = f"> {citation_fields.reference(citation)}"
        for match in citation_fields.readme_reference().finditer(text):
            if match.group(0).rstrip() != expected:
                yield Error.at(
                    Place("README.md", text.count("\n", 0, match.start()) + 1),
                    "",
                    "readme-reference",
                    f"README.md quotes the reference {_short(match.group(0)[2:])} but CITATION.cff gives "
                    f"{_short(expected[2:])}.",
                    hint="Run `python -m validate release --metadata`.",
                )
        entry = f"```bibtex\n{citation_fields.bibtex(citation, str(package.descriptor.get('name', '')))}```"
        for match in citation_fields.readme_bibtex().finditer(text):
            if match.group(0).replace("\r\n", "\n") != entry:
                yield Error.at(
                    Place("README.md", text.count("\n", 0, match.start()) + 1),
                    "",
                    "readme-reference",
                    "README.md's BibTeX entry is not the one CITATION.cff and datapackage.json give "
                    f"(its first line: {_short(match.group(0).splitlines()[1])}).",
                    hint="Run `python -m validate release --metadata`.",
                )
    for match in _README_VERSION.finditer(text):
        stated = match[1] or match[2]
        if stated != version:
            yield Error.at(
                Place("README.md", text.count("\n", 0, match.start()) + 1),
                "",
                "readme-version",
                f"README.md states version {stated} but datapackage.json has {version!r}.",
                hint=f"Write {version} there (or say it without a version number).",
            )


def _zenodo(package: Package, citation_text: str | None) -> Iterator[Error]:
    held = _optional(package, zenodo.ZENODO_FILE)
    if held is None or citation_text is None:
        return
    try:
        expected = zenodo.render_from_files(package.descriptor_text, citation_text)
    except (ValueError, AttributeError, TypeError):
        return  # the descriptor or the citation is malformed: reported above or by descriptor-profile
    if held != expected:
        yield Error.at(
            Place(zenodo.ZENODO_FILE),
            "",
            "zenodo-stale",
            ".zenodo.json differs from what datapackage.json and CITATION.cff give.",
            hint="Run `python -m validate release --metadata` and commit the result.",
        )


def _read(
    package: Package, name: str, missing: str, unreadable: str, hint: str
) -> Generator[Error, None, str | None]:
    """Read a release file through the package's path rule; yield why it cannot be read."""
    try:
        return package.read_inside(name, "descriptor-bytes").decode("utf-8")
    except UnsafePath as error:
        code = missing if error.code in ("missing-file", "not-a-file") else unreadable
        yield Error.at(
            Place(name),
            "",
            code,
            f"{name} is missing or cannot be read safely: {error}.",
            hint=hint,
        )
    except LimitExceeded as error:
        yield Error.at(Place(name), "", "limit-exceeded", f"{name}: {error}")
    except UnicodeDecodeError:
        yield Error.at(
            Place(name), "", unreadable, f"{name} is not UTF-8 text.", hint="Save it as UTF-8."
        )
    return None


def _read_changelog(package: Package) -> Generator[Error, None, str | None]:
    """CHANGELOG.md through the one reader `diff` and `release --prepare` use (its size cap, its path rule)."""
    try:
        text = changelog_sections.read(package.root)
    except changelog_sections.TooLarge as error:
        yield Error.at(
            Place("CHANGELOG.md"),
            "",
            "changelog-too-large",
            f"{str(error).rstrip('.')}; `validate`, `diff` and `release` read it only up to that size.",
            hint=CODES["changelog-too-large"].hint,
        )
        return None
    except changelog_sections.Unreadable as error:
        yield Error.at(
            Place("CHANGELOG.md"),
            "",
            "unreadable-changelog",
            str(error).rstrip(".") + ".",
            hint=CODES["unreadable-changelog"].hint,
        )
        return None
    if text is None:
        yield Error.at(
            Place("CHANGELOG.md"),
            "",
            "missing-changelog",
            "CHANGELOG.md is missing.",
            hint=CODES["missing-changelog"].hint,
        )
    return text


def _optional(package: Package, name: str) -> str | None:
    """The text of a file that may be absent (README.md, .zenodo.json); None when absent or unsafe to read."""
    try:
        return package.read_inside(name, "descriptor-bytes").decode("utf-8", errors="replace")
    except (UnsafePath, LimitExceeded):
        return None


def _short(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:79] + "…"


def _line_of(text: str, start: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(start):
            return number
    return None
