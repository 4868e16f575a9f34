"""The one path rule against the outside security test's findings: exports that named files after a
`../` resource name (F1/F2), a committed in-package link to .git/config read as a snapshot (F3), fill writing
a document through a docs/*.md link (F8), and --json-report through a folder link (F10)."""

from __future__ import annotations

import json
import os

import pytest

from validate.cli import main
from validate.exports import dist as output

from .hostile import run_validator
from .test_hostile import edit_descriptor, resource_named, tree

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink"), reason="POSIX only (symlinks)")

SECRET = "AUTHORIZATION: basic c2VjcmV0LXRva2VuLTEyMzQ1Njc4OTA="


# --- F3: a link inside the package is reported, never read --------------------------------------


def test_a_snapshot_linked_to_git_config_inside_the_package_is_not_read(minimal_package):
    root = minimal_package.parent
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text(f'[http]\n\textraheader = "{SECRET}"\n', "utf-8")
    snapshot = root / "sources" / "sample.txt"
    snapshot.unlink()
    snapshot.symlink_to("../.git/config")
    for form in ("json", "text", "github"):
        run = run_validator(str(minimal_package), "--format", form)
        assert run.code == 1
        assert "c2VjcmV0" not in run.out + run.err
    run = run_validator(str(minimal_package), "--format", "json")
    assert ("resource-files", "link-not-followed", "datapackage.json", 54) in run.errors()
    found = next(e for e in run.report["errors"] if e["code"] == "link-not-followed")
    assert found["field"] == "$.resources[0].path"


def test_a_resource_path_through_a_linked_folder_inside_the_package_is_not_read(minimal_package):
    root = minimal_package.parent
    (root / "mirror").symlink_to("data", target_is_directory=True)
    edit_descriptor(
        minimal_package, lambda d: resource_named(d, "claims").update(path="mirror/claims.csv")
    )
    run = run_validator(str(minimal_package), "--format", "json")
    assert ("resource-files", "link-not-followed", "datapackage.json", 102) in run.errors()


def test_nothing_under_dot_git_is_a_resource(minimal_package):
    root = minimal_package.parent
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text(f"{SECRET}\n", "utf-8")
    edit_descriptor(
        minimal_package,
        lambda d: resource_named(d, "sample-snapshot").update(path="./.git/config"),
    )
    run = run_validator(str(minimal_package), "--format", "json")
    assert ("resource-files", "unsafe-path", "datapackage.json", 54) in run.errors()
    assert "c2VjcmV0" not in run.out


# --- F8: fill never reads or writes a document through a link ----------------------------------


def test_fill_skips_a_docs_link_and_leaves_its_target_alone(minimal_package):
    root = minimal_package.parent
    notes = root / "notes.md"
    notes.write_text("<!--fill:rows.claims-->0<!--/fill-->\n", "utf-8")
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "zz.md").symlink_to("../notes.md")
    run = run_validator("fill", str(minimal_package))
    assert run.code == 0, run
    assert notes.read_text("utf-8") == "<!--fill:rows.claims-->0<!--/fill-->\n"
    assert "skipped: docs/zz.md is a symbolic link" in run.err
    assert "notes.md" not in run.out


# --- F10: --json-report does not write through a link --------------------------------------------


def test_a_relative_json_report_through_a_folder_link_is_refused(minimal_package, tmp_path):
    work = tmp_path / "work"
    outside = tmp_path / "outside"
    work.mkdir()
    outside.mkdir()
    (work / "reports").symlink_to(outside, target_is_directory=True)
    run = run_validator(str(minimal_package), "--json-report", "reports/validation.json", cwd=work)
    assert run.code == 2 and "reports is a symbolic link" in run.err
    assert list(outside.iterdir()) == []


def test_a_relative_json_report_may_not_leave_the_working_directory(minimal_package, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    run = run_validator(str(minimal_package), "--json-report", "../report.json", cwd=work)
    assert run.code == 2 and not (tmp_path / "report.json").exists()


def test_an_absolute_json_report_is_written_where_named_but_not_through_a_final_link(
    minimal_package, tmp_path
):
    report = tmp_path / "elsewhere" / "report.json"
    report.parent.mkdir()
    run = run_validator(str(minimal_package), "--json-report", str(report))
    assert run.code == 0 and json.loads(report.read_text("utf-8"))["valid"] is True
    victim = tmp_path / "victim.txt"
    victim.write_text("keep\n", "utf-8")
    linked = tmp_path / "linked.json"
    linked.symlink_to(victim)
    run = run_validator(str(minimal_package), "--json-report", str(linked))
    assert run.code == 2 and "symbolic link" in run.err
    assert victim.read_text("utf-8") == "keep\n" and linked.is_symlink()


# --- F1/F2: exports name files only after safe table names ---------------------------------------


@pytest.mark.parametrize("name", ["../../../outside/pwn", "a/../../../outside/pwn2", "a..b"])
def test_exports_refuse_a_table_name_that_is_not_one_file_name(tmp_path, capsys, name):
    from .conftest import build_package

    descriptor = build_package(tmp_path / "a" / "b" / "pkg")
    root = descriptor.parent
    outside = tmp_path / "a" / "outside"
    outside.mkdir()
    (root / "data" / "extra.csv").write_bytes((root / "data" / "claims.csv").read_bytes())

    def add(d: dict) -> None:
        d.pop("conformsTo", None)  # standard-only mode: the profile's name pattern is not applied
        extra = dict(resource_named(d, "claims"), name=name, path="data/extra.csv")
        d["resources"].append(extra)

    edit_descriptor(descriptor, add)
    assert main([str(descriptor)]) == 0, capsys.readouterr().out  # valid under the standard alone
    before = tree(tmp_path)
    capsys.readouterr()
    code = main(["exports", str(root)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "not safe as a file name" in err and "Traceback" not in err
    assert tree(tmp_path) == before and not (root / "dist").exists()


@pytest.mark.parametrize(
    "relative", ["../x.html", "site/../../x.html", "/x.html", "site//x.html", "./x.html"]
)
def test_the_output_folder_refuses_a_file_path_that_leaves_it(tmp_path, relative):
    dist = tmp_path / "dist"
    dist.mkdir()
    with pytest.raises(output.UnsafeDist, match="not a file name inside"):
        output.check_targets(dist, [relative], [])
    assert output.inside(dist, "site/claims.html") == dist / "site" / "claims.html"
