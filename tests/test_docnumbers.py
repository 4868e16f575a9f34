"""Numbers from the data in README.md and docs/*.md: `fill` restates them, `fill --check` names a stale one."""

from __future__ import annotations

import csv

import pytest

from validate.cli import main

from .conftest import REPO


def test_the_shipped_numbers_are_current(capsys):
    """What a contribution changes, `make fill` restates; this fails until it has been run."""
    assert main(["fill", "--check", str(REPO)]) == 0, capsys.readouterr().out
    assert capsys.readouterr().out == "nothing to change\n"


def write(package, relative: str, text: str):
    path = package.parent / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_check_names_the_stale_file_line_and_marker_and_fill_restates_it(minimal_package, capsys):
    readme = write(
        minimal_package, "README.md", "# X\n\n<!--fill:rows.claims-->999<!--/fill--> claims\n"
    )
    research = write(
        minimal_package, "docs/research/note.md", "<!--fill:rows.claims-->999<!--/fill-->\n"
    )
    claims = (minimal_package.parent / "data" / "claims.csv").read_text(encoding="utf-8")
    count = len(claims.splitlines()) - 1
    assert main(["fill", "--check", str(minimal_package)]) == 1
    assert capsys.readouterr().out == (
        f"stale: README.md:3: <!--fill:rows.claims--> says '999', the data gives '{count}'\n"
        "run `python -m validate fill` to restate them\n"
    )
    assert readme.read_text(encoding="utf-8").endswith(
        "999<!--/fill--> claims\n"
    )  # check writes nothing
    assert main(["fill", str(minimal_package)]) == 0
    assert "README.md" in capsys.readouterr().out
    assert readme.read_text(encoding="utf-8") == (
        f"# X\n\n<!--fill:rows.claims-->{count}<!--/fill--> claims\n"
    )
    assert research.read_text(encoding="utf-8") == "<!--fill:rows.claims-->999<!--/fill-->\n"
    assert main(["fill", "--check", str(minimal_package)]) == 0


def test_a_new_claim_changes_the_numbers_in_the_same_fill(minimal_package):
    """The numbers count the tables as `fill` leaves them: a new claim, and its level, at once."""
    claims = minimal_package.parent / "data" / "claims.csv"
    header, *rows = claims.read_text(encoding="utf-8").splitlines()
    cells = rows[-1].split(",")
    cells[0], cells[header.split(",").index("sourcing_level")] = "clm-999", ""
    claims.write_text("\n".join([header, *rows, ",".join(cells)]) + "\n", encoding="utf-8")
    doc = write(
        minimal_package,
        "docs/counts.md",
        "<!--fill:rows.claims-->0<!--/fill--> claims, <!--fill:level.unknown-->0<!--/fill--> unknown\n",
    )
    assert main(["fill", str(minimal_package)]) == 0
    with claims.open(encoding="utf-8", newline="") as handle:
        levels = [row["sourcing_level"] for row in csv.DictReader(handle)]
    assert levels[-1] == "unknown"  # no claim_sources row yet
    assert doc.read_text(encoding="utf-8") == (
        f"<!--fill:rows.claims-->{len(levels)}<!--/fill--> claims, "
        f"<!--fill:level.unknown-->{levels.count('unknown')}<!--/fill--> unknown\n"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "<!--fill:rows.nothing-->1<!--/fill-->\n",
            "README.md:1: <!--fill:rows.nothing--> names no query",
        ),
        ("a\n<!--fill:rows.claims-->1\n<!--/fill-->\n", "README.md:2: a marker needs the form"),
    ],
)
def test_a_marker_that_cannot_be_restated_stops_fill_and_writes_nothing(
    minimal_package, capsys, text, message
):
    readme = write(minimal_package, "README.md", text)
    descriptor = minimal_package.read_bytes()
    assert main(["fill", str(minimal_package)]) == 2
    assert message in capsys.readouterr().err
    assert readme.read_text(encoding="utf-8") == text and minimal_package.read_bytes() == descriptor


def test_a_document_linked_out_of_the_package_is_never_read_or_written(minimal_package, tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text("<!--fill:rows.claims-->999<!--/fill-->\n", encoding="utf-8")
    (minimal_package.parent / "docs").mkdir(exist_ok=True)
    (minimal_package.parent / "docs" / "linked.md").symlink_to(outside)
    assert main(["fill", "--check", str(minimal_package)]) == 0
    assert main(["fill", str(minimal_package)]) == 0
    assert outside.read_text(encoding="utf-8") == "<!--fill:rows.claims-->999<!--/fill-->\n"
