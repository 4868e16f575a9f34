"""Benchmark: the time `python -m validate exports` takes, beside its peers on the same package.

Three routes, each from a cold start (new processes each time), interleaved, median wall time:
- `exports`: validate, then build every export of `validate/exports/registry.py`;
- `validate`: the validator alone (what `exports` must do first anyway);
- `sqlite-utils insert --csv`: the hand-written route the issue describes, one call per table
  (no types, keys, views or other formats), as a floor for "just get it into SQLite".
Also prints the size of every output. Not a test: nothing is asserted.

    .venv/bin/python benchmarks/exports_speed.py [--runs 7] [PATH]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def run_all(commands: list[list[str]]) -> float:
    start = time.perf_counter()
    for command in commands:
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default="datapackage.json")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    descriptor_path = Path(args.path)
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    root = descriptor_path.parent
    scratch = Path(tempfile.mkdtemp(prefix="exports-bench-"))
    try:
        dist, naive = scratch / "dist", scratch / "naive.sqlite"
        tables = [
            (r["name"], root / r["path"])
            for r in descriptor["resources"]
            if r.get("type") == "table"
        ]

        def naive_route() -> list[list[str]]:
            naive.unlink(missing_ok=True)
            return [
                [str(BIN / "sqlite-utils"), "insert", str(naive), name, str(path), "--csv"]
                for name, path in tables
            ]

        routes = {
            "exports": lambda: [
                [
                    sys.executable,
                    "-m",
                    "validate",
                    "exports",
                    str(descriptor_path),
                    "--dist",
                    str(dist),
                ]
            ],
            "validate": lambda: [
                [sys.executable, "-m", "validate", str(descriptor_path), "--format", "json"]
            ],
            "sqlite-utils insert --csv": naive_route,
        }
        for route in routes.values():  # warm the file cache once
            run_all(route())
        times: dict[str, list[float]] = {name: [] for name in routes}
        for _ in range(args.runs):
            for name, route in routes.items():
                times[name].append(run_all(route()))
        medians = {name: statistics.median(values) for name, values in times.items()}
        for name, values in times.items():
            print(
                f"{name:<28} median {medians[name]:.3f} s  (min {min(values):.3f}, max {max(values):.3f}, {len(values)} runs)"
            )
        print(f"ratio exports / validate: {medians['exports'] / medians['validate']:.2f}")
        print(
            f"ratio exports / sqlite-utils insert --csv: {medians['exports'] / medians['sqlite-utils insert --csv']:.2f}"
        )
        print("sizes:")
        for path in sorted(dist.rglob("*")):
            if path.is_file():
                print(f"  {path.relative_to(dist)}  {path.stat().st_size:,} bytes")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
