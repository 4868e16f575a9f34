"""Build every output into dist/, all or nothing, from a package that passes validation.

The outputs are written into a temporary folder beside dist/ and renamed into place only
when all of them are ready; a failure leaves the previous dist/ untouched.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..runner import Result, run
from . import codebook, datasette, model, parquet, sqlite, xlsx


@dataclass(frozen=True)
class Outputs:
    """Where each output is, inside a dist folder."""

    folder: Path
    name: str

    @property
    def sqlite(self) -> Path:
        return self.folder / f"{self.name}.sqlite"

    @property
    def metadata(self) -> Path:
        return self.folder / "metadata.json"

    @property
    def xlsx(self) -> Path:
        return self.folder / f"{self.name}.xlsx"

    @property
    def parquet(self) -> Path:
        return self.folder / "parquet"

    @property
    def codebook(self) -> Path:
        return self.folder / "codebook.csv"


class InvalidPackage(Exception):
    """The package does not pass validation; `result` holds the report."""

    def __init__(self, result: Result):
        super().__init__("the package is invalid")
        self.result = result


def about_lines(descriptor: dict, tables: list[model.Table]) -> list[tuple[str, str]]:
    """The workbook's about sheet: what it is, its version and licence, how to cite it, how the sheets join."""
    licence = (descriptor.get("licenses") or [{}])[0]
    joins = [f"{t.name}.{', '.join(fk.fields)} → {fk.target}.{', '.join(fk.target_fields)}" for t in tables for fk in t.foreign_keys]
    joins += [f"{t.name}.{t.link.id_field} → the table named in {t.name}.{t.link.table_field} ({', '.join(t.link.targets)})"
              for t in tables if t.link]
    return [("title", descriptor.get("title", "")), ("name", descriptor.get("name", "")), ("version", descriptor.get("version", "")),
            ("description", descriptor.get("description", "")),
            ("licence", f"{licence.get('name', '')} {licence.get('path', '')} for the data tables and schemas; "
                        "the article text is the publisher's copyright and is excluded (it is not in this workbook)."),
            ("how to cite", f"{descriptor.get('title', '')}, version {descriptor.get('version', '')} (data package "
                            f"{descriptor.get('name', '')}); see CITATION.cff in the package."),
            ("empty cells", "An empty cell means the value is absent (not known, not applicable or none); the row's "
                            "*_status column, where there is one, says which. It is never an empty text."),
            ("sheets", "Codebook: one row per table and column. Then one sheet per table, named after it.")] + [
            ("join", join) for join in joins]


def build(descriptor_path: Path, dist: Path) -> Outputs:
    """Validate the package, then build every output into `dist` (replaced whole). Raises InvalidPackage."""
    result = run(descriptor_path)
    if not result.valid:
        raise InvalidPackage(result)
    package = result.package
    descriptor = package.descriptor
    name = descriptor.get("name", "data")
    tables = model.tables(package)
    sentences = sqlite.sentence_table(package, tables)
    database_tables = tables + ([sentences] if sentences else []) + sqlite.link_tables(tables)
    dist.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=dist.parent, prefix=f".{dist.name}-"))
    try:
        outputs = Outputs(staging, name)
        available = sqlite.build(outputs.sqlite, database_tables)
        metadata = datasette.metadata(descriptor, outputs.sqlite.stem, database_tables, available)
        outputs.metadata.write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        xlsx.build(outputs.xlsx, tables, about_lines(descriptor, tables))
        parquet.build(outputs.parquet, tables)
        outputs.codebook.write_text(codebook.render(tables), encoding="utf-8", newline="")
        _replace(staging, dist)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Outputs(dist, name)


def _replace(staging: Path, dist: Path) -> None:
    if dist.exists():
        old = Path(tempfile.mkdtemp(dir=dist.parent, prefix=f".{dist.name}-old-"))
        dist.rename(old / dist.name)
        staging.rename(dist)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(dist)
    dist.chmod(0o755)
