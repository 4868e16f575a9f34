"""`diff` reads each side from a folder, a release bundle or a git revision; its reports are safe and its rules exact."""

from __future__ import annotations

import json
import subprocess
import zipfile

import pytest

from validate.cli import main
from validate.versioning import bundle
from validate.versioning.bumps import judge

from .conftest import REPO
from .diffcases import apply_edit, build_pair, set_version
from .test_release_bundle import git, package_with_release_files

CLAIM_EDIT = {
    "text": "data/claims.csv",
    "replace": ["for almost three hours", "for nearly three hours"],
}


@pytest.mark.parametrize(
    ("level", "old", "new", "ok"),
    [
        ("major", "0.1.0", "0.2.0", True),
        ("major", "0.1.0", "0.1.1", False),
        ("major", "1.2.3", "1.3.0", False),
        ("major", "1.2.3", "2.0.0", True),
        ("minor", "0.1.0", "0.1.1", True),
        ("minor", "1.0.0", "1.0.1", False),
        ("minor", "1.0.0", "1.1.0", True),
        ("patch", "1.0.0", "1.0.1", True),
        ("patch", "1.0.0", "1.0.0", False),
        ("none", "1.0.0", "1.0.0", True),
        ("none", "1.0.0", "0.9.0", False),
        ("patch", "1.0.0", "1.0", False),
    ],
)
def test_bump_rules_including_what_0x_means(level, old, new, ok):
    assert judge(level, old, new).ok is ok


def test_git_revisions_are_read_without_touching_the_work_tree(tmp_path, capsys):
    root = package_with_release_files(tmp_path / "p")
    first = git(root, "rev-parse", "HEAD").strip()
    apply_edit(root, CLAIM_EDIT)
    set_version(root, "0.1.1")
    git(
        root,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.org",
        "commit",
        "-qam",
        "correct clm-001",
    )
    apply_edit(
        root,
        {"text": "data/claims.csv", "replace": ["for nearly three hours", "for about three hours"]},
    )  # uncommitted
    before = (root / "data" / "claims.csv").read_bytes()
    assert main(["diff", first, "HEAD", "--repo", str(root)]) == 0
    report = capsys.readouterr().out
    assert (
        "[patch] row-changed: clm-001: statement: …Nayib Bukele for [-almost-]{+nearly+} three hours."
        in report
    )
    assert (root / "data" / "claims.csv").read_bytes() == before
    assert git(root, "status", "--porcelain") == " M data/claims.csv\n"


def test_a_release_bundle_is_a_side(tmp_path, capsys):
    root = package_with_release_files(tmp_path / "p")
    built = bundle.build(root, tmp_path / "dist", 1795756942)
    apply_edit(root, {"csv": "data/claims.csv", "drop_column": "modality"})
    apply_edit(root, {"json": "schemas/claims.schema.json", "delete": ["fields", 10]})
    set_version(root, "0.1.1")
    assert main(["diff", str(built.path), str(root)]) == 1
    report = capsys.readouterr().out
    assert "[major] field-removed: field 'modality' removed" in report
    assert (
        "Version: FAIL: 0.1.0 -> 0.1.1 is a patch bump; these changes need a minor bump." in report
    )


@pytest.mark.parametrize("member", ["../evil.txt", "/abs/datapackage.json"])
def test_a_bundle_with_an_unsafe_path_is_refused_with_exit_2(tmp_path, capsys, member):
    hostile = tmp_path / "hostile.zip"
    with zipfile.ZipFile(hostile, "w") as archive:
        archive.writestr(member, "{}")
    assert main(["diff", str(hostile), str(hostile)]) == 2
    assert (
        f"hostile.zip holds an unsafe path {member!r}; it was not unpacked"
        in capsys.readouterr().err
    )
    assert not (tmp_path.parent / "evil.txt").exists()


