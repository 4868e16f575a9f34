"""Reuse outside this repository: a package that does not declare this dataset's profile is held to the
Data Package standard only, its domain checks "not applicable"; one that declares it gets every check,
with the profile's rules worded as the profile's (issue 20, "Honest reuse")."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from validate.checks import CHECKS
from validate.package import PROFILE_PROPERTY, profile_name
from validate.reporters import render_github, render_json, render_text
from validate.runner import STANDARD_CHECKS, run

from .conftest import REPO

CUSTOMERS = "id,name\n1,Ada\n2,Grace\n"
ORDERS = "order_id,customer_id,total\n10,1,9.5\n11,2,20\n"


def standard_package(folder: Path, orders: str = ORDERS, **extra: object) -> Path:
    """A spec-valid Data Package v2 of two tables, inline schemas and a foreign key between them."""
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        **extra,
        "name": "shop",
        "resources": [
            {
                "name": "customers",
                "path": "customers.csv",
                "type": "table",
                "schema": {
                    "fields": [
                        {"name": "id", "type": "integer"},
                        {"name": "name", "type": "string"},
                    ],
                    "primaryKey": ["id"],
                },
            },
            {
                "name": "orders",
                "path": "orders.csv",
                "type": "table",
                "schema": {
                    "fields": [
                        {"name": "order_id", "type": "integer"},
                        {"name": "customer_id", "type": "integer"},
                        {"name": "total", "type": "number"},
                    ],
                    "primaryKey": ["order_id"],
                    "foreignKeys": [
                        {
                            "fields": ["customer_id"],
                            "reference": {"resource": "customers", "fields": ["id"]},
                        }
                    ],
                },
            },
        ],
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (folder / "orders.csv").write_text(orders, encoding="utf-8")
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return folder / "datapackage.json"


def frictionless_says_valid(descriptor: Path) -> bool:
    """The peer tool's verdict: `frictionless validate` from the project environment."""
    tool = Path(sys.executable).with_name("frictionless")
    done = subprocess.run(
        [str(tool), "validate", descriptor.name],
        cwd=descriptor.parent,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    return done.returncode == 0


def test_a_standard_package_that_frictionless_calls_valid_is_valid_with_domain_checks_not_applicable(
    tmp_path,
):
    descriptor = standard_package(tmp_path / "shop")
    assert frictionless_says_valid(descriptor)
    with run(descriptor) as result:
        assert result.valid and result.finished, [e.message for e in result.errors]
        assert result.checks == [c for c in CHECKS if c in STANDARD_CHECKS]
        assert list(result.not_applicable) == [c for c in CHECKS if c not in STANDARD_CHECKS]
        assert "anchors" in result.not_applicable
        text = render_text(result)
        assert "anchors not applicable" in text
        assert "anchors ok" not in text and "table-frictionless ok" in text
        assert text.rstrip().endswith(
            f"valid: 0 error(s), 0 warning(s) from 3 checks of the Data Package standard; "
            f"{len(result.not_applicable)} checks not applicable (the package does not declare this "
            "dataset's profile)."
        )
        envelope = json.loads(render_json(result))
        assert envelope["valid"] is True and envelope["profile"] is False
        assert envelope["not_applicable"] == result.not_applicable
        assert "anchors" not in envelope["summary"]["by_check"]
        assert "not applicable" in render_github(result).splitlines()[-1]
    done = subprocess.run(
        [sys.executable, "-m", "validate", str(descriptor)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_row_error_in_a_standard_package_is_found(tmp_path):
    orders = (
        ORDERS + "12,3,5\n13,1,lots\n"
    )  # customer 3 does not exist; a total that is not a number
    descriptor = standard_package(tmp_path / "shop", orders=orders)
    assert not frictionless_says_valid(descriptor)
    with run(descriptor) as result:
        found = {(e.check, e.code, e.file, e.line, e.field) for e in result.errors}
        assert found == {
            ("table-frictionless", "foreign-key", "orders.csv", 4, "customer_id"),
            ("table-frictionless", "type-error", "orders.csv", 5, "total"),
        }
        assert not result.valid and result.not_applicable


def test_the_same_package_declaring_the_profile_gets_its_errors_worded_as_the_profiles(tmp_path):
    descriptor = standard_package(tmp_path / "shop", **{PROFILE_PROPERTY: profile_name()})
    with run(descriptor) as result:
        # every check runs but those whose tables a two-table shop lacks, each saying which
        assert result.checks == [c for c in CHECKS if c not in result.not_applicable]
        assert result.not_applicable["anchors"] == "no spans or documents table"
        assert "descriptor-profile" in result.checks
        profile_errors = [e for e in result.errors if e.check == "descriptor-profile"]
        missing = {e.message for e in profile_errors if e.code == "required"}
        assert any("'title' is a required property" in m for m in missing), missing
        assert all(
            "a rule of this dataset's profile, datapackage.profile.json, which is stricter than "
            "the Data Package standard" in e.message
            for e in profile_errors
        )
        assert not result.valid


def test_a_package_naming_another_profile_is_held_to_the_standard(tmp_path):
    descriptor = standard_package(tmp_path / "shop", **{PROFILE_PROPERTY: "some-other-profile"})
    with run(descriptor) as result:
        assert result.valid and "coverage" in result.not_applicable


def test_this_repository_declares_the_profile_and_runs_every_check():
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor[PROFILE_PROPERTY] == profile_name()
    with run(REPO / "datapackage.json", select=["descriptor-profile"]) as result:
        assert result.checks == ["descriptor-profile"] and result.not_applicable == {}


@pytest.mark.parametrize("engine", ["duckdb", "frictionless"])
def test_both_engines_check_a_standard_packages_rows(tmp_path, engine):
    descriptor = standard_package(tmp_path / "shop", orders=ORDERS + "12,3,5\n")
    with run(descriptor, engine=engine) as result:
        assert [(e.code, e.line) for e in result.errors] == [("foreign-key", 4)]


def test_a_standard_package_copied_without_a_schema_file_still_reads_its_inline_schemas(tmp_path):
    folder = tmp_path / "elsewhere"
    descriptor = standard_package(tmp_path / "shop")
    shutil.copytree(descriptor.parent, folder)
    with run(folder) as result:
        assert result.table_rows() == {"customers": 2, "orders": 2}
