"""The one list of exports: each declared once, with its file, its readers, what it holds and its builder.

`build` runs the builders in this order into a staging folder; the table of docs/exports.md is
generated from this list (`python -m validate.exports.registry --update docs/exports.md`) and the
tests build, read and look up every export listed here. A new format is one `Export` below.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ..csvio import write_atomically
from ..datadict import replace_block
from ..versioning import published
from . import codebook, datasette, fit, parquet, site, spreadsheet_csv, sqlite, xlsx
from .fit import Limits, Misfit
from .queries import Query
from .tables import Table

START, END = "<!-- exports:start -->", "<!-- exports:end -->"
# The list of the committed exports (exports/), with their sizes, version and main's status
FILES_START, FILES_END = published.START, published.END
# Where a per-table export's file name takes the table's name, in the pattern and, as `<table>`, in the docs.
TABLE = "{table}"


@dataclass
class Context:
    """What the builders share: the package's descriptor and name, its tables, and what earlier builders made."""

    descriptor: dict
    name: str
    tables: list[Table]
    database_tables: list[Table]  # the tables, the article's sentences and the link tables
    database: str | None = (
        None  # the SQLite database's name in Datasette (its file's stem), once it is built
    )
    queries: list[Query] = field(
        default_factory=list
    )  # the views and canned queries that database can answer
    texts: dict[str, str] = field(default_factory=dict)  # each snapshot's text, by document ID
    # what dates the files that carry a date (the workbook's properties): the release's day, never the clock
    moment: datetime.datetime = xlsx.FIXED_MOMENT
    root: Path | None = None  # the package's folder, where the tables' CSV files are

    @property
    def data_tables(self) -> list[Table]:
        """The package's tables and the tables of data made beside them (`sqlite.generated_tables`), not the link tables."""
        made = set(sqlite.generated_tables([t.name for t in self.tables]))
        return self.tables + [t for t in self.database_tables if t.name in made]


# A builder writes one export: `place()` is its file, `place(table)` a per-table export's file for that table.
Builder = Callable[[Context, Callable[..., Path]], None]


@dataclass(frozen=True)
class Export:
    """One output of `exports`."""

    name: str
    pattern: str  # relative to the dist folder; {name} is the package's name, {table} makes one file per table
    readers: str  # the tools it is for
    description: str  # one line: what a reader finds in it
    builder: Builder
    limits: Limits | None = (
        None  # what its cells cannot hold (validate/exports/fit.py), if anything
    )
    # the Context list of tables it writes: "tables", "data_tables" (with the article's sentences) or "database_tables"
    writes: str = "tables"
    reserves: Callable[[list[Table]], dict[str, str]] | None = (
        None  # names it makes for itself, given the package's tables: {name: what it is}
    )

    @property
    def per_table(self) -> bool:
        """Whether the export is one file per table."""
        return TABLE in self.pattern

    def path(self, folder: Path, name: str, table: str | None = None) -> Path:
        """The export's file inside `folder`, for the package called `name` (and `table`, for a per-table export)."""
        if self.per_table != (table is not None):
            raise ValueError(
                f"export {self.name!r}: {'a table is needed' if self.per_table else 'it is not per table'}"
            )
        return folder / self.pattern.format(name=name, table=table)

    def files(self, name: str, tables: list[str]) -> list[str]:
        """Every file the export writes, relative to the dist folder, for a package called `name` with these tables
        (and the tables it makes from them, when it writes `data_tables`)."""
        if self.writes == "data_tables":
            tables = tables + sqlite.generated_tables(tables)
        return [
            self.pattern.format(name=name, table=t) for t in (tables if self.per_table else [None])
        ]

    def build(self, context: Context, folder: Path) -> None:
        """Write the export into `folder`."""
        self.builder(context, partial(self.path, folder, context.name))


def _sqlite(context: Context, place: Callable[..., Path]) -> None:
    path = place()
    context.queries = sqlite.build(path, context.database_tables)
    context.database = path.stem


def _metadata(context: Context, place: Callable[..., Path]) -> None:
    if context.database is None:  # it describes the database and the queries it answers
        raise ValueError(
            "metadata.json needs the SQLite database: list `sqlite` before `metadata` in EXPORTS"
        )
    document = datasette.metadata(
        context.descriptor, context.database, context.database_tables, context.queries
    )
    place().write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _xlsx(context: Context, place: Callable[..., Path]) -> None:
    made = context.data_tables[len(context.tables) :]
    about = xlsx.about_lines(context.descriptor, context.tables)
    about += [(f"sheet {t.name}", t.description) for t in made]
    xlsx.build(place(), context.tables, about, made, context.moment)


