"""Prepare a release: state the new version and date in every file that states them, all at once.

`python -m validate release --prepare X.Y.Z [--date YYYY-MM-DD]` first compares the package
with the newest recorded release (`diff`) and refuses a version that does not give the bump
the changes need. It then sets `version` in datapackage.json; `version` and `date-released`
in CITATION.cff (and its title); opens `## [X.Y.Z] - DATE` under `## [Unreleased]` in CHANGELOG.md (the
notes gathered under Unreleased become the release's, and an empty Unreleased stays on
top); the version README.md states and the reference it quotes; and regenerates .zenodo.json. CITATION.cff's `title`
names the version too (validate/versioning/citation.py says why). Every file is written
beside its target first and renamed only when all are ready: all of them change, or none.

`python -m validate release --metadata` rewrites only what derives from the files as they
are: CITATION.cff's title, .zenodo.json and the reference README.md quotes under "How to cite".
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import yaml

from .. import atomic, safepath
from ..errors import CannotRun
from . import changelog, citation, zenodo

_UNRELEASED = re.compile(r"^## \[Unreleased\][ \t]*$", re.MULTILINE | re.IGNORECASE)
MAX_TEXT_BYTES = 32 * 2**20  # the release files are a few kB each
README_VERSION = re.compile(
    r"(Current version: \*\*)([^*\s]+)(\*\*)|(\([Vv]ersion )(\d+\.\d+\.\d+[^)\s]*)(\))"
)


def new_texts(root: Path, version: str, date: str) -> dict[Path, str]:
    """The new text of every file that states the version, keyed by path."""
    descriptor_text, citation_text = (
        _text(root, name) for name in ("datapackage.json", "CITATION.cff")
    )
    changelog_text = _changelog(root)
    descriptor = _descriptor(descriptor_text)
    descriptor["version"] = version
    descriptor_text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
    citation_text = citation.restate(
        citation_text,
        {"title": _cited_title(descriptor), "version": version, "date-released": date},
    )
    if changelog.unreleased(changelog_text) is None:
        raise CannotRun("CHANGELOG.md has no `## [Unreleased]` section to release.")
    if any(section.title == version for section in changelog.sections(changelog_text)):
        raise CannotRun(f"CHANGELOG.md already has a section for {version}.")
    changelog_text = _UNRELEASED.sub(
        f"## [Unreleased]\n\n## [{version}] - {date}", changelog_text, count=1
    )
    texts = {
        root / "datapackage.json": descriptor_text,
        root / "CITATION.cff": citation_text,
        root / "CHANGELOG.md": changelog_text,
        root / zenodo.ZENODO_FILE: _zenodo(descriptor_text, citation_text),
    }
    readme = _readme(root, citation_text)
    if readme is not None:
        texts[root / "README.md"] = README_VERSION.sub(
            lambda m: f"{m[1]}{version}{m[3]}" if m[1] else f"{m[4]}{version}{m[6]}", readme
        )
    return texts


def metadata_texts(root: Path) -> dict[Path, str]:
    """The new text of the files derived from datapackage.json as it is: CITATION.cff's title, .zenodo.json and README.md's reference."""
    descriptor_text, citation_text = (
        _text(root, name) for name in ("datapackage.json", "CITATION.cff")
    )
    descriptor = _descriptor(descriptor_text)
    citation_text = citation.restate(citation_text, {"title": _cited_title(descriptor)})
    zenodo_text = _zenodo(descriptor_text, citation_text)
    texts = {root / "CITATION.cff": citation_text, root / zenodo.ZENODO_FILE: zenodo_text}
    readme = _readme(root, citation_text)
    if readme is not None:
        texts[root / "README.md"] = readme
    return texts


def _readme(root: Path, citation_text: str) -> str | None:
    """README.md with its quoted reference made from the new CITATION.cff; None when there is no README.md."""
    if not os.path.lexists(root / "README.md"):
        return None
    readme = _text(root, "README.md")
    try:
        descriptor = _descriptor(_text(root, "datapackage.json"))
        return citation.restate_readme(
            readme,
            yaml.safe_load(citation_text),
            str(descriptor.get("name", "")),
        )
    except (OSError, UnicodeDecodeError, ValueError, AttributeError) as error:
        raise CannotRun(f"cannot read README.md or datapackage.json: {error}") from None


def _text(root: Path, name: str) -> str:
    """A release file's text, read under the path rule (a link, a FIFO or a device is refused, not read)."""
    try:
        return safepath.read(root, root / name, MAX_TEXT_BYTES).decode("utf-8")
    except UnicodeDecodeError as error:
        raise CannotRun(f"{name} is not UTF-8 text: {error}") from None
    except CannotRun as error:
        raise CannotRun(f"cannot read the release files: {error}") from None


def _changelog(root: Path) -> str:
    """CHANGELOG.md through the one reader of it (validate/versioning/changelog.py: its size cap, its path rule)."""
    try:
        text = changelog.read(root)
    except changelog.Unreadable as error:
        raise CannotRun(f"cannot read the release files: {error}") from None
    if text is None:
        raise CannotRun("cannot read the release files: CHANGELOG.md does not exist.")
    return text


def _descriptor(text: str) -> dict:
    try:
        descriptor = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise CannotRun(f"datapackage.json is not JSON: {error}") from None
    if not isinstance(descriptor, dict):
        raise CannotRun("datapackage.json must hold a JSON object.")
    keywords = descriptor.get("keywords", [])
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        raise CannotRun(
            "datapackage.json's `keywords` must be a list of text values (`python -m validate` says where); nothing written."
        )
    return descriptor


def _zenodo(descriptor_text: str, citation_text: str) -> str:
    try:
        return zenodo.render_from_files(descriptor_text, citation_text)
    except (ValueError, AttributeError, TypeError, yaml.YAMLError) as error:
        raise CannotRun(
            f"cannot derive {zenodo.ZENODO_FILE} (run `python -m validate` to see what is malformed): {error}"
        ) from None


def _cited_title(descriptor: object) -> str:
    title = descriptor.get("title") if isinstance(descriptor, dict) else None
    version = descriptor.get("version") if isinstance(descriptor, dict) else None
    if not (isinstance(title, str) and title.strip() and isinstance(version, str)):
        raise CannotRun(
            "datapackage.json needs a `title` and a `version`: CITATION.cff's title is the package's title naming its version."
        )
    return citation.cited_title(title, version)


def write_all(texts: dict[Path, str]) -> list[Path]:
    """Write every text (UTF-8), all or none (validate/atomic.py); return the files that changed, sorted."""
    texts = {Path(path): text for path, text in texts.items()}
    root = Path(os.path.commonpath([path.parent for path in texts])) if texts else Path(".")
    return sorted(
        atomic.write_all({path: text.encode("utf-8") for path, text in texts.items()}, base=root)
    )
