"""Benchmark: `diff` and `release` against the git commands a reviewer or packager would use instead.

- `python -m validate diff BASE .` (schema, rows by key, bump) against `git diff BASE -- data
  schemas datapackage.json` (a raw line diff of the same files), both reading BASE from git.
- `python -m validate release --from BASE` (reproducible zip with SHA256SUMS) against
  `git archive --format=zip BASE` (an archive of the whole tree, not reproducible across git versions).

Cold starts, interleaved, medians compared as ratios; `--version` shows the fixed start-up cost.

    .venv/bin/python benchmarks/versioning_speed.py [--runs 9] [--base c4c7073]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile

from validate_speed import time_once


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--base", default="c4c7073", help="the old side (default: the last 0.1.0 commit)"
    )
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        pairs = {
            "diff": (
                [sys.executable, "-m", "validate", "diff", args.base, ".", "--format", "json"],
                ["git", "diff", args.base, "--", "data", "schemas", "datapackage.json"],
            ),
            "release": (
                [sys.executable, "-m", "validate", "release", "--from", args.base, "--out", out],
                ["git", "archive", "--format=zip", "-o", f"{out}/git-archive.zip", args.base],
            ),
        }
        startup = statistics.median(
            time_once([sys.executable, "-m", "validate", "--version"]) for _ in range(args.runs)
        )
        print(
            f"{'-m validate --version':<32} median {startup:.3f} s  (the fixed cost: Python and the validator's imports)"
        )
        for ours, peer in pairs.values():  # warm the file cache once
            time_once(ours), time_once(peer)
        for name, (ours, peer) in pairs.items():
            times: dict[str, list[float]] = {"ours": [], "peer": []}
            for _ in range(args.runs):
                times["ours"].append(time_once(ours))
                times["peer"].append(time_once(peer))
            medians = {key: statistics.median(values) for key, values in times.items()}
            print(
                f"{' '.join(ours[1:4]):<32} median {medians['ours']:.3f} s  (min {min(times['ours']):.3f}, max {max(times['ours']):.3f})"
            )
            print(
                f"{' '.join(peer[:3]):<32} median {medians['peer']:.3f} s  (min {min(times['peer']):.3f}, max {max(times['peer']):.3f})"
            )
            print(
                f"ratio {name} / git: {medians['ours'] / medians['peer']:.1f}  ({args.runs} runs each)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