def _parquet(context: Context, place: Callable[..., Path]) -> None:
    for table in context.data_tables:
        path = place(table.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        parquet.write(path, table)


def _codebook(context: Context, place: Callable[..., Path]) -> None:
    place().write_text(codebook.render(context.tables), encoding="utf-8", newline="")


def _spreadsheet_csv(context: Context, place: Callable[..., Path]) -> None:
    if context.root is None:
        raise ValueError("the CSV files for spreadsheets need the package's folder (Context.root)")
    for table in context.tables:
        spreadsheet_csv.write(place(table.name), context.root, table.path)


def _site(context: Context, place: Callable[..., Path]) -> None:
    page = site.article_page(context.descriptor, context.tables, context.texts)
    path = place()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page.html, encoding="utf-8")


def _site_tables(context: Context, place: Callable[..., Path]) -> None:
    for table in context.tables:
        page = site.table_page(context.descriptor, context.tables, table)
        place(table.name).write_text(page.html, encoding="utf-8")


EXPORTS: tuple[Export, ...] = (
    Export(
        "sqlite",
        "{name}.sqlite",
        "Datasette, sqlite3, R (`RSQLite`), any SQL tool",
        "one table per CSV with SQL types, NOT NULL, primary and foreign keys, indexes on foreign-key columns; link tables "
        "for the polymorphic `target_table`/`target_id` pairs; `article_sentences`; full-text search; the views below",
        _sqlite,
        sqlite.LIMITS,
        "database_tables",
        sqlite.generated_names,
    ),
    Export(
        "metadata",
        "metadata.json",
        "Datasette",
        "title, licence, source, a description of every table, view and column, the canned queries",
        _metadata,
    ),
    Export(
        "xlsx",
        "{name}.xlsx",
        "Excel, LibreOffice, Google Sheets",
        "`About` sheet (version, licence, citation, joins), `Codebook` sheet, one sheet per table with frozen header, "
        "filters and fitted widths, and `article_sentences`",
        _xlsx,
        xlsx.LIMITS,
        "data_tables",
        xlsx.generated_names,
    ),
    Export(
        "parquet",
        "parquet/{table}.parquet",
        "pandas, DuckDB, R (`arrow`), Polars",
        "one file per table, typed and nullable from the schemas, each column's description in the field metadata; "
        "`article_sentences.parquet`",
        _parquet,
        parquet.LIMITS,
        "data_tables",
    ),
    Export(
        "csv-for-spreadsheets",
        "csv-for-spreadsheets/{table}.csv",
        "spreadsheets, imported as text",
        "the package's CSV files as UTF-8 with a byte order mark and CRLF line ends, each cell unchanged except that "
        "one a spreadsheet would run as a formula starts with an apostrophe; import them as text "
        "([Opening a CSV without damage](#opening-a-csv-without-damage)): the XLSX is the file for spreadsheets",
        _spreadsheet_csv,
    ),
    Export(
        "codebook",
        "codebook.csv",
        "everyone",
        "one row per table and column: type, required, constraints, allowed values with their meanings, description, example",
        _codebook,
    ),
    Export(
        "site",
        "site/index.html",
        "any web browser, no server needed",
        "the annotated article: every claim, caption, quote, number and finding highlighted from its spans, coloured "
        "by sourcing level or by what outside sources say, with a panel for the record, its sources and checks",
        _site,
    ),
    Export(
        "site-tables",
        "site/{table}.html",
        "any web browser",
        "one page per table, searchable and sortable, its references as links",
        _site_tables,
    ),
)


def file_patterns() -> list[str]:
    """A regular expression per export for the files it may write, for a package of any name and tables."""
    return [
        re.escape(export.pattern)
        .replace(re.escape("{name}"), "[^/]+")
        .replace(re.escape(TABLE), "[^/]+")
        for export in EXPORTS
    ]


def reserved_names(tables: list[Table]) -> dict[str, str]:
    """Every name the exports make for themselves for a package with these tables: {name: which export, what it is}.

    A resource may not take one of them: its table would be replaced by, or collide with, the generated one."""
    names: dict[str, str] = {}
    for export in EXPORTS:
        if export.reserves is not None:
            for name, what in export.reserves(tables).items():
                names.setdefault(name, f"{what} (export `{export.name}`)")
    return names


def reserved_prefixes() -> dict[str, str]:
    """Name prefixes no resource may take: {prefix: why}."""
    return {sqlite.INTERNAL_PREFIX: "SQLite's own tables (export `sqlite`)"}


