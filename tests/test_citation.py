"""CITATION.cff is complete and valid for cffconvert 2.0.0 (the real tool, from its own venv), and what it
makes of it carries the version; .zenodo.json is what datapackage.json and CITATION.cff give."""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from validate.versioning import zenodo

from .conftest import REPO

CFFCONVERT = REPO / ".venv-cffconvert" / "bin" / "cffconvert"
DESCRIPTOR = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
CITATION = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
VERSION = DESCRIPTOR["version"]


def cffconvert(*args: str) -> subprocess.CompletedProcess:
    assert CFFCONVERT.is_file(), "cffconvert has its own venv: run `make test` (or `make .venv-cffconvert/bin/cffconvert`)"
    return subprocess.run([str(CFFCONVERT), "-i", str(REPO / "CITATION.cff"), *args], check=False, capture_output=True, text=True, timeout=120)


def convert(output_format: str) -> str:
    result = cffconvert("-f", output_format)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_cffconvert_validates_citation_cff():
    result = cffconvert("--validate")
    assert result.returncode == 0, result.stderr
    assert "Citation metadata are valid according to schema version 1.2.0." in result.stdout


def test_authors_are_the_projects_contributors_as_an_entity_not_invented_people():
    assert CITATION["authors"] == [{"name": "Contributors to the Bukele–CECOT reference dataset project"}]
    assert DESCRIPTOR["contributors"][0]["organization"] in CITATION["authors"][0]["name"]


def test_citation_agrees_with_the_descriptor():
    assert CITATION["type"] == "dataset"
    assert CITATION["title"] == DESCRIPTOR["title"]
    assert CITATION["license"] == DESCRIPTOR["licenses"][0]["name"] == "CC-BY-4.0"
    assert set(DESCRIPTOR["keywords"]) <= set(CITATION["keywords"])
    assert "validator code is MIT" in CITATION["abstract"] and "not licensed by this dataset" in CITATION["abstract"]
    assert "identifiers" not in CITATION and "doi" not in CITATION  # none is real yet: no DOI has been minted


def test_apa_names_the_entity_the_year_and_the_version():
    apa = convert("apalike")
    assert apa.startswith(f"Contributors to the Bukele–CECOT reference dataset project ({CITATION['date-released'][:4]}). {CITATION['title']}")
    assert f"(version {VERSION})" in apa


def test_codemeta_carries_version_date_licence_and_keywords():
    codemeta = json.loads(convert("codemeta"))
    assert codemeta["version"] == VERSION
    assert codemeta["datePublished"] == CITATION["date-released"]
    assert codemeta["license"] == "https://spdx.org/licenses/CC-BY-4.0"
    assert codemeta["keywords"] == CITATION["keywords"]
    # cffconvert 2.0.0 types every author as a Person (cffconvert issue #239, fixed after 2.0.0 by PR #318):
    # when the pin moves past it, this fails and the entity should come out as an Organization.
    assert codemeta["author"] == [{"@type": "Person", "name": CITATION["authors"][0]["name"]}]


def test_bibtex_names_the_entity_title_and_year_but_cffconvert_2_0_0_has_no_version_field():
    bibtex = convert("bibtex")
    assert f"author = {{{CITATION['authors'][0]['name']}}}" in bibtex
    assert f"title = {{{CITATION['title']}}}" in bibtex
    assert f"year = {{{CITATION['date-released'][:4]}}}" in bibtex
    # cffconvert 2.0.0 writes only author, doi, month, title, url and year: the version cannot reach its BibTeX
    # (docs/releasing.md says to add `version = {...}`). When the pin moves on, this fails and the doc is updated.
    assert "version" not in bibtex


def test_zenodo_json_is_generated_and_agrees_with_cffconverts_zenodo_output():
    committed = (REPO / zenodo.ZENODO_FILE).read_text(encoding="utf-8")
    assert committed == zenodo.render(DESCRIPTOR, CITATION), "run `python -m validate release --metadata`"
    ours, theirs = json.loads(committed), json.loads(convert("zenodo"))
    for key in ("creators", "version", "publication_date", "keywords"):
        assert ours[key] == theirs[key], key
    assert ours["license"] == theirs["license"]["id"].lower()
    assert ours["upload_type"] == "dataset" and ours["title"] == DESCRIPTOR["title"]


@pytest.mark.parametrize("text", ["<b>bold</b> & more", "plain"])
def test_zenodo_description_escapes_html(text):
    metadata = zenodo.zenodo_metadata({"description": text, "licenses": [{"name": "CC-BY-4.0"}]}, {"authors": []})
    assert metadata["description"] == "<p>" + text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</p>"


def test_readme_quotes_the_citation_cffconvert_gives_for_the_current_version():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"> {convert('apalike').strip()}\n" in readme
