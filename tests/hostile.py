"""Run the validator on hostile input in a child process, under a time and memory limit.

A regression must fail its test, not hang CI or take the machine's memory: every hostile
case runs `python -m validate` in a subprocess with a timeout and an address-space limit.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from validate.safetext import is_printable_report

REPO = Path(__file__).resolve().parent.parent
TIMEOUT = 60  # seconds, the acceptance bound of issue 10
MEMORY = 1_500 * 2**20  # bytes of address space: 1 GB of data plus the interpreter and libraries


@dataclass
class Run:
    """What one validator run printed and returned."""

    code: int
    out: str
    err: str

    @property
    def report(self) -> dict:
        """The JSON report (the run must have used --format json)."""
        return json.loads(self.out)

    def errors(self) -> list[tuple]:
        """(check, code, file, line) of every error of the JSON report."""
        return [(e["check"], e["code"], e["file"], e["line"]) for e in self.report["errors"]]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run_validator(*args: str, timeout: int = TIMEOUT, cwd: Path | None = None) -> Run:
    """Run `python -m validate ARGS` in a child process; fail on a traceback or a stray exit code."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "GITHUB_ACTIONS": "", "PYTHONUTF8": "1"}
    env.pop("GITHUB_STEP_SUMMARY", None)
    done = subprocess.run([sys.executable, "-m", "validate", *args], capture_output=True, timeout=timeout, cwd=cwd or REPO,
                          env=env, preexec_fn=_limit_memory, check=False)
    run = Run(done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8"))
    assert run.code in (0, 1, 2), run
    assert "Traceback" not in run.out + run.err, run.err
    if "--format" in args and args[args.index("--format") + 1] == "json" and run.out:
        run.report  # noqa: B018 - strictly valid JSON, or this raises
    else:
        assert is_printable_report(run.out), run.out[:2000]
    assert is_printable_report(run.err.replace("\n", "")), run.err[:2000]
    return run
