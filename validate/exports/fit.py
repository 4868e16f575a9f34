"""Values a format cannot hold, found before anything is written: each named by file, line and field.

An export never blanks, rounds or cuts a value to make it fit. Each format module declares what
its cells cannot hold (`Limits`: one test per Table Schema type, and a row limit), the registry
says which export writes which tables, and `misfits` reads every table once against all of them;
`build` refuses the whole build (nothing is written to dist/) when any value does not fit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from .tables import Table, kind

# A test of one typed value: None when the format holds it, else what is wrong, in words.
CellTest = Callable[[object], "str | None"]
SHOWN = 20  # misfits listed in the error; the rest are counted
INT64 = 2**63  # SQLite's INTEGER and Parquet's int64 hold -INT64 to INT64 - 1


def int64_refused(value) -> str | None:
    """What is wrong with an integer a 64-bit integer column cannot hold; None when it fits."""
    if -INT64 <= value < INT64:
        return None
    return (
        f"the integer {str(value)[:30]} has {len(str(abs(value))):,} digits; a 64-bit integer column holds "
        f"{-INT64:,} to {INT64 - 1:,}"
    )


@dataclass(frozen=True)
class Limits:
    """What one format cannot hold: `cells` tests values by Table Schema type, `max_rows` a table's data rows."""

    cells: Mapping[str, CellTest] = field(default_factory=dict)
    max_rows: int | None = None


@dataclass(frozen=True)
class Misfit:
    """One value (or table) an export cannot hold."""

    file: str
    line: int | None
    field: str
    export: str
    problem: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        where = f" field `{self.field}`" if self.field else ""
        return f"{place}{where} (export `{self.export}`): {self.problem}"


class DoesNotFit(ValueError):
    """Some values cannot be written without changing them; the message lists them."""

    def __init__(self, misfits: list[Misfit], more: int):
        listed = "; ".join(str(m) for m in misfits) + (f"; and {more:,} more" if more else "")
        super().__init__(
            "nothing was written, because these values would be changed (an export never blanks, rounds or cuts "
            f"a value): {listed}. Change the values in the CSV, or the field's type."
        )
        self.misfits = misfits


def table_misfits(table: Table, limits: Mapping[str, Limits]) -> Iterator[Misfit]:
    """Every value of `table` that one of the formats in `limits` ({export name: Limits}) cannot hold, in file order."""
    tests = [
        (column.name, export, test)
        for column in table.columns
        for export, limit in limits.items()
        if (test := limit.cells.get(kind(column.type))) is not None
    ]
    count = 0
    for line, row in table.lined():
        count += 1
        for name, export, test in tests:
            value = row[name]
            if value is not None and (problem := test(value)) is not None:
                yield Misfit(table.path or table.name, line, name, export, problem)
    for export, limit in limits.items():
        if limit.max_rows is not None and count > limit.max_rows:
            yield Misfit(
                table.path or table.name,
                None,
                "",
                export,
                f"the table has {count:,} rows; a sheet holds at most {limit.max_rows:,}",
            )


def text_misfits(
    texts: list[tuple[str, str, str]], export: str, test: CellTest
) -> Iterator[Misfit]:
    """Each (file, field, text) whose text `test` refuses: the descriptor's and schemas' texts an export writes into cells."""
    for file, name, text in texts:
        if (problem := test(text)) is not None:
            yield Misfit(file, None, name, export, problem)


def refuse(misfits: Iterator[Misfit]) -> None:
    """Raise DoesNotFit listing the first misfits (and counting the rest) when there is any."""
    shown: list[Misfit] = []
    more = 0
    for misfit in misfits:
        if len(shown) < SHOWN:
            shown.append(misfit)
        else:
            more += 1
    if shown:
        raise DoesNotFit(shown, more)
