"""`rename-id` renames an ID wherever the schemas say it is used, or refuses and changes nothing."""

from __future__ import annotations

import csv
import hashlib
import re
import shutil

import pytest

from validate import datadict, run
from validate.cli import main

from .conftest import REPO

PACKAGE_FILES = (
    "datapackage.json",
    "data",
    "schemas",
    "sources",
    "docs/research",
    "docs/data-dictionary.md",
    "CHANGELOG.md",
    "CITATION.cff",
)


@pytest.fixture
def repository_copy(tmp_path):
    """A copy of this repository's package (data, schemas, snapshot, the research notes cells cite, the generated data dictionary)."""
    for name in PACKAGE_FILES:
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, tmp_path / name)
    return tmp_path


def digest(root) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def mentions(root, word: str) -> list[str]:
    import re

    token = re.compile(rf"(?<![A-Za-z0-9_-]){re.escape(word)}(?![A-Za-z0-9_-])")
    return [
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and token.search(p.read_text(encoding="utf-8"))
    ]


def lines_naming(path, column: str, value: str) -> str:
    """The lines of `path` whose `column` is `value`, as rename-id lists them ("6, 7, 8")."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return ", ".join(str(reader.line_num) for row in reader if row[column] == value)


def test_an_entity_used_in_four_tables_is_renamed_everywhere(repository_copy, capsys):
    data = repository_copy / "data"
    before = {
        "entities": lines_naming(data / "entities.csv", "entity_id", "ent-cecot"),
        "quantities": lines_naming(data / "quantities.csv", "about_entity_id", "ent-cecot"),
    }
    assert sorted(mentions(repository_copy, "ent-cecot")) == [
        "data/claims.csv",
        "data/entities.csv",
        "data/quantities.csv",
        "data/spans.csv",
        "docs/data-dictionary.md",
        "schemas/quantities.schema.json",
    ]
    assert (
        main(
            [
                "rename-id",
                "ent-cecot",
                "ent-cecot-prison",
                str(repository_copy / "datapackage.json"),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    # The places and lines are counted from the copy as it was, so that a row added about the entity
    # keeps this true; a place listed without lines is the schema example or the dictionary.
    places = 0
    for listing in re.findall(r"^  \S+: (.+)$", out, re.MULTILINE):
        lines = re.findall(r"on lines? ([\d, ]+)", listing)
        places += sum(len(found.split(", ")) for found in lines) if lines else 1
    total = int(re.match(r"renamed ent-cecot to ent-cecot-prison in (\d+) place\(s\):\n", out)[1])
    assert total == places
    assert f"  data/entities.csv: entity_id on line {before['entities']}\n" in out
    assert f"  data/quantities.csv: about_entity_id on lines {before['quantities']}\n" in out
    assert (
        "  schemas/quantities.schema.json: example\n  docs/data-dictionary.md: data dictionary\n"
        in out
        and "fill: rewrote datapackage.json" in out
    )
    assert mentions(repository_copy, "ent-cecot") == []
    readme = (repository_copy / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert readme.split(datadict.START)[1].split(datadict.END)[0] == "\n" + datadict.render(
        repository_copy / "datapackage.json"
    )
    result = run(repository_copy)
    assert result.valid, [e.message for e in result.errors]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "ent-cecot",
            "ent-nayib-bukele",
            "'ent-nayib-bukele' is already an ID in entities; renaming onto it would merge two records",
        ),
        (
            "ent-cecot",
            "ENT CECOT",
            "'ENT CECOT' is not a valid entity_id: it must match ^ent-[a-z0-9]+(-[a-z0-9]+)*$",
        ),
        ("ent-cecot", "clm-999", "'clm-999' is not a valid entity_id"),
        ("ent-nowhere", "ent-somewhere", "'ent-nowhere' is not the ID of any record"),
    ],
)
def test_refusals_change_nothing(repository_copy, capsys, old, new, message):
    before = digest(repository_copy)
    assert main(["rename-id", old, new, str(repository_copy)]) == 2
    assert message in capsys.readouterr().err
    assert digest(repository_copy) == before


def test_a_document_id_follows_its_self_reference(repository_copy, capsys):
    # documents.derived_from_document_id references documents itself (a foreign key without `resource`)
    assert main(["rename-id", "doc-article", "doc-telegraph-article", str(repository_copy)]) == 0
    assert mentions(repository_copy, "doc-article") == []
    assert run(repository_copy).valid


def test_a_malformed_schema_is_no_traceback(repository_copy, capsys):
    schema = repository_copy / "schemas" / "entities.schema.json"
    schema.write_text(
        schema.read_text(encoding="utf-8").replace('"fields": [', '"fields": 7, "x": [', 1),
        encoding="utf-8",
    )
    before = digest(repository_copy)
    code = main(["rename-id", "ent-cecot", "ent-cecot-prison", str(repository_copy)])
    captured = capsys.readouterr()
    assert code == 2 and "Traceback" not in captured.err and captured.err.startswith("error: ")
    assert digest(repository_copy) == before


def test_a_generated_doc_linked_out_of_the_package_is_not_rewritten(
    repository_copy, tmp_path, capsys
):
    outside = tmp_path.parent / f"{tmp_path.name}-outside-docs"
    (repository_copy / "docs").rename(outside)
    (repository_copy / "docs").symlink_to(outside, target_is_directory=True)
    before = (outside / "data-dictionary.md").read_bytes()
    main(["rename-id", "ent-cecot", "ent-cecot-prison", str(repository_copy / "datapackage.json")])
    assert (outside / "data-dictionary.md").read_bytes() == before
    assert "docs/data-dictionary.md" not in capsys.readouterr().out
