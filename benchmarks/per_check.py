"""Benchmark: where a run's time and memory go, check by check, on one package (say a scaled one).

Loads the package (limits raised for large files, as benchmarks/scale.py does), then runs each
check in registry order and prints its time, its error count and the process's peak memory so
far. Python records of a table DuckDB read are built by the first check that walks them.

    .venv/bin/python benchmarks/per_check.py OUT/1000000-valid/datapackage.json   # OUT: benchmarks/scale.py's --out folder
"""

from __future__ import annotations

import argparse
import resource
import time

from validate.checks import CHECKS
from validate.limits import Limits
from validate.package import load


def peak_mb() -> float:
    """The process's peak resident memory so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("descriptor")
    args = parser.parse_args()
    start = time.perf_counter()
    package = load(
        args.descriptor, Limits.parse(["file-bytes=2000000000", "package-bytes=4000000000"])
    )
    print(f"{'load':24} {time.perf_counter() - start:6.2f} s  peak {peak_mb():6.0f} MB")
    try:
        for check_id, check in CHECKS.items():
            start = time.perf_counter()
            errors = sum(1 for _ in check.check(package))
            print(
                f"{check_id:24} {time.perf_counter() - start:6.2f} s  peak {peak_mb():6.0f} MB  {errors} error(s)"
            )
    finally:
        package.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
