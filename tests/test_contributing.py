"""CONTRIBUTING.md's walkthroughs are true: each runs, command by command, on a copy of this repository.

A walkthrough is a `### Walkthrough: …` section; its ```console blocks hold `$ command`
lines, each followed by the exact output to expect. A line `...` in an expected output
stands for any number of lines (an absolute path, say).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

CONTRIBUTING = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
COPIED = (
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
    """`...` alone stands for any lines; a line ending in `...` for any end of that line."""

    def line_pattern(line: str) -> str:
        if line == "...":
            return r"(?:.*\n)*?"
        return (re.escape(line[:-3]) + r".*\n") if line.endswith("...") else re.escape(line) + r"\n"

    return re.fullmatch("".join(map(line_pattern, expected.splitlines())), actual) is not None


WALKTHROUGHS = walkthroughs()


def test_the_four_common_contributions_have_walkthroughs():
    assert list(WALKTHROUGHS) == [
        "add a claim",
        "correct a quote",
        "add a source",
        "rename an entity",
    ]
    assert all(WALKTHROUGHS.values())


@pytest.mark.parametrize("title", list(WALKTHROUGHS))
def test_walkthrough_runs_as_written(title, tmp_path):
    for name in COPIED:
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, tmp_path / name)
    environment = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "LC_ALL": "C.UTF-8",
    }
    for command, expected in WALKTHROUGHS[title]:
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=environment,
            check=False,
        )
        actual = done.stdout + done.stderr
        assert matches(expected, actual), (
            f"$ {command}\n--- expected ---\n{expected}--- actual ---\n{actual}"
        )
