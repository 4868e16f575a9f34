"""Outputs for the people who read the data, built from the validated CSVs and their Table Schemas.

`registry` lists every export once (its file, readers, description and builder); one module per
format does the work (`sqlite` with `queries`, `datasette`, `xlsx`, `parquet`, `codebook`);
`model` reads the schemas' keys once; `build` runs the registry, all or nothing.
"""
