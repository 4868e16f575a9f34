"""The fields of CITATION.cff that state the version, the one function that rewrites them, and the
reference README.md quotes from them.

cffconvert 2.0.0 (the newest release) carries CITATION.cff's `version` into APA, codemeta,
schema.org and Zenodo, but its BibTeX, EndNote and RIS writers have no version field at all:
they carry the title. So the title states the version too, as `<package title> (version X.Y.Z)`,
and every format cffconvert makes names the version without anyone typing it: `release
--prepare` writes `version`, `date-released` and this title together, `release --metadata`
rewrites the title from datapackage.json, and the `release` check fails when they disagree.
"""

from __future__ import annotations

import json
import re
from functools import cache

import yaml

from .. import yamlsafe
from ..errors import CannotRun
from ..limits import DEFAULT, LimitExceeded

VERSION_SUFFIX = " (version {version})"


def cited_title(title: str, version: str) -> str:
    """The title CITATION.cff gives: the package's title naming the version.

    PASS: cited_title("Bukele offers …", "0.2.0") == "Bukele offers … (version 0.2.0)"
    """
    return title + VERSION_SUFFIX.format(version=version)


@cache
def readme_reference():
    """The pattern of the reference README.md quotes, `> Authors (year). Title (version X.Y.Z).`, one per line.

    RE2, not `re`: the README is the package's, and two `.+` on one long line backtrack in quadratic time
    where RE2 stays linear.
    """
    import re2  # on first use only: a few milliseconds to import

    return re2.compile(
        r"(?m)^> .+ \((?:\d{4}|n\.d\.)\)\. .+ \(version \d+\.\d+\.\d+[^)\s]*\)\.[ \t\r]*$"
    )  # `n.d.`: no date; \r: a CRLF README


def author_name(author: dict) -> str:
    """An author as CITATION.cff names it: an entity's `name` whole (never split into invented names), else "Family, Given"."""
    if "name" in author:
        return str(author["name"])
    return ", ".join(
        str(part) for part in (author.get("family-names"), author.get("given-names")) if part
    )


def reference(citation: dict) -> str:
    """The one-line reference README.md quotes under "How to cite": `Authors (year). Title (version X.Y.Z).`

    cffconvert's APA is the same words followed by "(version X.Y.Z)." once more (it appends `version` to the
    title, which already names it), so README.md quotes this line instead; a test compares the two.
    PASS: {"authors": [{"name": "A"}], "date-released": "2026-11-29", "title": "T (version 0.2.0)"} -> "A (2026). T (version 0.2.0)."
    """
    listed = citation.get("authors")
    authors = ", ".join(
        author_name(a) for a in (listed if isinstance(listed, list) else []) if isinstance(a, dict)
    )
    released = citation.get("date-released")
    return f"{authors} ({str(released)[:4] if released is not None else 'n.d.'}). {citation.get('title')}."


def restate_readme(text: str, citation: dict, name: str) -> str:
    """README.md's text with its quoted reference (`> Authors (year). Title (version X.Y.Z).`) and its
    BibTeX entry (a ```bibtex block) made from `citation`, for the package called `name`."""
    text = readme_reference().sub(lambda _: f"> {reference(citation)}", text)
    return readme_bibtex().sub(lambda _: f"```bibtex\n{bibtex(citation, name)}```", text)


@cache
def readme_bibtex():
    """The pattern of README.md's BibTeX entry: a fenced ```bibtex block holding one @misc entry (RE2: linear time)."""
    import re2

    return re2.compile(r"(?ms)^```bibtex\r?\n@misc\{.*?^```")