def misfits(context: Context) -> Iterator[Misfit]:
    """Every value of the package some export cannot hold (validate/exports/fit.py), one pass over each table."""
    by_table: dict[str, dict[str, Limits]] = {}
    tables: dict[str, Table] = {}
    for export in EXPORTS:
        if export.limits is None:
            continue
        for table in getattr(context, export.writes):
            tables[table.name] = table
            by_table.setdefault(table.name, {})[export.name] = export.limits
    for name, limits in by_table.items():
        yield from fit.table_misfits(tables[name], limits)
    texts = xlsx.texts(context.descriptor, context.tables)
    yield from fit.text_misfits(texts, "xlsx", xlsx.LIMITS.cells["string"])


def markdown(name: str) -> str:
    """The table of exports for docs/exports.md, for the package called `name`: one row per export, in build order."""
    lines = ["| export | file | for | what is in it |", "| --- | --- | --- | --- |"]
    for export in EXPORTS:
        shown = "dist/" + export.pattern.format(name=name, table="<table>")
        lines.append(
            f"| `{export.name}` | `{shown}` | {_cell(export.readers)} | {_cell(export.description)} |"
        )
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _size(count: int) -> str:
    return f"{count / 1e6:.1f} MB" if count >= 1e6 else f"{max(count / 1e3, 1):.0f} kB"


def files_block(repo: Path, where: Path) -> str:
    """The list of the committed exports for the Markdown file `where` (its links relative to it): one row per
    export of the registry (a per-table export as its folder), its size, what it is for, and which release."""
    files = published.committed(repo)
    try:
        built = json.loads(files.get(published.VERSION_FILE, b"{}"))
    except ValueError:
        built = {}
    name = str(built.get("name", ""))
    version = str(built.get("version", "(unknown)"))
    base = Path(os.path.relpath(repo / published.FOLDER, where.parent)).as_posix()
    rows = []
    for export in EXPORTS:
        pattern = export.pattern.replace("{name}", name)
        if export.per_table:
            folder = pattern.split("/{table}")[0]
            singles = {e.pattern.replace("{name}", name) for e in EXPORTS if not e.per_table}
            held = [n for n in files if n.startswith(folder + "/") and n not in singles]
            if not held:
                continue
            shown = f"[`{folder}/`]({base}/{folder}/) ({len(held)} files)"
        else:
            if pattern not in files:
                continue
            held = [pattern]
            shown = f"[`{pattern}`]({base}/{pattern})"
        size = _size(sum(len(files[n]) for n in held))
        rows.append(f"| {shown} | {size} | {export.readers.replace('|', '/')} |")
    lines = [
        f"Ready-made files of release **{version}** in [`{published.FOLDER}/`]({base}/), rebuilt by `make release`"
        f" ({published.status(repo).line()}). For a spreadsheet, open the XLSX.",
        "",
        "| file | size | for |",
        "| --- | --- | --- |",
        *rows,
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """Print the table of exports, or rewrite the blocks of a file: the table of exports, and the list of the
    committed exports (between the exports-files markers, in README.md and docs/exports.md)."""
    parser = argparse.ArgumentParser(
        prog="python -m validate.exports.registry", description="Generate the table of exports."
    )
    parser.add_argument(
        "--descriptor",
        default="datapackage.json",
        help="the package whose name the file names carry",
    )
    parser.add_argument(
        "--update",
        metavar="FILE",
        help="rewrite the blocks between the exports markers and the exports-files markers of this file",
    )
    args = parser.parse_args(argv)
    table = markdown(
        json.loads(Path(args.descriptor).read_text(encoding="utf-8")).get("name", "data")
    )
    if args.update is None:
        sys.stdout.write(table)
        return 0
    target = Path(args.update)
    text = target.read_text(encoding="utf-8")
    has_table, has_files = START in text and END in text, FILES_START in text and FILES_END in text
    if not has_table and not has_files:
        print(
            f"error: {args.update} has no {START} ... {END} block (nor {FILES_START} ... {FILES_END})",
            file=sys.stderr,
        )
        return 2
    if has_table:
        text = replace_block(text, table, START, END)
    if has_files:  # the committed exports of the package whose descriptor is given
        files = files_block(Path(args.descriptor).resolve().parent, target.resolve())
        text = replace_block(text, files, FILES_START, FILES_END)
    changed = write_atomically(target, text.encode("utf-8"))
    print(f"rewrote: {args.update}" if changed else "nothing to change")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
