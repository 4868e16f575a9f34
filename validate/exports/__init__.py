"""Outputs for the people who read the data, built from the validated CSVs and their Table Schemas.

One module per output: `sqlite` (with `queries` and `datasette` metadata), `xlsx`, `parquet`,
`codebook`; `model` reads the schemas' keys once; `build` runs them all, all or nothing.
"""
