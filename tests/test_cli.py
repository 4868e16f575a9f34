"""The command line follows the ecosystem's conventions (check-jsonschema, frictionless, ruff)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from validate.checks import CHECKS
from validate.cli import SUBCOMMANDS, main

from .conftest import REPO


def test_help_lists_every_command_in_the_usage(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    usage = out.split("\n\n")[0] + out.split("\n\n")[1]
    for name in SUBCOMMANDS:
        assert f"\n  {name} " in usage, name
    assert "epilog" not in out and "python -m validate COMMAND [-h] ..." in out


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_every_command_has_its_own_help(name, capsys):
    assert main([name, "--help"]) == 0
    assert capsys.readouterr().out.startswith(f"usage: python -m validate {name}")


def test_the_usage_names_the_program_as_it_was_called(minimal_package):
    script = Path(sys.executable).parent / "validate-dataset"  # installed by `pip install -e .`
    by_script = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    by_module = subprocess.run(
        [sys.executable, "-m", "validate", "fill", "--help"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert (
        by_script.stdout.startswith("usage: validate-dataset [-h]")
        and "validate-dataset COMMAND [-h] ..." in by_script.stdout
    )
    assert by_module.stdout.startswith("usage: python -m validate fill [-h]")
    bogus = subprocess.run([str(script), "fill", "--bogus"], capture_output=True, text=True)
    assert (bogus.returncode, bogus.stderr) == (
        2,
        "error: validate-dataset fill: unrecognized arguments: --bogus; "
        "`validate-dataset fill --help` shows the usage\n",
    )


def test_every_command_that_reads_a_package_takes_the_same_path_argument():
    from validate.cli import build_parser, command_parser

    parsers = {"validate": build_parser(), **{name: command_parser(name) for name in SUBCOMMANDS}}
    paths = {
        name: action
        for name, parser in parsers.items()
        for action in parser._actions
        if action.dest == "path"
    }
    assert set(parsers) - set(paths) == {
        "anchor",
        "sentences",
        "diff",
    }  # a snapshot, a snapshot, two sides
    assert {(action.default, action.help, action.metavar) for action in paths.values()} == {
        ("datapackage.json", "datapackage.json or its folder (default: ./datapackage.json)", "PATH")
    }


def test_a_helper_that_cannot_run_says_why_once_on_stderr_and_exits_2(tmp_path, capsys):
    assert main(["normalize", str(tmp_path / "nowhere")]) == 2
    captured = capsys.readouterr()
    assert (
        captured.out == ""
        and captured.err.count("error: ") == 1
        and "does not exist" in captured.err
    )


def test_select_takes_one_value_so_the_path_can_follow(minimal_package, capsys):
    assert main(["--select", "anchors", str(minimal_package), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["checks"] == ["anchors"]


def test_select_and_ignore_take_comma_lists(minimal_package, capsys):
    assert (
        main(
            [
                str(minimal_package),
                "--select",
                "anchors,usage",
                "--select",
                "release",
                "--ignore",
                "usage",
                "--format",
                "json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["checks"] == ["anchors", "release"]


def test_list_checks_as_json(capsys):
    assert main(["--list-checks", "--format", "json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert [item["id"] for item in listing] == list(CHECKS)
    assert all(item["summary"] == CHECKS[item["id"]].SUMMARY for item in listing)


@pytest.mark.parametrize(
    ("argv", "kind", "message"),
    [
        (["--format", "json", "--bogus"], "usage", "unrecognized arguments: --bogus"),
        (
            ["--format=json", "--select", "no-such-check"],
            "usage",
            "unknown check id 'no-such-check'",
        ),
        (["--format", "json", "nowhere/datapackage.json"], "cannot-run", "does not exist"),
    ],
)
def test_json_even_when_the_validator_cannot_run(argv, kind, message, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert (
        report["valid"] is None
        and report["error"]["kind"] == kind
        and message in report["error"]["message"]
    )
    assert message in captured.err


def test_a_closed_pipe_ends_quietly():
    # the reader closes its end at once, as `python -m validate --list-checks | head -0` does
    process = subprocess.Popen(
        [sys.executable, "-m", "validate", "--list-checks"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()
    with process.stderr:
        stderr = process.stderr.read().decode()
    assert process.wait() == 0
    assert stderr == ""


def test_the_tests_do_not_write_to_a_job_summary():
    assert "GITHUB_STEP_SUMMARY" not in os.environ and "GITHUB_ACTIONS" not in os.environ


def test_sentences_as_json(capsys):
    assert (
        main(
            [
                "sentences",
                str(REPO / "sources" / "article-2025-02-04-bukele-cecot.txt"),
                "--format",
                "json",
            ]
        )
        == 0
    )
    listing = json.loads(capsys.readouterr().out)
    assert listing[0]["number"] == 1 and set(listing[0]) == {
        "number",
        "line",
        "start_char",
        "end_char",
        "text",
    }
    text = (REPO / "sources" / "article-2025-02-04-bukele-cecot.txt").read_text(encoding="utf-8")
    assert all(text[s["start_char"] : s["end_char"]] == s["text"] for s in listing)


def test_a_python_without_the_dependencies_is_told_so_not_called_a_bug(
    minimal_package, monkeypatch
):
    """`python3 -m validate` run by a Python without duckdb: exit 2, naming the module and `make validate`."""
    from validate import runner
    from validate.checks import CHECKS
    from validate.errors import CannotRun

    def without_duckdb(package):
        raise ModuleNotFoundError("No module named 'duckdb'", name="duckdb")
        yield

    monkeypatch.setattr(CHECKS["table-frictionless"], "check", without_duckdb)
    with pytest.raises(
        CannotRun, match=r"duckdb is not installed in this Python .* `make validate`"
    ):
        runner.run(minimal_package)


def test_a_missing_module_of_the_validator_itself_is_a_crash_not_an_install_problem(
    minimal_package, monkeypatch
):
    from validate import runner
    from validate.checks import CHECKS

    def mistyped_import(package):
        raise ModuleNotFoundError("No module named 'validate.nowhere'", name="validate.nowhere")
        yield

    monkeypatch.setattr(CHECKS["coverage"], "check", mistyped_import)
    result = runner.run(minimal_package)
    assert result.crashed == ["coverage"] and any(e.code == "check-crashed" for e in result.errors)
