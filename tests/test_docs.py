"""README.md stays true: commands, checks, data dictionary and examples."""

from __future__ import annotations

import re
import subprocess
import sys

from validate import datadict
from validate.checks import CHECKS

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
VALIDATION = (REPO / "docs" / "validation.md").read_text(encoding="utf-8")
DICTIONARY = (REPO / "docs" / "data-dictionary.md").read_text(encoding="utf-8")


def test_every_check_is_documented_in_docs_validation():
    documented = re.findall(r"^\| `([a-z-]+)` \|", VALIDATION.split("## The checks")[1].split("**Sentences**")[0], re.MULTILINE)
    assert documented == list(CHECKS)


def test_every_check_module_has_a_docstring_with_pass_and_fail_examples():
    for check_id, module in CHECKS.items():
        assert module.__doc__.startswith(f"{check_id}: "), check_id
        assert "PASS:" in module.__doc__ and "FAIL:" in module.__doc__, check_id


def test_data_dictionary_matches_the_schemas():
    block = DICTIONARY.split(datadict.START)[1].split(datadict.END)[0]
    assert block == "\n" + datadict.render(REPO / "datapackage.json"), "run: python -m validate dictionary --update docs/data-dictionary.md"


def test_the_commands_exist_and_ci_runs_every_test():
    for command in ("validate", "test", "test-all"):
        assert re.search(rf"^make {command} ", README, re.MULTILINE), command
        assert re.search(rf"^{command}:", (REPO / "Makefile").read_text(encoding="utf-8"), re.MULTILINE), command
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test-all$", ci, re.MULTILINE) and not re.search(r"^make test$", ci, re.MULTILINE)


def test_anchor_example_in_contributing_is_true():
    contributing = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    example = re.search(r"validate anchor (\S+) --text \"([^\"]+)\"\n *# (.+)\n", contributing)
    out = subprocess.run([sys.executable, "-m", "validate", "anchor", example.group(1), "--text", example.group(2)],
                         cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.strip() == example.group(3)


def test_every_option_of_the_main_command_is_in_docs_validation():
    from validate.cli import build_parser

    guide = (REPO / "docs" / "validation.md").read_text(encoding="utf-8")
    for action in build_parser()._actions:
        for option in action.option_strings:
            if option.startswith("--") and option not in ("--help", "--version"):
                assert option in guide, option