def test_an_unknown_side_is_exit_2_not_a_traceback(tmp_path, capsys):
    assert main(["diff", "no-such-revision", str(tmp_path), "--repo", str(tmp_path)]) == 2
    assert "is not a folder, a bundle (.zip) or a git revision" in capsys.readouterr().err


def test_markdown_report_folds_details_and_neutralises_cells(tmp_path, monkeypatch, capsys):
    build_pair(tmp_path, "value-corrected")
    apply_edit(
        tmp_path / "new",
        {
            "text": "data/claims.csv",
            "replace": ["for nearly three hours", "<img src=x> @team | `x` [l](http://e)"],
        },
    )
    set_version(tmp_path / "new", "0.1.1")
    monkeypatch.chdir(tmp_path)
    assert main(["diff", "old", "new", "--format", "markdown"]) == 0
    report = capsys.readouterr().out
    assert report.index("| area | table | change | count | bump |") < report.index("<details>")
    assert "| data | claims | row-changed | 1 | patch |" in report
    assert "&lt;img src\\=x&gt; &#64;team \\| \\`x\\` \\[l\\]\\(http\\:\\/\\/e\\)" in report
    assert "<img" not in report and "@team" not in report and "http://" not in report


def test_json_report_lists_cells_old_and_new(tmp_path, monkeypatch, capsys):
    build_pair(tmp_path, "value-corrected")
    monkeypatch.chdir(tmp_path)
    assert main(["diff", "old", "new", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["verdict"] == {
        "changes_need": "patch",
        "required_bump": "patch",
        "declared_bump": "patch",
        "ok": True,
        "reason": "0.1.0 -> 0.1.1 is a patch bump, as needed",
    }
    row = next(change for change in document["changes"] if change["kind"] == "row-changed")
    assert row["subject"] == "clm-001"
    assert row["cells"] == [
        {
            "field": "statement",
            "old": "Marco Rubio met Nayib Bukele for almost three hours.",
            "new": "Marco Rubio met Nayib Bukele for nearly three hours.",
        }
    ]


def test_pull_request_mode_needs_an_unreleased_note_not_a_version(tmp_path, monkeypatch, capsys):
    build_pair(tmp_path, "unchanged-version")
    monkeypatch.chdir(tmp_path)
    changelog = tmp_path / "new" / "CHANGELOG.md"
    with_section = changelog.read_text(encoding="utf-8")
    changelog.write_text(with_section.replace("## [Unreleased]\n\n", ""), encoding="utf-8")
    assert main(["diff", "old", "new", "--require-changelog"]) == 1
    assert "FAIL: CHANGELOG.md has no `## [Unreleased]` section" in capsys.readouterr().out
    changelog.write_text(with_section, encoding="utf-8")
    assert main(["diff", "old", "new", "--require-changelog"]) == 1
    assert (
        "FAIL: these changes need a note in CHANGELOG.md's `Unreleased` section; none was added"
        in capsys.readouterr().out
    )
    changelog.write_text(
        with_section.replace(
            "## [Unreleased]\n", "## [Unreleased]\n\n- clm-001: nearly, not almost.\n"
        ),
        encoding="utf-8",
    )
    assert main(["diff", "old", "new", "--require-changelog"]) == 0
    report = capsys.readouterr().out
    assert "OK: CHANGELOG.md's Unreleased section says what changed" in report
    assert (
        "OK: a pull request leaves the version as it is; the next release needs a patch bump."
        in report
        and "FAIL" not in report
    )
    assert main(["diff", "old", "new", "--require-changelog", "--format", "markdown"]) == 0
    assert "❌" not in capsys.readouterr().out
    assert main(["diff", "old", "new"]) == 1  # a release still needs the version bump


def test_the_repository_since_0_1_0_shows_the_renamed_spans_and_split_quantities(capsys):
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
    main(["diff", record["commit"], str(REPO), "--repo", str(REPO), "--format", "json"])
    changes = {
        (c["table"], c["kind"], c["subject"])
        for c in json.loads(capsys.readouterr().out)["changes"]
    }
    assert {
        ("spans", "field-renamed", "start -> start_char"),
        ("spans", "field-renamed", "end -> end_char"),
        ("quantities", "field-removed", "value"),
        ("quantities", "field-added", "value_number"),
    } <= changes


@pytest.mark.parametrize(
    "hostile",
    [
        {
            "json": "schemas/claims.schema.json",
            "set": ["fields", 3, "constraints", "enum"],
            "value": 7,
        },
        {
            "json": "schemas/claims.schema.json",
            "set": ["fields", 2, "constraints"],
            "value": "none",
        },
        {
            "json": "schemas/claims.schema.json",
            "set": ["fields", 2, "constraints", "minLength"],
            "value": "ten",
        },
        {"json": "schemas/claims.schema.json", "set": ["fields"], "value": {"not": "a list"}},
        {"json": "schemas/claims.schema.json", "set": ["primaryKey"], "value": {"a": 1}},
        {
            "json": "schemas/claims.schema.json",
            "set": ["fields", 3, "categories"],
            "value": [{"label": "no value"}, 3],
        },
        {
            "json": "datapackage.json",
            "set": ["resources", 3, "schema"],
            "value": "../../etc/passwd",
        },
        {"json": "datapackage.json", "set": ["licenses"], "value": "CC0"},
        {"write": "data/claims.csv", "text": '"unclosed\n'},
    ],
)
def test_malformed_sides_give_a_report_not_a_traceback(tmp_path, monkeypatch, capsys, hostile):
    build_pair(tmp_path, "value-corrected")
    apply_edit(tmp_path / "new", hostile)
    monkeypatch.chdir(tmp_path)
    for output_format in ("text", "json", "markdown"):
        assert main(["diff", "old", "new", "--format", output_format]) in (0, 1)
    assert "Traceback" not in capsys.readouterr().err


def test_text_report_shows_control_characters_escaped(tmp_path, monkeypatch, capsys):
    build_pair(tmp_path, "value-corrected")
    apply_edit(
        tmp_path / "new",
        {
            "text": "data/claims.csv",
            "replace": ["for nearly three hours", "for \x1b[31mred\x1b[0m hours\u202e"],
        },
    )
    set_version(tmp_path / "new", "0.1.1")
    monkeypatch.chdir(tmp_path)
    assert main(["diff", "old", "new"]) == 0
    report = capsys.readouterr().out
    assert "for [-almost three-]{+\\x1b[31mred\\x1b[0m+} hours{+\\u202e+}." in report
    assert "\x1b" not in report and "\u202e" not in report


def test_summary_is_cut_below_the_limit_with_a_note_and_the_full_report_kept(
    tmp_path, monkeypatch, capsys
):
    build_pair(tmp_path, "row-removed")
    monkeypatch.chdir(tmp_path)
    for number in range(300):  # 300 rows with 5 kB keys: 1.5 MB of Markdown
        apply_edit(
            tmp_path / "new",
            {
                "text": "data/claims.csv",
                "append": f"clm-{number:03d}{'k' * 5000},doc-sample,A statement long enough.,event,publication,"
                f",,,,not_applicable,asserted,,,manual-extraction,2026-11-28\n",
            },
        )
    argv = [
        "diff",
        "old",
        "new",
        "--format",
        "markdown",
        "--output",
        "full.md",
        "--summary",
        "summary.md",
    ]
    main(argv)
    summary = (tmp_path / "summary.md").read_bytes()
    full = (tmp_path / "full.md").read_bytes()
    assert len(full) > 1_048_576 >= len(summary)
    assert (
        summary.decode("utf-8")
        .rstrip()
        .endswith(
            "The full report is in full\\.md (the workflow uploads it as the artifact `diff-report`).**"
        )
    )
    assert summary.count(b"<details>") == summary.count(b"</details>")
    assert capsys.readouterr().out == ""
