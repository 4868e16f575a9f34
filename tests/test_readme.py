"""README.md is for the people who read the data: short, with a table of contents, true counts and prefixes, and examples that run."""

from __future__ import annotations

import csv
import json
import os
import re
import runpy
import shutil
import sqlite3
import subprocess
from pathlib import Path

import duckdb
import pytest

from validate.cli import main

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
DESCRIPTOR = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
TABLES = [r for r in DESCRIPTOR["resources"] if r.get("type") == "table"]
NUMBERS = {
    "Seven": 7,
    "Eight": 8,
    "Nine": 9,
    "Ten": 10,
    "Eleven": 11,
    "Twelve": 12,
    "Thirteen": 13,
    "Fourteen": 14,
    "Fifteen": 15,
}


EXAMPLES = README + (REPO / "docs" / "exports.md").read_text(
    encoding="utf-8"
)  # README's example, then the rest in docs/exports.md


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", EXAMPLES, re.MULTILINE | re.DOTALL)


def test_readme_is_short_and_has_a_table_of_contents():
    assert len(README.encode("utf-8")) <= 10_000
    headings = re.findall(r"^## (.+)$", README, re.MULTILINE)
    contents = re.findall(
        r"^- \[(.+?)\]\(#([a-z0-9-]+)\)$",
        README.split("## Contents")[1].split("\n## ")[0],
        re.MULTILINE,
    )
    assert [title for title, _ in contents] == [h for h in headings if h != "Contents"]
    assert all(
        anchor == re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")
        for title, anchor in contents
    )


def test_readme_puts_readers_first_then_contributing_then_the_validator():
    headings = re.findall(r"^## (.+)$", README, re.MULTILINE)
    assert (
        headings.index("Which file for which tool")
        < headings.index("Contributing a correction")
        < headings.index("The validator")
    )


def test_readme_table_count_and_id_prefixes_are_true():
    count = re.search(r"^(\w+) tables, one CSV each", README, re.MULTILINE).group(1)
    assert NUMBERS[count] == len(TABLES)
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| `([a-z]+-)` \|", README, re.MULTILINE))
    assert list(rows) == [r["name"] for r in TABLES]
    for resource in TABLES:
        schema = json.loads((REPO / resource["schema"]).read_text(encoding="utf-8"))
        key = next(f for f in schema["fields"] if f["name"] == schema["primaryKey"][0])
        assert key["constraints"]["pattern"].startswith(f"^{rows[resource['name']]}"), resource[
            "name"
        ]


@pytest.mark.parametrize(
    "document",
    [
        "README.md",
        "docs/cli.md",
        "docs/exports.md",
        "docs/method.md",
        "docs/validation.md",
        "docs/data-dictionary.md",
    ],
)
def test_relative_links_point_at_files_that_exist(document):
    """A relative link names a file of the repository, and its `#fragment`, if any, a heading of that file (GitHub's anchor)."""
    path = REPO / document
    for target in re.findall(r"\]\(((?!https?:|#)[^)]+)\)", path.read_text(encoding="utf-8")):
        file, _, fragment = target.partition("#")
        assert (path.parent / file).exists(), target
        if fragment:
            headings = re.findall(
                r"^#+ (.+)$", (path.parent / file).read_text(encoding="utf-8"), re.M
            )
            anchors = {
                re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings
            }
            assert fragment in anchors, target


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """A folder laid out like the repository after `make exports`: data/ and dist/."""
    folder = tmp_path_factory.mktemp("readme")
    assert main(["exports", str(REPO / "datapackage.json"), "--dist", str(folder / "dist")]) == 0
    (folder / "data").symlink_to(REPO / "data")
    return folder


@pytest.mark.parametrize("index", range(len(blocks("python"))))
def test_python_examples_run_as_written(workdir, index, monkeypatch, capsys):
    monkeypatch.chdir(workdir)
    script = workdir / f"example_{index}.py"
    script.write_text(blocks("python")[index], encoding="utf-8")
    runpy.run_path(str(script), run_name="__main__")
    assert capsys.readouterr().out.strip()


@pytest.mark.parametrize("index", range(len(blocks("sql"))))
def test_sql_examples_run_as_written(workdir, index, monkeypatch):
    monkeypatch.chdir(workdir)
    engine, query = blocks("sql")[index].split("\n", 1)
    if engine == "-- duckdb":
        rows = duckdb.connect().sql(query).fetchall()
    else:
        assert engine == "-- sqlite"
        database = re.search(r"`sqlite3 (dist/\S+\.sqlite)`", EXAMPLES).group(1)
        with sqlite3.connect(os.fspath(workdir / database)) as connection:
            rows = connection.execute(query).fetchall()
    assert rows


@pytest.mark.skipif(
    shutil.which("Rscript") is None,
    reason="R is not installed (apt-get install -y r-base-core r-cran-readr r-cran-rsqlite; .ci/run does it as root)",
)
@pytest.mark.parametrize("index", range(len(blocks("r"))))
def test_r_examples_run_as_written(workdir, index):
    script = workdir / f"example_{index}.R"
    script.write_text(blocks("r")[index], encoding="utf-8")
    ran = subprocess.run(
        ["Rscript", "--vanilla", script.name],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip()


def test_the_python_example_gives_one_row_per_claim(workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    namespace = runpy.run_path(str(write(workdir, "one_row.py", blocks("python")[0])))
    claims = namespace["claims"]
    assert claims.claim_id.is_unique and len(claims) == len(csv_claim_ids())
    assert claims.words.notna().all()


def write(folder: Path, name: str, text: str) -> Path:
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def csv_claim_ids() -> list[str]:
    with (REPO / "data" / "claims.csv").open(encoding="utf-8", newline="") as handle:
        return [row["claim_id"] for row in csv.DictReader(handle)]


def test_examples_exist_for_python_and_sql():
    assert len(blocks("python")) >= 2 and len(blocks("sql")) >= 2 and blocks("r")
