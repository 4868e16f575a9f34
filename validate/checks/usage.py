"""usage: no entity or document that nothing uses.

An entity is used when a row refers to it (a claim's subject or attribution, a quote's
speaker, a quantity's `about`, an image's creator or agency, a document's publisher) or a
span mentions it. A document is used when a row refers to it (as the document a claim,
quote, image or span belongs to, a quote's origin, another document's source) or a span
targets it. An unused row is either a leftover or a missing link.

PASS: ent-lake-coatepeque with a mention span
FAIL: ent-lake-coatepeque with nothing pointing at it  ->  unused-entity
"""

from __future__ import annotations

from collections.abc import Iterator

from ..csvio import among
from ..errors import Code, Error, Place
from ..model import Model, from_package
from ..package import Package
from ._rows import key_of, path_of, rows, unreadable

ID = "usage"
SUMMARY = "Every entity and every document is used by some record or span."

_UNUSED_HINT = "Link it from the record that concerns it (or add a mention span), or delete the row if it is a leftover."
CODES = {
    "unused-entity": Code("An entity that no record refers to and no span mentions: a leftover, or a missing link.", _UNUSED_HINT),
    "unused-document": Code("A document that no record or span belongs to or refers to: a leftover, or a missing link.", _UNUSED_HINT),
}


def check(package: Package) -> Iterator[Error]:
    """Yield one error per unused entity or document."""
    model = from_package(package)
    referencing = {"entities": model.referencing("entities"), "documents": model.referencing("documents")}
    if unreadable(package, *{p.table for p in model.polymorphic}, *referencing["entities"], *referencing["documents"]):
        return  # resource-files reports the unreadable table; nothing sound can be said here
    yield from _unused(package, model, "entities", referencing["entities"], "unused-entity")
    yield from _unused(package, model, "documents", referencing["documents"], "unused-document")


def _unused(package: Package, model: Model, table: str, references: dict[str, list[str]], code: str) -> Iterator[Error]:
    key = key_of(package, table)
    if not key:
        return  # no declared key: schema-profile reports the schema
    used = {cell for name, columns in references.items() if (source := package.table(name)) for column in columns for cell in source.column(column)}
    for reference in model.polymorphic:
        if table in reference.targets:
            naming = rows(package, reference.table, [reference.id_field, reference.table_field], among(reference.table_field), [[table]])
            used |= {r.cells.get(reference.id_field, "") for r in naming if r.cells.get(reference.table_field) == table}
    source = package.table(table)
    for index, value in enumerate(source.column(key) if source else ()):
        if value not in used:
            row, line = source.place(index)  # type: ignore[union-attr]  # enumerate(()) when there is no table
            yield Error.at(Place(path_of(package, table), line, row), key, code, f"{value} is not used by any record or span.", hint="Link it from the record that concerns it (or add a mention span), or delete the row if it is a leftover.")
