"""Hooks and CI: the pre-commit hooks run on a temporary clone; the action and the workflow are valid and lean."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator
from ruamel.yaml import YAML

from .conftest import FIXTURES, REPO

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
    assert "requirements.lock" in run and "--format github" in run


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
        assert (local[hook_id]["files"], local[hook_id]["args"]) == (hook["files"], hook["args"])


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
