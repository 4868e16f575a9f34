"""The dialect a CSV file was saved in: its encoding, delimiter and line ending.

The canonical dialect is UTF-8, `,` and LF (validate/canonical.py). A spreadsheet in a European
locale saves `;`; "Text CSV" with tab separators saves tabs; "Unicode" saves UTF-16 behind a
byte order mark; an older Excel or LibreOffice's "Western Europe (Windows-1252)" saves cp1252.
Reading such a file with the canonical dialect does not fail cleanly: a `;` file reads as one
column per row (or stops at the first quoted cell), and every tool after it goes wrong. So each
tool asks here first, and names what it found.

Detection reads the bytes: a byte order mark decides the encoding; otherwise UTF-8, or cp1252
when the file is not UTF-8 and reads as text in cp1252. The delimiter is the one of `,` `;` tab
that occurs most often outside quotes on the first line (the header, whose names never hold one).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

from .errors import CannotRun

DELIMITERS = {",": "','", ";": "';'", "\t": "tab"}
# Byte order marks, longest first (UTF-32 is not what spreadsheets save, so it is not listed)
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with a byte order mark"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
)
UTF8 = frozenset({"utf-8", "utf-8-sig"})
# A control character other than tab, CR and LF: the file is binary, or not the encoding guessed
# A character of two to four bytes in UTF-8: a file holding one and bytes that are not UTF-8 mixes encodings
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FIX = "python -m validate normalize datapackage.json"
FIX_HINT = (
    f"Run `{FIX}` (or `validate-dataset normalize`): it converts the file to UTF-8, ',' and LF "
    "when its header and every row then match the schema, and otherwise changes nothing and says why."
)


# The load errors (resource-files) of a table read in no dialect: no later check judges its bytes or rows
CODES = ("foreign-dialect", "mixed-dialect")


@dataclass(frozen=True)
class Dialect:
    """How a file is written: codec name (for bytes.decode), delimiter, and its first line ending."""

    encoding: str
    delimiter: str = ","
    line_ending: str = "\n"

    @property
    def foreign(self) -> bool:
        """True when the canonical reader (UTF-8, ',') would misread the file."""
        return self.encoding not in UTF8 or self.delimiter != ","

    @property
    def encoding_name(self) -> str:
        """The encoding in words: "UTF-16 LE", "Windows-1252 (cp1252)"."""
        named = next((words for _, codec, words in BOMS if codec == self.encoding), None)
        return named or {"utf-8": "UTF-8", "cp1252": "Windows-1252 (cp1252)"}.get(
            self.encoding, self.encoding
        )

    def describe(self) -> str:
        """The dialect in words: "';'-separated, UTF-16 LE, CR LF line endings"."""
        ending = {"\r\n": "CR LF", "\r": "CR", "\n": "LF"}.get(self.line_ending, "no")
        return (
            f"{DELIMITERS[self.delimiter]}-separated, {self.encoding_name}, {ending} line endings"
        )


class UnknownEncoding(ValueError):
    """The bytes are neither UTF-8 (with or without a BOM), UTF-16 behind a BOM, nor cp1252 text."""


def detect(data: bytes) -> Dialect:
    """The dialect of CSV bytes; raises UnknownEncoding when no encoding a spreadsheet saves reads them."""
    text = decode(data, encoding := _encoding(data))
    return Dialect(encoding, _delimiter(text), _line_ending(text))


def decode(data: bytes, encoding: str) -> str:
    """The text of `data` in `encoding`, without its byte order mark."""
    return data.decode(encoding).removeprefix("\ufeff")


def foreign(data: bytes, text: str | None = None) -> Dialect | None:
    """The dialect of a table's bytes when the canonical reader would misread them, else None.

    `text` is the bytes decoded as UTF-8 when they are (then only the header line is looked at: a large
    table is not decoded twice). None too when no known encoding reads them: the reader's own error
    (not UTF-8) says where."""
    if text is not None:
        delimiter = _delimiter(text[:4096].removeprefix("\ufeff"))
        if delimiter == ",":
            return None
        encoding = "utf-8-sig" if text.startswith("\ufeff") else "utf-8"
        return Dialect(encoding, delimiter, _line_ending(text[:65536]))
    try:
        found = detect(data)
    except UnknownEncoding:
        return None
    return found if found.foreign else None


def misread(load_errors: list, path: str) -> bool:
    """True when the table at `path` was not read because of its dialect (its load error says so once)."""
    return any(error.code in CODES and error.file == path for error in load_errors)


def refuse_misread(load_errors: list, command: str) -> None:
    """Raise CannotRun when a table was not read because of its dialect: every tool that writes asks here first.

    A writer that went on would read a `;` file as one column per row and write back what it misread
    (`fill` once set every claim's sourcing_level to unknown so)."""
    for error in load_errors:
        if error.code in CODES:
            raise CannotRun(
                f"{command} cannot run: {error.message} {error.hint} Nothing was written."
            )


def foreign_message(path: str, found: Dialect) -> str:
    """One sentence naming the file and the dialect found."""
    return (
        f"{path} is saved as {found.describe()}, not as UTF-8 with ',' separators: "
        "read that way, its header and rows would be misread."
    )


MIXED_HINT = (
    "Write that row with ',' separators like the others (or save the whole file again from the spreadsheet, "
    f"then run `{FIX}`)."
)


def mixed_message(path: str, stray: tuple[int, str]) -> str:
    """One sentence naming the file, the line, and the delimiter that line uses."""
    return (
        f"{path} line {stray[0]} is {stray[1]}-separated, unlike the rest of the file (','): "
        "the file mixes dialects, so its rows would be misread."
    )


def stray_line(text: str, delimiter: str, width: int) -> tuple[int, str] | None:
    """The first record that has not `width` cells but has them when its lines are split by another delimiter.

    Returns (its line, that delimiter's name); None when no record reads so. A file mixing dialects (a `;`
    row appended to a `,` file, say) is found here; a row that is merely short is not."""
    lines = io.StringIO(
        text, newline=""
    ).readlines()  # the physical lines, as the reader counts them
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not cells or len(cells) == width:
                continue
            raw = "".join(lines[start - 1 : line - 1]).rstrip("\r\n")
            for other in DELIMITERS:
                if other != delimiter and len(_split(raw, other)) == width:
                    return start, DELIMITERS[other]
    except csv.Error:
        return None
    return None


def _split(record: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(record, newline=""), delimiter=delimiter), [])
    except csv.Error:
        return []


def _encoding(data: bytes) -> str:
    for bom, codec, _ in BOMS:
        if data.startswith(bom):
            try:
                data.decode(codec)
            except UnicodeDecodeError:
                raise UnknownEncoding(codec) from None
            return codec
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # cp1252 only when nothing in the file reads as UTF-8 beyond ASCII (else it mixes encodings), it holds no
    # UTF-16 byte order mark (FF FE: the start of a UTF-16 file pasted in), and it reads as text
    if not _UTF8_SEQUENCE.search(data) and b"\xff\xfe" not in data and b"\xfe\xff" not in data:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise UnknownEncoding("cp1252") from None
        if not _CONTROL.search(text):
            return "cp1252"
    raise UnknownEncoding("utf-8")


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    outside = re.sub(r'"[^"]*"', "", first)  # quoted names: their content is not a separator
    counts = {d: outside.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _line_ending(text: str) -> str:
    match = re.search(r"\r\n|\r|\n", text)
    return match.group(0) if match else "\n"
