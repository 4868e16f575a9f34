"""The tables as CSV files for spreadsheets: UTF-8 with a byte order mark, CRLF line ends, formulas defused.

The byte order mark makes Excel and LibreOffice read the file as UTF-8 ("who’s", not "whoâ€™s").
It does not stop them converting cells: "40,000" still becomes 40000 and "2025-02-04" a date
unless the reader imports every column as text (docs/exports.md, "Opening a CSV without damage").
Each cell is the package CSV's text, unchanged, except that a cell a spreadsheet would run as a
formula takes a leading apostrophe, as in codebook.csv (OWASP's CSV injection advice).
"""

from __future__ import annotations

import csv
from pathlib import Path

from .. import safepath
from .codebook import neutralise


def write(path: Path, root: Path, source: str) -> None:
    """Write the package's CSV `source` (relative to `root`, read under the path rule) to `path` for spreadsheets."""
    file = root / source
    why = safepath.link_in(root, file)
    if why is not None:
        raise ValueError(f"{source}: {why}; a table is read only as a regular file")
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        file.open(encoding="utf-8-sig", newline="") as reader,
        path.open("w", encoding="utf-8-sig", newline="") as writer,
    ):
        out = csv.writer(writer, lineterminator="\r\n")
        for row in csv.reader(reader):
            out.writerow([neutralise(cell) for cell in row])
