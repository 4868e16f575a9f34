"""Benchmark: the full validator against `frictionless validate` on the same package.

Both commands run from a cold start (a new Python process each time), interleaved so that
they share the machine's state, and the median wall times are compared. The goal is a
ratio of at most about 1.3: the layers beyond frictionless must be cheap.

    .venv/bin/python benchmarks/validate_speed.py [--runs 15] [PATH]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def time_once(command: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run; CPU time moves less when the machine is shared."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default="datapackage.json")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    commands = {
        "python -m validate": [sys.executable, "-m", "validate", args.path, "--format", "json"],
        "frictionless validate": [str(BIN / "frictionless"), "validate", args.path, "--json"],
    }
    for command in commands.values():  # warm the file cache once
        time_once(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            wall, used = time_once(command)
            times[name].append(wall)
            cpu[name].append(used)
    medians = {name: statistics.median(values) for name, values in times.items()}
    cpu_medians = {name: statistics.median(values) for name, values in cpu.items()}
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for name, values in times.items():
        print(
            f"{name:<24} median {medians[name]:.3f} s  (min {min(values):.3f}, max {max(values):.3f}, {len(values)} runs), "
            f"CPU median {cpu_medians[name]:.3f} s"
        )
    ratio = medians["python -m validate"] / medians["frictionless validate"]
    cpu_ratio = cpu_medians["python -m validate"] / cpu_medians["frictionless validate"]
    print(f"ratio validate / frictionless: {ratio:.2f} wall, {cpu_ratio:.2f} CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
