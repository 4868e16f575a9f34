"""The catalogue of checks and codes (validate/catalogue.py): complete, true to what the checks report, and in the docs."""

from __future__ import annotations

import ast
import json
import re

import pytest

from validate import catalogue
from validate.checks import CHECKS

from .conftest import FIXTURES, REPO

PAGE = REPO / "docs" / "validation.md"
START, END = "]]] -->\n", "<!-- [[[end]]] -->"
CASES = sorted(path.parent for path in (FIXTURES / "invalid").rglob("expected.json"))

# Codes no fixture case produces, with the test that does (a fixture cannot say it: a raised limit, a file that
# changes during the run, a FIFO, ...). Each test is asserted to exist; each was checked to produce its code.
COVERED_ELSEWHERE = {
    (
        "resource-files",
        "link-not-followed",
    ): "tests/test_hostile_paths.py::test_a_snapshot_linked_to_git_config_inside_the_package_is_not_read",
    (
        "release",
        "changelog-too-large",
    ): "tests/test_hostile_bounds.py::test_a_changelog_past_the_cap_is_a_release_error_not_a_long_run",
    (
        "descriptor-profile",
        "limit-exceeded",
    ): "tests/test_limits.py::test_a_document_nested_past_pythons_recursion_limit_is_a_limit_not_a_crash",
    (
        "resource-files",
        "unsafe-path",
    ): "tests/test_hostile.py::test_resource_paths_that_break_the_path_rule",
    (
        "resource-files",
        "remote-reference",
    ): "tests/test_hostile.py::test_references_outside_the_package_are_refused",
    (
        "resource-files",
        "not-a-file",
    ): "tests/test_hostile.py::test_fifos_named_by_the_descriptor_are_not_opened",
    ("resource-files", "limit-exceeded"): "tests/test_hostile.py::test_schema_past_a_limit",
    (
        "resource-files",
        "unreadable-file",
    ): "tests/test_columnar.py::test_a_file_that_changes_before_python_reads_what_duckdb_declined_is_a_load_error",
    (
        "resource-files",
        "unparsable-csv",
    ): "tests/test_columnar.py::test_unparsable_large_file_is_reported_as_before",
    ("resource-files", "empty-csv"): "tests/test_robustness.py::test_bad_bytes",
    (
        "table-frictionless",
        "engine-refused",
    ): "tests/test_engine.py::test_a_pattern_re2_cannot_run_is_refused_with_the_reason",
    (
        "canonical-form",
        "file-changed",
    ): "tests/test_columnar.py::test_a_released_file_that_changes_during_the_run_is_reported_and_its_cells_still_judged",
    (
        "cell-references",
        "slow-pattern",
    ): "tests/test_cell_references.py::test_a_backtracking_id_pattern_is_reported_not_hung_on",
    ("release", "limit-exceeded"): "tests/test_hostile.py::test_hostile_citation_yaml",
    (
        "release",
        "readme-reference",
    ): "tests/test_citation.py::test_release_check_reports_a_readme_reference_that_citation_cff_does_not_give",
}

# Codes a check can report that no test produces yet, and why.
UNCOVERED = {
    (
        "schema-profile",
        "limit-exceeded",
    ): "needs `--limit json-depth` raised past about 900, which a fixture case cannot ask for",
    (
        "descriptor-frictionless",
        "frictionless-failed",
    ): "needs frictionless itself to fail or its child process to die",
    ("descriptor-frictionless", "field-error"): (
        "reachable (an integer field with a pattern), but --engine frictionless reports one of such a field's errors "
        "where the descriptor reading reports each, so a case fails the oracle test: a difference to resolve first"
    ),
}


def generated_block(text: str) -> str:
    return text.split(START, 1)[1].split(END, 1)[0]


def test_docs_validation_is_what_the_catalogue_gives_now():
    assert generated_block(PAGE.read_text(encoding="utf-8")) == catalogue.markdown(), (
        "stale: run .venv/bin/cog -r docs/validation.md"
    )


@pytest.mark.parametrize("check_id", list(CHECKS))
def test_every_check_declares_its_id_summary_docstring_and_codes(check_id):
    module = CHECKS[check_id]
    assert check_id == module.ID and module.SUMMARY.strip() and "\n" not in module.SUMMARY
    assert (module.__doc__ or "").startswith(f"{check_id}: ")
    assert module.CODES, f"{check_id} declares no CODES"
    for code, entry in module.CODES.items():
        assert re.fullmatch(r"[a-zA-Z]+(-[a-z0-9]+)*", code), code
        assert isinstance(entry, catalogue.Code) and entry.meaning.strip(), (
            f"{check_id}/{code} has no meaning"
        )
    assert catalogue.codes(check_id).keys() == module.CODES.keys() | catalogue.RUNNER_CODES.keys()


def test_codes_of_an_unknown_check_is_an_error_not_an_empty_catalogue():
    with pytest.raises(KeyError):
        catalogue.codes("no-such-check")


def _produced(case) -> set[tuple[str, str]]:
    return {
        (error["check"], error["code"])
        for error in json.loads((case / "expected.json").read_text(encoding="utf-8"))["errors"]
    }


def test_every_error_of_a_fixture_case_has_a_declared_code():
    """Read from each case's expected.json, which tests/test_fixture_cases.py holds equal to what the validator reports."""
    produced = set().union(*(_produced(case) for case in CASES))
    assert {
        (check, code) for check, code in produced if code not in catalogue.codes(check)
    } == set()


def test_every_declared_code_is_produced_by_a_fixture_case_or_a_named_test():
    """A case's expected.json lists the errors it produces (tests/test_fixture_cases.py holds each case to it)."""
    produced = set().union(*(_produced(case) for case in CASES))
    declared = {(check_id, code) for check_id, module in CHECKS.items() for code in module.CODES}
    assert declared - produced - COVERED_ELSEWHERE.keys() - UNCOVERED.keys() == set()
    assert COVERED_ELSEWHERE.keys() & produced == set(), (
        "covered by a fixture case now: take it out of COVERED_ELSEWHERE"
    )
    assert UNCOVERED.keys() & (produced | COVERED_ELSEWHERE.keys()) == set(), (
        "covered now: take it out of UNCOVERED"
    )
    assert (COVERED_ELSEWHERE.keys() | UNCOVERED.keys()) <= declared


@pytest.mark.parametrize("place", sorted(set(COVERED_ELSEWHERE.values())))
def test_every_test_named_as_covering_a_code_exists_and_names_it(place):
    file, name = place.split("::")
    source = (REPO / file).read_text(encoding="utf-8")
    functions = {
        node.name: node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.FunctionDef)
    }
    assert name in functions, place
    codes = [code for (_, code), where in COVERED_ELSEWHERE.items() if where == place]
    decorated = "".join(
        ast.get_source_segment(source, decorator) or ""
        for decorator in functions[name].decorator_list
    )
    body = ast.get_source_segment(source, functions[name]) or ""
    for code in codes:
        assert f'"{code}"' in decorated + body or f"/{code}]" in decorated + body, (
            f"{place} does not name {code}"
        )
