"""Hostile input for `release` and `rename-id` (issue 22): nothing read or written through a link, no hang, no crash,
all files or none. Each case runs the command in a child process under a time and memory limit (tests/hostile.py)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from validate.cli import main
from validate.fill import fill_descriptor
from validate.model import from_package
from validate.package import load
from validate.rename import plan_rename
from validate.safepath import UnsafeTarget, folder, read, target

from .conftest import REPO, build_package
from .hostile import run_validator
from .test_hostile import tree
from .test_release_bundle import git, package_with_release_files

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink"), reason="POSIX only (symlinks)")


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", message)


def members(bundle: Path) -> list[str]:
    with zipfile.ZipFile(bundle) as archive:
        return [name.split("/", 1)[1] for name in archive.namelist()]


# --- The path rule (validate/safepath.py) -------------------------------------------------------


def test_the_path_rule_refuses_links_on_the_way_and_files_that_are_not_regular(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    (tmp_path / "to-file").symlink_to(tmp_path / "file")
    with pytest.raises(UnsafeTarget, match="linked is a symbolic link"):
        target(tmp_path, tmp_path / "linked" / "out.json")
    with pytest.raises(UnsafeTarget, match="to-file is a symbolic link"):
        target(tmp_path, tmp_path / "to-file")
    with pytest.raises(UnsafeTarget, match="outside"):
        target(tmp_path / "real", tmp_path / "file")
    with pytest.raises(UnsafeTarget, match="symbolic link"):
        read(tmp_path, tmp_path / "to-file", 10)
    with pytest.raises(UnsafeTarget, match="larger than 0 bytes"):
        read(tmp_path, tmp_path / "file", 0)
    assert target(tmp_path, tmp_path / "real" / "new.json") == tmp_path / "real" / "new.json"
    assert folder(tmp_path, tmp_path / "a" / "b", create=True).is_dir()


def test_a_writer_does_not_read_or_replace_a_link_to_a_device(minimal_package):
    """A spans.csv that links to /dev/zero: fill refuses (exit 2) instead of reading without end, and writes nothing."""
    root = minimal_package.parent
    (root / "data" / "spans.csv").unlink()
    (root / "data" / "spans.csv").symlink_to("/dev/zero")
    before = tree(root)
    run = run_validator("fill", str(root))
    assert run.code == 2
    assert tree(root) == before
    assert os.readlink(root / "data" / "spans.csv") == "/dev/zero"


# --- release ----------------------------------------------------------------------------------


def test_a_symlinked_dist_is_refused_and_nothing_is_written_through_it(tmp_path):
    """`ln -s ~/.ssh dist`: exit 2 before anything is read or written; the key never reaches a bundle."""
    root = package_with_release_files(tmp_path / "p")
    secrets = tmp_path / "home" / ".ssh"
    secrets.mkdir(parents=True)
    (secrets / "id_ed25519").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n", encoding="utf-8")
    (root / "dist").symlink_to(secrets)
    before = tree(secrets)
    run = run_validator("release", str(root))
    assert run.code == 2
    assert "dist is a symbolic link" in run.err
    assert tree(secrets) == before  # no zip, no temporary file written through the link
    assert not list(root.rglob("*.zip"))
    # the same link as the committed exports folder, with the bundle written elsewhere: still refused
    (root / "dist").unlink()
    (root / "exports").symlink_to(secrets)
    run = run_validator("release", str(root), "--out", str(tmp_path / "out"))
    assert run.code == 2
    assert "exports is a symbolic link" in run.err
    assert tree(secrets) == before
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_only_the_exports_the_package_builds_are_bundled(tmp_path, capsys):
    """Nothing of dist/ is bundled; exports/ holds exactly what the package builds (a stray file is removed, said so)."""
    root = package_with_release_files(tmp_path / "p")
    (root / "dist").mkdir()
    (root / "dist" / "codebook.csv").write_text("table,column\n", encoding="utf-8")
    (root / "dist" / "id_ed25519").write_text("secret\n", encoding="utf-8")
    (root / "exports").mkdir()
    (root / "exports" / "id_ed25519").write_text("secret\n", encoding="utf-8")
    # in this process: the export registry loads pyarrow, more address space than the hostile harness allows
    assert main(["release", str(root)]) == 0
    assert "removed exports/id_ed25519" in capsys.readouterr().out
    bundled = members(root / "dist" / "fixture-minimal-0.1.0.zip")
    assert "exports/codebook.csv" in bundled
    assert (root / "dist" / "codebook.csv").read_text(encoding="utf-8") == "table,column\n"
    assert not [name for name in bundled if "id_ed25519" in name]


@pytest.mark.parametrize("source", ["work tree", "HEAD"])
def test_a_committed_absolute_link_is_reported_and_never_followed(tmp_path, source):
    """`docs/passwd -> /etc/passwd` committed: release still builds (exit 0), says it left the link out, bundles no passwd."""
    root = package_with_release_files(tmp_path / "p")
    (root / "docs").mkdir()
    (root / "docs" / "note.md").write_text("a note\n", encoding="utf-8")
    (root / "docs" / "passwd").symlink_to("/etc/passwd")
    commit_all(root, "a link")
    args = ("release", str(root), "--out", str(tmp_path / "out"))
    run = run_validator(*args, *(("--from", "HEAD") if source == "HEAD" else ()))
    assert run.code == 0, run.err
    assert "left out 1 symbolic link(s), never followed: docs/passwd" in run.out
    bundled = members(tmp_path / "out" / "fixture-minimal-0.1.0.zip")
    assert "docs/note.md" in bundled
    assert "docs/passwd" not in bundled


def test_a_file_name_with_a_newline_is_listed_as_sha256sum_lists_it(tmp_path):
    """SHA256SUMS escapes the name (a line starting with a backslash): the real `sha256sum -c` accepts the bundle."""
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum is not installed")
    root = package_with_release_files(tmp_path / "p")
    (root / "docs").mkdir()
    (root / "docs" / "x\nREADME.md").write_text("two lines\n", encoding="utf-8")
    (root / "docs" / "back\\slash.md").write_text("a backslash\n", encoding="utf-8")
    commit_all(root, "odd names")
    run = run_validator("release", str(root))
    assert run.code == 0, run.err
    with zipfile.ZipFile(root / "dist" / "fixture-minimal-0.1.0.zip") as archive:
        archive.extractall(tmp_path / "unpacked")
    folder = tmp_path / "unpacked" / "fixture-minimal-0.1.0"
    sums = (folder / "SHA256SUMS").read_text(encoding="utf-8")
    assert sums.count("  README.md\n") == 1
    checked = subprocess.run(
        ["sha256sum", "-c", "--strict", "SHA256SUMS"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count(": OK") == len(sums.splitlines())


def test_a_file_name_with_another_control_character_is_refused_clearly(tmp_path):
    root = package_with_release_files(tmp_path / "p")
    (root / "docs").mkdir()
    (root / "docs" / "bell\x07.md").write_text("x\n", encoding="utf-8")
    commit_all(root, "a bell")
    run = run_validator("release", str(root))
    assert run.code == 2
    assert "SHA256SUMS cannot list" in run.err
    assert not (root / "dist").exists() or not list((root / "dist").iterdir())


def test_a_keyword_that_is_an_object_is_a_clear_error_for_prepare(tmp_path):
    root = package_with_release_files(tmp_path / "p")
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["keywords"] = [{"a": 1}]
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    before = tree(root)
    run = run_validator("release", str(root), "--prepare", "0.2.0", "--date", "2026-12-06")
    assert run.code == 2
    assert "`keywords` must be a list of text values" in run.err
    assert tree(root) == before


@pytest.mark.parametrize("name", ["CHANGELOG.md", "releases/0.1.0.json"])
def test_release_files_linked_to_a_device_are_not_read(tmp_path, name):
    """A CHANGELOG.md or a release record that links to /dev/zero: refused or skipped, never read until memory runs out."""
    root = package_with_release_files(tmp_path / "p")
    (root / name).parent.mkdir(exist_ok=True)
    (root / name).unlink(missing_ok=True)
    (root / name).symlink_to("/dev/zero")
    run = run_validator("release", str(root), "--prepare", "0.2.0", "--date", "2026-12-06")
    assert run.code == 2 if name == "CHANGELOG.md" else run.code in (0, 2), run.err
    if name == "CHANGELOG.md":
        assert "CHANGELOG.md is a symbolic link" in run.err


def test_a_record_naming_a_folder_as_its_commit_is_refused(tmp_path):
    root = package_with_release_files(tmp_path / "p")
    (root / "releases").mkdir()
    record = {"version": "0.1.0", "commit": str(tmp_path), "sha256": "0" * 64}
    (root / "releases" / "0.1.0.json").write_text(json.dumps(record), encoding="utf-8")
    run = run_validator("release", str(root), "--prepare", "0.2.0", "--date", "2026-12-06")
    assert run.code == 2
    assert "not a commit id" in run.err


# --- rename-id --------------------------------------------------------------------------------


def set_entity_pattern(root: Path, pattern: str) -> None:
    path = root / "schemas" / "entities.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    key = next(f for f in schema["fields"] if f["name"] == "entity_id")
    key["constraints"]["pattern"] = pattern
    path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")


def test_rename_id_matches_a_backtracking_pattern_in_linear_time(minimal_package):
    """`^ent-([a-z0-9-]+)+$` would hang Python's `re` on a near miss; RE2 (the validator's engine) answers at once."""
    root = minimal_package.parent
    set_entity_pattern(root, "^ent-([a-z0-9-]+)+$")
    before = tree(root)
    run = run_validator("rename-id", "ent-afp", "ent-" + "a" * 40 + "!", str(root), timeout=30)
    assert run.code == 2
    assert "is not a valid entity_id" in run.err
    assert tree(root) == before


@pytest.mark.parametrize("new", ["ent-\\g<0>", "ent-\\1", "ent-\\p{Ll}", ""])
def test_rename_id_takes_the_new_id_literally(minimal_package, new):
    """A replacement is text, not a regular-expression template: refused as not an ID, no crash, nothing written."""
    root = minimal_package.parent
    before = tree(root)
    run = run_validator("rename-id", "ent-afp", new, str(root))
    assert run.code == 2
    assert "not a valid entity_id" in run.err or "empty one is refused" in run.err
    assert tree(root) == before


def test_rename_id_writes_a_backslash_literally_when_the_pattern_allows_it(minimal_package):
    root = minimal_package.parent
    set_entity_pattern(root, "^ent-[a-z0-9\\\\<>-]+$")
    run = run_validator("rename-id", "ent-afp", "ent-\\g<0>", str(root))
    assert run.code == 0, run.err
    images = (root / "data" / "images.csv").read_text(encoding="utf-8")
    assert ",ent-\\g<0>," in images


def test_rename_id_refuses_an_empty_old_id_before_any_write(minimal_package):
    root = minimal_package.parent
    before = tree(root)
    run = run_validator("rename-id", "", "ent-zz", str(root))
    assert run.code == 2
    assert "empty one is refused" in run.err
    assert tree(root) == before


def test_rename_id_never_rewrites_verbatim_text(minimal_package):
    """A span whose exact text is "ent-afp" (and the credit that repeats it) survive `rename-id ent-afp ent-agency`;
    the references change, and the package stays valid."""
    root = minimal_package.parent
    snapshot = root / "sources" / "sample.txt"
    text = snapshot.read_text(encoding="utf-8").replace(" - AFP", " - ent-afp", 1)
    snapshot.write_text(text, encoding="utf-8")
    documents = (root / "data" / "documents.csv").read_text(encoding="utf-8")
    documents = documents.replace(
        "aecb66eb2e8270d63ae6fc3122b2526bc70fecd51ce7f0e05d8c11cb9a2f4808,133",
        f"{hashlib.sha256(text.encode('utf-8')).hexdigest()},{len(text)}",
    )
    (root / "data" / "documents.csv").write_text(documents, encoding="utf-8")
    for name, old, new in [
        ("spans.csv", ",AFP,", ",ent-afp,"),
        ("images.csv", ",AFP,", ",ent-afp,"),
        ("entities.csv", ",AFP,", ",ent-afp,"),
    ]:
        path = root / "data" / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    assert run_validator("fill", str(root)).code == 0
    assert run_validator(str(root)).code == 0
    run = run_validator("rename-id", "ent-afp", "ent-agency", str(root))
    assert run.code == 0, run.err
    spans = (root / "data" / "spans.csv").read_text(encoding="utf-8")
    assert spans.count(",ent-afp,") == 2  # the exact text of spn-0002 and spn-0007
    assert ",entities,ent-agency,mention," in spans
    images = (root / "data" / "images.csv").read_text(encoding="utf-8")
    assert ",ent-afp,,ent-agency," in images  # the credit as printed; the agency reference renamed
    assert run_validator(str(root)).code == 0


# How a field's description says it holds a source's words: it must then declare `"verbatim": true`.
SAYS_VERBATIM = re.compile(r"\bverbatim\b|\bexactly as\b|\bas printed\b", re.IGNORECASE)


def schema_fields() -> list[tuple[str, dict]]:
    return [
        (path.name, field)
        for path in sorted((REPO / "schemas").glob("*.schema.json"))
        for field in json.loads(path.read_text(encoding="utf-8"))["fields"]
    ]


def test_a_field_described_as_verbatim_declares_it():
    """The words of a description and the declaration that rename-id reads cannot drift apart."""
    undeclared = [
        (schema, field["name"])
        for schema, field in schema_fields()
        if SAYS_VERBATIM.search(field["description"]) and field.get("verbatim") is not True
    ]
    assert undeclared == []
    # a field repeating a span's exact text holds a source's words too (the profile requires it)
    assert all(f.get("verbatim") is True for _, f in schema_fields() if "verbatimSpanRole" in f)


def test_a_verbatim_span_role_field_without_the_declaration_is_a_profile_error(minimal_package):
    root = minimal_package.parent
    path = root / "schemas" / "images.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    del next(f for f in schema["fields"] if f["name"] == "caption")["verbatim"]
    path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
    run = run_validator("--select", "schema-profile", str(root))
    assert run.code == 1
    assert "'verbatim' is a required property" in run.out and "[schema-profile/required]" in run.out


def test_rename_id_leaves_every_declared_verbatim_field_untouched(tmp_path):
    """Every cell of every `"verbatim": true` field, in every table, mentions the renamed ID, and so does every note:
    the plan rewrites the notes (so the test can fail) and not one verbatim cell."""
    descriptor = build_package(tmp_path / "p", base="source-chain")
    package = load(descriptor)
    tables = {
        table.path: (table.verbatim_fields(), "note" if table.field("note") else "notes")
        for table in from_package(package).tables.values()
    }
    package.close()
    assert sum(len(fields) for fields, _ in tables.values()) >= 10
    before = {}
    for path, (fields, note) in tables.items():
        if not fields:
            continue
        file = descriptor.parent / path
        rows = list(csv.DictReader(io.StringIO(file.read_text(encoding="utf-8"), newline="")))
        for row in rows:
            for name in [*fields, note]:
                row[name] = f"{row[name]} ent-afp".lstrip()
        out = io.StringIO(newline="")
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        file.write_text(out.getvalue(), encoding="utf-8")
        before[path] = rows
    fill_descriptor(descriptor)
    package = load(descriptor)
    try:
        plan = plan_rename(package, "ent-afp", "ent-agency")
    finally:
        package.close()
    for path, rows in before.items():
        fields, note = tables[path]
        after = list(
            csv.DictReader(
                io.StringIO(plan.contents[descriptor.parent / path].decode("utf-8"), newline="")
            )
        )
        assert [{f: r[f] for f in fields} for r in after] == [
            {f: r[f] for f in fields} for r in rows
        ], path
        assert all(r[note].endswith(" ent-agency") or r[note] == "ent-agency" for r in after), path
