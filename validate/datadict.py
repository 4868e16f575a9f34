"""The data dictionary: the per-table field reference, generated from the Table Schemas.

docs/data-dictionary.md holds the generated text between two markers; a test fails when the two
differ, and `python -m validate dictionary --update docs/data-dictionary.md` rewrites that block (and only it).
"""

from __future__ import annotations

import json
from pathlib import Path

START, END = "<!-- data-dictionary:start -->", "<!-- data-dictionary:end -->"


def render(descriptor_path: Path) -> str:
    """Return the Markdown data dictionary of every table resource, in descriptor order."""
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    parts = []
    for resource in descriptor["resources"]:
        if resource.get("type") != "table":
            continue
        schema = json.loads((descriptor_path.parent / resource["schema"]).read_text(encoding="utf-8"))
        parts.append(f"### {resource['name']} (`{resource['path']}`)\n\n{schema['description']}\n")
        parts.append(f"Primary key: `{', '.join(schema['primaryKey'])}`."
                     + "".join(f" `{', '.join(fk['fields'])}` → `{fk['reference'].get('resource', resource['name'])}.{', '.join(fk['reference']['fields'])}`."
                               for fk in schema.get("foreignKeys", [])) + "\n")
        parts.append("| field | type | required | description | example | allowed values |\n| --- | --- | --- | --- | --- | --- |")
        for field in schema["fields"]:
            constraints = field.get("constraints", {})
            allowed = ", ".join(f"`{v}`" for v in constraints["enum"]) if "enum" in constraints else (
                f"pattern `{constraints['pattern']}`" if "pattern" in constraints else "")
            cells = [f"`{field['name']}`", field["type"] + (f" ({field['format']})" if "format" in field else ""),
                     "yes" if constraints.get("required") else "", field["description"], f"`{field['example']}`" if field["example"] else "", allowed]
            parts.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        parts.append("")
    return "\n".join(parts)


def replace_block(readme: str, dictionary: str) -> str:
    """Return `readme` with the text between the markers replaced by `dictionary`."""
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{dictionary}{END}{tail}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")
