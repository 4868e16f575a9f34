"""cell-references on a stranger's package: its ID patterns come from the package's own schemas."""

from __future__ import annotations

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
    key["constraints"]["pattern"] = "^ent-([a-z]|[a-z])+(-([a-z]|[a-z])+)*$"  # still matches every entity ID; exponential on a near miss
    schema_file.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    claims = root / "data" / "claims.csv"
    near_miss = "ent-" + "a" * 4000 + "1"
    claims.write_text(claims.read_text(encoding="utf-8").replace(",asserted,unknown,,", f",asserted,unknown,See {near_miss}.,", 1), encoding="utf-8")
    started = time.monotonic()
    errors = [(e.code, e.file, e.line, e.field) for e in run(descriptor, select=["cell-references"]).errors]
    assert time.monotonic() - started < 10
    assert errors == [("slow-pattern", "data/claims.csv", 2, "notes")]


@settings(max_examples=examples(600), deadline=None)
@given(cell=st.lists(st.sampled_from(["a", "Z", "9", "/", ".", "..", "_", "-", "~", ":", "@", "é", " ", "\t", "\n", "\u00a0",
                                       "\x1c", "\u2028", "\u3000", "(", "md", "docs/"]), max_size=16).map("".join))
@example(cell="see docs/a.md,\u00a0../b/c.txt and /etc/x.conf")
@example(cell="a\x1cdocs/x.md\u2028sources/y.txt")
@example(cell="docs/a-b.md, x-docs/c.md and docs/d.e/f.md")
def test_cited_paths_are_what_path_finds_in_the_whole_cell(cell):
    """The check looks for paths word by word (those with a slash): the same paths, in the same order, as in the whole cell."""
    assert cited_paths(cell) == PATH.findall(cell)
