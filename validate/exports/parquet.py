"""One Parquet file per table: typed from the Table Schema, nullable where the schema allows an empty cell.

Each column carries its description in the field metadata (`description`), each file its
table's title and description. The pandas metadata records nullable integers as `Int64`, so
pandas reads an integer column with empty cells as integers, not floats.
"""

from __future__ import annotations

from pathlib import Path

import pandas
import pyarrow
import pyarrow.parquet

from .tables import Table

ARROW_TYPES = {
    "integer": pyarrow.int64(),
    "year": pyarrow.int64(),
    "number": pyarrow.float64(),
    "date": pyarrow.date32(),
    "boolean": pyarrow.bool_(),
}
PANDAS_TYPES = {"integer": "Int64", "year": "Int64", "number": "Float64", "boolean": "boolean"}


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
    """Write `table` to the Parquet file `path`."""
    schema = arrow_schema(table)
    frame = pandas.DataFrame(
        {
            c.name: pandas.array(
                [row[c.name] for row in table.rows], dtype=PANDAS_TYPES.get(c.type, "object")
            )
            for c in table.columns
        }
    )
    arrow = pyarrow.Table.from_pandas(frame, schema=schema, preserve_index=False)
    # from_pandas replaces the schema metadata with pandas's own: put the table's back beside it
    arrow = arrow.replace_schema_metadata({**(arrow.schema.metadata or {}), **schema.metadata})
    pyarrow.parquet.write_table(arrow, path)
