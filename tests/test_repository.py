"""Acceptance: the package this repository publishes is valid, and its facts hold."""

from __future__ import annotations

import hashlib

from validate import run
from validate.cli import main
from validate.csvio import parse_csv

from .conftest import REPO

SNAPSHOT = REPO / "sources" / "article-2025-02-04-bukele-cecot.txt"


def test_the_repository_package_is_valid(capsys):
    assert main([str(REPO / "datapackage.json"), "--format", "text"]) == 0, capsys.readouterr().out


def test_the_snapshot_is_the_article_as_received():
    data = SNAPSHOT.read_bytes()
    assert (
        hashlib.sha256(data).hexdigest()
        == "399ae02c29eb91ee268f3debf8da5ba018d2bf1d89070987007a38366d17cc6e"
    )
    assert (
        len(data.decode("utf-8")) == 5531
        and not data.startswith(b"\xef\xbb\xbf")
        and not data.endswith(b"\n")
    )


def test_every_table_has_rows():
    result = run(REPO / "datapackage.json")
    assert all(rows > 0 for rows in result.table_rows().values()), result.table_rows()


def test_every_advertisement_marker_is_excluded_with_a_reason():
    spans = parse_csv((REPO / "data" / "spans.csv").read_text(encoding="utf-8")).records
    markers = [s.cells for s in spans if s.cells["exact"] == "ADVERTISEMENT"]
    assert len(markers) == SNAPSHOT.read_text(encoding="utf-8").count("ADVERTISEMENT") > 0
    assert all(m["role"] == "non_content" and m["note"] for m in markers)
