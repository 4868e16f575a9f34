"""Where the time of one validation goes: the load, then each check alone, on one package (wall seconds, peak memory).

    .venv/bin/python benchmarks/check_profile.py PATH [--limit NAME=N ...]

The package is loaded once and each check runs on it in registry order, as the runner runs
them; the table shows each check's wall time and its share of the run. It is the per-check
profile docs/engine.md quotes (measured on the scaled packages of benchmarks/scale.py). The first check
pays for the run's SQL views and registry (validate/engine/rules.py), made once.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from validate.checks import CHECKS  # noqa: E402
from validate.limits import Limits  # noqa: E402
from validate.package import load  # noqa: E402
from validate.runner import (
    check_findings,  # noqa: E402
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--limit", action="append", default=[], metavar="NAME=N")
    args = parser.parse_args()
    limits = Limits.parse(args.limit)
    start = time.perf_counter()
    package = load(args.path, limits)
    times = {"(load)": time.perf_counter() - start}
    counts = {}
    for check_id, module in CHECKS.items():
        began = time.perf_counter()
        counts[check_id] = sum(1 for _ in check_findings(module, package))
        times[check_id] = time.perf_counter() - began
    total = sum(times.values())
    print(f"{'step':<26}{'wall':>10}{'share':>8}{'errors':>9}")
    for step, seconds in sorted(times.items(), key=lambda item: -item[1]):
        print(f"{step:<26}{seconds:>9.2f}s{seconds / total:>8.0%}{counts.get(step, ''):>9}")
    print(
        f"{'total':<26}{total:>9.2f}s   peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    package.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
