"""`diff` against hostile sides (issue 22): each case built here, each asserting the safe behaviour."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from validate.cli import main
from validate.versioning import sides

from .conftest import REPO
from .diffcases import apply_edit, build_pair, set_version
from .test_release_bundle import git, package_with_release_files


def tiny(folder: Path, header: list[str], rows: list[list[str]], **descriptor) -> Path:
    """A one-table package: t.csv with an inline schema of string fields, primary key `key` (default: the first two)."""
    folder.mkdir(parents=True, exist_ok=True)
    key = descriptor.pop("key", header[:2])
    fields = descriptor.pop("fields", [{"name": name, "type": "string"} for name in header])
    (folder / "t.csv").write_text(
        "\n".join(",".join(f'"{c}"' for c in row) for row in [header, *rows]) + "\n",
        encoding="utf-8",
    )
    document = {
        "name": "tiny",
        "version": "1.0.0",
        "resources": [
            {
                "name": "t",
                "path": "t.csv",
                "schema": {"fields": fields, "primaryKey": key},
            }
        ],
        **descriptor,
    }
    (folder / "datapackage.json").write_text(json.dumps(document), encoding="utf-8")
    return folder


def diff_json(capsys, *argv: str) -> tuple[int, dict]:
    code = main(["diff", *argv, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


# --- the diff cannot be made to lie ---------------------------------------------------------------


def test_composite_keys_are_tuples_never_joined_strings(tmp_path, capsys):
    header = ["a", "b", "v"]
    tiny(tmp_path / "old", header, [["x / y", "z", "1"], ["x", "y / z", "1"]])
    tiny(tmp_path / "new", header, [["x / y", "z", "1"], ["x", "y / z", "2"]])
    code, report = diff_json(capsys, str(tmp_path / "old"), str(tmp_path / "new"))
    rows = [c for c in report["changes"] if c["area"] == "data"]
    assert [(c["kind"], c["key"], c["cells"]) for c in rows] == [
        ("row-changed", ["x", "y / z"], [{"field": "v", "old": "1", "new": "2"}])
    ]
    assert code == 1  # a patch change, version unchanged


def test_a_key_moving_across_the_separator_is_a_removal_and_an_addition(tmp_path, capsys):
    header = ["a", "b", "v"]
    tiny(tmp_path / "old", header, [["x / y", "z", "1"]])
    tiny(tmp_path / "new", header, [["x", "y / z", "1"]])
    _, report = diff_json(capsys, str(tmp_path / "old"), str(tmp_path / "new"))
    assert sorted((c["kind"], tuple(c["key"])) for c in report["changes"]) == [
        ("row-added", ("x", "y / z")),
        ("row-removed", ("x / y", "z")),
    ]
    assert report["verdict"]["changes_need"] == "major"


def test_a_folder_named_like_the_base_revision_is_an_error_not_a_choice(tmp_path, capsys):
    root = package_with_release_files(tmp_path / "p")
    base = git(root, "rev-parse", "HEAD").strip()
    apply_edit(root, {"text": "data/claims.csv", "replace": ["almost", "nearly"]})
    set_version(root, "0.1.1")
    decoy = root / base  # the pull request's own package under the base's name
    decoy.mkdir()
    for name in ("datapackage.json", "data", "schemas"):
        source = root / name
        target = decoy / name
        if source.is_dir():
            subprocess.run(["cp", "-r", str(source), str(target)], check=True)
        else:
            target.write_bytes(source.read_bytes())
    os.chdir(root)
    try:
        assert main(["diff", base, ".", "--require-changelog"]) == 2
        assert "is both a path and a git revision" in capsys.readouterr().err
        # explicit: the revision (one change) or the folder (none)
        code, report = diff_json(capsys, f"git:{base}", ".")
        assert any(c["kind"] == "row-changed" for c in report["changes"])
        code, report = diff_json(capsys, f"./{base}", ".")
        assert not any(c["kind"] == "row-changed" for c in report["changes"])
    finally:
        os.chdir(REPO)


# --- links are never followed ------------------------------------------------------------------


@pytest.mark.parametrize("target", ["outside", "/dev/zero"])
def test_a_linked_changelog_is_not_read(tmp_path, monkeypatch, capsys, target):
    build_pair(tmp_path, "unchanged-version")
    outside = tmp_path / "outside"
    outside.write_text("## [Unreleased]\n\n- borrowed note\n", encoding="utf-8")
    changelog = tmp_path / "new" / "CHANGELOG.md"
    changelog.unlink()
    changelog.symlink_to(outside if target == "outside" else target)
    monkeypatch.chdir(tmp_path)
    started = time.monotonic()
    assert main(["diff", "old", "new", "--require-changelog"]) == 1
    assert (
        "FAIL: CHANGELOG.md is a symbolic link; it is not read (links are never followed)"
        in capsys.readouterr().out
    )
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("target", ["outside", "/dev/zero"])
def test_a_linked_release_record_is_skipped(tmp_path, capsys, target):
    build_pair(tmp_path, "value-corrected")
    releases = tmp_path / "new" / "releases"
    releases.mkdir()
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps({"version": "0.1.0", "commit": "a" * 40}), encoding="utf-8")
    (releases / "0.1.0.json").symlink_to(outside if target == "outside" else target)
    assert main(["diff", "--repo", str(tmp_path / "new")]) == 2
    assert "no release recorded" in capsys.readouterr().err


def test_a_release_record_naming_a_folder_is_refused(tmp_path, capsys):
    build_pair(tmp_path, "value-corrected")
    releases = tmp_path / "new" / "releases"
    releases.mkdir()
    (releases / "0.1.0.json").write_text(
        json.dumps({"version": "0.1.0", "commit": str(tmp_path / "new")}), encoding="utf-8"
    )
    assert main(["diff", "--repo", str(tmp_path / "new"), str(tmp_path / "new")]) == 0
    capsys.readouterr()  # an explicit old side is fine; the record is used only without one
    assert main(["diff", "--repo", str(tmp_path / "new")]) == 2
    assert "is not a commit id" in capsys.readouterr().err


def test_a_committed_absolute_link_is_listed_not_followed(tmp_path, capsys):
    root = package_with_release_files(tmp_path / "p")
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "passwd").symlink_to("/etc/passwd")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "link")
    code = main(["diff", "HEAD", str(root), "--repo", str(root)])
    report = capsys.readouterr().out
    assert code == 0
    assert "Note: HEAD: docs/passwd is a link; not followed, not compared" in report
    assert "root:" not in report


# --- bounded memory and time -------------------------------------------------------------------


def test_four_renamed_fields_with_long_descriptions_finish_in_seconds(tmp_path, capsys):
    words = [f"word{n % 997}" for n in range(4_000)]
    text = " ".join(words)  # about 30,000 characters
    header = ["a", "b", "f1", "f2", "f3", "f4"]
    old_fields = [{"name": n, "type": "string", "description": text} for n in header]
    new_header = ["a", "b", "g1", "g2", "g3", "g4"]
    new_fields = [
        {"name": n, "type": "string", "description": text.replace("word5 ", f"changed{i} ")}
        for i, n in enumerate(new_header)
    ]
    tiny(tmp_path / "old", header, [["1", "2", "3", "4", "5", "6"]], fields=old_fields)
    tiny(tmp_path / "new", new_header, [["1", "2", "3", "4", "5", "6"]], fields=new_fields)
    started = time.monotonic()
    for output in ("text", "markdown", "json"):
        main(["diff", str(tmp_path / "old"), str(tmp_path / "new"), "--format", output])
    assert time.monotonic() - started < 20
    assert "renamed 'g1'" in capsys.readouterr().out


def test_two_large_tables_are_compared_in_bounded_memory(tmp_path):
    """Two 7.6 MB tables of 560,000 rows, every tenth row changed: compared in a child process, its peak memory measured."""
    for side, step in (("old", 0), ("new", 1)):
        folder = tiny(tmp_path / side, ["a", "v"], [], key=["a"])
        with (folder / "t.csv").open("w", encoding="utf-8") as out:
            out.write("a,v\n")
            for n in range(560_000):
                out.write(f"{n},{n + step * (n % 10 == 0)}\n")
    code = (
        "import resource, sys\n"
        "from validate.cli import main\n"
        "status = main(['diff', sys.argv[1], sys.argv[2], '--format', 'json', '--output', sys.argv[3]])\n"
        "print(status, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            str(tmp_path / "old"),
            str(tmp_path / "new"),
            str(tmp_path / "r.json"),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
    )
    status, peak_kb = result.stdout.split()
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert status == "1"
    assert {(r["kind"], r["count"]) for r in report["summary"] if r["area"] == "data"} == {
        ("row-changed", 56_000)
    }
    assert report["omitted"] == 56_000 - 5_000
    assert int(peak_kb) < 700_000, f"peak {int(peak_kb) // 1024} MB"


def test_a_revision_member_over_the_cap_is_refused_while_streaming(tmp_path, monkeypatch, capsys):
    root = package_with_release_files(tmp_path / "p")
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "big.bin").write_bytes(b"\0" * 3_000_000)
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "big")
    monkeypatch.setattr(sides, "MAX_MEMBER_BYTES", 1_000_000)
    assert main(["diff", "HEAD", str(root), "--repo", str(root)]) == 2
    assert "'docs/big.bin' is larger than 1,000,000 bytes; not read" in capsys.readouterr().err


# --- bundles -----------------------------------------------------------------------------------


def _bundle(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_bundle_expanding_past_the_total_cap_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sides, "MAX_TOTAL_BYTES", 2_000_000)
    bomb = _bundle(
        tmp_path / "bomb.zip",
        {f"p/data/{n}.bin": b"\0" * 900_000 for n in range(4)},
        zipfile.ZIP_BZIP2,
    )
    assert bomb.stat().st_size < 10_000
    assert main(["diff", str(bomb), str(bomb)]) == 2
    assert "expands to more than 2,000,000 bytes in all; not read" in capsys.readouterr().err


def _patched(path: Path, find: bytes, replace: bytes) -> Path:
    data = path.read_bytes()
    assert find in data
    path.write_bytes(data.replace(find, replace))
    return path


def _method_99(path: Path) -> Path:
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = data.index(signature)
        data[at + offset : at + offset + 2] = (99).to_bytes(2, "little")
    path.write_bytes(bytes(data))
    return path


def _encrypted(path: Path) -> Path:
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature)
        data[at + offset] |= 1
    path.write_bytes(bytes(data))
    return path


def _corrupt(path: Path, method: int) -> Path:
    text = b"".join(f"row {n} of some text\n".encode() for n in range(2_000))
    _bundle(path, {"p/datapackage.json": text}, method)
    data = bytearray(path.read_bytes())
    middle = data.index(b"PK\x01\x02") // 2
    data[middle : middle + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("encrypted", "is encrypted"),
        ("method-99", "uses compression method 99"),
        ("deflate", "cannot unpack"),
        ("lzma", "cannot unpack"),
    ],
)
def test_unreadable_bundle_members_are_clear_errors(tmp_path, capsys, kind, message):
    path = tmp_path / f"{kind}.zip"
    if kind in ("encrypted", "method-99"):
        _bundle(path, {"p/datapackage.json": b"{}"})
        (_encrypted if kind == "encrypted" else _method_99)(path)
    else:
        _corrupt(path, zipfile.ZIP_DEFLATED if kind == "deflate" else zipfile.ZIP_LZMA)
    assert main(["diff", str(path), str(path), "--summary", str(tmp_path / "s.md")]) == 2
    error = capsys.readouterr().err
    assert message in error and "a bug in the validator" not in error
    assert "The diff could not run" in (tmp_path / "s.md").read_text(encoding="utf-8")


# --- what the reports show ---------------------------------------------------------------------


@pytest.mark.parametrize("output", ["text", "json", "markdown"])
def test_a_lone_surrogate_in_a_title_is_shown_escaped(tmp_path, monkeypatch, capsys, output):
    build_pair(tmp_path, "value-corrected")
    descriptor = tmp_path / "new" / "datapackage.json"
    descriptor.write_text(
        descriptor.read_text(encoding="utf-8").replace('"title": "', '"title": "\\ud800 ', 1),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["diff", "old", "new", "--format", output, "--output", "r"]) == 0
    report = (tmp_path / "r").read_text(encoding="utf-8")
    assert "ud800" in report
    if output == "json":
        assert any(
            c["subject"] == "title" and c["new"].startswith("\\ud800")
            for c in json.loads(report)["changes"]
        )


def test_markdown_never_links_or_marks_up_a_title(tmp_path, monkeypatch, capsys):
    build_pair(tmp_path, "value-corrected")
    apply_edit(
        tmp_path / "new",
        {
            "json": "datapackage.json",
            "set": ["title"],
            "value": "See https://evil.example, www.evil.example, <b>x</b>, **bold** and a@evil.example",
        },
    )
    set_version(tmp_path / "new", "0.1.1")
    monkeypatch.chdir(tmp_path)
    main(["diff", "old", "new", "--format", "markdown"])
    report = capsys.readouterr().out
    for raw in ("https://", "www.evil", "<b>", "**bold**", "a@evil"):
        assert raw not in report
    assert "https\\:\\/\\/evil\\.example" in report


def test_markdown_keeps_the_reports_own_code_and_arrows(tmp_path, monkeypatch, capsys):
    build_pair(tmp_path, "unchanged-version")
    monkeypatch.chdir(tmp_path)
    main(["diff", "old", "new", "--require-changelog", "--format", "markdown"])
    report = capsys.readouterr().out
    assert "CHANGELOG\\.md\\'s `Unreleased` section" in report
    assert "## Data package diff: old (0\\.1\\.0) → new (0\\.1\\.0)" in report
    assert "`fill`" in report  # the folded bytes-and-hash line


def test_the_output_link_is_replaced_not_followed(tmp_path, monkeypatch, capsys):
    build_pair(tmp_path, "value-corrected")
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "target.txt"
    target.write_text("keep\n", encoding="utf-8")
    (tmp_path / "report.md").symlink_to(target)
    assert main(["diff", "old", "new", "--output", "report.md"]) == 0
    assert target.read_text(encoding="utf-8") == "keep\n"
    assert not (tmp_path / "report.md").is_symlink()
