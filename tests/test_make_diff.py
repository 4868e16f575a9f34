"""`make diff` compares with where the branch started, as the pull-request job does.

The job (.github/workflows/diff.yml) diffs the pull request's base with its head and requires a
CHANGELOG note; `make diff` must give a contributor the same verdict before they push: the
merge-base with origin/main (else main), or BASE=<rev>, to the working folder, with
--require-changelog. These tests run the Makefile's recipe in a small git repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.skipif(
    shutil.which("make") is None or shutil.which("git") is None, reason="needs make and git"
)


def git(folder: Path, *args: str) -> str:
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        ["git", "-C", str(folder), *args],
        check=True,
        capture_output=True,
        text=True,
        env=environment,
    )
    return done.stdout.strip()


def commit(folder: Path, name: str) -> str:
    (folder / name).write_text(name, encoding="utf-8")
    git(folder, "add", name)
    git(folder, "commit", "-q", "-m", name)
    return git(folder, "rev-parse", "HEAD")


def make(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=folder,
        check=False,
        capture_output=True,
        text=True,
    )


@pytest.fixture
def branch(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A repository with this Makefile: main stale at `old`, origin/main ahead at `merged`, and a branch
    `feature` that left origin/main's line at `start` and has a commit of its own."""
    folder = tmp_path / "repo"
    folder.mkdir()
    git(folder, "init", "-q", "-b", "main")
    shutil.copyfile(REPO / "Makefile", folder / "Makefile")
    for name in ("requirements.lock", "pyproject.toml"):
        (folder / name).write_text("", encoding="utf-8")
    installed = folder / ".venv" / "bin" / "validate-dataset"  # up to date: make installs nothing
    installed.parent.mkdir(parents=True)
    installed.write_text("", encoding="utf-8")
    os.utime(installed, (2**31, 2**31))
    git(folder, "add", "Makefile", "requirements.lock", "pyproject.toml")
    git(folder, "commit", "-q", "-m", "old")
    revs = {"old": git(folder, "rev-parse", "HEAD")}
    revs["start"] = commit(folder, "start")
    git(folder, "checkout", "-q", "-b", "feature")
    revs["feature"] = commit(folder, "feature")
    git(folder, "checkout", "-q", "-b", "upstream", revs["start"])
    # merged on main after the branch left it
    revs["merged"] = commit(folder, "someone-elses-change")
    git(folder, "update-ref", "refs/remotes/origin/main", revs["merged"])
    git(folder, "branch", "-q", "-f", "main", revs["old"])  # a local main nobody pulled
    git(folder, "checkout", "-q", "feature")
    return folder, revs


def diff_command(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return next(line for line in result.stdout.splitlines() if " -m validate diff " in line)


def test_make_diff_starts_where_the_branch_left_origin_main(branch):
    folder, revs = branch
    command = diff_command(make(folder, "-n", "diff"))
    assert command == f".venv/bin/python -m validate diff {revs['start']} . --require-changelog"


def test_make_diff_falls_back_to_main_and_takes_base_when_given(branch):
    folder, revs = branch
    git(folder, "update-ref", "-d", "refs/remotes/origin/main")
    assert f"diff {revs['old']} . " in diff_command(make(folder, "-n", "diff"))
    assert f"diff {revs['merged']} . " in diff_command(
        make(folder, "-n", "diff", f"BASE={revs['merged']}")
    )


def test_make_diff_without_a_default_branch_says_to_give_base(branch):
    folder, _ = branch
    git(folder, "update-ref", "-d", "refs/remotes/origin/main")
    git(folder, "branch", "-q", "-D", "main")
    result = make(folder, "diff")
    assert result.returncode == 2
    assert "found neither origin/main nor main to start from; give BASE=<rev>" in result.stderr


def test_make_diff_requires_the_changelog_note_as_the_pull_request_job_does():
    workflow = (REPO / ".github" / "workflows" / "diff.yml").read_text(encoding="utf-8")
    job = next(line for line in workflow.splitlines() if " -m validate diff " in line)
    assert "--require-changelog" in job
