"""One Parquet file per table: typed from the Table Schema, nullable where the schema allows an empty cell.

Each column carries its description in the field metadata (`description`), each file its
table's title and description. The pandas metadata records nullable integers as `Int64`, so
pandas reads an integer column with empty cells as integers, not floats.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas
import pyarrow
import pyarrow.parquet

from .fit import Limits, int64_refused
from .tables import Table

ARROW_TYPES = {
    "integer": pyarrow.int64(),
    "year": pyarrow.int64(),
    "number": pyarrow.float64(),
    "date": pyarrow.date32(),
    "boolean": pyarrow.bool_(),
}
PANDAS_TYPES = {"integer": "Int64", "year": "Int64", "number": "Float64", "boolean": "boolean"}
BATCH = 65_536  # rows per row group
# What a Parquet file cannot hold, by Table Schema type (validate/exports/fit.py reads it before anything is written).
LIMITS = Limits({"integer": int64_refused, "year": int64_refused})


def arrow_schema(table: Table) -> pyarrow.Schema:
    """The Arrow schema of a table: types, nullability and descriptions from its Table Schema."""
    fields = [
        pyarrow.field(
            c.name,
            ARROW_TYPES.get(c.type, pyarrow.string()),
            nullable=not c.required,
            metadata={"description": c.description},
        )
        for c in table.columns
    ]
    return pyarrow.schema(
        fields,
        metadata={
            "title": table.title,
            "description": table.description,
            "primary_key": ",".join(table.primary_key),
        },
    )


def write(path: Path, table: Table) -> None:
    """Write `table` to the Parquet file `path`, a row group at a time (memory does not grow with the table)."""
    schema = arrow_schema(table)
    # pandas's own metadata (nullable Int64, Float64, boolean), taken from an empty frame of the columns' dtypes
    empty = pandas.DataFrame(
        {c.name: pandas.array([], dtype=PANDAS_TYPES.get(c.type, "object")) for c in table.columns}
    )
    pandas_metadata = pyarrow.Schema.from_pandas(empty, preserve_index=False).metadata or {}
    schema = schema.with_metadata({**pandas_metadata, **(schema.metadata or {})})
    with pyarrow.parquet.ParquetWriter(path, schema) as writer:
        for batch in _batches(table.rows, BATCH):
            writer.write_batch(
                pyarrow.RecordBatch.from_pydict(
                    {c.name: [row[c.name] for row in batch] for c in table.columns}, schema=schema
                )
            )


def _batches(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
