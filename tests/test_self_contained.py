"""The repository stands on its own: no file cites material outside the package or a path of a workstation.

Every tracked text file is searched for the name of the team's background research file, for
absolute paths of the machine the data was made on, and for relative paths that climb out
of the repository into the shared background folder. A hit names the file and the line.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from validate.csvio import parse_csv

from .conftest import REPO

# Built from pieces so that this file does not match its own patterns.
FORBIDDEN = {
    "a citation of the team background file, which the package does not hold": re.compile(
        "dos" + "sier", re.IGNORECASE
    ),
    "an absolute path of a workstation": re.compile(
        "(?<![A-Za-z0-9.:/])/(?:" + "work|root|home|tmp" + ")/"
    ),
    "a relative path into the shared background folder": re.compile(re.escape(".." + "/shared")),
}


def tracked_files(root: Path) -> list[Path]:
    """The files git tracks (and new files it would track), relative to `root`."""
    listing = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return sorted({Path(name) for name in listing.split("\0") if name and (root / name).is_file()})


def outside_references(root: Path, files: list[Path]) -> list[str]:
    """Return one `file:line: what` entry per forbidden reference in the text files given."""
    problems = []
    for relative in files:
        data = (root / relative).read_bytes()
        if b"\0" in data:  # binary, not text
            continue
        for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
            for what, pattern in FORBIDDEN.items():
                if pattern.search(line):
                    problems.append(f"{relative.as_posix()}:{number}: {what}")
    return problems


def test_no_tracked_file_cites_outside_material_or_a_workstation_path():
    files = tracked_files(REPO)
    assert len(files) > 20  # the listing worked
    assert outside_references(REPO, files) == []


def test_the_search_names_file_and_line_of_each_kind_of_reference(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "claims.csv").write_text(
        "id,notes\nclm-1,fine\nclm-2,see the Sources Dos" + "sier §2\n", encoding="utf-8"
    )
    (tmp_path / "notes.md").write_text(
        "Article: /wo" + "rk/main/sources/a.txt\nok\nsee ../sha" + "red/research/x.md\n",
        encoding="utf-8",
    )
    (tmp_path / "home.md").write_text(
        "cache in /ro" + "ot/.cache and /tm" + "p/x, /ho" + "me/u/\n", encoding="utf-8"
    )
    (tmp_path / "clean.md").write_text(
        "https://example.org/work/x and docs/research/fact-checks.md\n", encoding="utf-8"
    )
    (tmp_path / "image.bin").write_bytes(b"\0/wo" + b"rk/")
    files = [
        Path("data/claims.csv"),
        Path("notes.md"),
        Path("home.md"),
        Path("clean.md"),
        Path("image.bin"),
    ]
    assert outside_references(tmp_path, files) == [
        "data/claims.csv:3: a citation of the team background file, which the package does not hold",
        "notes.md:1: an absolute path of a workstation",
        "notes.md:3: a relative path into the shared background folder",
        "home.md:1: an absolute path of a workstation",
    ]


ROW_ID = re.compile(r"\b(?:doc|ent|clm|qot|qty|img|spn|lin|wrd|cor|fnd)-[a-z0-9]+(?:-[a-z0-9]+)*")
PACKAGE_FILE = re.compile(r"\b(?:docs/research/[A-Za-z0-9._-]+\.md|data/[a-z_]+\.csv)")


def unresolved_citations(root: Path) -> list[str]:
    """Return one `file:line: field cites X` entry per row ID or package file cited in a cell that does not exist."""
    tables = {
        path: parse_csv(path.read_text(encoding="utf-8"))
        for path in sorted((root / "data").glob("*.csv"))
    }
    known = {record.cells[table.header[0]] for table in tables.values() for record in table.records}
    problems = []
    for path, table in tables.items():
        for record in table.records:
            for field, cell in record.cells.items():
                if field == table.header[0]:
                    continue
                cited = [i for i in ROW_ID.findall(cell) if i not in known]
                cited += [f for f in PACKAGE_FILE.findall(cell) if not (root / f).is_file()]
                problems += [
                    f"{path.relative_to(root).as_posix()}:{record.line}: {field} cites {c}"
                    for c in cited
                ]
    return problems


def test_every_row_id_and_package_file_cited_in_a_cell_exists():
    assert unresolved_citations(REPO) == []


def test_an_unknown_row_id_or_missing_research_file_is_named_with_its_line(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "docs" / "research").mkdir(parents=True)
    (tmp_path / "docs" / "research" / "notes.md").write_text("x\n", encoding="utf-8")
    (tmp_path / "data" / "documents.csv").write_text(
        "document_id,notes\ndoc-a,fine\n", encoding="utf-8"
    )
    (tmp_path / "data" / "claims.csv").write_text(
        "claim_id,notes\n"
        "clm-001,see doc-a and docs/research/notes.md\n"
        "clm-002,see doc-b\n"
        "clm-003,see docs/research/gone.md and clm-001\n",
        encoding="utf-8",
    )
    assert unresolved_citations(tmp_path) == [
        "data/claims.csv:3: notes cites doc-b",
        "data/claims.csv:4: notes cites docs/research/gone.md",
    ]
