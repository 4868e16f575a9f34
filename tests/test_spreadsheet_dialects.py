"""Files saved by a real spreadsheet (LibreOffice Calc, headless) in each CSV export setting that matters.

data/claim_sources.csv is opened as a contributor opens it (UTF-8, `,`) and saved again with a
separator (`,` `;` tab), a character set (UTF-8, UTF-16, Windows-1252) and "quote all text cells"
on or off. `normalize` must give back the canonical bytes exactly, or refuse with exit 2 and change
nothing where the content cannot be restored: Windows-1252 has no way to write most characters,
and Calc writes '?' for each. When soffice is absent the tests are skipped and say so; `.ci/run`
installs it (Debian's libreoffice-calc-nogui).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from validate import run
from validate.canonical import NotCSV, normalize_csv
from validate.cli import main

from .conftest import REPO

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (apt-get install -y --no-install-recommends "
    "libreoffice-calc-nogui; .ci/run does it as root)",
)

FILTER = "Text - txt - csv (StarCalc)"
# Calc's CSV filter options: separator, text delimiter ("), character set, first line; the 7th token
# is "quote all text cells". Character sets: 76 UTF-8, 65535 UTF-16 ("Unicode"), 1 Windows-1252.
SEPARATORS = {",": 44, ";": 59, "tab": 9}
CHARSETS = {"UTF-8": 76, "UTF-16": 65535, "Windows-1252": 1}
OPENED_AS_UTF8 = f"{FILTER}:44,34,76,1"


@pytest.fixture(scope="session")
def calc(tmp_path_factory):
    """Save a CSV file from Calc with export options; one user profile per test process."""
    profile = tmp_path_factory.mktemp("libreoffice-profile")

    def save(source: Path, separator: str, charset: str, quote_all: bool) -> bytes:
        options = f"{SEPARATORS[separator]},34,{CHARSETS[charset]},1,,0,{str(quote_all).lower()},true,true"
        out = source.parent / f"saved-{SEPARATORS[separator]}-{CHARSETS[charset]}-{quote_all}"
        subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                f"--infilter={OPENED_AS_UTF8}",
                "--convert-to",
                f"csv:{FILTER}:{options}",
                "--outdir",
                str(out),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        return (out / source.name).read_bytes()

    return save


def fields(table: str) -> list[dict]:
    return json.loads((REPO / "schemas" / f"{table}.schema.json").read_text(encoding="utf-8"))[
        "fields"
    ]


# Every separator in every character set; "quote all text cells" changes only the quoting, so once per separator
SETTINGS = [(separator, charset, False) for separator in SEPARATORS for charset in CHARSETS] + [
    (separator, "UTF-8", True) for separator in SEPARATORS
]


@pytest.mark.parametrize(("separator", "charset", "quote_all"), SETTINGS)
def test_every_export_setting_comes_back_byte_identical(
    calc, tmp_path, separator, charset, quote_all
):
    original = (REPO / "data" / "claim_sources.csv").read_bytes()
    source = tmp_path / "claim_sources.csv"
    source.write_bytes(original)
    saved = calc(source, separator, charset, quote_all)
    if (separator, charset, quote_all) != (",", "UTF-8", False):
        assert saved != original  # the setting changed the form, so normalize has work to do
    # the shipped table's characters (’ ‘) are all in Windows-1252, so every setting can be undone
    result = normalize_csv(saved, fields("claim_sources"))
    assert result.data == original, result.changes


def test_characters_windows_1252_cannot_hold_are_refused_not_guessed(calc, tmp_path):
    original = (REPO / "data" / "claim_sources.csv").read_text(encoding="utf-8")
    first_note = original.index("Reviewed ")
    text = original[:first_note] + "Őrült → " + original[first_note:]  # no cp1252 byte for Ő or →
    source = tmp_path / "claim_sources.csv"
    source.write_text(text, encoding="utf-8")
    saved = calc(source, ";", "Windows-1252", False)
    assert b"?" in saved and "Őrült".encode() not in saved  # Calc wrote '?' for what it could not
    with pytest.raises(NotCSV, match=r"read as ';'-separated, Windows-1252 \(cp1252\).* '\?'"):
        normalize_csv(saved, fields("claim_sources"))


@pytest.fixture
def saved_package(calc, minimal_package, tmp_path):
    """The minimal package with data/claim_sources.csv saved by Calc as ';'-separated UTF-16, every text quoted."""
    table = minimal_package.parent / "data" / "claim_sources.csv"
    original = table.read_bytes()
    copy = tmp_path / "opened" / "claim_sources.csv"
    copy.parent.mkdir()
    copy.write_bytes(original)
    table.write_bytes(calc(copy, ";", "UTF-16", True))
    return minimal_package, original


def test_the_validator_names_the_dialect_once(saved_package):
    descriptor, _ = saved_package
    errors = [
        (e.check, e.code, e.file, e.line)
        for e in run(descriptor).errors
        if e.file == "data/claim_sources.csv"
    ]
    assert errors == [("resource-files", "foreign-dialect", "data/claim_sources.csv", 1)]
    (error,) = [e for e in run(descriptor).errors if e.code == "foreign-dialect"]
    assert "';'-separated, UTF-16 LE" in error.message
    assert "python -m validate normalize datapackage.json" in error.hint


def test_fill_refuses_and_normalize_restores_the_package(saved_package, capsys):
    descriptor, original = saved_package
    root = descriptor.parent
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert main(["fill", str(descriptor)]) == 2
    err = capsys.readouterr().err
    assert "fill cannot run: data/claim_sources.csv is saved as ';'-separated, UTF-16 LE" in err
    assert "python -m validate normalize" in err
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
    assert main(["normalize", str(descriptor)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "data/claim_sources.csv: converted from UTF-16 LE to UTF-8; converted ';' separators to ','"
    )
    assert (root / "data" / "claim_sources.csv").read_bytes() == original
    assert run(descriptor).valid
    assert descriptor.read_bytes() == before[descriptor]  # the recorded hash was the original's
