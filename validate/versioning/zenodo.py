"""`.zenodo.json`, generated from datapackage.json and CITATION.cff, so that archiving a release on
Zenodo gets the right metadata (and a DOI) on the first try.

Nothing here is written by hand: the title, description, keywords and licence come from the
descriptor, the creators, version and date from CITATION.cff. `python -m validate release
--metadata` writes the file; the `release` check fails when it is out of date.
"""

from __future__ import annotations

import html
import json

import yaml

from .citation import author_name

ZENODO_FILE = ".zenodo.json"


def zenodo_metadata(descriptor: dict, citation: dict) -> dict:
    """The Zenodo deposit metadata for this version of the package."""
    keywords = list(dict.fromkeys([*descriptor.get("keywords", []), *citation.get("keywords", [])]))
    paragraphs = [
        part.strip()
        for part in str(descriptor.get("description", "")).split("\n\n")
        if part.strip()
    ]
    licences = [
        name
        for licence in descriptor.get("licenses", [])
        if isinstance(licence, dict) and isinstance(name := licence.get("name"), str) and name
    ]
    return {
        "upload_type": "dataset",
        "title": descriptor.get("title"),
        "version": citation.get("version"),
        "publication_date": str(citation.get("date-released")),
        "creators": [
            {"name": author_name(author)}
            for author in citation.get("authors", [])
            if isinstance(author, dict)
        ],
        "description": "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in paragraphs),
        "keywords": keywords,
        "license": licences[0].lower() if licences else None,
        "access_right": "open",
    }


def render(descriptor: dict, citation: dict) -> str:
    """The text of `.zenodo.json`."""
    return json.dumps(zenodo_metadata(descriptor, citation), indent=2, ensure_ascii=False) + "\n"


def render_from_files(descriptor_text: str, citation_text: str) -> str:
    """The text of `.zenodo.json` from the texts of datapackage.json and CITATION.cff."""
    return render(json.loads(descriptor_text), yaml.safe_load(citation_text))
