"""The pull-request workflow is a valid GitHub workflow, and its diff step, run here, writes the Markdown report."""

from __future__ import annotations

import json
import os
import subprocess

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
    script = step["run"].replace("diff-report.md", str(tmp_path / "diff-report.md"))
    environment = {**os.environ, "BASE_SHA": record["commit"], "GITHUB_STEP_SUMMARY": str(summary)}
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
    assert report.startswith(f"## Data package diff: {record['commit']} (0.1.0) → . (")
    assert "| schema | spans | field-renamed | 2 | major |" in report
    assert "<details><summary>schema: spans" in report
    assert result.returncode in (
        0,
        1,
    )  # 1 only if the branch changes data without an Unreleased note
    assert ("❌ these changes need a note" in report) == (result.returncode == 1)
