"""Which checks apply (validate/applies.py): a package that declares the profile but lacks the tables a check
needs gets that check "not applicable", with the missing tables named, never "ok"; and each check's
declaration holds every table name its code asks the package for, so the two cannot drift apart."""

from __future__ import annotations

import ast
import inspect
import json
import sys
from pathlib import Path

import pytest

from validate.applies import declared_tables, not_applicable
from validate.checks import CHECKS
from validate.package import load
from validate.reporters import render_github, render_json, render_text
from validate.runner import STANDARD_CHECKS, check_findings, run

from .conftest import REPO, build_package

# The package's helpers (validate/checks/_rows.py) and its own methods that take a table's name; the rest of a
# check's reading goes through them. `snapshot_texts` reads the documents table.
ASKS_FOR_A_TABLE = frozenset(
    {"table", "resource", "rows", "by_id", "known_ids", "path_of", "unreadable", "key_of"}
)
IMPLIED = {"snapshot_texts": "documents"}
CHECKS_FOLDER = Path(inspect.getfile(CHECKS["anchors"])).parent

# What claims.csv needs besides itself: its foreign keys' tables, and the snapshot its documents name.
CLAIMS_AND_WHAT_THEY_NEED = {"sample-snapshot", "documents", "entities", "claims", "quotes"}


def shipped_tables() -> set[str]:
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    return {r["name"] for r in descriptor["resources"] if r.get("type") == "table"}


def declared(check_id: str) -> set[str]:
    return set(declared_tables(CHECKS[check_id]))


def asked_by_name(check_id: str) -> set[str]:
    """Every table name written in the check's code as an argument of a call that asks the package for a table."""
    tree = ast.parse(inspect.getsource(CHECKS[check_id]))
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        if name in IMPLIED:
            found.add(IMPLIED[name])
        if name in ASKS_FOR_A_TABLE:
            found |= {
                a.value
                for a in node.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            }
    return found


def only(tmp_path: Path, keep: set[str], base: str = "minimal") -> Path:
    """A fixture package that declares the profile, with only the resources named in `keep`."""
    descriptor = build_package(tmp_path / "package", base=base)
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    data["resources"] = [r for r in data["resources"] if r["name"] in keep]
    descriptor.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return descriptor


@pytest.mark.parametrize("check_id", list(CHECKS))
def test_every_table_a_check_names_is_in_its_declaration(check_id):
    assert asked_by_name(check_id) <= declared(check_id)
    assert (
        declared(check_id) <= shipped_tables()
    )  # no misspelt name, which would make a check never apply


@pytest.mark.parametrize("check_id", list(CHECKS))
def test_every_check_declares_what_it_reads(check_id):
    module = CHECKS[check_id]
    assert any(
        hasattr(module, name) for name in ("ROW_RULES", "TABLES", "EACH_TABLE", "OPTIONAL_TABLES")
    ), check_id


@pytest.mark.parametrize(
    "check_id", [c for c, m in CHECKS.items() if hasattr(m, "check") and declared(c)]
)
def test_a_check_that_names_its_tables_asks_for_no_other(tmp_path, check_id):
    """Names the code computes (a loop over a tuple of tables) are caught by watching what it asks for as it runs."""
    descriptor = build_package(tmp_path / "package", base="source-chain")
    package = load(descriptor)
    asked: set[str] = set()
    table, resource = package.table, package.resource

    def watch(method):
        def asking(name):
            caller = sys._getframe(1).f_code
            # the check's own code and its helpers ask here; the engine's loading of every table does not
            if Path(caller.co_filename).parent == CHECKS_FOLDER or caller.co_name in IMPLIED:
                asked.add(name)
            return method(name)

        return asking

    package.table, package.resource = watch(table), watch(resource)  # type: ignore[method-assign]
    try:
        list(check_findings(CHECKS[check_id], package))
    finally:
        package.close()
    assert asked and asked <= declared(check_id)


def test_a_profile_package_with_only_claims_gets_the_checks_on_other_tables_not_applicable(
    tmp_path,
):
    descriptor = only(tmp_path, CLAIMS_AND_WHAT_THEY_NEED)
    with run(descriptor) as result:
        why = result.not_applicable
        assert why["anchors"] == why["record-anchors"] == why["coverage"] == "no spans table"
        assert why["attribution"] == "no spans table"
        assert why["quantity-values"] == "no quantities table"
        assert why["claim-sourcing"] == "no claim_sources or spans table"
        assert why["source-chain"] == "no corroborations, quote_wordings, findings or lineage table"
        assert set(why).isdisjoint(result.checks)
        # what it has is still judged: the rows of claims against their statuses, its documents' snapshots
        assert {"row-consistency", "snapshots", "usage", "created-by"} <= set(result.checks)
        text = render_text(result)
        assert "anchors not applicable (no spans table)" in text
        assert not any(f"{check} ok" in text for check in why)
        assert json.loads(render_json(result))["not_applicable"] == why
        verdict = render_github(result).splitlines()[-1]
        assert (
            f"{len(why)} checks not applicable (anchors, record-anchors, attribution, coverage: no spans table;"
            in verdict
        )


def test_a_check_judging_each_table_applies_while_any_of_them_is_there(tmp_path):
    package = load(only(tmp_path, {"entities"}))
    try:
        assert "row-consistency" not in not_applicable(package, list(CHECKS), STANDARD_CHECKS)
        assert not_applicable(package, ["usage"], STANDARD_CHECKS) == {
            "usage": "no documents table"
        }
    finally:
        package.close()


def test_a_check_judging_each_table_does_not_apply_when_none_is_there(tmp_path):
    package = load(only(tmp_path, {"sample-snapshot"}))
    try:
        assert not_applicable(package, ["row-consistency"], STANDARD_CHECKS) == {
            "row-consistency": "no documents, entities, claims, quotes or spans table"
        }
    finally:
        package.close()


def test_evidence_a_check_reads_when_present_is_no_reason(tmp_path):
    """The minimal fixture has no lineage or quote wordings: claim-sourcing judges its claims on the evidence it
    has, as it would with empty tables; source-chain, whose four tables are all absent, does not apply."""
    package = load(build_package(tmp_path / "package"))
    try:
        assert not_applicable(package, list(CHECKS), STANDARD_CHECKS) == {
            "source-chain": "no corroborations, quote_wordings, findings or lineage table"
        }
    finally:
        package.close()


def test_every_check_applies_to_the_shipped_package():
    package = load(REPO / "datapackage.json")
    try:
        assert not_applicable(package, list(CHECKS), STANDARD_CHECKS) == {}
    finally:
        package.close()