_BIBTEX_SPECIAL = re.compile(r"([&%$#_])")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def bibtex(citation: dict, name: str) -> str:
    """A BibTeX entry that needs no hand edits (cffconvert's does: docs/releasing.md).

    The key is `<name>-<version>`; an entity author is double-braced, so that BibTeX does not
    split it like a person's name, persons are "Family, Given" joined by `and`; the title is
    double-braced, so that styles which lower-case titles keep "US" and "CECOT"; `version` is
    biblatex's field (BibTeX ignores it; the title names the version anyway).
    PASS: {"authors": [{"name": "A B"}], "title": "T (version 1.0.0)", "version": "1.0.0", "date-released": "2026-11-29"}, "p"
          -> "@misc{p-1.0.0,\n  author = {{A B}},\n  title = {{T (version 1.0.0)}},\n  year = {2026},\n  month = nov,\n  version = {1.0.0},\n}\n"
    """

    def plain(value: object) -> str:
        return _BIBTEX_SPECIAL.sub(
            r"\\\1", str(value).replace("\\", "").replace("{", "").replace("}", "")
        )

    listed = citation.get("authors")
    authors = [a for a in (listed if isinstance(listed, list) else []) if isinstance(a, dict)]
    author = " and ".join(
        f"{{{plain(a['name'])}}}" if "name" in a else plain(author_name(a)) for a in authors
    )
    version = plain(citation.get("version", ""))
    released = str(citation.get("date-released", ""))
    key = f"{re.sub(r'[^A-Za-z0-9._-]', '-', name)}-{version}"
    lines = [
        f"@misc{{{key},",
        f"  author = {{{author}}},",
        f"  title = {{{{{plain(citation.get('title', ''))}}}}},",
    ]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", released) and 1 <= int(released[5:7]) <= 12:
        lines += [f"  year = {{{released[:4]}}},", f"  month = {_MONTHS[int(released[5:7]) - 1]},"]
    lines += [f"  version = {{{version}}},", "}"]
    return "\n".join(lines) + "\n"


def _line(key: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(key)}:[ \t].*$", re.MULTILINE)


def restate(text: str, fields: dict[str, str]) -> str:
    """CITATION.cff's text with each top-level `key: value` of `fields` written anew, every other byte kept.

    Each field must already sit on one line of its own (`title: "…"`); the new value is written
    as a double-quoted string (JSON's quoting, which YAML reads the same), except `version`,
    written bare as the other files of a release show it. The result is read back: if any field
    other than these changed, or these do not read back as given (a folded title continued on
    the next lines, say), nothing is returned and CannotRun says why.
    """
    try:
        before = yamlsafe.safe_load(text, DEFAULT)
    except LimitExceeded as error:
        raise CannotRun(f"CITATION.cff: {error}") from None
    except (
        yaml.YAMLError,
        ValueError,
        OverflowError,
    ) as error:  # PyYAML raises ValueError for a 5,000-digit int or day 0
        raise CannotRun(f"CITATION.cff is not valid YAML: {str(error)[:300]}") from None
    if not isinstance(before, dict):
        raise CannotRun("CITATION.cff must be a YAML mapping.")
    for key, value in fields.items():
        found = _line(key).search(text)
        if found is None:
            raise CannotRun(f"CITATION.cff needs a `{key}:` line.")
        line = f"{key}: {value if key == 'version' else json.dumps(value, ensure_ascii=False)}"
        text = text[: found.start()] + line + text[found.end() :]
    advice = f"write each of {', '.join(fields)} on one line of its own"
    try:
        after = yamlsafe.safe_load(text, DEFAULT)
    except (LimitExceeded, yaml.YAMLError, ValueError, OverflowError):
        raise CannotRun(
            f"CITATION.cff could not be rewritten safely: the result would not be YAML; {advice}."
        ) from None
    expected = {**before, **fields}
    read_back = after if isinstance(after, dict) else {}
    if read_back != expected:
        changed = sorted(
            {str(key) for key in {*expected, *read_back} if read_back.get(key) != expected.get(key)}
        )
        raise CannotRun(
            f"CITATION.cff could not be rewritten safely: these fields would not read back as intended: "
            f"{', '.join(changed)}; {advice}."
        )
    return text
