"""A word-level difference between two texts, in bounded time, for the diff report.

The texts are split into words, spaces and punctuation. The common beginning and end are
removed first (linear, and all an ordinary correction needs); only the middle is aligned
word by word (difflib), and only when it is small enough, within a budget for the whole
report: a larger middle is shown as replaced whole, with a note, so no pair of texts (and no
number of them) can make the report quadratic. Unchanged
runs longer than CONTEXT tokens each side of a change are elided with "…".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
_WORD = re.compile(r"\w")
ALIGN_MAX_TOKENS = 600  # a middle of more tokens on either side is not aligned word by word
ALIGN_BUDGET = 20_000_000  # token pairs aligned in one report (a few seconds at worst)
CONTEXT = 6  # unchanged tokens kept each side of a change


def words(text: str) -> list[str]:
    """The tokens of `text`: runs of word characters, runs of spaces, and single other characters."""
    return _TOKEN.findall(text)


@dataclass(frozen=True)
class Segment:
    """A run of the difference: `kind` is "same", "removed", "added" or "elided" (unchanged text left out)."""

    kind: str
    text: str


@dataclass(frozen=True)
class WordDiff:
    """The segments from the old text to the new, and whether the middle was too long to align."""

    segments: tuple[Segment, ...]
    aligned: bool


class AlignBudget:
    """Token pairs a whole report may align (difflib's cost grows with their product): past it, changes are shown replaced whole."""

    def __init__(self, pairs: int = ALIGN_BUDGET) -> None:
        self.remaining = pairs

    def take(self, cost: int) -> bool:
        """Spend `cost` pairs if there are that many left."""
        if cost > self.remaining:
            return False
        self.remaining -= cost
        return True


def word_diff(old: str, new: str, budget: AlignBudget | None = None) -> WordDiff:
    """The word-level difference from `old` to `new`, unchanged runs elided beyond CONTEXT tokens."""
    a, b = words(old), words(new)
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end = 0
    while end < len(a) - start and end < len(b) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    middle_a, middle_b = a[start : len(a) - end], b[start : len(b) - end]
    raw: list[tuple[str, list[str]]] = [("same", a[:start])]
    aligned = (
        len(middle_a) <= ALIGN_MAX_TOKENS
        and len(middle_b) <= ALIGN_MAX_TOKENS
        and (budget is None or budget.take(len(middle_a) * len(middle_b)))
    )
    if aligned:
        matcher = SequenceMatcher(None, middle_a, middle_b, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                raw.append(("same", middle_a[i1:i2]))
            else:
                raw.append(("removed", middle_a[i1:i2]))
                raw.append(("added", middle_b[j1:j2]))
    else:
        raw += [("removed", middle_a), ("added", middle_b)]
    raw.append(("same", a[len(a) - end :]))
    return WordDiff(tuple(_elide(_coalesce([(k, t) for k, t in raw if t]))), aligned)


def _coalesce(raw: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    """Join changes separated only by spaces or punctuation into one removed and one added run
    (`[-a b-]{+c d+}`, not `[-a-]{+c+} [-b-]{+d+}`)."""
    merged: list[tuple[str, list[str]]] = []
    removed: list[str] = []
    added: list[str] = []
    for index, (kind, tokens) in enumerate(raw):
        between = 0 < index < len(raw) - 1 and (removed or added)
        if kind == "same" and not (between and not any(_WORD.match(t) for t in tokens)):
            merged += [(k, t) for k, t in (("removed", removed), ("added", added)) if t]
            removed, added = [], []
            merged.append((kind, tokens))
        elif kind == "same":  # spaces or punctuation between two changes: part of both sides
            removed, added = removed + tokens, added + tokens
        elif kind == "removed":
            removed = removed + tokens
        else:
            added = added + tokens
    merged += [(k, t) for k, t in (("removed", removed), ("added", added)) if t]
    return merged


def _elide(raw: list[tuple[str, list[str]]]) -> list[Segment]:
    segments = []
    for index, (kind, tokens) in enumerate(raw):
        if kind != "same":
            segments.append(Segment(kind, "".join(tokens)))
            continue
        keep_before = CONTEXT if index > 0 else 0  # context after the change before it
        keep_after = CONTEXT if index < len(raw) - 1 else 0  # context before the next change
        if len(tokens) <= keep_before + keep_after + 1:
            segments.append(Segment("same", "".join(tokens)))
            continue
        if keep_before:
            segments.append(Segment("same", "".join(tokens[:keep_before])))
        segments.append(Segment("elided", "…"))
        if keep_after:
            segments.append(Segment("same", "".join(tokens[len(tokens) - keep_after :])))
    return segments
