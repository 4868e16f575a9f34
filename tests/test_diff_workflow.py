"""The pull-request workflow is a valid GitHub workflow, and its diff step, run here, writes the Markdown report."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from jsonschema import Draft7Validator
from ruamel.yaml import YAML

from .conftest import REPO
from .test_workflow import vendored_schema

WORKFLOW = YAML(typ="safe").load(
    (REPO / ".github" / "workflows" / "diff.yml").read_text(encoding="utf-8")
)


def test_diff_workflow_is_a_valid_github_workflow():
    assert [
        e.message
        for e in Draft7Validator(vendored_schema("github-workflows")).iter_errors(WORKFLOW)
    ] == []


def test_diff_workflow_runs_on_pull_requests_with_full_history():
    assert set(WORKFLOW["on"]) == {"pull_request"}
    steps = WORKFLOW["jobs"]["diff"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    assert WORKFLOW["permissions"] == {"contents": "read"}


def test_diff_step_writes_the_markdown_report_to_the_job_summary(tmp_path):
    record = json.loads((REPO / "releases" / "0.1.0.json").read_text(encoding="utf-8"))
    if (
        subprocess.run(
            ["git", "-C", str(REPO), "cat-file", "-e", record["commit"]],
            check=False,
            capture_output=True,
        ).returncode
        != 0
    ):
        pytest.skip("not a clone with the 0.1.0 commit")
    step = next(
        step
        for step in WORKFLOW["jobs"]["diff"]["steps"]
        if step.get("name") == "Diff base..head into the job summary"
    )
    summary = tmp_path / "summary.md"
    script = step["run"]
    environment = {
        **os.environ,
        "BASE_SHA": record["commit"],
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUNNER_TEMP": str(tmp_path),
    }
    result = subprocess.run(
        ["bash", "-e", "-c", script],
        check=False,
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = summary.read_text(encoding="utf-8")
    assert report.startswith(f"## Data package diff: git\\:{record['commit']} (0\\.1\\.0) → \\. (")
    assert (tmp_path / "diff-report.md").read_text(encoding="utf-8") == report
    assert "| schema | spans | field-renamed | 2 | major |" in report
    assert "<details><summary>schema: spans" in report
    assert not (REPO / "diff-report.md").exists()
    assert result.returncode in (
        0,
        1,
    )  # 1 only if the branch changes data without an Unreleased note
    assert ("❌ these changes need a note" in report) == (result.returncode == 1)


def test_every_job_has_a_timeout_and_the_report_stays_outside_the_checkout():
    for job in WORKFLOW["jobs"].values():
        assert 0 < job["timeout-minutes"] <= 30
    run = "\n".join(step.get("run", "") for step in WORKFLOW["jobs"]["diff"]["steps"])
    assert '"git:$BASE_SHA"' in run  # a folder named like the base is never read
    for path in ("diff-report.md", "diff-summary.md"):
        assert run.count(path) == run.count(f"$RUNNER_TEMP/{path}") > 0


def test_a_committed_report_link_is_neither_read_nor_written(tmp_path):
    """The step, run in a checkout holding diff-report.md -> .git/config, leaves the link and never shows its target."""
    step = next(
        step
        for step in WORKFLOW["jobs"]["diff"]["steps"]
        if step.get("name") == "Diff base..head into the job summary"
    )
    checkout = tmp_path / "checkout"
    (checkout / ".git").mkdir(parents=True)
    (checkout / ".git" / "config").write_text("AUTHORIZATION: basic SECRET\n", encoding="utf-8")
    (checkout / "diff-report.md").symlink_to(".git/config")
    (checkout / ".venv" / "bin").mkdir(parents=True)
    (checkout / ".venv" / "bin" / "python").symlink_to(sys.executable)
    runner = tmp_path / "runner"
    runner.mkdir()
    summary = tmp_path / "summary.md"
    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        check=False,
        cwd=checkout,
        env={
            **os.environ,
            "BASE_SHA": "0" * 40,
            "GITHUB_STEP_SUMMARY": str(summary),
            "RUNNER_TEMP": str(runner),
            "PYTHONPATH": str(REPO),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2
    shown = summary.read_text(encoding="utf-8")
    assert "The diff could not run" in shown and "SECRET" not in shown
    assert (checkout / "diff-report.md").is_symlink()
    assert (checkout / ".git" / "config").read_text(
        encoding="utf-8"
    ) == "AUTHORIZATION: basic SECRET\n"
