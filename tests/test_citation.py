"""CITATION.cff is complete and valid for cffconvert 2.0.0 (the real tool, from its own venv), every format it
makes names the version, the `release` check catches a title that names another version, and .zenodo.json
is what datapackage.json and CITATION.cff give and what Zenodo's deposit metadata accepts."""

from __future__ import annotations

import functools
import json
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml

from validate.errors import CannotRun
from validate.runner import run
from validate.versioning import citation as citation_fields
from validate.versioning import zenodo

from .conftest import REPO, build_package
from .hostile import run_validator

CFFCONVERT = REPO / ".venv-cffconvert" / "bin" / "cffconvert"
DESCRIPTOR = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
CITATION = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
VERSION = DESCRIPTOR["version"]
CITED_TITLE = f"{DESCRIPTOR['title']} (version {VERSION})"


def cffconvert(*args: str, infile: Path = REPO / "CITATION.cff") -> subprocess.CompletedProcess:
    assert CFFCONVERT.is_file(), (
        "cffconvert has its own venv: run `make test-all` (or `make .venv-cffconvert/bin/cffconvert`)"
    )
    return subprocess.run(
        [str(CFFCONVERT), "-i", str(infile), *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )


@functools.cache  # several tests read the same format of the same file: cffconvert starts once for each
def convert(output_format: str, infile: Path = REPO / "CITATION.cff") -> str:
    result = cffconvert("-f", output_format, infile=infile)
    assert result.returncode == 0, result.stderr
    return result.stdout


def release_errors(descriptor: Path) -> list[tuple]:
    return [
        (e.code, e.file, e.line, e.field)
        for e in run(str(descriptor)).errors
        if e.check == "release"
    ]


# --- cffconvert on the shipped CITATION.cff ---------------------------------------------------------------------------


def test_cffconvert_validates_citation_cff():
    result = cffconvert("--validate")
    assert result.returncode == 0, result.stderr
    assert "Citation metadata are valid according to schema version 1.2.0." in result.stdout


def cff_author_names(author: dict) -> set[str]:
    """The names a CFF author goes by, in either form CFF 1.2.0 allows: an entity (`name`) or a person
    (`given-names`, `name-particle`, `family-names`, `name-suffix`, or only an `alias`)."""
    if "name" in author:
        return {author["name"]}
    parts = ("given-names", "name-particle", "family-names", "name-suffix")
    full = " ".join(str(author[p]) for p in parts if author.get(p))
    return {name for name in (full, author.get("alias")) if name}


def descriptor_names(contributor: dict) -> set[str]:
    """The names a Data Package contributor goes by: its title, its organization, its given and family names."""
    person = " ".join(contributor[p] for p in ("givenName", "familyName") if contributor.get(p))
    return {
        name for name in (contributor.get("title"), contributor.get("organization"), person) if name
    }


def test_every_author_is_a_contributor_of_the_descriptor_not_an_invented_person():
    """Each author names a contributor: an entity the organization a contributor works for, a person a
    contributor by name. A contributor the walkthrough adds (a title only) changes nothing here."""
    known = set().union(*map(descriptor_names, DESCRIPTOR["contributors"]))
    for author in CITATION["authors"]:
        names = cff_author_names(author)
        assert names, author
        if "name" in author:  # an entity, e.g. "Contributors to the <organization>"
            assert any(name in author["name"] for name in known), author
        else:
            assert names & known, author


@pytest.mark.parametrize(
    ("author", "names"),
    [
        ({"name": "Contributors to the X project"}, {"Contributors to the X project"}),
        ({"given-names": "Ada", "family-names": "Lovelace"}, {"Ada Lovelace"}),
        (
            {"given-names": "Ludwig", "name-particle": "van", "family-names": "Beethoven"},
            {"Ludwig van Beethoven"},
        ),
        ({"family-names": "Doe", "name-suffix": "Jr.", "alias": "jd"}, {"Doe Jr.", "jd"}),
        ({"alias": "alex"}, {"alex"}),
    ],
)
def test_cff_author_names_reads_every_author_form(author, names):
    assert cff_author_names(author) == names


def test_citation_agrees_with_the_descriptor_and_its_title_names_the_version():
    assert CITATION["type"] == "dataset"
    assert CITATION["version"] == VERSION
    assert CITATION["title"] == CITED_TITLE
    assert CITATION["license"] == DESCRIPTOR["licenses"][0]["name"] == "CC-BY-4.0"
    assert set(DESCRIPTOR["keywords"]) <= set(CITATION["keywords"])
    assert (
        "validator code is MIT" in CITATION["abstract"]
        and "not licensed by this dataset" in CITATION["abstract"]
    )
    assert (
        "identifiers" not in CITATION and "doi" not in CITATION
    )  # none is real yet: no DOI has been minted


def test_bibtex_names_the_version_in_its_title_because_cffconvert_2_0_0_has_no_version_field():
    bibtex = convert("bibtex")
    assert f"author = {{{CITATION['authors'][0]['name']}}}" in bibtex
    assert f"title = {{{CITED_TITLE}}}" in bibtex
    assert f"year = {{{CITATION['date-released'][:4]}}}" in bibtex
    # cffconvert 2.0.0 writes only author, doi, month, title, url and year, hence the version in the title. When a
    # release adds a `version` field, this fails: then the title suffix can go (validate/versioning/citation.py).
    assert not re.search(r"^\s*version\s*=", bibtex, re.MULTILINE)


def test_apa_names_the_entity_the_year_and_the_version():
    apa = convert("apalike")
    assert apa.startswith(
        f"Contributors to the Bukele–CECOT reference dataset project ({CITATION['date-released'][:4]}). {CITED_TITLE}"
    )
    assert apa.rstrip().endswith(f"(version {VERSION}).")


def test_codemeta_carries_version_date_licence_and_keywords():
    codemeta = json.loads(convert("codemeta"))
    assert codemeta["version"] == VERSION
    assert codemeta["name"] == CITED_TITLE
    assert codemeta["datePublished"] == CITATION["date-released"]
    assert codemeta["license"] == "https://spdx.org/licenses/CC-BY-4.0"
    assert codemeta["keywords"] == CITATION["keywords"]
    # cffconvert 2.0.0 types every author as a Person (cffconvert issue #239, fixed after 2.0.0 by PR #318):
    # when the pin moves past it, this fails and the entity should come out as an Organization.
    assert codemeta["author"] == [{"@type": "Person", "name": CITATION["authors"][0]["name"]}]


@pytest.mark.parametrize(
    ("output_format", "where"),
    [
        ("bibtex", lambda text: re.search(r"^title = \{(.*)\},?$", text, re.MULTILINE)[1]),
        ("ris", lambda text: re.search(r"^TI  - (.*)$", text, re.MULTILINE)[1]),
        ("endnote", lambda text: re.search(r"^%T (.*)$", text, re.MULTILINE)[1]),
        ("apalike", lambda text: text),
        ("codemeta", lambda text: json.loads(text)["version"]),
        ("schema.org", lambda text: json.loads(text)["version"]),
        ("zenodo", lambda text: json.loads(text)["version"]),
    ],
)
def test_every_format_cffconvert_makes_names_the_version(output_format, where):
    assert VERSION in where(convert(output_format))


def test_a_prepared_citation_names_the_new_version_in_bibtex(tmp_path):
    """What `release --prepare` writes (citation.restate) is what cffconvert reads: its BibTeX names the new version."""
    text = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    new = citation_fields.restate(
        text,
        {
            "title": citation_fields.cited_title(DESCRIPTOR["title"], "9.8.7"),
            "version": "9.8.7",
            "date-released": "2031-02-03",
        },
    )
    (tmp_path / "CITATION.cff").write_text(new, encoding="utf-8")
    assert cffconvert("--validate", infile=tmp_path / "CITATION.cff").returncode == 0
    bibtex = convert("bibtex", infile=tmp_path / "CITATION.cff")
    assert (
        f"title = {{{DESCRIPTOR['title']} (version 9.8.7)}}" in bibtex
        and "year = {2031}" in bibtex
        and "month = {2}" in bibtex
    )


# --- README.md quotes the reference ----------------------------------------------------------------------------------


def test_readme_quotes_cffconverts_apa_without_its_repeated_version():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    line = citation_fields.reference(CITATION)
    assert f"\n> {line}\n" in readme
    # cffconvert appends "(version X.Y.Z)." to a title that already names it; the README leaves the repeat out
    assert convert("apalike").strip() == f"{line.removesuffix('.')} (version {VERSION})."


# --- the release check: CITATION.cff's title and README.md's reference -----------------------------------------------


def write_citation_title(descriptor: Path, title_line: str) -> None:
    path = descriptor.parent / "CITATION.cff"
    path.write_text(
        re.sub(
            r"^title: .*$",
            title_line,
            path.read_text(encoding="utf-8"),
            count=1,
            flags=re.MULTILINE,
        ),
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    "title_line",
    [
        'title: "Bukele offers to jail US deportees in CECOT: facts, quotes and sources of a 2025-02-04 article"',  # no version
        'title: "Bukele offers to jail US deportees in CECOT: facts, quotes and sources of a 2025-02-04 article (version 0.2.0)"',
        'title: "Another dataset (version 0.1.0)"',  # the right version, but not the package's title
        "title: 0.1",  # not a string
    ],
)
def test_release_check_reports_a_title_that_does_not_name_this_version(tmp_path, title_line):
    descriptor = build_package(tmp_path / "p")  # version 0.1.0
    write_citation_title(descriptor, title_line)
    assert release_errors(descriptor) == [("citation-title", "CITATION.cff", 4, "title")]


def test_release_check_accepts_the_cited_title_of_the_minimal_package(tmp_path):
    descriptor = build_package(tmp_path / "p")
    assert yaml.safe_load((descriptor.parent / "CITATION.cff").read_text(encoding="utf-8"))[
        "title"
    ].endswith("(version 0.1.0)")
    assert release_errors(descriptor) == []


def test_without_a_package_title_the_citation_title_must_still_end_with_the_version(tmp_path):
    descriptor = build_package(tmp_path / "p")
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    del data["title"]
    descriptor.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    write_citation_title(descriptor, 'title: "Any title at all (version 0.1.0)"')
    assert release_errors(descriptor) == []
    write_citation_title(descriptor, 'title: "Any title at all (version 0.0.1)"')
    assert release_errors(descriptor) == [("citation-title", "CITATION.cff", 4, "title")]


def test_release_check_reports_a_readme_reference_that_citation_cff_does_not_give(tmp_path):
    descriptor = build_package(tmp_path / "p")
    citation = yaml.safe_load((descriptor.parent / "CITATION.cff").read_text(encoding="utf-8"))
    good = f"> {citation_fields.reference(citation)}"
    (descriptor.parent / "README.md").write_text(f"# Fixture\n\n{good}\n", encoding="utf-8")
    assert release_errors(descriptor) == []
    (descriptor.parent / "README.md").write_text(
        f"# Fixture\n\n{good.replace('(2026)', '(2025)')}\n", encoding="utf-8"
    )
    assert release_errors(descriptor) == [("readme-reference", "README.md", 3, "")]


def test_a_hostile_readme_line_is_judged_in_linear_time(minimal_package):
    """Two `.+` on one 2 MB line would backtrack for minutes with `re`; RE2 answers at once (hostile.TIMEOUT bounds it)."""
    line = "> " + "a (1234). " * 200_000 + "T (version 0.1.0)."
    (minimal_package.parent / "README.md").write_text(line + "\n", encoding="utf-8")
    result = run_validator(str(minimal_package), "--format", "json")
    assert result.code == 1
    assert result.errors() == [("release", "readme-reference", "README.md", 1)]


# --- restate: the one writer of the version-bearing fields -----------------------------------------------------------


def test_restate_keeps_every_other_byte_and_backslashes_literal():
    text = 'cff-version: 1.2.0\ntitle: "Old"\nversion: 0.1.0\nabstract: >-\n  Two\n  lines.\n'
    new = citation_fields.restate(
        text, {"title": r"A \d title (version 0.2.0)", "version": "0.2.0"}
    )
    assert (
        new
        == 'cff-version: 1.2.0\ntitle: "A \\\\d title (version 0.2.0)"\nversion: 0.2.0\nabstract: >-\n  Two\n  lines.\n'
    )
    assert yaml.safe_load(new)["title"] == r"A \d title (version 0.2.0)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "cff-version: 1.2.0\ntitle: >-\n  Folded\n  title\nversion: 0.1.0\n",
            "would not be YAML; write each of title, version on one line",
        ),
        (
            'cff-version: 1.2.0\ntitle: "A\n  title"\nversion: 0.1.0\n',
            "would not be YAML",
        ),  # a quoted title over two lines
        (
            'title: "A"\ntitle: "B"\nversion: 0.1.0\n',
            "would not read back as intended: title;",
        ),  # YAML keeps the last of two keys
        ("cff-version: 1.2.0\nversion: 0.1.0\n", "needs a `title:` line"),
        ("- a list\n", "must be a YAML mapping"),
        ("title: [unclosed\n", "not valid YAML"),
        (
            "title: x\na: &a [x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n"
                for i in range(9)
            ),
            "over the limit `yaml-nodes`",
        ),  # a billion laughs
    ],
)
def test_restate_refuses_what_it_cannot_rewrite_safely(text, message):
    with pytest.raises(CannotRun, match=re.escape(message)):
        citation_fields.restate(text, {"title": "New (version 0.2.0)", "version": "0.2.0"})


