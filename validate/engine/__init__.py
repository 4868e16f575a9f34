"""The engine: every Table Schema compiled to set-based DuckDB queries (`compiler`, with `cells` for what
frictionless reads in Python), and the checks' row rules run as SQL over views and a registry (`rules`).
docs/engine.md tells how, and where they differ from frictionless."""
