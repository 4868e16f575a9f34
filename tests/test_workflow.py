"""The GitHub workflow and CITATION.cff validate against the schemas check-jsonschema ships."""

from __future__ import annotations

import json
from importlib import resources

import yaml
from jsonschema import Draft7Validator
from ruamel.yaml import YAML

from .conftest import REPO


def vendored_schema(name: str) -> dict:
    return json.loads(
        resources.files("check_jsonschema.builtin_schemas.vendor")
        .joinpath(f"{name}.json")
        .read_text(encoding="utf-8")
    )


def load_workflow() -> dict:
    # YAML 1.2, as GitHub reads it: PyYAML (YAML 1.1) would read the key `on` as True
    return YAML(typ="safe").load(
        (REPO / ".github" / "workflows" / "validate.yml").read_text(encoding="utf-8")
    )


def test_workflow_is_a_valid_github_workflow():
    workflow = load_workflow()
    errors = [
        e.message
        for e in Draft7Validator(vendored_schema("github-workflows")).iter_errors(workflow)
    ]
    assert errors == []


def test_workflow_runs_the_validator_on_push_and_pull_request():
    workflow = load_workflow()
    assert {"push", "pull_request"} <= set(workflow["on"])
    assert any(
        step.get("run") == "make validate"
        for job in workflow["jobs"].values()
        for step in job["steps"]
    )


def test_citation_file_is_valid_cff():
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    schema = vendored_schema("citation-file-format")
    errors = [
        e.message
        for e in Draft7Validator(schema).iter_errors(json.loads(json.dumps(citation, default=str)))
    ]
    assert errors == []


def test_every_job_of_the_workflow_has_a_timeout():
    jobs = load_workflow()["jobs"]
    assert (
        jobs
        and {
            name: job.get("timeout-minutes")
            for name, job in jobs.items()
            if not 0 < job.get("timeout-minutes", 0) <= 60
        }
        == {}
    )
