"""Property tests for `diff` (issue 22): for any pair of packages that differ by random cell edits, row
additions and deletions, every changed cell is reported, and nothing else is.

The packages are the minimal fixture package's claims table (tests/fixtures/valid/minimal) with random
rows, its keys drawn from any text a CSV cell can hold (so that DuckDB's key order and Python's meet)."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validate.csvio import parse_csv, render_csv
from validate.package import load
from validate.versioning.changes import compare

from .conftest import build_package, examples

SETTINGS = settings(
    max_examples=examples(40),
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CELL = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=12
)
KEY = st.one_of(
    CELL.filter(bool), st.sampled_from(["clm-1", "clm-1 / x", "clm", "Clm-1", "é", "e\u0301"])
)


def _claims(root: Path) -> tuple[list[str], list[dict]]:
    table = parse_csv((root / "data" / "claims.csv").read_text(encoding="utf-8"))
    return list(table.header), [dict(record.cells) for record in table.records]


def _write(root: Path, header: list[str], rows: list[dict]) -> None:
    (root / "data" / "claims.csv").write_text(render_csv(header, rows), encoding="utf-8")


@st.composite
def edited_pairs(draw, header: list[str], template: dict):
    columns = [name for name in header if name != "claim_id"]
    keys = draw(st.lists(KEY, min_size=0, max_size=8, unique=True))
    old = [{**template, "claim_id": key} for key in keys]
    for row in old:
        for name in draw(st.lists(st.sampled_from(columns), max_size=3)):
            row[name] = draw(CELL)
    new = [dict(row) for row in old]
    deleted = set(draw(st.lists(st.sampled_from(keys), max_size=3))) if keys else set()
    new = [row for row in new if row["claim_id"] not in deleted]
    for row in new:
        for name in draw(st.lists(st.sampled_from(columns), max_size=3)):
            row[name] = draw(CELL)
    added = draw(st.lists(KEY.filter(lambda k: k not in keys), max_size=3, unique=True))
    new += [{**template, "claim_id": key, "notes": draw(CELL)} for key in added]
    return old, draw(st.permutations(new))


def test_every_changed_cell_is_reported_and_nothing_else(tmp_path_factory):
    base = tmp_path_factory.mktemp("base")
    build_package(base)
    header, rows = _claims(base)
    template = rows[0]

    @SETTINGS
    @given(pair=edited_pairs(header, template))
    def check(pair):
        old_rows, new_rows = pair
        folder = tmp_path_factory.mktemp("pair")
        sides = {}
        for side, rows_of_side in (("old", old_rows), ("new", new_rows)):
            root = folder / side
            shutil.copytree(base, root)
            _write(root, header, rows_of_side)
            sides[side] = load(root / "datapackage.json")
        try:
            changes = [
                c for c in compare(sides["old"], sides["new"]).changes if c.table == "claims"
            ]
        finally:
            for package in sides.values():
                package.close()
        old_by_key = {row["claim_id"]: row for row in old_rows}
        new_by_key = {row["claim_id"]: row for row in new_rows}
        expected = {("row-removed", key, None) for key in old_by_key.keys() - new_by_key.keys()} | {
            ("row-added", key, None) for key in new_by_key.keys() - old_by_key.keys()
        }
        for key in old_by_key.keys() & new_by_key.keys():
            cells = tuple(
                (name, old_by_key[key][name], new_by_key[key][name])
                for name in header
                if old_by_key[key][name] != new_by_key[key][name]
            )
            if cells:
                expected.add(("row-changed", key, cells))
        reported = {
            (c.kind.replace("row-derived-only", "row-changed"), c.key[0], c.cells or None)
            for c in changes
            if c.area == "data"
        }
        assert reported == expected
        assert all(c.key == (c.key[0],) for c in changes if c.area == "data")
        assert [c for c in changes if c.area != "data" and c.kind != "resource-derived"] == []

    check()
