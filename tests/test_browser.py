"""A real browser on a real Datasette server: what a person sees on the claims page and a canned query.

Headless Chromium (Debian's `chromium` package) renders the pages served by Datasette on
127.0.0.1; the test reads the rendered DOM (`--dump-dom`) as visible text. When chromium is
not installed the test is skipped with that reason; `.ci/run` installs it.
"""

from __future__ import annotations

import csv
import html.parser
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from validate.exports import queries

from .conftest import REPO

NAME = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))["name"]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (apt-get install -y chromium; .ci/run does it as root)",
)


class VisibleText(html.parser.HTMLParser):
    """The text a person sees: everything outside script, style and head."""

    HIDDEN = {"script", "style", "head", "template"}

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.depth += tag in self.HIDDEN

    def handle_endtag(self, tag):
        self.depth -= tag in self.HIDDEN and self.depth > 0

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)

    @classmethod
    def of(cls, page: str) -> str:
        parser = cls()
        parser.feed(page)
        return " ".join(" ".join(parser.parts).split())


@pytest.fixture(scope="module")
def server(real_exports, tmp_path_factory):
    dist, logs = real_exports, tmp_path_factory.mktemp("browser")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (logs / "datasette.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "datasette",
            "serve",
            str(dist / f"{NAME}.sqlite"),
            "--metadata",
            str(dist / "metadata.json"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=2).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"datasette stopped: {(logs / 'datasette.log').read_text()}")
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def seen(url: str, profile: Path) -> str:
    result = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return VisibleText.of(result.stdout)


def test_claims_page_shows_descriptions_and_rows(server, tmp_path):
    text = seen(f"{server}/{NAME}/claims", tmp_path / "profile")
    schema = json.loads((REPO / "schemas" / "claims.schema.json").read_text(encoding="utf-8"))
    with (REPO / "data" / "claims.csv").open(encoding="utf-8", newline="") as handle:
        first = next(csv.DictReader(handle))
    resource = next(
        r
        for r in json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))["resources"]
        if r["name"] == "claims"
    )
    assert " ".join(resource["description"].split()) in text
    assert (
        " ".join(next(f for f in schema["fields"] if f["name"] == "voice")["description"].split())
        in text
    )
    assert first["claim_id"] in text and first["statement"] in text


def test_canned_query_page_shows_its_title_and_rows(server, tmp_path):
    query = queries.CLAIMS_WITHOUT_PRIMARY_SOURCE_SEEN
    text = seen(f"{server}/{NAME}/{query.name}", tmp_path / "profile")
    assert query.title in text
    with urllib.request.urlopen(f"{server}/{NAME}/{query.name}.json?_shape=array") as response:
        rows = json.load(response)
    assert rows and rows[0]["claim_id"] in text and rows[0]["sourcing_level"] in text
