"""Benchmark: peak memory of a run with many errors, the errors held whole (before) and streamed (now).

A scaled copy of the real package is made with `benchmarks/scale.py`'s generator, and a second copy
with every span's `start_char` moved one character on, so that every span with text is one
`anchors/exact-mismatch` error. Each command runs in its own process (`wait4` rusage for the peak):

- floor: the valid package, `--select anchors --max-errors 0 --format json` (loading and checking, no errors);
- held whole: the shifted package, every error kept in memory as an `Error` and the report built as
  one `json.dumps` of the whole envelope, as the validator did before its reports were streamed;
- streamed: the shifted package, `python -m validate … --select anchors --max-errors 0 --format json` as shipped.

Each report is then parsed by `python -c 'import json,sys; json.load(sys.stdin)'` to show it is valid JSON.

    .venv/bin/python benchmarks/report_memory.py [--rows 1000000] [--out DIR]

Packages and reports are written under --out (default: validate-report-memory in the system's temporary folder).
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scale import generate  # benchmarks/ is this script's folder, first on sys.path

# The scaled tables are past the default file and package limits, which guard a run on a stranger's input.
LIMITS = ["--limit", "file-bytes=2000000000", "--limit", "package-bytes=8000000000"]

HELD_WHOLE = r"""
import json, sys
from validate.limits import Limits
from validate.reporters import json_head
from validate.runner import run
from validate.safetext import json_safe
result = run(sys.argv[1], select=["anchors"], max_errors=0, limits=Limits.parse(sys.argv[2:]), spill_after=sys.maxsize)
envelope = {**json_head(result), "errors": [error.to_dict() for error in result.errors]}
sys.stdout.write(json.dumps(json_safe(envelope), indent=2, ensure_ascii=False, allow_nan=False) + "\n")
raise SystemExit(0 if result.valid else 1)
"""


def shifted(valid: Path, out: Path) -> Path:
    """A copy of the package at `valid` with every span one character later; its descriptor."""
    target = out / f"{valid.parent.name}-shifted"
    if (target / "datapackage.json").exists():
        return target / "datapackage.json"
    subprocess.run(["cp", "-r", str(valid.parent), str(target)], check=True)
    with (
        open(valid.parent / "data" / "spans.csv", encoding="utf-8", newline="") as source,
        open(target / "data" / "spans.csv", "w", encoding="utf-8", newline="") as moved,
    ):
        rows, writer = csv.reader(source), csv.writer(moved, lineterminator="\n")
        header = next(rows)
        writer.writerow(header)
        start = header.index("start_char")
        for row in rows:
            row[start] = str(int(row[start]) + 1) if row[start] else row[start]
            writer.writerow(row)
    return target / "datapackage.json"


def measure(command: list[str], report: Path) -> tuple[float, float, int]:
    """Run `command` with its output in `report`; return (wall seconds, peak memory in MB, exit code)."""
    start = time.perf_counter()
    with open(report, "w", encoding="utf-8") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def errors_reported(report: Path) -> str:
    """The `summary.errors` count, read from the head of the report."""
    with open(report, encoding="utf-8") as text:
        found = re.search(r'"summary": \{\s*"errors": (\d+)', text.read(4096))
    return f"{int(found[1]):,}" if found else "?"


def parses(report: Path) -> bool:
    """True when the report is one valid JSON document."""
    with open(report, "rb") as text:
        return (
            subprocess.run(
                [sys.executable, "-c", "import json,sys; json.load(sys.stdin)"], stdin=text
            ).returncode
            == 0
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--out", type=Path, default=Path(tempfile.gettempdir()) / "validate-report-memory"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    valid = generate(args.rows, False, args.out)
    broken = shifted(valid, args.out)
    validate = [
        sys.executable,
        "-m",
        "validate",
        "--select",
        "anchors",
        "--max-errors",
        "0",
        "--format",
        "json",
        *LIMITS,
    ]
    runs = {
        "floor (valid package)": [*validate, str(valid)],
        "held whole (before)": [sys.executable, "-c", HELD_WHOLE, str(broken), *LIMITS[1::2]],
        "streamed (now)": [*validate, str(broken)],
    }
    print(
        f"load: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; package: {args.rows:,} rows asked, spans shifted by one"
    )
    print(
        f"{'run':<24}{'wall':>9}{'peak memory':>14}{'exit':>6}{'errors':>10}{'report':>11}{'valid JSON':>12}{'peak / floor':>14}"
    )
    floor = None
    for name, command in runs.items():
        report = args.out / f"report-{name.split()[0]}.json"
        wall, peak, code = measure(command, report)
        floor = floor or peak
        size = report.stat().st_size / 2**20
        verdict = "yes" if parses(report) else "NO"
        print(
            f"{name:<24}{wall:>7.1f} s{peak:>11.0f} MB{code:>6}{errors_reported(report):>10}{size:>8.0f} MB{verdict:>12}"
            f"{peak / floor:>13.2f}x",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
