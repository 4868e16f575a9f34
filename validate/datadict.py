"""The data dictionary: the per-table field reference, generated from the Table Schemas.

docs/data-dictionary.md holds the generated text between two markers; a test fails when the two
differ, and `python -m validate dictionary --update docs/data-dictionary.md` rewrites that block (and only it).
"""

from __future__ import annotations

from pathlib import Path

from .checks._jsonschema import usable_schema
from .csvio import write_atomically
from .errors import CannotRun
from .limits import DEFAULT, Limits
from .package import UnsafePath, load, read_regular
from .safetext import visible

START, END = "<!-- data-dictionary:start -->", "<!-- data-dictionary:end -->"


class DictionaryError(ValueError):
    """The dictionary cannot be generated: a schema is missing or does not pass the profile."""


def render(descriptor_path: Path, limits: Limits = DEFAULT) -> str:
    """Return the Markdown data dictionary of every table resource, in descriptor order.

    Reads through the validator's loader (the one path rule, the limits); a schema that
    does not pass the Table Schema profile is refused, not half-rendered."""
    try:
        package = load(descriptor_path, limits)
    except CannotRun as error:
        raise DictionaryError(str(error)) from None
    parts = []
    for loaded in package.resources:
        resource = loaded.descriptor
        if resource.get("type") != "table":
            continue
        schema = usable_schema(package, loaded)
        if schema is None or not _documented(schema):
            raise DictionaryError(
                f"resource {loaded.name!r}: its schema cannot be read or does not pass the Table Schema profile "
                "(with a description, and a description and example for every field); run `python -m validate`"
            )
        parts.append(
            visible(f"### {resource['name']} (`{resource['path']}`)")
            + f"\n\n{_cell(schema['description'])}\n"
        )
        parts.append(
            f"Primary key: `{', '.join(schema['primaryKey'])}`."
            + "".join(
                f" `{', '.join(fk['fields'])}` → `{fk['reference'].get('resource', resource['name'])}.{', '.join(fk['reference']['fields'])}`."
                for fk in schema.get("foreignKeys", [])
            )
            + "\n"
        )
        parts.append(
            "| field | type | required | description | example | allowed values |\n| --- | --- | --- | --- | --- | --- |"
        )
        for field in schema["fields"]:
            constraints = field.get("constraints", {})
            allowed = (
                ", ".join(f"`{v}`" for v in constraints["enum"])
                if "enum" in constraints
                else (f"pattern `{constraints['pattern']}`" if "pattern" in constraints else "")
            )
            cells = [
                f"`{field['name']}`",
                field["type"] + (f" ({field['format']})" if "format" in field else ""),
                "yes" if constraints.get("required") else "",
                field["description"],
                f"`{field['example']}`" if field["example"] else "",
                allowed,
            ]
            parts.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        parts.append("")
    return "\n".join(parts)


def _documented(schema: dict) -> bool:
    return (
        isinstance(schema.get("description"), str)
        and isinstance(schema.get("primaryKey"), list)
        and all(
            isinstance(f, dict)
            and isinstance(f.get("description"), str)
            and isinstance(f.get("example"), str)
            for f in schema["fields"]
        )
    )


def replace_block(readme: str, dictionary: str, start: str = START, end: str = END) -> str:
    """Return `readme` with the text between the markers (the data dictionary's, unless given) replaced by `dictionary`."""
    head, _, rest = readme.partition(start)
    _, _, tail = rest.partition(end)
    return f"{head}{start}\n{dictionary}{end}{tail}"


def update(document: Path, dictionary: str) -> bool:
    """Rewrite the block between the markers of `document` with `dictionary`; return True if the file changed.

    Raises DictionaryError when the file cannot be read or has no block (nothing is written then)."""
    try:
        text = read_regular(document.resolve(), DEFAULT, "file-bytes", str(document)).decode(
            "utf-8"
        )
    except UnsafePath as error:
        raise DictionaryError(str(error)) from None
    if START not in text or END not in text:
        raise DictionaryError(f"{document} has no {START} ... {END} block")
    return write_atomically(document, replace_block(text, dictionary).encode("utf-8"))


def _cell(text: str) -> str:
    return visible(text.replace("\n", "<br>")).replace("|", "\\|")