# --- .zenodo.json ----------------------------------------------------------------------------------------------------

# Zenodo's deposit metadata as documented (developers.zenodo.org, "Deposit metadata") and as Zenodo reads a
# .zenodo.json today: zenodo/zenodo-rdm, site/zenodo_rdm/legacy/deserializers/metadata.py (MetadataSchema:
# `version` is a string kept as given; a creator's `name` with exactly one comma is split into family and given
# names, otherwise kept whole) and legacy/zenodo_legacy/licenses.py (licence ids are matched lower-cased).
ZENODO_UPLOAD_TYPES = {
    "publication",
    "poster",
    "presentation",
    "dataset",
    "image",
    "video",
    "software",
    "lesson",
    "physicalobject",
    "other",
}
ZENODO_ACCESS_RIGHTS = {"open", "embargoed", "restricted", "closed"}
ZENODO_KEYS = {
    "upload_type",
    "title",
    "version",
    "publication_date",
    "creators",
    "description",
    "keywords",
    "license",
    "access_right",
}


def test_zenodo_json_is_generated_and_agrees_with_cffconverts_zenodo_output():
    committed = (REPO / zenodo.ZENODO_FILE).read_text(encoding="utf-8")
    assert committed == zenodo.render(DESCRIPTOR, CITATION), (
        "run `python -m validate release --metadata`"
    )
    ours, theirs = json.loads(committed), json.loads(convert("zenodo"))
    for key in ("creators", "version", "publication_date", "keywords"):
        assert ours[key] == theirs[key], key
    assert ours["license"] == theirs["license"]["id"].lower()
    # Zenodo keeps the version in its own field and prints it in the references it makes; the title stays the package's
    assert ours["title"] == DESCRIPTOR["title"] and theirs["title"] == CITED_TITLE


