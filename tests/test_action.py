"""The Action (action.yml and its step script): pinned actions, its own environment, outputs, and
annotations that name the files of a package in a subfolder as the workspace sees them."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from validate.fill import fill_descriptor

from .conftest import REPO, build_package

BIN = Path(sys.executable).parent
STEP_SCRIPT = REPO / ".github" / "action" / "validate.py"
# `owner/repo@v4` (a major tag) or `owner/repo@<40 hex digits>` (a commit)
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$")


def read_yaml(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))  # YAML 1.2, as GitHub reads it


ACTION = read_yaml(REPO / "action.yml")
STEPS = ACTION["runs"]["steps"]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def test_every_step_of_the_action_and_the_workflows_uses_a_pinned_action():
    used = [step["uses"] for step in STEPS if "uses" in step] + [
        step["uses"]
        for workflow in WORKFLOWS
        for job in read_yaml(workflow)["jobs"].values()
        for step in job.get("steps", [])
        if "uses" in step
    ]
    assert used and [uses for uses in used if not PINNED.match(uses)] == []
    assert not PINNED.match("actions/cache@main") and not PINNED.match("actions/cache")


def test_the_action_and_the_workflows_pass_check_jsonschema_s_builtin_schemas():
    for schema, files in (
        ("vendor.github-actions", [REPO / "action.yml"]),
        ("vendor.github-workflows", WORKFLOWS),
    ):
        done = subprocess.run(
            [str(BIN / "check-jsonschema"), "--builtin-schema", schema, *map(str, files)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_each_declared_output_is_set_by_the_validate_step():
    ids = {step.get("id") for step in STEPS}
    assert set(ACTION["outputs"]) == {"valid", "errors", "report"}
    for name, output in ACTION["outputs"].items():
        assert output["value"] == f"${{{{ steps.validate.outputs.{name} }}}}"
    assert "validate" in ids
    # the step script writes each of them (test_the_step_script_... reads them back)
    assert all(f'"{name}"' in STEP_SCRIPT.read_text(encoding="utf-8") for name in ACTION["outputs"])


def test_the_action_leaves_the_job_s_python_alone_and_caches_its_own_environment():
    (setup,) = [step for step in STEPS if step.get("uses", "").startswith("actions/setup-python@")]
    assert setup["with"]["update-environment"] is False and setup["id"] == "python"
    runs = "\n".join(step.get("run", "") for step in STEPS)
    # every python or pip is named by path: the venv's, or setup-python's interpreter to create it
    assert re.findall(r"(?<![\w/.$-])(?<!-m )(?:python3?|pip3?)(?=\s)", runs) == []
    assert '"$VENV/bin/python" -m pip install' in runs and '"$PYTHON" -m venv "$VENV"' in runs
    install = next(step for step in STEPS if "pip install" in step.get("run", ""))
    assert install["env"]["PYTHON"] == "${{ steps.python.outputs.python-path }}"
    (cache,) = [step for step in STEPS if step.get("uses", "").startswith("actions/cache@")]
    assert (
        cache["with"]["path"] == install["env"]["VENV"] == "${{ steps.environment.outputs.venv }}"
    )
    key = next(step for step in STEPS if step.get("id") == "environment")
    assert "requirements.lock" in key["run"] and "$PYTHON_VERSION" in key["run"]
    assert key["env"]["PYTHON_VERSION"] == "${{ steps.python.outputs.python-version }}"
    assert "$RUNNER_TEMP/" in key["run"]  # not the workspace: the caller's checkout stays clean


def _break_a_claim(package: Path) -> None:
    """Give clm-001 a claim_type its schema does not allow (one error, in data/claims.csv)."""
    path = package / "data" / "claims.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index("claim_type")] = "rumour"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _run_step(workspace: Path, *args: str) -> tuple[subprocess.CompletedProcess, dict, str]:
    outputs, summary, temp = workspace / "outputs", workspace / "summary.md", workspace / "temp"
    temp.mkdir(exist_ok=True)
    done = subprocess.run(
        [sys.executable, str(STEP_SCRIPT), *args],
        cwd=workspace,
        capture_output=True,
        text=True,
        check=False,
        env={
            **os.environ,
            "GITHUB_ACTIONS": "true",
            "GITHUB_OUTPUT": str(outputs),
            "GITHUB_STEP_SUMMARY": str(summary),
            "RUNNER_TEMP": str(temp),
        },
    )
    values = dict(line.split("=", 1) for line in outputs.read_text(encoding="utf-8").splitlines())
    return done, values, summary.read_text(encoding="utf-8")


@pytest.fixture
def workspace(tmp_path) -> Path:
    """A workspace holding an invalid package in its subfolder `pkg/`, with the fill it needs."""
    build_package(tmp_path / "workspace" / "pkg")
    _break_a_claim(tmp_path / "workspace" / "pkg")
    fill_descriptor(
        tmp_path / "workspace" / "pkg" / "datapackage.json"
    )  # the hash follows the edit
    return tmp_path / "workspace"


def test_annotations_name_the_files_of_a_package_in_a_subfolder_from_the_workspace(workspace):
    done, outputs, summary = _run_step(workspace, "pkg")
    assert done.returncode == 1, done.stderr
    files = set(re.findall(r"^::error file=([^,:]+)", done.stdout, re.MULTILINE))
    assert files == {"pkg/data/claims.csv"}
    report = json.loads(Path(outputs["report"]).read_text(encoding="utf-8"))
    assert (outputs["valid"], outputs["errors"]) == ("false", str(report["summary"]["errors"]))
    assert int(outputs["errors"]) >= 1 and report["valid"] is False
    # the report keeps paths relative to the package, as docs/validation.md documents them
    assert {error["file"] for error in report["errors"]} == {"data/claims.csv"}
    assert Path(outputs["report"]).is_relative_to(workspace / "temp")
    assert "### Package validation of pkg/datapackage.json (" in summary
    assert "| pkg/data/claims.csv |" in summary


def test_a_package_outside_the_working_directory_keeps_its_own_paths(workspace):
    (workspace / "elsewhere").mkdir()
    done = subprocess.run(
        [str(BIN / "validate-dataset"), "../pkg", "--format", "github"],
        cwd=workspace / "elsewhere",
        capture_output=True,
        text=True,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"},
    )
    assert set(re.findall(r"^::error file=([^,:]+)", done.stdout, re.MULTILINE)) == {
        "data/claims.csv"
    }


def test_the_step_script_sets_the_outputs_of_a_valid_package(workspace):
    build_package(workspace / "good")
    done, outputs, summary = _run_step(workspace, "good/datapackage.json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (outputs["valid"], outputs["errors"]) == ("true", "0")
    assert json.loads(Path(outputs["report"]).read_text(encoding="utf-8"))["valid"] is True
    assert "### Package validation of good/datapackage.json (" in summary and "valid" in summary


def test_a_package_that_cannot_be_read_gives_no_report_and_a_summary_naming_it(workspace):
    done, outputs, summary = _run_step(workspace, "missing")
    assert done.returncode == 2
    assert outputs == {"valid": "false", "errors": "", "report": ""}
    assert summary == "### Package validation of `missing`: could not run (exit 2)\n\n"


def test_the_json_report_is_written_whole_or_not_at_all(workspace, tmp_path):
    report = tmp_path / "report.json"
    report.write_text("old", encoding="utf-8")
    done = subprocess.run(
        [str(BIN / "validate-dataset"), str(workspace / "pkg"), "--json-report", str(report)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and done.stdout.startswith("Validating ")  # text on standard output
    assert json.loads(report.read_text(encoding="utf-8"))["valid"] is False
    unwritable = tmp_path / "no-such-folder" / "report.json"
    done = subprocess.run(
        [str(BIN / "validate-dataset"), str(workspace / "pkg"), "--json-report", str(unwritable)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith(f"error: cannot write the JSON report {unwritable}")
    assert not unwritable.parent.exists()


def _run_action_step(step_id: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    """One `run:` step of action.yml under bash, as the runner runs it (the `${{ }}` values given in `env`)."""
    (step,) = [step for step in STEPS if step.get("id") == step_id]
    assert step["shell"] == "bash"
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "GITHUB_ACTION_PATH": str(REPO), **env},
    )


def test_the_action_s_own_steps_key_the_cache_and_validate_a_subfolder(workspace, tmp_path):
    """The `environment` and `validate` steps' bash, with a stand-in for the environment the install step makes."""
    outputs = tmp_path / "outputs"
    common = {"RUNNER_TEMP": str(tmp_path / "temp"), "GITHUB_OUTPUT": str(outputs)}
    (tmp_path / "temp").mkdir()
    done = _run_action_step(
        "environment",
        {
            **common,
            "PYTHON": sys.executable,
            "PYTHON_VERSION": "3.11.9",
            "RUNNER_OS": "Linux",
            "RUNNER_ARCH": "X64",
        },
        workspace,
    )
    assert done.returncode == 0, done.stderr
    values = dict(line.split("=", 1) for line in outputs.read_text(encoding="utf-8").splitlines())
    assert values["venv"] == str(tmp_path / "temp" / "validate-dataset-venv")
    assert re.fullmatch(r"validate-dataset-Linux-X64-py3\.11\.9-[0-9a-f]{16}", values["key"])

    venv = tmp_path / "venv" / "bin"
    venv.mkdir(parents=True)
    for name in ("python", "validate-dataset"):
        (venv / name).symlink_to(BIN / name)
    outputs.write_text("", encoding="utf-8")
    done = _run_action_step(
        "validate",
        {
            **common,
            "VENV": str(venv.parent),
            "PACKAGE_PATH": "pkg",
            "VALIDATOR_ARGS": "--select table-frictionless",
            "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        },
        workspace,
    )
    assert done.returncode == 1, done.stderr
    assert set(re.findall(r"^::error file=([^,:]+)", done.stdout, re.MULTILINE)) == {
        "pkg/data/claims.csv"
    }
    values = dict(line.split("=", 1) for line in outputs.read_text(encoding="utf-8").splitlines())
    assert values["valid"] == "false" and int(values["errors"]) >= 1
    assert json.loads(Path(values["report"]).read_text(encoding="utf-8"))["checks"] == [
        "table-frictionless"
    ]
