"""cell-references on a stranger's package: its ID patterns come from the package's own schemas."""

from __future__ import annotations

import csv
import io
import json
import time

from hypothesis import example, given, settings
from hypothesis import strategies as st

from validate import run
from validate.checks.cell_references import PATH, cited_paths

from .conftest import build_package, examples


def test_a_backtracking_id_pattern_is_reported_not_hung_on(tmp_path):
    descriptor = build_package(tmp_path / "package")
    root = descriptor.parent
    schema_file = root / "schemas" / "entities.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    key = next(f for f in schema["fields"] if f["name"] == "entity_id")
    key["constraints"]["pattern"] = (
        "^ent-([a-z]|[a-z])+(-([a-z]|[a-z])+)*$"  # still matches every entity ID; exponential on a near miss
    )
    schema_file.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    claims = root / "data" / "claims.csv"
    near_miss = "ent-" + "a" * 4000 + "1"
    claims.write_text(
        claims.read_text(encoding="utf-8").replace(
            ",asserted,unknown,,", f",asserted,unknown,See {near_miss}.,", 1
        ),
        encoding="utf-8",
    )
    started = time.monotonic()
    errors = [
        (e.code, e.file, e.line, e.field)
        for e in run(descriptor, select=["cell-references"]).errors
    ]
    assert time.monotonic() - started < 10
    assert errors == [("slow-pattern", "data/claims.csv", 2, "notes")]


@settings(max_examples=examples(600), deadline=None)
@given(
    cell=st.lists(
        st.sampled_from(
            [
                "a",
                "Z",
                "9",
                "/",
                ".",
                "..",
                "_",
                "-",
                "~",
                ":",
                "@",
                "é",
                " ",
                "\t",
                "\n",
                "\u00a0",
                "\x1c",
                "\u2028",
                "\u3000",
                "(",
                "md",
                "docs/",
            ]
        ),
        max_size=16,
    ).map("".join)
)
@example(cell="see docs/a.md,\u00a0../b/c.txt and /etc/x.conf")
@example(cell="a\x1cdocs/x.md\u2028sources/y.txt")
@example(cell="docs/a-b.md, x-docs/c.md and docs/d.e/f.md")
def test_cited_paths_are_what_path_finds_in_the_whole_cell(cell):
    """The check looks for paths word by word (those with a slash): the same paths, in the same order, as in the whole cell."""
    assert cited_paths(cell) == PATH.findall(cell)


def _with_claim_notes(descriptor, notes: list[str]) -> None:
    """Give claims.csv one row per note (copies of its first row with fresh IDs)."""
    claims = descriptor.parent / "data" / "claims.csv"
    rows = list(csv.reader(io.StringIO(claims.read_text(encoding="utf-8"), newline="")))
    header, first = rows[0], rows[1]
    written = [header]
    for number, note in enumerate(notes, start=1):
        row = list(first)
        row[header.index("claim_id")], row[header.index("notes")] = f"clm-{900 + number}", note
        written.append(row)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(written)
    claims.write_text(out.getvalue(), encoding="utf-8")


def _found(descriptor) -> list[tuple[str, int, str, str]]:
    with run(descriptor, select=["cell-references"]) as result:
        return [(e.code, e.line, e.field, e.message) for e in result.errors]


def test_a_repeated_note_is_reported_on_every_row_that_holds_it(tmp_path):
    descriptor = build_package(tmp_path / "package")
    _with_claim_notes(
        descriptor, ["See qot-404 and docs/gone.md.", "fine", "See qot-404 and docs/gone.md."]
    )
    unknown = "notes names qot-404, which is not a row of quotes."
    missing = "notes cites docs/gone.md, which the package does not hold."
    assert _found(descriptor) == [
        ("missing-file", 2, "notes", missing),
        ("unknown-id", 2, "notes", unknown),
        ("missing-file", 4, "notes", missing),
        ("unknown-id", 4, "notes", unknown),
    ]


def test_a_kind_found_too_slow_is_not_searched_after_the_cell_where_it_was(tmp_path):
    """Cells are read in order: a note that repeats, after the slow cell, a note read before it has no mention of that kind."""
    descriptor = build_package(tmp_path / "package")
    schema_file = descriptor.parent / "schemas" / "entities.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == "entity_id")["constraints"]["pattern"] = (
        "^ent-([a-z]|[a-z])+(-([a-z]|[a-z])+)*$"
    )
    schema_file.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    near_miss = "See ent-" + "a" * 4000 + "1."
    _with_claim_notes(descriptor, ["See ent-nobody.", near_miss, "See ent-nobody and qot-404."])
    assert [error[:3] for error in _found(descriptor)] == [
        ("unknown-id", 2, "notes"),
        ("slow-pattern", 3, "notes"),
        ("unknown-id", 4, "notes"),
    ]
    assert _found(descriptor)[2][3] == "notes names qot-404, which is not a row of quotes."
