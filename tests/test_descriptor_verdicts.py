"""frictionless's verdict on a descriptor is remembered by what it reads (validate/checks/_frictionless.py), and only by that."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

import pytest

from validate import run
from validate.checks import _frictionless
from validate.cli import main

from .conftest import build_package


def _frictionless_errors(descriptor) -> list[tuple[str, str, str]]:
    with run(descriptor) as result:
        return [
            (e.code, e.field, e.message)
            for e in result.errors
            if e.check == "descriptor-frictionless"
        ]


def _edit_descriptor(descriptor, change) -> None:
    value = json.loads(descriptor.read_text(encoding="utf-8"))
    change(value)
    descriptor.write_text(json.dumps(value, indent=2), encoding="utf-8")


def test_a_known_descriptor_is_not_read_again_even_with_other_sizes_and_digests(
    tmp_path, monkeypatch
):
    descriptor = build_package(tmp_path / "package")
    assert _frictionless_errors(descriptor) == []

    def new_digits(value):
        resource = value["resources"][0]
        resource["bytes"] += 7
        algorithm, digits = resource["hash"].split(":")
        resource["hash"] = f"{algorithm}:{digits[::-1]}"

    _edit_descriptor(descriptor, new_digits)
    monkeypatch.setattr(
        _frictionless,
        "_read_descriptor",
        lambda package: pytest.fail("frictionless read a descriptor it has judged"),
    )
    assert _frictionless_errors(descriptor) == []


def test_an_uppercase_hash_prefix_is_judged_after_a_valid_package(tmp_path):
    descriptor = build_package(tmp_path / "package")
    assert _frictionless_errors(descriptor) == []
    _edit_descriptor(
        descriptor,
        lambda value: value["resources"][1].update(
            hash=value["resources"][1]["hash"].replace("sha256:", "SHA256:")
        ),
    )
    assert [(code, field) for code, field, _ in _frictionless_errors(descriptor)] == [
        ("warning", "$.resources[1].hash")
    ]


def test_a_changed_schema_file_is_read_again(tmp_path, monkeypatch):
    descriptor = build_package(tmp_path / "package")
    assert _frictionless_errors(descriptor) == []
    read = []
    reader = _frictionless._read_descriptor
    monkeypatch.setattr(
        _frictionless,
        "_read_descriptor",
        lambda package: read.append(package.root) or reader(package),
    )
    assert _frictionless_errors(descriptor) == [] and read == []  # the same texts: remembered
    schema = tmp_path / "package" / "schemas" / "claims.schema.json"
    value = json.loads(schema.read_text(encoding="utf-8"))
    value["fields"][0]["description"] += (
        " Changed to test that a new schema text is read."  # the descriptor's text is the same: only the schema file differs
    )
    schema.write_text(json.dumps(value, indent=2), encoding="utf-8")
    assert _frictionless_errors(descriptor) == [] and read == [(tmp_path / "package").resolve()]


def test_a_dialect_file_is_never_remembered(tmp_path):
    descriptor = build_package(tmp_path / "package")
    (tmp_path / "package" / "dialect.json").write_text('{"delimiter": ","}', encoding="utf-8")
    _edit_descriptor(descriptor, lambda value: value["resources"][0].update(dialect="dialect.json"))
    with run(descriptor) as result:
        assert _frictionless._inputs_of(result.package) is None


def test_a_forked_run_remembers_what_its_child_said(tmp_path):
    """The command line has frictionless read the descriptor in a forked child; the parent remembers the answer."""
    descriptor = build_package(tmp_path / "package")
    _edit_descriptor(
        descriptor,
        lambda value: value.update(
            description=value.get("description", "") + " Remembered from the child."
        ),
    )
    with redirect_stdout(io.StringIO()):
        assert main([str(descriptor), "--format", "json"]) == 0
    with run(descriptor) as result:
        assert _frictionless._inputs_of(result.package) in _frictionless._VERDICTS


def test_a_schema_file_of_a_resource_that_is_not_a_table_is_never_remembered(tmp_path):
    descriptor = build_package(tmp_path / "package")
    (tmp_path / "package" / "other.schema.json").write_text('{"fields": []}', encoding="utf-8")
    _edit_descriptor(
        descriptor,
        lambda value: next(r for r in value["resources"] if not r["path"].endswith(".csv")).update(
            schema="other.schema.json"
        ),
    )
    with run(descriptor) as result:
        assert _frictionless._inputs_of(result.package) is None


def test_a_descriptor_too_deep_to_write_is_not_remembered_and_raises_nothing(tmp_path):
    """`--limit json-depth` can let the loader keep a descriptor nested deeper than Python's json module writes; the key
    is computed before the fork, outside any check, so it must not raise there (the review found a traceback)."""
    with run(build_package(tmp_path / "package")) as result:
        deep: list = []
        for _ in range(5_000):
            deep = [deep]
        result.package.descriptor["deep"] = deep
        assert _frictionless._inputs_of(result.package) is None
