"""Benchmark at scale: this validator (every check, and the table checks alone), `frictionless validate`, and plain DuckDB SQL.

Scaled packages are made from the real package (data/, schemas/, sources/): every row is
replicated with fresh IDs (`clm-001` becomes `clm-17001` in copy 17, `ent-x` becomes
`ent-x-c17`; the schemas' ID patterns are widened from `{3}` to `{3,}` digits, as
docs/scaling.md proposes for a corpus), and, in the broken variant, one row in ten of every
table with a foreign key points at an ID that does not exist. Each command runs in its own
process; wall time and that process's peak memory (`wait4` rusage) are printed side by side.

    .venv/bin/python benchmarks/scale.py [--rows 10000 100000 1000000] [--out DIR] [--skip-frictionless-above N]

Packages are written under --out (default: validate-scale in the system's temporary folder), never inside the repository.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NUMBERED_ID = re.compile(
    r"^(?!doc-|ent-)([a-z]{3})-([0-9]+)$"
)  # clm-001, csr-0001, spn-0001: every numbered ID of the schemas
SLUG_ID = re.compile(r"^(doc|ent)-[a-z0-9]+(-[a-z0-9]+)*$")
QID = re.compile(r"^Q[1-9][0-9]*$")


def fresh(cell: str, copy: int) -> str:
    """The cell as copy `copy` of the package writes it (IDs made unique; other cells unchanged)."""
    if copy == 0:
        return cell
    if match := NUMBERED_ID.match(cell):
        return f"{match[1]}-{copy}{match[2]}"
    if SLUG_ID.match(cell):
        return f"{cell}-c{copy}"
    if QID.match(cell):
        return f"{cell}{copy:07d}"
    return cell


def generate(rows: int, broken: bool, out: Path) -> Path:
    """Write a scaled copy of the real package with about `rows` data rows; return its descriptor."""
    target = out / f"{rows}-{'broken' if broken else 'valid'}"
    if (target / "datapackage.json").exists():
        return target / "datapackage.json"
    shutil.rmtree(target, ignore_errors=True)
    (target / "data").mkdir(parents=True)
    shutil.copytree(REPO / "sources", target / "sources")
    shutil.copytree(REPO / "schemas", target / "schemas")
    for schema_path in (target / "schemas").glob("*.schema.json"):
        text = schema_path.read_text(encoding="utf-8")
        schema_path.write_text(
            text.replace("[0-9]{3}$", "[0-9]{3,}$").replace("[0-9]{4}$", "[0-9]{4,}$"),
            encoding="utf-8",
        )
    tables = {
        p.stem: list(csv.reader(io.StringIO(p.read_text(encoding="utf-8"), newline="")))
        for p in sorted((REPO / "data").glob("*.csv"))
    }
    base_rows = sum(len(t) - 1 for t in tables.values())
    copies = max(1, round(rows / base_rows))
    for name, table in tables.items():
        schema = json.loads(
            (target / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")
        )
        first_fk = schema["foreignKeys"][0]["fields"][0] if schema.get("foreignKeys") else None
        column = table[0].index(first_fk) if first_fk else None
        with open(target / "data" / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(table[0])
            count = 0
            for copy in range(copies):
                for row in table[1:]:
                    cells = [fresh(cell, copy) for cell in row]
                    if broken and column is not None and count % 10 == 0 and cells[column]:
                        cells[column] = cells[column].split("-")[0] + "-missing-" + str(count)
                    writer.writerow(cells)
                    count += 1
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    for item in (
        "docs",
        "CHANGELOG.md",
        "CITATION.cff",
        "README.md",
        "LICENSE",
    ):  # what the release and cell-references checks read
        (shutil.copytree if (REPO / item).is_dir() else shutil.copy)(REPO / item, target / item)
    for resource in descriptor["resources"]:  # so that the valid variant is valid under every check
        data = (target / resource["path"]).read_bytes()
        resource["bytes"], resource["hash"] = (
            len(data),
            "sha256:" + hashlib.sha256(data).hexdigest(),
        )
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return target / "datapackage.json"


PLAIN_DUCKDB = r"""
import json, sys, time, duckdb
from pathlib import Path
root = Path(sys.argv[1]).parent
descriptor = json.loads(Path(sys.argv[1]).read_text())
con = duckdb.connect()
errors = 0
schemas = {}
for r in descriptor["resources"]:
    if r.get("schema"):
        schemas[r["name"]] = json.loads((root / r["schema"]).read_text())
        con.execute(f"CREATE TABLE \"{r['name']}\" AS SELECT * FROM read_csv(?, all_varchar=true, header=true)", [str(root / r["path"])])
