"""The validator installs as a wheel and validates a package from any folder.

Offline: the wheel is built without build isolation (setuptools comes from the project
environment) and installed with --no-index --no-deps into a fresh virtual environment;
the dependencies are lent from the project environment through a .pth line, which adds
its site-packages to sys.path without running its .pth files (so the editable install of
this checkout stays invisible and the validator can only come from the wheel). The project
environment holds configobj, whose own top-level `validate` module is the name this folder has
in the repository: the wheel installs it as `bukele_cecot_dataset_validator` (docs/reuse.md).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from validate import __version__

from .conftest import REPO

SOURCES = ("validate", "pyproject.toml", "README.md", "LICENSE")
IMPORT_NAME = "bukele_cecot_dataset_validator"
# What the `exports` extra brings, and validation must neither require nor import.
EXPORT_DISTRIBUTIONS = {"sqlite-utils", "openpyxl", "pyarrow", "pandas", "datasette", "xlsxwriter"}
EXPORT_MODULES = {"sqlite_utils", "openpyxl", "pyarrow", "pandas", "datasette", "xlsxwriter"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build the wheel from a clean copy of the sources with build==1.6.1."""
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copyfile(path, source / name)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(source),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    (built,) = dist.glob("*.whl")
    return built


def test_the_wheel_carries_the_profiles_and_the_one_version(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert {
        f"{IMPORT_NAME}/profiles/datapackage.profile.json",
        f"{IMPORT_NAME}/profiles/tableschema.profile.json",
    } <= set(names)
    assert not any(name.startswith("validate/") for name in names)
    assert wheel.name.startswith(f"bukele_cecot_dataset_validator-{__version__}-")


def test_the_wheel_states_its_licence_as_an_spdx_expression(wheel):
    """PEP 639 (core metadata 2.4): License-Expression and the licence file, not the deprecated License field."""
    archive = zipfile.ZipFile(wheel)
    (metadata_name,) = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
    headers = archive.read(metadata_name).decode("utf-8").split("\n\n", 1)[0].splitlines()
    assert "License-Expression: MIT" in headers and "License-File: LICENSE" in headers
    assert not [line for line in headers if line.startswith(("License:", "Classifier: License"))]
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in archive.namelist())


def venv_with(wheel: Path, tmp_path: Path) -> tuple[Path, Path, str]:
    """A new venv holding the wheel, whose dependencies come from this one: (venv, its python, its site-packages)."""
    venv = tmp_path / "venv"
    # --without-pip: ensurepip costs seconds; this venv's pip installs into it (--python) just the same
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "project-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-index",
            "--no-deps",
            str(wheel),
        ],
        check=True,
    )
    return venv, python, site


def test_the_installed_wheel_validates_this_repository_from_another_folder(wheel, tmp_path):
    venv, python, site = venv_with(wheel, tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [str(python), "-c", f"import {IMPORT_NAME} as v; print(v.__file__)"],
        cwd=elsewhere,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(site), where
    done = subprocess.run(
        [
            str(venv / "bin" / "validate-dataset"),
            str(REPO / "datapackage.json"),
            "--format",
            "json",
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["valid"] is True and len(report["checks"]) >= 17
    assert report["not_applicable"] == {} and report["profile"] is True


def _requirements(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        text = archive.read(metadata).decode("utf-8")
    return [
        line.split(":", 1)[1].strip()
        for line in text.splitlines()
        if line.startswith("Requires-Dist:")
    ]


def _distribution(requirement: str) -> str:
    return re.split(r"[=<>!~; \[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_the_base_requirements_are_what_validation_needs_and_exports_are_an_extra(wheel):
    requirements = _requirements(wheel)
    base = {_distribution(r) for r in requirements if "extra ==" not in r}
    exports = {_distribution(r) for r in requirements if re.search(r"extra == .exports.", r)}
    assert base and not base & EXPORT_DISTRIBUTIONS, base
    assert {"frictionless", "duckdb", "jsonschema"} <= base
    assert {"pandas", "pyarrow", "datasette", "xlsxwriter", "sqlite-utils"} <= exports


def test_validating_imports_no_export_library(tmp_path):
    """A whole run of every check on this repository's package, then a look at what was imported."""
    probe = (
        "import sys, json; from validate.runner import run\n"
        "with run(sys.argv[1]) as result: assert result.checks and result.finished\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({sorted(EXPORT_MODULES)!r}))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(REPO / "datapackage.json")],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout) == []


def test_with_configobj_beside_it_the_script_is_this_project_and_validates(wheel, tmp_path):
    """configobj installs a top-level `validate`: the wheel's name does not collide with it."""
    venv, python, site = venv_with(wheel, tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    theirs = subprocess.run(
        [str(python), "-c", "import configobj, validate; print(validate.__file__)"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "bukele" not in theirs and theirs.strip().endswith("validate/__init__.py"), theirs
    version = subprocess.run(
        [str(venv / "bin" / "validate-dataset"), "--version"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert version.strip() == f"validate-dataset {__version__}"
    done = subprocess.run(
        [
            str(venv / "bin" / "validate-dataset"),
            str(REPO / "datapackage.json"),
            "--select",
            "descriptor-profile",
            "--format",
            "json",
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and json.loads(done.stdout)["checks"] == ["descriptor-profile"]
