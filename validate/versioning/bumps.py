"""The versioning rules: which bump a change needs, and whether a declared version satisfies it.

docs/versioning.md states these rules for people; this module is their only implementation.

- MAJOR: a change that can break a reader of the previous version (a field or table
  removed or renamed, a type changed, a constraint tightened, a key changed, a row removed,
  an allowed value removed, a licence removed or changed).
- MINOR: an addition that breaks no reader (a table, field, row, allowed value or licence
  added; a constraint loosened; a key or foreign key removed).
- PATCH: a correction (a changed value in an existing row; titles, descriptions, examples
  and other descriptive metadata).
- NONE: derived columns (span offsets and context, resource bytes and hashes) that
  `python -m validate fill` recomputes from the other changes.

While the major version is 0 (initial development, as SemVer allows) the scale shifts down
by one, as Cargo does it: a MAJOR change needs a minor bump (0.1.0 -> 0.2.0), a MINOR or
PATCH change needs a patch bump (0.1.0 -> 0.1.1). From 1.0.0 on each needs its own level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEVELS = ("none", "patch", "minor", "major")
_SEMVER = re.compile(
    r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?"
)


def rank(level: str) -> int:
    """The position of a level in none < patch < minor < major."""
    return LEVELS.index(level)


def highest(levels) -> str:
    """The highest of some levels ("none" for none)."""
    return max(levels, key=rank, default="none")


@dataclass(frozen=True, order=True)
class Version:
    """A semantic version; pre-release versions sort before their release."""

    major: int
    minor: int
    patch: int
    release: bool = True  # False for a pre-release such as 1.0.0-rc.1
    pre: str = ""

    @classmethod
    def parse(cls, text: object) -> Version | None:
        """The version in `text`, or None when it is not MAJOR.MINOR.PATCH."""
        match = _SEMVER.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            return None
        return cls(int(match[1]), int(match[2]), int(match[3]), match[4] is None, match[4] or "")

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}" + ("" if self.release else f"-{self.pre}")


def declared_bump(old: Version, new: Version) -> str:
    """The level of the step from `old` to `new`: none, patch, minor, major, or "downgrade"."""
    if new < old:
        return "downgrade"
    if new == old:
        return "none"
    if new.major != old.major:
        return "major"
    if new.minor != old.minor:
        return "minor"
    return "patch"  # a patch step, or a pre-release promoted to its release


def required_bump(level: str, old: Version) -> str:
    """The bump that changes of `level` need from `old` (shifted down by one while old.major is 0)."""
    if old.major == 0 and level != "none":
        return {"major": "minor", "minor": "patch", "patch": "patch"}[level]
    return level


@dataclass(frozen=True)
class Verdict:
    """What the changes need and whether the new side's version gives it."""

    change_level: str
    required: str
    old_version: str
    new_version: str
    declared: str
    ok: bool
    reason: str


def judge(change_level: str, old_text: object, new_text: object) -> Verdict:
    """Decide whether the step from `old_text` to `new_text` is a large enough bump for `change_level`."""
    old, new = Version.parse(old_text), Version.parse(new_text)
    if old is None or new is None:
        which = "old" if old is None else "new"
        return Verdict(
            change_level,
            change_level,
            str(old_text),
            str(new_text),
            "unknown",
            False,
            f"the {which} side's version {old_text if old is None else new_text!r} is not MAJOR.MINOR.PATCH",
        )
    required = required_bump(change_level, old)
    declared = declared_bump(old, new)

    def verdict(ok: bool, reason: str) -> Verdict:
        return Verdict(change_level, required, str(old), str(new), declared, ok, reason)

    if declared == "downgrade":
        return verdict(False, f"the version went down from {old} to {new}")
    if required == "none":
        return verdict(True, "no change needs a new version")
    if declared == "none":
        return verdict(False, f"the version stayed {new}; these changes need a {required} bump")
    if rank(declared) < rank(required):
        return verdict(
            False, f"{old} -> {new} is a {declared} bump; these changes need a {required} bump"
        )
    if declared == required:
        return verdict(True, f"{old} -> {new} is a {declared} bump, as needed")
    return verdict(
        True, f"{old} -> {new} is a {declared} bump, more than the {required} bump needed"
    )
