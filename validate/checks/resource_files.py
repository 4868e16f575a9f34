"""resource-files: every resource's file exists inside the package, is readable UTF-8, and
matches the `bytes` and `hash` the descriptor records for it.

frictionless silently skips a hash it does not support (`SHA256:`, `sha1:`) and skips
every hash once its error limit is reached; this check always recomputes sha256 itself.
It also reports files that cannot be read at all (missing, a folder, a link leaving the
package, not UTF-8, not parseable as CSV, empty).

PASS: "bytes": 5695, "hash": "sha256:<the file's sha256>"
FAIL: the file was edited after `python -m validate fill` last ran -> hash-mismatch
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..errors import Error, Place
from ..package import Package

ID = "resource-files"
SUMMARY = "Each resource file exists inside the package, reads as UTF-8 (and CSV), and matches its recorded bytes and sha256."

_SHA256 = re.compile(r"^sha256:([0-9a-f]{64})$")
_FILL_HINT = "If the change to the file is intended, run `python -m validate fill` to record the new size and hash."


def check(package: Package) -> Iterator[Error]:
    """Yield load problems, then byte-count and hash mismatches."""
    yield from package.load_errors
    for resource in package.resources:
        fingerprint = resource.fingerprint()
        if fingerprint is None:
            continue
        size, sha256 = fingerprint
        where = f"$.resources[{resource.index}]"
        recorded_bytes = resource.descriptor.get("bytes")
        if isinstance(recorded_bytes, int) and recorded_bytes != size:
            yield Error.at(Place(package.descriptor_file, package.descriptor_line(f"{where}.bytes")), f"{where}.bytes", "bytes-mismatch", f"{resource.path} has {size} bytes but the descriptor records {recorded_bytes}.", hint=_FILL_HINT)
        match = _SHA256.match(str(resource.descriptor.get("hash", "")))
        if match and sha256 != match.group(1):  # other forms are reported by descriptor-profile
            yield Error.at(Place(package.descriptor_file, package.descriptor_line(f"{where}.hash")), f"{where}.hash", "hash-mismatch", f"{resource.path} has sha256 {sha256} but the descriptor records {match.group(1)}.", hint=_FILL_HINT)
