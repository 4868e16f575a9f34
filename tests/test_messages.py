"""Messages point at the character: where two texts differ, which look-alikes, the nearest match; no misleading follow-ups."""

from __future__ import annotations

import shutil
import subprocess
import sys
from types import SimpleNamespace

from validate import run
from validate.cli import main
from validate.errors import Error
from validate.reporters import GITHUB_ANNOTATION_LIMIT, render_github
from validate.textdiff import explain, nearest

from .conftest import REPO
from .expected_order import distinct_codes_first

SNAPSHOT = REPO / "sources" / "article-2025-02-04-bukele-cecot.txt"


def test_explain_names_curly_and_straight_apostrophes():
    assert explain(
        "Mr Bukele’s residence", "Mr Bukele's residence", expected_label="span", actual_label="text"
    ) == (
        "they differ at character 10:\n"
        "    span: Mr Bukele’s residence\n"
        "    text: Mr Bukele's residence\n"
        "                   ^\n"
        "    span has ’ (RIGHT SINGLE QUOTATION MARK), text has ' (APOSTROPHE): look-alike characters"
    )


def test_explain_lists_every_look_alike_pair():
    message = explain("“Great idea”", '"Great idea"')
    assert "“ (LEFT DOUBLE QUOTATION MARK)" in message
    assert (
        'all look-alikes that differ: “ (LEFT DOUBLE QUOTATION MARK) vs " (QUOTATION MARK); '
        '” (RIGHT DOUBLE QUOTATION MARK) vs " (QUOTATION MARK)'
    ) in message


def test_explain_recognises_nfc_and_nfd():
    assert "different Unicode forms (one is NFC, the other NFD" in explain("Perú", "Peru\u0301")


def test_nearest_finds_the_text_with_look_alikes_or_a_typo():
    text = SNAPSHOT.read_text(encoding="utf-8")
    assert nearest(text, "Mr Bukele's residence") == (756, "Mr Bukele’s residence")
    assert nearest(text, "Mr Bukele’s residance") == (756, "Mr Bukele’s residence")
    assert nearest(text, "zzzz qqqq xxxx wwww") is None


def test_anchor_suggests_the_nearest_match_and_names_the_look_alike():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "validate",
            "anchor",
            str(SNAPSHOT),
            "--text",
            "Mr Bukele's residence",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout.startswith(
        'error: the text "Mr Bukele\'s residence" does not occur in the snapshot; '
        "the nearest text is 'Mr Bukele’s residence' at start_char 756 (line 9): they differ at character 10:"
    )
    assert (
        "snapshot has ’ (RIGHT SINGLE QUOTATION MARK), yours has ' (APOSTROPHE): look-alike characters"
        in done.stdout
    )


def test_a_deleted_document_gives_no_follow_ups_about_dates_or_snapshots(tmp_path):
    for name in ("datapackage.json", "data", "schemas", "sources", "CHANGELOG.md", "CITATION.cff"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, tmp_path / name)
    documents = tmp_path / "data" / "documents.csv"
    documents.write_text(
        "".join(
            line
            for line in documents.read_text(encoding="utf-8").splitlines(keepends=True)
            if not line.startswith("doc-article,")
        ),
        encoding="utf-8",
    )
    messages = [e.message for e in run(tmp_path).errors]
    assert any("doc-article" in m for m in messages)  # the missing document itself is reported
    assert not [
        m for m in messages if "needs the document's date" in m or "has no readable snapshot" in m
    ]


def test_fill_says_a_missing_document_does_not_exist(minimal_package, capsys):
    spans = minimal_package.parent / "data" / "spans.csv"
    spans.write_text(
        spans.read_text(encoding="utf-8").replace("spn-0005,doc-sample,", "spn-0005,doc-gone,"),
        encoding="utf-8",
    )
    assert main(["fill", str(minimal_package)]) == 2
    assert "document 'doc-gone' does not exist in data/documents.csv" in capsys.readouterr().err


def test_annotations_show_each_code_before_a_second_of_the_same_code():
    repeated = [
        Error("table-frictionless", "foreign-key", f"ent-x unknown ({n})", "data/claims.csv", n)
        for n in range(2, 14)
    ]
    typo = Error("record-anchors", "verbatim-mismatch", "quote typo", "data/quotes.csv", 5)
    ordered = distinct_codes_first(repeated + [typo])
    assert [e.code for e in ordered[:3]] == ["foreign-key", "verbatim-mismatch", "foreign-key"]

    stub = SimpleNamespace(
        errors=[*repeated, typo],
        crashed=[],
        finished=True,
        checks=["table-frictionless", "record-anchors"],
        error_count=13,
        warning_count=0,
        valid=False,
    )
    annotations = [line for line in render_github(stub).splitlines() if line.startswith("::error ")]
    assert len(annotations) == GITHUB_ANNOTATION_LIMIT
    assert any("quote typo" in line for line in annotations)


def test_fill_names_the_look_alike_that_stops_it(minimal_package, capsys):
    spans = minimal_package.parent / "data" / "spans.csv"
    spans.write_text(
        spans.read_text(encoding="utf-8").replace(
            "spn-0005,doc-sample,27,35,Mr Rubio,", "spn-0005,doc-sample,,,Mr\u00a0Rubio,"
        ),
        encoding="utf-8",
    )
    before = spans.read_bytes()
    assert main(["fill", str(minimal_package)]) == 2
    err = capsys.readouterr().err
    assert (
        "spans.csv line 18 ('spn-0005'): the text 'Mr\\xa0Rubio' does not occur in the snapshot; the nearest text is 'Mr Rubio' at start_char 27"
        in err
    )
    assert (
        "snapshot has U+0020 (SPACE), yours has U+00A0 (NO-BREAK SPACE): look-alike characters"
        in err
    )
    assert spans.read_bytes() == before
