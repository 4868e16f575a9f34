"""A real browser on a real Datasette server, served as `make serve` serves it: what a person sees.

Headless Chromium (Debian's `chromium` package) renders the pages served by Datasette on
127.0.0.1; the test reads the rendered DOM (`--dump-dom`) as visible text. When chromium is
not installed the test is skipped with that reason; `.ci/run` installs it. The journalist's five
questions (issue 21) are each answered on one page, their answers computed here from the CSVs.
"""

from __future__ import annotations

import csv
import html.parser
import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from validate.exports import datasette as datasette_export
from validate.exports import queries
from validate.sentences import split_sentences

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

# The settings of `make serve` (the Makefile's serve line), so that the test serves what a reader gets.
SERVE_SETTINGS = ["--setting", "default_allow_sql", "off"]

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
            *SERVE_SETTINGS,
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


def dom(url: str, profile: Path) -> str:
    # the virtual time budget lets the page's own fetches (search across tables) finish before the dump
    result = subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={profile}",
            "--virtual-time-budget=10000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def seen(url: str, profile: Path) -> str:
    return VisibleText.of(dom(url, profile))


def csv_rows(name: str) -> list[dict[str, str]]:
    with (REPO / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_serve_settings_are_the_makefiles():
    serve = next(
        line
        for line in (REPO / "Makefile").read_text(encoding="utf-8").splitlines()
        if "datasette serve" in line
    )
    assert " ".join(SERVE_SETTINGS) in serve


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
    assert " ".join(resource["description"].replace("`", "").split()) in text
    voice = next(f for f in schema["fields"] if f["name"] == "voice")["description"]
    assert (
        datasette_export.short(voice) in text and voice not in text
    )  # the first sentence, no backticks
    assert first["claim_id"] in text and first["statement"] in text


def test_canned_query_page_shows_its_title_and_rows(server, tmp_path):
    query = queries.CLAIMS_WITHOUT_PRIMARY_SOURCE_SEEN
    text = seen(f"{server}/{NAME}/{query.name}", tmp_path / "profile")
    assert query.title in text
    with urllib.request.urlopen(
        f"{server}/{NAME}/{query.name}.json?_shape=array&_size=max"
    ) as response:
        rows = json.load(response)
    assert rows and rows[0]["claim_id"] in text and rows[0]["sourcing_level"] in text


# --- the journalist's five questions, each on one page -----------------------------------------


def rows_shown(text: str) -> int:
    found = re.search(r"([\d,]+) rows?\b", text)
    assert found, text[:500]
    return int(found.group(1).replace(",", ""))


def test_quotes_with_their_speakers(server, tmp_path):
    text = seen(f"{server}/{NAME}/{queries.QUOTE_OVERVIEW.name}?_size=max", tmp_path / "profile")
    names = {r["entity_id"]: r["name"] for r in csv_rows("entities")}
    quotes = csv_rows("quotes")
    assert rows_shown(text) == len(quotes)
    for quote in quotes:
        assert quote["quote_id"] in text and names[quote["speaker_entity_id"]] in text


def test_claims_without_a_primary_source_seen(server, tmp_path):
    query = queries.CLAIMS_WITHOUT_PRIMARY_SOURCE_SEEN
    text = seen(f"{server}/{NAME}/{query.name}?_size=max", tmp_path / "profile")
    # computed from claim_sources, not from sourcing_level: an origin whose words were read
    seen_origin = {
        r["claim_id"]
        for r in csv_rows("claim_sources")
        if r["basis"] == "origin" and r["document_status"] in ("seen", "seen_in_copy")
    }
    want = [c["claim_id"] for c in csv_rows("claims") if c["claim_id"] not in seen_origin]
    assert want and rows_shown(text) == len(want)
    assert all(claim_id in text for claim_id in want)


def test_all_numbers(server, tmp_path):
    text = seen(f"{server}/{NAME}/{queries.NUMBER_OVERVIEW.name}?_size=max", tmp_path / "profile")
    numbers = csv_rows("quantities")
    assert rows_shown(text) == len(numbers)
    for number in numbers:
        assert number["quantity_id"] in text
        if number["value_number"] and float(number["value_number"]).is_integer():
            assert (
                f"{int(float(number['value_number']))}.0" not in text.split()
            )  # 40000, not 40000.0


def test_claims_contradicted_or_partly_supported(server, tmp_path):
    text = seen(f"{server}/{NAME}/{queries.CLAIMS_QUESTIONED.name}?_size=max", tmp_path / "profile")
    # the three-way union, by hand: checks of the claim, of its numbers, of its quotation
    claims, numbers = csv_rows("claims"), csv_rows("quantities")
    questioned = set()
    for check in csv_rows("corroborations"):
        if check["relation"] not in ("contradicts", "partially_supports"):
            continue
        if check["target_table"] == "claims":
            questioned.add(check["target_id"])
        elif check["target_table"] == "quantities":
            questioned |= {n["claim_id"] for n in numbers if n["quantity_id"] == check["target_id"]}
        elif check["target_table"] == "quotes":
            questioned |= {c["claim_id"] for c in claims if c["quote_id"] == check["target_id"]}
    assert questioned and rows_shown(text) == len(questioned)
    assert all(claim_id in text for claim_id in questioned)
    assert "Data license" in text  # a view's page, with the footer


def test_the_sentence_behind_a_claim(server, tmp_path):
    claim = "clm-010"
    text = seen(
        f"{server}/{NAME}/{queries.CLAIM_IN_CONTEXT.name}?claim_id={claim}", tmp_path / "profile"
    )
    article = (REPO / "sources" / "article-2025-02-04-bukele-cecot.txt").read_text(encoding="utf-8")
    spans = [
        s
        for s in csv_rows("spans")
        if s["target_table"] == "claims" and s["target_id"] == claim and s["role"] == "content"
    ]
    sentences = [
        sentence
        for sentence in split_sentences(article)
        if any(
            sentence.start < int(s["end_char"]) and int(s["start_char"]) < sentence.end
            for s in spans
        )
    ]
    assert sentences and rows_shown(text) == len(sentences)
    assert all(" ".join(sentence.text.split()) in text for sentence in sentences)


# --- what else a reader meets -----------------------------------------------------------------


def test_a_document_link_never_reads_none(server, tmp_path):
    for table in ("claims", "quotes"):
        page = dom(f"{server}/{NAME}/{table}?_size=max", tmp_path / f"profile-{table}")
        links = re.findall(
            r'<a href="[^"]*/documents/([^"]+)">([^<]*)</a>(?:&nbsp;<em>[^<]*</em>)?', page
        )
        assert links, table
        assert all(label.strip() and label != "None" for _, label in links), table
        assert "None doc-" not in VisibleText.of(page)


def test_the_licence_link_is_on_a_table_page(server, tmp_path):
    licence = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))["licenses"][0][
        "path"
    ]
    page = dom(f"{server}/{NAME}/claims", tmp_path / "profile")
    assert re.search(rf'<a href="{re.escape(licence)}">[^<]*CC-BY-4.0', page)


def test_searching_rubio_finds_his_quotes(server, tmp_path):
    rubio = {r["entity_id"] for r in csv_rows("entities") if "Rubio" in r["name"]}
    his = [q["quote_id"] for q in csv_rows("quotes") if q["speaker_entity_id"] in rubio]
    assert his
    text = seen(f"{server}/{NAME}/quotes?_search=Rubio&_size=max", tmp_path / "profile")
    assert all(quote_id in text for quote_id in his)
    everywhere = seen(f"{server}/-/search?q=Rubio", tmp_path / "profile-all")
    assert re.search(r"\d+ results? in [^:]+: quotes", everywhere), everywhere[:2000]
