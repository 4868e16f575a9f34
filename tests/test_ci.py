"""Hooks and CI: the pre-commit hooks run on a temporary clone; the action and the workflow are valid and lean."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator
from ruamel.yaml import YAML

from validate.fill import fill_descriptor

from .conftest import FIXTURES, REPO, build_package

BIN = Path(sys.executable).parent


def vendored_schema(name: str) -> dict:
    return json.loads(
        resources.files("check_jsonschema.builtin_schemas.vendor")
        .joinpath(f"{name}.json")
        .read_text(encoding="utf-8")
    )


def read_yaml(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))  # YAML 1.2, as GitHub reads it


def test_the_action_is_a_valid_composite_action():
    action = read_yaml(REPO / "action.yml")
    assert [
        e.message for e in Draft7Validator(vendored_schema("github-actions")).iter_errors(action)
    ] == []
    assert action["runs"]["using"] == "composite"
    run = " ".join(step.get("run", "") for step in action["runs"]["steps"])
    assert "requirements.lock" in run and ".github/action/validate.py" in run
    step_script = (REPO / ".github" / "action" / "validate.py").read_text(encoding="utf-8")
    assert '"--format", "github"' in step_script


def test_the_workflow_caches_pip_on_the_lock_file_and_runs_once_per_change():
    workflow = read_yaml(REPO / ".github" / "workflows" / "validate.yml")
    assert workflow["on"]["push"] == {"branches": ["main"]} and "pull_request" in workflow["on"]
    assert workflow["concurrency"]["cancel-in-progress"] is True
    (job,) = workflow["jobs"].values()  # one job: the environment is built once
    assert job["timeout-minutes"] <= 30
    setup = next(
        step for step in job["steps"] if step.get("uses", "").startswith("actions/setup-python")
    )
    assert (
        setup["with"]["cache"] == "pip"
        and setup["with"]["cache-dependency-path"] == "requirements.lock"
    )


def test_the_hook_manifest_and_the_config_are_valid_and_agree():
    subprocess.run(
        [str(BIN / "pre-commit"), "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [str(BIN / "pre-commit"), "validate-config", str(REPO / ".pre-commit-config.yaml")],
        check=True,
        capture_output=True,
    )
    published = {
        hook["id"]: hook
        for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    }
    local = {
        hook["id"]: hook
        for hook in yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))[
            "repos"
        ][0]["hooks"]
    }
    assert set(published) == set(local) == {"validate-data-package", "normalize-check"}
    for hook_id, hook in published.items():
        assert local[hook_id]["entry"] == ".venv/bin/" + hook["entry"]
        for key in ("files", "always_run", "args", "pass_filenames"):
            assert local[hook_id].get(key) == hook.get(key), (hook_id, key)
    # the validator reads files no pattern lists (a cited docs/ file, a deleted one): it runs on every commit
    assert published["validate-data-package"]["always_run"] is True
    assert "files" not in published["validate-data-package"]


@pytest.fixture
def clone(tmp_path) -> Path:
    """A temporary git repository holding this checkout's files (committed or not), with the project .venv."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=REPO,
            check=True,
            capture_output=True,
        )
        .stdout.decode()
        .split("\0")
    )
    target = tmp_path / "clone"
    for name in filter(None, listed):
        if (REPO / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)
    (target / ".venv").symlink_to(REPO / ".venv")
    for command in (
        ["init", "--quiet"],
        ["add", "--all"],
        ["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "clone"],
    ):
        subprocess.run(["git", *command], cwd=target, check=True)
    return target


def pre_commit(clone: Path, *args: str) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "PRE_COMMIT_HOME": str(clone.parent / "pre-commit-home"),
        "SKIP": "",
    }
    return subprocess.run(
        [str(BIN / "pre-commit"), "run", *args],
        cwd=clone,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


def test_pre_commit_runs_both_hooks_on_a_clone(clone):
    done = pre_commit(clone, "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "CSV files are in canonical form" in done.stdout
        and "validate the data package" in done.stdout
    )
    assert done.stdout.count("Passed") == 2


def test_pre_commit_stops_a_spreadsheet_saved_file(clone):
    shutil.copyfile(
        FIXTURES / "repairs" / "spreadsheet-saved" / "data" / "claims.csv",
        clone / "data" / "claims.csv",
    )
    subprocess.run(["git", "add", "data/claims.csv"], cwd=clone, check=True)
    done = pre_commit(clone)
    assert done.returncode == 1
    assert "data/claims.csv: removed the byte order mark (BOM)" in done.stdout
    assert done.stdout.count("Failed") == 2


def _git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def _try_repo(consumer: Path, *hooks: str) -> subprocess.CompletedProcess:
    """pre-commit's own install of the hooks from this repository's committed HEAD, as a consumer gets them.

    One ref for every call, so the hooks' environment is installed once (a dirty work tree would make
    try-repo commit a new shadow revision, and install again, each time)."""
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout.strip()
    return subprocess.run(
        [str(BIN / "pre-commit"), "try-repo", str(REPO), *hooks, "--ref", head, "--verbose"],
        cwd=consumer,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PRE_COMMIT_HOME": str(consumer.parent / "pre-commit-home")},
    )


def test_the_published_hooks_catch_a_deleted_cited_document_and_name_their_own_command(tmp_path):
    """Another repository: the minimal package citing docs/research/note.md in a claim's notes."""
    consumer = tmp_path / "consumer"
    build_package(consumer)
    (consumer / "docs" / "research").mkdir(parents=True)
    (consumer / "docs" / "research" / "note.md").write_text("# A note\n", encoding="utf-8")
    (consumer / "docs" / "README.md").write_text("# Notes\n", encoding="utf-8")
    claims = consumer / "data" / "claims.csv"
    lines = claims.read_text(encoding="utf-8").split("\n")
    cells = lines[1].split(",")
    cells[lines[0].split(",").index("notes")] = "See docs/research/note.md."
    lines[1] = ",".join(cells)
    claims.write_text("\n".join(lines), encoding="utf-8")
    fill_descriptor(consumer / "datapackage.json")
    _git(consumer, "init", "--quiet")
    _git(consumer, "add", "--all")
    _git(consumer, "commit", "--quiet", "-m", "package")

    passed = _try_repo(consumer, "--all-files")  # both hooks
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert passed.stdout.count("Passed") == 2

    _git(
        consumer, "rm", "--quiet", "docs/research/note.md"
    )  # the commit stages no file: a deletion
    failed = _try_repo(consumer, "validate-data-package")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert re.search(
        r"^data/claims\.csv:2:\d+: error: .*docs/research/note\.md.*\[cell-references/missing-file\]$",
        failed.stdout,
        re.MULTILINE,
    ), failed.stdout

    _git(consumer, "commit", "--quiet", "-m", "deleted", "--no-verify")
    claims.write_bytes(claims.read_bytes().replace(b"\n", b"\r\n"))  # saved by a spreadsheet
    _git(consumer, "add", "data/claims.csv")
    normalize = _try_repo(consumer, "normalize-check")
    assert normalize.returncode == 1, normalize.stdout + normalize.stderr
    assert (
        "would change the files above; run `validate-dataset normalize datapackage.json`"
        in normalize.stdout
    )
    assert "make " not in normalize.stdout
