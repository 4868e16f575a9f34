"""docs/cli.md is every command's `--help` as the parsers print it now (validate/cli/reference.py, cog)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from validate.cli import SUBCOMMANDS, main, reference

from .conftest import REPO

PAGE = REPO / "docs" / "cli.md"
START, END = "]]] -->\n", "<!-- [[[end]]] -->"


def generated_block(text: str) -> str:
    return text.split(START, 1)[1].split(END, 1)[0]


def test_docs_cli_is_what_generation_gives_now():
    assert generated_block(PAGE.read_text(encoding="utf-8")) == reference.markdown(), (
        "run: .venv/bin/cog -r docs/cli.md"
    )


def test_docs_cli_has_every_command_once_with_its_own_usage():
    headings = re.findall(
        r"^## `python -m validate ?([a-z-]*)`$", PAGE.read_text(encoding="utf-8"), re.MULTILINE
    )
    assert headings == ["", *SUBCOMMANDS]
    for name in SUBCOMMANDS:
        assert f"```text\nusage: python -m validate {name} [-h]" in reference.markdown(), name


def test_the_page_does_not_depend_on_the_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    narrow = reference.markdown()
    assert (
        narrow == generated_block(PAGE.read_text(encoding="utf-8"))
        and os.environ["COLUMNS"] == "40"
    )


def test_the_help_it_quotes_is_what_help_prints(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", str(reference.WIDTH))
    assert main(["diff", "--help"]) == 0
    assert f"```text\n{capsys.readouterr().out.rstrip()}\n```" in reference.markdown()


def test_cog_check_fails_on_a_stale_page(tmp_path):
    stale = tmp_path / "cli.md"
    stale.write_text(
        PAGE.read_text(encoding="utf-8").replace(
            "usage: python -m validate fill", "usage: python -m validate fil"
        ),
        encoding="utf-8",
    )
    cog = Path(sys.executable).parent / "cog"
    assert (
        subprocess.run([str(cog), "--check", str(PAGE)], cwd=REPO, capture_output=True).returncode
        == 0
    )
    assert (
        subprocess.run([str(cog), "--check", str(stale)], cwd=REPO, capture_output=True).returncode
        != 0
    )
