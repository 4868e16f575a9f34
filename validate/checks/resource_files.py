"""resource-files: every resource's file exists inside the package, is readable UTF-8, and
matches the `bytes` and `hash` the descriptor records for it.

frictionless silently skips a hash it does not support (`SHA256:`, `sha1:`) and skips
every hash once its error limit is reached; this check always recomputes sha256 itself.
It also reports files that cannot be read at all (missing, a folder, a link leaving the
package, not UTF-8, saved as ';'-separated, UTF-16 or Windows-1252 by a spreadsheet
(`foreign-dialect`), not parseable as CSV, empty, a cell over the `cell-chars` limit of
1,000,000 characters), and references the validator will not follow (URLs, remote profiles).

PASS: "bytes": 5695, "hash": "sha256:<the file's sha256>"
FAIL: the file was edited after `python -m validate fill` last ran -> hash-mismatch
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..dialect import FIX_HINT, MIXED_HINT, misread
from ..errors import Code, Error, Place
from ..package import Package

ID = "resource-files"
SUMMARY = "Each resource file exists inside the package, reads as UTF-8 (and CSV), and matches its recorded bytes and sha256."

_SHA256 = re.compile(r"^sha256:([0-9a-f]{64})$")
_FILL_HINT = "If the change to the file is intended, run `python -m validate fill` to record the new size and hash."

_PATH_FIX = "Use a relative path inside the package folder, without `..`, links or URLs."
# none by name: it reads whatever tables the package has (validate/applies.py)
TABLES: tuple[str, ...] = ()

CODES = {
    "missing-path": Code(
        "A resource has no `path`, so there is no file to read.",
        "Add the relative path of its file, e.g. data/claims.csv.",
    ),
    "unsafe-path": Code(
        "A path in the descriptor is not a plain relative path to a file inside the package (it is empty, absolute, "
        "climbs out with `..`, is inside `.git/`, or names a property this package does not allow).",
        _PATH_FIX,
    ),
    "remote-reference": Code(
        "The descriptor or a schema points at a URL, a remote or non-standard profile, or a `$ref`: the validator "
        "fetches nothing and reads nothing outside the package.",
        "Put the file in the package and give its relative path, or write the object out in full.",
    ),
    "missing-file": Code(
        "The file a resource or its dialect names does not exist.",
        "Add the file, or correct the path.",
    ),
    "link-not-followed": Code(
        "A path in the descriptor names a symbolic link, or goes through one: links are never followed, not even "
        "to a file inside the package, and the file is not read.",
        "Commit the file itself in place of the link.",
    ),
    "not-a-file": Code(
        "The path names a folder or another thing that is not a regular file (a FIFO, socket or device).",
        "Point the path at a regular file.",
    ),
    "unreadable-file": Code(
        "The file exists but cannot be opened, or changed while it was being read.",
        "Check the file's permissions; validate again once nothing is writing to it.",
    ),
    "limit-exceeded": Code(
        "A file, table or schema is past one of the limits on what the validator reads (size, cells, columns, "
        "nesting, ...); it is not read, and the run ends with exit 2.",
        "Make the file smaller, or raise the limit with `--limit NAME=N` (docs/limits.md).",
    ),
    "not-utf8": Code(
        "The file is not UTF-8 text: the message gives the first byte that cannot be decoded.",
        "Save the file as UTF-8 (in Excel: 'CSV UTF-8'; in LibreOffice: character set 'Unicode (UTF-8)').",
    ),
    "foreign-dialect": Code(
        "The table is saved in another CSV dialect than UTF-8 with ',' separators: ';' or tab separators, UTF-16, or "
        "Windows-1252, as a spreadsheet saves it. It is not read (its rows would be misread); the message names the "
        "dialect found.",
        FIX_HINT,
    ),
    "mixed-dialect": Code(
        "A row of a ','-separated table is separated by ';' or tabs (a row another tool appended); the table is not "
        "read, and the message gives the row's line.",
        MIXED_HINT,
    ),
    "unparsable-csv": Code(
        "The table cannot be read as CSV (an unclosed quotation mark, say).",
        "Check for an unclosed quotation mark or a stray quote inside a cell.",
    ),
    "empty-csv": Code(
        "The table's file is empty: it has no header row.",
        "Put the header row (the column names of its schema) on line 1.",
    ),
    "missing-schema": Code(
        "The Table Schema file a resource names does not exist, or is not a file.",
        "Add the schema file, or correct `schema`.",
    ),
    "unreadable-schema": Code(
        "The Table Schema file is not UTF-8, not valid JSON, or not a JSON object.",
        "Fix the JSON syntax there (a missing comma, quote or bracket is the usual cause); save it as UTF-8.",
    ),
    "bytes-mismatch": Code(
        "The file's size differs from the `bytes` the descriptor records: the file changed since they were recorded.",
        _FILL_HINT,
    ),
    "hash-mismatch": Code(
        "The file's sha256 differs from the `hash` the descriptor records: the file changed since it was recorded.",
        _FILL_HINT,
    ),
}


def check(package: Package) -> Iterator[Error]:
    """Yield load problems, then byte-count and hash mismatches."""
    yield from package.load_errors
    for resource in package.resources:
        fingerprint = resource.fingerprint()
        if fingerprint is None or misread(package.load_errors, resource.path):
            continue  # a file in another dialect changed, and its dialect error says what to run
        size, sha256 = fingerprint
        where = f"$.resources[{resource.index}]"
        recorded_bytes = resource.descriptor.get("bytes")
        if isinstance(recorded_bytes, int) and recorded_bytes != size:
            yield Error.at(
                Place(package.descriptor_file, package.descriptor_line(f"{where}.bytes")),
                f"{where}.bytes",
                "bytes-mismatch",
                f"{resource.path} has {size} bytes but the descriptor records {recorded_bytes}.",
                hint=_FILL_HINT,
            )
        match = _SHA256.match(str(resource.descriptor.get("hash", "")))
        if match and sha256 != match.group(1):  # other forms are reported by descriptor-profile
            yield Error.at(
                Place(package.descriptor_file, package.descriptor_line(f"{where}.hash")),
                f"{where}.hash",
                "hash-mismatch",
                f"{resource.path} has sha256 {sha256} but the descriptor records {match.group(1)}.",
                hint=_FILL_HINT,
            )
