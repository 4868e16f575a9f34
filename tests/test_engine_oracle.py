"""Differential tests: the DuckDB engine reports what frictionless reports, at the same rows and fields.

frictionless 5.21 is the oracle (`--engine frictionless`). Every fixture package, and
property-based mutations of the real package, must give the same errors (check, code,
file, line, row, field) through both engines. The documented exceptions (docs/engine.md)
are kept out of the generated values and tested on their own in test_engine.py.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validate import run
from validate.fill import fill_descriptor

from .conftest import FIXTURES, INVALID_CASES, REPO, build_package, case_id

pytestmark = pytest.mark.oracle

VALID_CASES = sorted(p.name for p in (FIXTURES / "valid").iterdir() if p.is_dir())


def _places(result) -> Counter:
    return Counter((e.check, e.code, e.file, e.line, e.row, e.field) for e in result.errors)


def _both(descriptor: Path, **options) -> tuple[Counter, Counter]:
    return _places(run(descriptor, engine="duckdb", **options)), _places(
        run(descriptor, engine="frictionless", **options)
    )


@pytest.mark.parametrize("case", INVALID_CASES, ids=[case_id(c) for c in INVALID_CASES])
def test_engine_matches_frictionless_on_invalid_fixture(case, tmp_path):
    engine, oracle = _both(build_package(tmp_path / "package", case))
    assert engine == oracle


@pytest.mark.parametrize("base", VALID_CASES)
def test_engine_matches_frictionless_on_valid_fixture(base, tmp_path):
    engine, oracle = _both(build_package(tmp_path / "package", base=base))
    assert engine == oracle == Counter()


@pytest.fixture(scope="module")
def real_package(tmp_path_factory) -> Path:
    """A copy of the shipped package (data, schemas, sources, descriptor)."""
    root = tmp_path_factory.mktemp("real")
    for name in ("data", "schemas", "sources"):
        shutil.copytree(REPO / name, root / name)
    for name in ("datapackage.json", "CHANGELOG.md", "CITATION.cff", "LICENSE"):
        if (REPO / name).exists():
            shutil.copyfile(REPO / name, root / name)
    return root


# Values that exercise every rule: types (including what Python's int/Decimal/strptime accept
# beyond the canonical form), placeholders, patterns, enums, bounds, and IDs that repeat or dangle.
CELLS = st.sampled_from(
    [
        "",
        " ",
        "NaN",
        "nan",
        "NULL",
        "None",
        "Infinity",
        "-1",
        "0",
        "7",
        " 5",
        "1_000",
        "+3",
        "٣",
        "1e3",
        "2.5",
        "2025-02-04",
        "2025-2-4",
        "2025-13-01",
        "0000-01-01",
        "20250204",
        "2025",
        "25",
        "abc",
        "content",
        "Content",
        "doc-yahoo-2025-02-04",
        "ent-nayib-bukele",
        "ent-nobody",
        "clm-001",
        "clm-999",
        "qot-001",
        "spn-0001",
        "https://example.org/x",
        "not a uri",
        "en",
        "EN",
        "x" * 40,
    ]
)


@st.composite
def mutations(draw):
    """(kind, table file, data row index, column, new value): one edit of the real package.

    kinds: `cell` (a cell changed), `repeat` (a row written twice), `drop` (a row deleted, so
    references to it dangle), `short` (the row loses its last cells), `long` (it gains one),
    `blank` (an empty line after the row)."""
    table = draw(st.sampled_from(sorted(p.name for p in (REPO / "data").glob("*.csv"))))
    with open(REPO / "data" / table, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    kind = draw(
        st.sampled_from(["cell", "cell", "cell", "repeat", "drop", "short", "long", "blank"])
    )
    return (
        kind,
        table,
        draw(st.integers(0, len(rows) - 2)),
        draw(st.sampled_from(rows[0])),
        draw(CELLS),
    )


def _apply(root: Path, kind: str, table: str, row: int, column: str, value: str) -> None:
    path = root / "data" / table
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    row = min(row, len(rows) - 2)
    if row < 0:
        return  # an earlier edit dropped every row
    edited = rows[row + 1]
    if kind == "cell":
        edited[rows[0].index(column)] = value
    elif kind == "repeat":
        rows.insert(row + 1, list(edited))
    elif kind == "drop":
        del rows[row + 1]
    elif kind == "short":
        del edited[rows[0].index(column) :]
    elif kind == "long":
        edited.append(value)
    elif kind == "blank":
        rows.insert(row + 2, [])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@settings(
    max_examples=int(os.environ.get("ORACLE_EXAMPLES", "12")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(changes=st.lists(mutations(), min_size=1, max_size=3))
def test_engine_matches_frictionless_on_mutations_of_the_real_package(
    changes, real_package, tmp_path_factory
):
    root = tmp_path_factory.mktemp("mutated")
    shutil.copytree(real_package, root, dirs_exist_ok=True)
    for change in changes:
        _apply(root, *change)
    fill_descriptor(root / "datapackage.json")
    engine, oracle = _both(
        root / "datapackage.json", select=["descriptor-frictionless", "table-frictionless"]
    )
    assert engine == oracle, changes
