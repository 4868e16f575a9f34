"""Benchmark: time and peak memory of the validator on growing and hostile input.

Three tables:

1. the linear pieces (sentence splitting with the coverage sweep, the JSON line mapper,
   the YAML alias count) in-process at 1x, 10x and 100x the shipped package's sizes: best of
   three untraced times and the tracemalloc peak, with the ratio to 1x (linear growth shows
   as ratios near 10 and 100; at 1x the times are too small to be more than noise);
2. the whole validator in a child process on a package whose snapshot is 1x, 10x, 100x and
   1000x the article: wall time and peak RSS;
3. the whole validator on the hostile cases of issue 10 at the size of their limits.

    .venv/bin/python benchmarks/hostile_scale.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.conftest import build_package  # noqa: E402
from validate.checks.coverage import _uncovered  # noqa: E402
from validate.jsonpos import value_lines  # noqa: E402
from validate.limits import Limits  # noqa: E402
from validate.sentences import split_sentences  # noqa: E402
from validate.yamlsafe import measure  # noqa: E402

ARTICLE = (REPO / "sources" / "article-2025-02-04-bukele-cecot.txt").read_text(encoding="utf-8")
DESCRIPTOR = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
CITATION = (REPO / "CITATION.cff").read_text(encoding="utf-8")


def in_process(work) -> tuple[float, float]:
    """Best of three untraced runs (seconds), then one run under tracemalloc for the peak (MB)."""
    elapsed = min(_timed(work) for _ in range(3))
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return elapsed, peak / 2**20


def _timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def sentences_and_coverage(scale: int):
    text = (ARTICLE + "\n") * scale
    spans = [(start, start + 40) for start in range(0, len(text), 97)]
    return lambda: list(_uncovered(split_sentences(text), spans))


def json_lines(scale: int):
    descriptor = dict(DESCRIPTOR, resources=DESCRIPTOR["resources"] * scale)
    text = json.dumps(descriptor, indent=2)
    return lambda: value_lines(text)


def yaml_count(scale: int):
    text = CITATION + "".join(f"k{i}: &a{i} [x, y, z]\nr{i}: *a{i}\n" for i in range(60 * scale))
    return lambda: measure(text, Limits())


# The child reports its own peak resident size (ru_maxrss, in kB on Linux). Linux carries the
# forking process's peak across exec, so the figure is at least this benchmark's own size (tens of MB).
_CHILD = """
import contextlib, io, resource, sys
from validate.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(code, peak, file=sys.__stderr__)
"""


def child(args: list[str]) -> tuple[int, float, float]:
    """Run the validator in a fresh process; return exit code, wall seconds, peak resident memory in MB."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *args, "--format", "json"],
        cwd=REPO,
        capture_output=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    elapsed = time.perf_counter() - start
    code, peak_kb = done.stderr.decode().split()[-2:]
    return int(code), elapsed, int(peak_kb) / 1024


def snapshot_package(root: Path, scale: int) -> Path:
    descriptor = build_package(root)
    sample = root / "sources" / "sample.txt"
    sample.write_text(
        sample.read_text(encoding="utf-8") + ("\n" + ARTICLE) * scale, encoding="utf-8"
    )
    return descriptor


def hostile_cases(root: Path) -> dict[str, Path]:
    cases = {}

    def case(name: str, change) -> None:
        descriptor = build_package(root / name)
        change(descriptor)
        cases[name] = descriptor

    case(
        "snapshot at snapshot-chars (8M code points)",
        lambda d: (d.parent / "sources" / "sample.txt").write_text(
            "Mr. A went home. B e\u0301 stayed.\n" * (8_000_000 // 33), encoding="utf-8"
        ),
    )
    case(
        "descriptor string of 30 MB",
        lambda d: d.write_text(
            json.dumps(dict(json.loads(d.read_text()), description="x" * 30_000_000))
        ),
    )
    case(
        "JSON 100,000 deep", lambda d: d.write_text('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}")
    )
    case(
        "billion laughs CITATION.cff",
        lambda d: (d.parent / "CITATION.cff").write_text(
            "a: &a [x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n"
                for i in range(9)
            )
        ),
    )
    case(
        "200 MB CSV (sparse)", lambda d: os.truncate(d.parent / "data" / "claims.csv", 200 * 2**20)
    )
    case(
        "8 MB CSV (9,000 bad rows)",
        lambda d: (
            (d.parent / "data" / "claims.csv")
            .open("a")
            .write(("clm-999," + "y" * 900 + "\n") * (8 * 2**20 // 910 - 10))
        ),
    )
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="skip the 1000x snapshot and the hostile cases"
    )
    args = parser.parse_args()
    print("1. linear pieces, in-process (seconds, tracemalloc peak MB, ratio to 1x)")
    for name, make in (
        ("sentences + coverage sweep", sentences_and_coverage),
        ("JSON line mapper", json_lines),
        ("YAML alias count", yaml_count),
    ):
        base = None
        for scale in (1, 10, 100):
            seconds, peak = in_process(make(scale))
            base = base or (seconds, peak)
            print(
                f"   {name:<28} {scale:>4}x  {seconds:8.3f} s ({seconds / base[0]:6.1f}x)  {peak:8.1f} MB ({peak / base[1]:6.1f}x)"
            )
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        print("2. whole validator, snapshot N times the article (exit, wall s, peak resident MB)")
        code, seconds, rss = child([str(REPO / "datapackage.json")])
        print(f"   shipped package                 exit {code}  {seconds:6.1f} s  {rss:7.0f} MB")
        for scale in (1, 10, 100) + (() if args.quick else (1000,)):
            code, seconds, rss = child([str(snapshot_package(root / f"x{scale}", scale))])
            print(
                f"   snapshot {scale:>5}x               exit {code}  {seconds:6.1f} s  {rss:7.0f} MB"
            )
            shutil.rmtree(root / f"x{scale}")
        if not args.quick:
            print("3. hostile cases (exit, wall s, peak resident MB)")
            for name, descriptor in hostile_cases(root).items():
                code, seconds, rss = child([str(descriptor)])
                print(f"   {name:<44} exit {code}  {seconds:6.1f} s  {rss:7.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
