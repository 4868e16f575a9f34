"""The release bundle: `dist/<name>-<version>.zip`, byte-identical whenever it is rebuilt from the same files.

What makes it reproducible: entries in sorted order under one folder `<name>-<version>/`;
every timestamp set to one moment (SOURCE_DATE_EPOCH, else the commit date of HEAD);
permissions 0644 for every file and no directory entries, owners or extra fields; entries
stored, not deflated, because deflate output may differ between zlib builds; no path of
the machine that built it. A `SHA256SUMS` file in the bundle lists every other file in
the format `sha256sum -c` reads.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .. import safepath
from ..errors import CannotRun
from .git import run_git

# A file name SHA256SUMS cannot list even escaped (sha256sum escapes only a newline and a backslash portably).
_UNLISTABLE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
MAX_FILE_BYTES = 2**30  # one file of a bundle: the bundle is assembled in memory

REQUIRED_FILES = ("datapackage.json", "README.md", "LICENSE", "CITATION.cff", "CHANGELOG.md")


@dataclass(frozen=True)
class Layout:
    """What a bundle holds besides the required files and the resources: one numbered layout per
    change, so that a recorded release is always rebuilt as it was built (its record names it)."""

    optional_files: tuple[str, ...]
    folders: tuple[str, ...]


LAYOUTS = {
    1: Layout(
        (".zenodo.json",), ("schemas", "sources")
    ),  # 0.1.0 to 0.2.1: no docs, so cells citing docs/research had nothing to point at
    2: Layout(
        (".zenodo.json", "CONTRIBUTING.md"), ("schemas", "sources", "docs", "releases")
    ),  # the bundle validates on its own
    3: Layout(
        (".zenodo.json", "CONTRIBUTING.md"),
        ("schemas", "sources", "docs", "releases", "exports"),
    ),  # with the committed exports (validate/versioning/published.py), which `release` rebuilds
}
CURRENT_LAYOUT = 3
EXPORTS = "exports"  # the committed exports; a bundle holds them under exports/
ZIP_EPOCH_MIN = 315532800  # 1980-01-01, the earliest time a zip entry can hold


@dataclass(frozen=True)
class Bundle:
    """A built bundle: where it is, its sha256, and the files it holds."""

    path: Path
    sha256: str
    members: tuple[str, ...]


def source_date_epoch(root: Path) -> int:
    """The moment every entry is dated: SOURCE_DATE_EPOCH, else the date of the commit at HEAD."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is not None:
        if not value.isdigit():
            raise CannotRun(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {value!r}.")
        return int(value)
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%ct"],
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        result = None
    if result is None or result.returncode != 0 or not result.stdout.strip().isdigit():
        raise CannotRun(
            "not a git repository: set SOURCE_DATE_EPOCH (seconds since 1970) to date the bundle's entries."
        )
    return int(result.stdout.strip())


class Tree:
    """The files a bundle may take, and how to read them: what git tracks (in the work tree, or in a commit), or,
    outside git, the folder's regular files. A symbolic link is never followed: it is listed in `links` and left out."""

    def __init__(
        self, root: Path, files: dict[str, str | None], links: list[str], commit: str | None
    ):
        self.root = root
        self.files = files  # package-relative path -> git blob id (a commit's file) or None (a file of the work tree)
        self.links = sorted(links)
        self.commit = commit

    def read(self, path: str) -> bytes:
        """The bytes of a listed file (CannotRun when it cannot be read under the path rule)."""
        blob = self.files[path]
        if blob is None:
            return safepath.read(self.root, self.root / path, MAX_FILE_BYTES)
        shown = run_git(self.root, "cat-file", "blob", blob, text=False)
        if shown.returncode != 0:
            raise CannotRun(f"git cannot read {path!r} of {self.commit}.")
        return shown.stdout


def work_tree(root: Path) -> Tree:
    """The files of the work tree a bundle may take: those git tracks (never an ignored or untracked one), or every
    regular file when `root` is not in a git repository."""
    try:
        listed = run_git(root, "ls-files", "-z", "--stage", "--", ".", text=False)
    except CannotRun:  # no git on this machine: nothing is tracked or ignored either
        return _walked(root)
    if listed.returncode != 0:
        return _walked(root)
    files: dict[str, str | None] = {}
    links = []
    for entry in listed.stdout.split(b"\0"):
        if not entry:
            continue
        info, _, raw = entry.partition(b"\t")
        path = raw.decode("utf-8", "surrogateescape")
        mode = info.split(b" ", 1)[0]
        if mode == b"120000" or safepath.link_in(root, root / path) is not None:
            if os.path.lexists(
                root / path
            ):  # a link, or a file that is now one (a file deleted since is not bundled)
                links.append(path)
            continue
        if mode in (b"100644", b"100755"):  # not a submodule (160000)
            files[path] = None
    return Tree(root, files, links, None)


def revision_tree(repo: Path, commit: str) -> Tree:
    """The files of git `commit` under `repo` (read from git's objects: nothing is checked out or extracted)."""
    listed = run_git(repo, "ls-tree", "-r", "-z", commit, text=False)
    if listed.returncode != 0:
        raise CannotRun(f"git cannot list the files of {commit}.")
    files: dict[str, str | None] = {}
    links = []
    for entry in listed.stdout.split(b"\0"):
        if not entry:
            continue
        info, _, raw = entry.partition(b"\t")
        mode, kind, blob = info.decode("ascii").split(" ")
        path = raw.decode("utf-8", "surrogateescape")
        if mode == "120000":
            links.append(path)
        elif kind == "blob":
            files[path] = blob
    return Tree(repo, files, links, commit)


def _walked(root: Path) -> Tree:
    files: dict[str, str | None] = {}
    links = []
    for folder, folders, names in os.walk(root):  # os.walk does not descend into linked folders
        here = Path(folder)
        for name in [*folders, *names]:
            path = here / name
            relative = path.relative_to(root).as_posix()
            if path.is_symlink():
                links.append(relative)
            elif name in names and path.is_file():
                files[relative] = None
        folders[:] = [f for f in folders if f != ".git" and not (here / f).is_symlink()]
    return Tree(root, files, links, None)


def package_files(tree: Tree, descriptor: dict, layout: int = CURRENT_LAYOUT) -> list[str]:
    """Every file the bundle holds, as package-relative POSIX paths, sorted: the required and optional files, the
    resources and schemas the descriptor names and the layout's folders, as far as `tree` holds them."""
    if layout not in LAYOUTS:
        raise CannotRun(
            f"bundle layout {layout} is not one this validator knows ({', '.join(map(str, LAYOUTS))}); use a newer one."
        )
    files = set()
    for name in REQUIRED_FILES:
        files.add(_listed(tree, name))
    files.update(name for name in LAYOUTS[layout].optional_files if name in tree.files)
    resources = listed if isinstance(listed := descriptor.get("resources"), list) else []
    for resource in resources:
        for key in ("path", "schema"):
            value = resource.get(key) if isinstance(resource, dict) else None
            if isinstance(value, str):
                files.add(_listed(tree, value))
    for folder in LAYOUTS[layout].folders:
        files.update(path for path in tree.files if path.startswith(folder + "/"))
    return sorted(files)


def _listed(tree: Tree, relative: str) -> str:
    path = PurePosixPath(relative)
    if relative in tree.files and not path.is_absolute() and ".." not in path.parts:
        return relative
    why = (
        "a symbolic link (links are never followed)"
        if relative in tree.links
        else "not a file git tracks"
        if tree.commit is None and (tree.root / relative).exists()
        else "missing"
    )
    raise CannotRun(f"{relative!r} is {why}; a release bundle must hold it as a regular file.")


def sums(contents: dict[str, bytes]) -> str:
    """SHA256SUMS: one line per file, as `sha256sum` writes it (a name holding a newline or a backslash escaped, the
    line then starting with a backslash), so that `sha256sum -c` checks every file."""
    lines = []
    for path, data in sorted(contents.items()):
        digest = hashlib.sha256(data).hexdigest()
        if _UNLISTABLE.search(path):
            raise CannotRun(
                f"the file name {path!r} holds a control character that SHA256SUMS cannot list; rename it."
            )
        if "\\" in path or "\n" in path:
            escaped = path.replace("\\", "\\\\").replace("\n", "\\n")
            lines.append(f"\\{digest}  {escaped}\n")
        else:
            lines.append(f"{digest}  {path}\n")
    return "".join(lines)


def _entry(name: str, epoch: int) -> zipfile.ZipInfo:
    moment = time.gmtime(max(epoch, ZIP_EPOCH_MIN))
    info = zipfile.ZipInfo(name, date_time=moment[:6])
    info.create_system = 3  # Unix, so that the permissions below are read
    info.external_attr = 0o100644 << 16
    info.compress_type = zipfile.ZIP_STORED
    return info


def build(
    root: Path,
    out_dir: Path,
    epoch: int,
    with_exports: bool = True,
    layout: int = CURRENT_LAYOUT,
    tree: Tree | None = None,
    exports: dict[str, bytes] | None = None,
) -> Bundle:
    """Build the bundle of the package in `root` (the files of `tree`: by default what git tracks in the work tree)
    into `out_dir` (in bundle `layout`); written whole or not at all.

    `out_dir` is checked first (a folder, no link on the way from the package, or from its parent when it is outside
    the package): nothing is read or written through a link. The links `tree` holds are left out (`Tree.links`).
    `exports` ({path: bytes}, freshly built) take the place of the tree's exports/; without `with_exports` the
    bundle holds none."""
    root = root.resolve()
    out_dir = Path(os.path.abspath(out_dir))
    out_base = root if out_dir.is_relative_to(root) else out_dir.parent
    safepath.folder(out_base, out_dir)  # before anything is read: `ln -s ~/.ssh dist` stops here
    tree = tree if tree is not None else work_tree(root)
    if "datapackage.json" not in tree.files:
        _listed(tree, "datapackage.json")
    try:
        descriptor = json.loads(tree.read("datapackage.json").decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise CannotRun(f"cannot read datapackage.json: {error}") from None
    if not isinstance(descriptor, dict):
        raise CannotRun("datapackage.json must hold a JSON object to name the bundle.")
    name, version = descriptor.get("name"), descriptor.get("version")
    if (
        not isinstance(name, str)
        or not isinstance(version, str)
        or not name
        or not version
        or re.search(r"[/\\\x00-\x1f\x7f]", name + version)
    ):
        raise CannotRun(
            "datapackage.json needs a `name` and a `version` (no `/`, `\\` or control character) to name the bundle."
        )
    top = f"{name}-{version}"
    contents: dict[str, bytes] = {
        path: tree.read(path) for path in package_files(tree, descriptor, layout)
    }
    if exports is not None or not with_exports:
        contents = {p: data for p, data in contents.items() if not p.startswith(f"{EXPORTS}/")}
    if exports is not None and with_exports:
        contents.update({f"{EXPORTS}/{path}": data for path, data in exports.items()})
    contents["SHA256SUMS"] = sums(contents).encode("utf-8")
    safepath.folder(out_base, out_dir, create=True)
    target = safepath.target(out_base, out_dir / f"{top}.zip")
    handle, temporary = tempfile.mkstemp(dir=out_dir, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w") as archive:
            for path in sorted(contents):
                archive.writestr(_entry(f"{top}/{path}", epoch), contents[path])
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    return Bundle(target, digest, tuple(sorted(contents)))
