"""The release bundle is byte-reproducible, `sha256sum -c` accepts it, and `release` refuses what it must."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

from validate import run
from validate.cli import main
from validate.versioning import bundle
from validate.versioning import citation as citation_fields

from .conftest import REPO, build_package

EPOCH = "1795756942"


def git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(folder), *args], check=True, capture_output=True, text=True
    ).stdout


def package_with_release_files(folder: Path) -> Path:
    """The minimal package plus the files a bundle needs, in a git repository with one commit."""
    build_package(folder)
    shutil.copyfile(REPO / "LICENSE", folder / "LICENSE")
    # a README of its own: the repository's states the repository's version, not the fixture's
    version = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["version"]
    reference = citation_fields.reference(
        yaml.safe_load((folder / "CITATION.cff").read_text(encoding="utf-8"))
    )
    (folder / "README.md").write_text(
        f"# The minimal fixture package\n\nCurrent version: **{version}**\n\n> {reference}\n",
        encoding="utf-8",
    )
    git(folder, "init", "-q")
    git(folder, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", "-A")
    git(
        folder,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.org",
        "commit",
        "-q",
        "-m",
        "package",
    )
    return folder


def test_two_builds_in_different_folders_at_different_times_are_byte_identical(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    first = bundle.build(package_with_release_files(tmp_path / "a"), tmp_path / "out-a", int(EPOCH))
    second_root = package_with_release_files(tmp_path / "elsewhere" / "b")
    for path in second_root.rglob("*"):  # other mtimes and modes than the first copy
        if path.is_file() and ".git" not in path.parts:
            path.chmod(0o600)
    second = bundle.build(second_root, tmp_path / "out-b", int(EPOCH))
    assert first.sha256 == second.sha256
    assert first.path.read_bytes() == second.path.read_bytes()
    assert hashlib.sha256(first.path.read_bytes()).hexdigest() == first.sha256


def test_bundle_entries_are_sorted_dated_and_plain(tmp_path):
    built = bundle.build(package_with_release_files(tmp_path / "p"), tmp_path / "out", int(EPOCH))
    assert built.path.name == "fixture-minimal-0.1.0.zip"
    with zipfile.ZipFile(built.path) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names == sorted(names)
    top = built.path.name.removesuffix(".zip")
    assert {name.split("/", 1)[0] for name in names} == {top}
    assert {info.date_time for info in infos} == {(2026, 11, 27, 5, 22, 22)}
    assert {info.external_attr >> 16 for info in infos} == {0o100644}
    assert {info.compress_type for info in infos} == {zipfile.ZIP_STORED}
    inside = {name.split("/", 1)[1] for name in names}
    assert {
        "datapackage.json",
        "README.md",
        "LICENSE",
        "CITATION.cff",
        "CHANGELOG.md",
        "SHA256SUMS",
        "data/claims.csv",
        "schemas/claims.schema.json",
    } <= inside
    assert str(tmp_path) not in built.path.read_bytes().decode("latin-1")


def test_sha256sum_accepts_the_unpacked_bundle_and_catches_a_changed_file(tmp_path):
    built = bundle.build(package_with_release_files(tmp_path / "p"), tmp_path / "out", int(EPOCH))
    with zipfile.ZipFile(built.path) as archive:
        archive.extractall(tmp_path / "unpacked")
    folder = tmp_path / "unpacked" / built.path.name.removesuffix(".zip")
    checked = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], check=False, cwd=folder, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "data/claims.csv: OK" in checked.stdout
    (folder / "data" / "claims.csv").write_text("changed\n", encoding="utf-8")
    checked = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], check=False, cwd=folder, capture_output=True, text=True
    )
    assert checked.returncode == 1
    assert "data/claims.csv: FAILED" in checked.stdout


def commit_all(folder: Path, message: str) -> None:
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    git(folder, *identity, "add", "-A")
    git(folder, *identity, "commit", "-q", "-m", message)


def test_release_rebuilds_the_committed_exports_bundles_them_and_the_check_names_a_stale_file(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = package_with_release_files(tmp_path / "p")
    (root / "exports").mkdir()
    (root / "exports" / "left-over.txt").write_text("from an older build\n", encoding="utf-8")
    assert main(["release", str(root)]) == 0
    out = capsys.readouterr().out
    assert "rebuilt exports/fixture-minimal.xlsx" in out and "removed exports/left-over.txt" in out
    assert not (root / "exports" / "left-over.txt").exists()
    assert json.loads((root / "exports" / "version.json").read_text(encoding="utf-8")) == {
        "name": "fixture-minimal",
        "version": "0.1.0",
    }
    with zipfile.ZipFile(next((root / "dist").glob("*.zip"))) as archive:
        bundled = {
            n.split("/", 1)[1]: archive.read(n)
            for n in archive.namelist()
            if n.split("/", 1)[1].startswith("exports/")
        }
    assert bundled == {
        f"exports/{p.relative_to(root / 'exports').as_posix()}": p.read_bytes()
        for p in (root / "exports").rglob("*")
        if p.is_file()
    }
    assert "exports/csv-for-spreadsheets/claims.csv" in bundled
    # uncommitted exports are not recorded; committed, they are, and the check passes
    assert main(["release", str(root), "--record"]) == 1
    assert "exports/" in capsys.readouterr().err
    commit_all(root, "exports")
    assert main(["release", str(root), "--record"]) == 0
    assert "recorded releases/0.1.0.json" in capsys.readouterr().out
    assert main(["release", str(root), "--check"]) == 0
    assert "exports/ is what the package builds" in capsys.readouterr().out
    # a stale file, a missing one and a stray one, each named
    (root / "exports" / "codebook.csv").write_text("stale\n", encoding="utf-8")
    (root / "exports" / "parquet" / "claims.parquet").unlink()
    (root / "exports" / "notes.txt").write_text("mine\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (root / "exports").rglob("*") if p.is_file()}
    assert main(["release", str(root), "--check"]) == 1
    said = capsys.readouterr()
    assert "exports/codebook.csv differs from what the package builds" in said.out
    assert "exports/parquet/claims.parquet is missing" in said.out
    assert "exports/notes.txt is not built by the package" in said.out
    assert (
        "error: exports/ is not what the package builds: exports/codebook.csv differs" in said.err
    )
    assert {p: p.read_bytes() for p in (root / "exports").rglob("*") if p.is_file()} == before


def test_the_exports_build_twice_into_two_folders_byte_for_byte(tmp_path):
    """Every file, the workbook, the SQLite database and the Parquet files included, equal in both builds."""
    from validate.exports.build import committed_files

    root = package_with_release_files(tmp_path / "p")
    first, second = committed_files(root), committed_files(root)
    assert {"fixture-minimal.xlsx", "fixture-minimal.sqlite", "parquet/claims.parquet"} <= set(
        first
    )
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_release_refuses_a_recorded_version_with_another_sha256_and_writes_nothing(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = package_with_release_files(tmp_path / "p")
    assert main(["release", str(root), "--record", "--out", str(tmp_path / "first")]) == 0
    recorded = json.loads((root / "releases" / "0.1.0.json").read_text(encoding="utf-8"))
    commit_all(root, "record")  # releases/ is bundled: the bundle of this commit differs
    capsys.readouterr()
    assert main(["release", str(root)]) == 2
    err = capsys.readouterr().err
    assert f"version 0.1.0 is already released with sha256 {recorded['sha256']}" in err
    assert "this build gives " in err and "Nothing was written" in err
    assert not (root / "dist").exists() or list((root / "dist").iterdir()) == []


def test_main_is_told_apart_from_the_newest_release(tmp_path):
    from validate.versioning import published

    root = package_with_release_files(tmp_path / "p")
    assert published.status(root).line() == "no release is recorded yet; cite a commit"
    assert main(["release", str(root), "--record", "--out", str(tmp_path / "out")]) == 0
    commit_all(root, "record")
    assert published.status(root).line() == "this is release 0.1.0"
    changelog = root / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    changelog.write_text(
        text.replace("## [Unreleased]\n", "## [Unreleased]\n\n- A new claim.\n"), encoding="utf-8"
    )
    told = published.status(root)
    assert told.unreleased and told.reasons == ("CHANGELOG.md's Unreleased section is not empty",)
    assert told.line() == "main has unreleased changes since 0.1.0; cite a release"
    changelog.write_text(text, encoding="utf-8")
    with (root / "data" / "claims.csv").open("a", encoding="utf-8") as handle:
        handle.write("")  # unchanged bytes: still the release
    assert not published.status(root).unreleased
    claims = root / "data" / "claims.csv"
    claims.write_bytes(claims.read_bytes().replace(b"\n", b"\r\n", 1))
    assert published.status(root).reasons == (
        "the data differs from 0.1.0's commit: data/claims.csv",
    )


def test_release_refuses_an_invalid_package_and_writes_no_bundle(tmp_path, capsys):
    root = package_with_release_files(tmp_path / "p")
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["version"] = "0.2.0"  # CITATION.cff and CHANGELOG.md still say 0.1.0
    (root / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2) + "\n", encoding="utf-8"
    )
    assert main(["release", str(root)]) == 1
    assert "release/version-mismatch" in capsys.readouterr().out
    assert not (root / "dist").exists()


def test_release_records_a_clean_commit_and_refuses_a_dirty_one(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = package_with_release_files(tmp_path / "p")
    assert main(["release", str(root), "--record"]) == 0
    record = json.loads((root / "releases" / "0.1.0.json").read_text(encoding="utf-8"))
    zipped = next((root / "dist").glob("*.zip"))
    assert record["sha256"] == hashlib.sha256(zipped.read_bytes()).hexdigest()
    assert record["commit"] == git(root, "rev-parse", "HEAD").strip()
    assert record["source_date_epoch"] == int(EPOCH)
    (root / "releases" / "0.1.0.json").unlink()
    with (root / "README.md").open("a", encoding="utf-8") as handle:
        handle.write("An uncommitted line.\n")
    capsys.readouterr()
    assert main(["release", str(root), "--record"]) == 1
    assert (
        "not recorded: uncommitted, untracked or ignored files in README.md"
        in capsys.readouterr().err
    )
    assert not (root / "releases" / "0.1.0.json").exists()


def test_rebuilding_a_recorded_commit_gives_the_recorded_sha256(tmp_path, capsys):
    root = package_with_release_files(tmp_path / "p")
    commit = git(root, "rev-parse", "HEAD").strip()
    assert main(["release", str(root), "--from", commit, "--record", "--out", "dist-a"]) == 0
    record = json.loads((root / "releases" / "0.1.0.json").read_text(encoding="utf-8"))
    assert main(["release", str(root), "--from", commit, "--record", "--out", "dist-b"]) == 0
    assert "already records this bundle" in capsys.readouterr().out
    assert (
        hashlib.sha256(next((root / "dist-b").glob("*.zip")).read_bytes()).hexdigest()
        == record["sha256"]
    )


@pytest.mark.parametrize(
    "record_file", sorted((REPO / "releases").glob("*.json")), ids=lambda path: path.stem
)
def test_every_recorded_bundle_rebuilds_from_its_commit_in_its_layout(
    tmp_path, capsys, record_file
):
    record = json.loads(record_file.read_text(encoding="utf-8"))
    if (
        subprocess.run(
            ["git", "-C", str(REPO), "cat-file", "-e", record["commit"]],
            check=False,
            capture_output=True,
        ).returncode
        != 0
    ):
        pytest.skip("not a clone with the 0.1.0 commit")
    assert main(["release", str(REPO), "--from", record["commit"], "--out", str(tmp_path)]) == 0
    assert f"sha256 {record['sha256']}" in capsys.readouterr().out


def test_prepare_refuses_a_too_small_bump_then_states_the_version_everywhere(tmp_path, capsys):
    from validate.runner import run

    from .diffcases import apply_edit

    root = package_with_release_files(tmp_path / "p")
    assert (
        main(["release", str(root), "--from", "HEAD", "--record", "--out", str(tmp_path / "dist")])
        == 0
    )
    apply_edit(
        root, {"csv": "data/claims.csv", "drop_row": "clm-002"}
    )  # a removed row: major, so 0.2.0 while 0.x
    before = {
        path: path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and ".git" not in path.parts
    }
    capsys.readouterr()
    assert main(["release", str(root), "--prepare", "0.1.1", "--date", "2026-12-01"]) == 1
    assert (
        "not prepared: 0.1.0 -> 0.1.1 is a patch bump; these changes need a minor bump"
        in capsys.readouterr().err
    )
    assert {path: path.read_bytes() for path in before} == before
    assert main(["release", str(root), "--prepare", "0.2.0", "--date", "2026-12-01"]) == 0
    assert json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["version"] == "0.2.0"
    citation = (root / "CITATION.cff").read_text(encoding="utf-8")
    assert "\nversion: 0.2.0\n" in citation and '\ndate-released: "2026-12-01"\n' in citation
    title = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["title"]
    assert f'\ntitle: "{title} (version 0.2.0)"\n' in citation
    assert f"\n> {citation_fields.reference(yaml.safe_load(citation))}\n" in (
        root / "README.md"
    ).read_text(encoding="utf-8")
    assert "## [Unreleased]\n\n## [0.2.0] - 2026-12-01\n" in (root / "CHANGELOG.md").read_text(
        encoding="utf-8"
    )
    assert "Current version: **0.2.0**" in (root / "README.md").read_text(encoding="utf-8")
    assert json.loads((root / ".zenodo.json").read_text(encoding="utf-8"))["version"] == "0.2.0"
    release_errors = [e for e in run(str(root / "datapackage.json")).errors if e.check == "release"]
    assert release_errors == []


def test_metadata_rewrites_the_cited_title_zenodo_json_and_readme_reference_all_or_none(
    tmp_path, capsys
):
    from validate.runner import run

    root = package_with_release_files(tmp_path / "p")
    citation_path, readme_path = root / "CITATION.cff", root / "README.md"
    fresh = {path: path.read_text(encoding="utf-8") for path in (citation_path, readme_path)}
    citation_path.write_text(
        fresh[citation_path].replace("(version 0.1.0)", "(version 0.0.9)"), encoding="utf-8"
    )
    readme_path.write_text(
        fresh[readme_path]
        .replace("(version 0.1.0)", "(version 0.0.9)")
        .replace("(2026)", "(2019)"),
        encoding="utf-8",
    )
    codes = sorted(
        e.code for e in run(str(root / "datapackage.json")).errors if e.check == "release"
    )
    assert codes == ["citation-title", "readme-reference", "readme-version"]
    assert main(["release", str(root), "--metadata"]) == 0
    assert (
        capsys.readouterr().out == "wrote .zenodo.json\nwrote CITATION.cff\nwrote README.md\n"
    )  # the fixture had no .zenodo.json
    assert {path: path.read_text(encoding="utf-8") for path in fresh} == fresh
    assert [e for e in run(str(root / "datapackage.json")).errors if e.check == "release"] == []
    # a title folded over two lines cannot be rewritten safely: exit 2 and no file changes, not even README.md
    folded = fresh[citation_path].replace('title: "', 'title: >-\n  "', 1)
    citation_path.write_text(folded, encoding="utf-8")
    readme_path.write_text(fresh[readme_path].replace("(2026)", "(2019)"), encoding="utf-8")
    assert main(["release", str(root), "--metadata"]) == 2
    assert "could not be rewritten safely" in capsys.readouterr().err
    assert citation_path.read_text(
        encoding="utf-8"
    ) == folded and "(2019)" in readme_path.read_text(encoding="utf-8")


def test_a_bundle_of_this_package_validates_on_its_own_and_its_links_resolve(tmp_path):
    """Cells cite docs/research, README links docs/ and releases/, docs/exports.md links exports/: the bundle holds
    them (layout 3)."""
    built = bundle.build(REPO, tmp_path / "out", int(EPOCH))
    with zipfile.ZipFile(built.path) as archive:
        archive.extractall(tmp_path / "unpacked")
    root = next((tmp_path / "unpacked").iterdir())
    result = run(root / "datapackage.json")
    assert result.valid, [(e.check, e.code, e.file, e.line) for e in result.errors][:5]
    broken = []
    for document in [
        root / "README.md",
        root / "CONTRIBUTING.md",
        *sorted((root / "docs").glob("*.md")),
    ]:
        for target in re.findall(r"\]\(([^)#\s]+)", document.read_text(encoding="utf-8")):
            if not re.match(r"[a-z]+:", target) and not (document.parent / target).exists():
                broken.append(f"{document.relative_to(root)} -> {target}")
    assert broken == []


@pytest.mark.parametrize("layout", ["2x", True, 2.7, 99])
def test_a_record_naming_an_unknown_layout_cannot_run(tmp_path, capsys, layout):
    root = package_with_release_files(tmp_path / "p")
    commit = git(root, "rev-parse", "HEAD").strip()
    (root / "releases").mkdir(exist_ok=True)
    record = {
        "version": "0.1.0",
        "bundle": "x.zip",
        "sha256": "0" * 64,
        "commit": commit,
        "layout": layout,
    }
    (root / "releases" / "0.1.0.json").write_text(json.dumps(record), encoding="utf-8")
    assert main(["release", str(root), "--from", commit, "--out", "dist"]) == 2
    assert "names bundle layout" in capsys.readouterr().err


def test_ignored_and_untracked_files_in_a_bundled_folder_are_not_bundled(tmp_path, capsys):
    root = package_with_release_files(tmp_path / "p")
    (root / ".gitignore").write_text("__pycache__/\n", encoding="utf-8")
    git(root, "add", ".gitignore")
    git(
        root,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.org",
        "commit",
        "-q",
        "-m",
        "ignore caches",
    )
    (root / "schemas" / "__pycache__").mkdir()
    (root / "schemas" / "__pycache__" / "x.pyc").write_bytes(b"x")
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "untracked.md").write_text("not committed\n", encoding="utf-8")
    # what git tracks is bundled, nothing else: the record names a commit that rebuilds the same bytes
    assert main(["release", str(root), "--record", "--out", "dist"]) == 0
    with zipfile.ZipFile(root / "dist" / "fixture-minimal-0.1.0.zip") as archive:
        names = archive.namelist()
    assert "fixture-minimal-0.1.0/schemas/documents.schema.json" in names
    assert not [n for n in names if "__pycache__" in n or "untracked" in n]
    assert "recorded releases/0.1.0.json" in capsys.readouterr().out
