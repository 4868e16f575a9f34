"""Text anchors: find an exact text in a snapshot and describe where it is.

Offsets are Unicode code points (Python string indices), `end` exclusive, as in the
W3C Web Annotation TextPositionSelector. Context (prefix and suffix) is up to
CONTEXT_LENGTH code points, as the Hypothesis client records it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .textdiff import explain, nearest

CONTEXT_LENGTH = 32
# A cell starting with one of these is run as a formula by spreadsheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class AnchorError(ValueError):
    """The exact text is absent from the snapshot, or occurs more than once."""


@dataclass(frozen=True)
class Anchor:
    """A located span: `[start, end)` in code points, with its exact text and context."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def context_before(text: str, start: int) -> str:
    """Return the prefix for a span starting at `start`, safe to store in a CSV cell."""
    prefix = text[max(0, start - CONTEXT_LENGTH) : start]
    return prefix.lstrip("".join(FORMULA_START))


def context_after(text: str, end: int) -> str:
    """Return the suffix for a span ending at `end`, safe to store in a CSV cell.

    The suffix must sit right after the span, so it cannot be trimmed at its start:
    when it would begin with a formula character it is left empty instead.
    """
    suffix = text[end : end + CONTEXT_LENGTH]
    return "" if suffix.startswith(FORMULA_START) else suffix


def occurrences(text: str, exact: str) -> list[int]:
    """Return every start offset at which `exact` occurs in `text` (overlaps included)."""
    found, at = [], text.find(exact)
    while at != -1:
        found.append(at)
        at = text.find(exact, at + 1)
    return found


def locate(text: str, exact: str, *, near: int | None = None, prefix: str | None = None) -> Anchor:
    """Anchor `exact` in `text`.

    When `exact` occurs more than once, `prefix` (text that must stand right before it)
    or `near` (the occurrence whose start is closest to this offset) picks one;
    otherwise AnchorError says how many occurrences there are and where.
    """
    if not exact:
        raise AnchorError("the exact text is empty")
    starts = occurrences(text, exact)
    if prefix:
        starts = [s for s in starts if text[:s].endswith(prefix)]
    if not starts:
        raise AnchorError(
            f"the text {_show(exact)} does not occur in the snapshot" + _suggestion(text, exact)
        )
    if len(starts) > 1:
        if near is None:
            raise AnchorError(
                f"the text {_show(exact)} occurs {len(starts)} times (at {', '.join(map(str, starts))}); "
                "give a prefix or a start near the one you mean"
            )
        starts = [min(starts, key=lambda s: abs(s - near))]
    start = starts[0]
    end = start + len(exact)
    return Anchor(start, end, exact, context_before(text, start), context_after(text, end))


def _suggestion(text: str, exact: str) -> str:
    found = nearest(text, exact)
    if found is None:
        return ""
    start, candidate = found
    return (
        f"; the nearest text is {_show(candidate)} at start_char {start} (line {line_of(text, start)}): "
        + explain(candidate, exact, expected_label="snapshot", actual_label="yours")
    )


def line_of(text: str, offset: int) -> int:
    """Return the 1-based line of the snapshot on which `offset` falls."""
    return text.count("\n", 0, offset) + 1


def _show(s: str, limit: int = 60) -> str:
    return repr(s if len(s) <= limit else s[: limit - 1] + "…")