for name, schema in schemas.items():
    for f in schema["fields"]:
        c, k = f'"{f["name"]}"', f.get("constraints", {})
        checks = []
        if k.get("required"): checks.append(f"{c} IS NULL")
        if "pattern" in k: checks.append(f"NOT regexp_full_match({c}, '{k['pattern']}')")
        if "enum" in k: checks.append(f"{c} NOT IN ({', '.join(repr(v) for v in k['enum'])})")
        if f["type"] == "integer": checks.append(f"TRY_CAST({c} AS BIGINT) IS NULL AND {c} IS NOT NULL")
        if f["type"] == "date": checks.append(f"TRY_CAST({c} AS DATE) IS NULL AND {c} IS NOT NULL")
        for check in checks:
            errors += con.execute(f'SELECT count(*) FROM "{name}" WHERE {check}').fetchone()[0]
    key = ", ".join(f'"{k}"' for k in schema["primaryKey"])
    errors += con.execute(f'SELECT count(*) - count(DISTINCT ({key})) FROM "{name}"').fetchone()[0]
    for fk in schema.get("foreignKeys", []):
        target = fk["reference"].get("resource") or name
        s, t = fk["fields"][0], fk["reference"]["fields"][0]
        errors += con.execute(f'SELECT count(*) FROM "{name}" a ANTI JOIN "{target}" b ON a."{s}" = b."{t}" WHERE a."{s}" IS NOT NULL').fetchone()[0]
print(errors)
"""


def measure(command: list[str]) -> tuple[float, float, float, int]:
    """Run `command`; return (wall seconds, CPU seconds, peak memory in MB of that process, exit code).

    CPU time is printed beside wall time because the machine may be shared: it moves less with the load."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    return (
        time.perf_counter() - start,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        os.waitstatus_to_exitcode(status),
    )


def ratio(results: dict, a: str, b: str) -> str:
    """Wall-time ratio a/b, with the CPU-time ratio in brackets."""
    return (
        f"{results[a][0] / results[b][0]:.1f}x ({results[a][1] / results[b][1]:.1f}x)"
        if a in results and b in results
        else "skipped"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "validate-scale")
    parser.add_argument(
        "--skip-frictionless-above",
        type=int,
        default=1_000_000,
        help="skip `frictionless validate` above this many rows",
    )
    args = parser.parse_args()
    print(
        f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} on {os.cpu_count()} cores"
    )
    print(
        "each cell: wall time, CPU time (user + system), peak memory, exit code; ratios of wall times (CPU times)"
    )
    print(
        "  every check = `python -m validate` (all 21 checks); tables = `--select table-frictionless` (what the peers do)"
    )
    columns = {
        "all": "every check",
        "engine": "tables",
        "frictionless": "frictionless validate",
        "duckdb": "plain DuckDB SQL",
    }
    print(
        f"{'package':<16}"
        + "".join(f"{title:>34}" for title in columns.values())
        + f"{'every/DuckDB':>16}{'tables/DuckDB':>16}{'frictionless/every':>20}{'us/row (every)':>16}"
    )
    for rows in args.rows:
        for broken in (False, True):
            descriptor = generate(rows, broken, args.out)
            # the limits are far below a corpus of this size on purpose (docs/limits.md): raised for this run only
            sizes = [p.stat().st_size for p in descriptor.parent.rglob("*") if p.is_file()]
            limits = [
                "--limit",
                f"file-bytes={max(sizes) + 1}",
                "--limit",
                f"package-bytes={sum(sizes) + 1}",
            ]
            validate = [
                sys.executable,
                "-m",
                "validate",
                str(descriptor),
                "--format",
                "json",
                *limits,
            ]
            commands = {
                "all": validate,
                "engine": [*validate, "--select", "table-frictionless"],
                "frictionless": [str(BIN / "frictionless"), "validate", str(descriptor), "--json"],
                "duckdb": [sys.executable, "-c", PLAIN_DUCKDB, str(descriptor)],
            }
            if rows > args.skip_frictionless_above:
                del commands["frictionless"]
            results = {name: measure(command) for name, command in commands.items()}
            cell = {
                name: f"{t:6.2f} s {cpu:6.2f} s {m:5.0f} MB ({code})"
                for name, (t, cpu, m, code) in results.items()
            }
            label = f"{rows:,} {'broken' if broken else 'valid'}"
            per_row = results["all"][0] / rows * 1e6
            print(
                f"{label:<16}"
                + "".join(f"{cell.get(name, 'skipped'):>34}" for name in columns)
                + f"{ratio(results, 'all', 'duckdb'):>16}{ratio(results, 'engine', 'duckdb'):>16}{ratio(results, 'frictionless', 'all'):>20}"
                + f"{per_row:>16.1f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
