"""The three slow descriptors of issue 22, checked in linear time: 20,000 mixed keywords, an enum of 5,000 objects and
30 MB of keywords. jsonschema's `uniqueItems` compared unhashable items pair by pair (minutes) and put the whole list in
its message (a 30 MB report); the profile checks now take seconds, and the run still exits 1."""

from __future__ import annotations

import json
import time

import pytest

from validate.checks._jsonschema import profile_problems

from .hostile import TIMEOUT, run_in_new_interpreter

BOUND = 5.0  # seconds for the profile check of one descriptor (it took 38 s to minutes before)


def mixed_keywords() -> list:
    return [
        (f"k{i}", i, [i], {"k": i})[i % 4] for i in range(20_000)
    ]  # unique, and not sortable together


def big_keywords() -> list:
    keywords = ["k" * 1000 + str(i) for i in range(30_000)]
    return [*keywords, keywords[0]]  # one repeat, at the very end


def timed(instance: object, profile: str) -> tuple[tuple, float]:
    start = time.perf_counter()
    found = profile_problems(instance, profile)
    return found, time.perf_counter() - start


def test_twenty_thousand_mixed_keywords():
    found, seconds = timed({"keywords": mixed_keywords()}, "datapackage.profile.json")
    assert seconds < BOUND
    assert not [
        f for f in found if f[0] == "uniqueItems"
    ]  # unique: 1 and "1", [1] and {"k": 1} differ
    assert len([f for f in found if f[0] == "type" and f[1].startswith("$.keywords[")]) == 15_000


def test_an_enum_of_five_thousand_objects():
    field = {
        "name": "x",
        "type": "string",
        "description": "A field.",
        "constraints": {"enum": [{"v": i} for i in range(5_000)] + [{"v": 0}]},
    }
    found, seconds = timed({"fields": [field]}, "tableschema.profile.json")
    assert seconds < BOUND
    unique = [f for f in found if f[0] == "uniqueItems"]
    assert [f[1] for f in unique] == ["$.fields[0].constraints.enum"]
    assert "item 5000 repeats item 0" in unique[0][2]
    assert len(unique[0][2]) < 300  # the repeated item, not the list


def test_thirty_megabytes_of_keywords():
    found, seconds = timed({"keywords": big_keywords()}, "datapackage.profile.json")
    assert seconds < BOUND
    unique = [f for f in found if f[0] == "uniqueItems"]
    assert len(unique) == 1 and "item 30000 repeats item 0" in unique[0][2]
    assert len(unique[0][2]) < 300


def test_json_equality_decides_what_repeats():
    """1 and 1.0 are one value, true and 1 are two, an object's key order does not count."""
    profile = "datapackage.profile.json"
    for keywords, repeated in [
        ([1, 1.0], True),
        ([True, 1], False),
        ([{"a": 1, "b": [2]}, {"b": [2], "a": 1}], True),
        ([[1, 2], [2, 1]], False),
        ([None, "null"], False),
    ]:
        found = profile_problems({"keywords": keywords}, profile)
        assert any(f[0] == "uniqueItems" for f in found) is repeated, keywords


@pytest.mark.slow
@pytest.mark.parametrize("case", ["mixed", "enum", "big"])
def test_the_whole_run_still_exits_1(minimal_package, case):
    """A fresh interpreter under the hostile limits (the warm zygote already holds most of the address space cap)."""
    data = json.loads(minimal_package.read_text(encoding="utf-8"))
    if case == "enum":
        path = minimal_package.parent / "schemas" / "documents.schema.json"
        schema = json.loads(path.read_text(encoding="utf-8"))
        schema["fields"][0].setdefault("constraints", {})["enum"] = [{"v": i} for i in range(5_000)]
        path.write_text(json.dumps(schema), encoding="utf-8")
    else:
        data["keywords"] = mixed_keywords() if case == "mixed" else big_keywords()
    minimal_package.write_text(json.dumps(data), encoding="utf-8")
    done = run_in_new_interpreter(
        (str(minimal_package), "--format", "json"), TIMEOUT, minimal_package.parent
    )
    assert done.returncode == 1, done.stderr[-2000:]
    assert len(done.stdout) < 1_000_000  # the report names the repeated item, not the 30 MB list
    errors = json.loads(done.stdout)["errors"]
    if case != "enum":  # frictionless alone refuses an enum of objects for a string field
        assert "descriptor-profile" in {e["check"] for e in errors}
