"""Property tests: whatever a mutation of the valid package holds, the validator answers 0, 1 or 2,
never raises, prints strictly valid JSON (`--format json`) and no control character (`--format text`).

Hypothesis mutates a copy of the minimal valid package: the bytes of its CSV files, any
JSON value of its descriptor or of a schema, and span offsets. Each example runs in-process
and is restored.

How many: each example is one whole validator run (every check, DuckDB and frictionless:
about 0.3 s), and `derandomize` replays the same examples on every run, so more of them in
the edit-test loop would find nothing new run after run. A bare pytest run of this file runs a
quarter of the full count (about 50 examples, a few seconds a worker); `make test-all`, which
CI runs (.ci/run), and `make properties` set PROPERTY_EXAMPLES=full for the full 190. The
module is `slow` (tests/conftest.py), so the quick `make test` leaves it out.
"""

from __future__ import annotations

import io
import json
import signal
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validate.cli import main
from validate.csvio import parse_csv, render_csv

from .conftest import build_package, examples
from .hostile import is_printable_report

SETTINGS = settings(
    max_examples=examples(70),
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY_STRINGS = st.sampled_from(
    [
        "",
        "../outside.csv",
        "/etc/passwd",
        "http://127.0.0.1:9/x",
        "data/\x00.csv",
        "\ud800",
        "\x1b[2J",
        "\u202e",
        "::error::x",
        "a\r\nb",
        "9" * 5000,
        "data/claims.csv",
        "schemas/claims.schema.json",
        "$ref",
        "NaN",
    ]
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | NASTY_STRINGS
    | st.just(int("9" * 60)),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8) | NASTY_STRINGS, children, max_size=4)
    ),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    return build_package(tmp_path_factory.mktemp("properties") / "package")


def _hung(signum, frame):
    raise TimeoutError("the validator ran for more than 60 s on one example")


def validate_and_check(descriptor: Path, output: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    previous = signal.signal(signal.SIGALRM, _hung)
    signal.alarm(60)  # a hang fails the example instead of stalling CI
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main([str(descriptor), "--format", output])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert code in (0, 1, 2)
    text = out.getvalue()
    if output == "json" and text:
        json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in JSON output"))
    else:
        assert is_printable_report(text), text[:2000]
    assert is_printable_report(err.getvalue().replace("\n", "")), err.getvalue()[:2000]


def restoring(path: Path):
    original = path.read_bytes()

    class Restore:
        def __enter__(self):
            return original

        def __exit__(self, *_):
            path.write_bytes(original)

    return Restore()


def json_paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from json_paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from json_paths(child, (*path, index))


def replaced(document, path, new):
    if not path:
        return new
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = new
    return document


@SETTINGS
@given(data=st.data(), output=st.sampled_from(["json", "text"]))
def test_mutated_csv_bytes(package, data, output):
    tables = sorted((package.parent / "data").glob("*.csv"))
    target = data.draw(st.sampled_from(tables), label="table")
    with restoring(target) as original:
        position = data.draw(st.integers(0, len(original)), label="position")
        removed = data.draw(st.integers(0, 40), label="removed")
        inserted = data.draw(
            st.binary(max_size=12)
            | st.sampled_from([b'"', b"\r", b"\x00", b",,,,", b"\n\n", b"\xef\xbb\xbf", b"=1+1"]),
            label="inserted",
        )
        target.write_bytes(original[:position] + inserted + original[position + removed :])
        validate_and_check(package, output)


@SETTINGS
@given(data=st.data(), output=st.sampled_from(["json", "text"]))
def test_mutated_descriptor_and_schema_values(package, data, output):
    files = [
        package,
        package.parent / "schemas" / "claims.schema.json",
        package.parent / "schemas" / "spans.schema.json",
    ]
    target = data.draw(st.sampled_from(files), label="file")
    with restoring(target) as original:
        document = json.loads(original)
        path = data.draw(st.sampled_from(list(json_paths(document))), label="path")
        new = data.draw(JSON_VALUES, label="value")
        target.write_text(
            json.dumps(replaced(document, path, new)), encoding="utf-8", errors="surrogatepass"
        )
        validate_and_check(package, output)


OFFSETS = st.integers(-10, 10_000).map(str) | st.sampled_from(
    ["", "٣", "1e3", " 5", "+5", "9" * 5000, "0x10", "\t5"]
)


@settings(SETTINGS, max_examples=examples(50))
@given(data=st.data(), output=st.sampled_from(["json", "text"]))
def test_mutated_span_offsets(package, data, output):
    spans = package.parent / "data" / "spans.csv"
    with restoring(spans) as original:
        table = parse_csv(original.decode("utf-8"))
        rows = [dict(r.cells) for r in table.records]
        for _ in range(data.draw(st.integers(1, 4), label="changes")):
            row = data.draw(st.sampled_from(rows), label="row")
            row[data.draw(st.sampled_from(["start", "end"]), label="column")] = data.draw(
                OFFSETS, label="offset"
            )
        spans.write_text(render_csv(table.header, rows), encoding="utf-8")
        validate_and_check(package, output)