def test_zenodo_json_names_the_version_in_the_fields_zenodo_documents():
    metadata = json.loads((REPO / zenodo.ZENODO_FILE).read_text(encoding="utf-8"))
    assert set(metadata) == ZENODO_KEYS
    assert metadata["version"] == VERSION and isinstance(metadata["version"], str)
    assert metadata["upload_type"] == "dataset" and metadata["upload_type"] in ZENODO_UPLOAD_TYPES
    assert metadata["access_right"] in ZENODO_ACCESS_RIGHTS
    assert date.fromisoformat(metadata["publication_date"]).isoformat() == CITATION["date-released"]
    assert metadata["license"] == "cc-by-4.0"  # Zenodo's id for CC-BY-4.0
    assert all(set(creator) == {"name"} for creator in metadata["creators"])
    # an entity's name with one comma would become a person "Family, Given" on Zenodo: ours has none
    assert [creator["name"].count(",") for creator in metadata["creators"]] == [0]
    assert metadata["description"].startswith("<p>") and len(set(metadata["keywords"])) == len(
        metadata["keywords"]
    )


@pytest.mark.parametrize("text", ["<b>bold</b> & more", "plain"])
def test_zenodo_description_escapes_html(text):
    metadata = zenodo.zenodo_metadata(
        {"description": text, "licenses": [{"name": "CC-BY-4.0"}]}, {"authors": []}
    )
    assert (
        metadata["description"]
        == "<p>" + text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</p>"
    )


