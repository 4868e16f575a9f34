"""CONTRIBUTING.md's walkthroughs are true: each runs, command by command, on a copy of this repository.

A walkthrough is a `### Walkthrough: …` section; its ```console blocks hold `$ command`
lines, each followed by the exact output to expect. A line `...` in an expected output
stands for any number of lines (an absolute path, say), and `...` within a line for any text
on it (a line number or row count, which grows with the data).

The walkthroughs' new rows take free IDs of their tables: an example ID appended with
`echo '<ID>,…' >> data/<table>.csv` is replaced, in every command and output, by the ID after
the highest one the table holds when the test runs (a named ID the table holds by `<ID>-2`, …),
and so is an example contributor whom datapackage.json already lists, so that a contribution
that adds a row, or its author, keeps them true.
"""

from __future__ import annotations

import ast
import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from validate import claim_sources, sourcing

from .conftest import REPO

CONTRIBUTING = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
# What a clone holds that the walkthroughs use; `validate/` too, since `python -m validate` runs the
# repository's folder (installed, the package imports under another name: docs/reuse.md).
COPIED = (
    "validate",
    "datapackage.json",
    "data",
    "schemas",
    "sources",
    "docs",
    "README.md",
    "CHANGELOG.md",
    "CITATION.cff",
)


def walkthroughs() -> dict[str, list[tuple[str, str]]]:
    """{title: [(command, expected output), ...]} from CONTRIBUTING.md."""
    found = {}
    for section in re.split(r"^### Walkthrough: ", CONTRIBUTING, flags=re.MULTILINE)[1:]:
        title, body = section.split("\n", 1)
        steps = []
        for block in re.findall(r"```console\n(.*?)```", body.split("\n## ")[0], flags=re.DOTALL):
            for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
                command, _, output = chunk.partition("\n")
                while command.endswith("\\") and output:  # a command continued on the next line
                    more, _, output = output.partition("\n")
                    command += "\n" + more
                steps.append((command, output))
        found[title.strip()] = steps
    return found


def matches(expected: str, actual: str) -> bool:
    """`...` alone stands for any lines; `...` within a line for any text on that line."""

    def line_pattern(line: str) -> str:
        if line == "...":
            return r"(?:.*\n)*?"
        return ".*".join(map(re.escape, line.split("..."))) + r"\n"

    return re.fullmatch("".join(map(line_pattern, expected.splitlines())), actual) is not None


APPENDED = re.compile(r"^echo '([a-z]+-[a-z0-9-]+),.*' >> data/([a-z_]+)\.csv$")


def next_ids(steps: list[tuple[str, str]], data: Path) -> dict[str, str]:
    """{example ID: a free ID of its table in `data`} for each row a walkthrough appends: a numbered ID
    becomes the one after the highest of its table, a named one that is taken gets `-2`, `-3`, …"""
    found = {}
    for command, _ in steps:
        appended = APPENDED.match(command)
        if appended is None:
            continue
        example, table = appended.groups()
        with (data / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            ids = {row[0] for row in csv.reader(handle)}
        numbered = re.fullmatch(r"([a-z]+-)(\d+)", example)
        if numbered:
            prefix, digits = numbered.groups()
            numbers = [int(i[len(prefix) :]) for i in ids if re.fullmatch(rf"{prefix}\d+", i)]
            found[example] = f"{prefix}{max(numbers, default=0) + 1:0{len(digits)}d}"
        elif example in ids:
            found[example] = next(
                f"{example}-{n}" for n in range(2, len(ids) + 3) if f"{example}-{n}" not in ids
            )
    return found


CONTRIBUTOR = re.compile(r'\{"title": "([^"]+)", "roles": \["contributor"\]\}')


def free_contributors(steps: list[tuple[str, str]], descriptor: Path) -> dict[str, str]:
    """{example contributor: a name nobody listed} for each contributor a walkthrough adds whom
    datapackage.json already lists (the walkthrough shows the error an unlisted author gets). The
    new name is unlike the listed one, which the error would otherwise suggest ("Did you mean")."""
    contributors = json.loads(descriptor.read_text(encoding="utf-8"))["contributors"]
    listed = {c.get("title") for c in contributors}
    names = ("new-contributor", *(f"new-contributor-{n}" for n in range(2, len(listed) + 3)))
    found = {}
    for command, _ in steps:
        for name in CONTRIBUTOR.findall(command):
            if name in listed:
                found[name] = next(free for free in names if free not in listed)
    return found


def with_next_ids(steps: list[tuple[str, str]], data: Path) -> list[tuple[str, str]]:
    """The steps with each example ID, and each example contributor already listed, replaced by a
    free one (see the module's docstring)."""
    ids = next_ids(steps, data) | free_contributors(steps, data.parent / "datapackage.json")
    if not ids:
        return steps
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])")
    return [
        (pattern.sub(lambda m: ids[m.group(1)], c), pattern.sub(lambda m: ids[m.group(1)], o))
        for c, o in steps
    ]


WALKTHROUGHS = walkthroughs()


def test_the_four_common_contributions_have_walkthroughs():
    assert list(WALKTHROUGHS) == [
        "add a claim",
        "correct a quote",
        "add a source",
        "rename an entity",
    ]
    assert all(WALKTHROUGHS.values())


def run_walkthrough(title: str, folder: Path) -> list[tuple[str, str, str]]:
    """Run a walkthrough in a fresh copy of the repository; return (command, expected, actual) of each step."""
    for name in COPIED:
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, folder / name)
    environment = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "LC_ALL": "C.UTF-8",
    }
    ran = []
    for command, expected in with_next_ids(WALKTHROUGHS[title], folder / "data"):
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=folder,
            capture_output=True,
            text=True,
            env=environment,
            check=False,
        )
        ran.append((command, expected, done.stdout + done.stderr))
    return ran


@pytest.mark.parametrize("title", list(WALKTHROUGHS))
def test_walkthrough_runs_as_written(title, tmp_path):
    for command, expected, actual in run_walkthrough(title, tmp_path):
        assert matches(expected, actual), (
            f"$ {command}\n--- expected ---\n{expected}--- actual ---\n{actual}"
        )


def test_add_a_claim_writes_the_row_that_claim_sources_proposes_after_fill(tmp_path):
    """The source row written is the one derived from the filled span, and the prose names it truly."""
    steps = run_walkthrough("add a claim", tmp_path)
    commands = [command for command, _, _ in steps]
    assert commands.index("python -m validate fill") < commands.index(
        "python -m validate claim-sources"
    )
    proposal = steps[commands.index("python -m validate claim-sources")][2]
    proposed = [
        {name: ast.literal_eval(value) for name, value in re.findall(r"(\w+)=('[^']*')", line)}
        for line in proposal.splitlines()
        if line.startswith("+ ")
    ]
    assert len(proposed) == 1 and proposed[0]["basis"] != "unknown", proposal
    claim = proposed[0]["claim_id"]
    with (tmp_path / "data" / "claim_sources.csv").open(encoding="utf-8", newline="") as handle:
        written = [r for r in csv.DictReader(handle) if r["claim_id"] == claim]
    assert [{name: r[name] for name in sourcing.KEY_FIELDS} for r in written] == proposed
    derived = claim_sources.derivation(tmp_path)
    assert claim_sources.difference(derived) == ([], [])
    prose = CONTRIBUTING.split("### Walkthrough: add a claim")[1].split("```console")[1]
    assert f"passage {proposed[0]['evidence_id']}" in prose
    assert f"`{proposed[0]['basis']}` row" in prose
