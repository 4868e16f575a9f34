"""`make lint` stays clean: ruff and mypy, run from the venv as `make lint` runs them, exit 0.

Both write no cache into the working tree: ruff runs with --no-cache, mypy with its cache in
the system's temporary folder, one per checkout, kept between runs: mypy's incremental mode
(what `make lint` uses too) rechecks what changed, so a warm run costs about 1 s, not 5.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from .conftest import REPO

BIN = Path(sys.executable).parent
RULES = {"E", "F", "B", "UP", "SIM", "I"}  # issue 11's acceptance: these rule sets, no fewer


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)


def test_the_configuration_hides_nothing():
    tools = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    lint = tools["ruff"]["lint"]
    assert set(lint["select"]) >= RULES
    for loosening in ("ignore", "extend-ignore", "per-file-ignores"):
        assert not lint.get(loosening), loosening
    for loosening in ("disable_error_code", "ignore_errors", "exclude"):
        assert not tools["mypy"].get(loosening), loosening


# What `make lint` gives ruff: the code, the tests, the benchmarks and the Action's step script.
LINTED = ("validate", "tests", "benchmarks", ".github/action")


def test_ruff_finds_nothing():
    result = _run([str(BIN / "ruff"), "check", "--no-cache", *LINTED])
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_code_is_as_ruff_format_writes_it_at_100_columns():
    assert (
        tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"][
            "line-length"
        ]
        == 100
    )
    result = _run([str(BIN / "ruff"), "format", "--check", "--no-cache", *LINTED])
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing():
    cache = (
        Path(tempfile.gettempdir())
        / f"mypy-cache-{hashlib.sha256(str(REPO).encode()).hexdigest()[:12]}"
    )
    result = _run([str(BIN / "mypy"), "--cache-dir", str(cache), "validate"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout
