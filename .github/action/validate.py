"""The Action's validation step (action.yml): run the validator, then set the step's outputs from its JSON report.

Run by the Python of the validator's own environment, from the workspace:
`python validate.py PATH [more validator options]`. It writes annotations and the job summary
(`--format github`, file paths relative to the workspace), the JSON report to a new file under
$RUNNER_TEMP, and `valid`, `errors` and `report` to $GITHUB_OUTPUT; it exits as the validator did
(0 valid, 1 invalid, 2 could not run).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def main(argv: list[str]) -> int:
    """Validate the package named first in `argv`; return the validator's exit code."""
    path, options = (argv[0], argv[1:]) if argv else ("datapackage.json", [])
    # a folder of its own per run, so that two packages validated in one job keep two reports
    report = (
        Path(tempfile.mkdtemp(prefix="validate-dataset-", dir=os.environ.get("RUNNER_TEMP")))
        / "report.json"
    )
    validator = Path(sys.executable).parent / "validate-dataset"
    command = [str(validator), path, "--format", "github", "--json-report", str(report), *options]
    status = subprocess.run(command, check=False).returncode
    try:
        envelope = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # the validator could not run: it said why on standard error
        envelope = None
    outputs = {
        "valid": "true" if envelope is not None and envelope["valid"] is True else "false",
        "errors": str(envelope["summary"]["errors"]) if envelope is not None else "",
        "report": str(report) if envelope is not None else "",
    }
    _append("GITHUB_OUTPUT", "".join(f"{name}={value}\n" for name, value in outputs.items()))
    if envelope is None:
        _append(
            "GITHUB_STEP_SUMMARY",
            f"### Package validation of `{_code(path)}`: could not run (exit {status})\n\n",
        )
    return status


def _code(text: str) -> str:
    """`text` fit for a Markdown code span on one line."""
    return " ".join(text.split()).replace("`", "'")


def _append(variable: str, text: str) -> None:
    target = os.environ.get(variable)
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(text)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
