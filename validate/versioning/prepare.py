"""Prepare a release: state the new version and date in every file that states them, all at once.

`python -m validate release --prepare X.Y.Z [--date YYYY-MM-DD]` first compares the package
with the newest recorded release (`diff`) and refuses a version that does not give the bump
the changes need. It then sets `version` in datapackage.json; `version` and `date-released`
in CITATION.cff; opens `## [X.Y.Z] - DATE` under `## [Unreleased]` in CHANGELOG.md (the
notes gathered under Unreleased become the release's, and an empty Unreleased stays on
top); the version README.md states; and regenerates .zenodo.json. Every file is written
beside its target first and renamed only when all are ready: all of them change, or none.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .. import atomic
from ..errors import CannotRun
from . import changelog, zenodo

_CITATION_VERSION = re.compile(r"^version: .*$", re.MULTILINE)
_CITATION_DATE = re.compile(r"^date-released: .*$", re.MULTILINE)
_UNRELEASED = re.compile(r"^## \[Unreleased\][ \t]*$", re.MULTILINE | re.IGNORECASE)
README_VERSION = re.compile(r"(Current version: \*\*)([^*\s]+)(\*\*)|(\([Vv]ersion )(\d+\.\d+\.\d+[^)\s]*)(\))")


def new_texts(root: Path, version: str, date: str) -> dict[Path, str]:
    """The new text of every file that states the version, keyed by path."""
    try:
        descriptor_text = (root / "datapackage.json").read_text(encoding="utf-8")
        citation_text = (root / "CITATION.cff").read_text(encoding="utf-8")
        changelog_text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CannotRun(f"cannot read the release files: {error}") from None
    descriptor = json.loads(descriptor_text)
    descriptor["version"] = version
    descriptor_text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
    if not (_CITATION_VERSION.search(citation_text) and _CITATION_DATE.search(citation_text)):
        raise CannotRun("CITATION.cff needs a `version:` and a `date-released:` line.")
    citation_text = _CITATION_VERSION.sub(f"version: {version}", citation_text, count=1)
    citation_text = _CITATION_DATE.sub(f'date-released: "{date}"', citation_text, count=1)
    if changelog.unreleased(changelog_text) is None:
        raise CannotRun("CHANGELOG.md has no `## [Unreleased]` section to release.")
    if any(section.title == version for section in changelog.sections(changelog_text)):
        raise CannotRun(f"CHANGELOG.md already has a section for {version}.")
    changelog_text = _UNRELEASED.sub(f"## [Unreleased]\n\n## [{version}] - {date}", changelog_text, count=1)
    texts = {root / "datapackage.json": descriptor_text, root / "CITATION.cff": citation_text, root / "CHANGELOG.md": changelog_text,
             root / zenodo.ZENODO_FILE: zenodo.render_from_files(descriptor_text, citation_text)}
    readme = root / "README.md"
    if readme.is_file():
        texts[readme] = README_VERSION.sub(lambda m: f"{m[1]}{version}{m[3]}" if m[1] else f"{m[4]}{version}{m[6]}",
                                           readme.read_text(encoding="utf-8"))
    return texts


def write_all(texts: dict[Path, str]) -> list[Path]:
    """Write every text (UTF-8), all or none (validate/atomic.py); return the files that changed, sorted."""
    return sorted(atomic.write_all({path: text.encode("utf-8") for path, text in texts.items()}))
