"""Run the validator on hostile input in a child process, under a time and memory limit.

A regression must fail its test, not hang CI or take the machine's memory: every hostile
case runs `python -m validate` in a child process with a timeout and an address-space limit.

The child is forked from a warm interpreter (one per test process) that has already imported
what a run imports and validated this repository once (so the caches a run fills once are
full), so a case costs its run (about 0.1 s) instead of a fresh start (about 1 s); it then
runs `validate/__main__.py` as `python -m` does (runpy, argv, exit code, traceback on
stderr), in its own process, working folder and limits. The zygote is started
like the plain command (same environment, same sys.path), and
`test_a_forked_run_says_what_a_fresh_interpreter_says` holds the two to the same bytes.
"""

from __future__ import annotations

import atexit
import json
import os
import resource
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from validate.safetext import BIDI_CONTROLS

REPO = Path(__file__).resolve().parent.parent
TIMEOUT = 60  # seconds, the acceptance bound of issue 10
MEMORY = 1_500 * 2**20  # bytes of address space: 1 GB of data plus the interpreter and libraries


@dataclass
class Run:
    """What one validator run printed and returned."""

    code: int
    out: str
    err: str

    @property
    def report(self) -> dict:
        """The JSON report (the run must have used --format json)."""
        return json.loads(self.out)

    def errors(self) -> list[tuple]:
        """(check, code, file, line) of every error of the JSON report."""
        return [(e["check"], e["code"], e["file"], e["line"]) for e in self.report["errors"]]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _environment() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "GITHUB_ACTIONS": "", "PYTHONUTF8": "1"}
    env.pop("GITHUB_STEP_SUMMARY", None)
    return env


# The zygote: it imports what a run imports, then forks one child per request (a JSON line on
# stdin) and answers with the child's exit status (a JSON line on stdout).
ZYGOTE = r"""
import json, os, resource, runpy, select, signal, sys, traceback
sys.path[0] = os.getcwd()  # what `python -m` puts first, not '' (which would follow the child's chdir)
import duckdb, frictionless, multiprocessing, re2, validate.cli, validate.runner  # noqa: what a run imports
import tempfile, tests.conftest  # noqa: E401
with tempfile.TemporaryDirectory() as folder:  # and what a run fills once: profiles, patterns, frictionless's verdict on these descriptors
    for descriptor in ("datapackage.json", tests.conftest.build_package(tests.conftest.Path(folder) / "minimal")):
        validate.runner.run(descriptor).close()
memory = int(sys.argv[1])


def child(request):
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    os.chdir(request["cwd"])
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd, path in ((1, request["out"]), (2, request["err"])):
        os.dup2(os.open(path, os.O_WRONLY | os.O_TRUNC), fd)
    sys.argv = ["-m", *request["args"]]
    code = 0
    try:
        runpy.run_module("validate", run_name="__main__", alter_sys=True)
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            code = stop.code or 0
        else:
            print(stop.code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            traceback.print_exc()
            code = code or 120  # what the interpreter answers when it cannot flush its output
    os._exit(code & 0xFF)


for line in sys.stdin:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        child(request)
    watcher = os.pidfd_open(pid)
    finished = select.select([watcher], [], [], request["timeout"])[0]
    if not finished:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(watcher)
    sys.stdout.write(json.dumps({"timed_out": not finished, "code": os.waitstatus_to_exitcode(status)}) + "\n")
    sys.stdout.flush()
"""

_zygote: subprocess.Popen | None = None


def _started_zygote() -> subprocess.Popen:
    global _zygote
    if _zygote is None or _zygote.poll() is not None:
        _zygote = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE, str(MEMORY)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=REPO,
            env=_environment(),
            text=True,
        )
        atexit.register(_zygote.communicate)  # its stdin closes: it leaves its loop
    return _zygote


def run_in_fork(args: tuple[str, ...], timeout: int, cwd: Path) -> subprocess.CompletedProcess:
    """`python -m validate ARGS` in a child forked from the zygote, as subprocess.run would report it."""
    zygote = _started_zygote()
    assert zygote.stdin is not None and zygote.stdout is not None
    with tempfile.TemporaryDirectory(prefix="hostile-") as folder:
        out, err = Path(folder) / "out", Path(folder) / "err"
        out.touch()
        err.touch()
        zygote.stdin.write(
            json.dumps(
                {
                    "args": list(args),
                    "cwd": str(cwd),
                    "out": str(out),
                    "err": str(err),
                    "timeout": timeout,
                }
            )
            + "\n"
        )
        zygote.stdin.flush()
        answer = json.loads(zygote.stdout.readline())
        if answer["timed_out"]:
            raise subprocess.TimeoutExpired(["python", "-m", "validate", *args], timeout)
        return subprocess.CompletedProcess(args, answer["code"], out.read_bytes(), err.read_bytes())


def run_in_new_interpreter(
    args: tuple[str, ...], timeout: int, cwd: Path
) -> subprocess.CompletedProcess:
    """`python -m validate ARGS` in a new interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "validate", *args],
        capture_output=True,
        timeout=timeout,
        cwd=cwd,
        env=_environment(),
        preexec_fn=_limit_memory,
        check=False,
    )


def run_validator(*args: str, timeout: int = TIMEOUT, cwd: Path | None = None) -> Run:
    """Run `python -m validate ARGS` in a child process (forked from the zygote where Linux can watch it); fail on a traceback or a stray exit code."""
    done = (run_in_fork if hasattr(os, "pidfd_open") else run_in_new_interpreter)(
        args, timeout, cwd or REPO
    )
    run = Run(done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8"))
    assert run.code in (0, 1, 2), run
    assert "Traceback" not in run.out + run.err, run.err
    if "--format" in args and args[args.index("--format") + 1] == "json" and run.out:
        run.report  # noqa: B018 - strictly valid JSON, or this raises
    else:
        assert is_printable_report(run.out), run.out[:2000]
    assert is_printable_report(run.err.replace("\n", "")), run.err[:2000]
    return run


def is_printable_report(text: str) -> bool:
    """True when `text` holds no control character other than LF (used by tests and property checks)."""
    return not any(
        c != "\n"
        and (unicodedata.category(c) in ("Cc", "Cs") or c in BIDI_CONTROLS or c in "\u2028\u2029")
        for c in text
    )
