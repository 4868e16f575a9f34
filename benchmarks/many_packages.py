"""Benchmark: what one more package costs a caller that validates many in one process (the tests, `exports`).

Builds every invalid fixture case of tests/fixtures (a small package each, edited from the
minimal one), then validates them one after another in this process, twice: the second pass
finds frictionless's verdicts and DuckDB's database already made, as a long-lived caller does.

    .venv/bin/python benchmarks/many_packages.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.conftest import INVALID_CASES, build_package, case_id  # noqa: E402
from validate import run  # noqa: E402


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="many-packages-") as folder:
        descriptors = [build_package(Path(folder) / case_id(case), case) for case in INVALID_CASES]
        for label in ("first pass", "second pass"):
            times = []
            for descriptor in descriptors:
                start = time.perf_counter()
                run(descriptor).close()
                times.append(time.perf_counter() - start)
            print(
                f"{label}: {len(times)} packages, median {statistics.median(times) * 1000:.0f} ms, mean {statistics.mean(times) * 1000:.0f} ms a package"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
