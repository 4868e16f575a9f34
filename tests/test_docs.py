"""README.md and the docs stay true: commands, checks, data dictionary, table of exports and examples."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

from validate import datadict
from validate.checks import CHECKS
from validate.exports import registry

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
VALIDATION = (REPO / "docs" / "validation.md").read_text(encoding="utf-8")
DICTIONARY = (REPO / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
EXPORTS_DOC = (REPO / "docs" / "exports.md").read_text(encoding="utf-8")
PACKAGE_NAME = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))["name"]


def test_every_check_is_documented_in_docs_validation():
    documented = re.findall(
        r"^\| \[`([a-z-]+)`\]",
        VALIDATION.split("## The checks")[1].split("**Sentences**")[0],
        re.MULTILINE,
    )
    assert documented == list(CHECKS)


def test_every_check_module_has_a_docstring_with_pass_and_fail_examples():
    for check_id, module in CHECKS.items():
        assert module.__doc__.startswith(f"{check_id}: "), check_id
        assert "PASS:" in module.__doc__ and "FAIL:" in module.__doc__, check_id


def test_data_dictionary_matches_the_schemas():
    block = DICTIONARY.split(datadict.START)[1].split(datadict.END)[0]
    assert block == "\n" + datadict.render(REPO / "datapackage.json"), (
        "run: python -m validate dictionary --update docs/data-dictionary.md"
    )


def test_exports_table_matches_the_registry():
    block = EXPORTS_DOC.split(registry.START)[1].split(registry.END)[0]
    assert block == "\n" + registry.markdown(PACKAGE_NAME), (
        "run: python -m validate.exports.registry --update docs/exports.md"
    )


@pytest.mark.parametrize("export", registry.EXPORTS, ids=lambda e: e.name)
def test_every_export_is_named_in_the_docs_table_and_the_readme(export):
    shown = "dist/" + export.pattern.format(name=PACKAGE_NAME, table="<table>")
    table = EXPORTS_DOC.split(registry.START)[1].split(registry.END)[0]
    assert f"| `{export.name}` | `{shown}` |" in table, (
        f"{export.name} is not in docs/exports.md's table of exports"
    )
    committed = EXPORTS_DOC.split(registry.FILES_START)[1].split(registry.FILES_END)[0]
    listed = export.pattern.split("/{table}")[0] if export.per_table else export.pattern
    listed = listed.format(name=PACKAGE_NAME)
    # README names it in its own words, or includes the generated list of the committed files
    assert (
        f"`{shown}`" in README.split("## Which file for which tool")[1].split("\n## ")[0]
        or f"[`{listed}" in committed
    ), (
        f"neither README's 'Which file for which tool' nor the list of committed files names {shown} ({export.name})"
    )


def test_the_list_of_committed_exports_is_current_in_every_file_that_holds_it():
    """docs/exports.md (and README.md once it includes the block) list exports/ with sizes, version and status."""
    holders = [
        p
        for p in (REPO / "docs" / "exports.md", REPO / "README.md")
        if registry.FILES_START in p.read_text(encoding="utf-8")
    ]
    assert REPO / "docs" / "exports.md" in holders
    for path in holders:
        block = (
            path.read_text(encoding="utf-8")
            .split(registry.FILES_START)[1]
            .split(registry.FILES_END)[0]
        )
        assert block == "\n" + registry.files_block(REPO, path), (
            f"run: python -m validate.exports.registry --update {path.relative_to(REPO)}"
        )
    version = json.loads((REPO / "exports" / "version.json").read_text(encoding="utf-8"))["version"]
    assert (REPO / "releases" / f"{version}.json").is_file(), (
        "exports/ holds a version never released"
    )
    assert f"release **{version}**" in block
    assert "; cite a release)" in block or f"(this is release {version})" in block


def test_the_list_of_committed_exports_links_every_file_with_its_size(tmp_path):
    folder = tmp_path / "repo"
    (folder / "exports" / "parquet").mkdir(parents=True)
    shutil.copyfile(REPO / "datapackage.json", folder / "datapackage.json")
    (folder / "exports" / "version.json").write_text(
        json.dumps({"name": PACKAGE_NAME, "version": "9.9.9"}), encoding="utf-8"
    )
    (folder / "exports" / f"{PACKAGE_NAME}.xlsx").write_bytes(b"x" * 2_600)
    (folder / "exports" / "parquet" / "claims.parquet").write_bytes(b"p" * 1_500_000)
    block = registry.files_block(folder, folder / "docs" / "exports.md")
    assert "release **9.9.9**" in block and "no release is recorded yet; cite a commit" in block
    assert f"| [`{PACKAGE_NAME}.xlsx`](../exports/{PACKAGE_NAME}.xlsx) | 3 kB |" in block
    assert "| [`parquet/`](../exports/parquet/) (1 files) | 1.5 MB |" in block
    assert ".sqlite" not in block  # not committed: not listed
    assert f"]({PACKAGE_NAME}.xlsx" not in registry.files_block(folder, folder / "README.md")


def test_the_exports_table_is_rewritten_between_its_markers_only(tmp_path, capsys):
    doc = tmp_path / "exports.md"
    doc.write_text(
        f"before\n{registry.START}\n| stale |\n{registry.END}\nafter\n", encoding="utf-8"
    )
    descriptor = ["--descriptor", str(REPO / "datapackage.json")]
    assert registry.main([*descriptor, "--update", str(doc)]) == 0
    assert (
        doc.read_text(encoding="utf-8")
        == f"before\n{registry.START}\n{registry.markdown(PACKAGE_NAME)}{registry.END}\nafter\n"
    )
    assert registry.main([*descriptor, "--update", str(doc)]) == 0
    assert capsys.readouterr().out == f"rewrote: {doc}\nnothing to change\n"
    doc.write_text("no markers\n", encoding="utf-8")
    assert registry.main([*descriptor, "--update", str(doc)]) == 2
    assert "has no <!-- exports:start -->" in capsys.readouterr().err


def test_the_commands_exist_and_ci_runs_every_test():
    for command in ("validate", "test", "test-all"):
        assert re.search(rf"^make {command} ", README, re.MULTILINE), command
        assert re.search(
            rf"^{command}:", (REPO / "Makefile").read_text(encoding="utf-8"), re.MULTILINE
        ), command
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test-all$", ci, re.MULTILINE) and not re.search(
        r"^make test$", ci, re.MULTILINE
    )


def test_anchor_example_in_contributing_is_true():
    contributing = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    example = re.search(r"validate anchor (\S+) --text \"([^\"]+)\"\n *# (.+)\n", contributing)
    out = subprocess.run(
        [sys.executable, "-m", "validate", "anchor", example.group(1), "--text", example.group(2)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == example.group(3)


def test_every_option_of_the_main_command_is_in_docs_validation():
    from validate.cli import build_parser

    guide = (REPO / "docs" / "validation.md").read_text(encoding="utf-8")
    for action in build_parser()._actions:
        for option in action.option_strings:
            if option.startswith("--") and option not in ("--help", "--version"):
                assert option in guide, option
