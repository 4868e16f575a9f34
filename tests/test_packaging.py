"""The validator installs as a wheel and validates a package from any folder.

Offline: the wheel is built without build isolation (setuptools comes from the project
environment) and installed with --no-index --no-deps into a fresh virtual environment;
the dependencies are lent from the project environment through a .pth line, which adds
its site-packages to sys.path without running its .pth files (so the editable install of
this checkout stays invisible and `validate` can only come from the wheel).
"""

from __future__ import annotations

import json
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
        "validate/profiles/datapackage.profile.json",
        "validate/profiles/tableschema.profile.json",
    } <= set(names)
    assert wheel.name.startswith(f"bukele_cecot_dataset_validator-{__version__}-")


def test_the_wheel_states_its_licence_as_an_spdx_expression(wheel):
    """PEP 639 (core metadata 2.4): License-Expression and the licence file, not the deprecated License field."""
    archive = zipfile.ZipFile(wheel)
    (metadata_name,) = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
    headers = archive.read(metadata_name).decode("utf-8").split("\n\n", 1)[0].splitlines()
    assert "License-Expression: MIT" in headers and "License-File: LICENSE" in headers
    assert not [line for line in headers if line.startswith(("License:", "Classifier: License"))]
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in archive.namelist())


def test_the_installed_wheel_validates_this_repository_from_another_folder(wheel, tmp_path):
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
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import validate; print(validate.__file__)"],
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
