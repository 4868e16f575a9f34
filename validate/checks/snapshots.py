"""snapshots: every snapshot we hold is the exact text the data was made from.

Every text resource must be the snapshot of a document, and a document with `snapshot_path` must point at a file that is also a resource of the
package (so the descriptor hashes it); the file's sha256 must equal `snapshot_sha256`,
its length in code points must equal `snapshot_code_points`, and it must be UTF-8
without a BOM. Every offset in spans.csv depends on these bytes.

PASS: snapshot_sha256 = 399ae02c…6e and the file hashes to 399ae02c…6e
FAIL: one character of the snapshot edited  ->  snapshot-hash
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from ..csvio import filled, whole_number
from ..errors import Code, Error, Place
from ..package import Package
from ._rows import path_of, rows

ID = "snapshots"
SUMMARY = "Each snapshot file is a package resource whose sha256 and code-point length match the documents table."

# the table it reads (validate/applies.py)
TABLES = ("documents",)

CODES = {
    "snapshot-unregistered": Code(
        "A text resource of the package is not the snapshot of any document (no documents.csv row names it).",
        "Add (or correct) the documents.csv row of the document this text is a snapshot of.",
    ),
    "snapshot-not-a-resource": Code(
        "A document's snapshot_path is not a resource of the package, so its hash is not recorded.",
        "Add the snapshot to `resources` in datapackage.json, or correct the path.",
    ),
    "snapshot-hash": Code(
        "The snapshot file's sha256 differs from the document's snapshot_sha256: the snapshot changed, or the hash is wrong.",
        "Snapshots are never edited: if the file changed, restore its original bytes from git; if the recorded hash is wrong, correct it.",
    ),
    "snapshot-length": Code(
        "The snapshot's length in code points differs from the document's snapshot_code_points.",
        "Snapshots are never edited: restore the original bytes from git.",
    ),
    "snapshot-bom": Code(
        "The snapshot file starts with a byte order mark, which shifts every offset by one.",
        "Remove the byte order mark (and check that the offsets were taken without it).",
    ),
}


def check(package: Package) -> Iterator[Error]:
    """Yield snapshot errors, one per document row and problem."""
    resources = {r.path: r for r in package.resources}
    file = path_of(package, "documents")
    named = ["snapshot_path", "snapshot_sha256", "snapshot_code_points"]
    documents = list(rows(package, "documents", named, filled("snapshot_path")))
    registered = {r.cells.get("snapshot_path", "") for r in documents}
    for resource in package.resources:
        if (
            not resource.is_table and resource.path and resource.path not in registered
        ):  # no path: resource-files reports it
            yield Error.at(
                Place(
                    package.descriptor_file,
                    package.descriptor_line(f"$.resources[{resource.index}].path"),
                ),
                f"$.resources[{resource.index}].path",
                "snapshot-unregistered",
                f"{resource.path} is a text resource but no document names it as its snapshot_path.",
                hint="Add (or correct) the documents.csv row of the document this text is a snapshot of.",
            )
    for record in documents:
        cells = record.cells
        path = cells.get("snapshot_path", "")
        if not path:
            continue
        snapshot = resources.get(path)
        if snapshot is None:
            yield Error.at(
                Place(file, record.line, record.row),
                "snapshot_path",
                "snapshot-not-a-resource",
                f"{path} is not a resource of the package, so its hash is not recorded.",
                hint="Add the snapshot to `resources` in datapackage.json, or correct the path.",
            )
            continue
        data = (
            snapshot.data
        )  # once: a table named as a snapshot has its bytes read again on each use
        if data is None:
            continue  # resource-files reports why it cannot be read
        actual = hashlib.sha256(data).hexdigest()
        if cells.get("snapshot_sha256") and actual != cells["snapshot_sha256"]:
            yield Error.at(
                Place(file, record.line, record.row),
                "snapshot_sha256",
                "snapshot-hash",
                f"{path} has sha256 {actual}, but documents.csv records {cells['snapshot_sha256']}.",
                hint="Snapshots are never edited: if the file changed, restore its original bytes from git; if the recorded hash is wrong, correct it.",
            )
        if data.startswith(b"\xef\xbb\xbf"):
            yield Error.at(
                Place(path, 1),
                "",
                "snapshot-bom",
                f"{path} starts with a byte order mark, which shifts every offset.",
            )
        recorded = cells.get("snapshot_code_points", "")
        if (
            snapshot.text is not None
            and whole_number(recorded) is not None
            and whole_number(recorded) != len(snapshot.text)
        ):
            yield Error.at(
                Place(file, record.line, record.row),
                "snapshot_code_points",
                "snapshot-length",
                f"{path} has {len(snapshot.text)} code points, not the recorded {recorded}.",
                hint="Snapshots are never edited: restore the original bytes from git.",
            )
