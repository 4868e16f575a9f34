"""The validator and `fill` open nothing outside the package and create no socket, traced by Python's audit hooks.

The package under test is full of traps: resources, a dialect, a schema, CITATION.cff and
CHANGELOG.md that are symbolic links to files outside the package (one of them
/etc/passwd), FIFOs where files are expected, and `http://` profiles and dialects. A child
process installs `sys.addaudithook` before importing the validator and records every
`open` and every `socket.*` event; the test then checks each opened path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from .hostile import MEMORY, REPO, TIMEOUT

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only (FIFOs, symlinks)")

TRACER = """
import json, os, sys
events = []
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        events.append(["open", os.path.abspath(os.fsdecode(args[0]))])
    elif event.startswith(("socket.", "http.", "urllib.")):
        events.append(["network", event])
sys.addaudithook(hook)
from validate.cli import main
code = main(sys.argv[2:])
sys.stdout.flush()
recorded = list(events)  # before the trace file itself is opened
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "events": recorded}, out)
"""


def build_traps(descriptor: Path, outside: Path) -> None:
    root = descriptor.parent
    outside.mkdir()
    (outside / "secret.csv").write_text("claim_id\nSECRET\n", encoding="utf-8")
    (outside / "CITATION.cff").write_text("cff-version: 1.2.0\ntype: dataset\n", encoding="utf-8")
    (root / "data" / "images.csv").unlink()
    (root / "data" / "images.csv").symlink_to(outside / "secret.csv")
    (root / "data" / "passwd.json").symlink_to("/etc/passwd")
    os.mkfifo(root / "data" / "fifo")
    (root / "CITATION.cff").unlink()
    (root / "CITATION.cff").symlink_to(outside / "CITATION.cff")
    (root / "CHANGELOG.md").unlink()
    os.mkfifo(root / "CHANGELOG.md")
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    data["profile"] = "http://127.0.0.1:9/profile.json"
    by_name = {r["name"]: r for r in data["resources"]}
    by_name["claims"]["dialect"] = "data/passwd.json"
    by_name["quotes"]["dialect"] = "http://127.0.0.1:9/dialect.json"
    by_name["sample-snapshot"]["schema"] = "data/fifo"
    by_name["entities"]["path"] = "data/fifo"
    data["resources"].append(
        {
            "name": "remote",
            "path": "https://127.0.0.1:9/remote.csv",
            "type": "table",
            "schema": "schemas/claims.schema.json",
        }
    )
    descriptor.write_text(json.dumps(data, indent=2), encoding="utf-8")


def allowed_roots(package_root: Path) -> list[str]:
    """Where the validator may legitimately open files: the package, its own code and schemas, Python itself."""
    roots = {
        package_root,
        REPO / "validate",
        REPO / "schemas",
        Path(sys.prefix),
        Path(sys.base_prefix),
        Path(sys.exec_prefix),
    }
    roots |= {Path(p) for p in sysconfig.get_paths().values()}
    roots |= {Path(p) for p in sys.path if p and Path(p).is_dir() and Path(p).resolve() != REPO}
    return sorted({os.path.realpath(r) for r in roots})


@pytest.mark.parametrize("command", [[], ["fill"]], ids=["validate", "fill"])
def test_nothing_outside_the_package_is_opened_and_no_socket_is_made(
    minimal_package, tmp_path, command
):
    outside = tmp_path / "outside"
    build_traps(minimal_package, outside)
    trace = tmp_path / "trace.json"
    args = [*command, str(minimal_package)] + ([] if command else ["--format", "json"])
    done = subprocess.run(
        [sys.executable, "-c", TRACER, str(trace), *args],
        capture_output=True,
        timeout=TIMEOUT,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
        preexec_fn=lambda: __import__("resource").setrlimit(
            __import__("resource").RLIMIT_AS, (MEMORY, MEMORY)
        ),
    )
    assert "Traceback" not in done.stderr.decode(), done.stderr.decode()
    result = json.loads(trace.read_text(encoding="utf-8"))
    assert result["code"] in ((1, 2) if not command else (2,))
    assert [e for e in result["events"] if e[0] == "network"] == []
    roots = allowed_roots(minimal_package.parent.resolve())
    opened = {os.path.realpath(path) for kind, path in result["events"] if kind == "open"}
    strays = sorted(p for p in opened if not any(p == r or p.startswith(r + os.sep) for r in roots))
    assert strays == []
    assert not any(p.startswith(os.path.realpath(outside)) for p in opened)
    assert "/etc/passwd" not in opened
    assert os.path.realpath(minimal_package.parent / "data" / "fifo") not in opened
    assert b"SECRET" not in done.stdout and b"root:" not in done.stdout
