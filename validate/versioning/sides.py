"""Open one side of a comparison as a package folder: a folder, a release bundle or a git revision.

A bundle is unpacked, and a git revision is exported with `git archive`, into a temporary
folder that is removed afterwards: the work tree is never checked out over, and nothing
outside the temporary folder is written. Unpacking refuses absolute paths, `..`, links and
members larger than the limit, so a hostile archive cannot write elsewhere.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from ..errors import CannotRun
from . import bundle

MAX_MEMBER_BYTES = 200_000_000
MAX_MEMBERS = 10_000


@contextmanager
def open_side(spec: str, repo: Path) -> Iterator[Path]:
    """Yield the folder holding datapackage.json for `spec` (folder, descriptor, .zip bundle or git revision)."""
    path = Path(spec)
    if path.is_dir():
        yield _package_root(path, spec)
    elif path.is_file() and path.name.endswith(".json"):
        yield path.parent
    elif path.is_file() and zipfile.is_zipfile(path):
        with tempfile.TemporaryDirectory(prefix="validate-diff-") as temporary:
            _unzip(path, Path(temporary))
            yield _package_root(Path(temporary), spec)
    elif path.exists():
        raise CannotRun(
            f"{spec} is neither a package folder, a datapackage.json nor a release bundle (.zip)."
        )
    else:
        with tempfile.TemporaryDirectory(prefix="validate-diff-") as temporary:
            export_revision(spec, repo, Path(temporary))
            yield _package_root(Path(temporary), spec)


def _package_root(folder: Path, spec: str) -> Path:
    """The folder itself, or its only subfolder (a bundle unpacks into `<name>-<version>/`)."""
    if (folder / "datapackage.json").is_file():
        return folder
    children = [child for child in folder.iterdir() if not child.name.startswith(".")]
    if len(children) == 1 and (children[0] / "datapackage.json").is_file():
        return children[0]
    raise CannotRun(f"{spec} holds no datapackage.json (at its top or in its only folder).")


def _safe_member(name: str) -> PurePosixPath:
    member = PurePosixPath(name)
    if member.is_absolute() or ".." in member.parts or "\\" in name or not member.parts:
        raise CannotRun(f"the bundle holds an unsafe path {name!r}; it was not unpacked.")
    return member


def _unzip(bundle: Path, target: Path) -> None:
    try:
        with zipfile.ZipFile(bundle) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise CannotRun(f"{bundle} holds more than {MAX_MEMBERS} files.")
            for info in members:
                member = _safe_member(info.filename)
                if (info.external_attr >> 16) & 0o170000 == 0o120000:
                    raise CannotRun(
                        f"{bundle}: {info.filename!r} is a symbolic link; bundles hold regular files only."
                    )
                if info.file_size > MAX_MEMBER_BYTES:
                    raise CannotRun(
                        f"{bundle}: {info.filename!r} is larger than {MAX_MEMBER_BYTES:,} bytes."
                    )
                destination = target.joinpath(*member.parts)
                if info.is_dir():
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source, destination.open("wb") as out:
                    shutil.copyfileobj(source, out)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise CannotRun(f"cannot unpack {bundle}: {error}") from None


# Besides the resources and schemas the descriptor names, the files a release needs.
# what a git revision is read for: every file and folder any bundle layout holds (the resources are added from its descriptor)
PACKAGE_FILES = tuple(
    sorted(
        {
            *bundle.REQUIRED_FILES,
            *(
                name
                for layout in bundle.LAYOUTS.values()
                for name in (*layout.optional_files, *layout.folders)
            ),
        }
    )
)


def run_git(repo: Path, *args: str, text: bool = True) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            ["git", "-C", str(repo), *args],
            check=False,
            capture_output=True,
            text=text,
            timeout=300,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise CannotRun(f"cannot run git: {error}") from None


def _package_paths(repo: Path, commit: str) -> list[str]:
    """The top-level entries of `commit` that hold the package: only these are exported (not tests/, not the code)."""
    wanted = set(PACKAGE_FILES)
    shown = run_git(repo, "show", f"{commit}:datapackage.json")
    try:
        descriptor = json.loads(shown.stdout) if shown.returncode == 0 else {}
    except ValueError:
        descriptor = {}
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    for resource in resources if isinstance(resources, list) else []:
        for key in ("path", "schema"):
            value = resource.get(key) if isinstance(resource, dict) else None
            if (
                isinstance(value, str)
                and value
                and not value.startswith(("/", "-"))
                and "://" not in value
            ):
                wanted.add(value.split("/", 1)[0])
    top = set(run_git(repo, "ls-tree", "--name-only", commit).stdout.splitlines())
    return sorted(wanted & top)


def export_revision(revision: str, repo: Path, target: Path) -> None:
    """Write the package files of git revision `revision` of `repo` into `target` (git archive; the work tree is not touched)."""
    if revision.startswith("-"):
        raise CannotRun(f"{revision!r} is not a folder, a bundle or a git revision.")
    commit = run_git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if commit.returncode != 0:
        raise CannotRun(
            f"{revision!r} is not a folder, a bundle (.zip) or a git revision of {repo}."
        )
    commit_id = commit.stdout.strip()
    paths = _package_paths(repo, commit_id)
    if "datapackage.json" not in paths:
        raise CannotRun(
            f"git revision {revision} has no datapackage.json at the top of the repository."
        )
    archive = run_git(repo, "archive", "--format=tar", commit_id, "--", *paths, text=False)
    if archive.returncode != 0:
        raise CannotRun(
            f"git archive {revision} failed: {archive.stderr.decode('utf-8', 'replace').strip()}"
        )
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(
            target, filter="data"
        )  # the "data" filter refuses links out, absolute paths and devices


def git_commit(repo: Path, revision: str = "HEAD") -> str | None:
    """The full commit id of `revision` in `repo`, or None when it is not a git repository."""
    try:
        result = run_git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except CannotRun:
        return None
    return result.stdout.strip() if result.returncode == 0 else None
