"""The catalogue of checks and error codes: what each check declares, gathered for the runner, the docs and the tests.

Each check module declares its `ID`, a one-line `SUMMARY` and `CODES`, every error code it can
report with its meaning and the usual fix (`errors.Code`). The runner stamps the check's ID on each
error and gives an error without a hint of its own the code's hint; docs/validation.md's
tables are generated from here (`markdown`, run by cog, checked by `make lint`), as
check-jsonschema's catalogue drives its CLI and docs and frictionless-py's checks declare the
errors they raise.
"""

from __future__ import annotations

import inspect

from .checks import CHECKS
from .errors import RUNNER_CODES, Code


def codes(check_id: str) -> dict[str, Code]:
    """Every code check `check_id` may report: its own catalogue, then the runner's."""
    return {**CHECKS[check_id].CODES, **RUNNER_CODES}


def markdown() -> str:
    """docs/validation.md's section on the checks: a table of the checks in the order they run, then for each its rule,
    examples and codes (from its docstring and `CODES`), then the codes the runner adds."""
    lines = ["| check | what it guards | codes |", "| --- | --- | --- |"]
    lines += [
        f"| [`{check_id}`](#{check_id}) | {_cell(module.SUMMARY)} | {len(module.CODES)} |"
        for check_id, module in CHECKS.items()
    ]
    for check_id, module in CHECKS.items():
        rule, examples = _rule_and_examples(module.__doc__ or "")
        lines += ["", f"### {check_id}", "", rule]
        if examples:
            lines += ["", "```text", *examples, "```"]
        lines += ["", *_code_table(module.CODES)]
    lines += [
        "",
        "### Codes of every check",
        "",
        "The runner may add these to any check's errors:",
        "",
        *_code_table(RUNNER_CODES),
    ]
    return "\n".join(lines) + "\n"


def _rule_and_examples(docstring: str) -> tuple[str, list[str]]:
    """A check's docstring as Markdown: its rule (the first line without the check's ID, then the prose), and its
    PASS/FAIL example lines."""
    lines = inspect.cleandoc(docstring).splitlines()
    examples = [line for line in lines if line.startswith(("PASS:", "FAIL:"))]
    headline = lines[0].split(": ", 1)[-1] if lines else ""
    prose = [line for line in lines[1:] if line not in examples]
    return "\n".join([headline, *prose]).strip(), examples


def _code_table(codes: dict[str, Code]) -> list[str]:
    return [
        "| code | means | usual fix |",
        "| --- | --- | --- |",
        *[
            f"| `{code}` | {_cell(entry.meaning)} | {_cell(entry.hint)} |"
            for code, entry in codes.items()
        ],
    ]


def _cell(text: str) -> str:
    """Text for one Markdown table cell: no line break, no column bar."""
    return " ".join(text.split()).replace("|", "\\|")
