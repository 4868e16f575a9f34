"""Split a snapshot into sentences, so that coverage can be checked sentence by sentence.

The rule is deliberately simple and documented in docs/validation.md:

- a line break ends a sentence (paragraphs, captions and the lines of an embedded post
  stand on their own lines);
- within a line, a sentence ends after `.`, `!` or `?` (and any closing quotation marks)
  when a space and then a capital letter or an opening quotation mark follow, unless the
  full stop ends a known abbreviation ("Mr.", "U.S.").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ABBREVIATIONS = ("Mr", "Mrs", "Ms", "Dr", "St", "U.S", "U.K", "Jan", "Feb", "Gen", "Sen", "Rep")
_BOUNDARY = re.compile(r"[.!?][”’\"')\]]*(?= +[A-Z“‘\"])")


@dataclass(frozen=True)
class Sentence:
    """A sentence of a snapshot: `[start, end)` in code points, its line and its text."""

    start: int
    end: int
    line: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Return the sentences of `text`, in order, without surrounding white space."""
    sentences: list[Sentence] = []
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        cut = 0
        for match in _BOUNDARY.finditer(line):
            if line[match.start()] == "." and line.endswith(
                ABBREVIATIONS, 0, match.start()
            ):  # no slice: linear on a long line
                continue
            _add(sentences, text, offset + cut, offset + match.end(), number)
            cut = match.end()
        _add(sentences, text, offset + cut, offset + len(line), number)
        offset += len(line) + 1
    return sentences


def _add(sentences: list[Sentence], text: str, start: int, end: int, line: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        start += len(piece) - len(piece.lstrip())
        sentences.append(Sentence(start, start + len(stripped), line, stripped))
