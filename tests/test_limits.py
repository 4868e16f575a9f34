"""Unit tests of the hostile-input building blocks: limits, safe text, bounded YAML and JSON, linear sweeps, atomic writes."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from validate import limits, run
from validate.atomic import write_all
from validate.checks import CHECKS
from validate.checks.coverage import _uncovered
from validate.jsonpos import value_lines
from validate.limits import LimitExceeded, Limits
from validate.package import JSONProblem, parse_json
from validate.safetext import (
    annotation_data,
    annotation_property,
    markdown_cell,
    text_report,
    visible,
)
from validate.sentences import Sentence, split_sentences
from validate.yamlsafe import measure, safe_load

from .conftest import REPO
from .hostile import is_printable_report


def test_docs_limits_is_generated_from_the_limits_module():
    assert (REPO / "docs" / "limits.md").read_text(encoding="utf-8") == limits.markdown(), (
        "run: python -m validate.limits > docs/limits.md"
    )


def test_readme_points_at_the_limits():
    assert "[docs/limits.md](docs/limits.md)" in (REPO / "README.md").read_text(encoding="utf-8")


def test_limit_option_parsing():
    assert Limits.parse(["file-bytes=5"])["file-bytes"] == 5
    with pytest.raises(ValueError, match="unknown limit 'nope'"):
        Limits.parse(["nope=5"])
    with pytest.raises(ValueError, match="give a whole number"):
        Limits.parse(["file-bytes=-1"])


def test_limit_message_names_the_limit_and_the_option():
    with pytest.raises(LimitExceeded) as error:
        Limits().check("resources", 10_001, "the number of resources")
    assert str(error.value) == (
        "the number of resources is 10,001, over the limit `resources` (10,000). "
        "If this is intended, raise it with `--limit resources=N`."
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 65 + "]" * 65, "nesting depth is 65, over the limit `json-depth` (64)"),
        (
            "[" * 100_000 + "]" * 100_000,
            "nesting depth is more than 64, over the limit `json-depth`",
        ),
        ("1" * 41, "a number of 41 characters is 41, over the limit `number-chars` (40)"),
        ("[Infinity]", "not valid JSON: Infinity is not a JSON value"),
        (
            '{"a": 1,}',
            "not valid JSON: Expecting property name enclosed in double quotes at line 1, column 9",
        ),
    ],
)
def test_parse_json_refuses_what_would_crash_later(text, message):
    with pytest.raises(JSONProblem, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_json(text, Limits())


def test_json_line_mapper_handles_escapes_and_long_strings():
    text = '{"a\\"b": [1, "x\\\\", {"c": null}],\n "d": "' + "\\n" * 100_000 + '"}'
    assert value_lines(text) == {
        "$": 1,
        '$.a"b': 1,
        '$.a"b[0]': 1,
        '$.a"b[1]': 1,
        '$.a"b[2]': 1,
        '$.a"b[2].c': 1,
        "$.d": 2,
    }


def test_visible_escapes_controls_bidi_and_surrogates():
    assert visible("ok é 中") == "ok é 中"
    assert (
        visible("a\x1b[2J\x07\u202e\u2066\ud800\x85\u2028b")
        == "a\\x1b[2J\\x07\\u202e\\u2066\\ud800\\x85\\u2028b"
    )
    assert is_printable_report(visible("\x00\x1f\x7f\u061c"))


def test_no_line_can_become_a_workflow_command():
    assert text_report("ok\n::error::x\n  ##[group]y\n") == "ok\n\\x3a:error::x\n  \\x23#[group]y\n"


def test_github_escapes():
    assert annotation_data("50%\r\n\x1b") == "50%25%0D%0A\\x1b"
    assert annotation_property("a:b,c") == "a%3Ab%2Cc"
    assert (
        markdown_cell("a|b\rc <img> [x](y) `z`") == "a\\|b\\\\x0dc &lt;img&gt; \\[x\\](y) \\`z\\`"
    )


BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9)
)


def test_yaml_alias_expansion_is_counted_not_built():
    with pytest.raises(LimitExceeded, match="over the limit `yaml-nodes` \\(100,000\\)"):
        measure(BILLION_LAUGHS, Limits())
    with pytest.raises(LimitExceeded, match="yaml-depth"):
        safe_load("a: " + "[" * 100 + "]" * 100, Limits())
    assert safe_load("a: &x [1]\nb: *x\n", Limits()) == {"a": [1], "b": [1]}
    assert (
        measure("a: &x [1, 2]\nb: *x\n", Limits()) == 1 + 1 + 3 + 1 + 3
    )  # mapping, 2 keys, 2 lists of 3 nodes


@settings(max_examples=60, deadline=None, database=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=12))
def test_coverage_sweep_agrees_with_the_definition(spans):
    text = "A b. C d. E f.\nG h. I j."
    sentences = split_sentences(text)
    naive = [
        s for s in sentences if not any(start < s.end and s.start < end for start, end in spans)
    ]
    assert list(_uncovered(sentences, spans)) == naive


def test_sentences_on_a_long_line_are_linear():
    sentences = split_sentences("Mr. A went. " * 50_000)
    assert len(sentences) == 50_000 and sentences[-1] == Sentence(
        599_988, 599_999, 1, "Mr. A went."
    )


def test_write_all_is_all_or_nothing(tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "sub" / "b.txt"
    first.write_bytes(b"old")
    with pytest.raises(
        FileNotFoundError
    ):  # the second target's folder does not exist: nothing may change
        write_all({first: b"new", second: b"new"})
    assert first.read_bytes() == b"old"
    assert sorted(os.listdir(tmp_path)) == ["a.txt"]
    assert write_all({first: b"new"}) == [first] and write_all({first: b"new"}) == []


def test_an_unexpected_exception_is_reported_as_a_bug_with_exit_2(
    minimal_package, monkeypatch, capsys
):
    from validate.cli import main
    from validate.cli import validate as validate_command

    def broken(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded \x1b[2J")

    monkeypatch.setattr(validate_command, "run", broken)
    assert main([str(minimal_package), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"error: a bug in the validator: `validate` failed on {minimal_package} --format json with "
        "RecursionError: maximum recursion depth exceeded \\x1b[2J. The input was not judged; please report this message.\n"
    )


def test_a_crashing_check_is_named_and_exits_2(minimal_package, monkeypatch, capsys):
    from validate.checks import coverage
    from validate.cli import main

    def broken(package):
        raise MemoryError()
        yield  # a generator, like every check

    monkeypatch.setattr(coverage, "check", broken)
    assert main([str(minimal_package), "--format", "text"]) == 2
    out = capsys.readouterr().out
    assert (
        "datapackage.json: error: The check could not finish: MemoryError: . This is a bug in the validator"
        in out
    )
    assert out.endswith("Could not finish: the check(s) coverage failed to run.\n")


def test_a_document_nested_past_pythons_recursion_limit_is_a_limit_not_a_crash(minimal_package):
    """`--limit json-depth` raised past about 900 lets the loader keep a descriptor that Python's json and jsonschema
    cannot walk: the profile check says so as a limit (exit 2, not judged), not as a bug in a check."""
    from validate.checks._jsonschema import profile_problems

    deep: list = []
    for _ in range(5_000):
        deep = [deep]
    assert [
        (code, path)
        for code, path, _ in profile_problems({"deep": deep}, "datapackage.profile.json")
    ] == [("limit-exceeded", "$")]
    with run(minimal_package) as result:
        result.package.descriptor["deep"] = deep
        errors = list(CHECKS["descriptor-profile"].check(result.package))
    assert [(e.code, e.field) for e in errors] == [
        ("limit-exceeded", "$")
    ]  # the runner stamps the check's ID