def test_the_readme_reference_is_found_in_a_crlf_readme_and_without_a_date():
    from validate.versioning.citation import readme_reference

    line = "> Contributors (2026). A title (version 0.2.0)."
    assert readme_reference().search("intro\r\n" + line + "\r\nmore\r\n")
    assert readme_reference().search(line.replace("(2026)", "(n.d.)"))
    assert not readme_reference().search(line.replace("(2026)", "(someday)"))


def test_the_bibtex_entry_braces_the_entity_and_the_title_and_escapes_what_bibtex_reads():
    from validate.versioning.citation import bibtex

    entry = bibtex(
        {
            "authors": [{"family-names": "Doe", "given-names": "Jane"}, {"name": "X & Y_{z}"}],
            "title": "50% of #1 (version 1.0.0)",
            "version": "1.0.0",
            "date-released": "2026-02-03",
        },
        "my package",
    )
    assert entry == (
        "@misc{my-package-1.0.0,\n  author = {Doe, Jane and {X \\& Y\\_z}},\n  title = {{50\\% of \\#1 (version 1.0.0)}},\n"
        "  year = {2026},\n  month = feb,\n  version = {1.0.0},\n}\n"
    )


def test_a_stale_bibtex_entry_in_the_readme_is_a_release_error(minimal_package):
    readme = minimal_package.parent / "README.md"
    citation = yaml.safe_load((minimal_package.parent / "CITATION.cff").read_text(encoding="utf-8"))
    name = json.loads(minimal_package.read_text(encoding="utf-8"))["name"]
    good = f"```bibtex\n{citation_fields.bibtex(citation, name)}```\n"
    readme.write_text("# Package\n\n" + good, encoding="utf-8")
    assert not [e for e in run(minimal_package).errors if e.check == "release"]
    readme.write_text(
        "# Package\n\n" + good.replace("version = {", "version = {9"), encoding="utf-8"
    )
    errors = [(e.code, e.file, e.line) for e in run(minimal_package).errors if e.check == "release"]
    assert errors == [("readme-reference", "README.md", 3)]
