"""The catalogue of checks and error codes: what each check declares, gathered for the runner, the docs and the tests.

Each check module declares its `ID`, a one-line `SUMMARY` and `CODES`, every error code it can
report with its meaning and the usual fix (`errors.Code`). The runner stamps the check's ID on each
error and gives an error without a hint of its own the code's hint; docs/validation.md's
tables are generated from here (`markdown`, run by cog, checked by `make lint`), as
check-jsonschema's catalogue drives its CLI and docs and frictionless-py's checks declare the
errors they raise.
"""

from __future__ import annotations

from .checks import CHECKS
from .errors import RUNNER_CODES, Code


def codes(check_id: str) -> dict[str, Code]:
    """Every code check `check_id` may report: its own catalogue, then the runner's."""
    return {**getattr(CHECKS[check_id], "CODES", {}), **RUNNER_CODES}


def markdown() -> str:
    """docs/validation.md's tables: the checks in the order they run, then each check's codes."""
    lines = ["| check | what it guards | codes |", "| --- | --- | --- |"]
    lines += [f"| [`{check_id}`](#{check_id}) | {_cell(module.SUMMARY)} | {len(module.CODES)} |" for check_id, module in CHECKS.items()]
    for check_id, module in CHECKS.items():
        lines += ["", f"### {check_id}", "", _cell(module.SUMMARY), "", "| code | means | usual fix |", "| --- | --- | --- |"]
        lines += [f"| `{code}` | {_cell(entry.meaning)} | {_cell(entry.hint)} |" for code, entry in module.CODES.items()]
    lines += ["", "Every check may also report the runner's codes:", "", "| code | means | usual fix |", "| --- | --- | --- |"]
    lines += [f"| `{code}` | {_cell(entry.meaning)} | {_cell(entry.hint)} |" for code, entry in RUNNER_CODES.items()]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Text for one Markdown table cell: no line break, no column bar."""
    return " ".join(text.split()).replace("|", "\\|")
