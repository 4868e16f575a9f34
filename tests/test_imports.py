"""The house of validate/: no import circle, and no module imports from a layer above its own.

The layers, lowest first: what knows no package (errors, text, CSV, the release files' formats),
loading a package, the engine, the checks, running them, the tools built on a loaded package,
and the command line.
An import inside a function counts, and so does one made only for type checking."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import REPO

LAYERS = [
    {
        "errors",
        "limits",
        "safetext",
        "jsonpos",
        "yamlsafe",
        "atomic",
        "safepath",
        "textdiff",
        "numbers",
        "sentences",
        "anchor",
        "sql_keywords",
        "engine.cells",
        "model",
        "csvio",
        "canonical",
        "dialect",
        "sourcing",
        "versioning.changelog",
        "versioning.citation",
        "versioning.zenodo",
        "versioning.git",
    },
    {"columnar", "package"},
    {"engine", "engine.compiler", "engine.rules"},
    {"checks"},
    {"catalogue", "runner", "errorlog", "reporters", "applies"},
    {
        "fill",
        "docnumbers",
        "normalize",
        "rename",
        "claim_sources",
        "datadict",
        "exports",
        "versioning",
    },
    {"cli", "guard", "", "__main__"},
]


def _layer(module: str) -> int:
    for number, names in enumerate(LAYERS):
        if module in names or module.split(".")[0] in names - {"engine"}:
            return number
    raise AssertionError(
        f"validate.{module} is in no layer of tests/test_imports.py: add it where it belongs"
    )


def _modules() -> dict[str, Path]:
    found = {}
    for path in (REPO / "validate").rglob("*.py"):
        parts = path.relative_to(REPO / "validate").with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports() -> dict[str, set[str]]:
    """{module: the modules of validate/ it imports} (names relative to validate/; "" is the package itself)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges = graph.setdefault(name, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                parts = package.split(".") if package else []
                base = ".".join(
                    [*parts[: len(parts) - node.level + 1], *([node.module] if node.module else [])]
                )
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("validate"):
                base = (node.module or "").removeprefix("validate").lstrip(".")
            else:
                continue
            targets = [
                f"{base}.{alias.name}".lstrip(".")
                for alias in node.names
                if f"{base}.{alias.name}".lstrip(".") in modules
            ]
            if len(targets) < len(node.names):
                targets.append(base)
            # a submodule's parent package is always initialised before it: not an import of the submodule's making
            edges.update(
                t for t in targets if t != name and not name.startswith(f"{t}.") and (t or name)
            )
    return graph


def test_no_import_circle():
    graph = _imports()
    state: dict[str, int] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            assert state.get(target) != 1, " -> ".join([*path, module, target])
            if target not in state:
                visit(target, [*path, module])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])


def test_no_import_climbs_to_a_higher_layer():
    climbing = [
        f"validate.{source} (layer {_layer(source)}) imports validate.{target} (layer {_layer(target)})"
        for source, targets in _imports().items()
        for target in targets
        if _layer(target) > _layer(source)
    ]
    assert climbing == []
